"""Audit the quality of performance targets against the budget guidelines.

The audit the year build and ``budgetkit analyse`` run is that of 财预〔2021〕101号 and the texts
around it, rules R1–R31 (:mod:`budgetkit.analyse.rules101`, ``metadata/rules.csv``); :func:`list_rules`
lists them first and :func:`summarize_audit` counts their findings. The checks below
(:data:`RULES`, :func:`audit_targets`) are the pre-101 audit, kept for the benchmarks and for
callers that ask for them by name; they state no clause.

Each rule is a named check function registered in :data:`RULES` with its id,
Chinese and English name and severity; the registry is data (see
:func:`list_rules`), so a notebook can show what was checked and a caller can run
a subset. A check gets the indicator rows of all audited projects at once (sorted
by project, then ``seq``; see :data:`Check`) and the audit context, and returns
its findings as ``(project_id, detail)`` rows, each detail a short Chinese and
English text naming the indicator and its value. Checks work on whole columns,
so an audit costs the same per project at ten projects as at ten thousand.

The cost rules reuse :mod:`budgetkit.analyse.reconcile`: ``quantity_without_cost`` asks
which quantity targets the pricing strategies used (:func:`~budgetkit.analyse.reconcile.price_terms`),
``cost_mismatch`` reports the projects whose arithmetic does not close
(:func:`~budgetkit.analyse.reconcile.reconcile_costs`).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from budgetkit.analyse.audit_checks import (
    _NAMES_SHOWN,
    LEVEL1_NAMES,
    QUALITATIVE_KINDS,
    REQUIRED_LEVEL1,
    REQUIRED_LEVEL2,
    AuditContext,
    _per_value,
    check_cost_mismatch,
    check_deadline_outside_year,
    check_duplicate_indicator,
    check_missing_level1,
    check_missing_level2,
    check_percent_over_100,
    check_qualitative_share,
    check_quantity_without_cost,
)
from budgetkit.analyse.reconcile import indicator_key, price_terms, reconcile_and_price, reconcile_costs
from budgetkit.analyse.rules101.catalogue import rules as rules_101
from budgetkit.errors import BudgetkitError, ParameterError
from budgetkit.model.normalize import normalize_text
from budgetkit.model.tables import indicator_order, typed_frame

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


#: Severities, most serious first.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Output columns of :func:`audit_targets`.
AUDIT_COLUMNS: tuple[str, ...] = ("project_id", "project", "implementing_unit", "rule", "severity", "detail")

_REQUIRED_COLUMNS = ("project_id", "seq", "level1", "level2", "indicator", "value", "kind", "num")
_CHECKED = (*_REQUIRED_COLUMNS, "deadline")  # the indicator columns the checks read


#: A check: the indicator rows of every audited project and the context → its findings.
#:
#: The rows come sorted by project, then ``seq``, with the helper columns ``_l1`` and
#: ``_l2`` (level labels, NFKC, spaces dropped), ``_key`` (:func:`~budgetkit.analyse.reconcile.indicator_key`
#: of the name), ``_named`` (name and value as printed) and ``_num`` (``num`` as a float).
#: The findings are ``(project_id, detail)`` pairs, in the order they are reported
#: within a project.
Check = Callable[[pd.DataFrame, AuditContext], list[tuple[object, str]]]


@dataclass(frozen=True)
class Rule:
    """One audit rule: id, names, severity and the check function."""

    rule: str
    zh: str
    en: str
    severity: str
    check: Check


# --- the checks --------------------------------------------------------------------------------------------


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
    """Return the rule registry: rule, zh, en, severity and description.

    First the rules R1–R31 of 财预〔2021〕101号 (``metadata/rules.csv``, the audit the year build and
    ``budgetkit analyse`` run; a rule not run on one table says why in its description), then the
    pre-101 checks of :data:`RULES` (description: the check's first docstring line).

    Examples:
        >>> list_rules().loc[0, ["rule", "zh", "severity"]].tolist()
        ['R1', '产出和效益指标齐全', 'error']
        >>> len(list_rules()), list_rules()["rule"].iloc[31]
        (39, 'missing_level1')
    """
    rows = [{"rule": r.rule, "zh": r.title_zh, "en": r.title_en, "severity": r.severity,
             "description": f"{r.clause}: {r.check_en}" + ("" if r.runs else f" Not run: {r.not_run_reason}.")}
            for r in rules_101()]
    rows += [{"rule": r.rule, "zh": r.zh, "en": r.en, "severity": r.severity,
              "description": (r.check.__doc__ or "").strip().splitlines()[0]} for r in RULES]
    return pd.DataFrame(rows, columns=["rule", "zh", "en", "severity", "description"]).astype("str")


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
    costs: pd.DataFrame | None = None,
    terms: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run the audit rules over every project and return one row per finding.

    The cost rules need the projects priced. 02_costs has done it: pass its
    ``costs`` (and ``terms``) and they are used as they are; what is not passed is
    computed here, pricing each project once for both rules
    (:func:`~budgetkit.analyse.reconcile.reconcile_and_price`).

    Args:
        projects: the projects table (``project_id``; ``project`` and
            ``implementing_unit`` are copied into the findings; ``total_wan`` and
            ``goal`` feed ``cost_mismatch``).
        indicators: the indicators table with parsed values.
        year: the budget year (deadlines must fall inside it).
        qualitative_threshold: share of qualitative/text targets (0–1) above which
            ``qualitative_share`` reports a project.
        rules: ids of the rules to run (default: all of :data:`RULES`, in registry order).
        tolerance_pct: passed to :func:`~budgetkit.analyse.reconcile.reconcile_costs` (not used with ``costs``).
        tolerance_wan: passed to :func:`~budgetkit.analyse.reconcile.reconcile_costs` (not used with ``costs``).
        costs: the reconciliation of these projects (:func:`~budgetkit.analyse.reconcile.reconcile_costs`,
            as 02_costs writes it), for ``cost_mismatch``; a project it lacks is not checked (logged).
        terms: their priced terms (:func:`~budgetkit.analyse.reconcile.price_terms`), for ``quantity_without_cost``.

    Returns:
        A frame with :data:`AUDIT_COLUMNS`, in project order then registry order.

    Raises:
        ParameterError: ``year``, ``qualitative_threshold`` or a rule id is invalid.
        BudgetkitError: a required column is missing, in ``costs`` and ``terms`` too
            (``ReconciliationError`` from the cost rules included).

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
    costs, terms = _priced(
        projects, indicators, costs if "cost_mismatch" in ids else _NOT_NEEDED,
        terms if "quantity_without_cost" in ids else _NOT_NEEDED, tolerance_pct, tolerance_wan,
    )
    project_ids = tuple(dict.fromkeys(projects["project_id"]))
    ctx = AuditContext(year, qualitative_threshold, costs, terms, project_ids)

    found = _findings(projects, _checked(indicators, project_ids), selected, ctx)
    listed = projects.reindex(columns=["project_id", "project", "implementing_unit"]).to_dict("records")
    logger.info("audit of %d project(s): %d finding(s)", len(projects), len(found))
    return typed_frame(
        [{**listed[row], "rule": rule.rule, "severity": rule.severity, "detail": detail}
         for row, _, _, rule, detail in found],
        dict.fromkeys(AUDIT_COLUMNS, "str"),
    )


def _checked(indicators: pd.DataFrame, project_ids: tuple[object, ...]) -> pd.DataFrame:
    """The indicators of the projects audited, prepared for the checks (the others logged and left out)."""
    in_projects = indicators["project_id"].isin(set(project_ids))
    orphans = set(indicators["project_id"][~in_projects].dropna())
    if orphans:
        logger.warning("indicators of %d project(s) not in projects ignored: %s", len(orphans), orphans)
    return _prepared(indicators.loc[in_projects.to_numpy(), [c for c in _CHECKED if c in indicators.columns]])


def _findings(
    projects: pd.DataFrame, inds: pd.DataFrame, selected: Sequence[Rule], ctx: AuditContext,
) -> list[tuple[int, int, int, Rule, str]]:
    """Every finding as ``(project row, rule order, n, rule, detail)``, in project order then registry order."""
    rows_of: dict[object, list[int]] = {}
    for row, pid in enumerate(projects["project_id"]):
        rows_of.setdefault(pid, []).append(row)
    return sorted(
        (
            (row, order, n, rule, detail)
            for order, rule in enumerate(selected)
            for n, (pid, detail) in enumerate(rule.check(inds, ctx))
            for row in rows_of.get(pid, ())
        ),
        key=lambda finding: finding[:3],
    )


def summarize_audit(findings: pd.DataFrame) -> pd.DataFrame:
    """Count findings per rule and severity, every rule of 101号 listed (zero when clean).

    Args:
        findings: the 101号 audit (:func:`budgetkit.analyse.rules101.audit_projects`), or :func:`audit_targets`.

    Returns:
        Columns rule, zh, en, severity, findings (number of findings) and projects
        (number of projects with at least one), in registry order: R1–R31 always, a pre-101
        check only where the findings hold it; rules the registry does not know come last.
        A rule with findings at a severity other than its own gets a row per severity.

    Examples:
        >>> findings = pd.DataFrame({"project_id": ["a", "a", "b"], "rule": ["R13"] * 3,
        ...                          "severity": ["warning"] * 3, "detail": ["x", "y", "z"]})
        >>> summary = summarize_audit(findings)
        >>> summary.loc[summary["rule"] == "R13", ["findings", "projects"]].values.tolist()
        [[3, 2]]
        >>> int(summary["findings"].sum()), len(summary)
        (3, 31)
    """
    _require(findings, ("project_id", "rule", "severity"), "findings")
    registry = list_rules()[["rule", "zh", "en", "severity"]]
    legacy = {r.rule for r in RULES}
    registry = registry[~registry["rule"].isin(legacy - set(findings["rule"]))]
    counts = (
        findings.groupby(["rule", "severity"], sort=False)
        .agg(findings=("project_id", "size"), projects=("project_id", "nunique"))
        .reset_index()
    )
    summary = registry.merge(counts, on=["rule", "severity"], how="outer", sort=False)
    order = {r: n for n, r in enumerate(list_rules()["rule"])}
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


_NOT_NEEDED = pd.DataFrame()
_COST_COLUMNS = ("project_id", "status", "implied_wan", "budget_wan", "gap_wan", "gap_pct", "method")
_TERM_COLUMNS = ("project_id", "quantity_seq", "multiplier_seq")


def _priced(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    costs: pd.DataFrame | None,
    terms: pd.DataFrame | None,
    tolerance_pct: float,
    tolerance_wan: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reconciliation and terms the cost rules need: given, computed (once), or empty when not needed."""
    tolerances = {"tolerance_pct": tolerance_pct, "tolerance_wan": tolerance_wan}
    if costs is None and terms is None:
        costs, terms = reconcile_and_price(projects, indicators, **tolerances)
    elif costs is None:
        costs = reconcile_costs(projects, indicators, **tolerances)
    elif terms is None:
        terms = price_terms(indicators)
    if costs is _NOT_NEEDED:
        costs = pd.DataFrame(columns=list(_COST_COLUMNS))
    if terms is _NOT_NEEDED:
        terms = pd.DataFrame(columns=list(_TERM_COLUMNS))
    _require(costs, _COST_COLUMNS, "costs")
    _require(terms, _TERM_COLUMNS, "terms")
    unpriced = set(projects["project_id"]) - set(costs["project_id"])
    if len(costs) and unpriced:
        logger.warning("costs lack %d project(s), cost_mismatch not checked for them: %s",
                       len(unpriced), sorted(map(str, unpriced))[:_NAMES_SHOWN])
    return costs, terms


def _prepared(indicators: pd.DataFrame) -> pd.DataFrame:
    """The indicator rows in reading order with the helper columns a :data:`Check` gets."""
    inds = indicators.iloc[indicator_order(indicators)].reset_index(drop=True)
    names = _per_value(inds["indicator"], _text)
    values = _per_value(inds["value"], _text)
    return inds.assign(
        _l1=_per_value(inds["level1"], _label),
        _l2=_per_value(inds["level2"], _label),
        _key=_per_value(inds["indicator"], lambda v: indicator_key(_text(v))),
        _named=[f"{n} {v}".strip() for n, v in zip(names, values, strict=True)],
        _num=pd.to_numeric(inds["num"], errors="coerce").astype("float64"),
    )


def _label(value: object) -> str:
    """A level label with NFKC and no spaces (wraps such as 满意度 指标 joined)."""
    return re.sub(r"\s+", "", normalize_text(_text(value)))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)
