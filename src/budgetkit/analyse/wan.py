"""Amounts in 万元 and numbers as the analyses print and read them (trailing zeros dropped, NaN for missing).

Examples:
    >>> format_wan(886.86), fmt_num(3500.0), to_float("x"), isnan(float("nan"))
    ('886.86万元', '3500', nan, True)
"""

from __future__ import annotations

import math

from budgetkit.model.tables import text_of

__all__ = ["as_text", "fmt_num", "format_wan", "isnan", "to_float"]


def format_wan(amount: float, *, signed: bool = False) -> str:
    """Format an amount in 万元 the way a Chinese table prints it, trailing zeros dropped.

    Args:
        amount: the amount in 万元.
        signed: put ``+`` before a positive amount (for gaps).

    Returns:
        The amount with its unit, e.g. ``886.86万元``; ``—`` for a missing amount.

    Examples:
        >>> format_wan(886.8600)
        '886.86万元'
        >>> format_wan(1670.0), format_wan(0.06, signed=True), format_wan(float("nan"))
        ('1670万元', '+0.06万元', '—')
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    text = fmt_num(amount)
    if signed and float(amount) > 0 and text != "0":
        text = "+" + text
    return f"{text}万元"


def as_text(value: object) -> str:
    """A cell as text: ``""`` for a missing value (see :func:`budgetkit.model.tables.text_of`)."""
    return text_of(value)


def to_float(value: object) -> float:
    """A value as a float, NaN for what is not a number."""
    if value is None:
        return math.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def isnan(value: object) -> bool:
    """Whether ``value`` is a float NaN (a missing number; ``None`` is not)."""
    return isinstance(value, float) and math.isnan(value)


def fmt_num(value: float) -> str:
    """A number as printed in a formula: six decimals at most, trailing zeros dropped (``-0`` is ``0``)."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
