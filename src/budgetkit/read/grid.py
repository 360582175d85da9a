r"""What every grid reader shares: placed cells in, the rows of a :class:`~budgetkit.model.cells.Document` out.

A grid reader (HTML, XLSX, XLS, DOCX, PDF tables) finds each cell where it starts
(its *origin*: row, column, spans, text as printed) and hands the cells of one
table to :class:`RowWriter`, which

* numbers the document's rows (a cell's ``line`` is the running row number);
* normalises every text with :func:`~budgetkit.model.normalize.normalize_text`, the
  lines of a cell broken on purpose joined by :func:`~budgetkit.segment.tokens.join_text`;
* expands merged cells: the origin carries its ``rowspan``/``colspan``, every
  other position it covers gets a copy marked ``spanned`` (same text), so a
  grid row holds one cell per column, in column order;
* keeps to the per-file limits (:mod:`budgetkit.read.limits`): a span reaches no
  further than ``span_overhang`` past the table's real extent (:func:`cap_spans`), and a document
  whose tables expand to more than ``max_cells`` positions, or a cell longer
  than ``max_cell_chars`` characters, raises :class:`~budgetkit.errors.LimitError`.

Text outside tables is written one row per line; :meth:`RowWriter.blank`
marks a paragraph gap.

Examples:
    >>> w = RowWriter()
    >>> w.text("附件1")
    >>> k = w.grid([Placed(0, 0, "一级指标", rowspan=1), Placed(0, 1, "指标值"),
    ...             Placed(1, 0, "产出\n指标", rowspan=2), Placed(1, 1, "200户"), Placed(2, 1, "≥90％")],
    ...            address=lambda r, c: f"t1r{r + 1}c{c + 1}")
    >>> [[(c.text, c.col, c.rowspan, c.spanned, c.address) for c in r.cells]
    ...  for r in w.rows][2:]  # doctest: +NORMALIZE_WHITESPACE
    [[('产出指标', 0, 2, False, 't1r2c1'), ('200户', 1, 1, False, 't1r2c2')],
     [('产出指标', 0, 1, True, 't1r3c1'), ('≥90%', 1, 1, False, 't1r3c2')]]
    >>> [r.grid for r in w.rows], [c.line for r in w.rows for c in r.cells][:3]
    ([None, 0, 0, 0], [1, 2, 2])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from budgetkit.errors import LimitError
from budgetkit.model.cells import Cell, Row
from budgetkit.model.normalize import normalize_text
from budgetkit.read.limits import LIMITS
from budgetkit.segment.tokens import join_text

__all__ = ["Placed", "RowWriter", "cap_spans", "cell_text", "check_cells", "check_text", "extent"]


@dataclass(frozen=True, slots=True)
class Placed:
    r"""A cell where its grid puts it: 0-based ``row`` and ``col`` of its top-left corner, its spans and text.

    ``text`` may hold line breaks the publisher typed (``\n``); ``page`` is the PDF page of the cell.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None


def cap_spans(cells: Iterable[Placed]) -> list[Placed]:
    """The cells with their spans cut at the table's real extent (see :func:`extent`).

    A span far past the last row or column any cell starts in covers nothing a reader can use, and would
    cost its full size (``rowspan=65534 colspan=1000`` in a one-cell table).

    Examples:
        >>> [(p.rowspan, p.colspan) for p in cap_spans([Placed(0, 0, "a", 65534, 1000), Placed(1, 1, "b")])]
        [(66, 66), (1, 1)]
    """
    cells = list(cells)
    if not cells:
        return cells
    nrows, ncols = extent((p.row, p.col) for p in cells)
    return [p if p.row + p.rowspan <= nrows and p.col + p.colspan <= ncols
            else Placed(p.row, p.col, p.text, max(1, min(p.rowspan, nrows - p.row)),
                        max(1, min(p.colspan, ncols - p.col)), p.page) for p in cells]


