"""What the aligner's choices cost: the cost tables, and the frozen cost model of one schema.

The aligner (:mod:`budgetkit.recognise.align`) reads a section as the sequence of choices that costs least.
What a piece costs in a column comes from its shape (:mod:`budgetkit.recognise.align_shapes`) and the column's
role (:func:`emit`); skipping a column, starting a new row after each kind of gap, going on in the same row,
ending a row without a name or a value each have a cost here. :func:`cost_model` gathers what these cost under
one schema, but for the section's tokens, once per schema (:class:`CostModel`).

Examples:
    >>> emit("meas", "value"), emit("meas", "indicator"), emit("l1", "level1")
    (0.0, 1.5, 0.0)
    >>> model = cost_model(("section", "level1", "level2", "indicator", "value"))
    >>> model.starts, model.skip_to
    ((0, 1, 2, 3), (0.0, 0.0, 0.0, 0.0, 4.0))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from budgetkit.model.settings import setting
from budgetkit.recognise.align_shapes import SHAPES, TARGET_SHAPES, WORD_SHAPES
from budgetkit.segment.tokens import BLANK, BREAK, LINE, PIECE, SAME

__all__ = ["BLANK_STARTS_ROW", "FILLED", "INF", "MANY_PIECES", "NEW_ROW", "NEW_ROW_IN_RUN", "SAME_ROW", "SKIP_COST",
           "CostModel", "cost_model", "emit", "no_joins", "piece_join", "piece_joins", "wrap_joins"]

#: Columns whose cells may be wrapped over lines (and so joined).
_JOINABLE = frozenset({"indicator", "value", "value_long_term", "value_actual", "value_prior", "explanation",
                       "standard", "note", "reason", "indicator_lt"})
#: Columns a new row may start at.
_STARTS = ("section", "level1", "level2", "indicator", "level2_lt", "indicator_lt")
#: Columns that may be left blank within a row at no cost.
SKIP_COST = {"indicator": 4.0, "value": 2.5, "indicator_lt": 1.0}

#: What a row with a name and no value costs.
_MISSING_VALUE = setting("align.missing-value")
_VALUE_COSTS = {"meas": 0.0, "num": 0.0, "qual": 0.0, "text": 0.4, "expl": 1.0, "std": 2.0, "unit": 2.0,
                "op": 1.5, "vtype": 3.0, "l1": 5.0, "l2": 5.0, "l12": 5.0, "label?": 1.0, "col": 4.0,
                "blank": 1.5, "sec": 9.0}
_SIDE_VALUE_COSTS = dict(_VALUE_COSTS, blank=0.0, text=0.8)
_COSTS: dict[str, dict[str, float]] = {
    "section": {"sec": 0.0, "blank": 0.0, "enum": 0.0, "col": 0.0},
    "level1": {"l1": 0.0, "l12": 0.3, "l2": 2.5, "blank": 0.0, "label?": 2.5},
    "level2": {"l2": 0.0, "l12": 0.0, "l1": 2.5, "blank": 0.0, "label?": 2.5},
    "indicator": {"text": 0.0, "qual": 0.3, "label?": 1.5, "expl": 1.0, "meas": 1.5, "num": 2.5, "l1": 3.5,
                  "l2": 3.5, "l12": 3.5, "unit": 4.0, "op": 6.0, "vtype": 4.0, "std": 3.0, "blank": 3.0,
                  "col": 5.0},
    "value": _VALUE_COSTS,
    "value_long_term": _SIDE_VALUE_COSTS,
    "value_actual": _SIDE_VALUE_COSTS,
    "value_prior": _SIDE_VALUE_COSTS,
    "area_value": dict(_VALUE_COSTS, blank=0.5, text=2.0, qual=1.0),
    "nature": {"op": 0.0, "vtype": 0.3, "blank": 0.0},
    "direction": {"vtype": 0.0, "op": 0.0, "blank": 0.0},  # some 自评表 print 大于等于 under 指标方向
    "value_type": {"vtype": 0.0, "blank": 0.0},
    "measure_unit": {"unit": 0.0, "blank": 0.0},
    "explanation": {"expl": 0.0, "text": 0.5, "qual": 1.0, "label?": 1.0, "meas": 2.0, "num": 2.0, "std": 1.5,
                    "blank": 0.0},
    "standard": {"std": 0.0, "text": 0.5, "qual": 0.8, "blank": 0.0},
    "score": {"num": 0.0, "blank": 0.0},
    "score_got": {"num": 0.0, "blank": 0.0},
    "note": {"blank": 0.0, "text": 0.5, "qual": 0.8, "meas": 1.5, "num": 1.5},
    "reason": {"blank": 0.0, "text": 0.5, "qual": 0.8},
}
# template placeholders: a row left unfilled (指标2:) has no value to miss; a value left unfilled (XX年) is one
_COSTS["indicator"]["ph"] = -_MISSING_VALUE
_VALUE_COSTS["phv"] = 0.0
_COSTS["indicator"]["phv"] = 4.0
# a 绩效标准 column printed before the value's (the pre-101 福建 template: 绩效标准 | 全年绩效目标) holds a target
_COSTS["standard_before_value"] = dict(_COSTS["standard"], meas=0.0, num=0.0)
_COSTS["level2_lt"] = _COSTS["level2"]
_COSTS["indicator_lt"] = dict(_COSTS["indicator"], blank=0.5)
_DEFAULT_COST = {"section": 9.0, "level1": 9.0, "level2": 9.0, "level2_lt": 9.0, "nature": 5.0,
                 "direction": 5.0, "value_type": 5.0, "measure_unit": 5.0, "score": 4.0, "score_got": 4.0}

#: What starting a new row costs after each kind of gap.
NEW_ROW = {PIECE: 6.0, SAME: 5.0, LINE: 0.6, BLANK: 0.3, BREAK: 0.0}
#: A new row inside a line of many space-parted cells (a table flattened to one line).
NEW_ROW_IN_RUN = setting("align.new-row-in-run")
#: Pieces a line holds to be a run of cells rather than one row.
MANY_PIECES = setting("align.many-pieces")
#: What going on in the same row costs after each kind of gap (a piece cut from its cell costs a little).
SAME_ROW = {PIECE: 0.6, SAME: 0.0, LINE: 0.0, BLANK: 0.3, BREAK: 5.0}
#: A row with a value and no name.
_MISSING_NAME = setting("align.missing-name")
#: What a section ending on a row of level labels only costs.
_ENDS_ON_LABELS = setting("align.ends-on-labels")
#: A row of level labels only (the labels of an empty block): possible, but less likely than labels over rows.
_LABELS_ONLY = setting("align.labels-only")
#: What a new row costs right after a lone value fragment as wide as the widest value: it was cut by its cell.
FILLED = setting("align.filled")
#: What placing a fragment elsewhere costs when it plainly continues the cell above (``求``, ``和获得感``).
_CONTINUES = setting("align.continues")
#: The columns of a long-term group beside the annual one (see :func:`budgetkit.recognise.align.make_schema`).
_LONG_TERM_SIDE = frozenset({"level2_lt", "indicator_lt", "value_long_term"})
#: What a row ending in the long-term group costs, with no annual name: the annual side is the one filled.
_LONG_TERM_ONLY = setting("align.long-term-only")
#: What a row starting with an empty cell costs where cells stand one per paragraph: a merged cell is printed
#: once, so an empty cell printed is one of a row's own columns, left blank, more likely than a row's start.
BLANK_STARTS_ROW = setting("align.blank-starts-row")
INF = math.inf


@lru_cache(maxsize=4096)
def emit(cls: str, role: str) -> float:
    """What a piece of shape ``cls`` costs in a column of ``role`` (1.0 in a column the table does not cost)."""
    table = _COSTS.get(role)
    if table is None:
        return 1.0
    if cls in table:
        return table[cls]
    return _DEFAULT_COST.get(role, 2.0)


def piece_join(before: str, cls: str, spaced: bool) -> float:
    """What keeping two pieces of one line in one cell costs: words then a target rarely make one cell.

    ``职工困难医疗救助 200户`` is a name and its value; ``模的良好 社会氛围`` and
    ``≥ 90%`` are one cell each. Where spaces part cells (``spaced``: a section
    whose lines show it), a space is a cell edge more often than not.
    """
    if cls in TARGET_SHAPES and before in WORD_SHAPES:
        return 2.0
    if cls in ("meas", "num") and before in ("meas", "num"):
        return 1.0  # two targets, or a target and its score
    if before in TARGET_SHAPES and cls in WORD_SHAPES:
        return 1.0
    return 1.5 if spaced else 0.1


@dataclass(frozen=True, eq=False)
class CostModel:
    """What reading a section costs under one schema, but for its tokens: built once per schema.

    States are ``2 * column + has_ind`` (the column of the unit last placed, and whether its row has a name).
    Per column: its skip cost and the prefix sums of them (skipping columns ``a+1 .. b-1`` costs
    ``cum[b] - cum[a + 1]``), whether a wrapped line may join it, what a new row starting there costs for the
    columns before it; per shape, what each column costs (``emit``) and that plus the skips from the row's start
    (``ce``); per state, what ending a row there costs (``ends``, ``last_ends`` at the section's end).
    """

    roles: tuple[str, ...]
    typed: bool
    cum: tuple[float, ...]
    emit: dict[str, tuple[float, ...]]
    ce: dict[str, tuple[float, ...]]
    is_ind: tuple[bool, ...]
    joinable: tuple[bool, ...]
    value_like: tuple[bool, ...]
    is_value: tuple[bool, ...]
    skip_to: tuple[float, ...]
    starts: tuple[int, ...]
    start_states: tuple[tuple[int, int], ...]
    #: per state: (column, prefix sum of skips to the next column, row-end cost, column is the value)
    info: tuple[tuple[int, float, float, bool], ...]
    last_ends: tuple[float, ...]


@lru_cache(maxsize=256)
def cost_model(roles: tuple[str, ...]) -> CostModel:
    """The :class:`CostModel` of a schema's column roles (cached: sections share schemas, each is read twice)."""
    m = len(roles)
    skip = [SKIP_COST.get(r, 0.0) for r in roles]
    cum = [0.0]
    for s in skip:
        cum.append(cum[-1] + s)
    emission = _emission(roles)
    ce = {cls: tuple(cum[k] + em[k] for k in range(m)) for cls, em in emission.items()}
    ends, last_ends = _row_ends(roles, skip, cum)
    starts = tuple(k for k, r in enumerate(roles) if r in _STARTS)
    is_ind = tuple(r == "indicator" for r in roles)
    is_value = tuple(r == "value" for r in roles)
    return CostModel(
        roles=roles, typed=any(r in ("measure_unit", "nature") for r in roles),  # a lone "%" may be a unit cell
        cum=tuple(cum), emit=emission, ce=ce, is_ind=is_ind, joinable=tuple(r in _JOINABLE for r in roles),
        value_like=tuple(r.startswith("value") for r in roles),  # where a value particle continues a cell
        is_value=is_value, skip_to=tuple(_skip_to(starts, k, cum) for k in range(m)), starts=starts,
        start_states=tuple((k, 2 * k + is_ind[k]) for k in starts),
        info=tuple((st // 2, cum[st // 2 + 1], ends[st], is_value[st // 2]) for st in range(2 * m)),
        last_ends=last_ends)


def _emission(roles: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Per shape, what placing a piece of it in each column costs.

    A 绩效标准 column printed before the value's is costed as one that holds a target.
    """
    value_col = next((k for k, r in enumerate(roles) if r == "value"), None)
    costed = ["standard_before_value" if r == "standard" and value_col is not None and k < value_col else r
              for k, r in enumerate(roles)]
    return {cls: tuple(emit(cls, r) for r in costed) for cls in SHAPES}


def _row_ends(roles: Sequence[str], skip: Sequence[float], cum: Sequence[float]
              ) -> tuple[list[float], tuple[float, ...]]:
    """Per state, what ending a row there costs, and what ending the section there costs."""
    value_col = next((k for k, r in enumerate(roles) if r == "value"), None)
    ind_col = next((k for k, r in enumerate(roles) if r == "indicator"), None)
    ends = [_row_end(roles, skip, cum, value_col, ind_col, st // 2, bool(st % 2)) for st in range(2 * len(roles))]
    # a section does not end on level labels with no row under them (a value that is a label word)
    last = tuple(end + (_ENDS_ON_LABELS if not st % 2 and roles[st // 2] in ("level1", "level2") else 0.0)
                 for st, end in enumerate(ends))
    return ends, last


def _row_end(roles: Sequence[str], skip: Sequence[float], cum: Sequence[float], value_col: int | None,
             ind_col: int | None, j: int, has_ind: bool) -> float:
    """What ending a row at column ``j`` costs (a name with no value, labels only, a value with no name …)."""
    if has_ind and value_col is not None and j < value_col:
        skipped = cum[value_col + 1] - cum[j + 1] if value_col + 1 > j + 1 else 0.0
        return _MISSING_VALUE + skipped - skip[value_col]
    if not has_ind and roles[j] in ("level1", "level2"):
        return _LABELS_ONLY
    if not has_ind and ind_col is not None and j > ind_col:
        return _MISSING_NAME  # a value with no name: more likely the name is a label-like word
    if not has_ind and roles[j] in _LONG_TERM_SIDE:
        return _LONG_TERM_ONLY
    return 0.0


def _skip_to(starts: Sequence[int], k: int, cum: Sequence[float]) -> float:
    """What a new row starting at column ``k`` costs for the columns before it (section and levels: nothing)."""
    return cum[k] - cum[0] if k > 0 else 0.0


@lru_cache(maxsize=1024)
def no_joins(model: CostModel) -> tuple[None, ...]:
    """No column may be joined (the unit goes on in its row, or it is a label)."""
    return (None,) * len(model.roles)


@lru_cache(maxsize=4096)
def piece_joins(model: CostModel, piece: float, cls: str) -> tuple[tuple[float, int, float] | None, ...]:
    """Joining a piece of the line to the cell before: its own cost and half the column's."""
    e = model.emit[cls]
    return tuple((piece + 0.5 * e[j], 2, 0.0) if joins else None for j, joins in enumerate(model.joinable))


@lru_cache(maxsize=4096)
def wrap_joins(model: CostModel, goes_on: tuple[bool, bool], blank_wrap: bool, filled_before: bool,
               guess: float) -> tuple[tuple[float, int, float] | None, ...]:
    """Joining a line to the cell before, per column.

    It plainly continues it (lexically, or cells are parted by blank lines), it follows a lone value line
    that filled its cell, or it is a guess.
    """
    out: list[tuple[float, int, float] | None] = []
    for j, joins in enumerate(model.joinable):
        if not joins:
            out.append(None)
        elif (goes_on[0] if model.value_like[j] else goes_on[1]) or blank_wrap:
            out.append((0.3, 3, _CONTINUES))
        elif filled_before and model.is_value[j]:
            out.append((0.8, 4, 0.0))
        else:
            out.append((guess, 5, 0.0))
    return tuple(out)
