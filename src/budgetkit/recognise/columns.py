"""A table's indicator columns, read from the labels at the start of its indicator section, and its annual rows.

:func:`read_columns` reads the column labels in any order and subset (a section printing none gets
一级/二级/三级/指标值): per-area target columns (a ``区域目标值`` label over the areas, or place names as heads),
two-row headers (the value group first, value sub-columns under 指标值), the level columns a header leaves
out. :func:`_annual_rows` then sets apart what is structure among the rows: the header printed again, section
headings, a block of long-term indicators above the annual one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.segment.tokens import Tok, assemble_labels, cut

__all__ = ["read_columns"]

#: A column: ``(role, printed label, area)``.
Col = tuple[str, str, str | None]
#: The columns of a section that prints no header.
_DEFAULT_COLUMNS: list[Col] = [("level1", "", None), ("level2", "", None), ("indicator", "", None),
                               ("value", "", None)]
_AREA_ROLES = ("area_values", "area_value")
#: Where a missing level column goes.
_LEVEL_AT = {"level1": 0, "level2": 1, "indicator": 2}

#: Why a row of a block of long-term indicators (长期绩效指标, above the annual block) is reported.
LONG_TERM_BLOCK = "long-term indicator: its block stands apart from the annual one, which is read"


def read_columns(body: list[Tok], areas: Sequence[str], used: set[int]
                 ) -> tuple[list[Col], list[Tok], list[str]]:
    """Read the column labels at the start of an indicator section; return them and the tokens after.

    Returns ``([(role, printed label, area)], the rest, printed labels)``. A
    section that prints no header gets 一级/二级/三级/指标值. A ``区域目标值``
    column is followed by one column per area (names cut from the header's
    补助区域 list or by their place-name endings). Value sub-columns printed on a
    second header row (``2021年实际实现值 | 预期2022年实现值`` under 指标值) take the
    place of the column above them.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.vocab.vocabulary import lookup
        >>> texts = ["一级指标", "二级指标", "三级指标", "区域目标值", "西坪镇", "埭头镇", "产出指标"]
        >>> toks = [Tok(t, (Cell(t, 1),), 2, match=lookup(t)) for t in texts]
        >>> cols, rest, printed = read_columns(toks, [], set())
        >>> [a or r for r, _, a in cols], [t.text for t in rest]
        (['level1', 'level2', 'indicator', '西坪镇', '埭头镇'], ['产出指标'])
        >>> [r for r, _, _ in read_columns(toks[-1:], [], set())[0]]
        ['level1', 'level2', 'indicator', 'value']
    """
    cols: list[Col] = []
    i = 0
    toks = assemble_labels(cut(body, ("column", "section"), run_together=True, min_run=2), ("column", "section"))
    while i < len(toks) and (taken := _columns_at(toks, i, cols, areas)) is not None:
        cols.extend(taken)
        used.add(id(toks[i]))
        i += 1
    rest = toks[i:]
    if not cols:
        return list(_DEFAULT_COLUMNS), rest, []
    printed = [p for _, p, _ in cols]
    cols = _value_subcolumns(_value_group_first([c for c in cols if c[0] != "area_values"]))
    return _with_levels(cols), rest, printed


def _columns_at(toks: Sequence[Tok], i: int, cols: Sequence[Col], areas: Sequence[str]) -> list[Col] | None:
    """The columns header cell ``toks[i]`` prints (``[]``: none); ``None`` where the header ended before it.

    Reading rule ``columns.area-names-cut``.
    """
    tok = toks[i]
    term = tok.role("column")
    if term is not None and tok.role("level1", "level2") is None:
        return [(term.field, tok.text, None)]
    if tok.role("section") is not None and not cols:
        return []
    if _area_head(tok, toks[i + 1] if i + 1 < len(toks) else None, cols):
        # place names after the column labels, each a cell, no 区域目标值 above them: one target column per area
        return [("area_value", tok.text.strip(), tok.text.strip())]
    if cols and tok.match is None and tok.text and _names_follow(cols):
        # (after the name column and no value column: place names run together, one target column each)
        names = _area_names(tok.text, areas)
        if names and (cols[-1][0] in _AREA_ROLES or len(names) > 1) and rules.enabled("columns.area-names-cut"):
            return [("area_value", n, n) for n in names]
    if not tok.text and cols:
        return []
    return None


def _area_head(tok: Tok, after: Tok | None, cols: Sequence[Col]) -> bool:
    """Whether ``tok`` is a place name heading a target column of its own (no 区域目标值 over the areas).

    Reading rule ``columns.place-names-as-areas``.
    """
    return bool(cols) and not any(c[0] == "area_values" for c in cols) and _is_place(tok) and (
        cols[-1][0] == "area_value" or after is not None and _is_place(after)) \
        and rules.enabled("columns.place-names-as-areas")


def _names_follow(cols: Sequence[Col]) -> bool:
    """Whether area names may follow the columns read: after an area column, or a name column and no value's."""
    roles = [c[0] for c in cols]
    return cols[-1][0] in _AREA_ROLES or "indicator" in roles and not any(r in ("value", "area_values") for r in roles)


