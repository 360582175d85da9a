r"""Read a PDF disclosure, or a whole budget volume, into a :class:`~budgetkit.model.cells.Document`.

Researchers download the whole department budget (部门预算, 20–40 pages) whose
target tables are its last pages, or that has none. Table extraction is the
costly part of reading a PDF, so it runs only where a target table can be:

1. **Page text** (pdfium, through ``pypdfium2``, which pdfplumber ships with):
   every page's lines, fast. A page is a **candidate** when the vocabulary
   (:mod:`budgetkit.vocab.vocabulary`) finds a target-table title on one of its lines
   or two or more of the indicator columns (一级/二级/三级指标, 指标值) as words
   of its lines; no word of a table is written here.
2. **Tables** (pdfplumber, ``lines`` strategy) on the candidate pages, and on a
   page after one whose last table runs to its foot, when that page starts with
   the same table (same columns): the rules of real volumes are often thin filled
   rectangles, which pdfplumber takes as edges like drawn lines. Each table is a
   grid: merged cells carry their spans (from the cell boxes), the positions they
   cover are ``spanned`` copies (:class:`~budgetkit.read.grid.RowWriter`); wrapped
   lines of a cell are joined without a space (Chinese), except between two ASCII
   letters.
3. The other pages are **text** rows, one per line, so a covering notice still
   reads as the document's title and notice, and nothing is dropped.

Everything is in reading order (by page, then from the top down); a blank row
marks a paragraph gap outside tables (a vertical gap above half a line height),
a page break and the edge of a table. A page number alone on its line (``- 31 -``,
``第 3 页``) is not text of the document: it goes to ``unparsed`` as such. Every
cell carries its 1-based ``page``; every text goes through
:func:`~budgetkit.model.normalize.normalize_text`.

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

from budgetkit.errors import InputError
from budgetkit.model.cells import Document
from budgetkit.model.lines import SourceLine
from budgetkit.model.normalize import find_cid_artefacts, normalize_text
from budgetkit.model.settings import setting
from budgetkit.read.grid import RowWriter
from budgetkit.read.pdf_tables import (
    TABLE_SETTINGS,
    PdfLine,
    PdfTable,
    combine_parts,
    continues,
    page_items,
    table_body,
)

__all__ = ["TABLE_SETTINGS", "PdfText", "is_candidate", "read_pdf", "read_pdf_lines"]

logger = logging.getLogger(__name__)


#: A vertical gap above this fraction of the line height starts a new paragraph (outside tables).
_PARAGRAPH_GAP = setting("pdf.paragraph-gap")
#: Loggers of the PDF stack, set to ERROR while reading (pdfminer logs a warning per odd font).
_QUIET_LOGGERS = ("pdfminer",)


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
    from budgetkit.vocab.vocabulary import lookup, scan  # lazy: the vocabulary's tables, only for a PDF's pages

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


def _text_lines(textpage: Any, number: int, height: float) -> list[PdfLine]:
    """The lines of a page as pdfium prints them, with their height on the page (from the top)."""
    text = textpage.get_text_range()
    out: list[PdfLine] = []
    pos = 0
    for raw in text.split("\r\n"):
        line = normalize_text(_UNMAPPED_RE.sub(lambda m: f"(cid:{ord(m.group(0))})", raw)).strip()
        if line:
            first = pos + len(raw) - len(raw.lstrip())
            try:
                _, bottom, _, top = textpage.get_charbox(min(first, max(0, textpage.count_chars() - 1)))
            except Exception:  # noqa: BLE001 -- a missing box only loses the paragraph gap
                bottom = top = 0.0
            out.append(PdfLine(number, height - top, height - bottom, line))
        pos += len(raw) + 2
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


def _page_texts(p: Path) -> tuple[list[list[PdfLine]], int]:
    """Every page's text lines (pdfium) and the number of characters in all."""
    import pypdfium2 as pdfium  # lazy: only PDFs need it

    try:
        doc = pdfium.PdfDocument(str(p))
    except Exception as err:  # noqa: BLE001 -- pdfium raises PdfiumError for every kind of damage
        raise InputError(f"damaged PDF: cannot be opened ({type(err).__name__}: {err})", path=p) from err
    pages: list[list[PdfLine]] = []
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


