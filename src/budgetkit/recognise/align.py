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

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import display_width
from budgetkit.segment.tokens import BLANK, BREAK, EXPLANATION_OPENINGS, LINE, PIECE, SAME, Tok
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import is_measurable, load_units
from budgetkit.vocab.vocabulary import lookup

__all__ = ["Column", "Row", "Unit", "align", "align_section", "ambiguous", "make_schema", "pieces"]

#: Columns whose cells may be wrapped over lines (and so joined).
_JOINABLE = frozenset({"indicator", "value", "value_long_term", "value_actual", "value_prior", "explanation",
                       "standard", "note", "reason", "indicator_lt"})
#: Columns a new row may start at.
_STARTS = ("section", "level1", "level2", "indicator", "level2_lt", "indicator_lt")
#: Columns that may be left blank within a row at no cost.
_SKIP_COST = {"indicator": 4.0, "value": 2.5, "indicator_lt": 1.0}

_COMPARATOR_RE = re.compile(
    r"^(?:[≥≤><=≧≦≈═]|>=|<=|大于等于|小于等于|大于|小于|不低于|不少于|不高于|不超过|不大于|不小于|等于)$")
_NUMBER_RE = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
_SCORE_RE = re.compile(r"^\d+(?:\.\d+)?分?$")
#: The kinds of a target a 指标值类型 column names.
VALUE_TYPES = ("定量", "定性")
_VALUE_TYPE_RE = re.compile("^(?:" + "|".join((*VALUE_TYPES, "正向", "反向", "正向指标", "反向指标", "中性")) + ")$")
#: The bases of a target a 绩效标准 column names (计划标准, 行业标准 …).
STANDARDS = tuple(f"{w}标准" for w in ("计划", "行业", "历史", "其他", "国家", "地方"))
_STANDARD_RE = re.compile("(?:" + "|".join(STANDARDS) + ")$|^标准$")
_EXPLANATION_RE = re.compile("^(?:" + "|".join(EXPLANATION_OPENINGS) + ")")
_LABEL_LIKE_RE = re.compile(r"(?:指标|值)$")
_MEAS_START_RE = re.compile(r"^(?:[≥≤><=≧≦≈═±]|\d|约|大于|小于|不低于|不少于|不超过|不高于|平均|人均|每)")

#: Start of a fragment that continues the cell above (no cell starts with these).
_CLOSING = "，。、；：？！）》」』”’%,.;:?!)"
#: End of a fragment cut off by its cell's edge.
_OPENING = "，、（《“(的和及与并或对"
#: Particles that cannot start a value cell.
_VALUE_PARTICLES = "的和及与并或等之"


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


@dataclass(slots=True, unsafe_hash=True)
class Unit:
    """A piece of a token the aligner places: its text, token, gap before and place in the token.

    Treated as immutable, like :class:`~budgetkit.model.cells.Cell`.
    """

    text: str
    tok: Tok
    gap: int
    whole_line: bool
    k: int = 0


def pieces(toks: Sequence[Tok]) -> list[Unit]:
    """Cut tokens at their spaces: each piece may go to its own column (``职工困难医疗救助 200户``)."""
    out: list[Unit] = []
    for tok in toks:
        whole = tok.cell.delimited or tok.match is not None and tok.role("level1", "level2", "section",
                                                                         "column") is not None
        parts = [tok.text] if whole else tok.text.split() or [""]
        for k, part in enumerate(parts):
            out.append(Unit(part, tok, tok.gap if k == 0 else PIECE, tok.whole_line and len(parts) == 1, k))
    return out


def blanks_part_cells(units: Sequence[Unit]) -> bool:
    """Whether the cells of a section are parted by blank lines, so that a line break alone is a wrap.

    Text copied from a web page cell by cell puts a blank line between cells;
    where nine in ten of the breaks between lines of one cell each are blank,
    a break without a blank line continues the cell.
    """
    blank = line = 0
    for i in range(1, len(units)):
        if units[i].whole_line and units[i - 1].whole_line:
            if units[i].gap == BLANK:
                blank += 1
            elif units[i].gap == LINE:
                line += 1
    return blank >= 8 and blank >= 9 * line


