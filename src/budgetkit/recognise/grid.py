"""Recognise target tables on the grid a reader saw: rows and columns by the roles of their cells.

Where a reader hands over a grid (ruled PDF pages, workbook sheets, HTML and DOCX
tables), the columns are printed: the indicator section is read on them, never on
a token stream re-cut by vocabulary. The steps:

1. **Indicator headers** (:func:`column_roles`): a grid row whose cells name at
   least a level-3 name column and a value column (or levels), in any order and
   subset; a second header row under it (性质 | 值 | 单位) refines the columns it
   spans; columns a merged header cell spans share its role.
2. **Tables**: each header opens an indicator section; a header repeated at the
   top of the next page, with no header field between, continues it. The rows
   above a header, back to the end of the section before, are the table's header
   block, read as the token path reads a header (:func:`budgetkit.recognise.header.read_header`).
   A project column in the section (项目名称 beside the indicator columns) splits
   the section into one table a project.
3. **Rows** (:func:`_section_rows`): the cells of each role composed in column
   order (a comparator, a number and a unit printed in three cells make one
   value); level labels carried down over merged and blank cells; rows of labels
   only, placeholder rows (不适用) and rows without a value go to ``unparsed``;
   the section ends at the first row that is no indicator row (备注, a signature,
   the next table's title or fields).

The output is the token path's (:class:`budgetkit.recognise.tables.Recognised`), so
everything downstream is the same. A document none of whose grids holds an
indicator header gives ``None``: :func:`budgetkit.parse.document_records` then
reads it as text.

Examples:
    >>> from budgetkit.model.cells import Cell, Document, Row
    >>> def grid(rows):
    ...     return [Row([Cell(t, n, col=k) for k, t in enumerate(r)], hard=True, grid=0)
    ...             for n, r in enumerate(rows, 1)]
    >>> doc = Document("t.xlsx", grid([["项目名称", "测试项目", "", ""], ["一级指标", "二级指标", "三级指标", "目标值"],
    ...                                ["产出", "数量", "测试户数", "200户"], ["", "质量", "不适用", "不适用"]]),
    ...                kind="xlsx")
    >>> r = recognise_grids(doc)
    >>> r.projects[0]["project"], [(i["level1"], i["level2_printed"], i["indicator"], i["value"]) for i in r.indicators]
    ('测试项目', [('产出指标', '数量', '测试户数', '200户')])
    >>> sorted({u["reason"] for u in r.unparsed})
    ['template placeholder row (不适用)']
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.model.cells import Cell, Document, Row
from budgetkit.recognise.grid_head import _head_start, _project, _section_fields
from budgetkit.recognise.grid_projects import _split_by_project
from budgetkit.recognise.grid_records import LEVEL_ONLY, section_records
from budgetkit.recognise.grid_tables import GridTable, find_tables
from budgetkit.recognise.packed_cells import recognise_packed
from budgetkit.recognise.tables import (
    Recognised,
    _outside_reason,
    _preamble,
)
from budgetkit.segment.tokens import stream

__all__ = ["EMPTY_TEMPLATE", "REPEATED", "recognise_grids"]

logger = logging.getLogger(__name__)

#: Why the cells of a table printed a second time are reported (its first printing is read).
REPEATED = "the same table printed again"
#: Why the cells of a table with no project name and no indicator row are reported.
EMPTY_TEMPLATE = "an empty template table: no project name and no indicator row"


def recognise_grids(doc: Document, year: int | None = None, source_file: str | None = None):
    """Recognise the target tables on the grids of ``doc``; ``None`` when no grid holds one.

    Returns a :class:`budgetkit.recognise.tables.Recognised` (see the module docstring).
    """
    if not any(r.grid is not None for r in doc.rows):
        return None
    found = find_tables(doc)
    src = source_file or Path(doc.path).name
    if not found:
        return recognise_packed(doc, src, year)
    run = _Run(src=src, year=year)
    tables = _tables(found)
    for t in tables:
        run.consumed.update(id(r) for r in _rows(t))
    _read_preamble(doc, tables, run)
    stem = Path(src).stem
    for k, t in enumerate(tables, 1):
        _read_table(t, f"{stem}#{k:02d}", run)
    _report(doc, run)
    return run.out


@dataclass
class _Run:
    """What reading a document's grid tables in order carries from table to table, and what it gives."""

    src: str
    year: int | None  # a table that prints no year takes the one before's
    scale: float | None = None  # a grid split by its project column prints its unit line above its first project only
    out: Recognised = field(default_factory=Recognised)
    consumed: set[int] = field(default_factory=set)  # id() of the rows read as some table's
    reported: list[tuple] = field(default_factory=list)  # (cell or token, reason, project id)
    printed: dict[tuple, str] = field(default_factory=dict)  # a table's signature → the project id it was read as


