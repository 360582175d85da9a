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

import base64
import html
import logging
import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from budgetkit.analyse.reconcile import STATUSES as _STATUS_ZH
from budgetkit.report.figure_text import describe_figure
from budgetkit.report.fonts import use_cjk_font
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = [
    "STATUS_COLORS",
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

#: Colour of each reconciliation status (see :data:`budgetkit.analyse.reconcile.STATUSES`).
STATUS_COLORS: dict[str, str] = {
    "closes": "#2ca02c",
    "does_not_close": "#d62728",
    "stated_only": "#9467bd",
    "not_priceable": "#7f7f7f",
}

#: Colour of each audit severity (see :data:`budgetkit.analyse.audit.SEVERITIES`).
SEVERITY_COLORS: dict[str, str] = {"error": "#d62728", "warning": "#ff7f0e", "info": "#1f77b4"}

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_LOG_RANGE = 100.0

#: Most bars in one panel; the rest are counted under it (they are all in the tables).
TOP_N = 20

#: Most panels (denominators) of named unit-cost bars; beyond, a box per denominator.
MAX_PANELS = 8


#: Resolution of the saved PNGs (dots per inch).
DPI = 110

_NOTE = "另有 "  # the start of the note :func:`_more` puts under an axis


def _figure(n_rows: int, width: float = 9.0, min_height: float = 3.0) -> Figure:
    """Return an Agg figure tall enough for ``n_rows`` bar labels (margins set by :func:`fit_margins`)."""
    use_cjk_font()
    fig = Figure(figsize=(width, max(min_height, 1.2 + 0.42 * n_rows)))
    FigureCanvasAgg(fig)
    return fig


def _text_inches(text: str, size: float) -> float:
    """The printed width of ``text`` (its longest line) at ``size`` points: CJK a full em, others about half."""
    if text.startswith("$"):  # mathtext tick labels of log axes: $\mathdefault{10^{3}}$
        text = re.sub(r"\\mathdefault|[{}^$\\]", "", text)
    widest = max((sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in line) for line in text.split("\n")), default=0)
    return widest * size / 72


def fit_margins(fig: Figure) -> Figure:
    """Leave room for the labels of ``fig``'s stacked axes from their text, without drawing it.

    A layout engine (constrained or tight layout) measures every label by drawing the
    figure, again at each draw, and costs more than the drawing itself when there are
    many labels; the margins here are estimated from the labels' text and size.
    Figures that have a layout engine of their own are left alone.

    Examples:
        >>> import pandas as pd
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["一个名字很长的项目"], "total_wan": [1.0]}))
        >>> round(float(fit_margins(fig).subplotpars.left), 2)
        0.15
    """
    axes = [ax for ax in fig.axes if ax.axison]
    if fig.get_layout_engine() is not None or not axes:
        return fig
    width, height = fig.get_size_inches()
    labels = [t for ax in axes for t in ax.get_yticklabels()]
    left = max((_text_inches(t.get_text(), t.get_fontsize()) for t in labels), default=0.4) + 0.25
    left += 0.3 if any(ax.get_ylabel() for ax in axes) else 0.0
    outside = any(ax.get_legend() is not None and ax.get_legend().get_bbox_to_anchor().x0 > 0 for ax in axes)
    right = 1.25 + (1.7 if outside else 0.0)
    noted = any(t.get_text().startswith(_NOTE) for t in axes[-1].texts)
    top = 0.5 + (0.5 if fig._suptitle is not None else 0.0)
    bottom = 0.6 + (0.35 if noted else 0.0)
    gap = 1.2  # between stacked axes: a title, tick labels, an x label and a note
    n = len(axes)
    each = max(0.5, (height - top - bottom - (n - 1) * gap) / n)
    fig.subplots_adjust(left=min(0.6, left / width), right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height, hspace=gap / each if n > 1 else 0.2)
    return fig


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {', '.join(missing)}")


def _project_labels(frame: pd.DataFrame) -> list[str]:
    """Project names, with the implementing unit added where one name belongs to more than one unit."""
    names = frame["project"].astype(str).str.replace(PINYIN_RE, "", regex=True)  # mirror sites' pinyin: not shown
    if "implementing_unit" not in frame.columns:
        return names.tolist()
    units = frame["implementing_unit"].astype(str).str.replace(PINYIN_RE, "", regex=True)
    shared = pd.DataFrame({"n": names, "u": units}).groupby("n")["u"].nunique()
    repeated = names.map(shared).gt(1)
    return [f"{n}（{u}）" if r else n for n, u, r in zip(names, units, repeated, strict=True)]


def _wide_range(values: pd.Series) -> bool:
    """True if the positive values span more than 100×, so a log axis reads better."""
    positive = values[values > 0]
    return len(positive) > 1 and float(positive.max()) / float(positive.min()) > _LOG_RANGE


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


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


def _per_unit_label(per_unit: object) -> str:
    text = "" if per_unit is None or (isinstance(per_unit, float) and math.isnan(per_unit)) else str(per_unit)
    if not text:
        return "元"
    return text if text.startswith("元") else f"元/{text}"


