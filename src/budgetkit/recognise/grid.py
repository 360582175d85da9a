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

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Document, Row
from budgetkit.model.fields import read_metadata
from budgetkit.recognise.compose import _compose
from budgetkit.recognise.header import read_header
from budgetkit.recognise.packed_cells import recognise_packed
from budgetkit.recognise.tables import (
    Recognised,
    _cut_header,
    _finish_amounts,
    _outside_reason,
    _preamble,
    _split_attribute,
    _structural,
    is_row_number,
)
from budgetkit.segment.tokens import assemble_labels, split_wrapped_tails, stream
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import load_units
from budgetkit.vocab.vocabulary import lookup, match_key, scan

__all__ = ["GridTable", "column_roles", "recognise_grids"]

logger = logging.getLogger(__name__)

_COMPARATOR_RE = re.compile(r"^(?:[≥≤><=≧≦≈]|>=|<=)$")
#: Column roles that make a row an indicator header, with a level-3 name column.
_VALUE_ROLES = ("value", "value_actual", "value_long_term", "area_values")


@cache
def _grid_words() -> dict[str, tuple[str, ...]]:
    """Word lists of the grid reader (``metadata/grid_words.csv``): kind → words."""
    out: dict[str, list[str]] = {}
    for row in read_metadata("grid_words"):
        out.setdefault(row["kind"], []).append(row["word"])
    return {k: tuple(v) for k, v in out.items()}


def _words(kind: str) -> tuple[str, ...]:
    return _grid_words().get(kind, ())


def cell_role(text: str) -> str | None:
    """The column role a header cell names (``indicator``, ``value``, ``level1`` …), else ``None``.

    A column the vocabulary knows is its field; a header field printed as a column (项目名称,
    项目总额, 绩效目标) is ``field:<name>`` or ``goal:<name>``; a short cell ending the way
    value, nature and unit columns end (本年绩效指标值, 绩效指标性质, 绩效度量单位) takes their role.

    Examples:
        >>> [cell_role(t) for t in ("三级指标", "目标值", "一级指标", "指标值(年度)", "分值", "性质", "产出指标", "")]
        ['indicator', 'value', 'level1', 'value', 'score', 'nature', None, None]
        >>> [cell_role(t) for t in ("本年绩效指标值", "绩效指标性质", "绩效度量单位", "项目名称", "项目总额")]
        ['value', 'nature', 'measure_unit', 'field:project', 'field:total']
    """
    if not text:
        return None
    m = lookup(text)
    if m is not None:
        term = m.role("column")
        if term is not None:
            return term.field
        term = m.role("field", "goal")
        if term is not None and m.role("level1", "level2") is None:
            return f"{term.role}:{term.field}"
        return "section" if m.role("section") is not None else None
    key = re.sub(r"\([^()]*\)分?$", "", match_key(text))  # a qualifier: 分值权重(90分)
    for row in read_metadata("grid_words"):
        if row["kind"] == "subcolumn" and key == row["word"]:
            return row["role"]
    if len(key) <= 10:
        for row in read_metadata("grid_words"):
            if row["kind"] == "column_suffix" and key.endswith(row["word"]):
                return row["role"]
    return None


def column_roles(row: Row) -> dict[int, str] | None:
    """The role of each column of an indicator header row, or ``None`` when ``row`` is none.

    A header names a level-3 column and a value column, or a level-3 column and a level column.

    Examples:
        >>> heads = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值"]
        >>> r = Row([Cell(t, 1, col=k) for k, t in enumerate(heads)])
        >>> column_roles(r)
        {0: 'section', 1: 'level1', 2: 'level2', 3: 'indicator', 4: 'value', 5: 'score'}
        >>> column_roles(Row([Cell("项目名称", 1, col=0), Cell("甲", 1, col=1)])) is None
        True
    """
    roles: dict[int, str] = {}
    for k, c in enumerate(row.cells):
        col = c.col if c.col is not None else k
        role = cell_role(c.text)
        if role is not None:
            roles[col] = role
    found = set(roles.values())
    if "indicator" not in found and found & set(_VALUE_ROLES) and "section" in found:
        # a 绩效指标 column over cells that glue the level labels to the name (部门整体 form, Beijing 2026)
        roles = {c: "indicator" if r == "section" else r for c, r in roles.items()}
        found = set(roles.values())
    if "indicator" in found and found & set(_VALUE_ROLES):
        return roles
    return None


