"""Align the cells of an indicator section to its columns, rows found where the evidence puts them.

The indicator section of a table is a stream of tokens (:mod:`budgetkit.segment.tokens`)
under a header that names its columns in any order and subset (``一级指标 二级指标
三级指标 指标值``, ``… 指标性质 指标值 度量单位 …``, ``… 指标解释 区域目标值 新罗区
永定区 …``). Blank cells often print nothing, merged cells print once, labels
wrap, a row may be one line or one cell per line. :func:`align` finds the
reading that costs least, by dynamic programming over the tokens: each token
goes to a column of the current row (skipping columns left blank), joins the
token before (a wrapped line), or starts a new row. What a token costs in a
column comes from its shape (a level label, a comparator, a unit, a number, a
measurable target, words); what a new row costs comes from the gap before the
token (a row the reader saw end costs nothing, cells of one printed row a lot).

The shapes of the pieces are :mod:`budgetkit.recognise.align_shapes`; what each choice costs, and the cost
model of one schema, :mod:`budgetkit.recognise.align_costs`; this module holds the schema, the forward pass
over the pieces and the backtrack that reads the rows off it.

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.segment.tokens import LINE, SAME, Tok
    >>> from budgetkit.vocab.vocabulary import lookup
    >>> def toks(*rows):
    ...     out = []
    ...     for n, row in enumerate(rows, 1):
    ...         out += [Tok(t, (Cell(t, n),), LINE if k == 0 else SAME, match=lookup(t)) for k, t in enumerate(row)]
    ...     return out
    >>> schema = make_schema(["level1", "level2", "indicator", "nature", "value", "measure_unit"])
    >>> rows = align(toks(["产出指标", "数量指标", "保障人数(人)", "=", "116", "人"],
    ...                   ["保障退休人数", "=", "81", "人"]), schema)
    >>> [[(schema[c].role, u.text) for u, c, _ in r.units] for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [[('level1', '产出指标'), ('level2', '数量指标'), ('indicator', '保障人数(人)'), ('nature', '='),
      ('value', '116'), ('measure_unit', '人')],
     [('indicator', '保障退休人数'), ('nature', '='), ('value', '81'), ('measure_unit', '人')]]
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from budgetkit.model.settings import setting
from budgetkit.recognise.align_costs import (
    BLANK_STARTS_ROW,
    FILLED,
    INF,
    MANY_PIECES,
    NEW_ROW,
    NEW_ROW_IN_RUN,
    SAME_ROW,
    SKIP_COST,
    CostModel,
    cost_model,
    emit,
    no_joins,
    piece_join,
    piece_joins,
    wrap_joins,
)
from budgetkit.recognise.align_shapes import (
    STANDARDS,
    VALUE_TYPES,
    Unit,
    blanks_part_cells,
    classify,
    continues,
    pieces,
    spaces_part_cells,
    width,
)
from budgetkit.segment.tokens import BLANK, BREAK, LINE, PIECE, SAME, Tok

#: Names kept here for their importers: the shapes now live in :mod:`budgetkit.recognise.align_shapes`.
__all__ = ["STANDARDS", "VALUE_TYPES", "Column", "Row", "Unit", "align", "align_section", "ambiguous", "classify",
           "make_schema", "pieces"]


@dataclass(frozen=True)
class Column:
    """One column of the indicator section: its role, label as printed, and group."""

    role: str
    printed: str = ""
    group: int = 0
    area: str | None = None


def make_schema(roles: Sequence[str], printed: Sequence[str] | None = None,
                areas: Sequence[str | None] | None = None) -> list[Column]:
    """The columns of a section from the roles of its header cells, a row heading column first.

    A header that repeats 二级/三级/指标值 (a long-term group beside the annual
    one) keeps the last group as the annual one; the earlier ones become
    ``level2_lt``, ``indicator_lt`` and ``value_long_term``.

    Examples:
        >>> [c.role for c in make_schema(["level1", "level2", "indicator", "value", "level2", "indicator", "value"])]
        ['section', 'level1', 'level2_lt', 'indicator_lt', 'value_long_term', 'level2', 'indicator', 'value']
    """
    printed = list(printed or [""] * len(roles))
    areas = list(areas or [None] * len(roles))
    roles = list(roles)
    if roles.count("indicator") > 1:
        last = max(i for i, r in enumerate(roles) if r == "indicator")
        rename = {"level2": "level2_lt", "indicator": "indicator_lt", "value": "value_long_term"}
        last_l2 = max((i for i, r in enumerate(roles) if r == "level2" and i < last), default=last)
        roles = [rename.get(r, r) if i < last_l2 else r for i, r in enumerate(roles)]
    cols = [Column("section")]
    cols += [Column(r, p, 0, a) for r, p, a in zip(roles, printed, areas, strict=True)]
    return cols


@dataclass
class Row:
    """One aligned row: ``(unit, column index, how)`` triples.

    ``how`` is ``new`` (the row's first unit), ``same`` (the next column), or, for a
    unit joined to the one before in the same column, ``piece`` (the next piece of
    one cell), ``lexical`` or ``width`` (a wrapped line, by lexical rule or by the
    width of the line above) or ``guess``.
    """

    units: list[tuple[Unit, int, str]] = field(default_factory=list)


def align(toks: Sequence[Tok], schema: Sequence[Column], full_em: float | None = None) -> list[Row]:
    """Align tokens to ``schema``: the least-cost reading as rows of ``(unit, column)``.

    Run twice by :func:`align_section`: without and then with ``full_em``, the
    width from which a lone value fragment is taken to fill its cell (so that the
    next line goes on with it).
    """
    return _align(*_prepared(toks), schema, full_em)


def _prepared(toks: Sequence[Tok]) -> tuple[list[Unit], list[str], bool]:
    """The pieces of the tokens, their shapes and whether spaces part cells: what :func:`_align` reads."""
    units = pieces(toks)
    classes = [classify(u) for u in units]
    return units, classes, spaces_part_cells(units, classes)


@dataclass
class _Trace:
    """A first reading's steps: the costs of each state after each unit, and how each was reached."""

    costs: list[list[float]] = field(default_factory=list)
    backs: list[list[int]] = field(default_factory=list)
    hows: list[list[int]] = field(default_factory=list)


#: Shapes that never join the cell before (a level or section label starts a cell of its own).
_LABELISH = ("l1", "l2", "l12", "sec")
#: How a unit was placed, by the number the forward pass records.
_HOWS = ("new", "same", "piece", "lexical", "width", "guess")


@dataclass(frozen=True)
class _Evidence:
    """What a section's own units show, for one reading.

    The units and their shapes; per unit, whether it is a lone value line as wide as the widest value
    (``fills``) and one of many pieces of a line (``many``); whether spaces part cells (``spaced``) and blank
    lines do (``blank_parted``).
    """

    units: Sequence[Unit]
    classes: Sequence[str]
    spaced: bool
    blank_parted: bool
    fills: list[bool]
    many: list[bool]


def _evidence(units: Sequence[Unit], classes: Sequence[str], spaced: bool, full_em: float | None) -> _Evidence:
    """The :class:`_Evidence` of a section's units for a reading with ``full_em`` (see :func:`align`)."""
    n = len(units)
    # a lone value line as wide as the widest value was cut by its cell's edge (it fills a value column); only
    # where a line holds a row's cells (PDF text): where cells stand one per line, every value is a lone line
    if spaced and full_em is not None:
        fill_em = max(full_em, 6.0)
        fills = [u.whole_line and width(u.text) >= fill_em for u in units]
    else:
        fills = [False] * n
    # the pieces of a token with many of them (cells set apart by spaces along one long line)
    if spaced:
        counts = Counter(id(unit.tok.cells[0]) for unit in units)
        many = [counts[id(unit.tok.cells[0])] >= MANY_PIECES for unit in units]
    else:
        many = [False] * n
    return _Evidence(units, classes, spaced, blanks_part_cells(units), fills, many)


def _align(units: Sequence[Unit], classes: Sequence[str], spaced: bool, schema: Sequence[Column],
           full_em: float | None, trace: _Trace | None = None) -> list[Row]:
    """:func:`align` over the pieces of the tokens, their shapes and whether spaces part cells (see there).

    A reading without ``full_em`` fills ``trace`` with its steps; a second reading given it starts after the
    last unit the two readings see alike (before the first lone value fragment as wide as ``full_em``), as
    the steps up to there are the same.
    """
    if not units:
        return []
    model = cost_model(tuple(c.role for c in schema))
    ev = _evidence(units, classes, spaced, full_em)
    costs, backs, hows = _forward(model, ev, full_em, trace)
    return _backtrack(model, units, costs, backs, hows)


def _forward(model: CostModel, ev: _Evidence, full_em: float | None, trace: _Trace | None
             ) -> tuple[list[float], list[list[int]], list[list[int]]]:
    """The forward pass: the least cost of each state after the last unit, and how each state was reached."""
    n, size = len(ev.units), 2 * len(model.roles)
    costs = [INF] * size
    e = model.emit[ev.classes[0]]
    for k, st in model.start_states:
        c = e[k] + model.skip_to[k]
        if c < costs[st]:
            costs[st] = c
    backs: list[list[int]] = [[-1] * size]
    hows: list[list[int]] = [[0] * size]
    first = 1
    if trace is not None and full_em is not None:  # the steps before the first filled fragment are the first's
        first = next((i + 1 for i, f in enumerate(ev.fills) if f), n)
        costs, backs, hows = trace.costs[first - 1], trace.backs[:first], trace.hows[:first]
    step_costs = [costs]  # the costs after each unit, for a trace
    for i in range(first, n):
        costs, back, how = _step(model, ev, i, costs)
        backs.append(back)
        hows.append(how)
        step_costs.append(costs)
    if trace is not None and full_em is None:
        trace.costs, trace.backs, trace.hows = step_costs, backs, hows
    return costs, backs, hows


def _step(model: CostModel, ev: _Evidence, i: int, costs: Sequence[float]
          ) -> tuple[list[float], list[int], list[int]]:
    """One step of the forward pass: the least cost of each state after unit ``i`` and how each was reached.

    Unit ``i`` joins the cell before (a wrapped line, a piece), goes on to a later column of the same row, or
    starts a new row.
    """
    g, cls = ev.units[i].gap, ev.classes[i]
    size = len(costs)
    new = [INF] * size
    back = [-1] * size
    how = [0] * size
    bases = [INF] * size
    joins = _joins(model, ev, i)
    same_row = SAME_ROW[g]
    filled = FILLED if g in (LINE, BLANK) and ev.fills[i - 1] else 0.0
    best_end, best_end_state = INF, -1
    info = model.info
    for st, cost in enumerate(costs):
        if cost == INF:
            continue
        j, cum_next, ends_st, value = info[st]
        join = joins[j]
        wraps = 0.0  # what placing the token anywhere else costs when it plainly continues the one before
        if join is not None:
            jc, hw, wraps = join
            c = cost + jc
            if c < new[st]:
                new[st], back[st], how[st] = c, st, hw
        # the next column of the same row: placed below, for all states at once
        bases[st] = cost + wraps + same_row - cum_next
        # a new row (not after a lone value fragment that filled its cell: the line goes on)
        end = cost + ends_st + wraps + (filled if value else 0.0)
        if end < best_end:
            best_end, best_end_state = end, st
    _next_columns(model, model.ce[cls], bases, new, back, how)
    if best_end_state >= 0:
        # a line of many cells parted by spaces (a table flattened to one line) starts rows inside it
        nr = best_end + (NEW_ROW_IN_RUN if g == PIECE and ev.many[i] else NEW_ROW[g])
        if ev.blank_parted and cls == "blank":
            nr += BLANK_STARTS_ROW
        e, skip_to = model.emit[cls], model.skip_to
        for k, t in model.start_states:
            c = nr + skip_to[k] + e[k]
            if c < new[t]:
                new[t], back[t], how[t] = c, best_end_state, 0
    return new, back, how


def _joins(model: CostModel, ev: _Evidence, i: int) -> Sequence[tuple[float, int, float] | None]:
    """Per column: ``(cost, how, wraps)`` of joining unit ``i`` to the cell before in it, ``None`` where it cannot.

    ``wraps`` is what placing the unit anywhere else costs when it plainly continues the cell before.
    """
    u, cls = ev.units[i], ev.classes[i]
    g = u.gap
    if g in (SAME, BREAK) or cls in _LABELISH:
        return no_joins(model)
    if g == PIECE:  # a piece joins by its own cost
        return piece_joins(model, piece_join(ev.classes[i - 1], cls, ev.spaced), cls)
    prev = ev.units[i - 1]
    if not (cls in ("unit", "op") and model.typed):
        goes_on = (continues(prev.text, u.text, "value"), continues(prev.text, u.text, ""))
    else:
        goes_on = (False, False)
    # cells parted by blank lines: a line without one goes on
    blank_wrap = ev.blank_parted and g == LINE and prev.whole_line and u.whole_line
    return wrap_joins(model, goes_on, blank_wrap, ev.fills[i - 1], 4.5 if g == LINE else 5.0)


def _next_columns(model: CostModel, ce: Sequence[float], bases: Sequence[float], new: list[float],
                  back: list[int], how: list[int]) -> None:
    """Place the unit in the next column of the same row, in place.

    A column ``k`` is reached from the least base of the columns before it. States with and without an
    indicator are apart (an indicator column reaches the state with one from both); ties go to the
    lower state, and the next column is preferred to joining the cell before.
    """
    b0 = b1 = INF
    s0 = s1 = -1
    for k, ind in enumerate(model.is_ind):
        t = 2 * k
        if ind:
            best, src = (b0, s0) if b0 <= b1 and (b0 < b1 or s0 < s1) else (b1, s1)
            if src >= 0:
                c = best + ce[k]
                if c <= new[t + 1]:
                    new[t + 1], back[t + 1], how[t + 1] = c, src, 1
        else:
            if s0 >= 0:
                c = b0 + ce[k]
                if c <= new[t]:
                    new[t], back[t], how[t] = c, s0, 1
            if s1 >= 0:
                c = b1 + ce[k]
                if c <= new[t + 1]:
                    new[t + 1], back[t + 1], how[t + 1] = c, s1, 1
        x = bases[t]
        if x < b0:
            b0, s0 = x, t
        x = bases[t + 1]
        if x < b1:
            b1, s1 = x, t + 1


def _backtrack(model: CostModel, units: Sequence[Unit], costs: Sequence[float], backs: Sequence[Sequence[int]],
               hows: Sequence[Sequence[int]]) -> list[Row]:
    """The rows of the least-cost reading: from the least-cost end back along how each state was reached."""
    final = min((st for st in range(len(costs)) if costs[st] < INF), key=lambda st: costs[st] + model.last_ends[st])
    path: list[tuple[int, str]] = []
    st = final
    for i in range(len(units) - 1, -1, -1):
        path.append((st // 2, _HOWS[hows[i][st]]))
        st = backs[i][st]
    path.reverse()
    rows: list[Row] = []
    for unit, (col, how) in zip(units, path, strict=True):
        if how == "new" or not rows:
            rows.append(Row())
        rows[-1].units.append((unit, col, how))
    return rows


#: Two placements of a row's cells whose costs are this close are both plausible.
_AMBIGUOUS = setting("align.ambiguous")


def ambiguous(row: Row, schema: Sequence[Column]) -> bool:
    """Whether the cells after a row's name could as well stand in other columns.

    Text does not print blank cells, so ``持续增加 明显增加`` under 中长期指标值 /
    年度指标值 / 备注 may be long-term and annual, or annual and a note. The cells
    after the name are placed again in every order-keeping way over the columns
    after it; when another placement costs about as little, the row is ambiguous.
    Cells the reader placed by their column (grid rows) are never ambiguous.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.segment.tokens import Tok
        >>> schema = make_schema(["level1", "level2", "indicator", "value_long_term", "value", "note"])
        >>> def row(*texts):
        ...     toks = [Tok(t, (Cell(t, 1),), 1) for t in texts]
        ...     return Row([(Unit(t.text, t, 1, False), k + 3, "same") for k, t in enumerate(toks)])
        >>> ambiguous(row("服务", "持续增加", "明显增加"), schema), ambiguous(row("床位", "2000张", "500张"), schema)
        (True, False)
    """
    roles = [c.role for c in schema]
    ind = next((k for k, r in enumerate(roles) if r == "indicator"), None)
    if ind is None or len(roles) - ind <= 2:
        return False  # no name, or one column after it: the cells after the name have nowhere else to go
    groups: list[list[Unit]] = []
    cols: list[int] = []
    for unit, col, how in row.units:
        if col <= ind:
            continue
        if unit.tok.cell.col is not None:
            return False  # a grid cell: its column is known
        if how in ("piece", "lexical", "width", "guess") and groups and cols[-1] == col:
            groups[-1].append(unit)
        else:
            groups.append([unit])
            cols.append(col)
    trailing = [k for k in range(ind + 1, len(roles))]
    if not groups or len(trailing) <= len(groups) or len(trailing) > 10:
        return False
    classes = [classify(g[0]) for g in groups]

    def cost(placement: Sequence[int]) -> float:
        total = sum(emit(c, roles[k]) for c, k in zip(classes, placement, strict=True))
        used = set(placement)
        return total + sum(SKIP_COST.get(roles[k], 0.0) for k in trailing if k not in used)

    best = cost(cols)
    for placement in itertools.combinations(trailing, len(groups)):
        if list(placement) != cols and cost(placement) - best < _AMBIGUOUS:
            return True
    return False


def align_section(toks: Sequence[Tok], schema: Sequence[Column]) -> list[Row]:
    """Align a section in two readings: the second lets a lone value line as wide as the widest go on.

    The width rule only applies where a line holds a row's cells and some lone value
    line is that wide; otherwise the first reading stands.
    """
    units, classes, spaced = _prepared(toks)
    trace = _Trace()
    rows = _align(units, classes, spaced, schema, None, trace)
    if not spaced:
        return rows
    widest = _widest_value(rows, schema)
    if widest is None:
        return rows
    full = max(widest - 2.0, 6.0)
    candidates = any(unit.whole_line and width(unit.text) >= full
                     for row in rows for unit, col, _ in row.units if schema[col].role == "value")
    if not candidates:
        return rows
    return _align(units, classes, spaced, schema, widest - 2.0, trace)


def _widest_value(rows: Sequence[Row], schema: Sequence[Column]) -> float | None:
    """The widest value cell of a first reading (a lone fragment this wide filled its cell)."""
    widths = []
    for row in rows:
        texts: list[str] = []
        for unit, col, how in row.units:
            if schema[col].role == "value":
                if how == "piece" and texts:
                    texts[-1] += unit.text
                elif how in ("same", "new"):
                    texts.append(unit.text)
                else:
                    texts.append(unit.text)
        widths.extend(width(t) for t in texts)
    return max(widths) if widths else None
