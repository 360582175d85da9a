"""The notebooks: thin and parameterised (static checks), and executed end to end with papermill (smoke test)."""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from budgetkit.build import YEAR_NOTEBOOKS, build, sha256
from budgetkit.errors import NotebookError
from budgetkit.params import NOTEBOOKS
from budgetkit.report.readable import reader_text
from conftest import ATTACK, ROOT, SEED, make_project, tree_digest

NOTEBOOK_FILES = sorted((ROOT / "notebooks").glob("*.ipynb"))


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


def pages(root: Path) -> dict[str, str]:
    return {p.relative_to(root / "reports").as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / "reports").rglob("*.html"))}


@pytest.mark.notebooks
def test_build_runs_every_notebook(built):
    root, results, _ = built
    assert [(r.name, r.status) for r in results] == [
        ("2024", "ok"), ("2025", "ok"), ("2030", "skipped"), ("compare", "ok")]
    assert list(results[1].notebooks) == list(YEAR_NOTEBOOKS)
    assert list(results[3].notebooks) == ["05_compare"]
    assert not (root / ".budgetkit").exists() or [p.name for p in (root / ".budgetkit").iterdir()] == ["build.lock"]


@pytest.mark.notebooks
def test_an_unreadable_file_is_skipped_and_listed(built):
    root, results, _ = built
    (skipped,) = results[1].skipped
    assert skipped["source_file"] == "damaged.pdf" and skipped["error"] == "InputError"
    assert "data/raw/2025/damaged.pdf" in skipped["reason"] and str(root) not in skipped["reason"]
    assert len(pd.read_csv(root / "data/processed/2025/projects.csv")) == 11, "the year is built from the rest"
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"] == [skipped] and manifest["status"] == "ok"
    site = pages(root)
    for page in ("2025/index.html", "2025/01_clean.html"):
        assert "damaged.pdf" in site[page] and "跳过" in site[page]
    assert "damaged.pdf" not in site["2024/index.html"]


@pytest.mark.notebooks
def test_an_empty_year_is_skipped_and_the_index_says_so(built):
    root, results, _ = built
    assert results[2].status == "skipped" and "data/raw/2030" in results[2].error
    index = pages(root)["index.html"]
    assert re.search(r"<td class=\"w-s\">2030</td><td class=\"w-[sm]\">跳过 skipped</td>", index)
    assert "data/raw/2030: no .txt/.pdf/" in index and "file for year 2030" in index
    assert not (root / "reports/2030").exists()


@pytest.mark.notebooks
def test_the_pdf_year_is_read_like_the_text_year(built):
    root, _, _ = built
    pdf = pd.read_csv(root / "data/processed/2024/indicators.csv")
    text = pd.read_csv(root / "data/processed/2025/indicators.csv")
    text["indicator"] = text["indicator"].str.replace("2025", "2024")
    text["value"] = text["value"].str.replace("2025", "2024").str.replace("3250元", "3000元")
    cols = ["level1", "level2", "indicator", "value", "kind"]
    pd.testing.assert_frame_equal(pdf[cols], text[cols])
    assert pdf["page_start"].notna().all() and text["page_start"].isna().all()
    assert pd.read_csv(root / "data/processed/2024/unparsed.csv").empty


@pytest.mark.notebooks
def test_tables_written_by_the_notebooks(built):
    root, _, _ = built
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
    terms = pd.read_csv(out / "terms.csv")
    assert set(terms["project_id"]) <= set(projects["project_id"]) and "2225户×3250元" in set(terms["formula"])
    audit = pd.read_csv(out / "audit.csv")
    assert len(audit) > 0 and set(audit["rule"]) <= {f"R{n}" for n in range(1, 32)}
    assert audit["clause"].str.startswith("C:").all() and audit["message_zh"].notna().all()


@pytest.mark.notebooks
def test_figures(built):
    root, _, _ = built
    figures = sorted(p.name for p in (root / "figures/2025").glob("*.png"))
    assert figures == ["audit_summary.png", "budget_by_project.png", "implied_vs_budget.png",
                       "qualitative_share.png", "unit_costs.png"]
    for name in ("budget_change.png", "unit_cost_change.png"):
        assert (root / "figures/compare" / name).stat().st_size > 10_000


@pytest.mark.notebooks
def test_every_year_has_its_pages_linked_from_the_index(built):
    root, _, _ = built
    site = pages(root)
    for year in ("2024", "2025"):
        assert {f"{year}/{nb}.html" for nb in YEAR_NOTEBOOKS} | {f"{year}/index.html"} <= set(site)
        assert len([p for p in site if p.startswith(f"{year}/projects/")]) == 11
        assert f'href="{year}/index.html"' in site["index.html"]
    assert "compare/05_compare.html" in site and 'href="compare/05_compare.html"' in site["index.html"]
    page = site["2025/02_costs.html"]
    assert '<a href="../index.html">总览 index</a>' in page and 'href="../2024/index.html"' in page
    assert "<title>2025年 02 成本测算" in page and "自治区总工会" in page
    assert f"sha256 {sha256(SEED)[:12]}" in page, "the page names the inputs of its run"


