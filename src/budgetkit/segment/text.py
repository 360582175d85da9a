r"""Cut the lines of a text file into rows of cells, by the evidence in each line.

Text comes from web pages flattened to text, from PDF extractors and from
spreadsheet exports, and one file can mix shapes. Each line is read on its own
evidence, never by a layout chosen for the whole document:

* a line with pipes (``a | b | |||``) is a row of cells split at the pipes; empty
  padding at its end (two or more pipes) shows the row is whole (``hard``), a
  single trailing pipe that it may go on on the next line;
* a line of pipes alone is an empty cell (``|``, where text lines end in pipes), a
  row end (``|||``), or a separator between cells printed one per line (where
  text lines carry no pipe, two separators in a row hold an empty cell);
* a line with tabs is split at the tabs;
* any other line is one cell; the runs of spaces inside it stay in its text, as
  places where recognition may cut it (``职工困难医疗救助 200户``);
* a cell opened by ``"`` on one line and closed on a later one is one cell;
* a blank line is a row of its own with no cells (a paragraph gap).

Examples:
    >>> rows = segment_lines(["项目名称 | 主体班 | ||||", "|", "一级指标", "", '"1.完成', '任务。"'])
    >>> [([c.text for c in r.cells], r.hard) for r in rows]
    [(['项目名称', '主体班'], True), ([''], False), (['一级指标'], False), ([], False), (['1.完成任务。'], False)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from budgetkit.model.cells import Cell, Row
from budgetkit.model.normalize import display_width, is_wide
from budgetkit.model.settings import setting
from budgetkit.segment.tokens import join_text
from budgetkit.vocab.values import is_measurable
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = ["segment_lines"]

_PIPES_ONLY_RE = re.compile(r"^[\s|]*\|[\s|]*$")
_PADDING_RE = re.compile(r"\|\s*\|\s*$")


def _pipe_cells(text: str, lineno: int) -> tuple[list[Cell], bool]:
    """Cells of a line with pipes, and whether the line closes its row (padding at its end)."""
    hard = bool(_PADDING_RE.search(text))
    parts = text.split("|")
    if parts and not parts[0].strip():
        parts = parts[1:]  # "| a | b |": the leading pipe opens the first cell
    while parts and not parts[-1].strip():
        parts.pop()  # trailing padding of merged cells
    return [Cell(p.strip(), lineno, delimited=True) for p in parts], hard


def _continue_row(rows: list[Row], cells: list[Cell]) -> bool:
    """Join a pipe row that only continues the row above (``||||得到提升|``) into it, cell by column.

    A row whose one non-empty cell comes after empty ones, under a pipe row with
    a cell in that column, is that cell's wrapped text.
    """
    filled = [k for k, c in enumerate(cells) if c.text]
    if len(filled) != 1 or filled[0] == 0 or not rows or len(rows[-1].cells) <= filled[0]:
        return False
    above = rows[-1].cells[filled[0]]
    if not above.text or len(rows[-1].cells) < 2:
        return False
    cell = cells[filled[0]]
    rows[-1].cells[filled[0]] = replace(above, text=above.text + cell.text, line_end=cell.line,
                                        reasons=(*above.reasons, "wrapped row joined by its column"))
    return True


#: Most columns short of its column's end for a cell to count as filling it.
_FULL_SLACK = setting("segment.full-slack")
#: What NFKC makes of full-width punctuation: printed two columns wide, it now counts one.
_FOLDED = frozenset(",:;!?()")


class _Layout:
    """The cells of the last line of a table printed in columns of spaces (``pdftotext -layout``).

    Each cell is ``[start, end, text, last]`` in display columns (a Chinese
    character is two), ``end`` and ``last`` those of its last printed line.
    """

    def __init__(self, cells: list[list], row: Row) -> None:
        self.cells = cells
        self.row = row

    def continued_by(self, cells: list[list], ends: dict[int, int], gap: int) -> list[tuple[int, list]] | None:
        """The ``cells`` of a line (:func:`_spaced`) with the column each continues, if they only continue cells.

        A line continues the row above when each of its cells starts where one of
        the row's cells starts and that cell wrapped: the fragment's first
        character (or word) would not have fitted after it and before the next cell,
        ``gap`` (the narrowest gap between cells in the text) away, or, in the last
        column, before the furthest end of a cell starting there (``ends``).
        A line with as many cells as the row must not fill its columns itself
        (else it is a row whose cells fitted exactly), and two values do not make one.
        A new row under merged cells starts under a cell that did not fill its column.

        Examples:
            >>> above = _Layout(_spaced("产出指标   雾炮车降尘抑尘服务配备车   10辆"), Row([Cell("", 1)]))
            >>> [(j, c[2]) for j, c in above.continued_by(_spaced("           辆数"), {}, 3)]
            [(1, '辆数')]
            >>> above.continued_by(_spaced("           雾炮车风炮射程             ≥80M"), {}, 3) is None
            True
        """
        if len(cells) > len(self.cells):
            return None
        out = []
        for cell in cells:
            j = next((j for j, c in enumerate(self.cells) if abs(c[0] - cell[0]) <= 1), None)
            if j is None or j == 0 and self.cells[0][0] == 0:
                return None  # text at the margin starts a line of its own (a title; a level label is joined later)
            start, end, _text, last = self.cells[j]
            limit = (self.cells[j + 1][0] - gap if j + 1 < len(self.cells)
                     else max(ends.get(k, 0) for k in (start - 1, start, start + 1)))
            # punctuation NFKC made narrow (,:;!?()) was printed wide: each may take one column more
            if end + display_width(_first_unit(cell[2])) + sum(ch in _FOLDED for ch in last) <= limit:
                return None  # its first character (or word) would have fitted on the line above: no wrap
            if len(cells) == len(self.cells) and cell[1] + _FULL_SLACK >= limit:
                return None  # as many cells as the row, filling their columns too: a row that fits exactly
            if is_measurable(self.cells[j][2]) and is_measurable(cell[2]):
                return None  # two values do not make one: a row under merged cells
            out.append((j, cell))
        return out

    def join(self, parts: list[tuple[int, list]], line: int) -> None:
        for j, (_start, end, text, _last) in parts:
            self.cells[j][2] = join_text([self.cells[j][2], text])
            self.cells[j][1] = end
            self.cells[j][3] = text
        cell = self.row.cells[0]
        self.row.cells[0] = replace(cell, text="  ".join(c[2] for c in self.cells), line_end=line,
                                    reasons=(*cell.reasons, _LAYOUT_REASON))


_LAYOUT_REASON = "wrapped line joined by its column (text laid out in columns)"


def _layout_measures(spaced: Sequence[list[list] | None]) -> tuple[dict[int, int], int]:
    """The furthest end of a cell starting at each column of the lines parted by spaces; the narrowest gap.

    The gap is that between two cells of one line, 2 at least.
    """
    ends: dict[int, int] = {}
    gap = None
    for cells in spaced:
        if cells is None or len(cells) < 2:
            continue
        for start, end, _text, _last in cells:
            ends[start] = max(ends.get(start, 0), end)
        for a, b in itertools.pairwise(cells):
            gap = b[0] - a[1] if gap is None else min(gap, b[0] - a[1])
    return ends, max(2, gap or 2)


def _spaced(raw: str) -> list[list] | None:
    """Cells of a line parted by runs of two or more spaces, as ``[start, end, text, text of its last line]``.

    ``None`` for a blank line or one with pipes or tabs (cut by those).
    """
    if "|" in raw or "\t" in raw:
        return None
    out = []
    pos = width = 0  # where the last cell ended, in characters and in display columns
    for m in _WORDS_RE.finditer(raw):
        text = m.group()
        start = width + display_width(raw[pos: m.start()])
        width = start + display_width(text)
        pos = m.end()
        out.append([start, width, text, text])
    return out or None


#: A cell of a line laid out in columns: words parted by single spaces.
_WORDS_RE = re.compile(r"\S+(?: \S+)*")


def _first_unit(text: str) -> str:
    """What a line cannot break inside at its start: a wide character (with pinyin inserted after it), or a word."""
    if is_wide(text[0]):
        pinyin = PINYIN_RE.match(text, 1)
        return text[: pinyin.end()] if pinyin is not None else text[0]
    return re.match(r"[^\s\u3400-\u9fff]+", text).group()


#: A line's cells not cut yet (see :func:`segment_lines`).
_LATER: list = []


@dataclass
class _Cutting:
    """What :func:`segment_lines` carries from one line to the next."""

    rows: list[Row] = field(default_factory=list)
    trailing_pipes: bool = False  # text lines of this stretch end in "|": a lone "|" is an empty cell
    separators: int = 0  # separator lines since the last text line (cells one per line between "|" lines)
    quote: list[tuple[int, str]] | None = None
    layout: _Layout | None = None  # the last line, where it is cells in columns of spaces


def segment_lines(lines: Sequence[str], first_line: int = 1) -> list[Row]:
    """Cut ``lines`` (already normalised) into rows of cells, numbering lines from ``first_line``."""
    st = _Cutting()
    # a line of one cell (no run of spaces inside) is cut only where it may continue the line above
    spaced = [_spaced(raw.rstrip()) if "  " in raw.strip() else _LATER for raw in lines]
    ends, gap = _layout_measures(spaced)
    for n, (raw, line_cells) in enumerate(zip(lines, spaced, strict=True), first_line):
        text = raw.strip()
        above, st.layout = st.layout, None
        if st.quote is not None:
            _quoted_line(st, n, text)
        elif not text:
            st.rows.append(_blank_row(lines, n - first_line, n))
        elif "|" in text and _PIPES_ONLY_RE.match(text):
            _pipes_only_line(st, n, text)
        elif "|" in text:
            st.separators = 0
            _pipe_line(st, n, text)
        else:
            st.separators = 0
            st.trailing_pipes = False
            _plain_line(st, n, raw, line_cells, above, ends, gap)
    if st.quote is not None:  # an opening quote never closed: keep its lines as they are
        st.rows.extend(Row([Cell(t, k)]) for k, t in st.quote)
    return st.rows


def _quoted_line(st: _Cutting, n: int, text: str) -> None:
    """Take line ``n`` into the quoted cell open; a line ending in ``"`` closes it into a row of one cell."""
    st.quote.append((n, text))
    if text.endswith('"'):
        joined = "".join(t for _, t in st.quote).strip('"')
        st.rows.append(Row([Cell(joined, st.quote[0][0], line_end=n)]))
        st.quote = None


