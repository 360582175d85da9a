r"""Read a PDF disclosure, or a whole budget volume, into a :class:`~budgetkit.cells.Document`.

Researchers download the whole department budget (部门预算, 20–40 pages) whose
target tables are its last pages, or that has none. Table extraction is the
costly part of reading a PDF, so it runs only where a target table can be:

1. **Page text** (pdfium, through ``pypdfium2``, which pdfplumber ships with):
   every page's lines, fast. A page is a **candidate** when the vocabulary
   (:mod:`budgetkit.vocabulary`) finds a target-table title on one of its lines
   or two or more of the indicator columns (一级/二级/三级指标, 指标值) as words
   of its lines; no word of a table is written here.
2. **Tables** (pdfplumber, ``lines`` strategy) on the candidate pages, and on a
   page after one whose last table runs to its foot, when that page starts with
   the same table (same columns): the rules of real volumes are often thin filled
   rectangles, which pdfplumber takes as edges like drawn lines. Each table is a
   grid: merged cells carry their spans (from the cell boxes), the positions they
   cover are ``spanned`` copies (:class:`~budgetkit.read_grid.RowWriter`); wrapped
   lines of a cell are joined without a space (Chinese), except between two ASCII
   letters.
3. The other pages are **text** rows, one per line, so a covering notice still
   reads as the document's title and notice, and nothing is dropped.

Everything is in reading order (by page, then from the top down); a blank row
marks a paragraph gap outside tables (a vertical gap above half a line height),
a page break and the edge of a table. A page number alone on its line (``- 31 -``,
``第 3 页``) is not text of the document: it goes to ``unparsed`` as such. Every
cell carries its 1-based ``page``; every text goes through
:func:`~budgetkit.normalize.normalize_text`.

**Page breaks.** A table continued on the next page is one grid. A row the break
*splits* comes back from pdfplumber as two rows, the last on one page and the
first on the next; they are joined cell by cell (by column) when the row is
**open at the break**: no rule under any cell of the last row on page *n* and none
over any cell of the first row on page *n + 1* (vertical rules run on to the edge
of the page's content, as browsers print split rows). To find such rows at all,
the reader closes them with a synthetic rule where the vertical rules of a table
end without one. A row whose parts are both drawn closed is two rows.

**Unreadable glyphs.** Text pdfminer cannot map to Unicode comes out as
``(cid:NNN)``: such cells are kept, logged, and listed for the unparsed report.

:func:`read_pdf_lines` gives the same reading as lines (one per row, cells joined
by a space), the shape the text reader's users know.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetkit.cell_overflow import cell_texts
from budgetkit.cells import Document
from budgetkit.errors import InputError
from budgetkit.lines import SourceLine
from budgetkit.normalize import find_cid_artefacts, normalize_text
from budgetkit.read_grid import Placed, RowWriter

__all__ = ["TABLE_SETTINGS", "PdfText", "is_candidate", "read_pdf", "read_pdf_lines"]

logger = logging.getLogger(__name__)

#: pdfplumber settings for bordered tables (the synthetic closing rules are added per page).
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

#: Distance (pt) within which a rule counts as touching a cell side or a line end; columns of two parts match.
_TOL = 2.0
#: A vertical gap above this fraction of the line height starts a new paragraph (outside tables).
_PARAGRAPH_GAP = 0.5
#: Loggers of the PDF stack, set to ERROR while reading (pdfminer logs a warning per odd font).
_QUIET_LOGGERS = ("pdfminer",)
#: A line that is only a page number.
_PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(?:第\s*)?\d(?:\s?\d){0,3}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—–\s]*$")
#: What pdfium prints for a glyph without a Unicode value: its character code, a control character.
_UNMAPPED_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
#: Indicator columns that mark a page as holding a target table (two of them, as words of its lines).
_CANDIDATE_COLUMNS = frozenset({"level1", "level2", "indicator", "value"})


@dataclass(frozen=True)
class PdfText:
    """What :func:`read_pdf_lines` read: lines, the unreadable ones ``(page, lineno, text)``, pages."""

    lines: list[SourceLine]
    unreadable: list[tuple[int, int, str]] = field(default_factory=list)
    pages: int = 0


@dataclass
class _Text:
    """One text line outside tables (``top``/``bottom`` from the top of the page)."""

    page: int
    top: float
    bottom: float
    text: str


@dataclass
class _Table:
    """One table on one page: its cells placed on its columns, and whether its edge rows are open."""

    page: int
    top: float
    bottom: float
    xs: list[float]
    cells: list[Placed]
    nrows: int
    open_top: bool = False
    open_bottom: bool = False
    extents: list[tuple[float, float]] = field(default_factory=list)  # each cell's x0, x1


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


# --- which pages hold a target table ---------------------------------------------------------------------


def is_candidate(lines: Sequence[str]) -> bool:
    """Whether a page with these lines may hold a target table: a title, or two indicator columns.

    Examples:
        >>> is_candidate(["财政项目支出绩效目标填报表", "(2023年度)"])
        True
        >>> is_candidate(["一级指标 二级指标 三级指标 指标值"])
        True
        >>> is_candidate(["建筑耐火等级为二级,地下部分为一级"])
        False
    """
    from budgetkit.vocabulary import lookup, scan

    columns: set[str] = set()
    for line in lines:
        if len(line) <= 80 and scan(line, "title") is not None:
            return True
        for word in line.split():
            m = lookup(word)
            term = m.role("column") if m is not None else None
            if term is not None and term.field in _CANDIDATE_COLUMNS:
                columns.add(term.field)
    return len(columns) >= 2


def _text_lines(textpage: Any, number: int, height: float) -> list[_Text]:
    """The lines of a page as pdfium prints them, with their height on the page (from the top)."""
    text = textpage.get_text_range()
    out: list[_Text] = []
    pos = 0
    for raw in text.split("\r\n"):
        line = normalize_text(_UNMAPPED_RE.sub(lambda m: f"(cid:{ord(m.group(0))})", raw)).strip()
        if line:
            first = pos + len(raw) - len(raw.lstrip())
            try:
                _, bottom, _, top = textpage.get_charbox(min(first, max(0, textpage.count_chars() - 1)))
            except Exception:  # noqa: BLE001 -- a missing box only loses the paragraph gap
                bottom = top = 0.0
            out.append(_Text(number, height - top, height - bottom, line))
        pos += len(raw) + 2
    return out


# --- tables on a page ------------------------------------------------------------------------------------


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


def _count(edges: Sequence[float], lo: float, hi: float) -> int:
    """How many of ``edges`` (column or row starts) fall in ``lo .. hi`` (a cell's extent)."""
    return max(1, sum(1 for e in edges if lo - _TOL <= e < hi - _TOL))


def _table(table: Any, number: int, h_edges: list[dict]) -> _Table:
    """One pdfplumber table as placed cells with spans, and whether its first and last rows are open."""
    xs = sorted({c[0] for c in table.cells})
    rows = table.rows
    tops = [row.bbox[1] for row in rows]
    texts = cell_texts(table)  # as table.extract(), with glyphs overflowing a cell's rule given back
    cells: list[Placed] = []
    extents: list[tuple[float, float]] = []
    for r, (row, row_texts) in enumerate(zip(rows, texts, strict=True)):
        for k, (box, text) in enumerate(zip(row.cells, row_texts, strict=True)):
            if box is None:
                continue
            x0, top, x1, bottom = box
            cells.append(Placed(r, k, text or "", _count(tops, top, bottom), _count(xs, x0, x1), number))
            extents.append((x0, x1))

    def open_at(r: int, side: int) -> bool:
        own = [c for c in rows[r].cells if c is not None]
        return not any(_has_rule(h_edges, c[0], c[2], c[side]) for c in own)

    return _Table(number, table.bbox[1], table.bbox[3], xs, cells, len(rows), open_top=open_at(0, 1),
                  open_bottom=open_at(len(rows) - 1, 3), extents=extents)


def _page_items(page: Any, number: int) -> list[_Table | _Text]:
    """The tables and outside text lines of one page, from the top down."""
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_rules(page))
    tables = page.find_tables(settings)
    h_edges = [e for e in page.edges if e["orientation"] == "h"]  # drawn rules only
    items: list[_Table | _Text] = [_table(t, number, h_edges) for t in tables]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(return_chars=False):
        text = normalize_text(line["text"]).strip()
        if text:
            items.append(_Text(number, line["top"], line["bottom"], text))
    items.sort(key=lambda it: (it.top, 0 if isinstance(it, _Text) else 1))
    return items


