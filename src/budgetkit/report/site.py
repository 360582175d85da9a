"""The report site under ``reports/``: an index, a summary per year, the notebook pages, a page per project.

::

    reports/index.html                    every year present, with its summary and status
    reports/<year>/index.html             the year's summary, its pages, its projects, skipped files
    reports/<year>/01_clean.html …        the executed notebooks (code hidden)
    reports/<year>/projects/<slug>.html   one project: budget, priced terms, findings, indicators
    reports/compare/05_compare.html       the comparison across years

Every page has the same navigation bar (index, the year's pages, the other
years, the comparison), a title, the department and year, and the time and
inputs of the run (from the year's ``run_manifest.json``). The pages of a year
are written by :func:`write_year_pages` into whatever folder holds the year's
executed notebooks (the build's staging folder), so they are swapped in with
the year's tables.

Examples:
    >>> project_slug("nx-federation-2025#01"), project_slug("宁夏总工会#02")
    ('nx-federation-2025-01', 'p-02-c94892c1')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from budgetkit.model.fields import load_fields, read_metadata
from budgetkit.project.paths import ProjectPaths
from budgetkit.project.stage import write_atomic
from budgetkit.report.codes import code_label
from budgetkit.report.display import ReadingTable, Rows, dictionary_table, record_table
from budgetkit.report.failures import DUPLICATE, NO_TABLE, reader_reason, split_skipped
from budgetkit.report.params import COMPARE_NOTEBOOK, NOTEBOOKS, YEAR_NOTEBOOKS, notebook_label
from budgetkit.report.readable import reader_text
from budgetkit.report.render import Banner, Markup, Nav, NavItem, PageFrame, Run, notebook_body, render_page
from budgetkit.report.review import achievement_table, findings_beside_rows, missed_targets, skipped_rules
from budgetkit.report.sitemap import MANIFEST, SiteMap, load_manifest
from budgetkit.report.summarize import qualitative_shares, summary_table

__all__ = [
    "MANIFEST",
    "SiteMap",
    "load_manifest",
    "project_slug",
    "write_compare_page",
    "write_index",
    "write_year_pages",
]

logger = logging.getLogger(__name__)

#: The file of a year's (or the comparison's) run manifest.
COMPARE_DIR = "compare"


def project_slug(project_id: str) -> str:
    """A file name for a project's page: the id in ASCII, with a short hash where characters were replaced."""
    ascii_id = re.sub(r"[^A-Za-z0-9._-]+", "-", project_id).strip("-")
    if ascii_id == project_id.replace("#", "-"):
        return ascii_id
    digest = hashlib.sha1(project_id.encode("utf-8")).hexdigest()[:8]
    tail = ascii_id.rsplit("-", 1)[-1] if ascii_id else ""
    return f"p-{tail}-{digest}" if tail else f"p-{digest}"


def _time(iso: str) -> str:
    if not iso:
        return ""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def _run(manifest: dict) -> Run:
    status = manifest.get("status", "")
    return Run(
        time=_time(manifest.get("started_utc", "")),
        status=code_label("run", "status", status) if status else "",
        inputs=manifest.get("inputs", []),
    )


def _nav(site: SiteMap, year: int | None, here: str, depth: int, pages: set[str]) -> Nav:
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


def _subtitle(manifest: dict, year: int | None) -> str:
    departments = [reader_text(d) for d in manifest.get("summary", {}).get("departments", [])]
    parts = ["、".join(departments)] if departments else []
    if year is not None:
        parts.append(f"{year}年度 budget year {year}")
    return " · ".join(parts)


def _failure_banner(manifest: dict, link: str = "") -> list[Banner]:
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


def _skipped_banner(manifest: dict) -> list[Banner]:
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


def _write(path: Path, text: str) -> Path:
    write_atomic(path, text)
    return path


