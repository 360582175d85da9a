"""Figures and labels a reader can trust (issue 26, items 4-6): no colliding text, no empty compare charts,
alt text from the figure's data, mirror-site pinyin never shown, partial tables and missing budgets marked.

Collisions are measured from the text extents matplotlib draws (titles, axis labels, tick labels inside the
view, annotations, legends): no two overlap and none leaves the canvas.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from budgetkit.model.tables import read_frame, read_tables
from budgetkit.report import plots
from budgetkit.report.figure_text import describe_figure
from budgetkit.report.readable import reader_text
from budgetkit.report.summarize import qualitative_shares
from conftest import ROOT

SEED_TABLES = ROOT / "data/processed/2025"
PINYIN_UNIT = "岳陽樓區(qū)價(jià)格認(rèn)證鑒定中心"


def _seed_figures():
    t = read_tables(SEED_TABLES)
    long = t.projects.assign(project=t.projects["project"] + "（二〇二五年度第一批中央财政补助资金配套项目）")
    return {
        "budget": lambda: plots.plot_budget_by_project(t.projects),
        "budget-long-names": lambda: plots.plot_budget_by_project(long),
        "costs": lambda: plots.plot_implied_vs_budget(read_frame(SEED_TABLES, "costs")),
        "unit-costs": lambda: plots.plot_unit_costs(t.indicators),
        "qualitative": lambda: plots.plot_qualitative_shares(qualitative_shares(t.projects, t.indicators)),
        "audit": lambda: plots.plot_audit_summary(read_frame(SEED_TABLES, "audit")),
    }


def _texts(fig):
    out = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        lo, hi = sorted(ax.get_xlim())
        xticks = [label for label, v in zip(ax.get_xticklabels(), ax.get_xticks(), strict=False) if lo <= v <= hi]
        lo, hi = sorted(ax.get_ylim())
        yticks = [label for label, v in zip(ax.get_yticklabels(), ax.get_yticks(), strict=False) if lo <= v <= hi]
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *xticks, *yticks,
                *ax.texts]
        if ax.get_legend() is not None:
            out.append(ax.get_legend())
    return [t for t in out if t.get_visible() and (not hasattr(t, "get_text") or t.get_text().strip())]


@pytest.mark.parametrize("name", list(_seed_figures()))
def test_figure_text_does_not_collide(name):
    fig = plots.fit_margins(_seed_figures()[name]())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    boxes = [(getattr(t, "get_text", lambda: "legend")(), t.get_window_extent(renderer)) for t in _texts(fig)]
    problems = [f"{text!r} leaves the figure" for text, b in boxes
                if b.x0 < -1 or b.y0 < -1 or b.x1 > width + 1 or b.y1 > height + 1]
    for (a, ba), (c, bc) in itertools.combinations(boxes, 2):
        dx, dy = min(ba.x1, bc.x1) - max(ba.x0, bc.x0), min(ba.y1, bc.y1) - max(ba.y0, bc.y0)
        if dx > 1 and dy > 1:
            problems.append(f"{a!r} overlaps {c!r} ({dx:.0f}×{dy:.0f} px)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(_seed_figures()))
def test_alt_text_comes_from_the_figures_data(name):
    fig = _seed_figures()[name]()
    alt = describe_figure(fig)
    assert "No description" not in alt and any(ch.isdigit() for ch in alt)
    bars = [p for ax in fig.axes for p in ax.patches]
    if bars:
        assert "条形图" in alt


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(["2024年监测费用"], ["2025年监测费用（新）"], id="renamed-only"),
        pytest.param(["甲项目", "乙项目"], ["丙项目"], id="all-new-and-dropped"),
    ],
)
def test_a_compare_chart_with_nothing_in_both_years_says_so(before, after):
    from budgetkit.analyse.compare import compare_projects

    projects = pd.DataFrame({"year": [2024] * len(before) + [2025] * len(after),
                             "implementing_unit": ["某单位"] * (len(before) + len(after)),
                             "project": before + after, "total_wan": [10.0] * (len(before) + len(after))})
    table = compare_projects(projects)
    table = table.assign(change=float("nan"))  # whatever links: nothing with a value in both years
    fig = plots.plot_budget_change(table)
    (ax,) = fig.axes
    assert not ax.patches and not ax.axison
    assert any("没有可比较" in t.get_text() for t in ax.texts)
    assert "没有可比较" in describe_figure(fig)


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        pytest.param(PINYIN_UNIT, "岳陽樓區價格認證鑒定中心", id="traditional-with-pinyin"),
        pytest.param("學(xué)校校舍建設(shè)項目", "學校校舍建設項目", id="every-character"),
        pytest.param("培训(2024)年 A(b)", "培训(2024)年 A(b)", id="brackets-that-are-not-pinyin"),
    ],
)
def test_mirror_site_pinyin_is_shown_nowhere(printed, shown):
    assert reader_text(printed) == shown
    frame = pd.DataFrame({"project": [printed], "implementing_unit": [printed], "total_wan": [1.0]})
    labels = [t.get_text() for t in plots.plot_budget_by_project(frame).axes[0].get_yticklabels()]
    assert labels == [shown]
    from budgetkit.report.display import ReadingTable

    assert ReadingTable(frame, "projects").display_frame().iloc[0, 0] == shown
    assert frame.loc[0, "project"] == printed, "the data keep the printed form"


def test_a_partial_table_is_marked_on_its_page():
    from budgetkit.report.site import _project_notes

    row = {"status": "partial", "status_reason": "the file ends at line 34, before any 满意度指标 row",
           "source_file": "a.pdf", "page_start": 3, "page_end": 4}
    notes = "".join(_project_notes(row, 2025, "a-01"))
    assert "不完整" in notes and "文件在第 34 行结束" in notes and "#page=3" in notes and "第 3–4 页" in notes
    assert "不完整" not in "".join(_project_notes({**row, "status": "complete"}, 2025, "a-01"))


def test_findings_on_a_partial_table_say_so(tmp_path):
    from budgetkit.build.steps import partial_note, show_findings
    from budgetkit.model.tables import write_frames
    from budgetkit.report.params import validate_params

    params = validate_params({"year": 2025, "root": str(tmp_path)}, "03_audit")
    projects = pd.DataFrame({"project_id": ["f#01", "f#02"], "project": ["甲", "乙"],
                             "status": ["partial", "complete"]})
    write_frames({"projects": projects}, params.paths.processed_year(2025))
    findings = pd.DataFrame({"project_id": ["f#01", "f#02"], "project": ["甲", "乙"],
                             "rule": ["cost_mismatch"] * 2, "severity": ["error"] * 2,
                             "detail": ["测算100万元，预算170万元：差额-41%", "测算10万元，预算20万元"]})
    shown = show_findings(findings, params).display_frame()
    details = shown[[c for c in shown.columns if c.startswith("说明")][0]].tolist()
    assert details[0].startswith(partial_note()) and not details[1].startswith(partial_note())
    assert findings["detail"][0].startswith("测算"), "the data keep what the audit said"
