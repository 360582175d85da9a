"""A text's pipe rows read as the grid they were: one grid, many projects, flattened to text.

A workbook or web page that prints every project of a unit in ONE grid, the project in
a column (单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | … | 指标值 | 度量单位), often
reaches us as text, a row a line, its cells between pipes. The cells a merged cell
spans down are not printed again: a project's later rows print only their own cells,
so a row holds fewer cells than the header, its first ones missing. Read by the token
path, the project column is lost; read on the grid, it splits the grid into projects
(:func:`budgetkit.recognise.grid.recognise_grids`).

:func:`pipe_grid` gives the document with such a table's rows made a grid: the header's
cells take their columns in order; a shorter row is placed by its anchors (a level-1 or
level-2 label, a comparator: the cell of a column whose role the header names), else
it ends at the last column (the cells it lacks are the first ones, merged down from above). Only a table whose header
names a project column beside the indicator columns is made a grid: any other pipe
table reads as text, as before.

Examples:
    >>> from budgetkit.model.cells import Cell, Document, Row
    >>> def pipes(*cells):
    ...     return Row([Cell(t, 1, delimited=True) for t in cells], hard=True)
    >>> doc = Document("t.txt", [pipes("项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标值"),
    ...                          pipes("甲项目", "10", "产出指标", "数量指标", "户数", "200户"),
    ...                          pipes("质量指标", "合格率", "100%")], kind="text")
    >>> [[c.col for c in r.cells] for r in pipe_grid(doc).rows[1:]]
    [[0, 1, 2, 3, 4, 5], [3, 4, 5]]
"""

from __future__ import annotations

import logging
from dataclasses import replace

from budgetkit.model import rules
from budgetkit.model.cells import Document, Row
from budgetkit.recognise.grid_columns import _COMPARATOR_RE, column_roles
from budgetkit.vocab.vocabulary import lookup

__all__ = ["pipe_grid"]

logger = logging.getLogger(__name__)

def _is_pipe_row(row: Row) -> bool:
    return bool(row.cells) and all(c.delimited for c in row.cells)


def _header_roles(row: Row) -> dict[int, str] | None:
    """The roles of ``row``'s cells in order, when it is an indicator header with a project column."""
    if not _is_pipe_row(row) or len(row.cells) < 4:
        return None
    roles = column_roles(Row([replace(c, col=k) for k, c in enumerate(row.cells)]))
    if roles is None or "field:project" not in roles.values():
        return None
    return roles


def _anchor_roles(text: str) -> tuple[str, ...]:
    """The column roles a data cell shows by itself: a level label, a comparator.

    A level label stands in either level column: templates print a level-1 word as a level 2 (实施效果指标 | 产出指标).
    """
    if _COMPARATOR_RE.match(text):
        return ("nature",)
    m = lookup(text)
    if m is None or m.role("level1", "level2") is None:
        return ()
    return ("level1", "level2")


def _offset(row: Row, roles: dict[int, str], ncols: int) -> int:
    """The column of ``row``'s first cell: the place where most of its anchors stand in their columns.

    The cells a row does not print are most often those merged cells span down from above, its first ones:
    on a tie the row ends at the last column.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> roles = {0: "field:project", 1: "level1", 2: "level2", 3: "indicator", 4: "nature", 5: "value",
        ...          6: "score"}
        >>> def row(*texts):
        ...     return Row([Cell(t, 1, delimited=True) for t in texts])
        >>> _offset(row("效益指标", "社会效益指标", "满意度", "≥", "95"), roles, 7)  # its last cell blank
        1
        >>> _offset(row("实施效果指标", "产出指标", "合格率", "", "100%", "10"), roles, 7)
        1
        >>> _offset(row("合计", "100"), roles, 7)
        5
    """
    n = len(row.cells)
    if n >= ncols:
        return 0
    anchors = [_anchor_roles(c.text) for c in row.cells]
    best = ncols - n
    score = sum(roles.get(best + i) in a for i, a in enumerate(anchors))
    for off in range(ncols - n):
        hits = sum(roles.get(off + i) in a for i, a in enumerate(anchors))
        if hits > score:
            best, score = off, hits
    return best


def pipe_grid(doc: Document) -> Document | None:
    """``doc`` with each pipe table whose header names a project column made a grid, else ``None``.

    Reading rule ``grid.pipe-table-as-grid`` (one grid, many projects, flattened to text).

    The grid runs from its header over the pipe rows below it, to the first row that is no pipe row.
    """
    rows = list(doc.rows)
    grid = 0
    j = 0
    while j < len(rows):
        roles = _header_roles(rows[j]) if doc.kind == "text" else None
        if roles is None or not rules.enabled("grid.pipe-table-as-grid"):
            j += 1
            continue
        ncols = len(rows[j].cells)
        rows[j] = Row([replace(c, col=k) for k, c in enumerate(rows[j].cells)], hard=True, grid=grid)
        j += 1
        while j < len(rows) and _is_pipe_row(rows[j]) and _header_roles(rows[j]) is None:
            off = _offset(rows[j], roles, ncols)
            rows[j] = Row([replace(c, col=off + k) for k, c in enumerate(rows[j].cells)], hard=True, grid=grid)
            j += 1
        grid += 1
    if not grid:
        return None
    logger.info("%s: %d pipe table(s) with a project column read as a grid", doc.path, grid)
    return Document(doc.path, rows, kind=doc.kind, units=doc.units, unit_name=doc.unit_name,
                    unreadable=doc.unreadable)
