"""Charts of parsed performance-target tables, with Chinese labels that render.

Every function takes the frames budgetkit produces (``projects``, ``indicators``, the
output of :func:`budgetkit.analyse.reconcile.reconcile_costs` or of
:func:`budgetkit.analyse.audit.audit_targets`), calls :func:`budgetkit.report.fonts.use_cjk_font`
first, and returns a :class:`matplotlib.figure.Figure` drawn on the Agg canvas. No
pyplot global state is used, so figures never pile up in memory and nothing is shown
on screen; save them with :func:`save_figure`.

Examples:
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project": ["基本支出项目", "基本支出项目", "慰问经费"],
    ...                          "implementing_unit": ["疗养院", "文化宫", "总工会"],
    ...                          "total_wan": [167.0, 103.0, 500.0]})
    >>> fig = plot_budget_by_project(projects)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['基本支出项目（文化宫）', '基本支出项目（疗养院）', '慰问经费']
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from budgetkit.analyse.reconcile import STATUSES as _STATUS_ZH
from budgetkit.report.change_plots import plot_budget_change, plot_unit_cost_change
from budgetkit.report.figure_base import (
    _PALETTE,
    DPI,
    MAX_PANELS,
    SEVERITY_COLORS,
    STATUS_COLORS,
    TOP_N,
    SavedFigure,
    _figure,
    _fmt,
    _more,
    _per_unit_label,
    _project_labels,
    _require,
    _wide_range,
    _wrap,
    fit_margins,
    save_figure,
)
from budgetkit.report.quality_plots import plot_audit_summary, plot_qualitative_shares
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = [
    "DPI",
    "MAX_PANELS",
    "STATUS_COLORS",
    "TOP_N",
    "fit_margins",
    "SavedFigure",
    "SEVERITY_COLORS",
    "plot_audit_summary",
    "plot_budget_by_project",
    "plot_implied_vs_budget",
    "plot_budget_change",
    "plot_qualitative_shares",
    "plot_unit_cost_change",
    "plot_unit_costs",
    "save_figure",
]

logger = logging.getLogger(__name__)


def plot_budget_by_project(projects: pd.DataFrame, top: int = TOP_N) -> Figure:
    """Horizontal bars of each project's total budget (``total_wan``), largest on top.

    Projects sharing a name (two 基本支出项目 of different units, say) are told apart by
    their implementing unit in parentheses. Beyond ``top`` projects the figure shows
    the ``top`` largest as bars and, below them, the distribution of every budget
    (a histogram on a log scale), so it reads the same and costs the same at any size;
    every project is in the tables.

    Args:
        projects: the ``projects`` frame of a parsed table (columns project,
            implementing_unit, total_wan).
        top: most bars.

    Returns:
        The figure, one bar per project (the ``top`` largest, and a histogram, beyond that).

    Examples:
        >>> import pandas as pd
        >>> fig = plot_budget_by_project(pd.DataFrame(
        ...     {"project": ["甲", "乙"], "implementing_unit": ["单位", "单位"], "total_wan": [1.0, 2.0]}))
        >>> len(fig.axes[0].patches)
        2
        >>> many = pd.DataFrame({"project": [f"项目{i}" for i in range(100)], "total_wan": range(1, 101)})
        >>> fig = plot_budget_by_project(many, top=5)
        >>> len(fig.axes), len(fig.axes[0].patches), fig.axes[0].get_yticklabels()[-1].get_text()
        (2, 5, '项目99')
    """
    _require(projects, ("project", "total_wan"), "projects")
    frame = projects.assign(_label=_project_labels(projects)).sort_values("total_wan", na_position="first")
    hidden = max(0, len(frame) - top)
    frame = frame.tail(top)
    labels = [_wrap(t, 24) for t in frame["_label"]]
    lines = max((t.count("\n") + 1 for t in labels), default=1)  # a row holds its label's lines apart
    rows = len(frame) * max(1.0, 0.7 * lines)
    fig = _figure(rows + (8 if hidden else 0))
    if hidden:
        ax, dist = fig.subplots(2, 1, height_ratios=[1.2 + 0.42 * rows, 4.0])
    else:
        ax = fig.add_subplot()
    values = frame["total_wan"].astype(float).fillna(0.0)
    y = np.arange(len(frame))
    ax.barh(y, values, color=_PALETTE[0])
    ax.set_yticks(y, labels, fontsize=9)
    for yi, v, raw in zip(y, values, frame["total_wan"], strict=True):
        text = "无预算数" if pd.isna(raw) else _fmt(v)
        ax.annotate(text, (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel("项目总额（万元）")
    title = f"预算最大的 {len(frame)} 个项目（Largest budgets）" if hidden else "各项目预算总额（Budget by project）"
    ax.set_title(title)
    ax.margins(x=0.12)
    if hidden:
        _histogram(dist, projects["total_wan"], "项目总额（万元），对数刻度 budget, log scale",
                   f"全部 {len(projects)} 个项目的预算分布（Budgets of all projects）")
        _more(ax, hidden, "projects")
    return fig


def _histogram(ax, values: pd.Series, xlabel: str, title: str) -> None:
    """A histogram of the positive ``values`` on log-spaced bins (how many projects at each size)."""
    positive = pd.to_numeric(values, errors="coerce").astype(float)
    positive = positive[positive > 0].to_numpy()
    if len(positive):
        lo, hi = float(positive.min()), float(positive.max())
        bins = np.geomspace(lo, hi * 1.0001, 31) if hi > lo else np.array([lo * 0.9, hi * 1.1])
        ax.hist(positive, bins=bins, color=_PALETTE[0], edgecolor="white", linewidth=0.5)
        ax.set_xscale("log")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel("项目数 projects", fontsize=8)
    ax.set_title(title, loc="left", fontsize=10)


def plot_implied_vs_budget(costs: pd.DataFrame, top: int = TOP_N) -> Figure:
    """Paired bars per project: the cost the targets imply against the budget.

    The grey bar is the budget (``budget_wan``); the coloured bar is the implied cost
    (``implied_wan``), coloured by reconciliation status. Projects whose cost cannot be
    priced keep their row and are marked 无法测算 instead of a bar. The axis turns
    logarithmic when the amounts span more than 100×. Beyond ``top`` projects the
    figure is a scatter of implied cost against budget (log scales, a point per priced
    project, the diagonal where they agree), with the count of each status: one
    picture at any size, every project in the tables.

    Args:
        costs: output of :func:`budgetkit.analyse.reconcile.reconcile_costs` (columns project,
            implementing_unit, implied_wan, budget_wan, gap_pct, status).

        top: most projects drawn as bars.

    Returns:
        The figure: one budget bar per project with a budget, one implied bar per priced project
        (beyond ``top`` projects: one point per priced project with a budget).

    Examples:
        >>> import pandas as pd
        >>> costs = pd.DataFrame({"project": ["甲", "乙"], "implementing_unit": ["单位", "单位"],
        ...                       "implied_wan": [10.0, float("nan")], "budget_wan": [10.0, 5.0],
        ...                       "gap_pct": [0.0, float("nan")], "status": ["closes", "not_priceable"]})
        >>> fig = plot_implied_vs_budget(costs)
        >>> len(fig.axes[0].patches)
        3
        >>> any("无法测算" in t.get_text() for t in fig.axes[0].texts)
        True
    """
    _require(costs, ("project", "implied_wan", "budget_wan", "status"), "costs")
    if len(costs) > top:
        return _implied_scatter(costs)
    frame = costs.assign(_label=_project_labels(costs))
    frame = frame.assign(_size=frame[["budget_wan", "implied_wan"]].max(axis=1)).sort_values(
        "_size", na_position="first"
    )
    fig = _figure(len(frame) * 1.4, width=10.0)
    ax = fig.add_subplot()
    y = np.arange(len(frame))
    budget = frame["budget_wan"].astype(float)
    implied = frame["implied_wan"].astype(float)
    amounts = pd.concat([budget, implied]).dropna()
    log = _wide_range(amounts)
    h = 0.38
    has_budget = budget.notna().to_numpy()
    ax.barh(y[has_budget] + h / 2, budget[has_budget], height=h, color="#c7c7c7", label="预算数（budget）")
    priced = implied.notna().to_numpy()
    colors = [STATUS_COLORS.get(s, "#17becf") for s in frame["status"]]
    ax.barh(
        y[priced] - h / 2,
        implied[priced],
        height=h,
        color=[c for c, p in zip(colors, priced, strict=True) if p],
    )
    if log:
        ax.set_xscale("log")
        ax.set_xlim(left=float(amounts[amounts > 0].min()) / 3)
    ax.set_yticks(y, frame["_label"].tolist())
    _annotate_implied(ax, frame, y, implied, h)
    handles = [Patch(color="#c7c7c7", label="预算数（budget）")] + [
        Patch(color=STATUS_COLORS[s], label=f"测算数·{_STATUS_ZH[s]}（{s}）")
        for s in STATUS_COLORS
        if s in set(frame["status"])
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.set_xlabel("金额（万元）" + ("，对数刻度（log scale）" if log else ""))
    ax.set_title("绩效目标测算成本与预算对比（Implied cost vs budget）")
    ax.margins(x=0.15)
    return fig


def _annotate_implied(ax, frame: pd.DataFrame, y: np.ndarray, implied: pd.Series, h: float) -> None:
    """Each implied bar's amount and gap; a project not priced marked with its status instead of a bar."""
    gap = frame["gap_pct"] if "gap_pct" in frame.columns else pd.Series(np.nan, index=frame.index)
    for yi, i, status, g in zip(y, implied, frame["status"], gap, strict=True):
        if pd.isna(i):
            ax.annotate(
                f"{_STATUS_ZH.get(status, status)}（not priced）",
                (0.0, yi - h / 2),
                xycoords=ax.get_yaxis_transform(),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=STATUS_COLORS["not_priceable"],
            )
            continue
        text = _fmt(i) + (f"（{g:+.1f}%）" if pd.notna(g) else "")
        ax.annotate(
            text,
            (i, yi - h / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=STATUS_COLORS.get(status, "black"),
        )


def _implied_scatter(costs: pd.DataFrame) -> Figure:
    """Implied cost against budget, a point per priced project (log scales), statuses counted in the legend."""
    fig = _figure(12, width=9.0)
    ax = fig.add_subplot()
    budget = pd.to_numeric(costs["budget_wan"], errors="coerce").astype(float)
    implied = pd.to_numeric(costs["implied_wan"], errors="coerce").astype(float)
    drawn = (budget > 0) & (implied > 0)
    counts = costs["status"].value_counts()
    for status, color in reversed(STATUS_COLORS.items()):  # 吻合 drawn last, on top
        mask = drawn & (costs["status"] == status)
        if counts.get(status, 0):
            ax.scatter(budget[mask], implied[mask], s=9, color=color, alpha=0.6, linewidths=0,
                       label=f"{_STATUS_ZH[status]}（{status}）{int(counts[status])} 项")
    if drawn.any():
        lo = float(min(budget[drawn].min(), implied[drawn].min())) / 1.5
        hi = float(max(budget[drawn].max(), implied[drawn].max())) * 1.5
        ax.plot([lo, hi], [lo, hi], color="#555555", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
    ax.legend(loc="upper left", fontsize=8, title=f"{len(costs)} 个项目 projects", title_fontsize=8)
    ax.set_xlabel("预算数（万元），对数刻度 budget, log scale")
    ax.set_ylabel("测算数（万元），对数刻度 implied cost, log scale")
    ax.set_title("绩效目标测算成本与预算对比（Implied cost vs budget）；虚线：二者相等")
    _more(ax, int((~drawn).sum()), "projects not priced or without a budget")
    return fig


def plot_unit_costs(indicators: pd.DataFrame, top: int = TOP_N) -> Figure:
    """Unit costs (元) compared only within one denominator: one panel per 元/人, 元/户, 元/月 ….

    Uses the rows with ``kind == "rate"`` and a ``value_yuan``. Each bar names its
    project and indicator; a panel's axis turns logarithmic when its costs span
    more than 100×. When a denominator has more than ``top`` costs, or there are
    more than :data:`MAX_PANELS` denominators, the figure shows instead the
    distribution of each denominator's costs (a box per denominator, log scale, the
    median and the count beside it; the :data:`MAX_PANELS` × 2 commonest), the same
    picture and cost at any size; every cost is in the tables.

    Args:
        indicators: the ``indicators`` frame (columns project, indicator, kind, value_yuan, per_unit;
            implementing_unit tells apart projects of the same name).
        top: most bars per panel.

    Returns:
        The figure, one axis per denominator, most bars first (or one axis of boxes, see above).

    Examples:
        >>> import pandas as pd
        >>> inds = pd.DataFrame({"project": ["甲", "乙", "甲"],
        ...                      "indicator": ["补助标准", "慰问标准", "完成率"],
        ...                      "kind": ["rate", "rate", "percent"], "value_yuan": [3600.0, 1000.0, None],
        ...                      "per_unit": ["人", "户", None]})
        >>> fig = plot_unit_costs(inds)
        >>> [ax.get_title(loc="left") for ax in fig.axes]
        ['元/人（1 项）', '元/户（1 项）']
        >>> fig.axes[0].get_yticklabels()[0].get_text()
        '甲 · 补助标准'
        >>> many = pd.DataFrame({"project": ["甲"] * 30, "indicator": ["补助标准"] * 30, "kind": ["rate"] * 30,
        ...                      "value_yuan": [float(i + 1) for i in range(30)], "per_unit": ["人"] * 30})
        >>> fig = plot_unit_costs(many, top=10)
        >>> len(fig.axes), [t.get_text() for t in fig.axes[0].get_yticklabels()]
        (1, ['元/人（30 项）'])
    """
    _require(indicators, ("indicator", "kind", "value_yuan", "per_unit"), "indicators")
    rates = indicators[(indicators["kind"] == "rate") & indicators["value_yuan"].notna()].copy()
    if "project" not in rates.columns:
        rates["project"] = ""
    rates["_project"] = _project_labels(rates) if len(rates) else []
    rates["_unit"] = [_per_unit_label(p) for p in rates["per_unit"]]
    rates["value_yuan"] = rates["value_yuan"].astype(float)
    order = rates["_unit"].value_counts(sort=True).index.tolist()
    if rates.empty:
        fig = _figure(1)
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "无单位成本指标（no unit costs）", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    sizes = rates["_unit"].value_counts()
    if len(order) > MAX_PANELS or int(sizes.max()) > top:
        return _unit_cost_boxes(rates, order[: 2 * MAX_PANELS], len(order))
    shown = [min(top, int((rates["_unit"] == u).sum())) for u in order]
    # a bar's label wraps over two lines of 8 pt: 0.46 in a bar keeps neighbours' labels apart
    fig = _figure(0, width=10.0, min_height=sum(1.3 + 0.46 * n for n in shown))
    axes = fig.subplots(len(order), 1, squeeze=False, height_ratios=[1.3 + 0.46 * n for n in shown])[:, 0]
    for k, (ax, unit) in enumerate(zip(axes, order, strict=True)):
        group = rates[rates["_unit"] == unit].sort_values("value_yuan", ascending=False)
        hidden = max(0, len(group) - top)
        group = group.head(top).iloc[::-1]
        y = np.arange(len(group))
        ax.barh(y, group["value_yuan"], color=_PALETTE[k % len(_PALETTE)])
        labels = [_wrap(f"{p} · {PINYIN_RE.sub('', str(i))}")
                  for p, i in zip(group["_project"], group["indicator"], strict=True)]
        ax.set_yticks(y, labels, fontsize=8)
        for yi, v in zip(y, group["value_yuan"], strict=True):
            ax.annotate(_fmt(v), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        log = _wide_range(group["value_yuan"])
        if log:
            ax.set_xscale("log")
            ax.set_xlim(left=float(group["value_yuan"].min()) / 3)
        ax.set_title(f"{unit}（{len(group) + hidden} 项）", loc="left", fontsize=10)
        ax.set_xlabel(f"单位成本（{unit}）" + ("，对数刻度（log scale）" if log else ""), fontsize=8)
        ax.margins(x=0.15)
        _more(ax, hidden, "unit costs")
    fig.suptitle("单位成本指标，按计量单位分组（Unit costs by denominator）")
    return fig


def _unit_cost_boxes(rates: pd.DataFrame, units: list[str], n_units: int) -> Figure:
    """One box per denominator of its unit costs (log scale), the count and median beside it."""
    fig = _figure(len(units) * 1.3, width=10.0)
    ax = fig.add_subplot()
    groups = [rates.loc[rates["_unit"] == u, "value_yuan"].to_numpy(dtype=float) for u in units][::-1]
    labels = [f"{u}（{len(g)} 项）" for u, g in zip(units[::-1], groups, strict=True)]
    positive = [g[g > 0] if (g > 0).any() else g for g in groups]
    ax.boxplot(positive, orientation="horizontal", widths=0.6, showfliers=True, patch_artist=True,
               boxprops={"facecolor": "#c6dbef", "edgecolor": _PALETTE[0]},
               flierprops={"marker": ".", "markersize": 3, "alpha": 0.5},
               medianprops={"color": SEVERITY_COLORS["error"]})
    ax.set_yticks(np.arange(1, len(units) + 1), labels, fontsize=8)
    for yi, g in enumerate(positive, 1):
        ax.annotate(f"中位数 {_fmt(float(np.median(g)))}", (1.0, yi), xycoords=("axes fraction", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    if all(len(g) and (g > 0).all() for g in positive):
        ax.set_xscale("log")
    ax.set_xlabel("单位成本（元），对数刻度；每行一个计量单位 unit cost, log scale, one row per denominator",
                  fontsize=8)
    ax.set_title("单位成本指标的分布，按计量单位（Unit costs by denominator）")
    _more(ax, n_units - len(units), "denominators")
    return fig


