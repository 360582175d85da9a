"""The indicator records of a section's aligned rows, in three passes.

:func:`indicator_records` reads the rows :func:`budgetkit.recognise.align.align_section` aligned:

1. **levels carried down** (:func:`budgetkit.recognise.levels.carry_down`): each row's level 1 and level 2;
2. **values composed** (:meth:`_Reading.read`): each row with a level-3 name becomes a record, its target
   composed from the cells it was printed in (:func:`budgetkit.recognise.compose._compose`) and its confidence
   from how its cells were read (:func:`budgetkit.recognise.confidence.row_confidence`); a row that cannot be
   read (no name, a template's placeholder, no value, cut by the file's end) is reported;
3. **areas spread** (:func:`_spread`): a row of per-area targets becomes one record per area
   (:func:`budgetkit.recognise.areas._spread_areas`).

Level labels printed at the middle of their block are then laid over it
(:func:`budgetkit.recognise.levels._centre_levels`), and rows above the first level 1 take it.

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.recognise.align import Row, Unit, make_schema
    >>> schema = make_schema(["level1", "level2", "indicator", "value"], ["一级指标", "二级指标", "三级指标", "指标值"])
    >>> def row(*texts, line=1):
    ...     toks = [Tok(t, (Cell(t, line),), 2) for t in texts]
    ...     return Row([(Unit(t.text, t, 2, False), k + 1, "new" if k == 0 else "same")
    ...                 for k, t in enumerate(toks)])
    >>> class Header: pass
    >>> rows = [row("产出指标", "数量指标", "测试户数", "200户"), row("", "", "测试次数", "", line=2)]
    >>> records, used, reports = indicator_records(rows, schema, "p#1", Header())
    >>> [(r["level1"], r["level2"], r["indicator"], r["value"], r["confidence"]) for r in records]
    [('产出指标', '数量指标', '测试户数', '200户', 'high')]
    >>> [(t.text, reason) for t, reason, _ in reports if t.text]
    [('测试次数', 'level-3 indicator without a value')]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from budgetkit.model import rules
from budgetkit.model.normalize import is_wide
from budgetkit.read.ocr import OCR_REASON
from budgetkit.recognise.align import Column, Row, ambiguous
from budgetkit.recognise.areas import _spread_areas
from budgetkit.recognise.compose import _COMPARATOR_ONLY_RE, _compose
from budgetkit.recognise.confidence import lowest, row_confidence
from budgetkit.recognise.levels import Label, _backfill_level1, _centre_levels, carry_down
from budgetkit.recognise.selfeval import comparator_of
from budgetkit.segment.tokens import HALVES_REASON, Tok, join_text
from budgetkit.vocab.placeholders import is_placeholder

__all__ = ["indicator_records"]

#: Why a row's cell is reported: the row has no level-3 name of its own (annual) column.
NO_ANNUAL_NAME = "cell of a row without a level-3 indicator name"
#: Why a row is reported: a template's row, its level-3 name left unfilled.
PLACEHOLDER_ROW = "template placeholder row (level-3 name left unfilled)"
#: Why a row with a name is reported: its value is a template's placeholder, or not printed.
PLACEHOLDER_VALUE = "template placeholder text in the value"
NO_VALUE = "level-3 indicator without a value"
#: How a wrapped line was joined to the cell above it (see :class:`budgetkit.recognise.align.Row`).
_WRAP_JOINS = ("lexical", "width", "guess")
_LEVELS = ("level1", "level2")


def indicator_records(rows: Sequence[Row], schema: Sequence[Column], pid: str, header,
                      cut_at_end: Callable[[Tok], str | None] | None = None,
                      low_reasons: Collection[str] = ()) -> tuple[list[dict], set[int], list]:
    """Records of the aligned rows: level labels carried down, values composed, areas spread.

    Returns ``(records, ids of the tokens read, [(token, reason, pid)] reported)`` and sets
    ``header.levels_seen`` (the level 1 of each row with a name). Where the file ends with the section,
    ``cut_at_end`` says why the last row, ending on a value whose end was not printed (cut out of a flattened
    line), may go on past the cut: it is reported, not read. A cell reason in ``low_reasons`` (or OCR) makes
    its row's confidence low.
    """
    roles = [c.role for c in schema]
    cells = [_row_cells(row, roles) for row in rows]
    levels, printed_at = carry_down([(c.by_role, _label_lines(c, roles)) for c in cells])
    reading = _Reading(schema, roles, pid, cut_at_end, (OCR_REASON, *low_reasons))
    entries = [e for c, lv in zip(cells, levels, strict=True)
               if (e := reading.read(c, lv, last=c.row is rows[-1])) is not None]
    out, row_of = _spread(entries, schema)
    _centre_levels(out, row_of, reading.row_lines, printed_at, reading.halves)
    _backfill_level1(out)
    header.levels_seen = reading.levels_seen
    return out, reading.used, reading.reports


@dataclass
class _RowCells:
    """One aligned row's cells: text by column and by role, tokens by column, how wrapped lines were joined."""

    row: Row
    text: dict[int, str]
    by_role: dict[str, str]
    toks_of: dict[int, list[Tok]]
    joins: list[str]

    @property
    def toks(self) -> list[Tok]:
        return [t for ts in self.toks_of.values() for t in ts]


