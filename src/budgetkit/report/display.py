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

A table is given as a DataFrame or, where pages are made by the thousand (a project's page), as
:class:`Rows`: plain Python values, so that a small table costs no pandas calls.

Pages stay light at any size: a table of more than :data:`PAGE_ROWS` rows is
summarised, its first :data:`PREVIEW_ROWS` rows shown with the count of all, and
offered whole as a CSV file written beside the page (``downloads``: the folder
``tables/`` next to it) instead of inside it.

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
import csv
import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from budgetkit.model.csvsafe import escape_frame
from budgetkit.model.fields import columns, load_fields, read_metadata
from budgetkit.report.cell_text import csv_cell, format_number, format_value, width_class
from budgetkit.report.codes import code_label, has_codes
from budgetkit.report.readable import reader_text
from budgetkit.report.rows import Rows, column_kind, is_missing, records_of

__all__ = [
    "PAGE_ROWS",
    "PREVIEW_ROWS",
    "SEARCHABLE_ROWS",
    "ReadingTable",
    "Rows",
    "dictionary_table",
    "format_number",
    "format_value",
    "record_table",
]

#: Tables longer than this get a search box (all tables can be sorted).
SEARCHABLE_ROWS = 12

#: Tables longer than this are summarised in the page (the first :data:`PREVIEW_ROWS` rows) and offered
#: whole as a CSV file beside it.
PAGE_ROWS = 2000

#: Rows a summarised table shows.
PREVIEW_ROWS = 200



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
        frame: the data (a DataFrame or :class:`Rows`), with the field dictionary's column names.
        table: the dictionary table the columns belong to (``projects``, ``costs`` …), or ``None``.
        caption: a title shown above the table.
        name: the file name of the CSV download (without ``.csv``).
        labels: ``{column: "中文 label"}``, ``{column: ("中文", "english")}`` or
            ``{column: ("中文", "english", "unit")}`` for columns the dictionary does not name (and to
            override it); a unit ``%`` shows the numbers as percentages.
        empty: what to say when there are no rows.
        links: ``{column: [href per row]}``: cells shown as links (an empty href: plain text).
        downloads: the folder (beside the page) where a table of more than :data:`PAGE_ROWS` rows is
            written whole as ``<name>.csv``, linked as ``<folder name>/<name>.csv``; ``None``: not written
            (the page says the full table is in the tidy tables).
        full: the table with every column, where the page shows a reader's subset of them: written whole
            as ``<name>-all-columns.csv`` into ``downloads`` and linked beside the table.
    """

    frame: pd.DataFrame | Rows
    table: str | None = None
    caption: str = ""
    name: str = "table"
    labels: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    empty: str = "无 none"
    links: Mapping[str, list[str]] = field(default_factory=dict)
    downloads: Path | None = None
    full: pd.DataFrame | None = None

    @property
    def summarised(self) -> bool:
        """Whether the page shows only the first :data:`PREVIEW_ROWS` rows (see the module docstring)."""
        return len(self.frame) > PAGE_ROWS

    def _head(self, limit: int | None = None) -> Sequence[Sequence[object]]:
        """The values of the first ``limit`` rows (every row: ``None``); a long frame is not converted whole."""
        if isinstance(self.frame, Rows):
            return self.frame.records if limit is None else self.frame.records[:limit]
        return records_of(self.frame if limit is None else self.frame.head(limit))

    @cached_property
    def _columns(self) -> list[tuple[str, str, str, str, str]]:
        """``(column, zh label, en label, dtype, unit)`` per column (worked out once per table)."""
        known = _dictionary(self.table)
        if isinstance(self.frame, Rows):
            names, kinds = self.frame.columns, [self.frame.kind(k) for k in range(len(self.frame.columns))]
        else:
            names, kinds = self.frame.columns, [column_kind(t) for t in self.frame.dtypes]
        out = []
        for col, kind in zip(names, kinds, strict=True):
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
            out.append((col, zh, en, dtype or kind, unit))
        return out

    def _cells(self, limit: int | None = None) -> list[list[tuple[str, object]]]:
        """Per row (the first ``limit``), per column: ``(shown text, sort value or None)``."""
        cols = [(col, bool(self.table) and has_codes(self.table, col), dtype, unit)
                for col, _, _, dtype, unit in self._columns]
        rows = []
        for record in self._head(limit):
            row = []
            for (col, coded, dtype, unit), value in zip(cols, record, strict=True):
                if is_missing(value):
                    row.append(("", None))
                elif coded:
                    row.append((code_label(self.table, col, str(value)), None))
                elif value.__class__ is str:
                    row.append((reader_text(value, self.table, col), None))
                else:
                    number = None if isinstance(value, pd.Timestamp | bool) else value
                    row.append((format_value(value, dtype, unit), number))
            rows.append(row)
        return rows

    def display_frame(self) -> pd.DataFrame:
        """The table as shown: Chinese headers, every value formatted as text."""
        headers = [zh for _, zh, _, _, _ in self._columns]
        return pd.DataFrame(
            [[text for text, _ in row] for row in self._cells()], columns=headers, dtype="str"
        )

    def to_csv(self) -> str:
        """The table as CSV: Chinese headers (with units), the values as stored (unformatted).

        A text a spreadsheet would run as a formula (``=100%``, ``=HYPERLINK(…)``) starts with a tab
        (:mod:`budgetkit.model.csvsafe`).

        Examples:
            >>> t = ReadingTable(pd.DataFrame({"project": ["甲,乙"], "total_wan": [886.8], "indicator_count": [14],
            ...                                "deadline": [pd.Timestamp("2025-12-31")], "goal": [None]}), "projects")
            >>> t.to_csv().splitlines()[1]
            '"甲,乙",886.8,14,2025-12-31,'
        """
        headers = [zh for _, zh, _, _, _ in self._columns]
        if isinstance(self.frame, pd.DataFrame) and len(self.frame) > PREVIEW_ROWS:
            frame = escape_frame(self.frame)
            frame.columns = headers
            return frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\r\n")
        out = io.StringIO()  # a few rows (a project's page): the csv module, without pandas' set-up cost
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a field holding \r or \n is quoted
        writer.writerow(headers)
        writer.writerows([csv_cell(v) for v in row] for row in self._head())
        return out.getvalue()

    def _full_link(self) -> str:
        """A link to every column of the table as CSV (see :attr:`full`); '' without it."""
        if self.full is None or self.downloads is None:
            return ""
        name = f"{self.name}-all-columns.csv"
        path = Path(self.downloads) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\ufeff" + ReadingTable(self.full, self.table).to_csv(), encoding="utf-8")
        href = quote(f"{Path(self.downloads).name}/{name}")
        shown, every = len(self._columns), len(self.full.columns)
        return (f'<a class="bk-csv" download="{html.escape(name)}" href="{html.escape(href)}">'
                f"下载全部 {every} 列 CSV download all {every} columns</a>"
                f'<span class="bk-note">页面显示 {shown} 列 {shown} columns shown</span>')

    def _csv_link(self) -> str:
        name = f"{self.name}.csv"
        if self.summarised:
            if self.downloads is None:
                return '<span class="bk-csv">完整表格见 data/processed the whole table is in data/processed</span>'
            path = Path(self.downloads) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\ufeff" + self.to_csv(), encoding="utf-8")
            href = quote(f"{Path(self.downloads).name}/{name}")
            return (f'<a class="bk-csv" download="{html.escape(name)}" href="{html.escape(href)}">'
                    f"下载完整 CSV download the whole table</a>")
        data = base64.b64encode(("\ufeff" + self.to_csv()).encode("utf-8")).decode("ascii")
        return (
            f'<a class="bk-csv" download="{html.escape(name)}" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"下载 CSV download</a>"
        )

    def to_html(self) -> str:
        """The table as an HTML fragment (see the module docstring)."""
        cols = self._columns
        n = len(self.frame)
        classes = "bk-data bk-sortable" + (" bk-searchable" if n > SEARCHABLE_ROWS else "")
        head = [
            '<div class="bk-table">',
            '<div class="bk-table-head">',
            f'<span class="bk-caption">{html.escape(self.caption)}</span>' if self.caption else "",
            f'<span class="bk-count">{n} 行 rows</span>',
            self._csv_link() if n else "",
            self._full_link() if n else "",
            "</div>",
        ]
        if not n:
            return "".join([*head, f'<p class="bk-empty">{html.escape(self.empty)}</p></div>'])
        shown_rows = PREVIEW_ROWS if self.summarised else n
        if self.summarised:
            head.insert(-1, f'<span class="bk-note">页面只列出前 {shown_rows} 行，完整表格见 CSV '
                            f"the first {shown_rows} of {n} rows are shown; all of them are in the CSV</span>")
        cells = self._cells(shown_rows)
        widths = [
            width_class(max((len(row[k][0]) for row in cells), default=0), dtype)
            for k, (_, _, _, dtype, _) in enumerate(cols)
        ]
        known = _dictionary(self.table)
        tips = [known.get(col, {}).get("description", "").replace("…", "...") for col, *_ in cols]
        ths = "".join(
            f'<th scope="col" class="{w}"' + (f' title="{html.escape(tip)}"' if tip else "") + f'>{html.escape(zh)}'
            + (f'<span class="en">{html.escape(en)}</span>' if en else "")
            + "</th>"
            for (_, zh, en, _, _), w, tip in zip(cols, widths, tips, strict=True)
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
        title = f"{self.caption}: " if self.caption else ""
        if not len(self.frame):
            return f"{title}0 rows"
        limit = PREVIEW_ROWS if self.summarised else None
        headers = [zh for _, zh, _, _, _ in self._columns]
        shown = pd.DataFrame([[text for text, _ in row] for row in self._cells(limit)], columns=headers, dtype="str")
        more = f" (the first {limit} shown)" if limit else ""
        return f"{title}{len(self.frame)} rows{more}\n{shown.to_string(index=False)}"

    def __len__(self) -> int:
        return len(self.frame)


@cache
def reader_hidden(table: str) -> frozenset[str]:
    """Columns of ``table`` pages do not show (``metadata/reader_hidden.csv``); the CSV downloads keep them.

    Examples:
        >>> "explanation_en" in reader_hidden("costs"), "explanation_zh" in reader_hidden("costs")
        (True, False)
    """
    return frozenset(r["name"] for r in read_metadata("reader_hidden") if r["table"] == table)


def record_table(row: Mapping[str, object], table: str, caption: str, name: str) -> ReadingTable:
    """One record as a two-column table (字段 field, 值 value).

    Every dictionary field of ``table`` that holds a value, formatted and labelled like a column of
    :class:`ReadingTable`.

    Examples:
        >>> t = record_table({"project": "慰问经费", "total_wan": 500.0, "goal": None, "status": "complete"},
        ...                  "projects", "项目", "p")
        >>> t.frame.column("value")
        ['慰问经费', '500', '完整 complete']
        >>> t.frame.column("field")[1]
        '项目总额（万元） project total'
    """
    rows = []
    hidden = reader_hidden(table)
    for col, spec in _dictionary(table).items():
        value = row.get(col)
        if is_missing(value) or value == "" or col in hidden:
            continue
        unit = spec["unit"]
        zh = f"{spec['zh']}（{unit}）" if unit else spec["zh"]
        shown = (
            code_label(table, col, str(value))
            if has_codes(table, col)
            else reader_text(value, table, col) if isinstance(value, str)
            else format_value(value, spec["dtype"], unit)
        )
        rows.append((f"{zh} {spec['en']}", shown))
    return ReadingTable(
        Rows(("field", "value"), rows), caption=caption, name=name,
        labels={"field": ("字段", "field"), "value": ("值", "value")},
    )


def dictionary_table(
    frame: pd.DataFrame | Rows,
    table: str,
    caption: str,
    name: str,
    *,
    drop: tuple[str, ...] = ("project_id",),
    empty: str = "无 none",
    downloads: Path | None = None,
) -> ReadingTable:
    """``frame`` with every column the dictionary defines for ``table`` that holds a value, in its order.

    New columns of the field dictionary appear without code changes; empty ones are left out (all of them
    are kept when there are no rows), and so are ``drop`` and columns the dictionary does not know.

    Examples:
        >>> frame = pd.DataFrame({"project_id": ["a"], "project": ["甲"], "goal": [None], "extra": [1]})
        >>> dictionary_table(frame, "projects", "", "p").frame.columns.tolist()
        ['project']
        >>> dictionary_table(Rows.of(frame), "projects", "", "p").frame.columns
        ('project',)
    """
    names = list(frame.columns)
    hidden = reader_hidden(table)
    known = [c for c in columns(table) if c in names and c not in drop and c not in hidden]
    if isinstance(frame, Rows):
        if len(frame):
            values = dict(zip(names, zip(*frame.records, strict=True), strict=True))
            known = [c for c in known if any(not is_missing(v) and v != "" for v in values[c])]
        shown = frame.select(known)
    else:
        if len(frame):
            known = [c for c in known if _holds_value(frame[c])]
        shown = frame[known].reset_index(drop=True)
    every = frame if isinstance(frame, pd.DataFrame) and hidden & set(names) else None
    return ReadingTable(shown, table, caption=caption, name=name, empty=empty, downloads=downloads,
                        full=None if every is None else every[[c for c in columns(table) if c in names]])


def _holds_value(column: pd.Series) -> bool:
    """Whether a column holds a value that is neither missing nor '' (as :func:`is_missing`, over the whole column).

    Examples:
        >>> _holds_value(pd.Series(["", None])), _holds_value(pd.Series([float("nan"), 0.0]))
        (False, True)
    """
    present = column.notna()
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        present &= column.ne("")
    return bool(present.any())