def _read(processed: Path, name: str) -> pd.DataFrame | None:
    from budgetkit.model.tables import read_frame

    try:
        return read_frame(processed, name)
    except Exception:  # noqa: BLE001 - a page says what is missing instead
        return None


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
    with _project_pages(year, reports, processed, site, pages, manifest) as project_pages:
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
    subtitle = _subtitle(manifest, year)
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
            banners += _skipped_banner(manifest)
        title = f"{year}年 {heading or notebook_label(nb)}"
        page = render_page(
            title=title,
            subtitle=subtitle,
            body=body,
            nav=_nav(site, year, nb, 1, pages),
            run=_run(manifest),
            banners=banners,
        )
        written.append(_write(reports / f"{nb}.html", page))
    return written


def _tables(processed: Path) -> dict[str, pd.DataFrame | None]:
    names = ("projects", "indicators", "costs", "terms", "audit", "audit_skipped", "achievement")
    return {name: _read(processed, name) for name in names}


def _year_index(
    year: int, reports: Path, processed: Path, site: SiteMap, pages: set[str], manifest: dict
) -> Path:
    t = _tables(processed)
    failed_page = manifest.get("failed_notebook", "")
    banners = _failure_banner(
        manifest, f"{failed_page}.html" if failed_page in pages else ""
    ) + _skipped_banner(manifest)
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
        parts.append("<h2>项目 Projects</h2>" + table.to_html())
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
        subtitle=_subtitle(manifest, year),
        body=body,
        nav=_nav(site, year, "summary", 1, pages),
        run=_run(manifest),
        banners=banners,
    )
    return _write(reports / "index.html", page)


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


class _ByProject:
    """The rows of a table per project as :class:`Rows`, sorted once so that each project's rows are one slice.

    The values are converted to Python once, column by column (the order of a project's rows is kept).
    """

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.rows, self.spans = None, {}
        if frame is None or "project_id" not in frame.columns:
            return
        codes, ids = pd.factorize(frame["project_id"])
        order = np.argsort(codes, kind="stable")
        self.rows = Rows.of_columns(frame.iloc[order])
        counts = np.bincount(codes[codes >= 0], minlength=len(ids))
        ends = np.cumsum(counts)
        self.spans = {pid: (int(end - n), int(end)) for pid, n, end in zip(ids, counts, ends, strict=True)}

    def __call__(self, project_id: str) -> Rows | None:
        if self.rows is None:
            return None
        start, end = self.spans.get(project_id, (0, 0))
        return Rows(self.rows.columns, self.rows.records[start:end], self.rows.kinds)


#: Projects above which a year's project pages are written by worker processes (a chunk each).
PARALLEL_PAGES = 400