def _row_cells(row: Row, roles: Sequence[str]) -> _RowCells:
    """The cells of ``row``: each column's pieces joined; the roles' text (area columns apart)."""
    parts: dict[int, list[tuple[str, str]]] = {}
    toks_of: dict[int, list[Tok]] = {}
    for unit, col, how in row.units:
        parts.setdefault(col, []).append((unit.text, how))
        toks_of.setdefault(col, []).append(unit.tok)
    text = {col: t for col, ps in parts.items() if (t := _join_pieces(ps))}
    by_role: dict[str, str] = {}
    for col, t in text.items():
        if roles[col] != "area_value":
            by_role[roles[col]] = by_role.get(roles[col], "") + t
    return _RowCells(row, text, by_role, toks_of, [how for _, _, how in row.units if how in _WRAP_JOINS])


def _label_lines(cells: _RowCells, roles: Sequence[str]) -> dict[str, tuple[int, int]]:
    """The first and last line of a row's level-label cells, by level."""
    out = {}
    for role in _LEVELS:
        toks = [t for c, ts in cells.toks_of.items() if roles[c] == role for t in ts]
        if toks:
            out[role] = (min([t.line for t in toks]), max([t.last_line for t in toks]))
    return out


def _join_pieces(parts: Sequence[tuple[str, str]]) -> str:
    """Join a cell's pieces: the pieces of one printed cell with their space unless both sides are Chinese.

    Examples:
        >>> _join_pieces([("≥90", "new"), ("%", "piece")]), _join_pieces([("测试", "new"), ("户数", "piece")])
        ('≥90 %', '测试户数')
    """
    if len(parts) == 1:
        return parts[0][0]
    out = ""
    for text, how in parts:
        if not out:
            out = text
        elif how == "piece":
            out += text if is_wide(out[-1]) and is_wide(text[0]) else " " + text
        else:
            out = join_text([out, text])
    return out


@dataclass
class _Entry:
    """A row read: its record but for value and confidence, and the areas its targets spread over."""

    base: dict
    value: str | None
    confidence: str
    reasons: list[str]
    row: int  # its place among the rows with a name
    areas: list[tuple[str | None, str]] = field(default_factory=list)
    nature: str | None = None  # the comparator printed once for all areas


