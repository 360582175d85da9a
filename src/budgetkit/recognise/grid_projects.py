"""One grid, many projects: a section with a project column split into one table a project."""

from __future__ import annotations

import logging

from budgetkit.model import rules
from budgetkit.model.cells import Row
from budgetkit.recognise.grid_columns import _has_name
from budgetkit.recognise.grid_tables import GridTable

logger = logging.getLogger(__name__)


def _split_by_project(table: GridTable) -> list[GridTable]:
    """One table a project where the section holds a project column (its cells carried down).

    The header fields printed as columns of the section (项目总额, 绩效目标 …) are each table's.
    """
    cols = [c for c, r in table.roles.items() if r == "field:project"]
    if not cols:
        first = next((r for r in table.rows if r.grid is not None), None)
        if first is not None:
            _column_fields(first, table.roles, table.fields)
        return [table]
    if not rules.enabled("grid.project-column"):
        return [table]
    return _carry_unnamed(table, _by_project(table, cols))


def _column_fields(row: Row, roles: dict[int, str], into: dict[str, str]) -> dict[str, str]:
    """The header fields ``row`` prints in columns of the section (the first cell of each role), added to ``into``."""
    for c in row.cells:
        role = roles.get(c.col, "")
        if c.text and role.startswith(("field:", "goal:")) and role not in into:
            into[role] = c.text
    return into


def _by_project(table: GridTable, cols: list[int]) -> list[GridTable]:
    """The section's rows cut where the project column's text changes (a blank cell carries the project down)."""
    out: list[GridTable] = []
    current = None
    for row in table.rows:
        text = next((c.text for c in row.cells if c.col in cols and c.text), None)
        if text and text != current:
            current = text
            out.append(GridTable(head=table.head if not out else [], roles=table.roles,
                                 header_rows=table.header_rows, project=text,
                                 fields=_column_fields(row, table.roles, {})))
        if not out:
            out.append(GridTable(head=table.head, roles=table.roles, header_rows=table.header_rows))
        out[-1].rows.append(row)
    return out


def _carry_unnamed(table: GridTable, out: list[GridTable]) -> list[GridTable]:
    """Rows of no project's indicators (a 合计 row, a unit's own row) put with the next project's."""
    kept: list[GridTable] = []
    pending: list[Row] = []
    for t in out:
        if not any(_has_name(r, t.roles) for r in t.rows):
            pending += t.rows
            continue
        t.rows = pending + t.rows
        pending = []
        if not kept:
            t.head = table.head
        kept.append(t)
    if kept:
        kept[-1].rows += pending
    return kept or out
