"""Audit the quality of performance targets against the budget guidelines.

Each rule is a named check function registered in :data:`RULES` with its id,
Chinese and English name and severity; the registry is data (see
:func:`list_rules`), so a notebook can show what was checked and a caller can run
a subset. A check gets one project (its row and its indicator rows) and the
audit context, and returns the details of its findings, each a short Chinese and
English text naming the indicator and its value.

The cost rules reuse :mod:`budgetkit.reconcile`: ``quantity_without_cost`` asks
which quantity targets the pricing strategies used (:func:`~budgetkit.reconcile.price_terms`),
``cost_mismatch`` reports the projects whose arithmetic does not close
(:func:`~budgetkit.reconcile.reconcile_costs`).

Examples:
    >>> projects = pd.DataFrame({"project_id": ["p"], "project": ["测试"], "implementing_unit": ["某单位"],
    ...                          "total_wan": [10.0]})
    >>> indicators = pd.DataFrame({
    ...     "project_id": ["p", "p"], "seq": [1, 2], "level1": ["产出指标", "满意度指标"],
    ...     "level2": ["数量指标", "服务对象满意度"], "indicator": ["培训人数", "满意度"],
    ...     "value": ["100人", "≥120%"], "kind": ["count", "percent"], "num": [100.0, 120.0],
    ...     "unit": ["人", "%"], "per_unit": [None, None], "value_yuan": [None, None],
    ...     "deadline": pd.to_datetime([None, None])})
    >>> findings = audit_targets(projects, indicators, 2025)
    >>> findings["rule"].tolist()
    ['missing_level1', 'missing_level2', 'missing_level2', 'missing_level2', 'percent_over_100', \
'quantity_without_cost']
    >>> findings.loc[findings["rule"] == "percent_over_100", "detail"].iloc[0]
    '满意度 ≥120%：百分比超过100% / percent above 100'
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from budgetkit.errors import BudgetkitError, ParameterError
from budgetkit.normalize import normalize_text
from budgetkit.reconcile import format_wan, indicator_key, price_terms, reconcile_costs

__all__ = [
    "AUDIT_COLUMNS",
    "LEVEL1_NAMES",
    "QUALITATIVE_KINDS",
    "REQUIRED_LEVEL1",
    "REQUIRED_LEVEL2",
    "RULES",
    "SEVERITIES",
    "AuditContext",
    "Rule",
    "audit_targets",
    "list_rules",
    "summarize_audit",
]

logger = logging.getLogger(__name__)

# --- metadata --------------------------------------------------------------------------------------------

#: Level-1 groups every table must have, with their English names.
REQUIRED_LEVEL1: dict[str, str] = {
    "产出指标": "outputs",
    "效益指标": "outcomes",
    "满意度指标": "satisfaction",
}

#: English names of the level-1 groups (成本指标 is a level-1 group in templates since 2021).
LEVEL1_NAMES: dict[str, str] = {**REQUIRED_LEVEL1, "成本指标": "cost"}

#: Level-2 groups required under a level-1 group: ``all`` of them, or ``any`` one.
REQUIRED_LEVEL2: dict[str, tuple[str, tuple[str, ...]]] = {
    "产出指标": ("all", ("数量指标", "质量指标", "时效指标", "成本指标")),
    "效益指标": ("any", ("经济效益", "社会效益", "生态效益", "可持续影响")),
}

#: Level-2 spellings folded to the canonical label before checking.
LEVEL2_ALIASES: dict[str, str] = {
    "经济效益指标": "经济效益",
    "社会效益指标": "社会效益",
    "生态效益指标": "生态效益",
    "可持续影响指标": "可持续影响",
    "服务对象满意度指标": "服务对象满意度",
}

#: Value kinds that are not measurable.
QUALITATIVE_KINDS: frozenset[str] = frozenset({"qualitative", "text"})

#: Severities, most serious first.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Output columns of :func:`audit_targets`.
AUDIT_COLUMNS: tuple[str, ...] = ("project_id", "project", "implementing_unit", "rule", "severity", "detail")

_REQUIRED_COLUMNS = ("project_id", "seq", "level1", "level2", "indicator", "value", "kind", "num")
_NAMES_SHOWN = 5


@dataclass(frozen=True)
class AuditContext:
    """What every check may use besides its project.

    Attributes:
        year: the budget year deadlines must fall in.
        qualitative_threshold: the share of qualitative targets above which a project is flagged.
        reconciliation: :func:`~budgetkit.reconcile.reconcile_costs` of all projects, by ``project_id``.
        terms: :func:`~budgetkit.reconcile.price_terms` of all projects.
    """

    year: int
    qualitative_threshold: float
    reconciliation: pd.DataFrame
    terms: pd.DataFrame


#: A check: the project's row, its indicator rows and the context → the details of its findings.
Check = Callable[[Mapping[str, object], pd.DataFrame, AuditContext], list[str]]


@dataclass(frozen=True)
class Rule:
    """One audit rule: id, names, severity and the check function."""

    rule: str
    zh: str
    en: str
    severity: str
    check: Check


# --- the checks --------------------------------------------------------------------------------------------


def check_missing_level1(project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext) -> list[str]:
    """Each of 产出指标, 效益指标 and 满意度指标 is present (see :data:`REQUIRED_LEVEL1`)."""
    present = set(_labels(inds["level1"]))
    return [
        f"{label}：缺少一级指标 / level-1 group missing ({en})"
        for label, en in REQUIRED_LEVEL1.items()
        if label not in present
    ]


def check_missing_level2(project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext) -> list[str]:
    """产出指标 has 数量/质量/时效/成本指标 and 效益指标 has at least one benefit group.

    Only groups whose level-1 is present are checked (``missing_level1`` reports the
    rest). A level-1 成本指标 group (templates since 2021) satisfies the cost requirement.
    """
    level1 = _labels(inds["level1"])
    level2 = _labels(inds["level2"]).map(lambda v: LEVEL2_ALIASES.get(v, v))
    found: list[str] = []
    for group, (mode, needed) in REQUIRED_LEVEL2.items():
        if group not in set(level1):
            continue
        have = set(level2[level1 == group])
        if group == "产出指标" and "成本指标" in set(level1):
            have.add("成本指标")
        missing = [n for n in needed if n not in have]
        if mode == "all":
            found += [f"{group}/{n}：缺少二级指标 / level-2 group missing" for n in missing]
        elif len(missing) == len(needed):
            listed = "、".join(needed)
            found.append(f"{group}/{listed}：缺少二级指标（至少需一项） / none of these level-2 groups")
    return found


def check_qualitative_share(
    project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext
) -> list[str]:
    """The share of qualitative or text targets (有所缓解, whole sentences) exceeds the threshold."""
    if inds.empty:
        return []
    soft = inds[inds["kind"].isin(QUALITATIVE_KINDS)]
    share = len(soft) / len(inds)
    if share <= ctx.qualitative_threshold:
        return []
    names = _listed(soft)
    pct = f"{share * 100:.0f}%"
    limit = f"{ctx.qualitative_threshold * 100:.0f}%"
    return [
        f"{names}：定性指标占比{pct}（{len(soft)}/{len(inds)}，上限{limit}） / "
        f"qualitative or text targets are {pct} ({len(soft)} of {len(inds)}, limit {limit})"
    ]


def check_deadline_outside_year(
    project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext
) -> list[str]:
    """A deadline target (2025年12月底前) falls outside the budget year."""
    if "deadline" not in inds.columns:
        return []
    dates = pd.to_datetime(inds["deadline"], errors="coerce")
    rows = inds[(inds["kind"] == "deadline") & dates.notna() & (dates.dt.year != ctx.year)]
    return [
        f"{_named(r)}（{_date(d)}）：时限不在{ctx.year}年度内 / deadline outside budget year {ctx.year}"
        for (_, r), d in zip(rows.iterrows(), dates[rows.index], strict=True)
    ]


def check_percent_over_100(project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext) -> list[str]:
    """A percent target is above 100 (合格率, 满意度 and 覆盖率 cannot exceed it)."""
    nums = pd.to_numeric(inds["num"], errors="coerce")
    rows = inds[(inds["kind"] == "percent") & (nums > 100)]
    return [f"{_named(r)}：百分比超过100% / percent above 100" for _, r in rows.iterrows()]


def check_quantity_without_cost(
    project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext
) -> list[str]:
    """A count under 数量指标 that no cost target prices (no rate of matching unit pairs with it).

    Uses the pairing of :mod:`budgetkit.reconcile`: a count is priced when a term of
    :func:`~budgetkit.reconcile.price_terms` uses it as quantity or multiplier.
    """
    terms = ctx.terms[ctx.terms["project_id"] == project["project_id"]]
    used = set(terms["quantity_seq"].dropna().astype(int)) | set(terms["multiplier_seq"].dropna().astype(int))
    nums = pd.to_numeric(inds["num"], errors="coerce")
    rows = inds[(_labels(inds["level2"]) == "数量指标") & (inds["kind"] == "count") & nums.notna()]
    return [
        f"{_named(r)}：数量指标无对应成本指标 / no cost target prices this quantity"
        for _, r in rows.iterrows()
        if pd.isna(r["seq"]) or int(r["seq"]) not in used
    ]


def check_duplicate_indicator(
    project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext
) -> list[str]:
    """The same level-3 name appears twice under one level-2 group.

    Names are compared by :func:`~budgetkit.reconcile.indicator_key` (NFKC, radicals,
    戶→户, punctuation dropped). The same name under 数量指标 and 成本指标 is the
    normal quantity–cost pattern (职工困难医疗救助 200户 / 平均3500元/户), not a duplicate.
    """
    if inds.empty:
        return []
    keys = pd.DataFrame({
        "level2": _labels(inds["level2"]).to_numpy(),
        "key": [indicator_key(_text(n)) for n in inds["indicator"]],
        "row": range(len(inds)),
    })
    found = []
    for (level2, key), group in keys.groupby(["level2", "key"], sort=False):
        if not key or len(group) < 2:
            continue
        rows = inds.iloc[group["row"].tolist()]
        values = "、".join(_named(r) for _, r in rows.iterrows())
        n = len(group)
        found.append(f"{values}：{level2}下指标重复{n}次 / repeated {n} times under {level2}")
    return found


def check_cost_mismatch(project: Mapping[str, object], inds: pd.DataFrame, ctx: AuditContext) -> list[str]:
    """Quantity × unit cost does not come back to the budget (reconcile status ``does not close``)."""
    rec = ctx.reconciliation
    if project["project_id"] not in rec.index:
        return []
    row = rec.loc[project["project_id"]]
    if row["status"] != "does not close":
        return []
    pct = "" if _isnan(row["gap_pct"]) else f"{row['gap_pct']:+.2f}%"
    pct_zh, pct_en = (f"（{pct}）", f" ({pct})") if pct else ("", "")
    implied, budget, gap = format_wan(row["implied_wan"]), format_wan(row["budget_wan"]), format_wan(
        row["gap_wan"], signed=True
    )
    return [
        f"测算{implied}，预算{budget}：差额{gap}{pct_zh}，成本测算与预算不符 / "
        f"priced {implied} ({row['method']}) vs budget {budget}: gap {gap}{pct_en}, does not close"
    ]


#: The audit rules, in the order they run and are reported.
RULES: tuple[Rule, ...] = (
    Rule("missing_level1", "缺少一级指标", "level-1 group missing", "error", check_missing_level1),
    Rule("missing_level2", "缺少二级指标", "level-2 group missing", "warning", check_missing_level2),
    Rule("qualitative_share", "定性指标占比过高", "too many qualitative targets", "warning",
         check_qualitative_share),
    Rule("deadline_outside_year", "时限超出预算年度", "deadline outside the budget year", "warning",
         check_deadline_outside_year),
    Rule("percent_over_100", "百分比超过100%", "percent above 100", "error", check_percent_over_100),
    Rule("quantity_without_cost", "数量指标无对应成本", "quantity without a cost target", "info",
         check_quantity_without_cost),
    Rule("duplicate_indicator", "指标重复", "duplicate indicator", "warning", check_duplicate_indicator),
    Rule("cost_mismatch", "成本测算与预算不符", "costs do not reconcile with the budget", "error",
         check_cost_mismatch),
)


def list_rules() -> pd.DataFrame:
    """Return the rule registry: rule, zh, en, severity and description (the check's first docstring line).

    Examples:
        >>> list_rules().loc[0, ["rule", "severity"]].tolist()
        ['missing_level1', 'error']
        >>> len(list_rules())
        8
    """
    return pd.DataFrame(
        [
            {"rule": r.rule, "zh": r.zh, "en": r.en, "severity": r.severity,
             "description": (r.check.__doc__ or "").strip().splitlines()[0]}
            for r in RULES
        ],
        columns=["rule", "zh", "en", "severity", "description"],
    ).astype("str")


# --- entry points ------------------------------------------------------------------------------------------


def audit_targets(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    *,
    qualitative_threshold: float = 0.3,
    rules: Sequence[str] | None = None,
    tolerance_pct: float = 0.5,
    tolerance_wan: float = 0.1,
) -> pd.DataFrame:
    """Run the audit rules over every project and return one row per finding.

    Args:
        projects: the projects table (``project_id``; ``project`` and
            ``implementing_unit`` are copied into the findings; ``total_wan`` and
            ``goal`` feed ``cost_mismatch``).
        indicators: the indicators table with parsed values.
        year: the budget year (deadlines must fall inside it).
        qualitative_threshold: share of qualitative/text targets (0–1) above which
            ``qualitative_share`` reports a project.
        rules: ids of the rules to run (default: all of :data:`RULES`, in registry order).
        tolerance_pct: passed to :func:`~budgetkit.reconcile.reconcile_costs`.
        tolerance_wan: passed to :func:`~budgetkit.reconcile.reconcile_costs`.

    Returns:
        A frame with :data:`AUDIT_COLUMNS`, in project order then registry order.

    Raises:
        ParameterError: ``year``, ``qualitative_threshold`` or a rule id is invalid.
        BudgetkitError: a required column is missing (``ReconciliationError`` from
            the cost rules included).

    Examples:
        >>> projects = pd.DataFrame({"project_id": ["p"], "total_wan": [1.0]})
        >>> inds = pd.DataFrame({
        ...     "project_id": ["p"], "seq": [1], "level1": ["产出指标"], "level2": ["时效指标"],
        ...     "indicator": ["完成时间"], "value": ["2026年6月底前"], "kind": ["deadline"], "num": [None],
        ...     "deadline": pd.to_datetime(["2026-06-30"])})
        >>> audit_targets(projects, inds, 2025, rules=["deadline_outside_year"])["detail"].tolist()
        ['完成时间 2026年6月底前（2026-06-30）：时限不在2025年度内 / deadline outside budget year 2025']
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise ParameterError(f"year must be an int, not {type(year).__name__}", text=str(year))
    if not 0 <= qualitative_threshold <= 1:
        raise ParameterError(f"qualitative_threshold must be between 0 and 1, not {qualitative_threshold}")
    selected = _select(rules)
    _require(projects, ("project_id",), "projects")
    _require(indicators, _REQUIRED_COLUMNS, "indicators")

    ids = {r.rule for r in selected}
    reconciliation = pd.DataFrame(columns=["project_id", "status"]).set_index("project_id")
    terms = pd.DataFrame(columns=["project_id", "quantity_seq", "multiplier_seq"])
    if "cost_mismatch" in ids:
        reconciliation = reconcile_costs(
            projects, indicators, tolerance_pct=tolerance_pct, tolerance_wan=tolerance_wan
        ).set_index("project_id")
    if "quantity_without_cost" in ids:
        terms = price_terms(indicators)
    ctx = AuditContext(year, qualitative_threshold, reconciliation, terms)

    groups = {
        pid: g.sort_values("seq", kind="stable") for pid, g in indicators.groupby("project_id", sort=False)
    }
    orphans = set(groups) - set(projects["project_id"])
    if orphans:
        logger.warning("indicators of %d project(s) not in projects ignored: %s", len(orphans), orphans)
    rows = []
    for project in projects.to_dict("records"):
        inds = groups.get(project["project_id"], indicators.iloc[0:0])
        for rule in selected:
            for detail in rule.check(project, inds, ctx):
                rows.append({
                    "project_id": project["project_id"],
                    "project": project.get("project"),
                    "implementing_unit": project.get("implementing_unit"),
                    "rule": rule.rule,
                    "severity": rule.severity,
                    "detail": detail,
                })
    logger.info("audit of %d project(s): %d finding(s)", len(projects), len(rows))
    return _str_frame(rows, AUDIT_COLUMNS)


def summarize_audit(findings: pd.DataFrame) -> pd.DataFrame:
    """Count findings per rule and severity, every registered rule listed (zero when clean).

    Args:
        findings: the output of :func:`audit_targets`.

    Returns:
        Columns rule, zh, en, severity, findings (number of findings) and projects
        (number of projects with at least one), in registry order; rules the
        registry does not know come last.

    Examples:
        >>> findings = pd.DataFrame({"project_id": ["a", "a", "b"], "rule": ["duplicate_indicator"] * 3,
        ...                          "severity": ["warning"] * 3, "detail": ["x", "y", "z"]})
        >>> summary = summarize_audit(findings)
        >>> summary.loc[summary["rule"] == "duplicate_indicator", ["findings", "projects"]].values.tolist()
        [[3, 2]]
        >>> int(summary["findings"].sum()), len(summary)
        (3, 8)
    """
    _require(findings, ("project_id", "rule", "severity"), "findings")
    registry = list_rules()[["rule", "zh", "en", "severity"]]
    counts = (
        findings.groupby(["rule", "severity"], sort=False)
        .agg(findings=("project_id", "size"), projects=("project_id", "nunique"))
        .reset_index()
    )
    summary = registry.merge(counts, on=["rule", "severity"], how="outer", sort=False)
    order = {r.rule: n for n, r in enumerate(RULES)}
    summary["_order"] = summary["rule"].map(order).fillna(len(order))
    rank = {s: n for n, s in enumerate(SEVERITIES)}
    summary["_sev"] = summary["severity"].map(rank).fillna(len(SEVERITIES))
    summary = summary.sort_values(["_order", "_sev", "rule"], kind="stable").drop(columns=["_order", "_sev"])
    summary[["findings", "projects"]] = summary[["findings", "projects"]].fillna(0).astype("int64")
    return summary.reset_index(drop=True)


# --- helpers --------------------------------------------------------------------------------------------


def _select(rules: Sequence[str] | None) -> list[Rule]:
    if rules is None:
        return list(RULES)
    if isinstance(rules, str):
        rules = [rules]
    known = {r.rule: r for r in RULES}
    unknown = [r for r in rules if r not in known]
    if unknown:
        raise ParameterError(f"unknown audit rule(s); known: {', '.join(known)}", text=", ".join(unknown))
    return [r for r in RULES if r.rule in set(rules)]


def _require(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise BudgetkitError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise BudgetkitError(f"{what} lacks required column(s)", text=", ".join(missing))


def _labels(column: pd.Series) -> pd.Series:
    """Level labels with NFKC and no spaces (wraps such as 满意度 指标 joined)."""
    return column.map(lambda v: re.sub(r"\s+", "", normalize_text(_text(v))))


def _named(row: Mapping[str, object]) -> str:
    """Indicator name and value as printed: ``职工困难医疗救助 200户``."""
    return f"{_text(row['indicator'])} {_text(row['value'])}".strip()


def _listed(rows: pd.DataFrame) -> str:
    names = [_named(r) for _, r in rows.head(_NAMES_SHOWN).iterrows()]
    more = len(rows) - len(names)
    return "、".join(names) + (f" …(+{more})" if more > 0 else "")


def _date(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _isnan(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _str_frame(rows: list[dict[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for name in columns:
        frame[name] = frame[name].astype("object").where(frame[name].notna(), None).astype("str")
    return frame
