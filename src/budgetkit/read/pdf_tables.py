"""The tables of a PDF page, and a table continued over a page break joined into one grid.

A page's tables are pdfplumber's cells placed on their columns, with closing rules added where a table is cut.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from budgetkit.model.normalize import normalize_text
from budgetkit.model.settings import setting
from budgetkit.read.cell_overflow import cell_texts
from budgetkit.read.grid import Placed

#: pdfplumber settings for bordered tables (the synthetic closing rules are added per page).
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


#: Distance (pt) within which a rule counts as touching a cell side or a line end; columns of two parts match.
TOL = setting("pdf.rule-tolerance")


#: A line that is only a page number.
PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(?:第\s*)?\d(?:\s?\d){0,3}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—–\s]*$")


@dataclass
class PdfLine:
    """One text line outside tables (``top``/``bottom`` from the top of the page)."""

    page: int
    top: float
    bottom: float
    text: str


@dataclass
class PdfTable:
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


def _has_rule(h_edges: list[dict], x0: float, x1: float, y: float) -> bool:
    """Whether a horizontal rule runs along ``y`` under at least half of ``x0..x1``."""
    for e in h_edges:
        if abs(e["top"] - y) <= TOL:
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
        return any(abs(e["top"] - y) <= TOL and e["x0"] - TOL <= x <= e["x1"] + TOL for e in h)

    rules: list[dict] = []
    seen: list[tuple[str, float]] = []
    for e in v:
        for side in ("top", "bottom"):
            y = e[side]
            if meets(y, e["x0"]) or any(s == side and abs(y - z) <= TOL for s, z in seen):
                continue
            seen.append((side, y))
            xs = [f["x0"] for f in v if abs(f[side] - y) <= TOL]
            if max(xs) - min(xs) > TOL:
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
    return max(1, sum(1 for e in edges if lo - TOL <= e < hi - TOL))


def _table(table: Any, number: int, h_edges: list[dict]) -> PdfTable:
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

    return PdfTable(number, table.bbox[1], table.bbox[3], xs, cells, len(rows), open_top=open_at(0, 1),
                  open_bottom=open_at(len(rows) - 1, 3), extents=extents)


def page_items(page: Any, number: int) -> list[PdfTable | PdfLine]:
    """The tables and outside text lines of one page, from the top down."""
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_rules(page))
    tables = page.find_tables(settings)
    h_edges = [e for e in page.edges if e["orientation"] == "h"]  # drawn rules only
    items: list[PdfTable | PdfLine] = [_table(t, number, h_edges) for t in tables]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(return_chars=False):
        text = normalize_text(line["text"]).strip()
        if text:
            items.append(PdfLine(number, line["top"], line["bottom"], text))
    items.sort(key=lambda it: (it.top, 0 if isinstance(it, PdfLine) else 1))
    return items


# --- a table over a page break ---------------------------------------------------------------------------


def table_body(items: list[PdfTable | PdfLine]) -> list[PdfTable | PdfLine]:
    """The items of a page without its page-number lines."""
    return [it for it in items if not (isinstance(it, PdfLine) and PAGE_NUMBER_RE.match(it.text))]


def _column(xs: Sequence[float], x: float) -> int | None:
    """The index of the column of ``xs`` starting at ``x``, if any."""
    return next((k for k, e in enumerate(xs) if abs(e - x) <= TOL * 1.5), None)


def continues(upper: PdfTable, lower: PdfTable) -> bool:
    """Whether ``lower`` (at the top of a page) goes on with ``upper`` (at the foot of the page before).

    Its columns must start where columns of ``upper`` start (the rows of a header
    block may part columns the indicator rows do not).
    """
    return lower.page == upper.page + 1 and all(_column(upper.xs, x) is not None for x in lower.xs)


def combine_parts(parts: list[PdfTable]) -> list[Placed]:
    """The cells of a table's parts on successive pages as one grid on the first part's columns.

    A row split by a break (both parts open) is joined cell by cell.
    """
    from budgetkit.segment.tokens import join_text  # lazy: the segmenter, only for a table over a page break

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