@dataclass
class _Reading:
    """The values pass: reads each row's record, keeps what was read and reported, and where rows are."""

    schema: Sequence[Column]
    roles: list[str]
    pid: str
    cut_at_end: Callable[[Tok], str | None] | None
    low_reasons: Collection[str]
    used: set[int] = field(default_factory=set)
    reports: list = field(default_factory=list)
    row_lines: list[tuple[int, int]] = field(default_factory=list)  # the lines of each row with a name
    levels_seen: set[str | None] = field(default_factory=set)
    halves: bool = False  # cells printed in halves around their row: merged cells sit at the middle of their block

    def read(self, cells: _RowCells, levels: tuple[Label, Label], last: bool) -> _Entry | None:
        """The row's entry, or ``None`` when it is reported (no name, a placeholder, no value, cut)."""
        toks = cells.toks
        self.used.update(map(id, toks))
        self.halves = self.halves or any(HALVES_REASON in c.reasons for t in toks for c in t.cells)
        name = cells.by_role.get("indicator")
        if not name:  # a row of labels only, or of cells beside no annual name (a long-term side alone)
            self._report([t for c, ts in cells.toks_of.items() if self.roles[c] not in ("section", *_LEVELS)
                          for t in ts if t.text], NO_ANNUAL_NAME)
            return None
        row_toks = [t for c, ts in cells.toks_of.items() if self.roles[c] not in _LEVELS for t in ts]
        self.row_lines.append((min([t.line for t in row_toks]), max([t.last_line for t in row_toks])))
        self.levels_seen.add(levels[0][0])
        if is_placeholder(name):
            for t in toks:
                self.reports.append((t, PLACEHOLDER_ROW, self.pid))
                self.used.discard(id(t))
            return None
        return self._entry(cells, levels, name, last)

    def _entry(self, cells: _RowCells, levels: tuple[Label, Label], name: str, last: bool) -> _Entry | None:
        """The entry of a row with a name: its values composed, its confidence; ``None`` when it is reported.

        Reading rule ``value.comparator-alone-is-no-value``.
        """
        areas = [(self.schema[c].area, cells.text[c]) for c in sorted(cells.text) if self.roles[c] == "area_value"]
        values = _compose(cells.by_role, self.roles)
        value = values.get("value")
        if value is not None and (is_placeholder(value) or _COMPARATOR_ONLY_RE.match(value)
                                  and rules.enabled("value.comparator-alone-is-no-value")):
            value = None  # left unfilled, or cut after its comparator
        confidence, reasons = row_confidence(cells.joins, ambiguous(cells.row, self.schema), cells.toks,
                                             [levels[0][1], levels[1][1]], self.low_reasons)
        base = _base(cells, self.roles, levels, name, values)
        at = len(self.row_lines) - 1
        if areas and not value:
            return _Entry(base, None, confidence, reasons, at, areas,
                          values.get("nature") or comparator_of(cells.by_role))
        if not value:
            printed = values.get("value")
            self._report(cells.toks, PLACEHOLDER_VALUE if printed and is_placeholder(printed) else NO_VALUE)
            return None
        if last and (reason := self._cut_at_end(cells.row)):
            self._report(cells.toks, reason)
            return None
        return _Entry(base, value, confidence, reasons, at)

    def _cut_at_end(self, row: Row) -> str | None:
        """Why the file's last row may go on past the file's end (its value's end not printed), else ``None``.

        Reading rule ``rows.cut-at-file-end``.
        """
        if self.cut_at_end is None:
            return None
        unit, col, _ = row.units[-1]
        reason = self.cut_at_end(unit.tok)
        if reason and self.roles[col] in ("value", "area_value") \
                and rules.enabled("rows.cut-at-file-end"):  # (a cell after the value closed it)
            return reason
        return None

    def _report(self, toks: Sequence[Tok], reason: str) -> None:
        """Report the cells of a row that is not read (its level labels stand for the rows below them)."""
        for t in toks:
            if t.role("level1", "level2", "section") is None:
                self.reports.append((t, reason, self.pid))
                self.used.discard(id(t))


def _base(cells: _RowCells, roles: Sequence[str], levels: tuple[Label, Label], name: str,
          values: dict[str, str]) -> dict:
    """A row's record but for its value and confidence: levels, name, where it is printed, other values."""
    toks = cells.toks
    ind_toks = cells.toks_of.get(next(c for c in cells.text if roles[c] == "indicator"), [])
    first = ind_toks[0] if ind_toks else toks[0]
    (level1, level1_printed), (level2, level2_printed) = levels
    return {
        "level1": level1, "level2": level2, "level1_printed": level1_printed, "level2_printed": level2_printed,
        "indicator": name,
        "line_start": first.line,
        "line_end": max([t.last_line for t in toks if t.text] or [t.last_line for t in toks]),
        "page_start": first.page, "page_end": toks[-1].page, "address": first.cell.address,
        **{k: v for k, v in values.items() if k != "value"},
    }


def _spread(entries: Sequence[_Entry], schema: Sequence[Column]) -> tuple[list[dict], list[int]]:
    """The records of the entries, a row of per-area targets one per area; and each record's row."""
    area_columns = [c for c in schema if c.role == "area_value"]
    direction = any(c.role == "direction" for c in schema)
    out: list[dict] = []
    row_of: list[int] = []
    for e in entries:
        reasons = "; ".join(dict.fromkeys(e.reasons)) or None
        if not e.areas:
            recs = [dict(e.base, value=e.value, confidence=e.confidence, confidence_reasons=reasons)]
        else:
            level = lowest(e.confidence, "medium" if len(e.areas) == 1 else None)
            recs = [dict(e.base, value=v, area=area, confidence=level, confidence_reasons=reasons)
                    for area, v in _spread_areas(e.areas, area_columns, e.nature, direction)]
        out += recs
        row_of += [e.row] * len(recs)
    return out, row_of