def spaces_part_cells(units: Sequence[Unit], classes: Sequence[str]) -> bool:
    """Whether the spaces of a section part its cells (``name value`` on one line), by its own evidence.

    PDF text sets a row's cells apart by one space; text extracted cell by cell
    keeps spaces inside cells (``7 岁以下儿童健康管理率``). A section whose lines
    show words followed by a target after a space, twice or more, parts its cells
    at spaces.
    """
    evident = 0
    for i in range(1, len(units)):
        if units[i].gap == PIECE and classes[i] in _CELL_SHAPES and classes[i - 1] in _WORD_SHAPES:
            evident += 1
            if evident >= 2:
                return True
    # or: most lines that are not labels hold two pieces or more (cells set apart on one line)
    lines: dict[int, int] = {}
    for u, cls in zip(units, classes, strict=True):
        if cls not in ("l1", "l2", "l12", "sec", "blank", "enum") and u.tok.cell.col is None:
            key = id(u.tok)
            lines[key] = lines.get(key, 0) + 1
    multi = sum(1 for n in lines.values() if n > 1)
    return multi >= 2 and multi * 2 >= len(lines)


@lru_cache(maxsize=65536)
def _unit_token(text: str) -> bool:
    return text in load_units() or text in {"%", "％", "元/人", "元/户", "元/年", "万元/年"}


def classify(unit: Unit) -> str:
    """The shape of a piece, as the cost table knows it.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.segment.tokens import Tok
        >>> texts = ["≥", "人", "116", "≥90%", "定量", "有所缓解"]
        >>> [classify(Unit(t, Tok(t, (Cell(t, 1),), 2), 2, True)) for t in texts]
        ['op', 'unit', 'num', 'meas', 'vtype', 'qual']
    """
    tok = unit.tok
    whole = tok.text == unit.text or tok.text.split() == [unit.text]
    return _classify(unit.text, tok.text, tok.heading, whole, tok.match if whole else None)


@cache
def _enum_re() -> re.Pattern[str]:
    """The number of a template row alone: a list form's (指标1:) or a goal number (目标1).

    The words a goal number opens with are ``row_number`` rows of ``metadata/grid_words.csv`` (as the text
    path reads them).

    Examples:
        >>> [bool(_enum_re().match(t)) for t in ("指标1:", "目标 12", "目标明确", "12")]
        [True, True, False, False]
    """
    words = [r["word"] for r in read_metadata("grid_words") if r["kind"] == "row_number"]
    return re.compile(rf"^(?:指标\s*\d+\s*[:]|(?:{'|'.join(map(re.escape, words))})\s*\d+)$")


@lru_cache(maxsize=65536)
def _classify(text: str, tok_text: str, heading: bool, whole: bool, match) -> str:
    """The shape of a piece ``text`` of a token ``tok_text``.

    ``whole``: the piece is the whole token; ``match``: the token's vocabulary match.
    """
    if not text:
        return "blank"
    if heading and _enum_re().match(text):
        return "enum"  # the number of a list row, before its name
    if whole and match is not None and match.role("column") is not None and tok_text == text:
        return "col"  # a column label printed again among the rows (a scrambled or repeated header)
    if is_placeholder(tok_text, "name"):
        return "ph"
    if is_placeholder(tok_text, "value"):
        return "phv"
    m = match if whole else lookup(text)
    return (m is not None and _vocabulary_shape(m, text)) or _printed_shape(text)


def _vocabulary_shape(m, text: str) -> str | None:
    """The shape of a piece the vocabulary knows: a level or section label, a column label; else ``None``."""
    roles = {t.role for t in m.terms}
    if "level1" in roles and "level2" in roles:
        return "l12"
    if "level1" in roles:
        return "l1"
    if "level2" in roles:
        return "l2"
    if "section" in roles:
        return "sec"
    if "column" in roles and len(text) > 1:
        return "col"
    return None


