"""The audit of one file's tables as ``audit.csv`` rows (``../shared/ANALYSES.md`` §1).

Columns: ``project``, ``implementing_unit``, ``rule`` (R1…R31 of ``RULES-101.md``), ``indicator`` (the
row's level-3 name, empty for a project-level finding), ``severity``, ``clause``, ``message_zh``,
``message_en``.
"""

from __future__ import annotations

import logging

import pandas as pd

from budgetkit.audit import audit_targets
from budgetkit.tables import Tables

__all__ = ["AUDIT_FILE_COLUMNS", "audit_frame"]

logger = logging.getLogger(__name__)

AUDIT_FILE_COLUMNS = ("project_id", "project", "implementing_unit", "rule", "indicator", "severity", "clause",
                      "message_zh", "message_en")


def _year(projects: pd.DataFrame) -> int | None:
    years = pd.to_numeric(projects.get("year"), errors="coerce").dropna() if "year" in projects else []
    return int(years.iloc[0]) if len(years) else None


def audit_frame(tables: Tables) -> pd.DataFrame:
    """The findings of the audit over ``tables``, one row per (project, rule, indicator row)."""
    projects, indicators = tables.projects, tables.indicators
    year = _year(projects)
    if projects.empty or year is None:
        return pd.DataFrame(columns=list(AUDIT_FILE_COLUMNS))
    found = audit_targets(projects, indicators, year)
    zh_en = found["detail"].fillna("").str.split(" / ", n=1, expand=True).reindex(columns=[0, 1])
    out = found.assign(indicator="", clause="", message_zh=zh_en[0], message_en=zh_en[1].fillna(""))
    return out.reindex(columns=list(AUDIT_FILE_COLUMNS))
