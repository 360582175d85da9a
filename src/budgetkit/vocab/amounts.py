"""Amounts as printed in a table's money cells: ``886.8``, ``8,827,620.53``, ``250万``, ``2279.048 万元``.

The money units and their factors have one home, ``metadata/units.csv`` (kind ``money``): an amount's scale
to 万元 is its unit's ``yuan_factor`` ÷ 10 000.

Examples:
    >>> parse_amount("8,827,620.53"), parse_amount("250万"), parse_amount("2279.048 万元")
    ((8827620.53, None), (250.0, 1.0), (2279.048, 1.0))
    >>> parse_amount("(12.5千元)"), parse_amount("中央资金50") is None
    ((12.5, 0.1), True)
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.vocab.part_words import part_words
from budgetkit.vocab.units import money_scale

__all__ = ["money_scale", "parse_amount"]

#: A note in brackets after an amount (``854万(高标准农田建设400万元,…)``): what the amount is made of (a unit in
#: brackets, ``(万元)``, is no note).
_NOTE_AFTER_AMOUNT_RE = re.compile(r"\s*\([^()]{3,}\)$")  # what is left must read as an amount


@cache
def _trailing_part_re() -> re.Pattern[str]:
    """A part word at a cell's end (``886.8 其中:``): it opens the next label (``metadata/part_words.csv``)."""
    return re.compile(rf"\s+(?:{'|'.join(map(re.escape, part_words()))})[:]?$")


@cache
def _amount_re() -> re.Pattern[str]:
    units = "|".join(sorted(map(re.escape, money_scale()), key=len, reverse=True))
    return re.compile(rf"^[(]?([-+]?\d[\d,]*(?:\.\d+)?)\s*({units})?[)]?$")


def parse_amount(text: str) -> tuple[float, float | None] | None:
    """``(number, scale to 万元 from its own unit or None)`` when ``text`` is an amount, else ``None``.

    Examples:
        >>> parse_amount("854万(高标准农田建设400万元,示范建设295万元)")  # the amount, then what it is made of
        (854.0, 1.0)
    """
    text = _trailing_part_re().sub("", text.strip())
    m = _amount_re().match(text) or _amount_re().match(_NOTE_AFTER_AMOUNT_RE.sub("", text))
    if m is None:
        return None
    return float(m[1].replace(",", "")), money_scale()[m[2]] if m[2] else None
