"""The steps of 05_compare: link the projects across years and compare budgets, targets and unit costs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.analyse.compare import compare_projects, compare_publishers, compare_rates, compare_targets, lineages
from budgetkit.analyse.links import link_projects, read_decisions
from budgetkit.errors import InputError
from budgetkit.model.csvsafe import escape_frame
from budgetkit.model.tables import Tables, concat_tables, read_tables
from budgetkit.report.codes import code_label
from budgetkit.report.display import ReadingTable
from budgetkit.report.params import NotebookParams

if TYPE_CHECKING:
    from budgetkit.report.plots import SavedFigure

from budgetkit.build.figure_steps import draw_figure
from budgetkit.build.step_io import COMPARE_DIR, downloads

logger = logging.getLogger(__name__)


def _all_years(params: NotebookParams) -> Tables:
    years = params.paths.processed_years()
    if not years:
        raise InputError("no processed year to compare (run 01_clean first)", path=params.paths.processed)
    return concat_tables([read_tables(params.paths.processed_year(y)) for y in years])


def _change_labels(frame: pd.DataFrame, what: str, unit: str) -> dict[str, tuple[str, ...]]:
    years = [c for c in frame.columns if c.startswith("y") and c[1:].isdigit()]
    labels: dict[str, tuple[str, ...]] = {c: (f"{c[1:]}年{what}", f"{c[1:]}", unit) for c in years}
    span = f"{years[-2][1:]}→{years[-1][1:]}" if len(years) >= 2 else ""
    labels["change"] = (f"变化 {span}", "change", unit)
    labels["change_pct"] = (f"变化比例 {span}", "change", "%")
    return labels


#: A researcher's decisions on the links between years (``confirm`` or ``break``), under the project root.
LINKS_FILE = "data/links.csv"


def _links(params: NotebookParams, tables: Tables | None = None) -> pd.DataFrame:
    """The links between the projects of consecutive years, with the decisions of :data:`LINKS_FILE`."""
    tables = tables if tables is not None else _all_years(params)
    return link_projects(tables.projects, read_decisions(params.paths.root / LINKS_FILE), tables.indicators)


def _rates_across_years(params: NotebookParams) -> pd.DataFrame:
    tables = _all_years(params)
    years = tables.projects[["project_id", "year"]]
    lines = lineages(tables.projects, _links(params, tables))
    lines.index = tables.projects["project_id"].to_numpy()
    return compare_rates(tables.indicators.merge(years, on="project_id", how="left"), lines)


def show_links(params: NotebookParams) -> ReadingTable:
    """The projects linked across years, each with its score and reason; written whole as ``links.csv``.

    The CSV (``reports/compare/links.csv``) is the start of a researcher's :data:`LINKS_FILE`: set
    ``decision`` to ``confirm`` or ``break`` and build again.
    """
    links = _links(params)
    folder = downloads(params).parent
    folder.mkdir(parents=True, exist_ok=True)
    escape_frame(links).to_csv(folder / "links.csv", index=False, encoding="utf-8-sig")  # no formula runs
    labels = {
        "department": ("主管部门", "publisher"), "from_year": ("前一年", "from year"),
        "from_id": ("前一年项目编号", "from id"), "from_project": ("前一年项目名称", "from project"),
        "to_year": ("后一年", "to year"), "to_id": ("后一年项目编号", "to id"),
        "to_project": ("后一年项目名称", "to project"), "implementing_unit": ("实施单位", "implementing unit"),
        "from_total_wan": ("前一年项目总额", "from total", "万元"),
        "to_total_wan": ("后一年项目总额", "to total", "万元"),
        "score": ("匹配得分", "score"), "reason": ("匹配理由", "reason"), "decision": ("人工判断", "decision"),
    }
    shown = links.drop(columns=["from_id", "to_id"])
    return ReadingTable(shown, caption="跨年度项目对应 projects linked across years", name="links",
                        labels=labels, empty="没有可对应的项目 no project linked", downloads=downloads(params))


def compare_target_changes(params: NotebookParams) -> ReadingTable:
    """Every target that changed in a linked project: counts, percents, deadlines, wording, added, dropped."""
    tables = _all_years(params)
    table = compare_targets(tables.indicators, _links(params, tables))
    labels = {
        "implementing_unit": ("实施单位", "implementing unit"), "project": ("项目名称", "project"),
        "level2": ("二级指标", "level 2"), "indicator": ("三级指标", "indicator"), "kind": ("指标值类型", "kind"),
        "what": ("变化", "what changed"), "from_year": ("前一年", "from year"),
        "from_value": ("前一年指标值", "before"), "to_year": ("后一年", "to year"),
        "to_value": ("后一年指标值", "after"), "from_num": ("前一年数值", "number before"),
        "to_num": ("后一年数值", "number after"), "unit": ("计量单位", "unit"),
        "num_change": ("数值变化", "change"),
        "from_indicator": ("前一年指标名称", "name before"), "to_indicator": ("后一年指标名称", "name after"),
    }
    shown = table.drop(columns=["from_id", "to_id"])
    shown["kind"] = [code_label("indicators", "kind", str(k)) if k else "" for k in shown["kind"]]
    return ReadingTable(shown, caption="指标值的变化 targets that changed", name="compare-targets",
                        labels=labels, empty="对应项目的指标值没有变化 no target changed",
                        downloads=downloads(params))


def compare_across_publishers(params: NotebookParams) -> ReadingTable:
    """The same indicator across publishers (satisfaction targets, unit costs per 人/户/次): each target's place."""
    tables = _all_years(params)
    latest = max(params.paths.processed_years())
    projects = tables.projects[tables.projects["year"].eq(latest)] if "year" in tables.projects else tables.projects
    table = compare_publishers(projects, tables.indicators[tables.indicators["project_id"].isin(
        projects["project_id"])])
    labels = {
        "family": ("指标类别", "family"), "department": ("主管部门", "publisher"),
        "implementing_unit": ("实施单位", "implementing unit"), "project": ("项目名称", "project"),
        "indicator": ("三级指标", "indicator"), "value": ("指标值", "target"), "value_num": ("数值", "number"),
        "year": ("年度", "year"), "n": ("同类指标数", "targets in family"),
        "publishers": ("发布单位数", "publishers"), "median": ("中位数", "median"),
        "rank_pct": ("所处位次", "at or above this share", "%"),
    }
    return ReadingTable(table, caption=f"{latest}年 同类指标的分布 the same indicator across publishers",
                        name="compare-publishers", labels=labels, empty="没有可比较的同类指标 nothing to compare",
                        downloads=downloads(params))


