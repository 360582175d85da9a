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
from pathlib import Path

from budgetkit.model.cells import Document
from budgetkit.recognise.grid_head import _column_fields, _head_start, _project
from budgetkit.recognise.grid_projects import _split_by_project
from budgetkit.recognise.grid_records import LEVEL_ONLY, section_records
from budgetkit.recognise.grid_tables import GridTable, find_tables
from budgetkit.recognise.packed_cells import recognise_packed
from budgetkit.recognise.tables import (
    Recognised,
    _finish_amounts,
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
    stem = Path(src).stem
    out = Recognised()
    consumed: set[int] = set()
    reported: list[tuple] = []
    tables: list[GridTable] = []
    lo = 0
    for t in found:
        rows = t.head
        if rows:
            page = next((c.page for c in t.header_rows[0].cells if c.page is not None), None)
            at = _head_start(rows, page, t.header_rows[0].grid)
            t.head = rows[at:]
        tables.extend(_split_by_project(t))
    for t in tables:
        consumed.update(id(r) for r in [*t.head, *t.header_rows, *t.rows])
    first_head = next((r for r in tables[0].head + tables[0].header_rows), None)
    pre = []
    for r in doc.rows:
        if r is first_head:
            break
        pre.append(r)
    used: set[int] = set()
    pre_toks = stream(pre)
    out.documents.append(_preamble(pre_toks, src, used, reported))
    for tok in pre_toks:
        if id(tok) not in used:
            reported.append((tok.cell, _outside_reason(tok), None))
    consumed.update(id(r) for r in pre)
    carry_year = year
    carry_scale = None  # a grid split by its project column prints its unit line above its first project only
    printed: dict[tuple, str] = {}
    for k, t in enumerate(tables, 1):
        pid = f"{stem}#{k:02d}"
        project, header, toks = _project(t, pid, src, carry_year)
        carry_scale = header.scale if t.head else carry_scale
        if t.fields:
            if any(r in t.fields for r in ("field:total", "field:annual_total", "field:fund_total")):
                for key in ("total_wan", "annual_total_wan", "total_basis"):
                    project.pop(key, None)
            if "field:project" in t.fields:
                project["project"] = None
            extras = _column_fields(project, t.fields, header.scale or carry_scale)
            if project.get("kind") == "department" and (not project.get("project") or "field:department" in t.fields):
                project["project"] = project.get("department")
            _finish_amounts(project)
            header.extras += [{"label": lb, "field": None, "value": v, "tok": None} for lb, v in extras]
        carry_year = project.get("year") or carry_year
        for tok, reason in header.leftovers:
            reported.append((tok.cell, reason, pid))
        records, left = section_records(t.rows, t.roles, pid)
        if not records and not any(why != LEVEL_ONLY for _, why in left) and not project.get("project"):
            # an empty template (a header and level labels, no indicator): no project
            reported += [(c, EMPTY_TEMPLATE, None) for r in [*t.head, *t.header_rows, *t.rows]
                         for c in r.cells if c.text and not c.spanned]
            continue
        reported += [(c, why, pid) for c, why in left]
        sig = (project.get("project"), project.get("implementing_unit"),
               tuple((r["level2"], r["indicator"], r["value"]) for r in records))
        if records and sig in printed:  # a volume printing one table twice: one project
            reported += [(c, f"{REPEATED} ({printed[sig]})", pid) for r in [*t.head, *t.header_rows, *t.rows]
                         for c in r.cells if c.text and not c.spanned]
            continue
        printed[sig] = pid
        project["indicator_count"] = len(records)
        if records:
            project["status"], project["status_reason"] = "complete", None
        else:
            project["status"], project["status_reason"] = "partial", "the table has no indicator row with a value"
        for rec in records:
            rec.update(project_id=pid, project=project.get("project"),
                       implementing_unit=project.get("implementing_unit"), source_file=src)
        out.projects.append(project)
        out.indicators.extend(records)
        out.header_extras += [{"project_id": pid, "source_file": src, "label": e["label"], "field": e["field"] or None,
                               "value": e["value"], "line": e["tok"].line if e["tok"] is not None else None,
                               "page": e["tok"].page if e["tok"] is not None else None,
                               "address": e["tok"].cell.address if e["tok"] is not None else None}
                              for e in header.extras]
        del toks
    for r in doc.rows:
        if id(r) not in consumed:
            reported += [(c, "outside any table", None) for c in r.cells if c.text and not c.spanned]
    seen: set[int] = set()
    for item, reason, pid in reported:
        cell = item.cell if hasattr(item, "cells") else item  # the preamble reports tokens
        if id(cell) in seen or not cell.text:
            continue
        seen.add(id(cell))
        out.unparsed.append({"source_file": src, "line": cell.line, "page": cell.page, "project_id": pid,
                             "text": cell.text, "reason": reason, "address": cell.address})
    out.unparsed.sort(key=lambda u: u["line"] or 0)
    del lo
    return out
