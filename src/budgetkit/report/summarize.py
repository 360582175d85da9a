"""The numbers a reader asks first: a year's summary, each project's qualitative share, a project's card.

Examples:
    >>> projects = pd.DataFrame({"project_id": ["a", "b"], "project": ["甲", "乙"],
    ...                          "department": ["总工会"] * 2, "implementing_unit": ["总工会", "文化宫"],
    ...                          "total_wan": [80.0, 20.0]})
    >>> costs = pd.DataFrame({"project_id": ["a", "b"], "status": ["closes", "does_not_close"],
    ...                       "budget_wan": [80.0, 20.0]})
    >>> indicators = pd.DataFrame({"project_id": ["a", "a", "b", "b"],
    ...                            "kind": ["count", "qualitative", "rate", "percent"]})
    >>> s = summarize_year(projects, indicators, costs)
    >>> s["departments"], s["projects"], s["total_wan"], s["closes_pct"], s["measurable_pct"]
    (['总工会'], 2, 100.0, 80.0, 75.0)
    >>> stated = costs.assign(status=["closes", "stated_only"])
    >>> summarize_year(projects, indicators, stated)["closes_pct"]  # a stated budget is not priced
    100.0
"""

from __future__ import annotations

import inspect

import pandas as pd

from budgetkit.analyse.audit import QUALITATIVE_KINDS, audit_targets
from budgetkit.report.codes import code_label
from budgetkit.report.display import format_number

__all__ = ["PRICED_STATUSES", "QUALITATIVE_THRESHOLD", "qualitative_shares", "summarize_year", "summary_table"]

#: Cost statuses of a priced project (quantity × unit cost): the only ones the headline share counts.
PRICED_STATUSES: tuple[str, ...] = ("closes", "does_not_close")

#: The share of qualitative targets above which the audit flags a project (the audit's own default).
QUALITATIVE_THRESHOLD: float = inspect.signature(audit_targets).parameters["qualitative_threshold"].default


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def summarize_year(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    costs: pd.DataFrame | None = None,
    findings: pd.DataFrame | None = None,
) -> dict:
    """Departments, projects, total 万元, share of budget whose arithmetic closes, of measurable targets.

    Returns:
        A JSON-ready dict: departments (list), implementing_units (number), projects, indicators,
        total_wan, closes_pct (% of the priced projects' budget, i.e. of those that close or do not,
        whose quantity × unit-cost arithmetic closes; a budget only stated or not priceable counts
        neither way; ``None`` without costs or when nothing is priced), measurable_pct (% of
        indicators not qualitative or text) and findings (per severity).
    """
    departments = sorted(
        {str(d) for d in projects.get("department", pd.Series(dtype=str)).dropna() if str(d)}
    )
    units = projects.get("implementing_unit", pd.Series(dtype=str)).dropna().nunique()
    total = float(projects["total_wan"].sum()) if "total_wan" in projects else 0.0
    closes = None
    if costs is not None and len(costs):
        budget = costs["budget_wan"].fillna(0.0)
        priced = costs["status"].isin(PRICED_STATUSES)  # stated-only and unpriced budgets explain nothing
        closes = _pct(float(budget[costs["status"].eq("closes")].sum()), float(budget[priced].sum()))
    kinds = indicators["kind"] if "kind" in indicators else pd.Series(dtype=str)
    measurable = _pct(float((~kinds.isin(QUALITATIVE_KINDS)).sum()), float(len(kinds)))
    severities = (
        findings["severity"].value_counts().to_dict() if findings is not None and len(findings) else {}
    )
    return {
        "departments": departments,
        "implementing_units": int(units),
        "projects": len(projects),
        "indicators": len(indicators),
        "total_wan": round(total, 4),
        "closes_pct": closes,
        "measurable_pct": measurable,
        "findings": {str(k): int(v) for k, v in severities.items()},
    }


def summary_table(summary: dict) -> pd.DataFrame:
    """A year's summary as rows of (what, value) for a page.

    Examples:
        >>> summary_table({"departments": ["总工会"], "projects": 11, "total_wan": 3000.5, "closes_pct": 62.3,
        ...                "measurable_pct": 76.4, "indicators": 144, "implementing_units": 3,
        ...                "findings": {"warning": 2}}).iloc[:, 1].tolist()[:4]
        ['总工会', '3', '11', '144']
    """

    def pct(value: float | None) -> str:
        return "" if value is None else format_number(value, percent=True)

    findings = "，".join(
        f"{code_label('audit', 'severity', k)} {v}" for k, v in summary.get("findings", {}).items()
    )
    rows = [
        ("主管部门 departments", "、".join(summary["departments"])),
        ("实施单位数 implementing units", str(summary["implementing_units"])),
        ("项目数 projects", str(summary["projects"])),
        ("三级指标数 indicators", str(summary["indicators"])),
        ("项目总额（万元） total", format_number(summary["total_wan"])),
        ("已测算项目中测算吻合的预算占比 share of the priced budget whose arithmetic closes",
         pct(summary["closes_pct"])),
        ("可衡量指标占比 share of measurable targets", pct(summary["measurable_pct"])),
        ("审查问题 audit findings", findings or "无 none"),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def qualitative_shares(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every project's share of qualitative or text targets, flagged above :data:`QUALITATIVE_THRESHOLD`.

    Returns:
        Columns project_id, project, implementing_unit, indicators, qualitative, qualitative_pct and
        flagged (``是 yes`` where the audit reports it), in the projects' order.

    Examples:
        >>> projects = pd.DataFrame({"project_id": ["a", "b"], "project": ["甲", "乙"],
        ...                          "implementing_unit": ["u", "u"]})
        >>> inds = pd.DataFrame({"project_id": ["a", "a", "a", "b"], "kind": ["count", "text", "qualitative",
        ...                                                                   "percent"]})
        >>> qualitative_shares(projects, inds)[["qualitative", "qualitative_pct", "flagged"]].values.tolist()
        [[2, 66.7, '是 yes'], [0, 0.0, '']]
    """
    kinds = indicators.assign(_soft=indicators["kind"].isin(QUALITATIVE_KINDS))
    counts = kinds.groupby("project_id")["_soft"].agg(indicators="size", qualitative="sum")
    frame = projects[["project_id", "project", "implementing_unit"]].merge(
        counts, left_on="project_id", right_index=True, how="left"
    )
    frame["indicators"] = frame["indicators"].fillna(0).astype("int64")
    frame["qualitative"] = frame["qualitative"].fillna(0).astype("int64")
    share = frame["qualitative"] / frame["indicators"].where(frame["indicators"] > 0)
    frame["qualitative_pct"] = (share * 100).round(1)
    frame["flagged"] = ["是 yes" if s > QUALITATIVE_THRESHOLD else "" for s in share.fillna(0.0)]
    return frame.reset_index(drop=True)
