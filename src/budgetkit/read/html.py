r"""Read a web page (saved from a browser or fetched) into a :class:`~budgetkit.model.cells.Document`.

The page is parsed with lxml's HTML parser (libxml2), never with regular expressions:

* **Encoding**: a byte-order mark, else the charset the page declares (``<meta
  charset>`` or ``<meta http-equiv="Content-Type" content="…; charset=…">``, found
  by the parser), else UTF-8, else GB18030. GBK and GB2312 are read as GB18030,
  their superset (pages declared GBK often hold characters only GB18030 has).
* **Tables**: every ``<table>`` is a grid; ``rowspan``/``colspan`` are expanded
  as the HTML table model places them (:class:`~budgetkit.read.grid.RowWriter`
  marks the covered positions ``spanned``; a rowspan stops at the table's last
  row, and no span costs more than the per-file limits of :mod:`budgetkit.read.limits`
  allow), each cell addressed
  ``t{table}r{row}c{col}`` (1-based, tables numbered in document order). A row
  one of whose cells holds a nested table is a layout row: its cells are read as
  blocks of the page, so the nested table is a grid of its own.
* **Text outside tables**: one row per line of each block (``<p>``, ``<div>``,
  ``<li>``, ``<br>`` …), a blank row between blocks, ``<caption>`` before its
  grid; scripts, styles, comments and ``<head>`` are not page text. White space
  is collapsed as a browser does (a line break between two Chinese characters
  goes away), ``&nbsp;`` becomes a space.
* **Depth**: a page nested deeper than ``max_html_depth`` (libxml2 stops reading
  at 256 levels, and what is below would be lost) raises
  :class:`~budgetkit.errors.LimitError`, so the file is skipped and said to be,
  never read in part.

Examples:
    >>> import tempfile, pathlib
    >>> page = ('<html><head><meta charset="gbk"><title>t</title></head><body><div>首页 &gt; 公开</div>'
    ...         '<table><tr><td>项目名称</td><td colspan="2">测试&nbsp;项目</td></tr>'
    ...         '<tr><td rowspan="2">产出\n指标</td><td>数量</td><td>200户</td></tr>'
    ...         '<tr><td>质量</td><td>≥90％</td></tr></table><p>第1行<br>第2行</p></body></html>')
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "page.html"
    >>> _ = p.write_bytes(page.encode("gbk"))
    >>> doc = read_html(p)
    >>> [[(c.text, c.spanned) for c in r.cells] for r in doc.rows]  # doctest: +NORMALIZE_WHITESPACE
    [[('首页 > 公开', False)], [],
     [('项目名称', False), ('测试 项目', False), ('测试 项目', True)],
     [('产出指标', False), ('数量', False), ('200户', False)],
     [('产出指标', True), ('质量', False), ('≥90%', False)], [],
     [('第1行', False)], [('第2行', False)]]
    >>> doc.rows[4].cells[2].address, doc.kind, doc.units, doc.unit_name
    ('t1r3c3', 'html', 1, 'tables')
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path
from typing import Any

from budgetkit.errors import InputError, LimitError
from budgetkit.model.cells import Document
from budgetkit.model.normalize import is_wide
from budgetkit.read.grid import Placed, RowWriter, check_cells
from budgetkit.read.limits import LIMITS
from budgetkit.read.text import decode_bytes, read_decoded

__all__ = ["decode_html", "read_html"]

logger = logging.getLogger(__name__)

#: Elements whose content is not page text.
_SKIP = frozenset({"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "select",
                   "button"})
#: Elements that start and end a block of text (a line of their own).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr",
    "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "ul", "caption", "tr", "td",
    "th", "table", "tbody", "thead", "tfoot",
})
#: Encodings read as their superset.
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "gb_2312-80": "gb18030", "euc-cn": "gb18030"}
#: The largest span honoured (the HTML standard's limits).
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534
#: White space as HTML collapses it (not the no-break space, which &nbsp; stands for).
_WS_RE = re.compile(r"[ \t\n\r\f]+")


def _declared(data: bytes) -> str | None:
    """The charset the page declares in a ``<meta>`` element, found by parsing its bytes as Latin-1."""
    import lxml.html  # lazy: lxml loads only when a web page is read

    head = data[:65536]
    parser = lxml.html.HTMLParser(encoding="iso-8859-1")
    try:
        tree = lxml.html.document_fromstring(head, parser=parser)
    except Exception:  # noqa: BLE001 -- a page lxml cannot even start on has no usable declaration
        return None
    for meta in tree.iter("meta"):
        charset = meta.get("charset")
        if not charset and (meta.get("http-equiv") or "").lower() == "content-type":
            content = meta.get("content") or ""
            for part in content.split(";"):
                key, _, value = part.partition("=")
                if key.strip().lower() == "charset":
                    charset = value
        if charset:
            return charset.strip().strip("\"'").lower()
    return None


def decode_html(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode a page: BOM, else its declared charset, else UTF-8, else GB18030 (see the module docstring).

    Returns:
        ``(text, encoding)``.

    Raises:
        InputError: when no encoding fits.

    Examples:
        >>> decode_html('<meta charset="gb2312"><p>指标值</p>'.encode("gbk"))[1]
        'gb18030'
        >>> decode_html("<p>指标值</p>".encode("gb18030"))[1]
        'gb18030'
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    declared = _declared(data)
    if declared:
        try:
            encoding = _SUPERSETS.get(declared, codecs.lookup(declared).name)
            return data.decode(encoding), encoding
        except LookupError:
            logger.warning("%s: unknown charset %r declared; trying UTF-8 and GB18030", Path(path).name,
                           declared)
        except UnicodeDecodeError:
            logger.warning("%s: not %s as declared; trying UTF-8 and GB18030", Path(path).name, declared)
    return decode_bytes(data, path)


def _spans(el: Any) -> tuple[int, int]:
    def num(name: str, limit: int) -> int:
        raw = (el.get(name) or "1").strip()
        digits = "".join(ch for ch in raw if ch.isdigit())
        return max(1, min(int(digits), limit)) if digits else 1

    return num("rowspan", _MAX_ROWSPAN), num("colspan", _MAX_COLSPAN)


def _own_rows(table: Any) -> list[Any]:
    """The ``<tr>`` of a table itself (directly or in its row groups), not those of nested tables."""
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


class _Walker:
    """Walks the page in document order, writing text lines and grids to a :class:`RowWriter`."""

    def __init__(self) -> None:
        self.out = RowWriter()
        self.line: list[str] = []
        self.tables = 0
        self.depth = 0
        self.spans = 0

    # text outside tables
    def flush(self) -> None:
        text = _collapse("".join(self.line))
        self.line = []
        if text:
            self.out.text(text)

    def block(self, el: Any) -> None:
        self.flush()
        self.out.blank()
        self.walk_children(el)
        self.flush()
        self.out.blank()

    def walk_children(self, el: Any) -> None:
        if el.text:
            self.line.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.line.append(child.tail)

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP or el.get("hidden") is not None:
            return  # a comment, a processing instruction, or no page text
        self.depth += 1
        if self.depth > LIMITS.max_html_depth:
            raise LimitError(f"the page nests elements more than {LIMITS.max_html_depth} levels deep",
                             limit="max_html_depth", value=LIMITS.max_html_depth)
        if tag == "br":
            self.flush()
        elif tag == "table":
            self.table(el)
        elif tag in _BLOCKS:
            self.block(el)
        else:
            self.walk_children(el)
        self.depth -= 1

    # tables
    def table(self, table: Any) -> None:
        self.flush()
        self.out.blank()
        for child in table:
            if child.tag == "caption":
                self.block(child)
        self.tables += 1
        number = self.tables
        placed: list[Placed] = []
        taken: set[tuple[int, int]] = set()
        r = 0
        own = _own_rows(table)
        for tr in own:
            cells = [c for c in tr if c.tag in ("td", "th")]
            if any(c.find(".//table") is not None for c in cells):
                if placed:  # the rows above, a grid of their own
                    self._grid(_clip(placed, r), number)
                    placed = []
                for c in cells:
                    self.block(c)
                r += 1
                continue
            col = 0
            for td in cells:
                while (r, col) in taken:
                    col += 1
                rowspan, colspan = _spans(td)
                rowspan = min(rowspan, len(own) - r)  # the HTML table model stops a span at the last row
                self.spans += rowspan * colspan
                check_cells(self.spans)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, col + dc))
                placed.append(Placed(r, col, _cell_text(td), rowspan, colspan))
                col += colspan
            r += 1
        if placed:
            self._grid(_clip(placed, r), number)
        self.out.blank()

    def _grid(self, placed: list[Placed], number: int) -> None:
        self.out.grid(placed, address=lambda r, c: f"t{number}r{r + 1}c{c + 1}")


def _clip(placed: list[Placed], nrows: int) -> list[Placed]:
    """Rowspans cut at the table's last row (as the HTML table model does)."""
    return [p if p.row + p.rowspan <= nrows
            else Placed(p.row, p.col, p.text, max(1, nrows - p.row), p.colspan) for p in placed]


