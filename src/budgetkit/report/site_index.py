"""The site's index (``reports/index.html``): every year present, with its status and summary."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from budgetkit.project.paths import ProjectPaths
from budgetkit.report.codes import code_label
from budgetkit.report.display import ReadingTable
from budgetkit.report.failures import NO_TABLE, split_skipped
from budgetkit.report.params import COMPARE_NOTEBOOK, NOTEBOOKS, notebook_label
from budgetkit.report.readable import reader_text
from budgetkit.report.render import Banner, Markup, Run, render_page
from budgetkit.report.site_parts import COMPARE_DIR, run_time, site_nav, write_page
from budgetkit.report.sitemap import SiteMap, load_manifest


def write_index(paths: ProjectPaths, site: SiteMap) -> Path:
    """Write ``reports/index.html``: every year present with its status and summary, whatever was built."""
    rows, banners = [], []
    for year in site.years:
        row, banner = _year_row(paths, site, year)
        rows.append(row)
        if banner:
            banners.append(banner)
    table = _years_table(rows, site)
    pages = "".join(
        f"<li><b>{html.escape(notebook_label(nb))}</b> {html.escape(text)}</li>"
        for nb, text in NOTEBOOKS.items()
    )
    body = Markup(
        f'<meta name="budgetkit-site" content="{html.escape(site.signature())}">'
        + table.to_html()
        + (
            f'<p><a href="{COMPARE_DIR}/{COMPARE_NOTEBOOK}.html">跨年度比较 compare years</a></p>'
            if site.compare
            else ""
        )
        + f"<h2>每年的页面 Pages of each year</h2><ul>{pages}</ul>"
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    page = render_page(
        title="项目支出预算绩效目标分析报告 Budget performance-target reports",
        subtitle=f"{len(site.years)} 个年度 years",
        body=body,
        nav=site_nav(site, None, "index", 0, set()),
        run=Run(time=run_time(now)),
        banners=[Banner("warn", "部分年度未完整构建 Not every year was built in full", banners)]
        if banners
        else [],
    )
    return write_page(paths.reports / "index.html", page)


def _year_row(paths: ProjectPaths, site: SiteMap, year: int) -> tuple[dict, str]:
    """One year's row of the index (its status and summary) and its banner line (``""`` when it built in full)."""
    manifest = load_manifest(paths.reports_year(year))
    summary = manifest.get("summary", {})
    status = manifest.get("status", "skipped" if year in site.skipped else "")
    reason = site.skipped.get(year, "") or manifest.get("error", "")
    information, unreadable = split_skipped(manifest.get("skipped", []))
    no_table = [s for s in information if s["error"] == NO_TABLE]
    skipped_files = len(unreadable)
    banner = ""
    if status in {"failed", "skipped", "running"} or skipped_files:
        banner = (
            f"{year}: {code_label('run', 'status', status)}"
            + (f" — {reason}" if reason else "")
            + (f"；跳过 {skipped_files} 个文件 {skipped_files} file(s) skipped" if skipped_files else "")
        )
    row = {
        "year": str(year),
        "status": code_label("run", "status", status) if status else "",
        "departments": "、".join(reader_text(d) for d in summary.get("departments", [])),
        "projects": summary.get("projects"),
        "total_wan": summary.get("total_wan"),
        "closes_pct": summary.get("closes_pct"),
        "measurable_pct": summary.get("measurable_pct"),
        "files": len(manifest.get("inputs", [])),
        "skipped": skipped_files,
        "no_table": len(no_table),
        "time": run_time(manifest.get("started_utc", "")),
        "note": reason,
    }
    return row, banner


def _years_table(rows: list[dict], site: SiteMap) -> ReadingTable:
    """The index's table of years, each linked to its pages when it was built."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "year",
            "status",
            "departments",
            "projects",
            "total_wan",
            "closes_pct",
            "measurable_pct",
            "files",
            "skipped",
            "no_table",
            "time",
            "note",
        ],
    )
    for col in ("projects", "files", "skipped", "no_table"):
        frame[col] = frame[col].astype("Int64")
    for col in ("total_wan", "closes_pct", "measurable_pct"):
        frame[col] = frame[col].astype("float64")
    hrefs = [f"{y}/index.html" if int(y) in site.built else "" for y in frame["year"]]
    table = ReadingTable(
        frame,
        caption="各年度 budget years",
        name="years",
        links={"year": hrefs},
        labels={
            "year": ("预算年度", "budget year"),
            "status": ("状态", "status"),
            "departments": ("主管部门", "departments"),
            "projects": ("项目数", "projects"),
            "total_wan": ("项目总额", "total", "万元"),
            "closes_pct": ("测算吻合的预算占比", "budget whose arithmetic closes", "%"),
            "measurable_pct": ("可衡量指标占比", "measurable targets", "%"),
            "files": ("文件数", "files"),
            "skipped": ("无法读取的文件", "files not read"),
            "no_table": ("不含目标表的文件", "files without a target table"),
            "time": ("运行时间", "run"),
            "note": ("说明", "note"),
        },
    )
    return table
