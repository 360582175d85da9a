"""Repair the misreadings OCR is known for, where a document shows it was OCR'd.

OCR reads letters for digits (``5O``, ``l2月``) and one character of a label for
another (``项日名称``, ``质量指际``). Only where a document shows such letters in
numbers (twice or more) is it treated as OCR text: then, in a run of Latin letters
and digits made only of digits and the letters of ``metadata/ocr.csv``, the
letters are read as digits (``USB3O`` stays), and a run of characters at the start of a cell, one
character away from exactly one vocabulary label of four characters or more, is
read as that label. Every fix is logged and recorded on its cell
(``reasons``), and recognition marks the rows of an OCR document ``low``.

Examples:
    >>> fix_ocr("项日名称农村环境整治")
    ('项目名称农村环境整治', ['项日名称 → 项目名称'])
    >>> fix_ocr("质量指际合格率≥9O%")
    ('质量指标合格率≥90%', ['质量指际 → 质量指标', '9O → 90'])
    >>> fix_ocr("Wi-Fi 6 覆盖")
    ('Wi-Fi 6 覆盖', [])
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from functools import cache

from budgetkit.model.cells import Document, Row
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.vocabulary import terms

__all__ = ["OCR_REASON", "fix_ocr", "repair_ocr", "suspect_ocr"]

logger = logging.getLogger(__name__)

#: The reason recorded on a cell of an OCR document.
OCR_REASON = "OCR text"
_MIXED_RE = re.compile(r"(?<![A-Za-z])(?:\d[OolI]|[OolI]\d)(?![A-Za-z])")
_ASCII_RUN_RE = re.compile(r"[A-Za-z0-9]+")
#: Roles whose labels an OCR misreading is corrected to.
_LABEL_ROLES = ("field", "column", "level1", "level2", "goal", "section")


@cache
def _digits() -> dict[str, str]:
    """Letters OCR reads for digits (``metadata/ocr.csv``)."""
    return {row["wrong"]: row["right"] for row in read_metadata("ocr")}


@cache
def _labels() -> tuple[str, ...]:
    """Vocabulary labels of four characters or more, longest first."""
    words = {t.term for ts in terms().values() for t in ts if t.role in _LABEL_ROLES and len(t.term) >= 4
             and "(" not in t.term}
    return tuple(sorted(words, key=len, reverse=True))


def _ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def fix_ocr(text: str) -> tuple[str, list[str]]:
    """Correct the misreadings OCR is known for; return the text and what was changed (see the module)."""
    fixes: list[str] = []
    vocabulary = _labels()
    exact = set(vocabulary)
    chars = list(text)
    i = 0
    while i < len(chars):
        hit = None
        if i > 0 and not (chars[i - 1].isspace() or chars[i - 1] in ":|"):
            i += 1  # a label starts its cell: a word inside a text (项目支出 in a title) is left alone
            continue
        for word in vocabulary:
            window = "".join(chars[i : i + len(word)])
            if len(window) < len(word):
                continue
            if window in exact:
                hit = None
                i += len(window) - 1
                break
            diff = [(a, b) for a, b in zip(window, word, strict=True) if a != b]
            if len(diff) == 1 and _ideograph(diff[0][0]):  # OCR swaps look-alike characters
                if hit is not None and hit != word:
                    hit = None  # one character away from two labels: leave it
                    break
                hit = word
        if hit is not None:
            fixes.append(f"{''.join(chars[i : i + len(hit)])} → {hit}")
            chars[i : i + len(hit)] = list(hit)
            i += len(hit)
        else:
            i += 1
    digits = _digits()

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if not any(c.isdigit() for c in run) or not all(c.isdigit() or c in digits for c in run):
            return run  # a Latin word (USB3O) or no digit at all
        read = "".join(digits.get(c, c) for c in run)
        if read != run:
            fixes.append(f"{run} → {read}")
        return read

    return _ASCII_RUN_RE.sub(number, "".join(chars)), fixes


def suspect_ocr(doc: Document) -> bool:
    """Whether the document shows letters read for digits in two cells or more.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> suspect_ocr(Document("x", [Row([Cell("项目总额5O", 1)]), Row([Cell("≥9O%", 2)])]))
        True
    """
    if _MIXED_RE.search("\n".join(c.text for row in doc.rows for c in row.cells)) is None:
        return False  # none anywhere (the pattern cannot match across the line ends parting the cells)
    seen = 0
    for row in doc.rows:
        for cell in row.cells:
            if _MIXED_RE.search(cell.text):
                seen += 1
                if seen >= 2:
                    return True
    return False


def repair_ocr(doc: Document) -> Document:
    """Return ``doc`` with OCR misreadings fixed, when it is OCR text; else ``doc`` itself."""
    if not suspect_ocr(doc):
        return doc
    logger.info("%s: letters read for digits: OCR text, fixing known misreadings", doc.path.name)
    rows = []
    for row in doc.rows:
        cells = []
        for cell in row.cells:
            text, fixes = fix_ocr(cell.text)
            for fix in fixes:
                logger.info("%s, %s: OCR correction %s", doc.path.name, cell.where(), fix)
            cells.append(replace(cell, text=text, reasons=(*cell.reasons, OCR_REASON)))
        rows.append(Row(cells, row.hard, row.grid))
    return replace(doc, rows=rows)
