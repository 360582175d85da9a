"""A page per project of a year: budget and header, priced terms, findings beside their rows, indicators.

For a year of many projects, worker processes write them.
"""

from __future__ import annotations

import contextlib
import html
import os
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from budgetkit.report.codes import code_label
from budgetkit.report.display import Rows, dictionary_table, record_table
from budgetkit.report.readable import reader_text
from budgetkit.report.render import Markup, PageFrame
from budgetkit.report.review import achievement_table, findings_beside_rows, skipped_rules
from budgetkit.report.site_parts import failure_banner, project_slug, run_line, site_nav, write_page, year_tables
from budgetkit.report.sitemap import SiteMap


class ByProject:
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
        """The rows of ``project_id`` (none: ``None`` when the table is missing)."""
        if self.rows is None:
            return None
        start, end = self.spans.get(project_id, (0, 0))
        return Rows(self.rows.columns, self.rows.records[start:end], self.rows.kinds)


#: Projects above which a year's project pages are written by worker processes (a chunk each).
PARALLEL_PAGES = 400


@contextlib.contextmanager
def writing_project_pages(
    year: int, reports: Path, processed: Path, site: SiteMap, pages: set[str], manifest: dict
) -> Iterator[Callable[[], list[Path]]]:
    """Write a page per project; beyond :data:`PARALLEL_PAGES` projects, in chunks on every core.

    Yields a function returning the pages written (waiting for them): beyond :data:`PARALLEL_PAGES`
    projects the workers start at once, so the caller can write other pages meanwhile; below, the pages
    are written when it is called.
    """
    import pyarrow.parquet as pq  # lazy: pyarrow's metadata reader, only when pages are written

    path = processed / "projects.parquet"
    n = pq.read_metadata(path).num_rows if path.is_file() else 0
    jobs = min(os.cpu_count() or 1, 2 * (n // PARALLEL_PAGES))
    write = partial(_project_chunk, year, reports, processed, site, pages, manifest)
    if jobs <= 1:
        yield partial(write, (0, n))
        return
    from concurrent.futures import ProcessPoolExecutor  # lazy: only for a year of many projects

    from budgetkit.scale.batch import _context  # lazy: the batch module's pools, only for many projects

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
    t = year_tables(processed)
    if t["projects"] is None:
        return []
    mine = t["projects"].iloc[chunk[0] : chunk[1]]
    ids = set(mine["project_id"])
    costs_of, terms_of, findings_of, indicators_of, skipped_of, achievement_of = (
        ByProject(None if t[name] is None else t[name][t[name]["project_id"].isin(ids)].drop(
            columns=["project", "implementing_unit"] if name in ("terms", "indicators") else [], errors="ignore"))
        for name in ("costs", "terms", "audit", "indicators", "audit_skipped", "achievement")
    )
    frame = PageFrame(site_nav(site, year, "", 2, pages), run_line(manifest), failure_banner(manifest))
    projects = Rows.of_columns(mine)
    written = []
    for record in projects.records:
        row = dict(zip(projects.columns, record, strict=True))
        pid = str(row["project_id"])
        slug = project_slug(pid)
        parts = [
            *project_notes(row, year, slug),
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
        written.append(write_page(reports / "projects" / f"{slug}.html", page))
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


def project_notes(row: Mapping[str, object], year: int, slug: str) -> list[str]:
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
