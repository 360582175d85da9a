"""Tests of budgetkit.report.plots and budgetkit.report.fonts on the real 2025 trade-union seed table."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from budgetkit.analyse.audit import audit_targets
from budgetkit.analyse.compare import compare_projects, compare_rates
from budgetkit.analyse.reconcile import reconcile_costs
from budgetkit.parse import parse_file
from budgetkit.report import plots
from budgetkit.report.fonts import use_cjk_font
from budgetkit.report.summarize import qualitative_shares

SEED = (Path(__file__).resolve().parents[1]
        / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seed():
    t = parse_file(SEED)
    costs = reconcile_costs(t.projects, t.indicators)
    findings = audit_targets(t.projects, t.indicators, 2025)
    return {"projects": t.projects, "indicators": t.indicators, "costs": costs, "findings": findings}


def _costs_with_unpriced(s):
    costs = s["costs"].copy()
    costs.loc[costs.index[0], ["implied_wan", "gap_wan", "gap_pct"]] = np.nan
    costs.loc[costs.index[0], "status"] = "not_priceable"
    return costs


def _two_years(s):
    p = s["projects"]
    return pd.concat([p, p.assign(year=2024, total_wan=p["total_wan"] * 0.9)], ignore_index=True)


def _n_rates(s):
    i = s["indicators"]
    return int(((i["kind"] == "rate") & i["value_yuan"].notna()).sum())


def _n_rule_severity(s):
    return len(s["findings"].groupby(["rule", "severity"]).size())


def _two_years_indicators(s):
    inds = s["indicators"].merge(s["projects"][["project_id", "year"]], on="project_id")
    before = inds.assign(year=2024, value_yuan=inds["value_yuan"] * 0.9,
                         indicator=inds["indicator"].str.replace("2025", "2024"))
    return pd.concat([before, inds], ignore_index=True)


def _n_rates_matched(s):
    return min(plots.TOP_N, len(compare_rates(_two_years_indicators(s)).dropna(subset=["change"])))


CASES = [
    pytest.param(lambda s: plots.plot_budget_by_project(s["projects"]),
                 lambda s: len(s["projects"]), id="budget_by_project"),
    pytest.param(lambda s: plots.plot_implied_vs_budget(s["costs"]),
                 lambda s: s["costs"]["budget_wan"].notna().sum() + s["costs"]["implied_wan"].notna().sum(),
                 id="implied_vs_budget"),
    pytest.param(lambda s: plots.plot_implied_vs_budget(_costs_with_unpriced(s)),
                 lambda s: _costs_with_unpriced(s)["budget_wan"].notna().sum()
                 + _costs_with_unpriced(s)["implied_wan"].notna().sum(),  # a bar per budget and per priced total
                 id="implied_vs_budget_unpriced"),
    pytest.param(lambda s: plots.plot_unit_costs(s["indicators"]), _n_rates, id="unit_costs"),
    pytest.param(lambda s: plots.plot_audit_summary(s["findings"]), _n_rule_severity, id="audit_summary"),
    pytest.param(lambda s: plots.plot_audit_summary(s["findings"].iloc[0:0]), lambda s: 0, id="audit_empty"),
    pytest.param(lambda s: plots.plot_budget_change(compare_projects(s["projects"])),
                 lambda s: 0, id="budget_change_one_year"),
    pytest.param(lambda s: plots.plot_budget_change(compare_projects(_two_years(s))),
                 lambda s: len(s["projects"]), id="budget_change_two_years"),
    pytest.param(lambda s: plots.plot_qualitative_shares(qualitative_shares(s["projects"], s["indicators"])),
                 lambda s: len(s["projects"]), id="qualitative_shares"),
    pytest.param(lambda s: plots.plot_unit_cost_change(compare_rates(_two_years_indicators(s))),
                 _n_rates_matched, id="unit_cost_change_two_years"),
]


def _draw(fig: Figure) -> list[str]:
    """Render to PNG in memory and return every warning message raised while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
        fig.savefig(io.BytesIO(), format="png", dpi=60)
    return [str(w.message) for w in caught]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize(("make", "expected_bars"), CASES)
def test_plot_draws_chinese_without_missing_glyphs(seed, make, expected_bars):
    fig = make(seed)
    assert isinstance(fig, Figure)
    assert fig.axes
    messages = _draw(fig)
    assert not [m for m in messages if "Glyph" in m or "missing from font" in m], messages
    assert any(CJK.search(t) for t in _texts(fig))
    bars = [p for ax in fig.axes for p in ax.patches]
    assert len(bars) == expected_bars(seed)