# --- a table over a page break ---------------------------------------------------------------------------


def _body(items: list[_Table | _Text]) -> list[_Table | _Text]:
    """The items of a page without its page-number lines."""
    return [it for it in items if not (isinstance(it, _Text) and _PAGE_NUMBER_RE.match(it.text))]


def _column(xs: Sequence[float], x: float) -> int | None:
    """The index of the column of ``xs`` starting at ``x``, if any."""
    return next((k for k, e in enumerate(xs) if abs(e - x) <= _TOL * 1.5), None)


def _continues(upper: _Table, lower: _Table) -> bool:
    """Whether ``lower`` (at the top of a page) goes on with ``upper`` (at the foot of the page before).

    Its columns must start where columns of ``upper`` start (the rows of a header
    block may part columns the indicator rows do not).
    """
    return lower.page == upper.page + 1 and all(_column(upper.xs, x) is not None for x in lower.xs)


def _combine(parts: list[_Table]) -> list[Placed]:
    """The cells of a table's parts on successive pages as one grid on the first part's columns.

    A row split by a break (both parts open) is joined cell by cell.
    """
    from budgetkit.tokens import join_text

    xs = parts[0].xs
    out = list(parts[0].cells)
    offset = parts[0].nrows
    for upper, lower in zip(parts, parts[1:], strict=False):
        joined = upper.open_bottom and lower.open_top
        shift = offset - 1 if joined else offset
        for k, c in enumerate(lower.cells):
            x0, x1 = lower.extents[k] if lower.extents else (lower.xs[c.col], lower.xs[c.col])
            col = _column(xs, x0) if lower.extents else c.col
            col = c.col if col is None else col
            colspan = _count(xs, x0, x1) if lower.extents else c.colspan
            if joined and c.row == 0:
                at = next((i for i, o in enumerate(out) if o.col <= col < o.col + o.colspan
                           and o.row <= shift < o.row + o.rowspan), None)
                if at is not None:
                    o = out[at]
                    out[at] = Placed(o.row, o.col, join_text([o.text, c.text]), o.rowspan + c.rowspan - 1,
                                     o.colspan, o.page)
                    continue
            out.append(Placed(c.row + shift, col, c.text, c.rowspan, colspan, c.page))
        offset = shift + lower.nrows
    return out


