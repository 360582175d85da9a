"""Whether quantity × unit cost explains each project's budget, as ``costs.csv`` rows (``ANALYSES.md`` §2).

Statuses: ``closes`` and ``does_not_close`` (priced: Σ quantity × unit cost within 5% of the budget, or
not), ``stated_only`` (the money rows only restate the budget or its parts) and ``not_priceable`` (``why``
says why: no money row, a cost row with no quantity, units that cannot pair …). ``basis`` says which budget
the project was compared with: ``annual`` (this year's funds) or ``total`` (the whole multi-year project).
``terms`` lists, as JSON, the indicators each term pairs, their printed values and the subtotal in 元.

Examples:
    >>> from budgetkit.parse import parse_lines
    >>> lines = ["项目支出绩效目标表", "项目名称 测试项目", "项目总额 50", "一级指标 二级指标 三级指标 指标值",
    ...          "产出指标 成本指标 控制在预算成本内 50万元"]
    >>> costs_frame(parse_lines(lines, "t.txt", year=2025))[["status", "basis"]].values.tolist()
    [['stated_only', 'total']]
"""

from __future__ import annotations

import logging

import pandas as pd

from budgetkit.reconcile import ANALYSIS_TOLERANCE_PCT, reconcile_costs
from budgetkit.tables import Tables

__all__ = ["COST_FILE_COLUMNS", "STATUS_CODES", "costs_frame"]

logger = logging.getLogger(__name__)

#: The columns ANALYSES.md names, first; reconcile's others (gap, method, the Chinese explanation …) follow.
COST_FILE_COLUMNS = ("project_id", "project", "implementing_unit", "status", "implied_wan", "budget_wan", "basis",
                     "why", "terms")

#: reconcile's statuses as the analysis codes of ANALYSES.md.
STATUS_CODES = {"closes": "closes", "does not close": "does_not_close", "stated only": "stated_only",
                "cannot be priced": "not_priceable", "no budget": "not_priceable"}

#: reconcile's budget bases as ``costs.csv`` spells them.
BASIS_CODES = {"annual": "annual", "annual = total": "annual", "total": "total"}


def costs_frame(tables: Tables) -> pd.DataFrame:
    """One row per project: its status, implied and budget amounts (万元), the basis, why, and the terms."""
    if tables.projects.empty:
        return pd.DataFrame(columns=list(COST_FILE_COLUMNS))
    costs = reconcile_costs(tables.projects, tables.indicators, tolerance_pct=ANALYSIS_TOLERANCE_PCT)
    out = costs.assign(status=costs["status"].map(STATUS_CODES), basis=costs["basis"].map(BASIS_CODES),
                       why=costs["explanation_en"])
    rest = [c for c in out.columns if c not in COST_FILE_COLUMNS]
    return out[list(COST_FILE_COLUMNS) + rest]
