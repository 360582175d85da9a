"""The grid's table finder: each indicator header opens a section, which runs on over page breaks.

A header repeated at the top of the next page, with no header field between, continues the section; so does
the rest of a grid drawn with fewer columns. The rows above a header, back to the end of the section before,
are the table's header block (read by :mod:`budgetkit.recognise.grid_head`).

Examples:
    >>> _column_map({0: "level1", 1: "indicator", 2: "indicator", 3: "value"}, 4, 3)
    {0: 0, 1: 1, 2: 3}
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from budgetkit.model import rules
from budgetkit.model.cells import Document, Row
from budgetkit.recognise.grid_columns import _field_row, _has_name, _is_end, _refine, _texts, column_roles
from budgetkit.vocab.vocabulary import lookup

logger = logging.getLogger(__name__)


@dataclass
class GridTable:
    """One target table found on a grid: its header block, its indicator header and section rows."""

    head: list[Row] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    header_rows: list[Row] = field(default_factory=list)
    project: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _new_fields(row: Row, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``row`` prints a header field and its value (项目名称 | 信访业务培训): a table's header block.

    A header repeated at the top of a page never has one above it, unless it prints the table's own fields
    again (``seen``: the texts of the table's header block and header rows); a row of column labels only
    (单位(项目)名称 | 资金总额 | 绩效目标, the labels of a grid of many projects) is the header's, not a field.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def row(*texts):
        ...     return Row([Cell(t, 1, col=k) for k, t in enumerate(texts)], grid=1)
        >>> _new_fields(row("项目名称", "信访业务培训"))
        True
        >>> _new_fields(row("项目名称", "信访业务培训"), seen=frozenset({"项目名称 信访业务培训"}))
        False
        >>> _new_fields(row("一级指标", "二级指标")), _new_fields(row("单位(项目)名称", "资金总额", "绩效目标"))
        (False, False)
    """
    if " ".join(_texts(row)) in seen:
        return False
    terms = [lookup(c.text) for c in row.cells if c.text and not c.spanned]
    field = any(m is not None and m.role("field") is not None and m.role("level1", "level2", "indicator") is None
                for m in terms)
    return field and any(m is None for m in terms)


def _repeated_header(rows: Sequence[Row], k: int, roles: dict[int, str],
                     seen: frozenset[str] = frozenset()) -> int | None:
    """Where the rows after the indicator header repeated at the top of the grid starting at ``k`` start.

    ``seen``: the texts of the table's header rows, which a page may print again above the header.
    """
    grid = rows[k].grid
    for i in range(k, min(k + 4, len(rows))):
        if rows[i].grid != grid:
            return None
        if _new_fields(rows[i], seen) and rules.enabled("grid.fields-open-a-table"):
            return None  # 项目名称 … above the header: the next table's header block, no header repeated
        again = column_roles(rows[i])
        if again is not None:
            if {c: r for c, r in again.items() if not r.startswith(("field:", "goal:"))} != {
                    c: r for c, r in roles.items() if not r.startswith(("field:", "goal:"))}:
                return None
            nxt = i + 1
            if nxt < len(rows) and rows[nxt].grid == grid and _refine(again, rows[nxt]) is not None:
                nxt += 1
            return nxt
    return None


def _continuation(rows: Sequence[Row], j: int, grid: int | None, ncols: int,
                  roles: dict[int, str] | None = None, heads: frozenset[str] = frozenset(),
                  seen: frozenset[str] = frozenset()) -> int | None:
    """Where the section broken off at ``rows[j]`` (a row outside its grid) goes on, else ``None``.

    Between the two grid parts only short text outside any grid may stand (a page
    number, a running head, the table's own title and unit line printed again: ``heads``);
    the next grid goes on when it opens with the indicator header repeated (under the table's own fields
    printed again, ``seen``, if any), or with a row of the same columns that is no field or title row.
    """
    k = j
    while k < len(rows) and rows[k].grid is None:
        texts = _texts(rows[k])
        if texts and " ".join(texts) not in heads and (len("".join(texts)) > 40 or _field_row(rows[k])):
            return None
        k += 1
    if k >= len(rows) or rows[k].grid == grid or k - j > 6:
        return None
    nxt = rows[k]
    if column_roles(nxt) is not None or (roles is not None and _repeated_header(rows, k, roles, seen) is not None):
        return k
    if _field_row(nxt) or _is_end(nxt, {}):
        return None
    cols = max((c.col for c in nxt.cells if c.col is not None), default=-1) + 1
    if cols == ncols:
        return k
    return k if roles is not None and _column_map(roles, ncols, cols) is not None else None


def _column_map(roles: dict[int, str], ncols: int, cols: int) -> dict[int, int] | None:
    """How the columns of a continuation drawn with fewer columns map onto the section's, else ``None``.

    A page may draw the rest of a table without the columns a header cell spanned (三级指标 over two
    columns): its columns are the section's with each run of columns of one role made one.

    Examples:
        >>> _column_map({0: "level1", 1: "indicator", 2: "indicator", 3: "value"}, 4, 3)
        {0: 0, 1: 1, 2: 3}
    """
    firsts = [c for c in range(ncols) if c == 0 or roles.get(c) is None or roles.get(c) != roles.get(c - 1)]
    return dict(enumerate(firsts)) if len(firsts) == cols else None


def _remapped(row: Row, mapping: dict[int, int]) -> Row:
    """``row`` with its cells moved to the columns ``mapping`` gives."""
    return Row([replace(c, col=mapping.get(c.col, c.col)) if c.col is not None else c for c in row.cells],
               hard=row.hard, grid=row.grid)