def _refine(roles: dict[int, str], below: Row) -> dict[int, str] | None:
    """The roles under a two-row header (性质 | 值 | 单位 under 指标值), else ``None`` when ``below`` is no header."""
    sub = {(c.col if c.col is not None else k): r for k, c in enumerate(below.cells)
           if (r := cell_role(c.text)) is not None and not c.spanned}
    if not sub or any(c.text and not c.spanned and cell_role(c.text) is None for c in below.cells):
        return None
    out = dict(roles)
    for col, role in sub.items():
        out[col] = role
    return out


@dataclass
class GridTable:
    """One target table found on a grid: its header block, its indicator header and section rows."""

    head: list[Row] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    header_rows: list[Row] = field(default_factory=list)
    project: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _texts(row: Row) -> list[str]:
    return [c.text for c in row.cells if c.text]


#: Columns whose cells are read as the section's, never as the labels of a new table's header.
_SECTION_COLUMNS = ("level1", "level2", "indicator", *_VALUE_ROLES)


def _is_end(row: Row, roles: dict[int, str]) -> bool:
    """Whether ``row`` ends an indicator section: a note, signature, title or the next table's labels.

    A label counts as the row's first cell, outside the section's level, name and value columns (a level-2
    label 其他 is in one; an explanation 年初预算数 is not the row's first cell).
    """
    cells = [c for c in row.cells if c.text and not c.spanned]
    if not cells:
        return False
    key = match_key(cells[0].text)
    if any(key.startswith(w) for w in _words("end")):
        return True
    first = cells[0]
    if roles.get(first.col) in _SECTION_COLUMNS:
        return False
    m = lookup(first.text)
    return m is not None and m.role("level1", "level2") is None and (
        m.role("title", "field", "goal", "block", "subtable", "boilerplate", "furniture") is not None)


def _has_name(row: Row, roles: dict[int, str]) -> bool:
    """Whether ``row`` prints a level-3 name in its indicator column."""
    return any(c.text and roles.get(c.col) == "indicator" for c in row.cells)


def _field_row(row: Row, roles: dict[int, str] | None = None) -> bool:
    """Whether ``row`` prints a header field label (项目名称, 主管部门 …) or a title: a new table starts.

    Within a section (``roles``), only cells outside its level, name and value columns count: a level-2
    label 其他 is no 其他(资金) label.
    """
    for c in row.cells:
        if not c.text or c.spanned or (roles is not None and roles.get(c.col) in _SECTION_COLUMNS):
            continue
        m = lookup(c.text)
        if m is not None and m.role("title", "field") is not None and m.role("level1", "level2") is None:
            return True
        if m is None and len(c.text) <= 80 and scan(c.text, "title") is not None:
            return True
    return False


