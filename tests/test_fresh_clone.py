"""A fresh clone's first build leaves ``git status`` clean and the DuckDB dataset answering (issue 26, item 2).

The committed 2025 outputs (``data/processed/2025/``, ``figures/2025/``) must be byte for byte what the
build writes from the committed seed; the README's DuckDB query must answer after that one command, and the
analysis views (``costs``, ``audit``, ``terms``) must hold the year's rows.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from conftest import ROOT, SEED, make_project

OUTPUTS = ("data/processed/2025", "figures/2025")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    from budgetkit.build.build import build

    root = make_project(tmp_path_factory.mktemp("clone"), {2025: SEED.read_bytes()})
    build(root=root, html=False)
    return root


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.notebooks
@pytest.mark.parametrize("folder", [pytest.param(f, id=f.replace("/", "-")) for f in OUTPUTS])
def test_committed_outputs_equal_what_the_build_writes(fresh, folder):
    committed, built = _files(ROOT / folder), _files(fresh / folder)
    assert sorted(committed) == sorted(built), f"{folder}: files differ (rebuild and commit them)"
    stale = [name for name in built if committed[name] != built[name]]
    assert not stale, f"{folder}: committed files differ from what the build writes: {stale} (rebuild and commit)"


def _readme_query() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r'con = budgetkit\.connect\(\)\ncon\.sql\("""(.+?)"""\)', text, re.S)
    assert match, "README: the DuckDB example moved"
    return match.group(1)


@pytest.mark.notebooks
def test_the_readme_duckdb_query_answers_after_the_first_build(fresh):
    from budgetkit.scale.dataset import connect

    con = connect(fresh)
    answer = con.sql(_readme_query()).df()
    assert len(answer) > 0 and (answer["raw_year"] == 2025).all()
    projects = pd.read_csv(fresh / "data/processed/2025/projects.csv")
    assert con.sql("SELECT count(*) FROM projects").fetchall()[0][0] == len(projects)
    for view in ("costs", "audit", "terms"):
        expected = len(pd.read_parquet(fresh / f"data/processed/2025/{view}.parquet"))
        assert expected > 0
        assert con.sql(f"SELECT count(*) FROM {view} WHERE raw_year = 2025").fetchall()[0][0] == expected, view


@pytest.mark.notebooks
def test_a_rebuild_with_nothing_to_do_leaves_the_dataset_alone(fresh):
    from budgetkit.build.build import build

    dataset = fresh / "data/processed/dataset"
    before = {p: p.stat().st_mtime_ns for p in dataset.rglob("*") if p.is_file()}
    build(root=fresh, html=False)
    assert {p: p.stat().st_mtime_ns for p in dataset.rglob("*") if p.is_file()} == before


def test_the_dataset_is_not_committed():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/processed/dataset/projects/x.parquet"], cwd=ROOT)
    assert ignored.returncode == 0
