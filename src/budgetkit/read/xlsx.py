r"""Read a spreadsheet (``.xlsx`` with openpyxl, legacy ``.xls`` with xlrd) into a :class:`~.cells.Document`.

Every sheet, in workbook order, is one grid: its used range (from its first to
its last column holding a value or a merged range), each row holding a value
becoming a grid row with a cell per column (blank ones included), each cell
addressed ``Sheet!B7``. Merged ranges are spans: the top-left cell is the
origin, the others its ``spanned`` copies. A blank row between sheets parts
them.

Numbers are read **as printed** with their number format (:func:`format_number`):
``4100000`` formatted ``#,##0.00`` reads ``4,100,000.00``, ``0.95`` formatted
``0%`` reads ``95%``, a date ``2023-01-01``; a ``General`` number prints as
Excel would (``886.8``, not ``886.8000000000001``).

Examples:
    >>> import tempfile, pathlib, openpyxl
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "项目1"
    >>> ws.append(["项目名称", "测试项目", None]); ws.merge_cells("B1:C1")
    >>> ws.append(["项目总额", 4100000, None]); ws["B2"].number_format = "#,##0.00"
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"; wb.save(p)
    >>> doc = read_xlsx(p)
    >>> [[(c.text, c.spanned, c.address) for c in r.cells]
    ...  for r in doc.rows]  # doctest: +NORMALIZE_WHITESPACE
    [[('项目名称', False, '项目1!A1'), ('测试项目', False, '项目1!B1'), ('测试项目', True, '项目1!C1')],
     [('项目总额', False, '项目1!A2'), ('4,100,000.00', False, '项目1!B2'), ('', False, '项目1!C2')]]
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from budgetkit.errors import InputError, LimitError
from budgetkit.model.cells import Document
from budgetkit.read.grid import Placed, RowWriter, check_cells, extent
from budgetkit.read.limits import LIMITS

__all__ = ["format_number", "read_xls", "read_xlsx"]

logger = logging.getLogger(__name__)

_QUOTED_RE = re.compile(r'"([^"]*)"|\\(.)|\[\$([^\]-]*)[^\]]*\]|\[[^\]]*\]|_.|\*.')
_DATE_TOKEN_RE = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|AM/PM|上午/下午", re.I)


def _literals(section: str) -> str:
    """A format section with its quoted text, escapes and currency kept; colours, padding, fills dropped."""
    def keep(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "\x00" + m.group(1) + "\x01"
        if m.group(2) is not None:
            return "\x00" + m.group(2) + "\x01"
        if m.group(3) is not None:
            return "\x00" + m.group(3) + "\x01"
        return ""

    return _QUOTED_RE.sub(keep, section)


def _split_literal(section: str) -> list[tuple[bool, str]]:
    """``[(is_literal, text)]`` pieces of a section after :func:`_literals`."""
    out: list[tuple[bool, str]] = []
    for k, part in enumerate(re.split(r"\x00|\x01", section)):
        if part:
            out.append((k % 2 == 1, part))
    return out


def _general(value: float) -> str:
    """A number as Excel's General format prints it (up to 10 significant digits, no exponent in range)."""
    if value == int(value) and abs(value) < 1e11:
        return str(int(value))
    if abs(value) >= 1e11 or abs(value) < 1e-9:
        mantissa, _, exponent = f"{value:.5E}".partition("E")
        return mantissa.rstrip("0").rstrip(".") + "E" + exponent
    text = format(Decimal(f"{value:.10g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_NUMBER_CODE_RE = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


def _number(value: float, section: str) -> str:
    """``value`` in a numeric section (``0``, ``0.00``, ``#,##0.0``, ``0%``), the text around it kept."""
    pieces = _split_literal(section)
    code = "".join(t for lit, t in pieces if not lit)
    m = _NUMBER_CODE_RE.search(code)
    number = m.group(0) if m else "0"
    integer, _, fraction = number.partition(".")
    decimals = sum(ch in "0#?" for ch in fraction)
    scaled = Decimal(str(value)) * (100 ** code.count("%"))
    rounded = scaled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}" if "," in integer else f"{abs(rounded):.{decimals}f}"
    if "0" not in integer and text.startswith("0."):
        text = text[1:]  # "#.00" prints .50
    text = ("-" if rounded < 0 else "") + text
    done = False

    def put(_: re.Match[str]) -> str:
        nonlocal done
        first, done = not done, True
        return text if first else ""

    return "".join(t if lit else _NUMBER_CODE_RE.sub(put, t) for lit, t in pieces)


def _date(value: dt.date | dt.time, pattern: str) -> str:
    """A date or time in a date pattern (``yyyy-mm-dd``, ``yyyy"年"m"月"d"日"``, ``h:mm``)."""
    out: list[str] = []
    after_hour = False
    for lit, t in _split_literal(pattern):
        if lit:
            out.append(t)
            continue
        pos = 0
        for m in _DATE_TOKEN_RE.finditer(t):
            out.append(t[pos : m.start()])
            tok = m.group(0).lower()
            if tok in ("mm", "m") and (after_hour or t[m.end() : m.end() + 1] == ":"):
                tok = "min" + tok
            out.append(_date_token(value, tok))
            after_hour = tok in ("hh", "h")
            pos = m.end()
        out.append(t[pos:])
    return "".join(out)


def _date_token(v: Any, tok: str) -> str:
    get = lambda name: getattr(v, name, 0)  # noqa: E731 -- a date has no hour, a time no year
    table = {
        "yyyy": f"{get('year'):04d}", "yy": f"{get('year') % 100:02d}", "mmmm": v.strftime("%B") if
        hasattr(v, "year") else "", "mmm": v.strftime("%b") if hasattr(v, "year") else "",
        "mm": f"{get('month'):02d}", "m": str(get("month")), "dddd": v.strftime("%A") if hasattr(v, "year")
        else "", "ddd": v.strftime("%a") if hasattr(v, "year") else "", "dd": f"{get('day'):02d}",
        "d": str(get("day")), "hh": f"{get('hour'):02d}", "h": str(get("hour")),
        "minmm": f"{get('minute'):02d}",
        "minm": str(get("minute")), "ss": f"{get('second'):02d}", "s": str(get("second")),
        "am/pm": "AM" if get("hour") < 12 else "PM", "上午/下午": "上午" if get("hour") < 12 else "下午",
    }
    return table[tok]


def format_number(value: Any, fmt: str | None) -> str:
    """The text a spreadsheet prints for ``value`` under number format ``fmt``.

    Covers the formats budget tables use: General, fixed decimals, thousands
    separators, percentages, literal text, negative sections and dates; other
    codes fall back to General.

    Examples:
        >>> [format_number(4100000, "#,##0.00"), format_number(0.955, "0.0%"), format_number(0.1 + 0.2, None)]
        ['4,100,000.00', '95.5%', '0.3']
        >>> [format_number(-3.5, '0.00;[Red](0.00)'), format_number(12, '0"万元"'), format_number(2.5, "0")]
        ['(3.50)', '12万元', '3']
        >>> format_number(dt.date(2023, 1, 31), 'yyyy"年"m"月"d"日"'), format_number("≥90%", "@")
        ('2023年1月31日', '≥90%')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    sections = _literals(fmt or "General").split(";")
    if isinstance(value, dt.timedelta):
        value = (dt.datetime.min + value).time()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _format_date(value, sections[0])
    if not isinstance(value, int | float | Decimal):
        return str(value)
    return _format_numeric(value, sections)


def _format_date(value: dt.datetime | dt.date | dt.time, pattern: str) -> str:
    """A date or time under the first section of its format; a format with no date code prints it ISO-style."""
    if not _DATE_TOKEN_RE.search(pattern.replace("General", "")):
        pattern = "yyyy-mm-dd" if not isinstance(value, dt.time) else "hh:mm:ss"
        if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
            pattern += " hh:mm:ss"
    return _date(value, pattern)


def _format_numeric(value: int | float | Decimal, sections: list[str]) -> str:
    """A number under its format's section (negative, zero or the first); General, text or other codes as General."""
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, value = sections[1], -value
    elif value == 0 and len(sections) > 2 and sections[2].strip():
        section = sections[2]
    code = "".join(t for lit, t in _split_literal(section) if not lit)
    if "general" in code.lower() or not re.search(r"[0#?]", code) or re.search(r"E[+-]|/", code):
        literal = "".join(t for lit, t in _split_literal(section) if lit)
        return _general(float(value)) + literal if "general" in code.lower() else (
            _general(float(value)) if not literal else literal)
    return _number(float(value), section)


# --- xlsx ------------------------------------------------------------------------------------------------


def _used_columns(cells: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    cols = [c for _, c in cells]
    return (min(cols), max(cols)) if cols else None


def _cap_merges(values: dict[tuple[int, int], str],
                merges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Merges cut at the sheet's real extent, and refused past the per-file cell limit.

    The extent is :func:`budgetkit.read.grid.extent` of the cells holding a value or starting a merge:
    ``A1:XFD1048576`` in a 5 KB file costs little more than its sheet.

    Examples:
        >>> from budgetkit.read.limits import LIMITS
        >>> _cap_merges({(0, 0): "a", (2, 1): "b"}, [(0, 0, 1048575, 16383)]) == [
        ...     (0, 0, 2 + LIMITS.span_overhang, 1 + LIMITS.span_overhang)]
        True
    """
    starts = [pos for pos, v in values.items() if v != ""] + [(r0, c0) for r0, c0, _, _ in merges]
    if not starts:
        return []
    nrows, ncols = extent(starts)
    capped = [(r0, c0, min(r1, nrows - 1), min(c1, ncols - 1)) for r0, c0, r1, c1 in merges]
    check_cells(sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in capped))
    return capped


def _sheet_grid(out: RowWriter, name: str, values: dict[tuple[int, int], str],
                merges: list[tuple[int, int, int, int]]) -> None:
    """Write one sheet: ``values`` by 0-based (row, col), merges as (row0, col0, row1, col1) inclusive."""
    from openpyxl.utils import get_column_letter  # lazy: openpyxl loads only when a workbook is read

    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    merges = _cap_merges(values, merges)
    for r0, c0, r1, c1 in merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    filled = {pos for pos, v in values.items() if v != ""} | set(spans)
    cols = _used_columns(filled | covered)
    if cols is None:
        return
    rows = sorted({r for r, _ in filled | covered})
    placed = []
    for r in rows:
        for c in range(cols[0], cols[1] + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            placed.append(Placed(r, c - cols[0], values.get((r, c), ""), rowspan, colspan))
    first = cols[0]
    out.blank()
    out.grid(placed, address=lambda r, c: f"{name}!{get_column_letter(c + first + 1)}{r + 1}")


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _check_merges(path: Path) -> None:
    """Refuse a workbook whose merged ranges cover more than ``max_cells`` before openpyxl loads it.

    openpyxl makes an object for every cell on a merge's edges as it loads, so ``A1:XFD1048576`` in
    a 5 KB file costs millions of objects before any reader could cut it; the sheets' XML is scanned
    for the ranges first, in pieces.
    """
    from openpyxl.utils import column_index_from_string  # lazy: openpyxl loads only when a workbook is read


    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # the opener says what is wrong
    area = 0
    with archive:
        for name in (n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            tail = b""
            with archive.open(name) as sheet:
                while chunk := sheet.read(1 << 20):
                    text, end = tail + chunk, 0
                    for m in _MERGE_RE.finditer(text):
                        c0, r0, c1, r1 = m.groups()
                        cols = abs(column_index_from_string(c1.decode()) - column_index_from_string(c0.decode()))
                        area += (abs(int(r1) - int(r0)) + 1) * (cols + 1)
                        end = m.end()
                    tail = text[max(end, len(text) - 200):]  # a range cut by the chunk's end, read next time
                    if area > LIMITS.max_cells:
                        break
            try:
                check_cells(area)
            except LimitError as err:
                raise LimitError(f"the merged ranges of {name.rsplit('/', 1)[-1]} cover {area} cells",
                                 limit=err.limit, value=err.value, path=path) from None


def _open(path: str | Path, opener, what: str):
    """``(path, opener(path))``, or an error naming the file when it is missing or cannot be opened."""
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", path=p)
    try:
        return p, opener(p)
    except Exception as err:  # noqa: BLE001 -- zip, XML, BIFF and the libraries' own errors: a damaged file
        raise InputError(f"cannot open the {what} ({type(err).__name__}: {err}); if it opens in a "
                         "spreadsheet program, save it again as .xlsx", path=p) from err


def read_xlsx(path: str | Path) -> Document:
    """Read every sheet of an ``.xlsx`` workbook (see the module docstring).

    Raises:
        InputError: naming the file when it is missing, damaged or not a workbook.
    """
    import openpyxl  # lazy: openpyxl loads only when a workbook is read

    _check_merges(Path(path))
    p, wb = _open(path, lambda f: openpyxl.load_workbook(f, data_only=True), "workbook")
    out = RowWriter()
    for ws in wb.worksheets:
        values = {(cell.row - 1, cell.column - 1): format_number(cell.value, cell.number_format)
                  for row in ws.iter_rows() for cell in row if cell.value is not None}
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                  for m in ws.merged_cells.ranges]
        _sheet_grid(out, ws.title, values, merges)
    sheets = len(wb.worksheets)
    wb.close()
    logger.info("%s: %d sheets, %d rows", p.name, sheets, len(out.rows))
    return Document(p, out.rows, kind="xlsx", units=sheets, unit_name="sheets")


# --- xls -------------------------------------------------------------------------------------------------


def _xls_value(book: Any, cell: Any) -> str:
    import xlrd  # lazy: xlrd loads only when an old .xls workbook is read

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    fmt = None
    known = cell.xf_index is not None and cell.xf_index < len(book.xf_list)
    xf = book.xf_list[cell.xf_index] if known else None
    if xf is not None and xf.format_key in book.format_map:
        fmt = book.format_map[xf.format_key].format_str
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError):
            return _general(cell.value)
        return format_number(value.date() if value.time() == dt.time() else value, fmt)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return format_number(bool(cell.value), fmt)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return format_number(cell.value, fmt)


def read_xls(path: str | Path) -> Document:
    """Read every sheet of a legacy ``.xls`` workbook (BIFF, Excel 97–2003) with xlrd.

    Raises:
        InputError: naming the file when it is missing, damaged or not a workbook.
    """
    import xlrd  # lazy: xlrd loads only when an old .xls workbook is read

    p, book = _open(path, lambda f: xlrd.open_workbook(f, formatting_info=True, on_demand=True),
                    "legacy .xls workbook")
    out = RowWriter()
    try:
        for k in range(book.nsheets):
            sh = book.sheet_by_index(k)
            values = {(r, c): _xls_value(book, sh.cell(r, c))
                      for r in range(sh.nrows) for c in range(sh.ncols)}
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
            _sheet_grid(out, sh.name, values, merges)
            book.unload_sheet(k)
    finally:
        book.release_resources()
    logger.info("%s: %d sheets, %d rows", p.name, book.nsheets, len(out.rows))
    return Document(p, out.rows, kind="xls", units=book.nsheets, unit_name="sheets")