def _repeated_header(rows: Sequence[Row], k: int, roles: dict[int, str]) -> int | None:
    """Where the rows after the indicator header repeated at the top of the grid starting at ``k`` start."""
    grid = rows[k].grid
    for i in range(k, min(k + 4, len(rows))):
        if rows[i].grid != grid:
            return None
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
                  roles: dict[int, str] | None = None, heads: frozenset[str] = frozenset()) -> int | None:
    """Where the section broken off at ``rows[j]`` (a row outside its grid) goes on, else ``None``.

    Between the two grid parts only short text outside any grid may stand (a page
    number, a running head, the table's own title and unit line printed again: ``heads``);
    the next grid goes on when it opens with the indicator header repeated, or with a row
    of the same columns that is no field or title row.
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
    if column_roles(nxt) is not None or (roles is not None and _repeated_header(rows, k, roles) is not None):
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
        row = rows[j]
        roles = column_roles(row) if row.grid is not None else None
        if roles is None:
            j += 1
            continue
        h = j
        start = h + 1
        if start < len(rows) and rows[start].grid == row.grid and (refined := _refine(roles, rows[start])):
            roles, start = refined, start + 1
        table = GridTable(head=list(rows[prev_end:h]), roles=roles, header_rows=list(rows[h:start]))
        ncols = max((c.col for c in row.cells if c.col is not None), default=-1) + 1
        grid = row.grid
        j = start
        while j < len(rows):
            r = rows[j]
            if not r.cells:
                j += 1
                continue
            if r.grid != grid:
                heads = frozenset(" ".join(_texts(x)) for x in table.head if x.grid is None and x.cells)
                k = _continuation(rows, j, grid, ncols, roles, heads)
                if k is None or not rules.enabled("grid.continue-over-pages"):
                    break
                table.rows.extend(rows[j:k])  # reported as outside the table
                grid, j = rows[k].grid, k
                cols = max((c.col for c in rows[k].cells if c.col is not None), default=-1) + 1
                mapping = _column_map(roles, ncols, cols) if cols != ncols else None
                again = _repeated_header(rows, k, roles)
                if again is not None:
                    table.header_rows.extend(rows[k:again])
                    j = again
                elif mapping is not None and rules.enabled("grid.fewer-columns-continuation"):
                    # the rest of the grid, drawn with fewer columns
                    while j < len(rows) and rows[j].grid == grid:
                        r2 = _remapped(rows[j], mapping)
                        if _field_row(r2, roles) or (_is_end(r2, roles) and any(_has_name(x, roles)
                                                                                 for x in table.rows)):
                            break
                        table.rows.append(r2)
                        j += 1
                    if j < len(rows) and rows[j].grid == grid:
                        break
                continue
            again = column_roles(r)
            if again is not None and rules.enabled("grid.header-repeated"):  # the header repeated (a new page)
                table.header_rows.append(r)
                j += 1
                if j < len(rows) and rows[j].grid == grid and _refine(again, rows[j]) is not None:
                    table.header_rows.append(rows[j])
                    j += 1
                continue
            if (_field_row(r, roles) or (_is_end(r, roles) and any(_has_name(x, roles) for x in table.rows))) \
                    and rules.enabled("grid.end-at-label-row"):
                break
            table.rows.append(r)
            j += 1
        table.roles = _level_columns(table.roles, table.rows)
        tables.append(table)
        prev_end = j
    return tables


def _level_columns(roles: dict[int, str], rows: Sequence[Row]) -> dict[int, str]:
    """``roles`` with a column of level-1 labels under a header naming no level made the level-1 column.

    The pre-101 template heads its 投入/产出/效果 column 绩效目标, a goal label elsewhere.

    Examples:
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


# --- records ----------------------------------------------------------------------------------------------

#: Non-empty text rows outside any grid read with a table's header block (its title, its unit line).
_HEAD_TEXT_ROWS = 4


def _head_start(rows: Sequence[Row], page: int | None, grid: int | None) -> int:
    """Where the header block ``rows`` (the rows above an indicator header on ``page``, in ``grid``) starts.

    Rows of the header's grid belong to it; so does a grid just above that prints header
    fields where the header's own grid prints none (a form drawn as two tables); of the text
    rows outside any grid above them, the last few on the same page (a title, a unit line).
    """
    k = len(rows)
    texts = 0
    fields = False
    while k > 0:
        r = rows[k - 1]
        if r.grid is None and r.cells:
            rp = r.cells[0].page
            if texts >= _HEAD_TEXT_ROWS or (page is not None and rp is not None and rp < page):
                break
            texts += 1
        elif r.grid is not None and r.cells and r.cells[0].page is not None:
            page = min(page, r.cells[0].page) if page is not None else r.cells[0].page
        if r.grid is not None and r.grid != grid:
            if not any(_field_row(x) for x in rows[:k] if x.grid == r.grid):
                break
            grid = r.grid
        fields = fields or (r.grid is not None and _field_row(r))
        k -= 1
    return k


def _compose_row(row: Row, roles: dict[int, str]) -> tuple[dict[str, str], list[Cell], list[Cell]]:
    """The text of each role in ``row`` (cells of a role joined in column order), the cells read, the cells not.

    A merged cell's copies in the columns it spans read once; a 定性/定量 cell among the value's
    cells is the value's type, not part of it.
    """
    parts: dict[str, list[str]] = {}
    read: list[Cell] = []
    other: list[Cell] = []
    prev: Cell | None = None
    names = sum(1 for c in row.cells if c.text and not c.spanned and roles.get(c.col) == "indicator")
    for c in sorted(row.cells, key=lambda c: c.col if c.col is not None else 0):
        role = roles.get(c.col) if c.col is not None else None
        same_span = prev is not None and c.spanned and prev.text == c.text and roles.get(prev.col) == role
        prev = c
        if not c.text or same_span:
            continue
        if role == "indicator" and names > 1 and is_row_number(c.text):
            read.append(c)  # the row's goal number (目标1) in a column under the name's header: not the name's
            continue
        if role is None or role == "section" or role.startswith(("field:", "goal:")):
            if role is None:
                other.append(c)
            continue
        if role in _VALUE_ROLES and match_key(c.text) in _words("qualitative") \
                and rules.enabled("grid.value-type-cell"):
            role = "value_type"
        elif role == "value_type" and _COMPARATOR_RE.match(c.text) and rules.enabled("grid.comparator-in-type-column"):
            role = "nature"  # the 指标值类型 column prints the comparator (＝, ≤)
        parts.setdefault(role, []).append(c.text)
        read.append(c)
    by_role = {role: ("" if role in _VALUE_ROLES or role in ("nature", "measure_unit") else "").join(p)
               for role, p in parts.items()}
    return by_role, read, other


