"""The steps of the notebooks: one function per cell, so the notebooks stay thin.

Each function takes the validated :class:`~budgetkit.params.NotebookParams`
(or the table an earlier step returned), does one thing, writes what it
produces under the year's folders and returns something a notebook shows: a
table with Chinese headers or a figure. A plain script can call the same
functions in the same order (``benchmarks/bench.py`` does, to measure what the
notebook layer costs).

=============  =====================================================================
notebook       steps
=============  =====================================================================
01_clean       :func:`clean_year`, :func:`show_counts`, :func:`show_quality`,
               :func:`show_projects`, :func:`show_indicators`, :func:`show_unparsed`
02_costs       :func:`reconcile_year`, :func:`show_cost_status`, :func:`show_costs`
03_audit       :func:`audit_year`, :func:`show_audit_summary`, :func:`show_findings`
04_figures     :func:`figure_budget`, :func:`figure_costs`, :func:`figure_unit_costs`,
               :func:`figure_audit`
05_compare     :func:`compare_budgets`, :func:`compare_unit_costs`, :func:`figure_compare`
=============  =====================================================================

Examples:
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from budgetkit.params import validate_params
    >>> root = Path(tempfile.mkdtemp())
    >>> seed = Path(__file__).resolve().parents[2] / "data/raw/2025"
    >>> _ = shutil.copytree(seed, root / "data/raw/2025")
    >>> params = validate_params({"year": 2025, "root": str(root)}, "01_clean")
    >>> tables = clean_year(params)
    >>> show_counts(tables)["行数 rows"].tolist()
    [1, 11, 144, 0, 0]
    >>> costs = reconcile_year(params)
    >>> costs.loc[0, ["implied_wan", "budget_wan"]].astype(float).tolist(), costs.loc[0, "status"]
    ([886.86, 886.8], 'closes')
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.audit import audit_targets, summarize_audit
from budgetkit.errors import InputError
from budgetkit.fields import zh_headers
from budgetkit.params import NotebookParams
from budgetkit.parse import parse_year
from budgetkit.reconcile import reconcile_costs
from budgetkit.tables import Tables, concat_tables, read_frame, read_tables, write_frames, write_tables

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "audit_year",
    "clean_year",
    "compare_budgets",
    "compare_unit_costs",
    "figure_audit",
    "figure_budget",
    "figure_compare",
    "figure_costs",
    "figure_unit_costs",
    "load_year",
    "reconcile_year",
    "show_audit_summary",
    "show_cost_status",
    "show_costs",
    "show_counts",
    "show_findings",
    "show_indicators",
    "show_projects",
    "show_quality",
    "show_unparsed",
]

logger = logging.getLogger(__name__)

#: Folder name under ``figures/`` and ``reports/`` for the cross-year comparison.
COMPARE_DIR = "compare"


def _zh(frame: pd.DataFrame, table: str, cols: list[str]) -> pd.DataFrame:
    """``frame[cols]`` with the field dictionary's Chinese headers."""
    return frame[cols].rename(columns=zh_headers(table)).reset_index(drop=True)


# --- 01_clean --------------------------------------------------------------------------------------------


def clean_year(params: NotebookParams) -> Tables:
    """Parse every disclosure of the year and write the tidy tables to ``data/processed/<year>/``."""
    tables = parse_year(params.year, params.paths)
    write_tables(tables, params.paths.processed_year(params.year))
    return tables


def load_year(params: NotebookParams, year: int | None = None) -> Tables:
    """Read the tidy tables of ``year`` (default: the run's year) back from ``data/processed``."""
    return read_tables(params.paths.processed_year(year or params.year))


def show_counts(tables: Tables) -> pd.DataFrame:
    """Rows per table, with what each table holds.

    Examples:
        >>> show_counts(Tables.empty())["表 table"].tolist()
        ['documents', 'projects', 'indicators', 'header_extras', 'unparsed']
    """
    meaning = {
        "documents": "公开文件 disclosures",
        "projects": "项目 project tables",
        "indicators": "三级指标 level-3 indicators",
        "header_extras": "表头其他项 other header labels",
        "unparsed": "未识别的内容 input not understood",
    }
    return pd.DataFrame(
        [(name, meaning[name], n) for name, n in tables.counts().items()],
        columns=["表 table", "内容 content", "行数 rows"],
    )


def show_quality(tables: Tables) -> pd.DataFrame:
    """How the year was read: documents by reader, tables by status, indicators by confidence.

    Examples:
        >>> from budgetkit.parse import parse_file
        >>> quality = show_quality(parse_file("tests/fixtures/layouts/stops-mid-table.txt"))
        >>> quality[["取值 value", "数量 count"]].values.tolist()
        [['text', 1], ['complete', 1], ['partial', 1], ['high', 6]]
    """
    parts = [
        ("读取方式 reader", tables.documents.get("reader")),
        ("项目表 table", tables.projects.get("status")),
        ("三级指标可信度 confidence", tables.indicators.get("confidence")),
    ]
    rows = [
        (aspect, value, int(n))
        for aspect, column in parts
        if column is not None
        for value, n in column.fillna("").value_counts().sort_index().items()
    ]
    return pd.DataFrame(rows, columns=["方面 aspect", "取值 value", "数量 count"])


def show_projects(tables: Tables) -> pd.DataFrame:
    """The projects with their header cells and status, Chinese headers."""
    cols = ["project", "implementing_unit", "attribute", "period", "total_wan", "fiscal_wan",
            "indicator_count", "status", "line_start", "line_end"]
    return _zh(tables.projects, "projects", cols)