def _value_group_first(cols: list[Col]) -> list[Col]:
    """The columns of a two-row header printing the value group first, the second row's in place of its value.

    Reading rule ``columns.value-group-first``.

    (年度指标值 | 实际完成值 | 分值 | 得分 on the first row, 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 |
    度量单位 on the second: the second row's columns take the place of the first row's value column.)
    """
    roles = [c[0] for c in cols]
    if "level1" in roles and "value" in roles[: roles.index("level1")] and any(
            r in ("value", "nature", "measure_unit") for r in roles[roles.index("level1") :]) \
            and rules.enabled("columns.value-group-first"):
        at = roles.index("level1")
        first, second = cols[:at], cols[at:]
        k = [c[0] for c in first].index("value")
        return [*second, *first[k + 1 :]]
    return cols


def _value_subcolumns(cols: list[Col]) -> list[Col]:
    """The columns with value sub-columns on a second header row in place of the value column above them.

    Reading rule ``columns.value-subcolumns``.
    """
    roles = [c[0] for c in cols]
    if roles.count("value") > 1 and roles.count("indicator") == 1:
        first_v = roles.index("value")
        subs = [c for c in cols[first_v + 1 :] if c[0] in ("value", "value_prior", "value_actual")]
        if subs and rules.enabled("columns.value-subcolumns"):
            others = [c for c in cols[first_v + 1 :] if c not in subs]
            return cols[:first_v] + subs + others
    return cols


def _with_levels(cols: list[Col]) -> list[Col]:
    """The columns with the level, name and value columns the header leaves out (printing nothing).

    Reading rule ``levels.level2-word-as-name``.
    """
    roles = [c[0] for c in cols]
    two_labels = "level2" not in roles and "level1" in roles and "indicator" in roles \
        and roles.index("indicator") == roles.index("level1") + 1
    for need in ("level1", "level2", "indicator"):
        if need == "level2" and two_labels and rules.enabled("levels.level2-word-as-name"):
            continue  # 指标类型 | 指标名称: the level-2 word stands in the name column as the indicator's name
        if need not in [c[0] for c in cols]:
            cols.insert(min(_LEVEL_AT[need], len(cols)), (need, "", None))
    if "value" not in [c[0] for c in cols] and not any(c[0] == "area_value" for c in cols):
        cols.append(("value", "", None))
    return cols


def _opens_long_term(tok: Tok) -> bool:
    term = tok.role("section")
    return term is not None and term.field == "long_term"