def _blank_row(lines: Sequence[str], i: int, n: int) -> Row:
    """The row of the blank line ``lines[i]`` (line ``n``): a paragraph gap, with no cells.

    White space alone between blank lines is an empty cell of a page copied one cell per paragraph.
    """
    raw = lines[i]
    empty_cell = raw and 0 < i < len(lines) - 1 and not lines[i - 1] and not lines[i + 1]
    return Row([Cell("", n)]) if empty_cell else Row([])


def _pipes_only_line(st: _Cutting, n: int, text: str) -> None:
    """Read a line of pipes alone: an empty cell or a row end where text lines end in pipes, else a separator.

    Where text lines carry no pipe, two separators in a row hold an empty cell.
    """
    pipes = text.count("|")
    if st.trailing_pipes:
        st.rows.append(Row([], hard=True) if pipes > 1 else Row([Cell("", n)]))
    else:
        st.separators += 1
        if st.separators > 1:
            st.rows.append(Row([Cell("", n)]))


def _pipe_line(st: _Cutting, n: int, text: str) -> None:
    """Read a line with pipes: a row of its cells, or the wrapped text of the pipe row above."""
    st.trailing_pipes = text.endswith("|")
    cells, hard = _pipe_cells(text, n)
    if not _continue_row(st.rows, cells):
        st.rows.append(Row(cells, hard=hard))


def _plain_line(st: _Cutting, n: int, raw: str, line_cells: list[list] | None, above: _Layout | None,
                ends: dict[int, int], gap: int) -> None:
    """Read a line with no pipe: cells at its tabs, a quoted cell opened, more of the line above, or a row.

    A line that continues the cells in columns of spaces above (``above``) is joined into them; a row of
    cells parted by spaces may be continued by the next line.
    """
    text = raw.strip()
    if "\t" in raw:
        st.rows.append(Row([Cell(p.strip(), n, delimited=True) for p in raw.split("\t") if p.strip()]))
        return
    if text.startswith('"') and not (len(text) > 1 and text.endswith('"')) and "  " not in text:
        st.quote = [(n, text)]
        return
    if above is not None and line_cells is _LATER:
        line_cells = _spaced(raw.rstrip())
    if above is not None and line_cells and (parts := above.continued_by(line_cells, ends, gap)):
        above.join(parts, n)
        st.layout = above
        return
    st.rows.append(Row([Cell(text, n)]))
    # a row of cells parted by spaces: the next line may continue it
    if line_cells and len(line_cells) >= 2:  # (a line not cut yet is one cell)
        st.layout = _Layout(line_cells, st.rows[-1])