def _read_tables(pdf: Any, p: Path, texts: list[list[PdfLine]]) -> dict[int, list[PdfTable | PdfLine]]:
    """The items of the pages read for tables: the candidates, and pages their tables run on to."""
    candidates = [n for n, lines in enumerate(texts, 1) if is_candidate([t.text for t in lines])]
    read: dict[int, list[PdfTable | PdfLine]] = {}

    def items(number: int) -> list[PdfTable | PdfLine]:
        page = pdf.pages[number - 1]
        try:
            return page_items(page, number)
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
            head = table_body(following)
            if not (head and isinstance(head[0], PdfTable) and continues(last, head[0])):
                break
            read[nxt] = following
            n = nxt
    return read


def _paragraph_break(prev: PdfTable | PdfLine, item: PdfTable | PdfLine) -> bool:
    """Whether a blank row goes between ``prev`` and ``item``."""
    if isinstance(prev, PdfTable) and isinstance(item, PdfTable):
        return False  # touching tables
    if prev.page != item.page or isinstance(prev, PdfTable) != isinstance(item, PdfTable):
        return True
    height = prev.bottom - prev.top
    return item.top - prev.bottom > _PARAGRAPH_GAP * height


def read_pdf(path: str | Path) -> Document:
    """Read a PDF into a :class:`~budgetkit.model.cells.Document` (see the module docstring).

    Raises:
        InputError: naming the file (and page) when it is missing, not a PDF, encrypted,
            damaged, or has no text layer at all (a scan without OCR).
    """
    import pdfplumber  # lazy: it is slow to import and only PDFs need it

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


def _document(p: Path, pages: list[list[PdfTable | PdfLine]], npages: int, tabled: list[int]) -> Document:
    """Write the pages' items in order: text lines, tables (continued ones as one grid), paragraph gaps."""
    out = RowWriter()
    notes: list[dict] = []
    blocks: list[PdfLine | list[PdfTable] | tuple[str, PdfLine]] = []
    for items in pages:
        items = _table_first(items)
        body = table_body(items)
        kept = {id(it) for it in body}
        for item in items:
            if id(item) not in kept:
                blocks.append(("page number", item))
                continue
            last = blocks[-1] if blocks else None
            if (isinstance(item, PdfTable) and item is body[0] and isinstance(last, list)
                    and last[-1] is _last_table(pages[last[-1].page - 1]) and continues(last[-1], item)):
                last.append(item)
            else:
                blocks.append([item] if isinstance(item, PdfTable) else item)
    prev: PdfTable | PdfLine | None = None
    for block in blocks:
        if isinstance(block, tuple):
            reason, line = block
            notes.append({"line": out.next_line, "page": line.page, "text": line.text, "reason": reason})
            continue
        first = block[0] if isinstance(block, list) else block
        if prev is not None and _paragraph_break(prev, first):
            out.blank()
        if isinstance(block, list):
            out.grid(combine_parts(block))
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
_FRAGMENT = setting("pdf.fragment")


def _last_table(items: list[PdfTable | PdfLine]) -> PdfTable | None:
    body = table_body(items)
    while body and isinstance(body[-1], PdfLine) and len(body[-1].text) <= _FRAGMENT:
        body = body[:-1]
    return body[-1] if body and isinstance(body[-1], PdfTable) else None


def _table_first(items: list[PdfTable | PdfLine]) -> list[PdfTable | PdfLine]:
    """A page's items with its first table before the label fragments above it (see :data:`_FRAGMENT`)."""
    body = table_body(items)
    k = 0
    while k < len(body) and isinstance(body[k], PdfLine) and len(body[k].text) <= _FRAGMENT:
        k += 1
    if k == 0 or k >= len(body) or not isinstance(body[k], PdfTable):
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
