"""What every page of the report site shares: navigation, run line, subtitle, banners, file names.

Also the year's tables read for the pages, and the pages written atomically.

Examples:
    >>> project_slug("nx-federation-2025#01"), project_slug("宁夏总工会#02")
    ('nx-federation-2025-01', 'p-02-c94892c1')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd

from budgetkit.project.stage import write_atomic
from budgetkit.report.codes import code_label
from budgetkit.report.failures import DUPLICATE, NO_TABLE, reader_reason, split_skipped
from budgetkit.report.params import COMPARE_NOTEBOOK, YEAR_NOTEBOOKS, notebook_label
from budgetkit.report.readable import reader_text
from budgetkit.report.render import Banner, Nav, NavItem, Run
from budgetkit.report.sitemap import SiteMap

COMPARE_DIR = "compare"


def project_slug(project_id: str) -> str:
    """A file name for a project's page: the id in ASCII, with a short hash where characters were replaced."""
    ascii_id = re.sub(r"[^A-Za-z0-9._-]+", "-", project_id).strip("-")
    if ascii_id == project_id.replace("#", "-"):
        return ascii_id
    digest = hashlib.sha1(project_id.encode("utf-8")).hexdigest()[:8]
    tail = ascii_id.rsplit("-", 1)[-1] if ascii_id else ""
    return f"p-{tail}-{digest}" if tail else f"p-{digest}"


def run_time(iso: str) -> str:
    """An ISO time as the pages show it (``2025-01-02 03:04 UTC``); '' for none, the text when unreadable."""
    if not iso:
        return ""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def run_line(manifest: dict) -> Run:
    """The run line of a page: when it started, its status in words, its inputs."""
    status = manifest.get("status", "")
    return Run(
        time=run_time(manifest.get("started_utc", "")),
        status=code_label("run", "status", status) if status else "",
        inputs=manifest.get("inputs", []),
    )


def site_nav(site: SiteMap, year: int | None, here: str, depth: int, pages: set[str]) -> Nav:
    """The navigation bar of a page ``depth`` folders below ``reports/`` (the year's pages when ``year``)."""
    up = "../" * depth
    nav = Nav(
        index=f"{up}index.html",
        here=here,
        compare=f"{up}{COMPARE_DIR}/{COMPARE_NOTEBOOK}.html" if site.compare else "",
    )
    if year is not None:
        mine = "../" * (depth - 1)
        nav.year_label = f"{year}年"
        nav.pages = [NavItem("概要 summary", f"{mine}index.html", here == "summary")] + [
            NavItem(notebook_label(nb), f"{mine}{nb}.html" if nb in pages else "", here == nb)
            for nb in YEAR_NOTEBOOKS
        ]
    nav.years = [
        NavItem(str(y), f"{up}{y}/index.html" if y in site.built else "", y == year) for y in site.years
    ]
    return nav


def page_subtitle(manifest: dict, year: int | None) -> str:
    """A page's subtitle: the departments of the run and the budget year."""
    departments = [reader_text(d) for d in manifest.get("summary", {}).get("departments", [])]
    parts = ["、".join(departments)] if departments else []
    if year is not None:
        parts.append(f"{year}年度 budget year {year}")
    return " · ".join(parts)


def failure_banner(manifest: dict, link: str = "") -> list[Banner]:
    """The banner of a failed (or interrupted) build, linking the failed notebook's page."""
    if manifest.get("status") == "failed":
        failed = manifest.get("failed_notebook", "")
        return [
            Banner(
                "bad",
                "本次构建失败 This build failed" + (f"：{failed}" if failed else ""),
                [manifest.get("error", "")],
                {"href": link, "label": f"查看 {failed} 页 see the {failed} page"}
                if link and failed
                else None,
            )
        ]
    if manifest.get("status") == "running":
        return [
            Banner(
                "warn",
                "构建未完成 A build was replacing these outputs when it stopped",
                ["重新运行 budgetkit build run the build again"],
            )
        ]
    return []


def skipped_banner(manifest: dict) -> list[Banner]:
    """A warning for the files that could not be read; an information for those that hold no target table."""
    information, skipped = split_skipped(manifest.get("skipped", []))
    no_table = [s for s in information if s["error"] == NO_TABLE]
    duplicates = [s for s in information if s["error"] == DUPLICATE]
    banners = []
    if skipped:
        banners.append(Banner(
            "warn",
            f"{len(skipped)} 个文件无法读取，已跳过 {len(skipped)} file(s) could not be read and "
            "were skipped; the year was built from the others",
            [f"{s['source_file']}: {s['reason']}" for s in skipped],
        ))
    if no_table:
        banners.append(Banner(
            "info",
            f"{len(no_table)} 个文件不含项目支出绩效目标表",
            [f"{s['source_file']}：{reader_reason(s['error'], s['reason'])}" for s in no_table],
        ))
    if duplicates:
        banners.append(Banner(
            "info",
            f"{len(duplicates)} 个文件是已读文件的另一格式，只读取一次 {len(duplicates)} file(s) in another format "
            "of a document read once",
            [s["reason"] for s in duplicates],
        ))
    return banners


def write_page(path: Path, text: str) -> Path:
    """Write a page atomically and return its path."""
    write_atomic(path, text)
    return path


def read_or_none(processed: Path, name: str) -> pd.DataFrame | None:
    """A table of the year's folder, or ``None`` when it is missing (a page says so)."""
    from budgetkit.model.tables import read_frame  # lazy: pyarrow's readers, only when pages are written

    try:
        return read_frame(processed, name)
    except Exception:  # noqa: BLE001 - a page says what is missing instead
        return None


def year_tables(processed: Path) -> dict[str, pd.DataFrame | None]:
    """The tables of the year the pages show (``None`` for each one missing)."""
    names = ("projects", "indicators", "costs", "terms", "audit", "audit_skipped", "achievement")
    return {name: read_or_none(processed, name) for name in names}
