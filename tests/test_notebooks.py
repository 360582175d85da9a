"""The notebooks: thin and parameterised (static checks), and executed end to end with papermill (smoke test)."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from budgetkit.build import YEAR_NOTEBOOKS, build, sha256
from budgetkit.errors import NotebookError
from budgetkit.params import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FILES = sorted((ROOT / "notebooks").glob("*.ipynb"))
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_every_declared_notebook_exists():
    assert [p.stem for p in NOTEBOOK_FILES] == list(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    cells = code_cells(path)
    for cell in cells:
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        tree = ast.parse(source)
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                                                           | ast.Lambda)]
        assert not defs, f"{path.name}: logic belongs in src/budgetkit, not in a notebook cell: {cell.source!r}"
        assert not any(isinstance(n, ast.For | ast.While | ast.If) for n in ast.walk(tree)), cell.source
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = cells[tagged[0]].source
    assert "year: int = 2025  # 预算年度" in params
    check = cells[tagged[0] + 1].source
    assert f'validate_params(globals(), "{path.stem}")' in check
    assert not any(c.outputs for c in cells), "commit notebooks without outputs"


def make_project(root: Path, years: dict[int, bytes]) -> Path:
    """A throw-away copy of the repository layout with the given raw files."""
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    for year, content in years.items():
        folder = root / "data/raw" / str(year)
        folder.mkdir(parents=True)
        (folder / SEED.name).write_bytes(content)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build two years so every notebook, 05_compare too, runs: 2025 from the seed text, and 2024 from a
    PDF of the whole seed drawn by tests/pdfmaker.py (so the build reads PDFs too)."""
    from budgetkit.parse import parse_file
    from pdfmaker import make_pdf, projects_from_tables

    root = make_project(tmp_path_factory.mktemp("project"), {2025: SEED.read_bytes()})
    (root / "data/raw/2024").mkdir()
    make_pdf(root / "data/raw/2024/nx-2025-as-pdf.pdf", projects_from_tables(parse_file(SEED)))
    results = build(root=root)
    return root, results


@pytest.mark.notebooks
def test_build_runs_every_notebook(built):
    root, results = built
    assert [r.name for r in results] == ["2024", "2025", "compare"]
    assert all(not r.error for r in results)
    assert list(results[1].notebooks) == list(YEAR_NOTEBOOKS)
    assert list(results[2].notebooks) == ["05_compare"]


@pytest.mark.notebooks
def test_the_pdf_year_is_read_like_the_text_year(built):
    root, _ = built
    pdf = pd.read_csv(root / "data/processed/2024/indicators.csv")
    text = pd.read_csv(root / "data/processed/2025/indicators.csv")
    cols = ["project", "level1", "level2", "indicator", "value", "kind", "num", "value_yuan"]
    pd.testing.assert_frame_equal(pdf[cols], text[cols])
    assert pdf["page_start"].notna().all() and text["page_start"].isna().all()
    assert pd.read_csv(root / "data/processed/2024/unparsed.csv").empty


@pytest.mark.notebooks
def test_tables_written_by_the_notebooks(built):
    root, _ = built
    out = root / "data/processed/2025"
    projects = pd.read_csv(out / "projects.csv")
    assert len(projects) == 11
    assert pd.read_csv(out / "indicators.csv").shape[0] == 144
    assert pd.read_csv(out / "unparsed.csv").empty
    costs = pd.read_csv(out / "costs.csv")
    first = costs.iloc[0]
    assert (first["project"], first["implied_wan"], first["budget_wan"], first["status"]) == (
        "职工困难帮扶资金项目", 886.86, 886.8, "closes")
    assert "2225户×3250元" in first["explanation_zh"]
    audit = pd.read_csv(out / "audit.csv")
    assert len(audit) > 0 and set(audit["rule"]) <= {"missing_level1", "missing_level2", "qualitative_share",
        "deadline_outside_year", "percent_over_100", "quantity_without_cost", "duplicate_indicator", "cost_mismatch"}


@pytest.mark.notebooks
def test_figures_and_html(built):
    root, _ = built
    figures = sorted(p.name for p in (root / "figures/2025").glob("*.png"))
    assert figures == ["audit_summary.png", "budget_by_project.png", "implied_vs_budget.png", "unit_costs.png"]
    assert (root / "figures/compare/year_comparison.png").stat().st_size > 10_000
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (root / "reports/2025").glob("*.html")}
    assert sorted(pages) == list(YEAR_NOTEBOOKS)
    assert pages["04_figures"].count("data:image/png;base64") >= 4
    assert "职工困难帮扶资金项目" in pages["01_clean"] and "886.86" in pages["02_costs"]
    assert "steps.clean_year" not in pages["01_clean"], "code is hidden from readers"
    assert "validate_params" not in pages["01_clean"]
    assert "Traceback" not in "".join(pages.values())
    index = (root / "reports/index.html").read_text(encoding="utf-8")
    assert "2025/04_figures.html" in index and "compare/05_compare.html" in index


@pytest.mark.notebooks
def test_run_manifest(built):
    root, _ = built
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["year"] == 2025
    assert manifest["parameters"]["year"] == 2025 and manifest["parameters"]["root"] == ""
    (source,) = manifest["inputs"]
    assert source["sha256"] == sha256(SEED) and source["file"] == f"data/raw/2025/{SEED.name}"
    assert manifest["row_counts"]["projects"] == 11 and manifest["row_counts"]["costs"] == 11
    assert set(manifest["notebook_seconds"]) == set(YEAR_NOTEBOOKS)
    assert manifest["budgetkit_version"]


@pytest.mark.notebooks
def test_failing_notebook_keeps_its_error_and_fails_the_build(tmp_path):
    root = make_project(tmp_path, {2025: "这不是绩效目标表\n".encode()})
    with pytest.raises(NotebookError, match="notebook 01_clean failed.*no performance-target table found"):
        build(root=root)
    executed = nbformat.read(root / "reports/2025/01_clean.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and errors[0]["ename"] == "NoTableError"
    assert "no performance-target table found" in (root / "reports/2025/01_clean.html").read_text(encoding="utf-8")
    assert not (root / "reports/2025/02_costs.ipynb").exists()
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and "01_clean" in manifest["error"]


@pytest.mark.notebooks
def test_unknown_parameter_stops_the_notebook(tmp_path):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    root = make_project(tmp_path, {2025: SEED.read_bytes()})
    with pytest.raises(PapermillExecutionError) as err:
        pm.execute_notebook(str(root / "notebooks/01_clean.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"yaer": 2024}, cwd=str(root), progress_bar=False, kernel_name="python3")
    assert err.value.ename == "ParameterError" and "unknown parameter 'yaer'" in err.value.evalue
    assert not (root / "data/processed").exists(), "nothing ran before the check"
