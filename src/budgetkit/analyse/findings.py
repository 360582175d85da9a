"""The audit of one file's tables as ``audit.csv`` rows (``../shared/ANALYSES.md`` §1).

The audit is that of 财预〔2021〕101号 (:mod:`budgetkit.analyse.rules101`): one row per (project, rule,
indicator row) with the columns ``project``, ``implementing_unit``, ``rule`` (R1…R31 of
``RULES-101.md``), ``indicator`` (the row's level-3 name, empty for a project-level finding),
``severity``, ``clause`` (``C:n``), ``message_zh`` (quoting the printed cells) and ``message_en``.

``audit.csv`` holds the findings a reviewer raises (``error`` and ``warning``);
:func:`audit_notes_frame` gives the ``info`` findings and the rules not applied to a project (a
partial table, a 自评表 …) with the reason.

Examples:
    >>> from budgetkit.parse import parse_lines
    >>> lines = ["项目支出绩效目标表", "项目名称 测试项目", "实施单位 某单位", "项目总额 10",
    ...          "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 培训人数 100人",
    ...          "效益指标 社会效益 培训效果 有所提高", "满意度指标 服务对象满意度 满意度 ≥90%"]
    >>> audit_frame(parse_lines(lines, "t.txt", year=2025))[["rule", "indicator", "clause"]].values.tolist()
    [['R2', '', 'C:1618'], ['R8', '', 'C:1572, C:5152'], ['R13', '培训效果', 'C:1588, C:4917']]
"""

from __future__ import annotations

import logging

import pandas as pd

from budgetkit.analyse.rules101 import FINDING_COLUMNS, AuditResult, audit_projects
from budgetkit.model.tables import Tables

__all__ = ["AUDIT_FILE_COLUMNS", "REVIEW_SEVERITIES", "audit_frame", "audit_notes_frame", "audit_result"]

logger = logging.getLogger(__name__)

AUDIT_FILE_COLUMNS = ("project_id", "project", "implementing_unit", "rule", "indicator", "severity", "clause",
                      "message_zh", "message_en")

#: The severities ``audit.csv`` lists (a reviewer's findings); ``info`` goes to :func:`audit_notes_frame`.
REVIEW_SEVERITIES = ("error", "warning")


def audit_result(tables: Tables, costs: pd.DataFrame | None = None) -> AuditResult:
    """Every finding (all severities) and every rule not applied, over ``tables``."""
    return audit_projects(tables.projects, tables.indicators, header_extras=tables.header_extras, costs=costs)


def audit_frame(tables: Tables) -> pd.DataFrame:
    """The error and warning findings over ``tables``, one row per (project, rule, indicator row)."""
    if tables.projects.empty:
        return pd.DataFrame(columns=list(AUDIT_FILE_COLUMNS))
    found = audit_result(tables).findings
    found = found[found["severity"].isin(REVIEW_SEVERITIES)]
    return found.reindex(columns=list(AUDIT_FILE_COLUMNS)).reset_index(drop=True)


def audit_notes_frame(tables: Tables) -> pd.DataFrame:
    """The info findings and the rules not applied (severity ``not_applied``, the reason as message)."""
    result = audit_result(tables)
    notes = result.findings[~result.findings["severity"].isin(REVIEW_SEVERITIES)]
    skipped = result.skipped.assign(indicator="", severity="not_applied", clause="", message_zh="",
                                    message_en=result.skipped["reason"])
    return pd.concat([notes.reindex(columns=list(FINDING_COLUMNS)), skipped.reindex(columns=list(FINDING_COLUMNS))],
                     ignore_index=True).reindex(columns=list(AUDIT_FILE_COLUMNS))
