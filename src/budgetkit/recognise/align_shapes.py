"""The shape of each piece of an indicator section the aligner places, and what a section's pieces show.

A token (:mod:`budgetkit.segment.tokens`) is cut at its spaces into pieces (:class:`Unit`); each piece gets a
shape (:func:`classify`: a level label, a comparator, a unit, a number, a measurable target, words …), the row
of the aligner's cost table (:mod:`budgetkit.recognise.align_costs`) it is costed by. A section's own pieces
show whether blank lines part its cells (:func:`blanks_part_cells`) and whether spaces do
(:func:`spaces_part_cells`); a line alone may plainly continue the cell above it (:func:`continues`).

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.segment.tokens import LINE, Tok
    >>> [(u.text, classify(u)) for u in pieces([Tok("职工困难医疗救助 200户", (Cell("", 1),), LINE)])]
    [('职工困难医疗救助', 'text'), ('200户', 'meas')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import display_width
from budgetkit.segment.tokens import BLANK, EXPLANATION_OPENINGS, LINE, PIECE, Tok
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import is_measurable, load_units
from budgetkit.vocab.vocabulary import lookup

__all__ = ["COMPARATOR_RE", "SHAPES", "STANDARDS", "TARGET_SHAPES", "VALUE_TYPES", "WORD_SHAPES", "Unit",
           "blanks_part_cells", "classify", "continues", "pieces", "spaces_part_cells", "width"]

#: A comparator alone in a cell, symbol or words.
COMPARATOR_RE = re.compile(
    r"^(?:[≥≤><=≧≦≈═]|>=|<=|大于等于|小于等于|大于|小于|不低于|不少于|不高于|不超过|不大于|不小于|等于)$")
_NUMBER_RE = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
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

#: The shapes :func:`classify` gives a piece (the rows of the cost table).
SHAPES = ("blank", "enum", "col", "ph", "phv", "l12", "l1", "l2", "sec", "op", "vtype", "unit", "num", "std", "expl",
          "meas", "label?", "qual", "text")
#: Shapes of a target (or of its unit).
TARGET_SHAPES = frozenset({"meas", "num", "unit"})
#: Shapes of words (a name, an explanation, a standard, a kind of target).
WORD_SHAPES = frozenset({"text", "qual", "label?", "expl", "std", "vtype"})
#: Shapes that, after words and a space, show the space parts two cells (a target, a comparator, 定性).
_CELL_SHAPES = TARGET_SHAPES | {"op", "vtype"}


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
    a break without a blank line continues the cell. Reading rule ``align.blank-lines-part-cells``.
    """
    blank = line = 0
    for i in range(1, len(units)):
        if units[i].whole_line and units[i - 1].whole_line:
            if units[i].gap == BLANK:
                blank += 1
            elif units[i].gap == LINE:
                line += 1
    return blank >= 8 and blank >= 9 * line and rules.enabled("align.blank-lines-part-cells")


def spaces_part_cells(units: Sequence[Unit], classes: Sequence[str]) -> bool:
    """Whether the spaces of a section part its cells (``name value`` on one line), by its own evidence.

    PDF text sets a row's cells apart by one space; text extracted cell by cell
    keeps spaces inside cells (``7 岁以下儿童健康管理率``). A section whose lines
    show words followed by a target after a space, twice or more, parts its cells
    at spaces. Reading rule ``align.spaces-part-cells``.
    """
    evident = 0
    for i in range(1, len(units)):
        if units[i].gap == PIECE and classes[i] in _CELL_SHAPES and classes[i - 1] in WORD_SHAPES:
            evident += 1
            if evident >= 2:
                return rules.enabled("align.spaces-part-cells")
    # or: most lines that are not labels hold two pieces or more (cells set apart on one line)
    lines: dict[int, int] = {}
    for u, cls in zip(units, classes, strict=True):
        if cls not in ("l1", "l2", "l12", "sec", "blank", "enum") and u.tok.cell.col is None:
            key = id(u.tok)
            lines[key] = lines.get(key, 0) + 1
    multi = sum(1 for n in lines.values() if n > 1)
    return multi >= 2 and multi * 2 >= len(lines) and rules.enabled("align.spaces-part-cells")


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
    shape = _classify(unit.text, tok.text, tok.heading, whole, tok.match if whole else None)
    if shape in _RULED_SHAPES:  # shapes a template or a scrambled header gives a piece, each a reading rule
        on = (rules.enabled("align.shape-row-number") if shape == "enum"
              else rules.enabled("align.shape-column-label") if shape == "col"
              else rules.enabled("align.shape-placeholder"))
        if not on:  # the shape's rule switched off: the shape the piece would have without it
            shape = _classify(unit.text, tok.text, tok.heading, whole, tok.match if whole else None, shape)
    return shape


#: The shapes given by a reading rule of their own: a template row's number, a column label among the rows,
#: a placeholder of a name or of a value.
_RULED_SHAPES = frozenset({"enum", "col", "ph", "phv"})


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
def _classify(text: str, tok_text: str, heading: bool, whole: bool, match, without: str = "") -> str:
    """The shape of a piece ``text`` of a token ``tok_text``.

    ``whole``: the piece is the whole token; ``match``: the token's vocabulary match; ``without``: a shape
    whose rule is switched off (reading rules ``align.shape-row-number``, ``align.shape-column-label``,
    ``align.shape-placeholder``).
    """
    if not text:
        return "blank"
    if heading and without != "enum" and _enum_re().match(text):
        return "enum"  # the number of a list row, before its name
    if whole and without != "col" and match is not None and match.role("column") is not None and tok_text == text:
        return "col"  # a column label printed again among the rows (a scrambled or repeated header)
    if without not in ("ph", "phv") and is_placeholder(tok_text, "name"):
        return "ph"
    if without not in ("ph", "phv") and is_placeholder(tok_text, "value"):
        return "phv"
    m = match if whole else lookup(text)
    return (m is not None and _vocabulary_shape(m, text, without)) or _printed_shape(text)


def _vocabulary_shape(m, text: str, without: str = "") -> str | None:
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
    if "column" in roles and len(text) > 1 and without != "col":
        return "col"
    return None


def _printed_shape(text: str) -> str:
    """The shape of a piece by how it is printed: a comparator, a kind of target, a unit, a number, words."""
    if COMPARATOR_RE.match(text):
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


def _unit_like(text: str) -> bool:
    """A unit, or a rate of units (``万元/张``, ``次/周``)."""
    parts = text.split("/")
    return all(p and _unit_token(p) for p in parts)


def width(text: str) -> float:
    """Width in ems (a Chinese character is one)."""
    return display_width(text) / 2


def continues(prev: str, frag: str, role: str) -> bool:
    """Whether ``frag`` (a line alone) continues the cell whose last fragment was ``prev``, by lexical rules.

    A one-character line, a line opened by closing punctuation, a cell left on an opening mark or particle, a
    value line opened by a particle. Reading rule ``align.lexical-wrap``.

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
    goes_on = (len(frag) == 1 and unicodedata.east_asian_width(frag) == "W"
               or frag[0] in _CLOSING or (len(frag) > 1 and frag[1] in _CLOSING and not frag[0].isdigit())
               or prev[-1] in _OPENING
               or role.startswith("value") and frag[0] in _VALUE_PARTICLES)
    return goes_on and rules.enabled("align.lexical-wrap")