def _level(text: str | None, role: str) -> tuple[str | None, str | None]:
    """The canonical and printed level label of a level cell."""
    if not text:
        return None, None
    m = lookup(text)
    term = (m.role(role) or m.role("level1", "level2")) if m is not None else None
    if term is None and role == "level2":
        short = {r["word"]: r["role"] for r in read_metadata("grid_words") if r["kind"] == "short_level"}
        return short.get(match_key(text), text), text
    return (term.field if term is not None else text), text


def split_levels(text: str) -> tuple[str | None, str | None, str]:
    """Level labels printed glued before a name in one cell: ``(level1, level2, name)``.

    Examples:
        >>> split_levels("产出指标数量指标协调推进本市城市轨道交通建设线路数量")
        ('产出指标', '数量指标', '协调推进本市城市轨道交通建设线路数量')
        >>> split_levels("满意度")
        (None, None, '满意度')
    """
    found: dict[str, str] = {}
    rest = text
    for _ in range(2):
        for n in range(min(12, len(rest) - 1), 1, -1):
            m = lookup(rest[:n])
            term = m.role("level1", "level2") if m is not None and not m.reasons else None
            if term is not None and term.role not in found:
                found[term.role] = rest[:n]
                rest = rest[n:]
                break
        else:
            break
    return found.get("level1"), found.get("level2"), rest


def _column_text(row: Row, roles: dict[int, str], role: str) -> tuple[str, bool]:
    """The text of ``role``'s cells in ``row``, and whether one of them is a merged cell's copy."""
    cells = [c for c in row.cells if c.col is not None and roles.get(c.col) == role and c.text]
    return "".join(dict.fromkeys(c.text for c in cells)), any(c.spanned or c.rowspan > 1 for c in cells)


def _is_label(text: str, role: str) -> bool:
    m = lookup(text)
    return m is not None and m.role(role, "level1", "level2") is not None


def centred_levels(texts: Sequence[str]) -> list[str] | None:
    """The level label of each row where a grid prints each label at the middle of its block, else ``None``.

    Where a level column's cells are not merged, a label sits on the middle row of its
    block (an even block: on the lower of the two middle rows), and a label wrapped over
    two rows (``成本`` / ``指标``) sits around the rule between them. The blocks follow one
    another from the section's first row to its last; of the layouts that fit, an even block
    is tried first. ``None`` where no layout fits, or the column needs none (its first row
    prints a whole label and no label is wrapped).

    Examples:
        >>> laid = centred_levels(["成本", "指标", "", "", "产出指标", "", "", "效益指", "标", "满意度指标"])
        >>> [(t, laid.count(t)) for t in dict.fromkeys(laid)]
        [('成本指标', 2), ('产出指标', 5), ('效益指标', 2), ('满意度指标', 1)]
        >>> centred_levels(["", "数量指标", "", "质量指标", "时效指标"])
        ['数量指标', '数量指标', '质量指标', '质量指标', '时效指标']
        >>> centred_levels(["产出指标", "", "效益指标"]) is None
        True
    """
    n = len(texts)
    labels: list[tuple[int, int, str]] = []  # first row, last row, text
    k = 0
    wrapped = False
    while k < n:
        t = texts[k]
        if not t:
            k += 1
            continue
        if k + 1 < n and texts[k + 1] and not _is_label(texts[k + 1], "level1") \
                and _is_label(t + texts[k + 1], "level1"):
            labels.append((k, k + 1, t + texts[k + 1]))
            wrapped = True
            k += 2
            continue
        labels.append((k, k, t))
        k += 1
    if not labels or (not wrapped and texts[0]):
        return None

    def lay(i: int, start: int) -> list[int] | None:
        if i == len(labels):
            return [] if start == n else None
        a, b, _ = labels[i]
        nxt = labels[i + 1][0] if i + 1 < len(labels) else n
        centres = [a + 0.5] if b > a else [a - 0.5, float(a)]
        for c in centres:
            end = 2 * c - start
            if c < start or end != int(end) or end < b or end >= nxt:
                continue
            rest = lay(i + 1, int(end) + 1)
            if rest is not None:
                return [int(end), *rest]
        return None

    ends = lay(0, 0)
    if ends is None:
        return None
    out: list[str] = []
    for (_, _, text), end in zip(labels, ends, strict=True):
        out += [text] * (end + 1 - len(out))
    return out