def show_indicators(tables: Tables) -> pd.DataFrame:
    """Every level-3 indicator with its printed and parsed value, Chinese headers."""
    frame = tables.indicators.merge(tables.projects[["project_id"]], on="project_id", how="left")
    cols = ["project", "level1", "level2", "indicator", "value", "kind", "op", "num", "unit", "per_unit",
            "value_yuan", "confidence", "line_start"]
    return _zh(frame, "indicators", cols)


def show_unparsed(tables: Tables) -> pd.DataFrame:
    """The lines that landed in no field (an empty table means every line was understood)."""
    return _zh(tables.unparsed, "unparsed", ["source_file", "line", "page", "text", "reason"])


# --- 02_costs --------------------------------------------------------------------------------------------


def reconcile_year(params: NotebookParams) -> pd.DataFrame:
    """Reconcile each project's quantity × unit-cost targets with its budget; write ``costs.csv``."""
    tables = load_year(params)
    costs = reconcile_costs(tables.projects, tables.indicators)
    write_frames({"costs": costs}, params.paths.processed_year(params.year))
    return costs


def show_cost_status(costs: pd.DataFrame) -> pd.DataFrame:
    """Projects per reconciliation status.

    Examples:
        >>> show_cost_status(pd.DataFrame({"status": ["closes", "closes", "cannot be priced"]}))
                     status  projects
        0            closes         2
        1  cannot be priced         1
    """
    counts = costs["status"].value_counts()
    return pd.DataFrame({"status": counts.index.astype(str), "projects": counts.to_numpy()})


def show_costs(costs: pd.DataFrame) -> pd.DataFrame:
    """Implied cost against budget per project, with the arithmetic, Chinese headers."""
    cols = ["project", "implementing_unit", "implied_wan", "budget_wan", "gap_wan", "gap_pct", "status",
            "explanation_zh"]
    return _zh(costs, "costs", cols)


# --- 03_audit --------------------------------------------------------------------------------------------


def audit_year(params: NotebookParams) -> pd.DataFrame:
    """Run every audit rule over the year's targets; write ``audit.csv``."""
    tables = load_year(params)
    findings = audit_targets(tables.projects, tables.indicators, params.year)
    write_frames({"audit": findings}, params.paths.processed_year(params.year))
    return findings


def show_audit_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings and projects per rule, every rule listed (zero where nothing was found)."""
    return summarize_audit(findings)


def show_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Every finding, Chinese headers."""
    return _zh(findings, "audit", ["project", "implementing_unit", "rule", "severity", "detail"])


# --- 04_figures ------------------------------------------------------------------------------------------


def _figure(folder: Path, name: str, plot: str, frame: pd.DataFrame) -> Figure:
    """Draw ``frame`` with ``budgetkit.plots.<plot>``, save it as ``<folder>/<name>.png``, return it."""
    from budgetkit import plots

    fig = getattr(plots, plot)(frame)
    path = plots.save_figure(fig, folder / f"{name}.png")
    logger.info("figure %s", path)
    return fig


def figure_budget(params: NotebookParams) -> Figure:
    """Budget by project (``figures/<year>/budget_by_project.png``)."""
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "budget_by_project", "plot_budget_by_project", load_year(params).projects)


def figure_costs(params: NotebookParams) -> Figure:
    """Implied against budgeted cost (``figures/<year>/implied_vs_budget.png``)."""
    costs = read_frame(params.paths.processed_year(params.year), "costs")
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "implied_vs_budget", "plot_implied_vs_budget", costs)


def figure_unit_costs(params: NotebookParams) -> Figure:
    """Unit costs by denominator (``figures/<year>/unit_costs.png``)."""
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "unit_costs", "plot_unit_costs", load_year(params).indicators)


def figure_audit(params: NotebookParams) -> Figure:
    """Audit findings by rule and severity (``figures/<year>/audit_summary.png``)."""
    findings = read_frame(params.paths.processed_year(params.year), "audit")
    return _figure(params.paths.figures_year(params.year), "audit_summary", "plot_audit_summary", findings)


# --- 05_compare ------------------------------------------------------------------------------------------


def _all_years(params: NotebookParams) -> Tables:
    years = params.paths.processed_years()
    if not years:
        raise InputError("no processed year to compare (run 01_clean first)", path=params.paths.processed)
    return concat_tables([read_tables(params.paths.processed_year(y)) for y in years])


def compare_budgets(params: NotebookParams) -> pd.DataFrame:
    """Total budget (万元) per implementing unit and year, every processed year."""
    projects = _all_years(params).projects
    table = projects.pivot_table(index="implementing_unit", columns="year", values="total_wan", aggfunc="sum")
    table.columns = [f"{y}年（万元）" for y in table.columns]
    return table.reset_index().rename(columns={"implementing_unit": "实施单位"})


def compare_unit_costs(params: NotebookParams) -> pd.DataFrame:
    """Unit-cost targets (元 per 户, 人, 月 …) per indicator and year, every processed year."""
    tables = _all_years(params)
    rates = tables.indicators[tables.indicators["kind"].eq("rate") & tables.indicators["value_yuan"].notna()]
    rates = rates.merge(tables.projects[["project_id", "year"]], on="project_id", how="left")
    table = rates.pivot_table(
        index=["implementing_unit", "indicator", "per_unit"], columns="year", values="value_yuan",
        aggfunc="first",
    )
    table.columns = [f"{y}年（元）" for y in table.columns]
    return table.reset_index().rename(
        columns={"implementing_unit": "实施单位", "indicator": "三级指标", "per_unit": "分母单位"}
    )


def figure_compare(params: NotebookParams) -> Figure:
    """Budgets across years (``figures/compare/year_comparison.png``)."""
    projects = _all_years(params).projects
    return _figure(params.paths.figures / COMPARE_DIR, "year_comparison", "plot_year_comparison", projects)
