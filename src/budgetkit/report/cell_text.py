"""How a cell reads: numbers formatted for a reader, dates as YYYY-MM-DD, CSV cells safe in a spreadsheet."""

from __future__ import annotations

import pandas as pd

from budgetkit.model.csvsafe import escape_cell
from budgetkit.report.rows import is_missing


def csv_cell(value: object) -> object:
    """A value as pandas' ``to_csv`` writes it (missing blank, dates as YYYY-MM-DD), safe to open in a spreadsheet.

    Text that a spreadsheet would run as a formula gets a leading tab (:mod:`budgetkit.model.csvsafe`).
    """
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return escape_cell(value)


def format_number(value: float, *, percent: bool = False) -> str:
    """A number as a reader wants it: integers without ``.0``, up to four decimals, thousands separated.

    Examples:
        >>> format_number(200.0), format_number(2225.0), format_number(886.86), format_number(0.0136)
        ('200', '2,225', '886.86', '0.0136')
        >>> format_number(0.006766, percent=True), format_number(-12.345, percent=True)
        ('0.0%', '-12.3%')
    """
    if percent:
        return f"{value:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_value(value: object, dtype: str = "", unit: str = "") -> str:
    """One cell as shown: blank when missing, ints as ints, ``%`` units to one decimal, dates as YYYY-MM-DD.

    Examples:
        >>> format_value(float("nan"), "float"), format_value(3.0, "int"), format_value(2025, "int", "年")
        ('', '3', '2025')
        >>> format_value(pd.Timestamp("2025-12-31"), "date"), format_value("≥90%", "str")
        ('2025-12-31', '≥90%')
    """
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if dtype == "int" or (isinstance(value, int) and not isinstance(value, bool)):
        return str(int(value))
    if isinstance(value, float):
        return format_number(value, percent=unit == "%")
    return str(value)


def width_class(longest: int, dtype: str) -> str:
    """CSS class of a column by its longest text: numbers right-aligned, long text given room to wrap."""
    if dtype in {"int", "float"}:
        return "num"
    return "w-s" if longest <= 8 else "w-m" if longest <= 30 else "w-l"