def _printed_shape(text: str) -> str:
    """The shape of a piece by how it is printed: a comparator, a kind of target, a unit, a number, words."""
    if _COMPARATOR_RE.match(text):
        return "op"
    if _VALUE_TYPE_RE.match(text):
        return "vtype"
    if _unit_token(text) or ("/" in text and _unit_like(text)):
        return "unit"
    if _NUMBER_RE.match(text):
        return "num"
    if _STANDARD_RE.search(text) and len(text) <= 8:
        return "std"
    if len(text) >= 12 and _EXPLANATION_RE.match(text):
        return "expl"
    if _MEAS_START_RE.match(text) and is_measurable(text):
        return "meas"
    if len(text) <= 10 and _LABEL_LIKE_RE.search(text) and not _MEAS_START_RE.match(text):
        return "label?"
    if len(text) <= 6:
        return "qual"
    return "text"


#: What a row with a name and no value costs.
_MISSING_VALUE = 2.5
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
_NEW_ROW = {PIECE: 6.0, SAME: 5.0, LINE: 0.6, BLANK: 0.3, BREAK: 0.0}
#: A new row inside a line of many space-parted cells (a table flattened to one line).
_NEW_ROW_IN_RUN = 1.0
#: Pieces a line holds to be a run of cells rather than one row.
_MANY_PIECES = 6
#: What going on in the same row costs after each kind of gap (a piece cut from its cell costs a little).
_SAME_ROW = {PIECE: 0.6, SAME: 0.0, LINE: 0.0, BLANK: 0.3, BREAK: 5.0}
#: A row with a value and no name.
_MISSING_NAME = 4.0
#: What a section ending on a row of level labels only costs.
_ENDS_ON_LABELS = 3.0
#: A row of level labels only (the labels of an empty block): possible, but less likely than labels over rows.
_LABELS_ONLY = 0.5
#: What a new row costs right after a lone value fragment as wide as the widest value: it was cut by its cell.
_FILLED = 3.0
#: What placing a fragment elsewhere costs when it plainly continues the cell above (``求``, ``和获得感``).
_CONTINUES = 2.0
#: The columns of a long-term group beside the annual one (see :func:`make_schema`).
_LONG_TERM_SIDE = frozenset({"level2_lt", "indicator_lt", "value_long_term"})
#: What a row ending in the long-term group costs, with no annual name: the annual side is the one filled.
_LONG_TERM_ONLY = 1.0
#: What a row starting with an empty cell costs where cells stand one per paragraph: a merged cell is printed
#: once, so an empty cell printed is one of a row's own columns, left blank, more likely than a row's start.
_BLANK_STARTS_ROW = 1.0
_INF = math.inf


@lru_cache(maxsize=4096)
def _emit(cls: str, role: str) -> float:
    table = _COSTS.get(role)
    if table is None:
        return 1.0
    if cls in table:
        return table[cls]
    return _DEFAULT_COST.get(role, 2.0)


_TARGET_SHAPES = frozenset({"meas", "num", "unit"})
_WORD_SHAPES = frozenset({"text", "qual", "label?", "expl", "std", "vtype"})
#: Shapes that, after words and a space, show the space parts two cells (a target, a comparator, 定性).
_CELL_SHAPES = _TARGET_SHAPES | {"op", "vtype"}


def _piece_join(before: str, cls: str, spaced: bool) -> float:
    """What keeping two pieces of one line in one cell costs: words then a target rarely make one cell.

    ``职工困难医疗救助 200户`` is a name and its value; ``模的良好 社会氛围`` and
    ``≥ 90%`` are one cell each. Where spaces part cells (``spaced``: a section
    whose lines show it), a space is a cell edge more often than not.
    """
    if cls in _TARGET_SHAPES and before in _WORD_SHAPES:
        return 2.0
    if cls in ("meas", "num") and before in ("meas", "num"):
        return 1.0  # two targets, or a target and its score
    if before in _TARGET_SHAPES and cls in _WORD_SHAPES:
        return 1.0
    return 1.5 if spaced else 0.1


def _unit_like(text: str) -> bool:
    """A unit, or a rate of units (``万元/张``, ``次/周``)."""
    parts = text.split("/")
    return all(p and _unit_token(p) for p in parts)


def _width(text: str) -> float:
    """Width in ems (a Chinese character is one)."""
    return display_width(text) / 2


