"""Run the rules of 财预〔2021〕101号 over parsed tables: findings, and the rules not applied with why.

For each project, each rule of ``metadata/rules.csv`` that runs is applied when the table's kind and
template are among the rule's, and, for a rule needing the whole table, when the table is not
partial. A rule not applied to a project is recorded in ``skipped`` with the reason, so a page can
say so. Each finding becomes one row (project, rule, indicator) with its severity, clause and
messages (``metadata/rule_cases.csv``); ``detail`` joins the two messages for the older pages.

Examples:
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["p"], "project": ["测试"], "implementing_unit": ["某单位"],
    ...                          "year": [2025], "kind": ["project"], "status": ["complete"], "goal": ["开展培训"]})
    >>> inds = pd.DataFrame({
    ...     "project_id": ["p"] * 3, "seq": [1, 2, 3], "level1": ["产出指标", "产出指标", "效益指标"],
    ...     "level2": ["数量指标", "时效指标", "社会效益"], "indicator": ["培训人数", "完成时间", "培训效果"],
    ...     "value": ["100人", "2026年6月底前", "有所提高"]})
    >>> result = audit_projects(projects, inds)
    >>> found = result.findings[result.findings["severity"] != "info"].reset_index(drop=True)
    >>> found[["rule", "indicator", "severity", "clause"]].values.tolist()
    [['R2', '', 'warning', 'C:1618'], ['R13', '培训效果', 'warning', 'C:1588, C:4917'], \
['R17', '完成时间', 'warning', 'C:2460, C:4869']]
    >>> found["message_zh"].iloc[2]
    '「完成时间」的指标值「2026年6月底前」止于2026年，超出表中预算年度2025年。'
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from budgetkit.analyse.rules101.catalogue import Rule, case, rules
from budgetkit.analyse.rules101.checks import CHECKS, Finding
from budgetkit.analyse.rules101.context import ProjectContext, project_contexts
from budgetkit.errors import ParameterError

__all__ = ["FINDING_COLUMNS", "SEVERITIES", "SKIPPED_COLUMNS", "AuditResult", "audit_projects"]

logger = logging.getLogger(__name__)

#: Columns of the findings, one row per (project, rule, indicator row).
FINDING_COLUMNS = ("project_id", "project", "implementing_unit", "rule", "indicator", "severity", "clause",
                   "message_zh", "message_en", "detail", "case")
#: Columns of the rules not applied to a project.
SKIPPED_COLUMNS = ("project_id", "project", "implementing_unit", "rule", "reason")
#: Severities, most serious first.
SEVERITIES = ("error", "warning", "info")
_KIND_ZH = {"project": "项目支出绩效目标表", "self_evaluation": "自评表", "department": "部门整体支出绩效目标表",
            "regional": "区域绩效目标表"}


@dataclass(frozen=True)
class AuditResult:
    """The findings (:data:`FINDING_COLUMNS`) and the rules not applied (:data:`SKIPPED_COLUMNS`)."""

    findings: pd.DataFrame
    skipped: pd.DataFrame


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _why_not(r: Rule, ctx: ProjectContext) -> str:
    if ctx.kind not in r.kinds:
        return f"not applied to a {_KIND_ZH.get(ctx.kind, ctx.kind)} ({ctx.kind})"
    if ctx.template and ctx.template not in r.templates:
        return f"not applied to the {ctx.template} template"
    if r.whole_table and ctx.partial:
        return "the table is partial (cut before its end); the rule needs the whole table"
    if r.rule == "R17" and ctx.year is None:
        return "the table prints no budget year"
    return ""


def _row(ctx: ProjectContext, r: Rule, f: Finding) -> dict:
    c = case(f.rule, f.case)
    fields = _Fields({k: v for k, v in f.fields.items()})
    zh, en = c.message_zh.format_map(fields), c.message_en.format_map(fields)
    return {"project_id": ctx.project_id, "project": ctx.name, "implementing_unit": ctx.implementing_unit,
            "rule": f.rule, "indicator": f.indicator, "severity": c.severity, "clause": r.clause,
            "message_zh": zh, "message_en": en, "detail": f"{zh} / {en}", "case": f.case}


def _same_goals(contexts: list[ProjectContext]) -> dict[object, int]:
    """R12 (info): per project, how many other whole projects of the same file print the same goal."""
    counts = Counter(c.goal for c in contexts if c.goal and not c.partial)
    return {c.project_id: counts[c.goal] - 1 for c in contexts if c.goal and counts[c.goal] > 1}


def _cost_findings(ctx: ProjectContext, costs: pd.DataFrame | None) -> list[Finding]:
    """R24 (c): the costs analysis says quantity × unit cost does not explain the budget."""
    if costs is None or costs.empty or "status" not in costs:
        return []
    rows = costs[(costs["project_id"] == ctx.project_id) & costs["status"].eq("does_not_close")]
    out = []
    for rec in rows.to_dict("records"):
        gap = rec.get("gap_pct")
        gap = "" if gap is None or (isinstance(gap, float) and math.isnan(gap)) else f"{float(gap):+.2f}"
        out.append(Finding("R24", "not_closing", "", {"implied": f"{float(rec.get('implied_wan') or 0):g}",
                                                      "budget": f"{float(rec.get('budget_wan') or 0):g}",
                                                      "gap": gap}))
    return out


def audit_projects(projects: pd.DataFrame, indicators: pd.DataFrame, *, header_extras: pd.DataFrame | None = None,
                   costs: pd.DataFrame | None = None, rules_run: Sequence[str] | None = None) -> AuditResult:
    """Apply every rule that runs on one table to each project of ``projects``.

    Args:
        projects: the projects table (``project_id``; ``year``, ``kind``, ``status``, ``goal`` … where present).
        indicators: the indicators table (``project_id``, ``seq``, levels, ``indicator``, ``value`` …).
        header_extras: the header labels table, for a printed 项目类别 (field ``category``).
        costs: the costs analysis (``project_id``, ``status``, ``implied_wan``, ``budget_wan``, ``gap_pct``)
            for R24's reconciliation; without it R24 checks only money rows against the budget.
        rules_run: rule ids to apply (default every rule that runs).

    Raises:
        ParameterError: an unknown rule id in ``rules_run``.
    """
    catalogue = [r for r in rules() if r.runs and r.rule in CHECKS]
    if rules_run is not None:
        unknown = sorted(set(rules_run) - {r.rule for r in catalogue})
        if unknown:
            raise ParameterError("unknown or not-run rule id(s)", text=", ".join(unknown))
        catalogue = [r for r in catalogue if r.rule in set(rules_run)]
    contexts = project_contexts(projects, indicators, _categories(header_extras))
    same_goal = _same_goals(contexts)
    found, skipped = [], []
    for ctx in contexts:
        for r in catalogue:
            reason = _why_not(r, ctx)
            if reason:
                skipped.append({"project_id": ctx.project_id, "project": ctx.name,
                                "implementing_unit": ctx.implementing_unit, "rule": r.rule, "reason": reason})
                continue
            extra = []
            if r.rule == "R12" and ctx.project_id in same_goal:
                extra = [Finding("R12", "same_goal", "", {"n": same_goal[ctx.project_id]})]
            if r.rule == "R24":
                extra = _cost_findings(ctx, costs)
            found += [_row(ctx, r, f) for f in _once(CHECKS[r.rule](ctx) + extra)]
    logger.info("101号 audit of %d project(s): %d finding(s), %d rule(s) not applied",
                len(contexts), len(found), len(skipped))
    return AuditResult(pd.DataFrame(found, columns=list(FINDING_COLUMNS)),
                       pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS)))


def _once(findings: list[Finding]) -> list[Finding]:
    """One finding per (indicator, case): rows of the same indicator for several areas are one finding."""
    seen, out = set(), []
    for f in findings:
        if (f.indicator, f.case) not in seen:
            seen.add((f.indicator, f.case))
            out.append(f)
    return out


def _categories(header_extras: pd.DataFrame | None) -> dict[object, str]:
    if header_extras is None or header_extras.empty or "field" not in header_extras:
        return {}
    rows = header_extras[header_extras["field"] == "category"]
    return {pid: str(v) for pid, v in zip(rows["project_id"], rows["value"], strict=True) if isinstance(v, str)}
