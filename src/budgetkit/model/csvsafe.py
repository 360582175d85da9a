r"""CSV cells a spreadsheet would run as a formula, written so that it does not (CSV injection): the one rule.

A researcher opens a CSV of budgetkit's in Excel or LibreOffice; a text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as a formula
(``=HYPERLINK("http://…", "点击")`` runs; ``=116人`` shows an error, ``=100%`` shows 1).
Following OWASP's CSV-injection advice, every CSV the package writes (``data/processed/<year>/``,
``budgetkit parse --out``, ``budgetkit analyse --out``, the pages' downloads, ``links.csv``) writes
such a cell with a leading **tab**: the spreadsheet shows the text, and a program that normalises
whitespace (the shared scorers) still reads the value as printed, which an apostrophe would break.
Plain numbers (``-5``, ``-0.5``, ``+3``) are numbers, not formulas, and are left alone, as are numeric
columns; Parquet and DuckDB keep every value as it is. The trigger characters and the escape are data
(``metadata/csv_formula.csv``); :func:`read_csv` and :func:`unescape_frame` take the escape off again.

Examples:
    >>> [escape_cell(v) for v in ("=100%", "-5%", "@SUM(A1)", "+1+2", "职工", "-5", "+3", "-0.5", -3.5, None)]
    ['\t=100%', '\t-5%', '\t@SUM(A1)', '\t+1+2', '职工', '-5', '+3', '-0.5', -3.5, None]
    >>> unescape_cell(escape_cell('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")'
    >>> unescape_cell(escape_cell("\t=1")), unescape_cell("职工")
    ('\t=1', '职工')
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from budgetkit.model.fields import read_metadata

__all__ = ["escape", "escape_cell", "escape_frame", "formula_start", "read_csv", "unescape_cell", "unescape_frame",
           "write_csv"]

# A plain number a spreadsheet reads as a number (a sign, digits, a decimal point, an exponent): not escaped.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _characters(role: str) -> tuple[str, ...]:
    return tuple(chr(int(r["codepoint"][2:], 16)) for r in read_metadata("csv_formula") if r["role"] == role)


@cache
def formula_start() -> tuple[str, ...]:
    r"""The first characters that make a spreadsheet read a text cell as a formula (OWASP).

    Examples:
        >>> formula_start()
        ('=', '+', '-', '@', '\t', '\r')
    """
    return _characters("formula_start")


@cache
def escape() -> str:
    r"""The character written before a cell that would run as a formula.

    Examples:
        >>> escape()
        '\t'
    """
    (char,) = _characters("escape")
    return char


def _runs(value: str) -> bool:
    return value.startswith(formula_start()) and _PLAIN_NUMBER.fullmatch(value) is None


def escape_cell(value: object) -> object:
    """``value`` with a leading :func:`escape` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and _runs(value):
        return escape() + value
    return value


def unescape_cell(value: object) -> object:
    """The value :func:`escape_cell` was given (for a program reading the CSV back)."""
    if isinstance(value, str) and value.startswith(escape()) and _runs(value[1:]):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[int]:
    return [n for n, kind in enumerate(frame.dtypes)
            if pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)]  # numbers run nothing


def _map_text(frame: pd.DataFrame, cell) -> pd.DataFrame:
    out = frame.copy()
    for n in _text_columns(frame):
        out.isetitem(n, out.iloc[:, n].map(cell))
    return out


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    r"""A copy of ``frame`` with :func:`escape_cell` applied to its text columns (numeric columns as they are).

    Examples:
        >>> escape_frame(pd.DataFrame({"value": ["=100%", "-5"], "n": [-1.0, 2.0]})).to_dict("list")
        {'value': ['\t=100%', '-5'], 'n': [-1.0, 2.0]}
    """
    return _map_text(frame, escape_cell)


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    r"""``frame`` read from a CSV of budgetkit's, with the escape of :func:`escape_frame` taken off.

    Examples:
        >>> unescape_frame(escape_frame(pd.DataFrame({"value": ["=100%", "@x", "-5"]}))).to_dict("list")
        {'value': ['=100%', '@x', '-5']}
    """
    return _map_text(frame, unescape_cell)


def write_csv(frame: pd.DataFrame, path: str | Path, **options) -> None:
    r"""Write ``frame`` as a CSV of budgetkit's: formula cells escaped (:func:`escape_frame`), no index.

    Python's CSV writer quotes a cell holding a line end only when the line end is its own terminator's; a
    lone carriage return inside a value (a workbook cell's line break) would end the row for every reader.
    A frame with one is written with every text cell quoted, so each value reads back as it is.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_csv(pd.DataFrame({"value": ["第一行\r第二行", "=100%"], "n": [1.0, None]}), path)
        >>> read_csv(path).to_dict("list")
        {'value': ['第一行\r第二行', '=100%'], 'n': [1.0, nan]}
    """
    escaped = escape_frame(frame)
    if _holds_carriage_return(escaped):
        options = {"quoting": csv.QUOTE_NONNUMERIC, **options}
    escaped.to_csv(path, index=False, encoding="utf-8", **options)


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    for name in frame.columns:
        column = frame[name]
        if (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)) \
                and any(isinstance(v, str) and "\r" in v for v in column):
            return True
    return False


def read_csv(path: str | Path, **options) -> pd.DataFrame:
    """A CSV budgetkit wrote, read with :func:`pandas.read_csv` (``options`` passed on), values as printed.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.csv"
        >>> escape_frame(pd.DataFrame({"value": ["=116人"]})).to_csv(path, index=False)
        >>> read_csv(path, dtype=str)["value"].tolist()
        ['=116人']
    """
    return unescape_frame(pd.read_csv(path, **options))
