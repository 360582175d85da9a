"""The header block of a grid table: where it starts, its title, its fields, and the project record it makes.

The rows above an indicator header (back to the section before, and a few text lines of the same page: a
title, a unit line) are read as the token path reads a header; text fields drawn as a grid take the next cell
of their label's row; a form that prints no 项目名称 takes the name from its title.

Examples:
    >>> _name_from_title("301008_泉州市公安局台商投资区分局_科技兴警项目绩效目标表")
    '301008_泉州市公安局台商投资区分局_科技兴警'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Row
from budgetkit.model.settings import setting
from budgetkit.recognise.attributes import split_attribute
from budgetkit.recognise.grid_columns import _field_row, _words
from budgetkit.recognise.grid_tables import GridTable
from budgetkit.recognise.header import read_header
from budgetkit.recognise.header_cells import cut_header
from budgetkit.recognise.money import finish_amounts
from budgetkit.recognise.tables import _structural
from budgetkit.segment.tokens import assemble_labels, split_wrapped_tails, stream
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.vocabulary import lookup, match_key, scan

logger = logging.getLogger(__name__)


# --- records ----------------------------------------------------------------------------------------------

#: Non-empty text rows outside any grid read with a table's header block (its title, its unit line).
_HEAD_TEXT_ROWS = setting("grid.head-text-rows")


def _head_start(rows: Sequence[Row], page: int | None, grid: int | None) -> int:
    """Where the header block ``rows`` (the rows above an indicator header on ``page``, in ``grid``) starts.

    Rows of the header's grid belong to it; so does a grid just above that prints header
    fields where the header's own grid prints none (a form drawn as two tables); of the text
    rows outside any grid above them, the last few on the same page (a title, a unit line).

    Reading rules ``grid.head-text-lines`` and ``grid.head-form-in-two-grids``.
    """
    k = len(rows)
    texts = 0
    while k > 0:
        r = rows[k - 1]
        if r.grid is None and r.cells:
            if _text_row_ends(r, texts, page):
                break
            texts += 1
        elif r.grid is not None and r.cells and r.cells[0].page is not None:
            page = min(page, r.cells[0].page) if page is not None else r.cells[0].page
        if r.grid is not None and r.grid != grid:
            if _other_grid_ends(rows[:k], r.grid):
                break
            grid = r.grid
        k -= 1
    return k


def _text_row_ends(r: Row, texts: int, page: int | None) -> bool:
    """Whether a text row outside any grid above the header ends its block: enough read, or an earlier page."""
    rp = r.cells[0].page
    return texts >= _HEAD_TEXT_ROWS or (page is not None and rp is not None and rp < page) \
        or not rules.enabled("grid.head-text-lines")


def _other_grid_ends(above: Sequence[Row], grid: int) -> bool:
    """Whether another grid above the header ends its block: it prints no header field (no form in two grids)."""
    return not any(_field_row(x) for x in above if x.grid == grid) or not rules.enabled("grid.head-form-in-two-grids")


def _header(rows: Sequence[Row]):
    """The header block read as the token path reads a header (labels and values, amounts, the goal)."""
    toks = _structural(stream(rows))
    return read_header(assemble_labels(split_wrapped_tails(cut_header(toks)))), toks


#: Header fields read as text (not amounts) from their label's cell and the next cell of its row.
_TEXT_FIELDS = ("project", "department", "implementing_unit")


def grid_fields(rows: Sequence[Row]) -> dict[str, str]:
    """Text fields of a header block drawn as a grid: each label's value is the next cell of its row.

    Examples:
        >>> row = Row([Cell(t, 1, col=k) for k, t in enumerate(["部门名称", "", "某办公室", "总体资金情况"])], grid=0)
        >>> grid_fields([row])
        {'department': '某办公室'}
    """
    out: dict[str, str] = {}
    grid_rows = [r for r in rows if r.grid is not None]
    for i, r in enumerate(grid_rows):
        cells = [c for c in r.cells if c.text and not c.spanned]
        for a, b in zip(cells, cells[1:], strict=False):
            m = lookup(a.text)
            term = m.role("field") if m is not None else None
            if term is None or term.field not in _TEXT_FIELDS or term.field in out:
                continue
            mb = lookup(b.text)
            if mb is None or mb.role("field", "goal", "block", "title", "column") is None:
                out[term.field] = b.text + _wrapped_on(grid_rows[i + 1:], a, b)
    return out


def _wrapped_on(below: Sequence[Row], label: Cell, value: Cell) -> str:
    """The rest of a value a page break wrapped into the next row: under a blank label cell, in its column."""
    if not below:
        return ""
    nxt = below[0]
    under_label = [c for c in nxt.cells if c.col == label.col]
    under_value = [c for c in nxt.cells if c.col == value.col and c.text and not c.spanned]
    if under_label and not any(c.text for c in under_label) and under_value and value.page is not None \
            and under_value[0].page == value.page + 1 and rules.enabled("name.wrapped-over-page"):
        return under_value[0].text
    return ""


def _is_title(text: str) -> bool:
    return any(match_key(text).endswith(w) for w in _words("title_suffix")) or scan(text, "title") is not None


_TITLE_HEAD_RE = re.compile(r"^[^\s。;:!?]{4,}$")


def _title(rows: Sequence[Row]) -> str | None:
    """The table's title in its header block: the last cell naming a target table.

    A title wrapped over two lines outside the grid is joined: the line above it goes with it where
    it is a run of text with no space or sentence end and names no table itself.
    Reading rule ``grid.title-wrapped``.

    Examples:
        >>> rows = [Row([Cell("301007_泉州市公安局晋江国际机场分局_机场公安综", 1)]), Row([]),
        ...         Row([Cell("合修缮改造项目绩效目标表", 3)])]
        >>> _title(rows)
        '301007_泉州市公安局晋江国际机场分局_机场公安综合修缮改造项目绩效目标表'
    """
    found = None
    above: str | None = None
    for r in rows:
        for c in r.cells:
            if c.text and not c.spanned and len(c.text) <= 80:
                if r.grid is None and above is not None and not _is_title(above) and len(above + c.text) <= 80 \
                        and _is_title(above + c.text) and rules.enabled("grid.title-wrapped"):
                    found = above + c.text
                elif _is_title(c.text):
                    found = c.text
        texts = [c.text for c in r.cells if c.text]
        if r.cells:
            above = texts[0] if r.grid is None and len(texts) == 1 and _TITLE_HEAD_RE.match(texts[0]) else None
    return found


_TITLE_PREFIX_RE = re.compile(r"^(?:[\d一二三四五六七八九十]{1,2}[.、)]\s*)")


def _name_from_title(title: str) -> str | None:
    """The project's name where the form prints none: the title minus 项目绩效目标表 (or 绩效目标表).

    Examples:
        >>> _name_from_title("301008_泉州市公安局台商投资区分局_科技兴警项目绩效目标表")
        '301008_泉州市公安局台商投资区分局_科技兴警'
        >>> _name_from_title("项目支出绩效目标表") is None
        True
    """
    text = re.sub(r"\s+", "", title)
    for suffix in sorted(_words("title_suffix"), key=len, reverse=True):
        if text.endswith(suffix):
            name = _TITLE_PREFIX_RE.sub("", text[: -len(suffix)])
            return name or None
    return None


def _prints_name_label(rows: Sequence[Row]) -> bool:
    """Whether a grid row of ``rows`` prints the 项目名称 label (a field ``project``)."""
    for r in rows:
        for c in r.cells:
            if r.grid is not None and c.text and not c.spanned and (m := lookup(c.text)) is not None \
                    and (t := m.role("field")) is not None and t.field == "project":
                return True
    return False


def _project(table: GridTable, pid: str, src: str, year: int | None) -> tuple[dict, object, list]:
    """The project record of ``table`` from its header block, with provenance."""
    header, toks = _header(table.head)
    rec = dict(header.record)
    rec.update(grid_fields(table.head))
    title = _title(table.head)
    if _names_by_title(rec, title, table.head) and rules.enabled("name.from-title"):
        # (a 项目名称 left blank is an unfilled form, not a title's name)
        rec["project"] = _name_from_title(title)
    project = {"project_id": pid, "year": rec.get("year") or year, "source_file": src, **_provenance(table),
               **{k: v for k, v in rec.items() if k != "year"}}
    if title and not project.get("table_title"):
        project["table_title"] = title
    kind = "self_evaluation" if "value_actual" in table.roles.values() else project.get("kind") or "project"
    project["kind"] = kind
    if not project.get("project") and kind == "department":
        project["project"] = project.get("department")
    finish_amounts(project)
    split_attribute(project)
    return project, header, toks


def _names_by_title(rec: dict, title: str | None, head: Sequence[Row]) -> bool:
    """Whether a project's name is to be taken from its title: a project's form that prints no 项目名称 label."""
    return bool(not rec.get("project") and title and rec.get("kind") != "department" and not rec.get("department")
                and not _prints_name_label(head))


def _provenance(table: GridTable) -> dict:
    """Where ``table`` is printed (first and last line and page, the first address) and its column labels."""
    cells = [c for r in [*table.head, *table.header_rows, *table.rows] for c in r.cells if c.text]
    first, last = (cells[0], cells[-1]) if cells else (None, None)
    return {
        "line_start": first.line if first else None, "line_end": last.last_line if last else None,
        "page_start": first.page if first else None, "page_end": last.page if last else None,
        "address": next((c.address for c in cells if c.address), None),
        "indicator_columns": "|".join(dict.fromkeys(c.text for r in table.header_rows[:1] for c in r.cells
                                                    if c.text and not c.spanned)) or None,
    }


def _project_code(name: str) -> tuple[str | None, str]:
    """A project code printed on the line above the name in the name cell, and the name.

    Examples:
        >>> _project_code("11000021T000000117273-部门预算绩效管理工作经费")
        ('11000021T0000001172', '73-部门预算绩效管理工作经费')
        >>> _project_code("科技兴警")
        (None, '科技兴警')
    """
    for pattern in _words("project_code"):
        m = re.match(pattern, name)
        if m is not None and m.end() < len(name) and rules.enabled("name.code-line-apart"):
            return m.group(0), name[m.end():].strip()
    return None, name


def _column_fields(project: dict, fields: dict[str, str], scale: float | None) -> list[tuple[str, str]]:
    """Set the header fields a section prints as columns; return ``(label, text)`` of those kept as extras."""
    extras = []
    for role, text in fields.items():
        kind, name = role.split(":", 1)
        if kind == "goal":
            project.setdefault(name, text)
        elif name == "project":
            code, project["project"] = _project_code(text)
            if code:
                extras.append(("项目代码", code))
        elif name in ("department", "implementing_unit", "attribute", "period"):
            project[name] = text
        elif (amt := parse_amount(text)) is not None:
            name = "annual_total" if name == "fund_total" else name
            project[f"{name}_wan"] = round(amt[0] * (amt[1] or scale or 1.0), 6)
        else:
            extras.append((name, text))
    return extras


def _section_fields(project: dict, header, fields: dict[str, str], scale: float | None) -> None:
    """Set the header fields a section prints as columns (:func:`_column_fields`) over the header block's."""
    if any(r in fields for r in ("field:total", "field:annual_total", "field:fund_total")):
        for key in ("total_wan", "annual_total_wan", "total_basis"):
            project.pop(key, None)
    if "field:project" in fields:
        project["project"] = None
    extras = _column_fields(project, fields, scale)
    if project.get("kind") == "department" and (not project.get("project") or "field:department" in fields):
        project["project"] = project.get("department")
    finish_amounts(project)
    header.extras += [{"label": lb, "field": None, "value": v, "tok": None} for lb, v in extras]