def _wrap(text: str, width: int = 26) -> str:
    """Wrap a long label over lines of at most ``width`` characters (Chinese has no spaces to break at)."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _more(ax, hidden: int, what: str) -> None:
    if hidden:
        ax.annotate(
            f"{_NOTE}{hidden} 项未显示（见表格） {hidden} more {what} in the tables",
            (0, 0),
            xycoords="axes fraction",
            xytext=(0, -44),
            textcoords="offset points",
            fontsize=8,
            color="#555555",
        )


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


def plot_qualitative_shares(shares: pd.DataFrame, top: int = 40) -> Figure:
    """Every project's share of qualitative or text targets, the audit's limit drawn as a line.

    Args:
        shares: output of :func:`budgetkit.report.summarize.qualitative_shares` (columns project,
            implementing_unit, indicators, qualitative, qualitative_pct, flagged).
        top: most projects shown as bars (highest shares first); beyond, the figure is the distribution
            of every project's share (a histogram, the limit drawn, the projects above it counted).

    Returns:
        The figure, one bar per project, red where the audit flags it (or the histogram).

    Examples:
        >>> import pandas as pd
        >>> shares = pd.DataFrame({"project": ["甲", "乙"], "implementing_unit": ["u", "u"],
        ...                        "indicators": [4, 5], "qualitative": [2, 0],
        ...                        "qualitative_pct": [50.0, 0.0],
        ...                        "flagged": ["是 yes", ""]})
        >>> fig = plot_qualitative_shares(shares)
        >>> len(fig.axes[0].patches), fig.axes[0].get_yticklabels()[-1].get_text()
        (2, '甲')
    """
    from budgetkit.report.summarize import QUALITATIVE_THRESHOLD

    _require(shares, ("project", "indicators", "qualitative", "qualitative_pct"), "shares")
    if len(shares) > top:
        return _share_histogram(shares, QUALITATIVE_THRESHOLD * 100)
    frame = shares.assign(_label=_project_labels(shares)).sort_values(
        ["qualitative_pct", "indicators"], ascending=False, na_position="last"
    )
    hidden = max(0, len(frame) - top)
    frame = frame.head(top).iloc[::-1]
    fig = _figure(len(frame), width=9.0)
    ax = fig.add_subplot()
    y = np.arange(len(frame))
    values = frame["qualitative_pct"].astype(float).fillna(0.0)
    limit = QUALITATIVE_THRESHOLD * 100
    colors = [SEVERITY_COLORS["warning"] if v > limit else _PALETTE[0] for v in values]
    ax.barh(y, values, color=colors)
    ax.set_yticks(y, [_wrap(t) for t in frame["_label"]], fontsize=8)
    for yi, v, q, n in zip(y, values, frame["qualitative"], frame["indicators"], strict=True):
        ax.annotate(
            f"{v:.0f}%（{int(q)}/{int(n)}）",
            (v, yi),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.axvline(limit, color=SEVERITY_COLORS["error"], linestyle="--", linewidth=1)
    ax.annotate(
        f"审查上限 audit limit {limit:.0f}%",
        (limit, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, 2),
        textcoords="offset points",
        fontsize=8,
        color=SEVERITY_COLORS["error"],
    )
    ax.set_xlim(0, max(100.0, float(values.max()) * 1.15 if len(values) else 100.0))
    ax.set_xlabel("定性或文字指标占比（%） share of qualitative or text targets")
    ax.set_title("各项目定性指标占比（Qualitative share of every project）", pad=16)  # above the limit's label
    _more(ax, hidden, "projects")
    return fig


def _share_histogram(shares: pd.DataFrame, limit: float) -> Figure:
    """How many projects have each qualitative share (5-point bins), the audit's limit drawn."""
    fig = _figure(10, width=9.0)
    ax = fig.add_subplot()
    values = pd.to_numeric(shares["qualitative_pct"], errors="coerce").astype(float).dropna()
    bins = np.arange(0, 105, 5.0)
    _, _, bars = ax.hist(values.clip(0, 100), bins=bins, color=_PALETTE[0], edgecolor="white")
    for bar, left in zip(bars, bins[:-1], strict=True):
        if left >= limit:
            bar.set_facecolor(SEVERITY_COLORS["warning"])
    above = int((values > limit).sum())
    ax.axvline(limit, color=SEVERITY_COLORS["error"], linestyle="--", linewidth=1)
    ax.annotate(f"审查上限 audit limit {limit:.0f}%：{above} 个项目超过 above", (limit, 1.0),
                xycoords=("data", "axes fraction"), xytext=(3, -12), textcoords="offset points", fontsize=8,
                color=SEVERITY_COLORS["error"])
    ax.set_xlim(0, 100)
    ax.set_xlabel("定性或文字指标占比（%） share of qualitative or text targets")
    ax.set_ylabel("项目数 projects")
    ax.set_title(f"{len(shares)} 个项目的定性指标占比分布（Qualitative share of every project）")
    return fig


