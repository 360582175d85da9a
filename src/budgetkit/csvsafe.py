r"""CSV cells a spreadsheet would run as a formula, written so that it does not (CSV injection).

A researcher opens a downloaded CSV in Excel or LibreOffice; a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as a formula
(``=HYPERLINK("http://…", "点击")`` runs; ``=116人`` shows an error, ``=100%`` shows 1).
Following OWASP's CSV-injection advice, such a text cell is written with a leading
apostrophe (``'=100%``), which the spreadsheet shows as text and does not keep. Numbers
are left alone (``-12.3`` is a number, not a formula), and the Parquet files keep every
value exactly as printed.

Examples:
    >>> [escape_cell(v) for v in ("=100%", "-5%", "@SUM(A1)", "+1", "\t=1", "职工", -3.5, None)]
    ["'=100%", "'-5%", "'@SUM(A1)", "'+1", "'\t=1", '职工', -3.5, None]
    >>> unescape_cell(escape_cell("=HYPERLINK(\"http://x\")"))
    '=HYPERLINK("http://x")'
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "escape_cell", "unescape_cell"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(value: object) -> object:
    """The value :func:`escape_cell` was given (for a program reading the CSV back)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
