"""The steps of 02_costs: reconcile quantity × unit cost with the budget, judge the self-evaluations."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.analyse.achievement import achievement_frame, achievement_tables
from budgetkit.analyse.reconcile import ANALYSIS_TOLERANCE_PCT, reconcile_and_price
from budgetkit.model.tables import read_frame, write_frames
from budgetkit.report.display import ReadingTable, dictionary_table
from budgetkit.report.params import NotebookParams

if TYPE_CHECKING:
    pass

from budgetkit.build.step_io import downloads, load_year

logger = logging.getLogger(__name__)


def reconcile_year(params: NotebookParams) -> pd.DataFrame:
    """Reconcile each project's quantity × unit-cost targets with its budget; write ``costs``, ``terms``.

    Each project is priced once for both (:func:`~budgetkit.analyse.reconcile.reconcile_and_price`); 03_audit reads
    them.
    """
    tables = load_year(params)
    costs, terms = reconcile_and_price(tables.projects, tables.indicators, tolerance_pct=ANALYSIS_TOLERANCE_PCT)
    names = tables.projects[["project_id", "project", "implementing_unit"]]
    terms = terms.merge(names, on="project_id", how="left")
    write_frames({"costs": costs, "terms": terms}, params.paths.processed_year(params.year))
    return costs


def show_cost_status(costs: pd.DataFrame) -> ReadingTable:
    """Projects and budget per reconciliation status.

    Examples:
        >>> t = show_cost_status(pd.DataFrame({"status": ["closes", "closes", "not_priceable"],
        ...                                    "budget_wan": [1.0, 2.0, 3.0]}))
        >>> t.display_frame().values.tolist()
        [['吻合 closes', '2', '3', '50.0%'], ['无法测算 cannot be priced', '1', '3', '50.0%']]
    """
    grouped = costs.groupby("status", sort=False)["budget_wan"].agg(projects="size", budget_wan="sum")
    frame = grouped.reset_index().sort_values("projects", ascending=False, kind="stable")
    total = frame["budget_wan"].sum()
    frame["share"] = frame["budget_wan"] / total * 100 if total else float("nan")
    labels = {
        "projects": ("项目数", "projects"),
        "budget_wan": ("预算金额", "budget", "万元"),
        "share": ("预算占比", "share of budget", "%"),
    }
    return ReadingTable(
        frame.reset_index(drop=True),
        "costs",
        caption="测算结论 reconciliation status",
        name="cost-status",
        labels=labels,
    )


def show_costs(costs: pd.DataFrame, params: NotebookParams | None = None) -> ReadingTable:
    """Implied cost against budget per project, with the whole arithmetic in Chinese and English."""
    return dictionary_table(costs, "costs", "各项目测算 per project", "costs", downloads=downloads(params))


def show_terms(params: NotebookParams) -> ReadingTable:
    """Every priced term (quantity × unit cost = subtotal) of every project (searchable)."""
    terms = read_frame(params.paths.processed_year(params.year), "terms")
    return dictionary_table(
        terms,
        "terms",
        "测算项 priced terms",
        f"{params.year}-terms",
        empty="没有可测算的项 no term could be priced",
        downloads=downloads(params),
    )


def achievement_year(params: NotebookParams) -> pd.DataFrame:
    """Judge every row of the year's 自评表 (met, rate) and each table (execution rate, score total).

    Writes ``achievement`` and ``achievement_tables`` (:mod:`budgetkit.analyse.achievement`); returns the rows.
    """
    tables = load_year(params)
    rows = achievement_frame(tables)
    write_frames({"achievement": rows, "achievement_tables": achievement_tables(tables)},
                 params.paths.processed_year(params.year))
    return rows


def show_achievement(rows: pd.DataFrame, params: NotebookParams | None = None) -> ReadingTable:
    """The self-evaluations' targets not met (``no``) or met in part, with target, actual and rate side by side."""
    missed = rows[rows["met"].isin(["no", "partly"])] if "met" in rows else rows
    return dictionary_table(missed, "achievement", "未完成的目标 targets not met", "achievement",
                            empty="没有未完成的目标（或本年无自评表） no target missed (or no self-evaluation)",
                            downloads=downloads(params))
