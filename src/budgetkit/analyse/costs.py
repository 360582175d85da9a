"""Whether quantity × unit cost explains each project's budget, as ``costs.csv`` rows (``ANALYSES.md`` §2).

Statuses: ``closes``, ``does_not_close``, ``stated_only`` and ``not_priceable`` (with the reason).
"""

from __future__ import annotations

import logging

import pandas as pd

from budgetkit.reconcile import reconcile_costs
from budgetkit.tables import Tables

__all__ = ["COST_FILE_COLUMNS", "STATUS_CODES", "costs_frame"]

logger = logging.getLogger(__name__)

COST_FILE_COLUMNS = ("project_id", "project", "implementing_unit", "status", "implied_wan", "budget_wan", "gap_pct",
                     "explanation_zh", "explanation_en")

#: reconcile's statuses as the analysis codes of ANALYSES.md.
STATUS_CODES = {"closes": "closes", "does not close": "does_not_close", "cannot be priced": "not_priceable",
                "no budget": "not_priceable"}


def costs_frame(tables: Tables) -> pd.DataFrame:
    """One row per project: its status, implied and budget amounts (万元) and the arithmetic in words."""
    if tables.projects.empty:
        return pd.DataFrame(columns=list(COST_FILE_COLUMNS))
    costs = reconcile_costs(tables.projects, tables.indicators)
    return costs.assign(status=costs["status"].map(STATUS_CODES)).reindex(columns=list(COST_FILE_COLUMNS))
