"""The README opens with the two set-up commands, and CI runs exactly the second one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block is not None, "README has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.index("```bash")
    assert text[:first_block].strip() == "# budgetkit"
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("-m budgetkit build")
    assert commands[1].endswith("-m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci


def test_environment_yml_matches_pyproject_dependencies():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for dep in deps:
        name = re.split(r"[<>=!~ ]", dep, maxsplit=1)[0]
        assert name in env, f"{name} is in pyproject.toml but not in environment.yml"


def test_readme_duckdb_example_runs(tmp_path, monkeypatch):
    from budgetkit.scale.dataset import write_dataset

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "budgetkit.connect()" in b)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    seed = sorted((ROOT / "data/raw/2025").glob("*.txt"))
    write_dataset(seed, tmp_path / "data/processed/dataset", 2025, jobs=1, progress=None)
    monkeypatch.setenv("BUDGETKIT_ROOT", str(tmp_path))
    scope: dict = {}
    exec(compile(example, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    result = scope["con"].sql(example.split('con.sql("""')[1].split('""")')[0]).df()
    assert len(result) > 0 and set(result.columns) == {"raw_year", "per_unit", "targets", "median_yuan"}
    assert result["targets"].sum() > 0