def extent(starts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The rows and columns a table may span: those its cells start in, and ``span_overhang`` more.

    Examples:
        >>> extent([(0, 0), (3, 1)]) == (4 + LIMITS.span_overhang, 2 + LIMITS.span_overhang)
        True
    """
    starts = list(starts)
    return (max((r for r, _ in starts), default=0) + 1 + LIMITS.span_overhang,
            max((c for _, c in starts), default=0) + 1 + LIMITS.span_overhang)


def check_cells(count: int) -> None:
    """Raise :class:`~budgetkit.errors.LimitError` when a document's grids reach ``count`` positions past the limit.

    Examples:
        >>> check_cells(10)
        >>> check_cells(LIMITS.max_cells + 1)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        budgetkit.errors.LimitError: the tables expand to more than ... cells (past the limit max_cells = ...)
    """
    if count > LIMITS.max_cells:
        raise LimitError(f"the tables expand to more than {LIMITS.max_cells} cells", limit="max_cells",
                         value=LIMITS.max_cells)


def check_text(text: str) -> str:
    """``text``, or :class:`~budgetkit.errors.LimitError` when it is longer than a cell may be."""
    if len(text) > LIMITS.max_cell_chars:
        raise LimitError(f"a cell or line of {len(text)} characters", limit="max_cell_chars",
                         value=LIMITS.max_cell_chars, text=text[:40])
    return text


def cell_text(text: str | None) -> str:
    r"""The text of a cell: each line normalised and stripped, the lines joined as a wrapped cell's are.

    Examples:
        >>> cell_text("  满意度\n指标 "), cell_text("≥90％"), cell_text(None), cell_text("Open\nPDF")
        ('满意度指标', '≥90%', '', 'Open PDF')
    """
    if not text:
        return ""
    return join_text(normalize_text(part).strip() for part in text.splitlines())


class RowWriter:
    """Collects the rows of one document in reading order (see the module docstring)."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.grids = 0
        self.cells = 0

    @property
    def next_line(self) -> int:
        """The running number the next row gets."""
        return len(self.rows) + 1

    def text(self, text: str, page: int | None = None) -> None:
        """Write one line of text outside tables (nothing for a blank one)."""
        t = cell_text(check_text(text))
        if t:
            self.rows.append(Row([Cell(t, self.next_line, page=page)]))

    def blank(self) -> None:
        """Mark a paragraph gap (once, and not before the first row)."""
        if self.rows and self.rows[-1].cells:
            self.rows.append(Row([]))

    def grid(self, cells: Iterable[Placed], address: Callable[[int, int], str | None] | None = None,
             grid: int | None = None) -> int:
        """Write the rows of one table from its placed cells; return the grid's index.

        ``address(row, col)`` names a position (``Sheet1!B7``, ``t1r2c3``); ``grid``
        continues an earlier grid (a table running over a page break) instead of
        starting a new one. A row no cell starts in or covers is left out.
        """
        if grid is None:
            grid = self.grids
            self.grids += 1
        cells = cap_spans(cells)
        self.cells += sum(p.rowspan * p.colspan for p in cells)
        check_cells(self.cells)
        at: dict[tuple[int, int], tuple[Placed, bool]] = {}
        for p in cells:
            for r in range(p.row, p.row + max(1, p.rowspan)):
                for c in range(p.col, p.col + max(1, p.colspan)):
                    if (r, c) not in at:
                        at[(r, c)] = (p, (r, c) != (p.row, p.col))
        by_row: dict[int, list[tuple[int, Placed, bool]]] = {}
        for (r, c), (p, spanned) in at.items():
            by_row.setdefault(r, []).append((c, p, spanned))
        texts: dict[int, str] = {}
        for r in sorted(by_row):
            line = self.next_line
            row = []
            for c, p, spanned in sorted(by_row[r], key=lambda x: x[0]):
                if id(p) not in texts:
                    texts[id(p)] = cell_text(check_text(p.text))
                text = texts[id(p)]
                row.append(Cell(text, line, page=p.page, col=c,
                                colspan=1 if spanned else p.colspan, rowspan=1 if spanned else p.rowspan,
                                spanned=spanned, address=address(r, c) if address is not None else None,
                                delimited=True))
            self.rows.append(Row(row, hard=True, grid=grid))
        return grid