def find_tables(doc: Document) -> list[GridTable]:
    """The target tables on the grids of ``doc``, in reading order (see the module docstring)."""
    rows = doc.rows
    tables: list[GridTable] = []
    prev_end = 0
    j = 0
    while j < len(rows):
        roles = column_roles(rows[j]) if rows[j].grid is not None else None
        if roles is None:
            j += 1
            continue
        section = _Section.open(rows, j, roles, prev_end)
        j = section.run()
        section.table.roles = _level_columns(section.table.roles, section.table.rows)
        tables.append(section.table)
        prev_end = j
    return tables


@dataclass
class _Section:
    """An indicator section being read down the rows from its header: where it is, on which grid, how wide."""

    rows: Sequence[Row]
    table: GridTable
    grid: int | None
    ncols: int
    j: int

    @classmethod
    def open(cls, rows: Sequence[Row], h: int, roles: dict[int, str], prev_end: int) -> _Section:
        """The section whose indicator header is ``rows[h]`` (with the refining row under it), its head above."""
        row = rows[h]
        start = h + 1
        if start < len(rows) and rows[start].grid == row.grid and (refined := _refine(roles, rows[start])):
            roles, start = refined, start + 1
        table = GridTable(head=list(rows[prev_end:h]), roles=roles, header_rows=list(rows[h:start]))
        ncols = max((c.col for c in row.cells if c.col is not None), default=-1) + 1
        return cls(rows, table, row.grid, ncols, start)

    def run(self) -> int:
        """Read the section's rows; where it ends."""
        rows = self.rows
        while self.j < len(rows):
            r = rows[self.j]
            if not r.cells:
                self.j += 1
                continue
            if r.grid != self.grid:
                if not self._go_on():
                    break
                continue
            if not self._take(r):
                break
        return self.j

    def _ends(self, r: Row) -> bool:
        roles = self.table.roles
        return _field_row(r, roles) or (_is_end(r, roles) and any(_has_name(x, roles) for x in self.table.rows))

    def _take(self, r: Row) -> bool:
        """Take a row of the section's grid: a repeated header, a row; ``False`` where it ends the section."""
        rows, table = self.rows, self.table
        again = column_roles(r)
        if again is not None and rules.enabled("grid.header-repeated"):  # the header repeated (a new page)
            table.header_rows.append(r)
            self.j += 1
            if self.j < len(rows) and rows[self.j].grid == self.grid and _refine(again, rows[self.j]) is not None:
                table.header_rows.append(rows[self.j])
                self.j += 1
            return True
        if self._ends(r) and rules.enabled("grid.end-at-label-row"):
            return False
        table.rows.append(r)
        self.j += 1
        return True

    def _go_on(self) -> bool:
        """Go on in the next grid where the section goes on over a page (:func:`_continuation`), else ``False``."""
        rows, j, roles = self.rows, self.j, self.table.roles
        heads = frozenset(" ".join(_texts(x)) for x in self.table.head if x.grid is None and x.cells)
        seen = frozenset(" ".join(_texts(x)) for x in [*self.table.head, *self.table.header_rows]
                         if x.grid is not None and x.cells)
        k = _continuation(rows, j, self.grid, self.ncols, roles, heads, seen)
        if k is None or not rules.enabled("grid.continue-over-pages"):
            return False
        self.table.rows.extend(rows[j:k])  # reported as outside the table
        self.grid, self.j = rows[k].grid, k
        cols = max((c.col for c in rows[k].cells if c.col is not None), default=-1) + 1
        mapping = _column_map(roles, self.ncols, cols) if cols != self.ncols else None
        again = _repeated_header(rows, k, roles, seen)
        if again is not None:
            self.table.header_rows.extend(rows[k:again])
            self.j = again
        elif mapping is not None and rules.enabled("grid.fewer-columns-continuation"):
            return self._fewer_columns(mapping)
        return True

    def _fewer_columns(self, mapping: dict[int, int]) -> bool:
        """Take the rest of the grid, drawn with fewer columns, mapped onto the section's; ``False`` where it ends."""
        rows = self.rows
        while self.j < len(rows) and rows[self.j].grid == self.grid:
            r2 = _remapped(rows[self.j], mapping)
            if self._ends(r2):
                break
            self.table.rows.append(r2)
            self.j += 1
        return not (self.j < len(rows) and rows[self.j].grid == self.grid)


def _level_columns(roles: dict[int, str], rows: Sequence[Row]) -> dict[int, str]:
    """``roles`` with a column of level-1 labels under a header naming no level made the level-1 column.

    The pre-101 template heads its 投入/产出/效果 column 绩效目标, a goal label elsewhere.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def row(*texts):
        ...     return Row([Cell(t, 1, col=k) for k, t in enumerate(texts)], grid=0)
        >>> _level_columns({0: "goal:goal", 1: "level2", 2: "indicator", 3: "value"},
        ...                [row("投入", "成本目标", "物业费", "≤100%"), row("产出", "数量目标", "面积", "≥5平方米")])[0]
        'level1'
    """
    if "level1" in roles.values():
        return roles
    for col, role in roles.items():
        if role not in ("section",) and not role.startswith(("goal:", "field:")):
            continue
        texts = [c.text for r in rows for c in r.cells if c.col == col and c.text and not c.spanned]
        if texts and all((m := lookup(t)) is not None and m.role("level1") is not None for t in texts):
            return {**roles, col: "level1"}
    return roles
