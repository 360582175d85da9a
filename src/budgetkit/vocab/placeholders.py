"""Template placeholder text: cells the publisher left unfilled (``指标2:``, ``XX年``, ``请输入指标值``).

The patterns have one home, ``metadata/placeholders.csv``; each says whether it marks a name, a value or any cell.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from budgetkit.model.fields import read_metadata

__all__ = ["is_placeholder"]


@cache
def _placeholders() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(row["pattern"]), row["cell"]) for row in read_metadata("placeholders"))


@lru_cache(maxsize=65536)
def is_placeholder(text: str | None, cell: str | None = None) -> bool:
    """Whether ``text`` is template placeholder text rather than a filled-in cell.

    Args:
        text: the cell.
        cell: ``name`` or ``value`` to ask only about placeholders of a name (指标2:) or a value (XX年).

    Examples:
        >>> [is_placeholder(t) for t in ["指标2:", "XX年", "请输入指标值", "≥90%", "", None]]
        [True, True, True, False, False, False]
        >>> is_placeholder("指标2:", "value"), is_placeholder("XX年", "name")
        (False, False)
    """
    return bool(text) and any(p.search(text) for p, kind in _placeholders()
                              if cell is None or kind in (cell, "any"))
