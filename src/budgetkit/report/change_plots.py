"""Figures of change across budget years: a project's budget, and its unit costs, from one year to the next."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from budgetkit.report.figure_base import (
    TOP_N,
    _figure,
    _more,
    _per_unit_label,
    _project_labels,
    _require,
    _wrap,
)
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = ["plot_budget_change", "plot_unit_cost_change"]


def _change_plot(table: pd.DataFrame, labels: list[str], unit: str, title: str, top: int) -> Figure:
    """Bars of ``table["change"]`` (last year minus the one before), new and dropped rows marked."""
    years = [c for c in table.columns if c.startswith("y") and c[1:].isdigit()]
    frame = table.assign(_label=labels)
    if len(years) >= 2:
        before, after = frame[years[-2]], frame[years[-1]]
        frame["_note"] = np.where(
            before.isna() & after.notna(),
            f"{years[-1][1:]}年新增 new",
            np.where(after.isna() & before.notna(), f"{years[-1][1:]}年未列 not listed", ""),
        )
        span = f"{years[-2][1:]}→{years[-1][1:]}"
    else:
        frame["_note"] = "只有一年 one year only"
        span = years[0][1:] if years else ""
    frame = frame[frame["change"].notna() | frame["_note"].ne("")]
    frame = frame.assign(_size=frame["change"].abs().fillna(-1.0)).sort_values("_size", ascending=False)
    hidden = max(0, len(frame) - top)
    frame = frame.head(top).iloc[::-1]
    if frame["change"].isna().all():  # nothing in both years: say so, and count what came and went
        fig = _figure(2, width=10.0)
        ax = fig.add_subplot()
        new = int(frame["_note"].str.contains("新增").sum()) + hidden
        gone = int(frame["_note"].str.contains("未列").sum())
        text = "两年之间没有可比较的项目（no item is in both years）"
        if new or gone:
            text += f"\n新增 {new} 项 new，未列 {gone} 项 not listed"
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title)
        return fig
    fig = _figure(len(frame), width=10.0)
    ax = fig.add_subplot()
    y = np.arange(len(frame))
    change = frame["change"].astype(float)
    shown = change.notna().to_numpy()
    colors = ["#2ca02c" if v >= 0 else "#d62728" for v in change[shown]]
    ax.barh(y[shown], change[shown], color=colors)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(y, [_wrap(t, 30) for t in frame["_label"]], fontsize=8)
    for yi, v, pct, note in zip(y, change, frame["change_pct"], frame["_note"], strict=True):
        if pd.isna(v):
            ax.annotate(
                note,
                (0, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="#555555",
            )
            continue
        text = f"{v:+,.2f}".rstrip("0").rstrip(".") + (f"（{pct:+.1f}%）" if pd.notna(pct) else "")
        ax.annotate(
            text,
            (v, yi),
            xytext=(3 if v >= 0 else -3, 0),
            textcoords="offset points",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.set_xlabel(f"变化（{unit}） change {span}")
    ax.set_title(title)
    ax.margins(x=0.25)
    _more(ax, hidden, "rows")
    return fig


def plot_budget_change(table: pd.DataFrame, top: int = TOP_N) -> Figure:
    """Change of each project's budget between the last two years (projects matched without their year).

    Args:
        table: output of :func:`budgetkit.analyse.compare.compare_projects`.
        top: most projects shown (largest changes first).

    Returns:
        The figure: one bar per project present in both years; new and dropped projects marked.

    Examples:
        >>> import pandas as pd
        >>> from budgetkit.analyse.compare import compare_projects
        >>> projects = pd.DataFrame({"year": [2024, 2025, 2025], "implementing_unit": ["甲", "甲", "甲"],
        ...                          "project": ["2024年培训", "2025年培训", "新项目"],
        ...                          "total_wan": [10.0, 12.0, 5.0]})
        >>> fig = plot_budget_change(compare_projects(projects))
        >>> len(fig.axes[0].patches), sorted(t.get_text() for t in fig.axes[0].texts)
        (1, ['+2（+20.0%）', '2025年新增 new'])
    """
    _require(table, ("project", "change", "change_pct"), "table")
    return _change_plot(
        table, _project_labels(table), "万元", "各项目预算的变化（Budget change per project）", top
    )


def plot_unit_cost_change(table: pd.DataFrame, top: int = TOP_N) -> Figure:
    """Change of each unit-cost target between the last two years, within one denominator.

    Args:
        table: output of :func:`budgetkit.analyse.compare.compare_rates`.
        top: most targets shown (largest changes first).

    Returns:
        The figure: one bar per target present in both years.

    Examples:
        >>> import pandas as pd
        >>> from budgetkit.analyse.compare import compare_rates
        >>> inds = pd.DataFrame({"year": [2024, 2025], "implementing_unit": ["甲", "甲"],
        ...                      "indicator": ["2024年补助标准", "2025年补助标准"], "kind": ["rate", "rate"],
        ...                      "value_yuan": [3000.0, 3250.0], "per_unit": ["户", "户"]})
        >>> fig = plot_unit_cost_change(compare_rates(inds))
        >>> fig.axes[0].get_yticklabels()[0].get_text()
        '补助标准（元/户）'
    """
    _require(table, ("indicator", "per_unit", "change", "change_pct"), "table")
    labels = [
        f"{PINYIN_RE.sub('', str(i))}（{_per_unit_label(u)}）"
        for i, u in zip(table["indicator"], table["per_unit"], strict=True)
    ]
    return _change_plot(
        table, labels, "元", "单位成本的变化（Unit-cost change, within each denominator）", top
    )
