"""The pages of one year (its summary index and the executed notebooks) and of the comparison across years."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from budgetkit.report.display import ReadingTable
from budgetkit.report.params import COMPARE_NOTEBOOK, NOTEBOOKS, YEAR_NOTEBOOKS, notebook_label
from budgetkit.report.project_pages import writing_project_pages
from budgetkit.report.render import Banner, Markup, notebook_body, render_page
from budgetkit.report.review import missed_targets
from budgetkit.report.site_parts import (
    failure_banner,
    page_subtitle,
    project_slug,
    run_line,
    site_nav,
    skipped_banner,
    write_page,
    year_tables,
)
from budgetkit.report.sitemap import SiteMap, load_manifest
from budgetkit.report.summarize import qualitative_shares, summary_table


def write_year_pages(
    year: int,
    reports: Path,
    processed: Path,
    site: SiteMap,
    roots: list[Path],
    manifest: dict | None = None,
    bodies: Mapping[str, Callable[[], tuple[Markup, list[str], str]]] | None = None,
) -> list[Path]:
    """Write the pages of ``year`` into ``reports`` (the folder of its executed notebooks and manifest).

    For a year of many projects, worker processes write the project pages while this process writes the
    notebooks' pages and the year's index.

    Args:
        year: the budget year.
        reports: the folder holding the executed notebooks and ``run_manifest.json``.
        processed: the folder of the year's tables.
        site: the navigation.
        roots: folders taken out of any path shown.
        manifest: the run to show (default: the folder's ``run_manifest.json``).
        bodies: ``{notebook: a function returning its notebook_body()}`` rendered already (the build renders
            each notebook while the next one runs); the others are rendered here.

    Returns:
        The pages written.
    """
    manifest = load_manifest(reports) if manifest is None else manifest
    pages = {nb for nb in YEAR_NOTEBOOKS if (reports / f"{nb}.ipynb").is_file()}
    with writing_project_pages(year, reports, processed, site, pages, manifest) as project_pages:
        written = _notebook_pages(year, reports, site, roots, manifest, pages, bodies)
        index = _year_index(year, reports, processed, site, pages, manifest)
        written += project_pages()
    return [*written, index]


def _notebook_pages(
    year: int, reports: Path, site: SiteMap, roots: list[Path], manifest: dict, pages: set[str],
    bodies: Mapping[str, Callable[[], tuple[Markup, list[str], str]]] | None,
) -> list[Path]:
    """Write the page of each executed notebook of the year (see :func:`write_year_pages`)."""
    written = []
    subtitle = page_subtitle(manifest, year)
    for nb in YEAR_NOTEBOOKS:
        if nb not in pages:
            continue
        if bodies and nb in bodies:
            body, failures, heading = bodies[nb]()
        else:
            body, failures, heading = notebook_body(reports / f"{nb}.ipynb", roots)
        banners = (
            [
                Banner(
                    "bad",
                    f"{notebook_label(nb)} 失败 failed",
                    failures,
                    {
                        "href": f"{nb}.ipynb",
                        "label": "完整的错误信息在已执行的笔记本中 the full traceback is in the "
                        "executed notebook",
                    },
                )
            ]
            if failures
            else []
        )
        if nb == YEAR_NOTEBOOKS[0]:
            banners += skipped_banner(manifest)
        title = f"{year}年 {heading or notebook_label(nb)}"
        page = render_page(
            title=title,
            subtitle=subtitle,
            body=body,
            nav=site_nav(site, year, nb, 1, pages),
            run=run_line(manifest),
            banners=banners,
        )
        written.append(write_page(reports / f"{nb}.html", page))
    return written


def _year_index(
    year: int, reports: Path, processed: Path, site: SiteMap, pages: set[str], manifest: dict
) -> Path:
    t = year_tables(processed)
    failed_page = manifest.get("failed_notebook", "")
    banners = failure_banner(
        manifest, f"{failed_page}.html" if failed_page in pages else ""
    ) + skipped_banner(manifest)
    parts = []
    if manifest.get("summary"):
        summary = summary_table(manifest["summary"])
        parts.append("<h2>概要 Summary</h2>")
        parts.append(
            ReadingTable(
                summary,
                caption="",
                name=f"{year}-summary",
                labels={"item": ("项目", "item"), "value": ("值", "value")},
            ).to_html()
        )
    links = "".join(
        f'<li><a href="{nb}.html">{html.escape(notebook_label(nb))}</a> {html.escape(NOTEBOOKS[nb])}</li>'
        if nb in pages
        else f"<li>{html.escape(notebook_label(nb))}（未运行 not run）</li>"
        for nb in YEAR_NOTEBOOKS
    )
    parts.append(f"<h2>页面 Pages</h2><ul>{links}</ul>")
    projects = t["projects"]
    if projects is not None and len(projects):
        parts.append("<h2>项目 Projects</h2>" + _projects_table(year, reports, t).to_html())
    parts.append(_missed_section(year, t["achievement"], projects))
    if manifest.get("inputs"):
        inputs = pd.DataFrame(manifest["inputs"])
        parts.append(
            "<h2>输入文件 Inputs</h2>"
            + ReadingTable(
                inputs,
                caption="",
                name=f"{year}-inputs",
                labels={
                    "file": ("文件", "file"),
                    "bytes": ("字节", "bytes"),
                    "sha256": ("SHA-256", "sha256"),
                },
            ).to_html()
        )
    body = Markup(f'<meta name="budgetkit-site" content="{html.escape(site.signature())}">' + "".join(parts))
    page = render_page(
        title=f"{year}年度 项目支出预算绩效目标分析",
        subtitle=page_subtitle(manifest, year),
        body=body,
        nav=site_nav(site, year, "summary", 1, pages),
        run=run_line(manifest),
        banners=banners,
    )
    return write_page(reports / "index.html", page)


def _projects_table(year: int, reports: Path, t: dict) -> ReadingTable:
    """The year's projects with their cost status, qualitative share and audit findings, linked to their pages."""
    projects = t["projects"]
    frame = projects[["project_id", "project", "implementing_unit", "total_wan", "status"]].rename(
        columns={"status": "table_status"})
    if t["costs"] is not None:
        frame = frame.merge(t["costs"][["project_id", "status"]], on="project_id", how="left")
        # a cut table's arithmetic is no finding: its status says the table is partial
        frame["status"] = frame["status"].where(frame["table_status"].ne("partial"), "表格不完整，未作结论")
    if t["indicators"] is not None:
        shares = qualitative_shares(projects, t["indicators"])[["project_id", "qualitative_pct"]]
        frame = frame.merge(shares, on="project_id", how="left")
    if t["audit"] is not None:
        counts = t["audit"].groupby("project_id").size().rename("findings")
        frame = frame.merge(counts, left_on="project_id", right_index=True, how="left")
        frame["findings"] = frame["findings"].fillna(0).astype("int64")
    hrefs = [f"projects/{project_slug(p)}.html" for p in frame["project_id"]]
    table = ReadingTable(
        frame.drop(columns="project_id"),
        "costs",
        caption="各项目 projects",
        name=f"{year}-projects",
        downloads=reports / "tables",
        links={"project": hrefs},
        labels={
            "table_status": ("完整性", "table"),
            "total_wan": ("项目总额", "project total", "万元"),
            "qualitative_pct": ("定性指标占比", "qualitative share", "%"),
            "findings": ("审查问题数", "audit findings"),
        },
    )
    return table


def _missed_section(year: int, achievement: pd.DataFrame | None, projects: pd.DataFrame | None) -> str:
    """Which self-evaluated targets were missed (met no or partly), by how much, by department."""
    head = "<h2>未完成的目标 Targets missed</h2>"
    if achievement is None or achievement.empty:
        return head + '<p class="bk-empty">本年度没有自评表 no self-evaluation this year</p>'
    missed = missed_targets(achievement, projects)
    return head + ReadingTable(missed, "achievement", caption="自评未完成或部分完成的指标 targets not or partly met",
                               name=f"{year}-missed", empty="自评目标均已完成 every target met",
                               labels={"department": ("主管部门", "department"),
                                       "project": ("项目名称", "project"),
                                       "rate_pct": ("完成率", "achievement rate", "%")}).to_html()


def write_compare_page(reports: Path, site: SiteMap, roots: list[Path]) -> list[Path]:
    """Write ``reports/compare/05_compare.html`` from the executed comparison notebook in ``reports``."""
    executed = reports / f"{COMPARE_NOTEBOOK}.ipynb"
    if not executed.is_file():
        return []
    manifest = load_manifest(reports)
    body, failures, heading = notebook_body(executed, roots)
    banners = (
        [
            Banner(
                "bad",
                "跨年度比较失败 The comparison failed",
                failures,
                {"href": executed.name, "label": "完整的错误信息 the full traceback"},
            )
        ]
        if failures
        else []
    )
    years = manifest.get("years", [])
    subtitle = "、".join(manifest.get("departments", [])) + (
        f" · {years[0]}–{years[-1]}年 years {', '.join(map(str, years))}" if years else ""
    )
    page = render_page(
        title=heading or "跨年度比较 Compare years",
        subtitle=subtitle,
        body=body,
        nav=site_nav(site, None, "compare", 1, set()),
        run=run_line(manifest),
        banners=banners,
    )
    return [write_page(reports / f"{COMPARE_NOTEBOOK}.html", page)]
