"""Whether a 自评表's targets were met, as ``achievement.csv`` rows (``ANALYSES.md`` §3).

Per row: ``target``, ``actual``, ``met`` (``yes``/``no``/``partly``/``not_comparable``) and ``rate``.
"""

from __future__ import annotations

import logging

import pandas as pd

from budgetkit.tables import Tables

__all__ = ["ACHIEVEMENT_COLUMNS", "achievement_frame"]

logger = logging.getLogger(__name__)

ACHIEVEMENT_COLUMNS = ("project_id", "project", "implementing_unit", "indicator", "target", "actual", "met", "rate")


def achievement_frame(tables: Tables) -> pd.DataFrame:
    """One row per indicator of a self-evaluation (not yet judged: ``met`` is empty)."""
    inds = tables.indicators
    if inds.empty or "value_actual" not in inds:
        return pd.DataFrame(columns=list(ACHIEVEMENT_COLUMNS))
    rated = inds[inds["value_actual"].fillna("").astype(str) != ""]
    missing = [c for c in ("project", "implementing_unit") if c not in rated]
    if missing:
        rated = rated.join(tables.projects.set_index("project_id")[missing], on="project_id")
    out = rated.rename(columns={"value": "target", "value_actual": "actual"})
    return out.assign(met="", rate=None).reindex(columns=list(ACHIEVEMENT_COLUMNS))