_TARGET_RE = re.compile(r"(?:>=|<=|[≥≤><=≧≦])?\d+(?:\.\d+)?%?")
#: Why a value is not read in the order its cell gives.
REORDERED = "unit extracted before its number (set in a raised font) put after it"


def _is_unit(text: str) -> bool:
    units = load_units()
    return bool(text) and all(part in units for part in text.split("/"))


def reordered_value(text: str) -> str | None:
    """The value a cell gives out of order, its unit's pieces first (a raised font): else ``None``.

    Examples:
        >>> reordered_value("吨≥1000"), reordered_value("平≤5137.26方米"), reordered_value("小时 日=24 /")
        ('≥1000吨', '≤5137.26平方米', '=24小时/日')
        >>> reordered_value("≥1000吨") is None, reordered_value("每年2次") is None
        (True, True)
    """
    found = list(_TARGET_RE.finditer(text))
    if len(found) != 1 or found[0].start() == 0:
        return None
    m = found[0]
    pieces = [p for p in re.split(r"\s+", text[: m.start()] + " " + text[m.end():]) if p]
    if not pieces or len(pieces) > 4:
        return None
    for perm in itertools.permutations(pieces):
        if _is_unit("".join(perm)):
            return m.group(0) + "".join(perm)
    return None


def _placeholder_row(name: str, value: str | None) -> bool:
    words = _words("placeholder")
    return match_key(name) in words or is_placeholder(name, "name") or (
        value is not None and match_key(value) in words and not name)


#: Why the cells of a table printed a second time are reported (its first printing is read).
REPEATED = "the same table printed again"
#: Why the cells of a table with no project name and no indicator row are reported.
EMPTY_TEMPLATE = "an empty template table: no project name and no indicator row"
#: Why a row's level label is not the one printed in its row.
CENTRED = "level label read as printed at the middle of its block"
#: Why the cells of a row with level labels only are reported (an empty level-2 slot of the template).
LEVEL_ONLY = "level label without an indicator row"
#: Why the cells of a row without a level-3 name are reported.
NO_NAME = "cell of a row without a level-3 indicator name"