def plot_audit_summary(findings: pd.DataFrame) -> Figure:
    """Stacked bars of the number of audit findings per rule, split by severity.

    Rules are labelled with their Chinese and English names from
    :func:`budgetkit.analyse.audit.list_rules`. With no findings the figure says so.

    Args:
        findings: output of :func:`budgetkit.analyse.audit.audit_targets` (columns rule, severity).

    Returns:
        The figure; one bar segment per (rule, severity) pair found.

    Examples:
        >>> import pandas as pd
        >>> findings = pd.DataFrame({"project_id": ["a", "b"], "rule": ["qualitative_share"] * 2,
        ...                          "severity": ["warning"] * 2, "detail": ["x", "y"]})
        >>> fig = plot_audit_summary(findings)
        >>> [int(p.get_width()) for p in fig.axes[0].patches]
        [2]
        >>> fig = plot_audit_summary(findings.iloc[0:0])
        >>> "无问题" in fig.axes[0].texts[0].get_text()
        True
    """
    _require(findings, ("rule", "severity"), "findings")
    from budgetkit.analyse.audit import SEVERITIES, list_rules

    zh = dict(zip(list_rules()["rule"], list_rules()["zh"], strict=True))
    counts = findings.groupby(["rule", "severity"]).size().unstack("severity", fill_value=0)
    severities = [s for s in SEVERITIES if s in counts.columns] + [
        s for s in counts.columns if s not in SEVERITIES
    ]
    counts = counts.reindex(columns=severities)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index] if len(counts) else counts
    fig = _figure(len(counts), width=8.0)
    ax = fig.add_subplot()
    if counts.empty:
        ax.text(
            0.5,
            0.5,
            "无问题（no findings）",
            ha="center",
            va="center",
            fontsize=16,
            transform=ax.transAxes,
            color=SEVERITY_COLORS["info"],
        )
        ax.set_axis_off()
        ax.set_title("绩效目标审核（Audit findings）")
        return fig
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for severity in severities:
        values = counts[severity].to_numpy(dtype=float)
        shown = values > 0
        ax.barh(
            y[shown],
            values[shown],
            left=left[shown],
            color=SEVERITY_COLORS.get(severity, "#7f7f7f"),
            label=f"{_SEVERITY_ZH.get(severity, severity)}（{severity}）",
        )
        left += values
    for yi, total in zip(y, left, strict=True):
        ax.annotate(str(int(total)), (total, yi), xytext=(3, 0), textcoords="offset points", va="center")
    ax.set_yticks(y, [f"{zh.get(r, r)}（{r}）" for r in counts.index])
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(title="严重程度（severity）", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_xlabel("问题数（findings）")
    ax.set_title("绩效目标审核问题（Audit findings by rule）")
    ax.margins(x=0.1)
    return fig


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


class SavedFigure:
    """A figure and the PNG it was saved to; a notebook shows the saved PNG (not drawn a second time).

    Attributes:
        figure: the matplotlib figure.
        path: the PNG file.

    Examples:
        >>> import tempfile, pandas as pd
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["甲"], "total_wan": [1.0]}))
        >>> saved = SavedFigure(fig, save_figure(fig, Path(tempfile.mkdtemp()) / "b.png"))
        >>> saved._repr_png_()[1:4], saved.figure is fig
        (b'PNG', True)
    """

    def __init__(self, figure: Figure, path: Path, *, caption: str = "", source: str = "", href: str = "",
                 source_href: str = "") -> None:
        self.figure = figure
        self.path = Path(path)
        self.alt = describe_figure(figure)
        self.caption = caption
        self.source = source
        self.href = href
        self.source_href = source_href

    def _repr_png_(self) -> bytes:
        return self.path.read_bytes()

    def _repr_html_(self) -> str:
        """The image with its alt text (from the figure's data), a caption, the source, and a link to full size."""
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
        if self.href:
            img = (f'<a class="bk-figure-link" href="{html.escape(self.href)}" '
                   f'title="查看原图 open at full size">{img}</a>')
        notes = [f'<span class="bk-figure-caption">{html.escape(self.caption)}</span>'] if self.caption else []
        if self.source:
            source = html.escape(self.source)
            if self.source_href:
                source = f'<a href="{html.escape(self.source_href)}">{source}</a>'
            notes.append(f'<span class="bk-figure-source">数据来源 source：{source}</span>')
        if self.href:
            notes.append(f'<a class="bk-figure-full" href="{html.escape(self.href)}">查看原图 full size</a>')
        caption = f"<figcaption>{' · '.join(notes)}</figcaption>" if notes else ""
        return f'<figure class="bk-figure">{img}{caption}</figure>'

    def __repr__(self) -> str:
        return f"<figure {self.path.name}>"


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure as PNG (:data:`DPI`, margins from :func:`fit_margins`), creating parent folders.

    Args:
        fig: the figure to save.
        path: where to write it.

    Returns:
        The path written.

    Examples:
        >>> import tempfile, pandas as pd
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["甲"], "total_wan": [1.0]}))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = save_figure(fig, Path(tmp) / "sub" / "budget.png")
        ...     (out.name, out.read_bytes()[1:4])
        ('budget.png', b'PNG')
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fit_margins(fig)
    fig.savefig(out, format="png", dpi=DPI)
    logger.info("saved figure to %s", out)
    return out
