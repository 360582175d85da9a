"""The columns of a grid's indicator section: the role each header cell names, and the row tests on them.

An indicator header (:func:`column_roles`) is a grid row whose cells name a level-3 name column and a value
column (or levels), in any order and subset; a second header row under it (性质 | 值 | 单位) refines the
columns it spans (:func:`_refine`). Within a section, a row that prints a header field or a title
(:func:`_field_row`), or a note, signature or next table's label (:func:`_is_end`), ends it.

Examples:
    >>> [cell_role(t) for t in ("三级指标", "目标值", "项目名称")]
    ['indicator', 'value', 'field:project']
"""

from __future__ import annotations

import logging
import re
from functools import cache

from budgetkit.model import rules
from budgetkit.model.cells import Row
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.vocabulary import lookup, match_key, scan

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
        >>> from budgetkit.model.cells import Cell
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
    """The roles under a two-row header (性质 | 值 | 单位 under 指标值), else ``None`` when ``below`` is no header.

    Reading rule ``grid.header-two-rows``.
    """
    sub = {(c.col if c.col is not None else k): r for k, c in enumerate(below.cells)
           if (r := cell_role(c.text)) is not None and not c.spanned}
    if not sub or any(c.text and not c.spanned and cell_role(c.text) is None for c in below.cells) \
            or not rules.enabled("grid.header-two-rows"):
        return None
    out = dict(roles)
    for col, role in sub.items():
        out[col] = role
    return out

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