# --- the document ----------------------------------------------------------------------------------------


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


def _check(p: Path) -> None:
    if not p.is_file():
        raise InputError("no such file", path=p)
    with p.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise InputError("empty file: no PDF to read", path=p)
    if b"%PDF-" not in head:
        start = head[:16].decode("utf-8", "replace")
        raise InputError("not a PDF file (no %PDF- header)", path=p, text=start)


def _page_texts(p: Path) -> tuple[list[list[_Text]], int]:
    """Every page's text lines (pdfium) and the number of characters in all."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(p))
    except Exception as err:  # noqa: BLE001 -- pdfium raises PdfiumError for every kind of damage
        raise InputError(f"damaged PDF: cannot be opened ({type(err).__name__}: {err})", path=p) from err
    pages: list[list[_Text]] = []
    chars = 0
    try:
        for k in range(len(doc)):
            page = doc[k]
            textpage = page.get_textpage()
            chars += textpage.count_chars()
            pages.append(_text_lines(textpage, k + 1, page.get_height()))
            textpage.close()
            page.close()
    finally:
        doc.close()
    return pages, chars


def _read_tables(pdf: Any, p: Path, texts: list[list[_Text]]) -> dict[int, list[_Table | _Text]]:
    """The items of the pages read for tables: the candidates, and pages their tables run on to."""
    candidates = [n for n, lines in enumerate(texts, 1) if is_candidate([t.text for t in lines])]
    read: dict[int, list[_Table | _Text]] = {}

    def items(number: int) -> list[_Table | _Text]:
        page = pdf.pages[number - 1]
        try:
            return _page_items(page, number)
        except Exception as err:
            raise InputError(f"page {number}: cannot read the page ({type(err).__name__}: {err})",
                             path=p) from err
        finally:
            page.close()  # drop the page's cached objects

    wanted = set(candidates)
    for number in candidates:
        if number in read:
            continue
        read[number] = items(number)
        n = number
        while True:  # the pages its last table runs on to
            nxt, last = n + 1, _last_table(read[n])
            if last is None or nxt > len(texts) or nxt in read or nxt in wanted:
                break
            following = _table_first(items(nxt))
            head = _body(following)
            if not (head and isinstance(head[0], _Table) and _continues(last, head[0])):
                break
            read[nxt] = following
            n = nxt
    return read


def _paragraph_break(prev: _Table | _Text, item: _Table | _Text) -> bool:
    """Whether a blank row goes between ``prev`` and ``item``."""
    if isinstance(prev, _Table) and isinstance(item, _Table):
        return False  # touching tables
    if prev.page != item.page or isinstance(prev, _Table) != isinstance(item, _Table):
        return True
    height = prev.bottom - prev.top
    return item.top - prev.bottom > _PARAGRAPH_GAP * height


def read_pdf(path: str | Path) -> Document:
    """Read a PDF into a :class:`~budgetkit.cells.Document` (see the module docstring).

    Raises:
        InputError: naming the file (and page) when it is missing, not a PDF, encrypted,
            damaged, or has no text layer at all (a scan without OCR).
    """
    import pdfplumber  # imported here: it is slow to import and only PDFs need it

    p = Path(path)
    _check(p)
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
            texts, chars = _page_texts(p)
            if chars == 0:
                raise InputError(
                    f"no text layer on any of its {npages} pages (a scanned PDF needs OCR first)", path=p)
            read = _read_tables(pdf, p, texts)
    return _document(p, [read.get(n, lines) for n, lines in enumerate(texts, 1)], npages, sorted(read))


def _document(p: Path, pages: list[list[_Table | _Text]], npages: int, tabled: list[int]) -> Document:
    """Write the pages' items in order: text lines, tables (continued ones as one grid), paragraph gaps."""
    out = RowWriter()
    notes: list[dict] = []
    blocks: list[_Text | list[_Table] | tuple[str, _Text]] = []
    for items in pages:
        items = _table_first(items)
        body = _body(items)
        kept = {id(it) for it in body}
        for item in items:
            if id(item) not in kept:
                blocks.append(("page number", item))
                continue
            last = blocks[-1] if blocks else None
            if (isinstance(item, _Table) and item is body[0] and isinstance(last, list)
                    and last[-1] is _last_table(pages[last[-1].page - 1]) and _continues(last[-1], item)):
                last.append(item)
            else:
                blocks.append([item] if isinstance(item, _Table) else item)
    prev: _Table | _Text | None = None
    for block in blocks:
        if isinstance(block, tuple):
            reason, line = block
            notes.append({"line": out.next_line, "page": line.page, "text": line.text, "reason": reason})
            continue
        first = block[0] if isinstance(block, list) else block
        if prev is not None and _paragraph_break(prev, first):
            out.blank()
        if isinstance(block, list):
            out.grid(_combine(block))
            prev = block[-1]
        else:
            out.text(block.text, page=block.page)
            prev = block
    unreadable = notes + _unreadable(out, p)
    logger.info("%s: %d pages, tables read on %s, %d rows", p.name, npages,
                ", ".join(map(str, tabled)) if tabled else "none", len(out.rows))
    return Document(p, out.rows, kind="pdf", units=npages, unit_name="pages", unreadable=unreadable)


