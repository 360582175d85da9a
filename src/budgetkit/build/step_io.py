"""Where the notebook steps read and write: the year's tidy tables, the page's downloads folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from budgetkit.model.tables import Tables, read_tables
from budgetkit.report.params import NotebookParams

if TYPE_CHECKING:
    pass


logger = logging.getLogger(__name__)


#: Folder name under ``figures/`` and ``reports/`` for the cross-year comparison.
COMPARE_DIR = "compare"


def downloads(params: NotebookParams | None) -> Path | None:
    """Where a long table of the run's page is written whole as CSV: ``tables/`` beside the page.

    The year's pages are ``reports/<year>/``, the comparison's ``reports/compare/``; ``None`` without params.

    Examples:
        >>> from budgetkit.report.params import validate_params
        >>> downloads(validate_params({"year": 2025, "root": "/tmp/bk"}, "02_costs")).as_posix()
        '/tmp/bk/reports/2025/tables'
    """
    if params is None:
        return None
    folder = COMPARE_DIR if params.notebook == "05_compare" else str(params.year)
    return params.paths.reports / folder / "tables"


def load_year(params: NotebookParams, year: int | None = None) -> Tables:
    """Read the tidy tables of ``year`` (default: the run's year) back from ``data/processed``."""
    return read_tables(params.paths.processed_year(year or params.year))
