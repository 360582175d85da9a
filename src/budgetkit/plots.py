"""Charts of parsed performance-target tables, with Chinese labels that render.

Every function takes the frames budgetkit produces (``projects``, ``indicators``, the
output of :func:`budgetkit.reconcile.reconcile_costs` or of
:func:`budgetkit.audit.audit_targets`), calls :func:`budgetkit.fonts.use_cjk_font`
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
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from budgetkit.fonts import use_cjk_font
from budgetkit.reconcile import STATUSES as _STATUS_ZH

__all__ = [
    "STATUS_COLORS",
    "SEVERITY_COLORS",
    "plot_audit_summary",
    "plot_budget_by_project",
    "plot_implied_vs_budget",
    "plot_unit_costs",
    "plot_year_comparison",
    "save_figure",
]

logger = logging.getLogger(__name__)

#: Colour of each reconciliation status (see :data:`budgetkit.reconcile.STATUSES`).
STATUS_COLORS: dict[str, str] = {
    "closes": "#2ca02c",
    "does not close": "#d62728",
    "cannot be priced": "#7f7f7f",
    "no budget": "#9467bd",
}

#: Colour of each audit severity (see :data:`budgetkit.audit.SEVERITIES`).
SEVERITY_COLORS: dict[str, str] = {"error": "#d62728", "warning": "#ff7f0e", "info": "#1f77b4"}

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf")
_LOG_RANGE = 100.0


def _figure(n_rows: int, width: float = 9.0, min_height: float = 3.0) -> Figure:
    """Return a constrained-layout Agg figure tall enough for ``n_rows`` bar labels."""
    use_cjk_font()
    fig = Figure(figsize=(width, max(min_height, 1.2 + 0.42 * n_rows)), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {', '.join(missing)}")


def _project_labels(frame: pd.DataFrame) -> list[str]:
    """Project names, with the implementing unit added where a name occurs more than once."""
    names = frame["project"].astype(str)
    if "implementing_unit" not in frame.columns:
        return names.tolist()
    repeated = names.duplicated(keep=False)
    units = frame["implementing_unit"].astype(str)
    return [f"{n}（{u}）" if r else n for n, u, r in zip(names, units, repeated, strict=True)]


def _wide_range(values: pd.Series) -> bool:
    """True if the positive values span more than 100×, so a log axis reads better."""
    positive = values[values > 0]
    return len(positive) > 1 and float(positive.max()) / float(positive.min()) > _LOG_RANGE


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def plot_budget_by_project(projects: pd.DataFrame) -> Figure:
    """Horizontal bars of each project's total budget (``total_wan``), largest on top.

    Projects sharing a name (two 基本支出项目 of different units, say) are told apart by
    their implementing unit in parentheses.

    Args:
        projects: the ``projects`` frame of a parsed table (columns project,
            implementing_unit, total_wan).

    Returns:
        The figure, one bar per project.

    Examples:
        >>> import pandas as pd
        >>> fig = plot_budget_by_project(pd.DataFrame(
        ...     {"project": ["甲", "乙"], "implementing_unit": ["单位", "单位"], "total_wan": [1.0, 2.0]}))
        >>> len(fig.axes[0].patches)
        2
    """
    _require(projects, ("project", "total_wan"), "projects")
    frame = projects.assign(_label=_project_labels(projects)).sort_values("total_wan", na_position="first")
    fig = _figure(len(frame))
    ax = fig.add_subplot()
    values = frame["total_wan"].astype(float).fillna(0.0)
    y = np.arange(len(frame))
    ax.barh(y, values, color=_PALETTE[0])
    ax.set_yticks(y, frame["_label"].tolist())
    for yi, v, raw in zip(y, values, frame["total_wan"], strict=True):
        text = "无预算数" if pd.isna(raw) else _fmt(v)
        ax.annotate(text, (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel("项目总额（万元）")
    ax.set_title("各项目预算总额（Budget by project）")
    ax.margins(x=0.12)
    return fig


def plot_implied_vs_budget(costs: pd.DataFrame) -> Figure:
    """Paired bars per project: the cost the targets imply against the budget.

    The grey bar is the budget (``budget_wan``); the coloured bar is the implied cost
    (``implied_wan``), coloured by reconciliation status. Projects whose cost cannot be
    priced keep their row and are marked 无法测算 instead of a bar. The axis turns
    logarithmic when the amounts span more than 100×.

    Args:
        costs: output of :func:`budgetkit.reconcile.reconcile_costs` (columns project,
            implementing_unit, implied_wan, budget_wan, gap_pct, status).

    Returns:
        The figure: one budget bar per project with a budget, one implied bar per priced project.

    Examples:
        >>> import pandas as pd
        >>> costs = pd.DataFrame({"project": ["甲", "乙"], "implementing_unit": ["单位", "单位"],
        ...                       "implied_wan": [10.0, float("nan")], "budget_wan": [10.0, 5.0],
        ...                       "gap_pct": [0.0, float("nan")], "status": ["closes", "cannot be priced"]})
        >>> fig = plot_implied_vs_budget(costs)
        >>> len(fig.axes[0].patches)
        3
        >>> any("无法测算" in t.get_text() for t in fig.axes[0].texts)
        True
    """
    _require(costs, ("project", "implied_wan", "budget_wan", "status"), "costs")
    frame = costs.assign(_label=_project_labels(costs))
    frame = frame.assign(_size=frame[["budget_wan", "implied_wan"]].max(axis=1)).sort_values(
        "_size", na_position="first")
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
    ax.barh(y[priced] - h / 2, implied[priced], height=h,
            color=[c for c, p in zip(colors, priced, strict=True) if p])
    if log:
        ax.set_xscale("log")
        ax.set_xlim(left=float(amounts[amounts > 0].min()) / 3)
    ax.set_yticks(y, frame["_label"].tolist())
    gap = frame["gap_pct"] if "gap_pct" in frame.columns else pd.Series(np.nan, index=frame.index)
    for yi, i, status, g in zip(y, implied, frame["status"], gap, strict=True):
        if pd.isna(i):
            ax.annotate(f"{_STATUS_ZH.get(status, status)}（not priced）", (0.0, yi - h / 2),
                        xycoords=ax.get_yaxis_transform(), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8, color=STATUS_COLORS["cannot be priced"])
            continue
        text = _fmt(i) + (f"（{g:+.1f}%）" if pd.notna(g) else "")
        ax.annotate(text, (i, yi - h / 2), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=8, color=STATUS_COLORS.get(status, "black"))
    handles = [Patch(color="#c7c7c7", label="预算数（budget）")] + [
        Patch(color=STATUS_COLORS[s], label=f"测算数·{_STATUS_ZH[s]}（{s}）")
        for s in STATUS_COLORS if s in set(frame["status"])]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.set_xlabel("金额（万元）" + ("，对数刻度（log scale）" if log else ""))
    ax.set_title("绩效目标测算成本与预算对比（Implied cost vs budget）")
    ax.margins(x=0.15)
    return fig


def _per_unit_label(per_unit: object) -> str:
    text = "" if per_unit is None or (isinstance(per_unit, float) and math.isnan(per_unit)) else str(per_unit)
    if not text:
        return "元"
    return text if text.startswith("元") else f"元/{text}"


def plot_unit_costs(indicators: pd.DataFrame) -> Figure:
    """Horizontal bars of the unit costs (元) among the indicators, coloured by unit.

    Uses the rows with ``kind == "rate"`` and a ``value_yuan``; each bar is labelled
    ``indicator（元/per_unit）`` and bars of the same unit (元/户, 元/人, 元/月 …) are
    grouped and share a colour. The axis turns logarithmic when costs span more than 100×.

    Args:
        indicators: the ``indicators`` frame of a parsed table (columns indicator, kind,
            value_yuan, per_unit).

    Returns:
        The figure, one bar per unit cost.

    Examples:
        >>> import pandas as pd
        >>> inds = pd.DataFrame({"indicator": ["补助标准", "慰问标准", "完成率"],
        ...                      "kind": ["rate", "rate", "percent"], "value_yuan": [3600.0, 1000.0, None],
        ...                      "per_unit": ["人", "户", None]})
        >>> fig = plot_unit_costs(inds)
        >>> len(fig.axes[0].patches)
        2
        >>> fig.axes[0].get_yticklabels()[0].get_text()
        '慰问标准（元/户）'
    """
    _require(indicators, ("indicator", "kind", "value_yuan", "per_unit"), "indicators")
    rates = indicators[(indicators["kind"] == "rate") & indicators["value_yuan"].notna()].copy()
    rates["_unit"] = [_per_unit_label(p) for p in rates["per_unit"]]
    rates["value_yuan"] = rates["value_yuan"].astype(float)
    order = rates.groupby("_unit")["value_yuan"].max().sort_values().index.tolist()
    rates["_group"] = rates["_unit"].map({u: k for k, u in enumerate(order)})
    rates = rates.sort_values(["_group", "value_yuan"])
    fig = _figure(len(rates))
    ax = fig.add_subplot()
    if rates.empty:
        ax.text(0.5, 0.5, "无单位成本指标（no unit costs）", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    y = np.arange(len(rates))
    colors = {u: _PALETTE[k % len(_PALETTE)] for k, u in enumerate(order)}
    ax.barh(y, rates["value_yuan"], color=[colors[u] for u in rates["_unit"]])
    ax.set_yticks(y, [f"{i}（{u}）" for i, u in zip(rates["indicator"], rates["_unit"], strict=True)])
    for yi, v in zip(y, rates["value_yuan"], strict=True):
        ax.annotate(_fmt(v), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    log = _wide_range(rates["value_yuan"])
    if log:
        ax.set_xscale("log")
        ax.set_xlim(left=float(rates["value_yuan"].min()) / 3)
    ax.legend(handles=[Patch(color=colors[u], label=u) for u in reversed(order)], title="计量单位（unit）",
              loc="lower right", fontsize=8)
    ax.set_xlabel("单位成本（元）" + ("，对数刻度（log scale）" if log else ""))
    ax.set_title("单位成本指标（Unit costs）")
    ax.margins(x=0.12)
    return fig


def plot_audit_summary(findings: pd.DataFrame) -> Figure:
    """Stacked bars of the number of audit findings per rule, split by severity.

    Rules are labelled with their Chinese and English names from
    :func:`budgetkit.audit.list_rules`. With no findings the figure says so.

    Args:
        findings: output of :func:`budgetkit.audit.audit_targets` (columns rule, severity).

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
    from budgetkit.audit import SEVERITIES, list_rules

    zh = dict(zip(list_rules()["rule"], list_rules()["zh"], strict=True))
    counts = findings.groupby(["rule", "severity"]).size().unstack("severity", fill_value=0)
    severities = [s for s in SEVERITIES if s in counts.columns] + [
        s for s in counts.columns if s not in SEVERITIES]
    counts = counts.reindex(columns=severities)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index] if len(counts) else counts
    fig = _figure(len(counts), width=8.0)
    ax = fig.add_subplot()
    if counts.empty:
        ax.text(0.5, 0.5, "无问题（no findings）", ha="center", va="center", fontsize=16,
                transform=ax.transAxes, color=SEVERITY_COLORS["info"])
        ax.set_axis_off()
        ax.set_title("绩效目标审核（Audit findings）")
        return fig
    y = np.arange(len(counts))
    left = np.zeros(len(counts))
    for severity in severities:
        values = counts[severity].to_numpy(dtype=float)
        shown = values > 0
        ax.barh(y[shown], values[shown], left=left[shown], color=SEVERITY_COLORS.get(severity, "#7f7f7f"),
                label=f"{_SEVERITY_ZH.get(severity, severity)}（{severity}）")
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


