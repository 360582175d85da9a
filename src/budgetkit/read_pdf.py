r"""Read a PDF disclosure into :class:`~budgetkit.lines.SourceLine` objects, one per table row.

The parser (:mod:`budgetkit.parse`) reads lines, so a PDF is turned into lines
shaped like the text the seed was extracted as:

* **table rows** (pdfplumber, ``lines`` strategy: bordered tables): one line per
  row, the row's cells joined by one space. A cell wrapped over several lines
  is joined *without* a space (Chinese), except that a space is kept where both
  sides of the break are ASCII letters (an English word boundary). Merged cells
  appear once, in the row where they start: the rows they also cover
  (``None`` from pdfplumber) leave them out, as the text does, and the parser
  carries the level-1 / level-2 labels down. Empty cells are left out, and so are
  rows with no text at all.
* **text outside tables** (titles, ``(2025年度)``, ``单位:万元``, the covering
  notice): one line per text line, words joined by a space.
* everything in **reading order** (by page, then from the top down); a **blank
  line** marks a paragraph gap in text outside tables (a vertical gap above
  half a line height), a page break and the edge of a table, never a row
  boundary inside a table, so paragraphs read as they do in the text file.
* ``lineno`` numbers the lines (blank ones included) from 1 over the whole
  document; ``page`` is the 1-based page the line (or the first part of a split
  row) is on. Every line goes through :func:`~budgetkit.normalize.normalize_text`.

**Page breaks.** A table continued on the next page just goes on (no blank
line). A row the break *splits* comes back from pdfplumber as two rows, its
last row on one page and its first on the next; the two are joined into one line
(cell by cell, by column position) when the first part's cells are continued,
that is, when they are **open at the break**: no rule is drawn under any cell
of the last row on page *n* and none over any cell of the first row on page
*n + 1* (vertical rules run on to the edge of the page's content, as browsers
print split rows). To find such rows at all, the reader closes them with a
synthetic rule where the vertical rules of a table end without one. A row
whose parts are both drawn closed is indistinguishable from two rows and is
left as two lines (the parser joins wrapped cells by its own rules).

**Unreadable glyphs.** Text pdfminer cannot map to Unicode comes out as
``(cid:NNN)``. Such lines are kept, logged, and listed in
:attr:`PdfText.unreadable` as ``(page, lineno, text)`` for the unparsed report.

Wrapped cells are joined by :func:`~budgetkit.lines.join_wrapped`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetkit.cells import Cell, Document, Row
from budgetkit.errors import InputError
from budgetkit.lines import SourceLine, join_wrapped
from budgetkit.normalize import find_cid_artefacts, normalize_text

__all__ = ["TABLE_SETTINGS", "PdfText", "read_pdf", "read_pdf_lines"]

logger = logging.getLogger(__name__)

#: pdfplumber settings for bordered tables (the synthetic closing rules are added per page).
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

#: Distance (pt) within which a rule counts as touching a cell side or a line end.
_TOL = 2.0
#: A vertical gap above this fraction of the line height starts a new paragraph (outside tables).
_PARAGRAPH_GAP = 0.5
#: Loggers of the PDF stack, set to ERROR while reading (pdfminer logs a warning per odd font).
_QUIET_LOGGERS = ("pdfminer",)


@dataclass(frozen=True)
class PdfText:
    """What :func:`read_pdf_lines` read from a PDF.

    Attributes:
        lines: the document's lines (see the module docstring for their shape).
        unreadable: ``(page, lineno, text)`` of every line holding ``(cid:NNN)``
            artefacts, glyphs without a Unicode value; the line is also in ``lines``.
        pages: number of pages.
    """

    lines: list[SourceLine]
    unreadable: list[tuple[int, int, str]] = field(default_factory=list)
    pages: int = 0


@dataclass
class _Row:
    """One table row: its own cells ``(x0, x1, text)``, where it is, and whether it is open at a break."""

    page: int
    top: float
    bottom: float
    cells: list[tuple[float, float, str]]
    open_top: bool = False
    open_bottom: bool = False
    first: bool = False  # first row of its table on the page
    last: bool = False  # last row of its table on the page

    def text(self) -> str:
        return " ".join(t for _, _, t in sorted(self.cells) if t)


@dataclass
class _Text:
    """One text line outside tables."""

    page: int
    top: float
    bottom: float
    text: str


@contextmanager
def _quiet() -> Iterator[None]:
    """Set the PDF stack's loggers to ERROR, and back."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _has_rule(h_edges: list[dict], x0: float, x1: float, y: float) -> bool:
    """Whether a horizontal rule runs along ``y`` under at least half of ``x0..x1``."""
    for e in h_edges:
        if abs(e["top"] - y) <= _TOL:
            overlap = min(e["x1"], x1) - max(e["x0"], x0)
            if overlap >= (x1 - x0) / 2:
                return True
    return False


