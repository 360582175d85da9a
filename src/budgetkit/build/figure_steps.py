"""The steps of 04_figures: draw each figure of the year, save it as PNG, link its source table."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.model.tables import read_frame
from budgetkit.report.params import NotebookParams
from budgetkit.report.summarize import qualitative_shares

if TYPE_CHECKING:
    from budgetkit.report.plots import SavedFigure

from budgetkit.build.step_io import downloads, load_year

logger = logging.getLogger(__name__)


def draw_figure(folder: Path, name: str, plot: str, *frames: pd.DataFrame, params: NotebookParams | None = None,
            caption: str = "", source: str = "") -> SavedFigure:
    """Draw ``frames`` with ``budgetkit.report.plots.<plot>``, save it as ``<folder>/<name>.png``, return both.

    With ``params``, the page links the image at full size and its source table (``source``: a table of
    ``data/processed/<year>/``, or several joined by ``、``), relative to the page.
    """
    from budgetkit.report import plots  # lazy: matplotlib, only when a figure is drawn

    fig = getattr(plots, plot)(*frames)
    path = plots.save_figure(fig, folder / f"{name}.png")
    logger.info("figure %s", path)
    href = source_href = ""
    shown = source
    if params is not None:
        page = downloads(params).parent
        href = Path(os.path.relpath(path, page)).as_posix()
        tables = source.split("、") if source else []
        years = [params.year] if params.notebook != "05_compare" else params.paths.processed_years()
        files = [f"data/processed/{y}/{t}.csv" for y in years for t in tables]
        shown = "、".join(files)
        if len(files) == 1:
            source_href = Path(os.path.relpath(params.paths.root / files[0], page)).as_posix()
    return plots.SavedFigure(fig, path, caption=caption, source=shown, href=href, source_href=source_href)


def figure_budget(params: NotebookParams) -> SavedFigure:
    """Budget by project (``figures/<year>/budget_by_project.png``)."""
    folder = params.paths.figures_year(params.year)
    return draw_figure(folder, "budget_by_project", "plot_budget_by_project", load_year(params).projects,
                   params=params, source="projects",
                   caption="各项目的项目总额（万元），按金额排列 each project's total budget, largest first")


def figure_costs(params: NotebookParams) -> SavedFigure:
    """Implied against budgeted cost (``figures/<year>/implied_vs_budget.png``)."""
    costs = read_frame(params.paths.processed_year(params.year), "costs")
    folder = params.paths.figures_year(params.year)
    return draw_figure(folder, "implied_vs_budget", "plot_implied_vs_budget", costs, params=params, source="costs",
                   caption="由数量×单位成本指标测算的成本与预算数对比（万元） "
                           "cost the targets imply against the budget")


def figure_unit_costs(params: NotebookParams) -> SavedFigure:
    """Unit costs, a panel per denominator, bars naming their project (``figures/<year>/unit_costs.png``)."""
    folder = params.paths.figures_year(params.year)
    return draw_figure(folder, "unit_costs", "plot_unit_costs", load_year(params).indicators, params=params,
                   source="indicators",
                   caption="单位成本指标（元），只在同一计量单位内比较 unit costs, compared within one denominator")


def figure_qualitative(params: NotebookParams) -> SavedFigure:
    """Qualitative share of every project (``figures/<year>/qualitative_share.png``)."""
    tables = load_year(params)
    shares = qualitative_shares(tables.projects, tables.indicators)
    return draw_figure(
        params.paths.figures_year(params.year), "qualitative_share", "plot_qualitative_shares", shares,
        params=params, source="projects、indicators",
        caption="各项目定性或文字指标所占比例，虚线为审查上限 "
                "qualitative share of each project, the audit's limit dashed",
    )


def figure_audit(params: NotebookParams) -> SavedFigure:
    """Audit findings by rule and severity (``figures/<year>/audit_summary.png``)."""
    findings = read_frame(params.paths.processed_year(params.year), "audit")
    return draw_figure(params.paths.figures_year(params.year), "audit_summary", "plot_audit_summary", findings,
                   params=params, source="audit",
                   caption="各审查规则发现的问题数，按严重程度 findings per audit rule, by severity")