@pytest.mark.notebooks
def test_pages_are_self_contained_and_hide_the_code(built):
    root, _, _ = built
    for name, page in pages(root).items():
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), name
        for word in ("require.js", "mathjax", "mermaid", "cdn."):
            assert word not in page.lower(), (name, word)
        assert "steps.clean_year" not in page and "validate_params(" not in page, name
        assert "Traceback" not in page and str(root) not in page, name


@pytest.mark.notebooks
def test_tables_show_every_row_and_the_whole_text(built):
    root, _, _ = built
    site = pages(root)
    costs = pd.read_csv(root / "data/processed/2025/costs.csv")
    for explanation in costs["explanation_zh"]:  # as a reader sees it: the pricing method's code in Chinese
        assert html.escape(reader_text(explanation, "costs", "explanation_zh")) in site["2025/02_costs.html"]
    indicators = site["2025/01_clean.html"].split("三级指标 indicators</span>")[1].split("</table>")[0]
    assert indicators.count("<tr>") == 1 + 144
    for name, page in site.items():
        text = re.sub(r"<[^>]+>", "", re.sub(r"<(script|style)>.*?</\1>", "", page, flags=re.S))
        assert "…" not in text and "rows ×" not in text and "NaN" not in text, name
    assert "吻合 closes" in site["2025/02_costs.html"] and "定量为主、定性可衡量 R13" in site["2025/03_audit.html"]


@pytest.mark.notebooks
def test_text_from_documents_is_shown_as_text(built):
    root, _, _ = built
    site = pages(root)
    shown = [name for name, page in site.items() if html.escape(ATTACK) in page]
    assert {"2024/index.html", "2024/01_clean.html", "2024/02_costs.html"} <= set(shown)
    assert any(name.startswith("2024/projects/") for name in shown)
    assert not [name for name, page in site.items() if ATTACK in page]


@pytest.mark.notebooks
def test_run_manifest(built):
    root, _, _ = built
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["year"] == 2025
    assert manifest["parameters"]["year"] == 2025 and manifest["parameters"]["root"] == ""
    source = next(f for f in manifest["inputs"] if f["file"].endswith(".txt"))
    assert source["sha256"] == sha256(SEED) and source["file"] == f"data/raw/2025/{SEED.name}"
    assert manifest["row_counts"]["projects"] == 11 and manifest["row_counts"]["costs"] == 11
    assert manifest["summary"]["projects"] == 11 and manifest["summary"]["departments"] == ["自治区总工会"]
    assert set(manifest["notebook_seconds"]) == set(YEAR_NOTEBOOKS)
    assert str(root) not in json.dumps(manifest, ensure_ascii=False)
    for output in manifest["outputs"]:
        assert (root / output).is_file(), output


@pytest.mark.notebooks
def test_compare_matches_names_without_their_year(built):
    root, _, _ = built
    page = pages(root)["compare/05_compare.html"]
    assert "变化 2024→2025" in page
    budgets = page.split("各项目预算的变化 budget per project across years")[1].split("</table>")[0]
    assert "监测费用" in page and "2025年监测费用" not in budgets
    assert "<td class=\"num\" data-v=\"250.0\">250</td>" in page, "职工困难帮扶标准 3000 → 3250 元/户"


@pytest.mark.notebooks
def test_rebuilding_one_year_keeps_the_others_and_changes_no_tracked_file(built):
    root, _, digest = built
    before = pages(root)["2024/02_costs.html"]
    build(years=[2025], root=root)
    site = pages(root)
    assert {"2024/index.html", "2025/index.html"} <= set(site) and 'href="2024/index.html"' in site["index.html"]
    assert "2030" in site["index.html"]
    assert site["2024/02_costs.html"] == before, "a year not rebuilt is left alone"
    assert tree_digest(root) == digest, "unchanged inputs give byte-identical tables and figures"


@pytest.mark.notebooks
def test_failing_notebook_keeps_its_error_and_fails_the_build(tmp_path):
    root = make_project(tmp_path, {2025: "这不是绩效目标表\n".encode()})
    with pytest.raises(NotebookError, match="01_clean: InputError: .*no performance-target table found"):
        build(root=root)
    executed = nbformat.read(root / "reports/2025/01_clean.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and errors[0]["ename"] == "InputError" and errors[0]["traceback"], "the traceback stays here"
    page = (root / "reports/2025/01_clean.html").read_text(encoding="utf-8")
    assert "no performance-target table found" in page and "data/raw/2025/" in page and "这不是绩效目标表" in page
    assert "Traceback" not in page and str(tmp_path) not in page and "\x1b[" not in page
    assert not (root / "reports/2025/02_costs.ipynb").exists()
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["failed_notebook"] == "01_clean"
    year_page = (root / "reports/2025/index.html").read_text(encoding="utf-8")
    assert 'href="01_clean.html"' in year_page and "失败" in year_page
    assert 'href="2025/index.html"' in (root / "reports/index.html").read_text(encoding="utf-8")


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