def _annual_rows(body: list[Tok], roles: Sequence[str], long_term: bool, used: set[int], reported: list,
                 pid: str) -> list[Tok]:
    """The tokens of the annual rows, a repeated header and long-term blocks set apart.

    Reading rules ``rows.long-term-apart``, ``rows.repeated-header``.

    Column labels printed again (a new page, or a header over the annual block) and section headings are
    structure; the rows of a block of long-term indicators (``long_term``: the section opens with one) are
    reported apart where an annual block follows.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.vocab.vocabulary import lookup
        >>> texts = ["道路维修里程", "30公里", "年度绩效指标", "一级指标", "二级指标", "指标值", "产出指标", "10公里"]
        >>> toks = [Tok(t, (Cell(t, 1),), 2, match=lookup(t)) for t in texts]
        >>> reported = []
        >>> [t.text for t in _annual_rows(toks, ["level1", "level2", "value"], True, set(), reported, "p#1")]
        ['产出指标', '10公里']
        >>> [t.text for t, _, _ in reported]
        ['道路维修里程', '30公里']
    """
    labelled = [t.match is not None and t.role("section", "column") is not None for t in body]
    if not long_term and not any(labelled):
        return body  # (no heading or column label among the rows: nothing to set apart)
    # a long-term block is set apart only where an annual block follows it (else its rows are the table's)
    annual = any((term := t.role("section")) is not None and term.field != "long_term"
                 for t, lab in zip(body, labelled, strict=True) if lab)
    long_term = long_term and annual
    out: list[Tok] = []
    i = 0
    while i < len(body):
        tok = body[i]
        if (term := tok.role("section")) is not None:
            long_term = term.field == "long_term" and annual
            used.add(id(tok))
            i += 1
            continue
        run = _header_run(body, i, roles)
        if sum(1 for t in body[i:run] if t.text) >= 2 and rules.enabled("rows.repeated-header"):
            used.update(id(t) for t in body[i:run])  # its header printed again (a new page, over the annual block)
            i = run
            continue
        if long_term and tok.text and rules.enabled("rows.long-term-apart"):
            _set_apart(tok, used, reported, pid)
        else:
            out.append(tok)
        i += 1
    return out


def _header_run(body: Sequence[Tok], i: int, roles: Sequence[str]) -> int:
    """Where the run of the section's column labels (and blank cells) from ``body[i]`` ends."""
    run = i
    while run < len(body) and (not body[run].text or (body[run].role("column") is not None
                                                      and body[run].role("column").field in roles)):
        run += 1
    return run


def _set_apart(tok: Tok, used: set[int], reported: list, pid: str) -> None:
    """A cell of a long-term block: its level labels are structure, its other cells reported (not used)."""
    if tok.role("level1", "level2") is None:
        reported.append((tok, LONG_TERM_BLOCK, pid))
    else:
        used.add(id(tok))


@cache
def _place_re() -> re.Pattern[str]:
    """A place name: a few characters and a place-name ending (``metadata/grid_words.csv``, kind ``place_ending``)."""
    endings = [r["word"] for r in read_metadata("grid_words") if r["kind"] == "place_ending"]
    return re.compile(r".{1,6}?(?:" + "|".join(map(re.escape, endings)) + ")")


def _is_place(tok: Tok) -> bool:
    """Whether a header cell is a place name alone (西坪镇尧山村, 埭头镇)."""
    return tok.match is None and _place_re().fullmatch("".join(tok.text.split())) is not None


def _area_names(text: str, areas: Sequence[str]) -> list[str]:
    """Area names run together in a header cell, cut by the 补助区域 list, else by place-name endings.

    Examples:
        >>> _area_names("西坪镇埭头镇", []), _area_names("东区 西区", []), _area_names("东片西片", ["东片", "西片"])
        (['西坪镇', '埭头镇'], ['东区', '西区'], ['东片', '西片'])
    """
    squeezed = re.sub(r"\s+", "", text)
    if areas and "".join(areas) == squeezed:
        return list(areas)
    if len(text.split()) > 1:
        parts = text.split()
        if all(_place_re().fullmatch(p) for p in parts):
            return parts
    names = _place_re().findall(squeezed)
    if names and "".join(names) == squeezed:
        return names
    return []