@contextlib.contextmanager
def _project_pages(
    year: int, reports: Path, processed: Path, site: SiteMap, pages: set[str], manifest: dict
) -> Iterator[Callable[[], list[Path]]]:
    """Write a page per project; beyond :data:`PARALLEL_PAGES` projects, in chunks on every core.

    Yields a function returning the pages written (waiting for them): beyond :data:`PARALLEL_PAGES`
    projects the workers start at once, so the caller can write other pages meanwhile; below, the pages
    are written when it is called.
    """
    import pyarrow.parquet as pq

    path = processed / "projects.parquet"
    n = pq.read_metadata(path).num_rows if path.is_file() else 0
    jobs = min(os.cpu_count() or 1, 2 * (n // PARALLEL_PAGES))
    write = partial(_project_chunk, year, reports, processed, site, pages, manifest)
    if jobs <= 1:
        yield partial(write, (0, n))
        return
    from concurrent.futures import ProcessPoolExecutor

    from budgetkit.scale.batch import _context

    bounds = np.linspace(0, n, 2 * jobs + 1).astype(int)
    chunks = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        futures = [pool.submit(write, chunk) for chunk in chunks]
        yield lambda: [p for future in futures for p in future.result()]


def _project_chunk(
    year: int, reports: Path, processed: Path, site: SiteMap, pages: set[str], manifest: dict,
    chunk: tuple[int, int] = (0, None),
) -> list[Path]:
    """Write the pages of the projects ``chunk`` (row positions ``start:end``) of the year."""
    t = _tables(processed)
    if t["projects"] is None:
        return []
    mine = t["projects"].iloc[chunk[0] : chunk[1]]
    ids = set(mine["project_id"])
    costs_of, terms_of, findings_of, indicators_of, skipped_of, achievement_of = (
        _ByProject(None if t[name] is None else t[name][t[name]["project_id"].isin(ids)].drop(
            columns=["project", "implementing_unit"] if name in ("terms", "indicators") else [], errors="ignore"))
        for name in ("costs", "terms", "audit", "indicators", "audit_skipped", "achievement")
    )
    frame = PageFrame(_nav(site, year, "", 2, pages), _run(manifest), _failure_banner(manifest))
    projects = Rows.of_columns(mine)
    written = []
    for record in projects.records:
        row = dict(zip(projects.columns, record, strict=True))
        pid = str(row["project_id"])
        slug = project_slug(pid)
        parts = [
            *_project_notes(row, year, slug),
            "<h2>预算与表头 Budget and header</h2>",
            record_table(row, "projects", "", f"{slug}-budget").to_html(),
        ]
        costs = costs_of(pid)
        parts.append("<h2>成本测算 Cost reconciliation</h2>")
        if costs is not None and len(costs):
            parts.append(record_table(dict(zip(costs.columns, costs.records[0], strict=True)), "costs", "",
                                      f"{slug}-costs").to_html())
            terms = terms_of(pid)
            if terms is not None:
                parts.append(
                    dictionary_table(
                        terms,
                        "terms",
                        "测算项 priced terms",
                        f"{slug}-terms",
                        empty="没有可测算的项 no term could be priced",
                    ).to_html()
                )
        else:
            parts.append('<p class="bk-empty">未测算 not reconciled (02_costs did not run)</p>')
        indicators = indicators_of(pid)
        parts.extend(_review_sections(findings_of(pid), indicators, skipped_of(pid), achievement_of(pid), slug))
        if indicators is not None:
            parts.append("<h2>三级指标 Indicators</h2>")
            parts.append(
                dictionary_table(
                    indicators,
                    "indicators",
                    "",
                    f"{slug}-indicators",
                ).to_html()
            )
        subtitle = " · ".join(
            reader_text(str(x))
            for x in (row.get("implementing_unit"), row.get("department"), f"{year}年度 budget year {year}")
            if x and not pd.isna(x)
        )
        page = frame.page(reader_text(str(row.get("project") or pid)), Markup("".join(parts)), subtitle)
        written.append(_write(reports / "projects" / f"{slug}.html", page))
    return written


def _review_sections(findings: Rows | None, indicators: Rows | None, skipped: Rows | None,
                     achievement: Rows | None, slug: str) -> list[str]:
    """The reviewer's sections: findings beside their rows, rules not applied, targets against actuals."""
    parts = ["<h2>审查结果 Audit findings</h2>"]
    if findings is None:
        parts.append('<p class="bk-empty">未审查 not audited (03_audit did not run)</p>')
    else:
        parts.append(findings_beside_rows(indicators, findings, slug))
        parts.append("<h3>未适用的规则 Rules not applied</h3>" + skipped_rules(skipped))
    table = achievement_table(achievement, slug)
    if table:
        parts.append("<h2>目标完成情况 Targets against actuals</h2>" + table)
    return parts


def _present(value: object) -> bool:
    if value is None or isinstance(value, str):
        return bool(value)
    return not pd.isna(value)


def source_place(row: Mapping[str, object]) -> str:
    """Where a project was printed: ``第 3–4 页``, ``第 12–40 行`` or the cell, for readers.

    Examples:
        >>> source_place({"page_start": 3, "page_end": 4, "line_start": 10, "line_end": 90})
        '第 3–4 页'
        >>> source_place({"page_start": None, "line_start": 12, "line_end": 12})
        '第 12 行'
    """
    def span(a: object, b: object) -> str:
        a, b = int(a), int(b) if _present(b) else int(a)
        return f"{a}" if a == b else f"{a}–{b}"

    if _present(row.get("page_start")):
        return f"第 {span(row['page_start'], row.get('page_end'))} 页"
    if _present(row.get("line_start")):
        return f"第 {span(row['line_start'], row.get('line_end'))} 行"
    return str(row.get("address") or "")


def _project_notes(row: Mapping[str, object], year: int, slug: str) -> list[str]:
    """A project page's first lines: a partial table said so, where it was printed (linked), its permalink."""
    notes = []
    if row.get("status") == "partial":
        reason = code_label("projects", "status_reason", str(row.get("status_reason") or ""))
        notes.append(
            '<div class="bk-banner warn bk-partial" role="note"><p><strong>不完整的表格 partial table</strong>：'
            f"{html.escape(reason)}。金额与指标只是表格截断前的部分，不作完整结论。</p></div>"
        )
    source = str(row.get("source_file") or "")
    if source:
        href = f"../../../data/raw/{year}/{source}"
        if _present(row.get("page_start")) and source.lower().endswith(".pdf"):
            href += f"#page={int(row['page_start'])}"
        place = source_place(row)
        notes.append(
            f'<p class="bk-source">来源 source：<a href="{html.escape(quote(href, safe="/#=."))}">'
            f"{html.escape(source)}</a>{(' ' + html.escape(place)) if place else ''}"
            f' · <a class="bk-permalink" href="{html.escape(slug)}.html">永久链接 permalink</a></p>'
        )
    return notes


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
        nav=_nav(site, None, "compare", 1, set()),
        run=_run(manifest),
        banners=banners,
    )
    return [_write(reports / f"{COMPARE_NOTEBOOK}.html", page)]


def write_index(paths: ProjectPaths, site: SiteMap) -> Path:
    """Write ``reports/index.html``: every year present with its status and summary, whatever was built."""
    rows, banners = [], []
    for year in site.years:
        manifest = load_manifest(paths.reports_year(year))
        summary = manifest.get("summary", {})
        status = manifest.get("status", "skipped" if year in site.skipped else "")
        reason = site.skipped.get(year, "") or manifest.get("error", "")
        information, unreadable = split_skipped(manifest.get("skipped", []))
        no_table = [s for s in information if s["error"] == NO_TABLE]
        skipped_files = len(unreadable)
        if status in {"failed", "skipped", "running"} or skipped_files:
            banners.append(
                f"{year}: {code_label('run', 'status', status)}"
                + (f" — {reason}" if reason else "")
                + (f"；跳过 {skipped_files} 个文件 {skipped_files} file(s) skipped" if skipped_files else "")
            )
        rows.append(
            {
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
                "time": _time(manifest.get("started_utc", "")),
                "note": reason,
            }
        )
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
        nav=_nav(site, None, "index", 0, set()),
        run=Run(time=_time(now)),
        banners=[Banner("warn", "部分年度未完整构建 Not every year was built in full", banners)]
        if banners
        else [],
    )
    return _write(paths.reports / "index.html", page)