def _closing_rules(page: Any) -> list[dict]:
    """Synthetic horizontal rules where a table's vertical rules end with no rule to meet them.

    Such ends are the open edges of cells cut by a page break. The rule spans all
    vertical rules ending there, so every cell cut at that height is closed.
    """
    v = [e for e in page.edges if e["orientation"] == "v"]
    h = [e for e in page.edges if e["orientation"] == "h"]

    def meets(y: float, x: float) -> bool:
        return any(abs(e["top"] - y) <= _TOL and e["x0"] - _TOL <= x <= e["x1"] + _TOL for e in h)

    rules: list[dict] = []
    seen: list[tuple[str, float]] = []
    for e in v:
        for side in ("top", "bottom"):
            y = e[side]
            if meets(y, e["x0"]) or any(s == side and abs(y - z) <= _TOL for s, z in seen):
                continue
            seen.append((side, y))
            xs = [f["x0"] for f in v if abs(f[side] - y) <= _TOL]
            if max(xs) - min(xs) > _TOL:
                x0, x1 = min(xs), max(xs)
                rules.append(
                    {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0,
                     "height": 0.0, "doctop": page.initial_doctop + y, "page_number": page.page_number,
                     "orientation": "h"}
                )
    return rules


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    xm, ym = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= xm < x1 and top <= ym < bottom for x0, top, x1, bottom in boxes)


def _page_items(page: Any, number: int) -> list[_Row | _Text]:
    """The table rows and outside text lines of one page, from the top down."""
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_rules(page))
    tables = page.find_tables(settings)
    h_edges = [e for e in page.edges if e["orientation"] == "h"]  # drawn rules only
    items: list[_Row | _Text] = []
    for table in tables:
        texts = table.extract()
        rows = table.rows
        for r, (row, row_texts) in enumerate(zip(rows, texts, strict=True)):
            own = [(cell, text) for cell, text in zip(row.cells, row_texts, strict=True) if cell is not None]
            items.append(
                _Row(
                    page=number,
                    top=row.bbox[1],
                    bottom=row.bbox[3],
                    cells=[(c[0], c[2], join_wrapped((t or "").split("\n"))) for c, t in own],
                    open_top=r == 0 and not any(_has_rule(h_edges, c[0], c[2], c[1]) for c, _ in own),
                    open_bottom=r == len(rows) - 1
                    and not any(_has_rule(h_edges, c[0], c[2], c[3]) for c, _ in own),
                    first=r == 0,
                    last=r == len(rows) - 1,
                )
            )
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(return_chars=False):
        if line["text"].strip():
            items.append(_Text(number, line["top"], line["bottom"], line["text"].strip()))
    items.sort(key=lambda it: (it.top, 0 if isinstance(it, _Text) else 1))
    return items


def _join_split(upper: _Row, lower: _Row) -> _Row:
    """Join the two parts of a row split by a page break, cell by cell (by column position)."""
    cells = list(upper.cells)
    for x0, x1, text in lower.cells:
        if not text:
            continue
        best = max(
            range(len(cells)),
            key=lambda i: min(cells[i][1], x1) - max(cells[i][0], x0),
            default=None,
        )
        if best is not None and min(cells[best][1], x1) - max(cells[best][0], x0) > 0:
            bx0, bx1, btext = cells[best]
            cells[best] = (bx0, bx1, join_wrapped([btext, text]))
        else:
            cells.append((x0, x1, text))
    return _Row(upper.page, upper.top, upper.bottom, cells, upper.open_top, lower.open_bottom, upper.first,
                lower.last)


def _failure(err: BaseException) -> tuple[bool, str]:
    """Whether a failure to open a PDF means it is encrypted, and the name of the root error.

    pdfplumber wraps pdfminer's errors (``PDFPasswordIncorrect``, ``PDFEncryptionError``,
    ``PDFSyntaxError`` …), so the chain of causes and arguments is searched.
    """
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [err]
    while stack and len(seen) < 10:
        e = stack.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        stack += [e.__cause__, e.__context__, *(a for a in e.args if isinstance(a, BaseException))]
    names = [type(e).__name__ for e in seen]
    return any("Password" in n or "Encrypt" in n for n in names), names[-1]