def test_duplicate_project_names_are_told_apart(seed):
    fig = plots.plot_budget_by_project(seed["projects"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(set(labels)) == len(labels) == len(seed["projects"])
    assert "基本支出项目（宁夏工人疗养院）" in labels
    assert "基本支出项目（宁夏工人文化宫）" in labels


def test_unpriced_project_is_annotated_not_dropped(seed):
    costs = _costs_with_unpriced(seed)
    fig = plots.plot_implied_vs_budget(costs)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == len(costs)
    assert sum("无法测算" in t.get_text() for t in ax.texts) == 1


def test_empty_audit_still_draws(seed):
    fig = plots.plot_audit_summary(seed["findings"].iloc[0:0])
    assert not [m for m in _draw(fig) if "Glyph" in m]
    assert len(fig.axes[0].patches) == 0
    assert any("无问题" in t for t in _texts(fig))


@pytest.mark.parametrize(("make", "log_expected"), [
    pytest.param(lambda s: plots.plot_unit_costs(s["indicators"]), True, id="unit_costs_wide_range"),
    pytest.param(lambda s: plots.plot_implied_vs_budget(s["costs"]), True, id="implied_wide_range"),
    pytest.param(lambda s: plots.plot_budget_by_project(s["projects"]), False, id="budget_linear"),
])
def test_log_scale_when_range_is_wide(seed, make, log_expected):
    assert any(ax.get_xscale() == "log" for ax in make(seed).axes) is log_expected


def test_unit_costs_compare_only_within_one_denominator_and_name_the_project(seed):
    fig = plots.plot_unit_costs(seed["indicators"])
    rates = seed["indicators"][(seed["indicators"]["kind"] == "rate") & seed["indicators"]["value_yuan"].notna()]
    units = {plots._per_unit_label(u) for u in rates["per_unit"]}
    assert len(fig.axes) == len(units)
    for ax in fig.axes:
        unit = ax.get_title(loc="left").split("（")[0]
        assert unit in units
        labels = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
        assert labels and all("·" in label for label in labels)
        names = set(rates.loc[[plots._per_unit_label(u) == unit for u in rates["per_unit"]], "project"])
        assert all(any(label.startswith(n) for n in names) for label in labels), labels


def test_unit_costs_beyond_the_top_show_each_denominator_as_a_distribution():
    inds = pd.DataFrame({"project": [f"项目{i}" for i in range(30)] + ["乙"], "indicator": ["补助标准"] * 31,
                         "kind": ["rate"] * 31, "value_yuan": [float(i + 1) for i in range(30)] + [500.0],
                         "per_unit": ["人"] * 30 + ["户"]})
    fig = plots.plot_unit_costs(inds, top=10)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["元/户（1 项）", "元/人（30 项）"]
    assert sorted(t.get_text() for t in ax.texts) == ["中位数 15.5", "中位数 500"]
    assert not [m for m in _draw(fig) if "Glyph" in m]


def test_unit_costs_count_the_denominators_not_shown():
    units = [f"单位{k}" for k in range(2 * plots.MAX_PANELS + 3)]
    inds = pd.DataFrame({"project": "甲", "indicator": "标准", "kind": "rate", "value_yuan": 10.0,
                         "per_unit": units})
    (ax,) = plots.plot_unit_costs(inds).axes
    assert len(ax.get_yticklabels()) == 2 * plots.MAX_PANELS
    assert any("另有 3 项未显示" in t.get_text() and "denominators" in t.get_text() for t in ax.texts)


def _many_projects(n: int):
    from budgetkit.model.tables import Tables, conform
    from budgetkit.scale.synthetic import replicate_tables

    t = Tables.empty()
    seed = parse_file(SEED)
    t.projects, t.indicators = conform(seed.projects, "projects"), conform(seed.indicators, "indicators")
    big = replicate_tables(t, n, seed=3)
    costs = reconcile_costs(big.projects, big.indicators)
    return big, costs


@pytest.mark.parametrize(("make", "check"), [
    pytest.param(lambda b, c: plots.plot_budget_by_project(b.projects),
                 lambda fig, n: (len(fig.axes), len(fig.axes[0].patches), fig.axes[1].get_xscale()) == (
                     2, plots.TOP_N, "log") and sum(p.get_height() for p in fig.axes[1].patches) == n,
                 id="budget: top bars and the distribution of all"),
    pytest.param(lambda b, c: plots.plot_implied_vs_budget(c),
                 lambda fig, n: sum(len(col.get_offsets()) for col in fig.axes[0].collections) + sum(
                     int(t.get_text().split()[1]) for t in fig.axes[0].texts) == n,
                 id="implied: a point per priced project, the rest counted"),
    pytest.param(lambda b, c: plots.plot_qualitative_shares(qualitative_shares(b.projects, b.indicators)),
                 lambda fig, n: sum(p.get_height() for p in fig.axes[0].patches) == n,
                 id="qualitative: every project in the histogram"),
])
def test_figures_of_many_projects_summarise_them(make, check):
    n = 3 * plots.TOP_N + 7
    big, costs = _many_projects(n)
    fig = make(big, costs)
    assert check(fig, n)
    assert not [m for m in _draw(fig) if "Glyph" in m]
    texts = _texts(fig)
    assert len(texts) < 120, "the number of labels does not grow with the projects"


def test_saved_figures_leave_room_for_their_labels(seed, tmp_path):
    fig = plots.plot_budget_by_project(seed["projects"])
    plots.save_figure(fig, tmp_path / "b.png")
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width
    for label in fig.axes[0].get_yticklabels():
        box = label.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width, (label.get_text(), box)


def test_use_cjk_font_sets_family():
    family = use_cjk_font()
    assert "Noto" in family or "Sans" in family
    assert family in matplotlib.rcParams["font.family"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert use_cjk_font() == family


def test_save_figure_creates_parents(seed, tmp_path):
    out = plots.save_figure(plots.plot_budget_by_project(seed["projects"]), tmp_path / "a" / "b" / "fig.png")
    assert out.is_file()
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