#: Text beside a table at a page break this short is a fragment of a row's label drawn past the rule (a
#: wrapped label's tail under the last table, its head over the first), not text before or after the table.
_FRAGMENT = 3


def _last_table(items: list[_Table | _Text]) -> _Table | None:
    body = _body(items)
    while body and isinstance(body[-1], _Text) and len(body[-1].text) <= _FRAGMENT:
        body = body[:-1]
    return body[-1] if body and isinstance(body[-1], _Table) else None


def _table_first(items: list[_Table | _Text]) -> list[_Table | _Text]:
    """A page's items with its first table before the label fragments above it (see :data:`_FRAGMENT`)."""
    body = _body(items)
    k = 0
    while k < len(body) and isinstance(body[k], _Text) and len(body[k].text) <= _FRAGMENT:
        k += 1
    if k == 0 or k >= len(body) or not isinstance(body[k], _Table):
        return items
    table = body[k]
    return [table, *(it for it in items if it is not table)]


def _unreadable(out: RowWriter, p: Path) -> list[dict]:
    """Records of the rows holding ``(cid:NNN)`` artefacts, logged once."""
    found = []
    for row in out.rows:
        cells = [c for c in row.cells if not c.spanned]
        text = " ".join(c.text for c in cells if c.text)
        if cells and find_cid_artefacts(text):
            found.append({"line": cells[0].line, "page": cells[0].page, "text": text,
                          "reason": "unreadable PDF text"})
    if found:
        logger.warning("%s: %d lines hold glyphs without Unicode ((cid:NNN)), the first at page %s, line %d",
                       p.name, len(found), found[0]["page"], found[0]["line"])
    return found


def read_pdf_lines(path: str | Path) -> PdfText:
    """The reading of :func:`read_pdf` as lines: one per row, its cells (merged ones once) joined by a space.

    Raises:
        InputError: as :func:`read_pdf`.
    """
    doc = read_pdf(path)
    lines: list[SourceLine] = []
    for row in doc.rows:
        cells = [c for c in row.cells if not c.spanned]
        lineno = len(lines) + 1
        if not cells:
            lines.append(SourceLine("", lineno, None))
            continue
        text = " ".join(c.text for c in cells if c.text)
        lines.append(SourceLine(text, lineno, cells[0].page,
                                cells=tuple(c.text for c in cells) if row.grid is not None else None))
    unreadable = [(u["page"], u["line"], u["text"]) for u in doc.unreadable
                  if u["reason"] == "unreadable PDF text"]
    return PdfText(lines, unreadable, doc.units)
