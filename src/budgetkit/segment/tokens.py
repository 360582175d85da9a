"""The token stream recognition reads: the pieces of a document's cells, with the gaps between them.

Recognition (:mod:`budgetkit.recognise.tables`) never looks at rows directly: it reads a
stream of :class:`Tok`, each a cell or a piece of one, with the **gap** before it,
the evidence of how it is separated from the token before:

=========  =======================================================================
``PIECE``  a piece of the same cell (cut at a space or by the vocabulary)
``SAME``   the next cell of the same printed row (a pipe, a rule, a tab)
``LINE``   the next line, nothing says whether the row goes on
``BLANK``  after a blank line
``BREAK``  after a row the reader saw end (a grid row, a pipe row closed by padding)
=========  =======================================================================

:func:`cut` splits tokens at the vocabulary terms they run together with, and
:func:`assemble_labels` joins the pieces of a label wrapped over lines or cells
(``满意度`` / ``指标``), longest term first.

Examples:
    >>> from budgetkit.segment.text import segment_lines
    >>> toks = stream(segment_lines(["满意度", "指标", "项目名称 | 主体班 | |||"]))
    >>> [(t.text, t.gap) for t in toks]
    [('满意度', 4), ('指标', 2), ('项目名称', 2), ('主体班', 1)]
    >>> [(t.text, t.match.term.role) for t in assemble_labels(toks)[:1]]
    [('满意度指标', 'level1')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Row
from budgetkit.model.normalize import is_wide
from budgetkit.vocab.vocabulary import Found, Match, find_terms, is_prefix, lookup, match_key

__all__ = ["HALVES_REASON", "BLANK", "BREAK", "LINE", "PIECE", "SAME", "Tok", "assemble_labels", "cut", "join_text",
           "join_vertical_halves", "kept_alive", "split_headings", "split_wrapped_tails", "stream"]

PIECE, SAME, LINE, BLANK, BREAK = 0, 1, 2, 3, 4

_PREFIX_ONLY_RE = re.compile(r"^(?:其中|含)[:]?$")
#: The start of a target value: a comparator or a digit (a level label is followed by a label or a name, never this).
_VALUE_STARTS = r">=|<=|[≥≤><=≧≦═±]|\d"
_VALUE_START_RE = re.compile(rf"\s*(?:{_VALUE_STARTS})")
#: Words an indicator's explanation (指标解释) opens with; the first ones (:data:`EXPLANATION_CUTS`) are never
#: inside a name, so a run-together row is cut before them (:func:`budgetkit.recognise.tables.split_run_together_rows`).
EXPLANATION_OPENINGS = ("反映", "考察", "该指标", "用于", "指", "主要考察", "衡量")
#: Of :data:`EXPLANATION_OPENINGS`, those a run-together row is cut before.
EXPLANATION_CUTS = EXPLANATION_OPENINGS[:3]
#: What follows a name and never a label: a value, or an explanation.
_AFTER_NAME_RE = re.compile(rf"\s*(?:{_VALUE_STARTS}|{'|'.join(EXPLANATION_CUTS)})")
#: A value after a name, a percent sign printed between them (服务对象满意度%=99百分比).
_UNIT_THEN_VALUE_RE = re.compile(rf"[%‰]?\s*(?:{_VALUE_STARTS})")
#: Roles of the labels a cell may run together with its value at its start (项目名称学校校舍建设项目).
_GLUE_ROLES = ("field", "goal", "level1", "level2", "column", "section", "title", "unit_label", "list")
#: No piece longer than this starts a label wrapped over lines (the longest terms, with a qualifier).
_LONGEST_LABEL = 40


#: The tokens made inside :func:`kept_alive`, held until it ends (``None`` outside it).
_ARENA: ContextVar[list | None] = ContextVar("budgetkit_token_arena", default=None)


@contextmanager
def kept_alive() -> Iterator[None]:
    """Keep every token made inside the block alive until it ends.

    Recognition marks the tokens it has read by ``id()`` (sets of ids are cheap, tokens are many). An id is
    unique only among live objects: a token made and dropped along the way (a piece of a cut, a label
    joined and split again) frees its id for the next token made, which would then count as read and vanish
    from ``unparsed``, depending on what the process read before. Inside this block no token is freed, so
    every id names one token.

    Examples:
        >>> with kept_alive():
        ...     ids = {id(Tok(str(n), (), 0)) for n in range(1000)}
        >>> len(ids)
        1000
    """
    handle = _ARENA.set([])
    try:
        yield
    finally:
        _ARENA.reset(handle)


@dataclass(slots=True, unsafe_hash=True)
class Tok:
    """One token: a cell or a piece of one.

    Treated as immutable: change one with :func:`dataclasses.replace`. Not ``frozen``: a frozen
    dataclass costs three to four times as much to make, and parsing makes hundreds a table.

    Attributes:
        text: the piece as printed (normalised).
        cells: the cells it comes from (more than one when a wrapped label was joined).
        gap: the gap before it (:data:`PIECE` … :data:`BREAK`).
        inferred: its edge before was cut by the vocabulary or a value shape, not printed.
        match: its vocabulary match, or ``None``.
        whole_line: it is all its line holds.
        heading: a label printed as a bracketed heading (``【总体目标】``, ``【产出指标-数量指标】``), or the
            number heading a list row (``指标1:``).
    """

    text: str
    cells: tuple[Cell, ...]
    gap: int
    inferred: bool = False
    match: Match | None = None
    whole_line: bool = False
    heading: bool = False

    def __post_init__(self) -> None:
        arena = _ARENA.get()
        if arena is not None:
            arena.append(self)

    @property
    def cell(self) -> Cell:
        """The first cell the token comes from."""
        return self.cells[0]

    @property
    def line(self) -> int:
        """First line of the token."""
        return self.cells[0].line

    @property
    def last_line(self) -> int:
        """Last line of the token."""
        if len(self.cells) == 1:
            return self.cells[0].last_line
        return max(c.last_line for c in self.cells)

    @property
    def page(self) -> int | None:
        """PDF page of the token."""
        return self.cells[0].page

    def role(self, *roles: str):
        """Its vocabulary row with one of ``roles``, or ``None``."""
        return self.match.role(*roles) if self.match is not None else None


def stream(rows: Sequence[Row]) -> list[Tok]:
    """Flatten rows into tokens, one per non-empty cell or printed empty cell, with the gaps between them.

    A merged cell is one token, where it starts: the copies standing for it in the
    other rows and columns it spans (``spanned``) are left out, so a header value
    spanning five columns reads once and a level label merged down its block reads
    once at its top (recognition carries level labels down).

    Examples:
        >>> span = [Row([Cell("项目名称", 1, col=0), Cell("甲", 1, col=1, colspan=2),
        ...              Cell("甲", 1, col=2, spanned=True)], hard=True, grid=0),
        ...         Row([Cell("甲", 2, col=0, spanned=True)], hard=True, grid=0),
        ...         Row([Cell("产出指标", 3, col=0)], hard=True, grid=0)]
        >>> [(t.text, t.gap) for t in stream(span)]
        [('项目名称', 4), ('甲', 1), ('产出指标', 4)]
    """
    out: list[Tok] = []
    gap = BREAK
    for row in rows:
        cells = row.cells
        if len(cells) != 1 or cells[0].spanned:  # a line of text is one cell: no copy to leave out
            cells = [c for c in cells if not c.spanned]
            if not cells:
                gap = max(gap, BREAK if row.hard else BLANK)
                continue
        single = len(cells) == 1
        for k, cell in enumerate(cells):
            text = cell.text
            out.append(Tok(text, (cell,), gap if k == 0 else SAME, False, lookup(text) if text else None, single))
        gap = BREAK if row.hard else LINE
    return out


HALVES_REASON = "cell wrapped above and below its row, joined"


def join_vertical_halves(toks: Sequence[Tok]) -> list[Tok]:
    """Rejoin cells that an extractor printed in halves above and below their row's line.

    Text extracted line by line from a PDF (pdfplumber's ``extract_text``) prints a
    wrapped cell's first half on the line above its row and the rest on the line
    below, the row's other cells on the middle line::

        兰溪路-真南路下立交工 阶段性项
        项目名称 项目性质 项目类别 特定目标类
        程 目

    Two shapes are rejoined, both on the vocabulary's evidence:

    * a line of labels where ``k`` labels have no value, between two lines of ``k``
      pieces with no label: each label takes its halves (``项目名称 兰溪路-真南路下立交工程``);
    * a piece alone on a line that starts a label, a row, and a piece alone on the
      next line that ends it (``可持续影`` / row / ``响指标``): the label is put before the row.

    Examples:
        >>> lines = ["兰溪路-真南路下立交工 阶段性项", "项目名称 项目性质 项目类别 特定目标类", "程 目"]
        >>> ts = [Tok(t, (Cell(t, i),), LINE, whole_line=True) for i, t in enumerate(lines, 1)]
        >>> [t.text for t in join_vertical_halves(ts)]
        ['项目名称 兰溪路-真南路下立交工程 项目性质 阶段性项目 项目类别 特定目标类']
        >>> lines = ["可持续影", "长效管理制度健全性 健全", "响指标"]
        >>> ts = [Tok(t, (Cell(t, i),), LINE, whole_line=True) for i, t in enumerate(lines, 1)]
        >>> [t.text for t in join_vertical_halves(ts)]
        ['可持续影响指标', '长效管理制度健全性 健全']
    """
    out = list(toks)
    frags = [_fragment(t) for t in out]  # kept in step with ``out``

    def splice(a: int, b: int, joined: list[Tok]) -> None:
        out[a:b] = joined
        frags[a:b] = [_fragment(t) for t in joined]

    i = 1
    while i < len(out) - 1:
        if frags[i - 1] and frags[i + 1] and (stacked := _stacked_labels(out, i, frags)) is not None \
                and rules.enabled("segment.stacked-level-fragments"):
            first, last, joined = stacked
            splice(first, last, joined)
            i = first + len(joined)
            continue
        above, mid, below = out[i - 1], out[i], out[i + 1]
        lines_ok = (mid.whole_line and below.whole_line and above.whole_line and mid.gap in (LINE, BLANK)
                    and below.gap in (LINE, BLANK) and not mid.cells[0].delimited
                    and not below.cells[0].delimited and not above.cells[0].delimited)
        if lines_ok and (joined := _label_halves(above, mid, below)) is not None \
                and rules.enabled("segment.label-halves"):
            splice(i - 1, i + 2, joined)
            i += 1
            continue
        if lines_ok and (joined := _value_halves(above, mid, below)) is not None \
                and rules.enabled("segment.value-halves"):
            splice(i - 1, i + 2, [joined])
            continue
        i += 1
    return out


#: Most lines of label fragments looked at above and below a row, and the longest fragment.
_STACK_DEPTH, _FRAGMENT_CHARS = 3, 8


def _fragment(tok: Tok) -> bool:
    """A short piece alone on its line that is no term by itself: possibly part of a label printed around a row."""
    text = tok.text.strip()
    return (tok.whole_line and not tok.cell.delimited and bool(text) and " " not in text
            and len(text) <= _FRAGMENT_CHARS and lookup(text) is None)


def _stacked_labels(out: Sequence[Tok], i: int, frags: Sequence[bool]) -> tuple[int, int, list[Tok]] | None:
    """Level labels printed as fragments stacked around row ``out[i]`` (two merged cells wrapped side by side).

    An extractor that prints merged cells at the middle of their block prints two
    wrapped level cells beside one row as interleaved fragments above it, at its
    start and below it::

        服务对象
        满意度指
        满意度指 居民群众满意度 ≥90.00(%)
        标
        标

    The fragments are shared out between a level-1 and a level-2 label so that each
    joins to a term of the vocabulary and is centred on the row (as far above as
    below); only one way of doing that may exist. Returns the slice of ``out`` to
    replace and its replacement (the labels, then the row without its fragment), or
    ``None``. Three fragments at least: one above and one below is
    :func:`_label_halves`' simpler case. ``frags`` tells which tokens of ``out`` are fragments (:func:`_fragment`).
    """
    span = _stack_span(out, i, frags)
    if span is None:
        return None
    first, last = span
    mid = out[i]
    pieces = [(t.line - mid.line, t.text.strip(), t) for t in out[first:i]]
    lead, _, rest = mid.text.strip().partition(" ")
    inline = bool(rest) and len(lead) <= _FRAGMENT_CHARS and lookup(lead) is None
    if inline:
        pieces.append((0, lead, mid))
    pieces += [(t.line - mid.line, t.text.strip(), t) for t in out[i + 1:last]]
    if len(pieces) < 3 or len(pieces) > 8:
        return None
    readings = {r for mask in range(1, 2 ** len(pieces) - 1) if (r := _stack_reading(pieces, mask)) is not None}
    if len({tuple((role, text) for role, text, _ in r) for r in readings}) != 1:
        return None
    by_id = {id(t): t for _, _, t in pieces}
    joined = []
    for _role, text, ids in sorted(readings)[0]:
        toks = [by_id[k] for k in ids]
        joined.append(Tok(text, _halves_cells(*toks), out[first].gap if not joined else LINE, match=lookup(text),
                          whole_line=True))
    row = mid if not inline else _part_of(mid, rest)
    return first, last, [*joined, replace(row, gap=LINE)]


def _stack_span(out: Sequence[Tok], i: int, frags: Sequence[bool]) -> tuple[int, int] | None:
    """The slice ``out[first:last]`` of the fragments stacked around row ``out[i]``, or ``None``.

    Decides whether the row may have labels stacked around it at all: a line of one undelimited cell, no
    fragment itself, with at least one fragment line above and one below (up to :data:`_STACK_DEPTH` each).
    """
    mid = out[i]
    if not (mid.whole_line and not mid.cell.delimited) or frags[i]:
        return None
    first = i
    while first > 0 and i - first < _STACK_DEPTH and frags[first - 1] and out[first].gap in (LINE, BLANK):
        first -= 1
    last = i + 1
    while last < len(out) and last - i <= _STACK_DEPTH and frags[last] and out[last].gap in (LINE, BLANK):
        last += 1
    if first == i or last == i + 1:
        return None
    return first, last


def _stack_reading(pieces: Sequence[tuple[int, str, Tok]], mask: int) -> tuple | None:
    """One way of sharing the stacked ``pieces`` between two labels (bit ``k`` of ``mask``: piece ``k``'s label).

    It is a reading when each side is a centred level label (:func:`_centred_label`) and the two are of
    different levels: the labels sorted, each as (role, text, ids of its tokens); else ``None``.
    """
    labels = []
    for side in (0, 1):
        label = _centred_label([f for k, f in enumerate(pieces) if (mask >> k) & 1 == side])
        if label is None:
            return None
        labels.append(label)
    return tuple(sorted(labels)) if labels[0][0] != labels[1][0] else None


def _centred_label(part: Sequence[tuple[int, str, Tok]]) -> tuple[str, str, tuple[int, ...]] | None:
    """Whether the pieces ``part`` (line offset from the row, text, token) join to a level label centred on the row.

    Centred: its first piece as far above the row as its last is below.
    """
    text = "".join(t for _, t, _ in part)
    m = lookup(text)
    term = m.role("level1", "level2") if m is not None else None
    if term is None or part[0][0] + part[-1][0] != 0:
        return None
    return term.role, text, tuple(id(t) for _, _, t in part)


def _part_of(tok: Tok, text: str) -> Tok:
    """``tok`` (a line of one cell) cut down to the part ``text`` of it, its cell too."""
    return replace(tok, text=text, cells=(replace(tok.cell, text=text),))


def _halves_cells(*toks: Tok) -> tuple[Cell, ...]:
    return tuple(c.doubted(HALVES_REASON) for t in toks for c in t.cells)


def _label_halves(above: Tok, mid: Tok, below: Tok) -> list[Tok] | None:
    head, tail = above.text.strip(), below.text.strip()
    if " " in head or " " in tail or not head or not tail:
        return None
    if lookup(tail) is not None and lookup(head) is not None:
        return None  # two labels, one above and one below
    whole = lookup(head + tail)
    if whole is None or whole.role("level1", "level2", "block", "field", "goal") is None:
        return None
    if lookup(head) is not None and not whole.qualifiers and len(match_key(tail)) > 2:
        return None  # a whole label above, and a word below that only looks like its end
    if lookup(mid.text) is not None:
        return None
    label = Tok(head + tail, _halves_cells(above, below), above.gap, match=whole, whole_line=True)
    lead, _, rest = mid.text.strip().partition(" ")
    first = lookup(lead) if rest else None
    if first is not None and first.role("level1") is not None and whole.role("level2") is not None:
        # the row's own level-1 label stands first: the level 2 goes after it (产出指标 [数量指标] 名称 …)
        lead_tok = replace(_part_of(mid, lead), match=first)
        rest_tok = replace(_part_of(mid, rest), gap=SAME, match=lookup(rest))
        return [replace(lead_tok, gap=above.gap), replace(label, gap=SAME), rest_tok]
    return [label, replace(mid, gap=LINE)]


def _value_halves(above: Tok, mid: Tok, below: Tok) -> Tok | None:
    pieces = mid.text.split()
    if len(pieces) < 2:
        return None
    labelled = [(m := lookup(p)) is not None and m.role("field", "extra", "block") is not None for p in pieces]
    if not any(labelled):
        return None
    empty = [k for k, lab in enumerate(labelled) if lab and (k + 1 == len(pieces) or labelled[k + 1])]
    ups, downs = above.text.split(), below.text.split()
    if not empty or len(ups) != len(empty) or not (1 <= len(downs) <= len(empty)):
        return None
    if any(lookup(p) is not None for p in ups + downs):
        return None
    downs = downs + [""] * (len(empty) - len(downs))
    filled = list(pieces)
    for k, up, down in reversed(list(zip(empty, ups, downs, strict=True))):
        filled.insert(k + 1, join_text([up, down]))
    return Tok(" ".join(filled), _halves_cells(mid, above, below), above.gap, whole_line=True)


_HEADING_RE = re.compile(r"^【([^】]{2,40})】\s*[:]?\s*(.*)$")


def split_headings(toks: Sequence[Tok]) -> list[Tok]:
    """Read bracketed headings of list-form disclosures as labels: ``【产出指标-数量指标】``, ``【总体目标】``.

    The heading's parts (joined by ``-``) are looked up; text after the heading
    (``【项目概况】:该项目…``) is the next token.

    Examples:
        >>> ts = [Tok(t, (Cell(t, 1),), LINE) for t in ["【产出指标-数量指标】", "【项目概况】:该项目为机房租赁。"]]
        >>> [(t.text, t.match.term.role if t.match else None, t.heading) for t in split_headings(ts)]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('产出指标', 'level1', True), ('数量指标', 'level2', True), ('项目概况', 'extra', True),
         ('该项目为机房租赁。', None, False)]
    """
    out: list[Tok] = []
    for tok in toks:
        m = _HEADING_RE.match(tok.text)
        if m is None:
            out.append(tok)
            continue
        inner, rest = m[1], m[2]
        parts = [p for p in re.split(r"\s*[-—－]\s*", inner) if p]
        matches = [lookup(p) for p in parts]
        if all(matches):
            labels = list(zip(parts, matches, strict=True))
        elif (whole := lookup(inner)) is not None:
            labels = [(inner, whole)]
        else:
            out.append(tok)
            continue
        for k, (text, match) in enumerate(labels):
            out.append(Tok(text, tok.cells, tok.gap if k == 0 else PIECE, match=match, heading=True))
        if rest.strip():
            out.append(Tok(rest.strip(), tok.cells, PIECE, match=lookup(rest.strip())))
    return out


def join_text(parts: Iterable[str]) -> str:
    """Join wrapped pieces of one cell: no space between two Chinese characters or across a number's wrap.

    Examples:
        >>> join_text(["满意度指", "标"]), join_text(["模的良好", "社会氛围"]), join_text(["Open", "PDF"])
        ('满意度指标', '模的良好社会氛围', 'Open PDF')
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if (out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha()
                and not _OPEN_BRACKET_RE.search(out)):  # an English word boundary, not pinyin cut at a wrap
            out += " "
        out += part
    return out




def _labels_stand_apart(text: str, found: Sequence[Found]) -> bool:
    """Whether the spaces of ``text`` part its cells.

    So where its labels stand apart by spaces at least as often as they are glued to a cell; with fewer
    than three labels to tell, where it has a space in every 40 characters or so.

    Examples:
        >>> from budgetkit.vocab.vocabulary import find_terms
        >>> roles = ["field", "column", "title"]
        >>> [_labels_stand_apart(t, find_terms(t, roles)) for t in (
        ...     "项目名称 学校建设 主管部门 某局 实施单位 某校", "标 题:项目名称学校建设主管部门某局实施单位某校",
        ...     "某县预算部门项目支出绩效目标申报表 (2023年度)")]
        [True, False, True]
    """
    apart = glued = 0
    for f in found:
        if f.start > 0 and f.end - f.start >= 3 and f.match.role("title") is None:
            if text[f.start - 1].isspace():
                apart += 1
            else:
                glued += 1
    if apart + glued < 3:
        return text.count(" ") * _CHARS_A_SPACE >= len(text)
    return apart >= glued


#: Required-field marks printed right before a label.
_MARKS = "*＊★☆"
_MARKS_BEFORE_RE = re.compile(f"[{_MARKS}]+$")
#: Where it has too few labels to tell, a cell with a space in this many characters is parted by its spaces.
_CHARS_A_SPACE = 40


#: The roles of the labels a header line may be made of.
_HEADER_LINE_ROLES = ("title", "unit_label", "field", "extra", "block", "subtable", "row", "goal", "column",
                      "section")


def glued_labels(text: str) -> bool:
    """Whether ``text`` is nothing but three or more header labels glued together (a header row printed run together).

    Examples:
        >>> glued_labels("单位代码单位(专项)名称资金总额实施期绩效目标绩效指标")
        True
        >>> glued_labels("一级指标二级指标三级指标指标值指标值内容评(扣分标准) 度量单位指标值类型备注")
        True
        >>> glued_labels("项目名称学校建设主管部门某局"), glued_labels("单位代码")
        (False, False)
    """
    found = find_terms(text, _HEADER_LINE_ROLES)
    if len(found) < 3:
        return False
    covered = sum(f.end - f.start for f in found)
    return covered == len(text) - sum(ch.isspace() for ch in text) and all(
        not text[a.end:b.start].strip() for a, b in zip(found, found[1:], strict=False))


def cut(toks: Sequence[Tok], roles: Iterable[str], *, spaces: bool = True, run_together: bool = True,
        min_run: int = 2) -> list[Tok]:
    """Split tokens at the vocabulary terms of ``roles`` inside them.

    A token is cut at a term that stands apart inside it (at a space or colon, or
    at its start or end) when ``spaces``; and, when ``run_together``, at every term
    of a token holding ``min_run`` terms or more with nothing between to part them
    (a page flattened to one line). Pieces cut where nothing was printed are
    ``inferred``.

    Examples:
        >>> t = Tok("主管部门 自治区总工会 实施单位 宁夏回族自治区总工会", (Cell("", 1),), LINE)
        >>> [p.text for p in cut([t], ["field"])]
        ['主管部门', '自治区总工会', '实施单位', '宁夏回族自治区总工会']
        >>> t = Tok("项目名称福建专项资金主管部门(单位)名称武夷山市委宣传部", (Cell("", 1),), LINE)
        >>> [(p.text, p.inferred) for p in cut([t], ["field"])]
        [('项目名称', False), ('福建专项资金', True), ('主管部门(单位)名称', True), ('武夷山市委宣传部', True)]
    """
    roles = tuple(roles)
    out: list[Tok] = []
    for tok in toks:
        out.extend(_cut_token(tok, roles, out[-1] if out else None, spaces=spaces, run_together=run_together,
                              min_run=min_run))
    return out


def _cut_token(tok: Tok, roles: tuple[str, ...], prev: Tok | None, *, spaces: bool, run_together: bool,
               min_run: int) -> list[Tok]:
    """The pieces :func:`cut` makes of one token (``prev``, the piece cut before it): the token alone if uncut.

    Decides whether the token is cut at all: not when it is empty or already a term of ``roles``, nor
    when no term is found in it or none of them is kept as a label.
    """
    text = tok.text
    if not text or tok.match is not None and tok.match.role(*roles):
        return [tok]
    glued = glued_labels(text)  # a header line of labels glued one to the next (单位代码单位(专项)名称…)
    found = find_terms(text, _HEADER_LINE_ROLES if glued else roles)
    if not found:
        return [tok]
    run_ok = _run_together_ok(tok, found, run_together=run_together, min_run=min_run) or glued
    # spaces part its cells where its labels stand apart by them: a page flattened to one line keeps the
    # spaces inside its cells (索 引 号, 绩 效 指 标) while its labels are glued to the cells around them
    spaced = run_ok and " " in text and _labels_stand_apart(text, found)
    keep = list(found) if glued else _kept_terms(tok, found, prev, spaces=spaces, run_ok=run_ok, spaced=spaced)
    if not keep:
        return [tok]
    return _piece_toks(tok, _pieces(text, _with_marks(text, keep)), glued=glued)


def _run_together_ok(tok: Tok, found: Sequence[Found], *, run_together: bool, min_run: int) -> bool:
    """Whether the terms found in a token are a run to cut at every term (a page flattened to one line).

    A run of terms inside words is a flattened page only if it holds labels, not just the level words a
    narrative mentions (经济效益, 满意度).
    """
    return run_together and len(found) >= (1 if tok.inferred else min_run) and any(
        f.match.role("field", "column", "title", "extra") is not None for f in found)


def _kept_terms(tok: Tok, found: Sequence[Found], prev: Tok | None, *, spaces: bool, run_ok: bool,
                spaced: bool) -> list[Found]:
    """The terms found in a token that :func:`cut` cuts it at (a title's widened to its whole word).

    A term is kept where it is no word of a name or sentence, and it chains on from the start of the cell
    (项目名称学校校舍建设项目), or stands apart by spaces or colons, or is part of a run of terms.
    """
    text = tok.text
    keep = []
    chain_end = 0  # terms glued one after another from the start of the cell (项目名称学校校舍建设项目)
    ends = {g.end for g in found if g.end - g.start >= 3}  # (a two-character term inside a word: 培训效果)
    level2_ends = {g.end for g in found if g.match.role("level2") is not None}
    if tok.inferred and prev is not None and prev.role("level2") is not None:
        level2_ends.add(0)  # the piece cut right after a level-2 label
    for f in found:
        if _not_a_label(text, f, ends, level2_ends):
            continue
        f = _title_word(text, f)
        if _chains_on(tok, f, chain_end):
            chain_end = f.end
            keep.append(f)
        elif _cut_where_found(text, f, spaces=spaces, run_ok=run_ok, spaced=spaced):
            keep.append(f)
    return keep


def _not_a_label(text: str, f: Found, ends: set[int], level2_ends: set[int]) -> bool:
    """Whether a term found in ``text`` is a word of what is written there, not a label to cut at.

    ``ends``: where the terms of three characters or more end; ``level2_ends``: where level-2 labels end.
    """
    if f.start > 0 and f.start not in ends and not text[f.start - 1].isspace() \
            and f.match.role("level1", "level2") is not None and _AFTER_NAME_RE.match(text, f.end):
        return True  # a level word ending a name, its value or explanation next (…职工满意度≥90%): no label
    if f.start in level2_ends and f.match.role("level2") is not None and _UNIT_THEN_VALUE_RE.match(text, f.end):
        return True  # a name spelt as the level-2 label before it (服务对象满意度指标服务对象满意度≥95%)
    # a column's name in a sentence about it (该指标值数据合理): no label
    return f.start > 0 and text[f.start - 1] in "该此" and f.match.role("column") is not None


def _title_word(text: str, f: Found) -> Found:
    """A title term widened to its whole word, what it names before its term (项目支出|绩效目标表)."""
    if f.start > 0 and not text[f.start - 1].isspace() and " " in text[: f.start] \
            and f.match.role("title") is not None:
        return replace(f, start=text.rindex(" ", 0, f.start) + 1)
    return f


def _chains_on(tok: Tok, f: Found, chain_end: int) -> bool:
    """Whether a term goes on the chain of labels glued one after another from the start of the cell.

    A term of the words that are as often words as labels (项目资金…, 立项依据…) never does; in a cell whose
    edges were printed, a label glued to more text is a longer word (项目期限), unless a colon or a number
    follows it.
    """
    text = tok.text
    rest = text[f.end : f.end + 1]
    word_like = f.match.role(*_GLUE_ROLES) is None
    glued_ok = not tok.cell.delimited or rest in (":", "") or rest.isdigit()
    return f.start == chain_end and (f.end < len(text) or chain_end > 0) and glued_ok and not word_like


def _cut_where_found(text: str, f: Found, *, spaces: bool, run_ok: bool, spaced: bool) -> bool:
    """Whether a term off the chain is cut at: it stands apart (``spaces``), or is one of a run (``run_ok``).

    In a run, a term of two characters is too common inside words to cut at (单位, 备注); where spaces part
    the cells (``spaced``), a term inside a word is part of it (居民群众满意度 ≥90%, 社区居民满意度、幸福感).
    """
    before = text[f.start - 1] if f.start > 0 else " "
    if spaces and _stands_apart(text, f):
        return True
    return run_ok and f.end - f.start >= 3 and (not spaced or before.isspace())


def _stands_apart(text: str, f: Found) -> bool:
    """Whether a term stands apart in ``text``: spaces or colons either side, or it meets the cell's edge.

    At its end, a colon in the term or a narrow character after it parts it as well.
    """
    before = text[f.start - 1] if f.start > 0 else " "
    after = text[f.end] if f.end < len(text) else " "
    apart = (before.isspace() or before in ":") and (after.isspace() or after in ":")
    edge_ok = (f.start == 0 or before.isspace()) and (f.end == len(text) or after.isspace()
                                                     or after in ":" or text[f.end - 1] == ":"
                                                     or not is_wide(after))
    return apart or edge_ok


def _with_marks(text: str, keep: list[Found]) -> list[Found]:
    """The kept terms, each taking a required-field mark printed before it (…鉴定中心*部门(单位)职责)."""
    if any(f.start > 0 and text[f.start - 1] in _MARKS for f in keep):
        keep = [replace(f, start=f.start - len(m.group(0)))
                if f.start > 0 and text[f.start - 1] in _MARKS and (m := _MARKS_BEFORE_RE.search(text, 0, f.start))
                and m.start() > (keep[k - 1].end if k else 0) else f
                for k, f in enumerate(keep)]
    return keep


def _pieces(text: str, keep: Sequence[Found]) -> list[tuple[str, bool, Match | None]]:
    """``text`` cut at the kept terms: each piece, whether it was cut where nothing was printed, its term."""
    pos = 0
    pieces: list[tuple[str, bool, Match | None]] = []
    for f in keep:
        if f.start > pos:
            pieces.append((text[pos:f.start], pos > 0, None))
        pieces.append((text[f.start:f.end], f.start > 0 and not text[f.start - 1].isspace()
                       and text[f.start - 1] != ":", f.match))
        pos = f.end
    if pos < len(text):
        pieces.append((text[pos:], not text[pos].isspace() and text[pos - 1] != ":", None))
    return pieces


def _piece_toks(tok: Tok, pieces: Sequence[tuple[str, bool, Match | None]], *, glued: bool) -> list[Tok]:
    """The tokens of a token's pieces: the gap before each, and whether it was cut where nothing was printed.

    A piece cut where nothing was printed may start a row as a line would; one cut at a space may not. The
    labels of a glued header line are cells of one printed row (never joined into one label).
    """
    out: list[Tok] = []
    first = True
    for piece, inferred, match in pieces:
        stripped = piece.strip().lstrip(":").strip()
        if not stripped:
            continue
        gap = tok.gap if first else SAME if glued else (LINE if inferred else PIECE)
        out.append(Tok(stripped, tok.cells, gap, inferred=(inferred and not first) or tok.inferred,
                       match=match if match is not None else lookup(stripped),
                       whole_line=tok.whole_line and len(pieces) == 1))
        first = False
    return out


def split_wrapped_tails(toks: Sequence[Tok]) -> list[Tok]:
    """Part the last space-separated piece of a token when it is the start of a label the next token ends.

    ``其中:财政拨款 30  其中:中央资`` / ``金``: the tail ``其中:中央资`` and ``金`` make
    ``其中:中央资金``, so the tail is cut off for :func:`assemble_labels` to join.

    Examples:
        >>> ts = [Tok(t, (Cell(t, i),), LINE) for i, t in enumerate(["财政拨款 30  其中:中央资", "金"], 1)]
        >>> [t.text for t in assemble_labels(split_wrapped_tails(ts))]
        ['财政拨款 30', '其中:中央资金']
    """
    out: list[Tok] = []
    for i, tok in enumerate(toks):
        parts = tok.text.rsplit(None, 1)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if len(parts) == 2 and nxt is not None and nxt.gap in (LINE, BLANK) and tok.match is None:
            tail = parts[1]
            key = re.sub(r"^(?:其中|含):?", "", match_key(tail))
            if key and is_prefix(key) and lookup(tail) is None and lookup(tail + nxt.text.split()[0]) is not None \
                    and rules.enabled("segment.wrapped-tail-cut"):
                out.append(replace(tok, text=parts[0], match=lookup(parts[0])))
                out.append(Tok(tail, tok.cells, PIECE, match=None))
                continue
        out.append(tok)
    return out


_OPEN_BRACKET_RE = re.compile(r"\([^()]*$")


@lru_cache(maxsize=65536)
def _prefix_key(key: str) -> str:
    """The key a piece of a wrapped label is checked against.

    No leading 其中, and no bracket left open at the wrap (pinyin ``產(ch`` / ``ǎn)``, a
    qualifier ``成本指标(0`` / ``-20)分``): the label goes on on the next piece.
    """
    return _OPEN_BRACKET_RE.sub("", re.sub(r"^(?:其中|含):?", "", key))


def _joinable(tok: Tok) -> bool:
    return bool(tok.text) and tok.gap != SAME


@lru_cache(maxsize=65536)
def _may_go_on(text: str) -> bool:
    """Whether a label may go on after ``text``, its pieces joined so far.

    It may where its key starts some term, is a leading 其中 alone, or is empty once 其中 and a bracket left
    open are set aside.
    """
    key = match_key(text)
    key_np = _prefix_key(key)
    return is_prefix(key_np) or _PREFIX_ONLY_RE.match(key) is not None or not key_np


def assemble_labels(toks: Sequence[Tok], roles: Iterable[str] | None = None, max_parts: int = 5) -> list[Tok]:
    """Join label pieces wrapped over lines (or cut at spaces) into the longest vocabulary term they make.

    Pieces are joined while their joined key starts some term (``满意度指`` …
    ``满意度指标``); the longest joint that is a whole term wins, so ``经济效益`` /
    ``指标`` gives ``经济效益指标``, not ``经济效益`` and an orphan ``指标``. A
    qualifier printed on the next line (``产出指标`` / ``(40-50)分``) joins the term.
    Cells of one printed row (gap ``SAME``) are never joined.

    Examples:
        >>> ts = [Tok(t, (Cell(t, i),), LINE) for i, t in enumerate(["经济效益", "指标", "(选填)"], 1)]
        >>> [(t.text, t.match.term.field) for t in assemble_labels(ts)]
        [('经济效益指标(选填)', '经济效益')]
    """
    allowed = tuple(roles) if roles is not None else None
    out: list[Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        best_j, best = i, None
        if tok.text and len(tok.text) <= _LONGEST_LABEL and (tok.match is None or allowed is None
                                                             or tok.role(*allowed)):
            goes_on = _may_go_on(tok.text)
            j = i
            joined = tok.text
            if tok.match is not None:
                best = tok.match
            while j + 1 < n and j - i + 1 < max_parts:
                nxt = toks[j + 1]
                tail = best is not None and best_j == j and len(nxt.text) <= 4  # a qualifier's end: 分
                if not (goes_on or tail):
                    break
                if not _joinable(nxt):
                    break
                joined += nxt.text
                goes_on = _may_go_on(joined)
                j += 1
                m = lookup(joined)
                if m is not None and (allowed is None or m.role(*allowed)):
                    best_j, best = j, m
            if best is not None and best_j > i and rules.enabled("segment.wrapped-labels-joined"):
                # a qualifier alone on the next piece belongs to the label
                parts = [t.text for t in toks[i:best_j + 1]]
                cells = tuple(c for t in toks[i:best_j + 1] for c in t.cells)
                out.append(replace(tok, text=join_text(parts), cells=cells, match=best,
                                   whole_line=all(t.whole_line for t in toks[i:best_j + 1])))
                i = best_j + 1
                continue
        out.append(tok)
        i += 1
    return out