def plot_year_comparison(projects_all_years: pd.DataFrame) -> Figure:
    """Grouped bars of the total budget per year, one bar per implementing unit.

    Args:
        projects_all_years: projects of one or more years (columns year,
            implementing_unit, total_wan).

    Returns:
        The figure; one bar per (year, implementing unit) pair present in the data.

    Examples:
        >>> import pandas as pd
        >>> projects = pd.DataFrame({"year": [2024, 2025, 2025], "implementing_unit": ["甲", "甲", "乙"],
        ...                          "total_wan": [10.0, 12.0, 5.0]})
        >>> fig = plot_year_comparison(projects)
        >>> len(fig.axes[0].patches)
        3
    """
    _require(projects_all_years, ("year", "implementing_unit", "total_wan"), "projects_all_years")
    grouped = projects_all_years.groupby(["year", "implementing_unit"], sort=True)
    totals = grouped["total_wan"].sum(min_count=1)
    table = totals.unstack("implementing_unit")
    table = table[table.sum().sort_values(ascending=False).index]
    years = [str(y) for y in table.index]
    units = table.columns.tolist()
    fig = _figure(0, width=max(7.0, 1.2 + 0.6 * len(years) * max(1, len(units))), min_height=4.5)
    ax = fig.add_subplot()
    x = np.arange(len(years))
    width = 0.8 / max(1, len(units))
    for k, unit in enumerate(units):
        values = table[unit].to_numpy(dtype=float)
        shown = ~np.isnan(values)
        offset = (k - (len(units) - 1) / 2) * width
        bars = ax.bar(x[shown] + offset, values[shown], width=width, color=_PALETTE[k % len(_PALETTE)],
                      label=unit)
        ax.bar_label(bars, labels=[_fmt(v) for v in values[shown]], fontsize=8, padding=2)
    ax.set_xticks(x, years)
    ax.set_xlabel("预算年度（year）")
    ax.set_ylabel("预算总额（万元）")
    ax.set_title("各单位预算总额年度对比（Total budget by year and unit）")
    ax.legend(title="实施单位（implementing unit）", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.margins(y=0.12)
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure as PNG (150 dpi, tight bounding box), creating parent folders.

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
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    logger.info("saved figure to %s", out)
    return out