def section_records(rows: Sequence[Row], roles: dict[int, str], pid: str) -> tuple[list[dict], list[tuple]]:
    """Indicator records of an indicator section's rows, and ``(cell, reason)`` of the cells not read.

    Examples:
        >>> rows = [Row([Cell(t, n, col=k) for k, t in enumerate(r)], hard=True, grid=0) for n, r in enumerate(
        ...     [["产出指标", "数量指标", "发表论文(篇)", "≥", "150", "篇"], ["", "质量指标", "", "", "", ""],
        ...      ["", "时效指标", "完成时间", "定性", "按时", ""]], 1)]
        >>> roles = {0: "level1", 1: "level2", 2: "indicator", 3: "value", 4: "value", 5: "value"}
        >>> recs, left = section_records(rows, roles, "x#01")
        >>> [(r["level2"], r["indicator"], r["value"], r.get("value_type")) for r in recs]
        [('数量指标', '发表论文(篇)', '≥150篇', None), ('时效指标', '完成时间', '按时', '定性')]
        >>> [(c.text, why) for c, why in left]
        [('质量指标', 'level label without an indicator row')]
    """
    out: list[dict] = []
    left: list[tuple] = []
    level1: tuple[str | None, str | None] = (None, None)
    level2: tuple[str | None, str | None] = (None, None)
    glued_ok = bool({"level1", "level2"} & set(roles.values()))  # levels in columns of their own
    grid_rows = [r for r in rows if r.grid is not None]
    centred: dict[str, dict[int, str]] = {}
    for role in ("level1", "level2"):
        cols = [_column_text(r, roles, role) for r in grid_rows]
        if role in roles.values() and not any(merged for _, merged in cols):
            laid = centred_levels([t for t, _ in cols])
            if laid is not None and rules.enabled("grid.centred-levels"):
                centred[role] = {id(r): t for r, t in zip(grid_rows, laid, strict=True)}
    for row in rows:
        if row.grid is None:
            left += [(c, "outside the table, between its pages") for c in row.cells if c.text]
            continue
        reasons_row: list[str] = []
        by_role, read, other = _compose_row(row, roles)
        for role, laid in centred.items():
            if by_role.get(role) != laid[id(row)]:
                by_role[role] = laid[id(row)]
                reasons_row.append(CENTRED)
        if by_role.get("level1"):
            new = _level(by_role["level1"], "level1")
            if new[0] != level1[0]:
                level2 = (None, None)
            level1 = new
        if by_role.get("level2"):
            level2 = _level(by_role["level2"], "level2")
        name = by_role.get("indicator")
        if name and not glued_ok:
            l1, l2, rest = split_levels(name)
            if (l1 or l2) and rules.enabled("grid.levels-glued-to-name"):
                name = rest
                if l1:
                    level1, level2 = _level(l1, "level1"), (None, None)
                if l2:
                    level2 = _level(l2, "level2")
        values = _compose(by_role, [roles[k] for k in sorted(roles)])
        for key in ("value", "value_actual", "value_long_term"):
            if values.get(key) and (fixed := reordered_value(values[key])) is not None \
                    and rules.enabled("grid.reordered-value"):
                values[key] = fixed
                reasons_row.append(REORDERED)
        value = values.get("value") or values.get("value_actual")
        if not name:
            cells = [c for c in read + other if not c.spanned]
            only_levels = all(roles.get(c.col) in ("level1", "level2", "section") for c in read if not c.spanned)
            reason = LEVEL_ONLY if only_levels else NO_NAME
            left += [(c, reason) for c in cells]
            continue
        if _placeholder_row(name, value) and rules.enabled("grid.placeholder-row"):
            left += [(c, "template placeholder row (不适用)") for c in read if not c.spanned]
            continue
        if not value:
            left += [(c, "level-3 indicator without a value") for c in read if not c.spanned]
            continue
        cells = [c for c in read if roles.get(c.col) not in ("level1", "level2")] or read
        first = next((c for c in cells if roles.get(c.col) == "indicator"), cells[0])
        reasons = [r for c in cells for r in c.reasons] + reasons_row
        if other:
            reasons.append("cells in no column of the header: " + " ".join(c.text for c in other if not c.spanned))
        rec = {
            "level1": level1[0], "level2": level2[0], "level1_printed": level1[1], "level2_printed": level2[1],
            "indicator": name, "value": value,
            "line_start": first.line, "line_end": max(c.last_line for c in cells),
            "page_start": first.page, "page_end": cells[-1].page, "address": first.address,
            **{k: v for k, v in values.items() if k not in ("value",)},
            "confidence": "medium" if reasons else "high",
            "confidence_reasons": "; ".join(dict.fromkeys(reasons)) or None,
        }
        if rec.get("value_actual") == value and "value_actual" in by_role and "value" not in by_role:
            rec.pop("value_actual")
        out.append(rec)
    _backfill_leading(out)
    return out, left


def _backfill_leading(records: list[dict]) -> None:
    """Rows at the top of a section with blank level cells take the first labels below them.

    A merged level cell the reader split late leaves its first rows blank; no block is empty at the top.
    """
    for key in ("level1", "level2"):
        first = next((r for r in records if r[key] is not None), None)
        if first is None:
            continue
        for r in records:
            if r[key] is not None or not rules.enabled("grid.backfill-leading"):
                break
            if key == "level2" and r["level1"] not in (None, first["level1"]):
                break
            r[key], r[f"{key}_printed"] = first[key], first[f"{key}_printed"]
            reason = "blank level cell at the top of the section: the first label below is read"
            r["confidence"] = "medium"
            r["confidence_reasons"] = "; ".join(filter(None, [r["confidence_reasons"], reason]))


def _header(rows: Sequence[Row]):
    """The header block read as the token path reads a header (labels and values, amounts, the goal)."""
    toks = _structural(stream(rows))
    return read_header(assemble_labels(split_wrapped_tails(_cut_header(toks)))), toks


#: Header fields read as text (not amounts) from their label's cell and the next cell of its row.
_TEXT_FIELDS = ("project", "department", "implementing_unit")