def _rows(t: GridTable) -> list[Row]:
    return [*t.head, *t.header_rows, *t.rows]


def _tables(found: list[GridTable]) -> list[GridTable]:
    """The tables found, each header block cut to where it starts, each section split by its project column."""
    tables: list[GridTable] = []
    for t in found:
        rows = t.head
        if rows:
            page = next((c.page for c in t.header_rows[0].cells if c.page is not None), None)
            at = _head_start(rows, page, t.header_rows[0].grid)
            t.head = rows[at:]
        tables.extend(_split_by_project(t))
    return tables


def _read_preamble(doc: Document, tables: list[GridTable], run: _Run) -> None:
    """The document's record from the rows before the first table; its tokens not read are reported."""
    first_head = next((r for r in tables[0].head + tables[0].header_rows), None)
    pre = []
    for r in doc.rows:
        if r is first_head:
            break
        pre.append(r)
    used: set[int] = set()
    pre_toks = stream(pre)
    run.out.documents.append(_preamble(pre_toks, run.src, used, run.reported))
    for tok in pre_toks:
        if id(tok) not in used:
            run.reported.append((tok.cell, _outside_reason(tok), None))
    run.consumed.update(id(r) for r in pre)


def _read_table(t: GridTable, pid: str, run: _Run) -> None:
    """Read one table: its project and its records kept, or its cells reported (an empty template, a repeat)."""
    project, header, toks = _project(t, pid, run.src, run.year)
    run.scale = header.scale if t.head else run.scale
    if t.fields:
        _section_fields(project, header, t.fields, header.scale or run.scale)
    run.year = project.get("year") or run.year
    for tok, reason in header.leftovers:
        run.reported.append((tok.cell, reason, pid))
    records, left = section_records(t.rows, t.roles, pid)
    if not records and not any(why != LEVEL_ONLY for _, why in left) and not project.get("project"):
        # an empty template (a header and level labels, no indicator): no project
        run.reported += [(c, EMPTY_TEMPLATE, None) for c in _cells(t)]
        return
    run.reported += [(c, why, pid) for c, why in left]
    sig = (project.get("project"), project.get("implementing_unit"),
           tuple((r["level2"], r["indicator"], r["value"]) for r in records))
    if records and sig in run.printed:  # a volume printing one table twice: one project
        run.reported += [(c, f"{REPEATED} ({run.printed[sig]})", pid) for c in _cells(t)]
        return
    run.printed[sig] = pid
    _keep(project, records, header, pid, run)
    del toks


def _cells(t: GridTable) -> list[Cell]:
    return [c for r in _rows(t) for c in r.cells if c.text and not c.spanned]


def _keep(project: dict, records: list[dict], header, pid: str, run: _Run) -> None:
    """Add a table's project, records and header extras to the output."""
    src = run.src
    project["indicator_count"] = len(records)
    if records:
        project["status"], project["status_reason"] = "complete", None
    else:
        project["status"], project["status_reason"] = "partial", "the table has no indicator row with a value"
    for rec in records:
        rec.update(project_id=pid, project=project.get("project"),
                   implementing_unit=project.get("implementing_unit"), source_file=src)
    run.out.projects.append(project)
    run.out.indicators.extend(records)
    run.out.header_extras += [{"project_id": pid, "source_file": src, "label": e["label"],
                               "field": e["field"] or None, "value": e["value"],
                               "line": e["tok"].line if e["tok"] is not None else None,
                               "page": e["tok"].page if e["tok"] is not None else None,
                               "address": e["tok"].cell.address if e["tok"] is not None else None}
                              for e in header.extras]


def _report(doc: Document, run: _Run) -> None:
    """The rows no table read reported, and every reported cell made an ``unparsed`` row, once, in line order."""
    reported = run.reported
    for r in doc.rows:
        if id(r) not in run.consumed:
            reported += [(c, "outside any table", None) for c in r.cells if c.text and not c.spanned]
    seen: set[int] = set()
    for item, reason, pid in reported:
        cell = item.cell if hasattr(item, "cells") else item  # the preamble reports tokens
        if id(cell) in seen or not cell.text:
            continue
        seen.add(id(cell))
        run.out.unparsed.append({"source_file": run.src, "line": cell.line, "page": cell.page, "project_id": pid,
                                 "text": cell.text, "reason": reason, "address": cell.address})
    run.out.unparsed.sort(key=lambda u: u["line"] or 0)