def compare_budgets(params: NotebookParams) -> ReadingTable:
    """Budget of each project in every processed year and its change (projects linked across years)."""
    tables = _all_years(params)
    table = compare_projects(tables.projects, _links(params, tables))
    return ReadingTable(
        table,
        "projects",
        caption="各项目预算的变化 budget per project across years",
        name="compare-budgets",
        labels={**_change_labels(table, "预算", "万元"), "link": ("跨年度对应", "linked as")},
        downloads=downloads(params),
    )


def compare_unit_costs(params: NotebookParams) -> ReadingTable:
    """Unit-cost targets (元 per 户, 人, 月 …) per project indicator in every year, with their change."""
    table = _rates_across_years(params)
    return ReadingTable(
        table,
        "indicators",
        caption="单位成本的变化 unit costs across years",
        name="compare-unit-costs",
        labels=_change_labels(table, "单位成本", "元"),
        downloads=downloads(params),
    )


def figure_compare(params: NotebookParams) -> SavedFigure:
    """Budget change per project between the last two years (``figures/compare/budget_change.png``)."""
    tables = _all_years(params)
    table = compare_projects(tables.projects, _links(params, tables))
    return draw_figure(params.paths.figures / COMPARE_DIR, "budget_change", "plot_budget_change", table,
                   params=params, source="projects",
                   caption="最近两年之间各项目预算的变化（万元） budget change per project between the last two years")


def figure_compare_unit_costs(params: NotebookParams) -> SavedFigure:
    """Unit-cost change per indicator over the last two years (``figures/compare/unit_cost_change.png``)."""
    table = _rates_across_years(params)
    return draw_figure(params.paths.figures / COMPARE_DIR, "unit_cost_change", "plot_unit_cost_change", table,
                   params=params, source="indicators",
                   caption="最近两年之间单位成本的变化（元） unit-cost change between the last two years")
