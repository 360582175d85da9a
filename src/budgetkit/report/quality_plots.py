"""Figures of the targets' quality: each project's share of qualitative targets, and the audit's findings."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from budgetkit.analyse.audit import SEVERITIES, list_rules
from budgetkit.report.figure_base import (
    _PALETTE,
    SEVERITY_COLORS,
    _figure,
    _more,
    _project_labels,
    _require,
    _wrap,
)
from budgetkit.report.summarize import QUALITATIVE_THRESHOLD

__all__ = ["plot_audit_summary", "plot_qualitative_shares"]


_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}



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
