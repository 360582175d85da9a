"""The one intermediate form every reader produces: rows of cells with their provenance.

A reader turns a file into a :class:`Document`: its rows in reading order, each a
list of :class:`Cell`. Grid readers (PDF tables, HTML, XLSX, DOCX) know the
column of every cell and its spans; text is cut into cells by the evidence in
each line (:mod:`budgetkit.segment.text`). Text outside any grid (a title, a notice)
is a row of its own with ``grid`` ``None``. Recognition
(:mod:`budgetkit.recognise.tables`) reads only this form, never a file.

Examples:
    >>> c = Cell("项目名称", line=3)
    >>> c.where(), c.boundary
    ('line 3', 'printed')
    >>> Cell("A", line=2, page=4, address="B7").where()
    'page 4, B7'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Cell", "Document", "Row"]


@dataclass(slots=True, unsafe_hash=True)
class Cell:
    """One cell of a table (or one piece of text outside tables), normalised, with where it came from.

    Treated as immutable: change one with :func:`dataclasses.replace`. Not ``frozen``: a frozen
    dataclass costs three to four times as much to make, and parsing makes hundreds a table.

    Attributes:
        text: the cell's text after :func:`~budgetkit.model.normalize.normalize_text`, wrapped
            lines joined; ``""`` for a cell printed empty.
        line: 1-based line of the text file, or the running row number of a grid reader.
        line_end: the last line the cell covers (wrapped cells), ``None`` when one line.
        page: 1-based PDF page, else ``None``.
        col: 0-based column in its grid where the reader knows it, else ``None``.
        colspan, rowspan: the span of a merged cell.
        spanned: a copy standing for a merged cell in a row or column it spans, not its origin.
        boundary: ``printed`` when the reader saw the cell's edges (a rule, a pipe, a tab, a
            line end, spaces), ``inferred`` when they were cut by vocabulary or value shapes.
        address: sheet and cell (``Sheet1!B7``), or HTML table/row/column (``t1r5c2``).
        reasons: why the cell is doubtful (an inferred boundary, an OCR fix …).
        delimited: the reader saw both its edges (a grid cell, a cell between pipes or tabs), so the
            spaces inside it are part of its text; a plain line's spaces may part cells.
    """

    text: str
    line: int
    line_end: int | None = None
    page: int | None = None
    col: int | None = None
    colspan: int = 1
    rowspan: int = 1
    spanned: bool = False
    boundary: str = "printed"
    address: str | None = None
    reasons: tuple[str, ...] = ()
    delimited: bool = False

    @property
    def last_line(self) -> int:
        """The last line the cell covers."""
        return self.line_end if self.line_end is not None else self.line

    def doubted(self, reason: str) -> Cell:
        """The cell with one more ``reason`` it is doubtful (a cut the reader guessed).

        Examples:
            >>> Cell("≥90%", 3).doubted("value cut").reasons
            ('value cut',)
        """
        return replace(self, reasons=(*self.reasons, reason))

    def where(self) -> str:
        """Where the cell is, in words (page, address or line)."""
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        parts.append(self.address if self.address else f"line {self.line}")
        return ", ".join(parts)


@dataclass(slots=True)
class Row:
    """One row: its cells in order, and whether the reader saw where it ends.

    Attributes:
        cells: the row's cells.
        hard: the row is whole (a grid row, a pipe row closed by its padding); a
            ``False`` row is a line that may be only part of a table row.
        grid: index of the grid (table) the row belongs to, ``None`` outside tables.
    """

    cells: list[Cell]
    hard: bool = False
    grid: int | None = None

    def text(self) -> str:
        """The row's text, cells joined by a space."""
        return " ".join(c.text for c in self.cells if c.text)


@dataclass
class Document:
    """What a reader read from one file.

    Attributes:
        path: the file.
        rows: every row in reading order.
        kind: the reader (``text``, ``pdf``, ``html``, ``xlsx``, ``docx``).
        units: how much was read (lines or pages), for messages.
        unit_name: ``lines``, ``pages`` or ``sheets``.
        unreadable: records for the unparsed report of text the reader could not decode.
    """

    path: Path
    rows: list[Row]
    kind: str = "text"
    units: int = 0
    unit_name: str = "lines"
    unreadable: list[dict] = field(default_factory=list)