def grid_fields(rows: Sequence[Row]) -> dict[str, str]:
    """Text fields of a header block drawn as a grid: each label's value is the next cell of its row.

    Examples:
        >>> row = Row([Cell(t, 1, col=k) for k, t in enumerate(["部门名称", "", "某办公室", "总体资金情况"])], grid=0)
        >>> grid_fields([row])
        {'department': '某办公室'}
    """
    out: dict[str, str] = {}
    grid_rows = [r for r in rows if r.grid is not None]
    for i, r in enumerate(grid_rows):
        cells = [c for c in r.cells if c.text and not c.spanned]
        for a, b in zip(cells, cells[1:], strict=False):
            m = lookup(a.text)
            term = m.role("field") if m is not None else None
            if term is None or term.field not in _TEXT_FIELDS or term.field in out:
                continue
            mb = lookup(b.text)
            if mb is None or mb.role("field", "goal", "block", "title", "column") is None:
                out[term.field] = b.text + _wrapped_on(grid_rows[i + 1:], a, b)
    return out


def _wrapped_on(below: Sequence[Row], label: Cell, value: Cell) -> str:
    """The rest of a value a page break wrapped into the next row: under a blank label cell, in its column."""
    if not below:
        return ""
    nxt = below[0]
    under_label = [c for c in nxt.cells if c.col == label.col]
    under_value = [c for c in nxt.cells if c.col == value.col and c.text and not c.spanned]
    if under_label and not any(c.text for c in under_label) and under_value and value.page is not None \
            and under_value[0].page == value.page + 1 and rules.enabled("name.wrapped-over-page"):
        return under_value[0].text
    return ""


def _is_title(text: str) -> bool:
    return any(match_key(text).endswith(w) for w in _words("title_suffix")) or scan(text, "title") is not None


_TITLE_HEAD_RE = re.compile(r"^[^\s。;:!?]{4,}$")


def _title(rows: Sequence[Row]) -> str | None:
    """The table's title in its header block: the last cell naming a target table.

    A title wrapped over two lines outside the grid is joined: the line above it goes with it where
    it is a run of text with no space or sentence end and names no table itself.

    Examples:
        >>> rows = [Row([Cell("301007_泉州市公安局晋江国际机场分局_机场公安综", 1)]), Row([]),
        ...         Row([Cell("合修缮改造项目绩效目标表", 3)])]
        >>> _title(rows)
        '301007_泉州市公安局晋江国际机场分局_机场公安综合修缮改造项目绩效目标表'
    """
    found = None
    above: str | None = None
    for r in rows:
        for c in r.cells:
            if c.text and not c.spanned and len(c.text) <= 80:
                if r.grid is None and above is not None and not _is_title(above) and len(above + c.text) <= 80 \
                        and _is_title(above + c.text):
                    found = above + c.text
                elif _is_title(c.text):
                    found = c.text
        texts = [c.text for c in r.cells if c.text]
        if r.cells:
            above = texts[0] if r.grid is None and len(texts) == 1 and _TITLE_HEAD_RE.match(texts[0]) else None
    return found


_TITLE_PREFIX_RE = re.compile(r"^(?:[\d一二三四五六七八九十]{1,2}[.、)]\s*)")


def _name_from_title(title: str) -> str | None:
    """The project's name where the form prints none: the title minus 项目绩效目标表 (or 绩效目标表).

    Examples:
        >>> _name_from_title("301008_泉州市公安局台商投资区分局_科技兴警项目绩效目标表")
        '301008_泉州市公安局台商投资区分局_科技兴警'
        >>> _name_from_title("项目支出绩效目标表") is None
        True
    """
    text = re.sub(r"\s+", "", title)
    for suffix in sorted(_words("title_suffix"), key=len, reverse=True):
        if text.endswith(suffix):
            name = _TITLE_PREFIX_RE.sub("", text[: -len(suffix)])
            return name or None
    return None


def _prints_name_label(rows: Sequence[Row]) -> bool:
    """Whether a grid row of ``rows`` prints the 项目名称 label (a field ``project``)."""
    for r in rows:
        for c in r.cells:
            if r.grid is not None and c.text and not c.spanned and (m := lookup(c.text)) is not None \
                    and (t := m.role("field")) is not None and t.field == "project":
                return True
    return False