def read_pdf_lines(path: str | Path) -> PdfText:
    """Read the PDF at ``path`` into lines, one per table row or text line outside tables.

    Args:
        path: a PDF disclosure with a text layer and bordered tables.

    Returns:
        The lines and the unreadable ones (``(cid:NNN)`` artefacts), see :class:`PdfText`.

    Raises:
        InputError: naming the file (and page) when it is missing, not a PDF,
            encrypted, damaged, or has no text layer at all (a scan without OCR).
    """
    import pdfplumber  # imported here: it is slow to import and only PDFs need it

    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", path=p)
    with p.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise InputError("empty file: no PDF to read", path=p)
    if b"%PDF-" not in head:
        start = head[:16].decode("utf-8", "replace")
        raise InputError("not a PDF file (no %PDF- header)", path=p, text=start)
    items: list[_Row | _Text] = []
    chars = npages = 0
    with _quiet():
        try:
            pdf = pdfplumber.open(p)
        except Exception as err:
            encrypted, root = _failure(err)
            if encrypted:
                raise InputError("encrypted PDF: cannot be read without its password", path=p) from err
            raise InputError(f"damaged PDF: cannot be opened ({root})", path=p) from err
        with pdf:
            try:
                npages = len(pdf.pages)
            except Exception as err:
                raise InputError(f"damaged PDF: no readable page tree ({_failure(err)[1]})", path=p) from err
            for number, page in enumerate(pdf.pages, 1):
                try:
                    chars += len(page.chars)
                    items.extend(_page_items(page, number))
                except Exception as err:
                    raise InputError(
                        f"page {number}: cannot read the page ({type(err).__name__}: {err})", path=p
                    ) from err
                finally:
                    page.close()  # drop the page's cached objects
    if chars == 0:
        raise InputError(
            f"no text layer on any of its {npages} pages (a scanned PDF needs OCR first)", path=p
        )
    return _to_lines(items, p, npages)


def _to_lines(items: list[_Row | _Text], path: Path, npages: int) -> PdfText:
    """Stitch split rows, add paragraph breaks, number and normalise the lines."""
    merged: list[_Row | _Text] = []
    for item in items:
        prev = merged[-1] if merged else None
        if (
            isinstance(item, _Row)
            and isinstance(prev, _Row)
            and item.page == prev.page + 1
            and item.first
            and prev.last
            and prev.open_bottom
            and item.open_top
        ):
            merged[-1] = _join_split(prev, item)
        else:
            merged.append(item)
    lines: list[SourceLine] = []
    unreadable: list[tuple[int, int, str]] = []
    prev = None
    for item in merged:
        if prev is not None and _paragraph_break(prev, item):
            lines.append(SourceLine("", len(lines) + 1, item.page))
        text = normalize_text(item.text() if isinstance(item, _Row) else item.text)
        prev = item
        if not text:
            continue
        cells = tuple(normalize_text(t) for _, _, t in sorted(item.cells)) if isinstance(item, _Row) else None
        line = SourceLine(text, len(lines) + 1, item.page, cells=cells)
        lines.append(line)
        if find_cid_artefacts(text):
            unreadable.append((line.page or 0, line.lineno, text))
    if unreadable:
        page, lineno, _ = unreadable[0]
        logger.warning(
            "%s: %d lines hold glyphs without Unicode ((cid:NNN)), the first at page %d, line %d",
            path.name, len(unreadable), page, lineno,
        )
    logger.info("%s: %d pages, %d lines", path.name, npages, len(lines))
    return PdfText(lines, unreadable, npages)


def _paragraph_break(prev: _Row | _Text, item: _Row | _Text) -> bool:
    """Whether a blank line goes between ``prev`` and ``item``."""
    if isinstance(prev, _Row) and isinstance(item, _Row):
        return False  # rows of one table (continued over a page break) or of touching tables
    if prev.page != item.page or isinstance(prev, _Row) != isinstance(item, _Row):
        return True
    height = prev.bottom - prev.top
    return item.top - prev.bottom > _PARAGRAPH_GAP * height


def read_pdf(path: str | Path) -> Document:
    """Read a PDF into a :class:`~budgetkit.cells.Document`: its table rows as grid rows, its text as lines.

    Each table row keeps its cells (blank ones included) with their columns; the
    rows are whole (``hard``). Text outside tables is one row per line.

    Raises:
        InputError: as :func:`read_pdf_lines`.
    """
    p = Path(path)
    pdf = read_pdf_lines(p)
    rows: list[Row] = []
    for line in pdf.lines:
        if not line.text:
            rows.append(Row([]))
        elif line.cells is not None:
            rows.append(Row([Cell(t, line.lineno, page=line.page, col=k) for k, t in enumerate(line.cells)],
                            hard=True, grid=0))
        else:
            rows.append(Row([Cell(line.text, line.lineno, page=line.page)]))
    unreadable = [{"line": lineno, "page": page, "text": text, "reason": "unreadable PDF text"}
                  for page, lineno, text in pdf.unreadable]
    return Document(p, rows, kind="pdf", units=pdf.pages, unit_name="pages", unreadable=unreadable)
