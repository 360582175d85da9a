"""A record's confidence and its reasons: the lowest of the doubts its cells raise.

An indicator record carries ``confidence`` (``high``, ``medium``, ``low``) and ``confidence_reasons`` (its
reasons, ``; ``-joined, each once). :func:`lowest` ranks; :func:`doubt` adds one reason to a record;
:func:`row_confidence` reads the doubts of one aligned row: how its wrapped lines were joined, whether its
cells could stand in other columns, cells the vocabulary cut, the reasons its cells carry, its level labels'.

Examples:
    >>> lowest("high", "medium", None), lowest()
    ('medium', 'high')
    >>> rec = {"confidence": "high", "confidence_reasons": None}
    >>> doubt(rec, "level label read as printed at the middle of its block", "medium")
    >>> rec["confidence"], rec["confidence_reasons"]
    ('medium', 'level label read as printed at the middle of its block')
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from budgetkit.segment.tokens import Tok
from budgetkit.vocab.vocabulary import lookup

__all__ = ["doubt", "lowest", "row_confidence"]

_CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}
#: Why a row is doubted: how its wrapped lines were joined, its cells' places, cells the vocabulary cut.
WIDTH_JOIN = "wrapped line joined by the width of the line above"
LEXICAL_JOIN = "wrapped line joined by a lexical rule"
AMBIGUOUS = "cells could stand in other columns (blank cells print nothing)"
INFERRED = "cell boundary inferred from the vocabulary"


def lowest(*levels: str | None) -> str:
    """The lowest of the confidence levels given (``None`` is no level; none at all is ``high``)."""
    return min((lv for lv in levels if lv), key=_CONFIDENCE_RANK.__getitem__, default="high")


def doubt(rec: dict, reason: str, level: str) -> None:
    """Add ``reason`` to a record's reasons (once) and lower its confidence to ``level`` at most."""
    reasons = [r for r in (rec.get("confidence_reasons") or "").split("; ") if r]
    rec["confidence_reasons"] = "; ".join(dict.fromkeys([*reasons, reason]))
    rec["confidence"] = lowest(rec.get("confidence") or "high", level)


def _join_doubts(joins: Sequence[str], ambiguous: bool) -> tuple[str, list[str]]:
    """The confidence the joins of a row's wrapped lines and its cells' places leave it."""
    confidence, reasons = "high", []
    if "lexical" in joins:
        confidence = "medium"
    if "width" in joins or "guess" in joins:
        confidence = "low"
        reasons.append(WIDTH_JOIN)
    if ambiguous:
        confidence = "low"
        reasons.append(AMBIGUOUS)
    return confidence, reasons


def row_confidence(joins: Sequence[str], ambiguous: bool, toks: Sequence[Tok], labels: Sequence[str | None],
                   low_reasons: Collection[str]) -> tuple[str, list[str]]:
    """``(confidence, reasons)`` of one aligned row.

    ``joins`` are how its wrapped lines were joined (``lexical``, ``width``, ``guess``), ``ambiguous`` whether
    its cells could stand in other columns, ``toks`` its cells, ``labels`` its level labels as printed; a cell
    reason among ``low_reasons`` makes the row ``low``, any other ``medium``.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> toks = [Tok("10户", (Cell("10户", 1).doubted("OCR text"),), 2)]
        >>> row_confidence(["lexical"], False, toks, [None, None], {"OCR text"})
        ('low', ['OCR text', 'wrapped line joined by a lexical rule'])
        >>> row_confidence([], False, [Tok("10户", (Cell("10户", 1),), 2)], [None, None], ())
        ('high', [])
    """
    confidence, reasons = _join_doubts(joins, ambiguous)
    if any(t.inferred for t in toks):
        confidence = lowest(confidence, "medium")
        reasons.append(INFERRED)
    cell_reasons = [r for t in toks for c in t.cells for r in c.reasons]
    if cell_reasons:
        reasons.extend(cell_reasons)
        # a cell the segmenter had to put together: medium; one it cut by a guess or read by OCR: low
        confidence = "low" if any(r in cell_reasons for r in low_reasons) else lowest(confidence, "medium")
    for printed in labels:
        m = lookup(printed) if printed else None
        if m is not None and m.reasons:
            reasons.extend(m.reasons)
    if "lexical" in joins:
        reasons.append(LEXICAL_JOIN)
    return confidence, reasons
