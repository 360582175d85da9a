"""The words printed before a part of a sum (``其中``, ``含``), read with the label after them (issue 22).

One home: ``metadata/part_words.csv``. The vocabulary matches a label with its part word stripped
(``其中:财政拨款`` is the label ``财政拨款``), a wrapped label's pieces are joined without it, and an amount's cell
that ends on one (``886.8 其中:``) gives the part word to the next label.
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.model.fields import read_metadata

__all__ = ["part_prefix_re", "part_words"]


@cache
def part_words() -> tuple[str, ...]:
    """Words printed before a part of a sum (``其中``, ``含``: ``metadata/part_words.csv``), longest first.

    Examples:
        >>> part_words()
        ('其中', '含')
    """
    return tuple(sorted((r["word"] for r in read_metadata("part_words")), key=len, reverse=True))


@cache
def part_prefix_re(whole: bool = False, at_end: bool = False) -> re.Pattern[str]:
    """A part word with its colon at the start of a text (``whole``: the whole text; ``at_end``: at its end).

    Examples:
        >>> part_prefix_re().sub("", "其中:财政拨款"), bool(part_prefix_re(whole=True).match("含:"))
        ('财政拨款', True)
        >>> part_prefix_re(at_end=True).search("12其中:").group(0)
        '其中:'
    """
    words = "|".join(map(re.escape, part_words()))
    if at_end:
        return re.compile(rf"(?:{words})[:]?$")
    return re.compile(rf"^(?:{words})[:]?" + ("$" if whole else ""))