def continues(prev: str, frag: str, role: str) -> bool:
    """Whether ``frag`` (a line alone) continues the cell whose last fragment was ``prev``, by lexical rules.

    Examples:
        >>> continues("在基层社区开设不少于20门公益课", "程，让职工群众在家门口享受丰富的", "value")
        True
        >>> continues("提高劳模荣誉感", "和获得感", "value")
        True
        >>> continues("劳动光荣的社会风尚和精益求精的敬业精", "神", "indicator")
        True
        >>> continues("对劳模群体的影响力", "提高劳模荣誉感", "indicator")
        False
    """
    if not frag or not prev:
        return False
    if len(frag) == 1 and unicodedata.east_asian_width(frag) == "W":
        return True
    if frag[0] in _CLOSING or (len(frag) > 1 and frag[1] in _CLOSING and not frag[0].isdigit()):
        return True
    if prev[-1] in _OPENING:
        return True
    return role.startswith("value") and frag[0] in _VALUE_PARTICLES


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


#: The shapes :func:`classify` gives a piece (the rows of the cost table).
SHAPES = ("blank", "enum", "col", "ph", "phv", "l12", "l1", "l2", "sec", "op", "vtype", "unit", "num", "std", "expl",
          "meas", "label?", "qual", "text")
#: Shapes that never join the cell before (a level or section label starts a cell of its own).
_LABELISH = ("l1", "l2", "l12", "sec")
#: How a unit was placed, by the number the forward pass records.
_HOWS = ("new", "same", "piece", "lexical", "width", "guess")


