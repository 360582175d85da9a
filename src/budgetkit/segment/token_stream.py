"""The token stream: :class:`Tok`, a cell or a piece of one with the gap before it, and :func:`stream` of rows.

Also the gaps, :func:`join_text` of wrapped pieces, and bracketed headings read as labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from budgetkit.model.cells import Cell, Row
from budgetkit.vocab.vocabulary import Match, lookup

PIECE, SAME, LINE, BLANK, BREAK = 0, 1, 2, 3, 4


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


OPEN_BRACKET_RE = re.compile(r"\([^()]*$")


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
                and not OPEN_BRACKET_RE.search(out)):  # an English word boundary, not pinyin cut at a wrap
            out += " "
        out += part
    return out


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
