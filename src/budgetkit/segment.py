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

import re
from collections.abc import Sequence
from dataclasses import replace

from budgetkit.cells import Cell, Row

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


def segment_lines(lines: Sequence[str], first_line: int = 1) -> list[Row]:
    """Cut ``lines`` (already normalised) into rows of cells, numbering lines from ``first_line``."""
    rows: list[Row] = []
    trailing_pipes = False  # text lines of this stretch end in "|": a lone "|" is an empty cell
    separators = 0  # separator lines since the last text line (cells one per line between "|" lines)
    quote: list[tuple[int, str]] | None = None
    for n, raw in enumerate(lines, first_line):
        text = raw.strip()
        if quote is not None:
            quote.append((n, text))
            if text.endswith('"'):
                joined = "".join(t for _, t in quote).strip('"')
                rows.append(Row([Cell(joined, quote[0][0], line_end=n)]))
                quote = None
            continue
        if not text:
            rows.append(Row([]))
            continue
        if "|" in text and _PIPES_ONLY_RE.match(text):
            pipes = text.count("|")
            if trailing_pipes:
                rows.append(Row([], hard=True) if pipes > 1 else Row([Cell("", n)]))
            else:
                separators += 1
                if separators > 1:
                    rows.append(Row([Cell("", n)]))
            continue
        separators = 0
        if "|" in text:
            trailing_pipes = text.endswith("|")
            cells, hard = _pipe_cells(text, n)
            if not _continue_row(rows, cells):
                rows.append(Row(cells, hard=hard))
            continue
        trailing_pipes = False
        if "\t" in raw:
            rows.append(Row([Cell(p.strip(), n, delimited=True) for p in raw.split("\t") if p.strip()]))
            continue
        if text.startswith('"') and not (len(text) > 1 and text.endswith('"')):
            quote = [(n, text)]
            continue
        rows.append(Row([Cell(text, n)]))
    if quote is not None:  # an opening quote never closed: keep its lines as they are
        rows.extend(Row([Cell(t, k)]) for k, t in quote)
    return rows