@dataclass(frozen=True, eq=False)
class _CostModel:
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
def _cost_model(schema: tuple[Column, ...]) -> _CostModel:
    """The :class:`_CostModel` of a schema (cached: a section is read twice, many sections share a schema)."""
    roles = tuple(c.role for c in schema)
    m = len(roles)
    skip = [_SKIP_COST.get(r, 0.0) for r in roles]
    cum = [0.0]
    for s in skip:
        cum.append(cum[-1] + s)
    emit = _emission(roles)
    ce = {cls: tuple(cum[k] + em[k] for k in range(m)) for cls, em in emit.items()}
    ends, last_ends = _row_ends(roles, skip, cum)
    starts = tuple(k for k, r in enumerate(roles) if r in _STARTS)
    is_ind = tuple(r == "indicator" for r in roles)
    is_value = tuple(r == "value" for r in roles)
    return _CostModel(
        roles=roles, typed=any(r in ("measure_unit", "nature") for r in roles),  # a lone "%" may be a unit cell
        cum=tuple(cum), emit=emit, ce=ce, is_ind=is_ind, joinable=tuple(r in _JOINABLE for r in roles),
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
    return {cls: tuple(_emit(cls, r) for r in costed) for cls in SHAPES}


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
        fills = [u.whole_line and _width(u.text) >= fill_em for u in units]
    else:
        fills = [False] * n
    # the pieces of a token with many of them (cells set apart by spaces along one long line)
    if spaced:
        counts = Counter(id(unit.tok.cells[0]) for unit in units)
        many = [counts[id(unit.tok.cells[0])] >= _MANY_PIECES for unit in units]
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
    model = _cost_model(tuple(schema))
    ev = _evidence(units, classes, spaced, full_em)
    costs, backs, hows = _forward(model, ev, full_em, trace)
    return _backtrack(model, units, costs, backs, hows)


def _forward(model: _CostModel, ev: _Evidence, full_em: float | None, trace: _Trace | None
             ) -> tuple[list[float], list[list[int]], list[list[int]]]:
    """The forward pass: the least cost of each state after the last unit, and how each state was reached."""
    n, size = len(ev.units), 2 * len(model.roles)
    costs = [_INF] * size
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


def _step(model: _CostModel, ev: _Evidence, i: int, costs: Sequence[float]
          ) -> tuple[list[float], list[int], list[int]]:
    """One step of the forward pass: the least cost of each state after unit ``i`` and how each was reached.

    Unit ``i`` joins the cell before (a wrapped line, a piece), goes on to a later column of the same row, or
    starts a new row.
    """
    g, cls = ev.units[i].gap, ev.classes[i]
    size = len(costs)
    new = [_INF] * size
    back = [-1] * size
    how = [0] * size
    bases = [_INF] * size
    joins = _joins(model, ev, i)
    same_row = _SAME_ROW[g]
    filled = _FILLED if g in (LINE, BLANK) and ev.fills[i - 1] else 0.0
    best_end, best_end_state = _INF, -1
    info = model.info
    for st, cost in enumerate(costs):
        if cost == _INF:
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
        nr = best_end + (_NEW_ROW_IN_RUN if g == PIECE and ev.many[i] else _NEW_ROW[g])
        if ev.blank_parted and cls == "blank":
            nr += _BLANK_STARTS_ROW
        e, skip_to = model.emit[cls], model.skip_to
        for k, t in model.start_states:
            c = nr + skip_to[k] + e[k]
            if c < new[t]:
                new[t], back[t], how[t] = c, best_end_state, 0
    return new, back, how


def _joins(model: _CostModel, ev: _Evidence, i: int) -> Sequence[tuple[float, int, float] | None]:
    """Per column: ``(cost, how, wraps)`` of joining unit ``i`` to the cell before in it, ``None`` where it cannot.

    ``wraps`` is what placing the unit anywhere else costs when it plainly continues the cell before.
    """
    u, cls = ev.units[i], ev.classes[i]
    g = u.gap
    if g in (SAME, BREAK) or cls in _LABELISH:
        return _no_joins(model)
    if g == PIECE:  # a piece joins by its own cost
        return _piece_joins(model, _piece_join(ev.classes[i - 1], cls, ev.spaced), cls)
    prev = ev.units[i - 1]
    if not (cls in ("unit", "op") and model.typed):
        goes_on = (continues(prev.text, u.text, "value"), continues(prev.text, u.text, ""))
    else:
        goes_on = (False, False)
    # cells parted by blank lines: a line without one goes on
    blank_wrap = ev.blank_parted and g == LINE and prev.whole_line and u.whole_line
    return _wrap_joins(model, goes_on, blank_wrap, ev.fills[i - 1], 4.5 if g == LINE else 5.0)


@lru_cache(maxsize=1024)
def _no_joins(model: _CostModel) -> tuple[None, ...]:
    return (None,) * len(model.roles)


@lru_cache(maxsize=4096)
def _piece_joins(model: _CostModel, piece: float, cls: str) -> tuple[tuple[float, int, float] | None, ...]:
    """Joining a piece of the line to the cell before: its own cost and half the column's."""
    e = model.emit[cls]
    return tuple((piece + 0.5 * e[j], 2, 0.0) if joins else None for j, joins in enumerate(model.joinable))


@lru_cache(maxsize=4096)
def _wrap_joins(model: _CostModel, goes_on: tuple[bool, bool], blank_wrap: bool, filled_before: bool,
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


def _next_columns(model: _CostModel, ce: Sequence[float], bases: Sequence[float], new: list[float],
                  back: list[int], how: list[int]) -> None:
    """Place the unit in the next column of the same row, in place.

    A column ``k`` is reached from the least base of the columns before it. States with and without an
    indicator are apart (an indicator column reaches the state with one from both); ties go to the
    lower state, and the next column is preferred to joining the cell before.
    """
    b0 = b1 = _INF
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


def _backtrack(model: _CostModel, units: Sequence[Unit], costs: Sequence[float], backs: Sequence[Sequence[int]],
               hows: Sequence[Sequence[int]]) -> list[Row]:
    """The rows of the least-cost reading: from the least-cost end back along how each state was reached."""
    final = min((st for st in range(len(costs)) if costs[st] < _INF), key=lambda st: costs[st] + model.last_ends[st])
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


def _skip_to(starts: Sequence[int], k: int, cum: Sequence[float]) -> float:
    """What a new row starting at column ``k`` costs for the columns before it (section and levels: nothing)."""
    return cum[k] - cum[0] if k > 0 else 0.0


#: Two placements of a row's cells whose costs are this close are both plausible.
_AMBIGUOUS = 1.0


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
    import itertools

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
        total = sum(_emit(c, roles[k]) for c, k in zip(classes, placement, strict=True))
        used = set(placement)
        return total + sum(_SKIP_COST.get(roles[k], 0.0) for k in trailing if k not in used)

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
    candidates = any(unit.whole_line and _width(unit.text) >= full
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
        widths.extend(_width(t) for t in texts)
    return max(widths) if widths else None


