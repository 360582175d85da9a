"""Tables for reading: every row and the full text, Chinese headers from the field dictionary, escaped.

A :class:`ReadingTable` is what the notebook steps return instead of a bare
DataFrame. In JupyterLab and in the rendered pages it shows as an HTML table
with

* the Chinese label (and unit) of each column from ``metadata/fields.csv``, the
  English name under it, and no index column;
* every row and the whole text of every cell (wrapped, never cut);
* integers as integers, percentages to one decimal, other numbers without
  trailing zeros, blanks for missing values, and code values in Chinese and
  English (:mod:`budgetkit.report.codes`);
* every value HTML-escaped;
* a link that downloads the table as CSV (UTF-8 with BOM, Chinese headers, the
  values unformatted).

Long tables are marked searchable and every table sortable; the pages'
script (``report/templates/site.js``) adds the search box and the sorting, and
without it the table still reads in full (and prints in full).

Examples:
    >>> t = ReadingTable(pd.DataFrame({"project": ["<b>甲</b>"], "total_wan": [886.8],
    ...                                "indicator_count": [14], "status": ["partial"]}), "projects")
    >>> t.display_frame().columns.tolist()
    ['项目名称', '项目总额（万元）', '三级指标数（个）', '完整性']
    >>> t.display_frame().iloc[0].tolist()
    ['<b>甲</b>', '886.8', '14', '不完整 partial']
    >>> "&lt;b&gt;甲&lt;/b&gt;" in t.to_html() and "<b>甲" not in t.to_html()
    True
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from budgetkit.fields import columns, load_fields
from budgetkit.report.codes import code_label, has_codes

__all__ = [
    "SEARCHABLE_ROWS",
    "ReadingTable",
    "dictionary_table",
    "format_number",
    "format_value",
    "record_table",
]

#: Tables longer than this get a search box (all tables can be sorted).
SEARCHABLE_ROWS = 12


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


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
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if dtype == "int" or (isinstance(value, int) and not isinstance(value, bool)):
        return str(int(value))
    if isinstance(value, float):
        return format_number(value, percent=unit == "%")
    return str(value)


def _width_class(longest: int, dtype: str) -> str:
    """CSS class of a column by its longest text: numbers right-aligned, long text given room to wrap."""
    if dtype in {"int", "float"}:
        return "num"
    return "w-s" if longest <= 8 else "w-m" if longest <= 30 else "w-l"


@cache
def _dictionary(table: str | None) -> dict[str, dict[str, str]]:
    if not table:
        return {}
    fields = load_fields()
    sub = fields[fields["table"] == table]
    return {row["name"]: row for row in sub.to_dict("records")}


@dataclass
class ReadingTable:
    """A table to read: see the module docstring.

    Attributes:
        frame: the data, with the field dictionary's column names.
        table: the dictionary table the columns belong to (``projects``, ``costs`` …), or ``None``.
        caption: a title shown above the table.
        name: the file name of the CSV download (without ``.csv``).
        labels: ``{column: "中文 label"}``, ``{column: ("中文", "english")}`` or
            ``{column: ("中文", "english", "unit")}`` for columns the dictionary does not name (and to
            override it); a unit ``%`` shows the numbers as percentages.
        empty: what to say when there are no rows.
        links: ``{column: [href per row]}``: cells shown as links (an empty href: plain text).
    """

    frame: pd.DataFrame
    table: str | None = None
    caption: str = ""
    name: str = "table"
    labels: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    empty: str = "无 none"
    links: Mapping[str, list[str]] = field(default_factory=dict)

    def _columns(self) -> list[tuple[str, str, str, str, str]]:
        """``(column, zh label, en label, dtype, unit)`` per column."""
        known = _dictionary(self.table)
        out = []
        for col in self.frame.columns:
            spec = known.get(col, {})
            zh, en = spec.get("zh", ""), spec.get("en", "")
            unit = spec.get("unit", "")
            dtype = spec.get("dtype", "")
            given = self.labels.get(col)
            if isinstance(given, tuple):
                zh, en = given[0], given[1]
                unit = given[2] if len(given) > 2 else unit
            elif given:
                zh, en = given, ""
            if not zh:
                zh = str(col)
            if unit and f"（{unit}）" not in zh:
                zh = f"{zh}（{unit}）"
            if not dtype:
                kind = self.frame[col].dtype.kind
                dtype = "int" if kind in "iu" else "float" if kind == "f" else ""
            out.append((col, zh, en, dtype, unit))
        return out

    def _cells(self) -> list[list[tuple[str, object]]]:
        """Per row, per column: ``(shown text, sort value or None)``."""
        cols = self._columns()
        rows = []
        for record in self.frame.itertuples(index=False, name=None):
            row = []
            for (col, _, _, dtype, unit), value in zip(cols, record, strict=True):
                if self.table and has_codes(self.table, col) and not _missing(value):
                    row.append((code_label(self.table, col, str(value)), None))
                    continue
                number = None if _missing(value) or isinstance(value, str | pd.Timestamp | bool) else value
                row.append((format_value(value, dtype, unit), number))
            rows.append(row)
        return rows

    def display_frame(self) -> pd.DataFrame:
        """The table as shown: Chinese headers, every value formatted as text."""
        headers = [zh for _, zh, _, _, _ in self._columns()]
        return pd.DataFrame(
            [[text for text, _ in row] for row in self._cells()], columns=headers, dtype="str"
        )

    def to_csv(self) -> str:
        """The table as CSV: Chinese headers (with units), the values as stored (unformatted)."""
        frame = self.frame.copy()
        frame.columns = [zh for _, zh, _, _, _ in self._columns()]
        return frame.to_csv(index=False, date_format="%Y-%m-%d")

    def _csv_link(self) -> str:
        data = base64.b64encode(("\ufeff" + self.to_csv()).encode("utf-8")).decode("ascii")
        name = html.escape(f"{self.name}.csv")
        return (
            f'<a class="bk-csv" download="{name}" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"下载 CSV download</a>"
        )

    def to_html(self) -> str:
        """The table as an HTML fragment (see the module docstring)."""
        cols = self._columns()
        n = len(self.frame)
        classes = "bk-data bk-sortable" + (" bk-searchable" if n > SEARCHABLE_ROWS else "")
        head = [
            '<div class="bk-table">',
            '<div class="bk-table-head">',
            f'<span class="bk-caption">{html.escape(self.caption)}</span>' if self.caption else "",
            f'<span class="bk-count">{n} 行 rows</span>',
            self._csv_link() if n else "",
            "</div>",
        ]
        if not n:
            return "".join([*head, f'<p class="bk-empty">{html.escape(self.empty)}</p></div>'])
        cells = self._cells()
        widths = [
            _width_class(max((len(row[k][0]) for row in cells), default=0), dtype)
            for k, (_, _, _, dtype, _) in enumerate(cols)
        ]
        ths = "".join(
            f'<th scope="col" class="{w}">{html.escape(zh)}'
            + (f'<span class="en">{html.escape(en)}</span>' if en else "")
            + "</th>"
            for (_, zh, en, _, _), w in zip(cols, widths, strict=True)
        )
        body = []
        hrefs = [self.links.get(col) for col, *_ in cols]
        for r, row in enumerate(cells):
            tds = []
            for (text, v), links, w in zip(row, hrefs, widths, strict=True):
                shown = html.escape(text)
                if links is not None and links[r]:
                    shown = f'<a href="{html.escape(links[r])}">{shown}</a>'
                tds.append(
                    f'<td class="{w}" data-v="{float(v)!r}">{shown}</td>'
                    if v is not None
                    else f'<td class="{w}">{shown}</td>'
                )
            body.append(f"<tr>{''.join(tds)}</tr>")
        return "".join(
            [
                *head,
                f'<table class="{classes}"><thead><tr>{ths}</tr></thead><tbody>',
                *body,
                "</tbody></table></div>",
            ]
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        shown = self.display_frame()
        title = f"{self.caption}: " if self.caption else ""
        return f"{title}{len(shown)} rows\n{shown.to_string(index=False)}" if len(shown) else f"{title}0 rows"

    def __len__(self) -> int:
        return len(self.frame)


def record_table(row: Mapping[str, object], table: str, caption: str, name: str) -> ReadingTable:
    """One record as a two-column table (字段 field, 值 value).

    Every dictionary field of ``table`` that holds a value, formatted and labelled like a column of
    :class:`ReadingTable`.

    Examples:
        >>> t = record_table({"project": "慰问经费", "total_wan": 500.0, "goal": None, "status": "complete"},
        ...                  "projects", "项目", "p")
        >>> t.frame["value"].tolist()
        ['慰问经费', '500', '完整 complete']
        >>> t.frame["field"].tolist()[1]
        '项目总额（万元） project total'
    """
    rows = []
    for col, spec in _dictionary(table).items():
        value = row.get(col)
        if _missing(value) or value == "":
            continue
        unit = spec["unit"]
        zh = f"{spec['zh']}（{unit}）" if unit else spec["zh"]
        shown = (
            code_label(table, col, str(value))
            if has_codes(table, col)
            else format_value(value, spec["dtype"], unit)
        )
        rows.append((f"{zh} {spec['en']}", shown))
    frame = pd.DataFrame(rows, columns=["field", "value"], dtype="str")
    return ReadingTable(
        frame, caption=caption, name=name, labels={"field": ("字段", "field"), "value": ("值", "value")}
    )


def dictionary_table(
    frame: pd.DataFrame,
    table: str,
    caption: str,
    name: str,
    *,
    drop: tuple[str, ...] = ("project_id",),
    empty: str = "无 none",
) -> ReadingTable:
    """``frame`` with every column the dictionary defines for ``table`` that holds a value, in its order.

    New columns of the field dictionary appear without code changes; empty ones are left out (all of them
    are kept when there are no rows), and so are ``drop`` and columns the dictionary does not know.

    Examples:
        >>> frame = pd.DataFrame({"project_id": ["a"], "project": ["甲"], "goal": [None], "extra": [1]})
        >>> dictionary_table(frame, "projects", "", "p").frame.columns.tolist()
        ['project']
    """
    known = [c for c in columns(table) if c in frame.columns and c not in drop]
    if len(frame):
        known = [c for c in known if frame[c].replace("", None).notna().any()]
    return ReadingTable(frame[known].reset_index(drop=True), table, caption=caption, name=name, empty=empty)
