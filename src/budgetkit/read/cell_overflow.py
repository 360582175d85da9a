"""Glyphs that overflow their cell's right rule, given back to the cell they were printed in.

Some publishers print a label too long for its cell without wrapping it: the last glyph runs over the
cell's right rule (宁德 自评表: ``一般性支出情况`` in a cell one glyph too narrow). pdfplumber gives each glyph to
the cell that holds its centre, so the overflowing glyph opens the next cell's text (``况一般性支出情`` and
``况“三公”经费违规使用次数``) and the label loses it. Text flows left to right: a glyph that starts left of a
cell's left rule, on the same line as and touching the last glyph of the cell to its left, belongs to that cell.

Examples:
    >>> left = {"text": "情", "x0": 108.0, "x1": 114.3, "top": 10.0, "bottom": 16.0}
    >>> spill = {"text": "况", "x0": 114.3, "x1": 120.9, "top": 10.0, "bottom": 16.0}
    >>> own = {"text": "一", "x0": 122.5, "x1": 129.0, "top": 10.0, "bottom": 16.0}
    >>> overflows(spill, (115.0, 0.0, 157.0, 40.0), [left])
    True
    >>> overflows(own, (115.0, 0.0, 157.0, 40.0), [left])
    False
"""

from __future__ import annotations

import logging
from typing import Any

from budgetkit.model.settings import setting

__all__ = ["cell_texts", "overflows"]

logger = logging.getLogger(__name__)

#: How far (pt) a glyph may sit from its neighbour and still touch it, and from a rule and still share it.
_TOUCH = setting("pdf.touch")


def _inside(char: dict, box: tuple) -> bool:
    """The glyph's centre lies in ``box`` (pdfplumber's own test)."""
    v_mid = (char["top"] + char["bottom"]) / 2
    h_mid = (char["x0"] + char["x1"]) / 2
    x0, top, x1, bottom = box
    return x0 <= h_mid < x1 and top <= v_mid < bottom


def overflows(char: dict, box: tuple, left_chars: list[dict]) -> bool:
    """Whether ``char`` (given to the cell ``box``) starts left of the cell and touches a glyph of ``left_chars``."""
    if not char["x0"] < box[0] - 0.1 < char["x1"]:
        return False
    return any(abs(d["x1"] - char["x0"]) <= _TOUCH and abs(d["top"] - char["top"]) <= _TOUCH for d in left_chars)


def _owned(table: Any) -> dict[tuple[int, int], list[dict]]:
    """The glyphs of each cell ``(row, column)`` as pdfplumber's ``Table.extract`` assigns them."""
    chars = table.page.chars
    owned: dict[tuple[int, int], list[dict]] = {}
    for r, row in enumerate(table.rows):
        row_chars = [c for c in chars if _inside(c, row.bbox)]
        for k, box in enumerate(row.cells):
            if box is not None:
                owned[r, k] = [c for c in row_chars if _inside(c, box)]
    return owned


def _left_of(table: Any, box: tuple, char: dict) -> tuple[int, int] | None:
    """The cell whose right rule is ``box``'s left rule, on the glyph's line."""
    v_mid = (char["top"] + char["bottom"]) / 2
    for r, row in enumerate(table.rows):
        for k, other in enumerate(row.cells):
            if other is not None and abs(other[2] - box[0]) <= _TOUCH and other[1] <= v_mid < other[3]:
                return r, k
    return None


def cell_texts(table: Any) -> list[list[str | None]]:
    """``table.extract()``, with each glyph that overflows its cell's right rule given back to that cell."""
    from pdfplumber import utils  # lazy: pdfplumber is loaded only where a PDF is read (as read_pdf does)

    owned = _owned(table)
    moved: set[tuple[int, int]] = set()
    for (r, k), chars in list(owned.items()):
        box = table.rows[r].cells[k]
        for char in [c for c in chars if c["x0"] < box[0] - 0.1]:
            left = _left_of(table, box, char)
            if left is None or not overflows(char, box, owned.get(left, [])):
                continue
            owned[r, k].remove(char)
            owned[left].append(char)
            moved |= {(r, k), left}
            logger.debug("page %s: glyph %r overflowing a cell's rule given back to the cell on its left",
                         getattr(table.page, "page_number", "?"), char["text"])
    texts = table.extract()
    for r, k in moved:
        chars = sorted(owned[r, k], key=lambda c: (round(c["top"]), c["x0"]))
        texts[r][k] = utils.extract_text(chars) if chars else ""
    return texts