def _collapse(text: str) -> str:
    """Collapse white space as a browser does: none where a line break parts two Chinese characters."""

    def joint(m: re.Match[str]) -> str:
        s, start, end = m.string, m.start(), m.end()
        if "\n" in m.group(0) and 0 < start and end < len(s):
            if is_wide(s[start - 1]) and is_wide(s[end]):
                return ""
        return " "

    return _WS_RE.sub(joint, text).strip()


def _cell_text(td: Any) -> str:
    """A cell's text, its lines (``<br>``, ``<p>``, ``<div>`` inside it) parted by line breaks."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP:
            return
        block = tag in _BLOCKS or tag == "br"
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(td)
    lines = [_collapse(line) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def read_html(path: str | Path) -> Document:
    """Read a web page into a :class:`~budgetkit.model.cells.Document` (see the module docstring).

    Raises:
        InputError: naming the file when it cannot be read, decoded or parsed, or holds no text.
    """
    import lxml.html  # lazy: lxml loads only when a web page is read


    p = Path(path)
    text, encoding = read_decoded(p, decode_html, "empty file: no page to read")
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        tree = lxml.html.document_fromstring(text.encode(), parser=parser)
    except Exception as err:  # noqa: BLE001 -- lxml raises several kinds; all mean the same to the reader
        raise InputError(f"cannot parse the page as HTML ({type(err).__name__}: {err})", path=p) from err
    stopped = [e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if stopped:  # libxml2 stopped reading: the rest of the page would be lost without a word
        raise LimitError(f"the HTML parser stopped reading at line {stopped[0].line} ({stopped[0].message})",
                         limit="max_html_depth", value=LIMITS.max_html_depth, path=p)
    walker = _Walker()
    try:
        walker.walk(tree)
    except LimitError as err:
        raise err.at(p) from None
    walker.flush()
    rows = walker.out.rows
    while rows and not rows[-1].cells:
        rows.pop()
    logger.info("%s: read as HTML (%s), %d tables, %d rows", p.name, encoding, walker.tables, len(rows))
    return Document(p, rows, kind="html", units=walker.tables, unit_name="tables")