def _project(table: GridTable, pid: str, src: str, year: int | None) -> tuple[dict, object, list]:
    """The project record of ``table`` from its header block, with provenance."""
    header, toks = _header(table.head)
    rec = dict(header.record)
    rec.update(grid_fields(table.head))
    title = _title(table.head)
    if not rec.get("project") and title and rec.get("kind") != "department" and not rec.get("department") \
            and not _prints_name_label(table.head) and rules.enabled("name.from-title"):
        # (a 项目名称 left blank is an unfilled form, not a title's name)
        rec["project"] = _name_from_title(title)
    cells = [c for r in [*table.head, *table.header_rows, *table.rows] for c in r.cells if c.text]
    first, last = (cells[0], cells[-1]) if cells else (None, None)
    project = {
        "project_id": pid, "year": rec.get("year") or year, "source_file": src,
        "line_start": first.line if first else None, "line_end": last.last_line if last else None,
        "page_start": first.page if first else None, "page_end": last.page if last else None,
        "address": next((c.address for c in cells if c.address), None),
        "indicator_columns": "|".join(dict.fromkeys(c.text for r in table.header_rows[:1] for c in r.cells
                                                    if c.text and not c.spanned)) or None,
        **{k: v for k, v in rec.items() if k != "year"},
    }
    if title and not project.get("table_title"):
        project["table_title"] = title
    kind = project.get("kind") or "project"
    if "value_actual" in table.roles.values():
        kind = "self_evaluation"
    project["kind"] = kind
    if not project.get("project") and kind == "department":
        project["project"] = project.get("department")
    _finish_amounts(project)
    _split_attribute(project)
    return project, header, toks


def _split_by_project(table: GridTable) -> list[GridTable]:
    """One table a project where the section holds a project column (its cells carried down).

    The header fields printed as columns of the section (项目总额, 绩效目标 …) are each table's.
    """
    cols = [c for c, r in table.roles.items() if r == "field:project"]
    if not cols:
        first = next((r for r in table.rows if r.grid is not None), None)
        if first is not None:
            for c in first.cells:
                role = table.roles.get(c.col, "")
                if c.text and role.startswith(("field:", "goal:")) and role not in table.fields:
                    table.fields[role] = c.text
        return [table]
    if not rules.enabled("grid.project-column"):
        return [table]
    out: list[GridTable] = []
    current = None
    for row in table.rows:
        text = next((c.text for c in row.cells if c.col in cols and c.text), None)
        if text and text != current:
            current = text
            fields = {}
            for c in row.cells:
                role = table.roles.get(c.col, "")
                if c.text and role.startswith(("field:", "goal:")) and role not in fields:
                    fields[role] = c.text
            out.append(GridTable(head=table.head if not out else [], roles=table.roles,
                                 header_rows=table.header_rows, project=text, fields=fields))
        if not out:
            out.append(GridTable(head=table.head, roles=table.roles, header_rows=table.header_rows))
        out[-1].rows.append(row)
    # rows of no project's indicators (a 合计 row, a unit's own row) go with the next project's
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


def _project_code(name: str) -> tuple[str | None, str]:
    """A project code printed on the line above the name in the name cell, and the name.

    Examples:
        >>> _project_code("11000021T000000117273-部门预算绩效管理工作经费")
        ('11000021T0000001172', '73-部门预算绩效管理工作经费')
        >>> _project_code("科技兴警")
        (None, '科技兴警')
    """
    for pattern in _words("project_code"):
        m = re.match(pattern, name)
        if m is not None and m.end() < len(name) and rules.enabled("name.code-line-apart"):
            return m.group(0), name[m.end():].strip()
    return None, name


def _column_fields(project: dict, fields: dict[str, str], scale: float | None) -> list[tuple[str, str]]:
    """Set the header fields a section prints as columns; return ``(label, text)`` of those kept as extras."""
    extras = []
    for role, text in fields.items():
        kind, name = role.split(":", 1)
        if kind == "goal":
            project.setdefault(name, text)
        elif name == "project":
            code, project["project"] = _project_code(text)
            if code:
                extras.append(("项目代码", code))
        elif name in ("department", "implementing_unit", "attribute", "period"):
            project[name] = text
        elif (amt := parse_amount(text)) is not None:
            name = "annual_total" if name == "fund_total" else name
            project[f"{name}_wan"] = round(amt[0] * (amt[1] or scale or 1.0), 6)
        else:
            extras.append((name, text))
    return extras


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