def _reference_page(paths: ProjectPaths, site: SiteMap, name: str, title: str, body: str) -> Path:
    page = render_page(title=title, subtitle="", body=Markup(body), nav=_nav(site, None, name, 0, set()),
                       run=Run(), banners=[])
    return _write(paths.reports / f"{name}.html", page)


def write_reference_pages(paths: ProjectPaths, site: SiteMap) -> list[Path]:
    """Write ``reports/fields.html`` and ``reports/rules.html``: the field dictionary and the rules.

    ``fields.html`` holds every column of every table and the words of its codes; ``rules.html`` the
    audit rules, the pricing methods, and how projects are linked across years. Both come from the
    package's metadata and code, so they say what this budgetkit does.
    """
    from budgetkit.analyse.audit import list_rules  # lazy: the analyses, for the rules page alone
    from budgetkit.analyse.reconcile import list_strategies  # lazy: the analyses, for the rules page alone

    fields = load_fields()
    parts = ["<p>每张表的每一列：中文名、英文名、类型、单位与说明（<code>metadata/fields.csv</code>）。"
             "表头的提示文字也来自这里。 Every column of every table, from the field dictionary.</p>"
             "<p>CSV 文件中以 = + - @ 开头的文字（电子表格会当作公式执行）前加一个制表符；Parquet 保留原值。 "
             "In the CSV files a text starting with = + - @ (a formula to a spreadsheet) is written after a tab "
             "(<code>metadata/csv_formula.csv</code>); Parquet keeps it as printed.</p>"]
    for table, group in fields.groupby("table", sort=False):
        parts.append(f'<h2 id="{html.escape(table)}">{html.escape(table)}</h2>')
        frame = group[["name", "zh", "en", "dtype", "unit", "description"]].reset_index(drop=True)
        frame["description"] = frame["description"].str.replace("…", "...")  # a list going on, not text cut
        parts.append(ReadingTable(frame, caption="", name=f"fields-{table}", labels={
            "name": ("列名", "column"), "zh": ("中文名", "Chinese"), "en": ("英文名", "English"),
            "dtype": ("类型", "type"), "unit": ("单位", "unit"), "description": ("说明", "description")}).to_html())
    codes = pd.DataFrame(read_metadata("codes"))
    parts.append('<h2 id="codes">代码的中文 Words for codes</h2>')
    parts.append(ReadingTable(codes, caption="", name="codes", labels={
        "table": ("表", "table"), "column": ("列", "column"), "code": ("代码", "code"),
        "zh": ("中文", "Chinese"), "en": ("英文", "English")}).to_html())
    written = [_reference_page(paths, site, "fields", "字段说明 Field dictionary", "".join(parts))]
    rules = list_rules().replace("…", "...", regex=True)
    strategies = list_strategies().replace("…", "...", regex=True)
    words = pd.DataFrame(read_metadata("compare_words"))
    from budgetkit.analyse.links import MIN_SCORE  # lazy: the analyses, for the rules page alone

    body = "".join([
        '<h2 id="audit">目标质量审查规则 Audit rules</h2>',
        ReadingTable(rules, "audit", caption="", name="rules", labels={
            "rule": ("规则", "rule"), "zh": ("中文名", "Chinese"), "en": ("英文名", "English"),
            "description": ("说明", "description")}).to_html(),
        '<h2 id="costs">成本测算方法 Pricing methods</h2>'
        "<p>按顺序尝试，第一个能给项目定价的方法被采用。 Tried in order; the first that prices a project is used.</p>",
        ReadingTable(strategies, caption="", name="strategies", labels={
            "order": ("顺序", "order"), "code": ("代码", "code"), "zh": ("中文名", "Chinese"),
            "en": ("英文名", "English"), "description": ("说明", "description")}).to_html(),
        '<h2 id="links">跨年度项目对应 Linking projects across years</h2>',
        "<p>同一主管部门相邻两年的项目，按名称（去掉年份、下列同义词视为相同、改动越少越好）的相似度打分，"
        "实施单位相同加分、不同减分，预算相近加分；得分不低于 "
        f"{MIN_SCORE} 的一对一对应，得分高者优先。每个对应都列出得分和理由。研究者在 <code>data/links.csv</code> "
        "中把 decision 填为 confirm（确认）或 break（拆开）即可更正。 Projects of one publisher in consecutive "
        f"years are scored by name similarity, unit and budget; pairs scoring {MIN_SCORE} or more are linked one to "
        "one, best first; <code>data/links.csv</code> confirms or breaks a link.</p>",
        ReadingTable(words, caption="", name="compare-words", labels={
            "word": ("词", "word"), "same_as": ("视为相同", "same as"), "why": ("说明", "why")}).to_html(),
    ])
    written.append(_reference_page(paths, site, "rules", "规则 Rules", body))
    return written
