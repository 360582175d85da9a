"""Section records: the indicator records of a grid section's rows, and the cells not read with why.

Level labels carry down over merged and blank cells; rows of labels only, placeholder rows (不适用) and rows
without a value go to ``unparsed``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Row
from budgetkit.recognise.compose import _compose
from budgetkit.recognise.grid_rows import (
    REORDERED,
    _column_text,
    _compose_row,
    _level,
    _placeholder_row,
    centred_levels,
    reordered_value,
    split_levels,
)

logger = logging.getLogger(__name__)


#: Why a row's level label is not the one printed in its row.
CENTRED = "level label read as printed at the middle of its block"
#: Why the cells of a row with level labels only are reported (an empty level-2 slot of the template).
LEVEL_ONLY = "level label without an indicator row"
#: Why the cells of a row without a level-3 name are reported.
NO_NAME = "cell of a row without a level-3 indicator name"


def section_records(rows: Sequence[Row], roles: dict[int, str], pid: str) -> tuple[list[dict], list[tuple]]:
    """Indicator records of an indicator section's rows, and ``(cell, reason)`` of the cells not read.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> rows = [Row([Cell(t, n, col=k) for k, t in enumerate(r)], hard=True, grid=0) for n, r in enumerate(
        ...     [["产出指标", "数量指标", "发表论文(篇)", "≥", "150", "篇"], ["", "质量指标", "", "", "", ""],
        ...      ["", "时效指标", "完成时间", "定性", "按时", ""]], 1)]
        >>> roles = {0: "level1", 1: "level2", 2: "indicator", 3: "value", 4: "value", 5: "value"}
        >>> recs, left = section_records(rows, roles, "x#01")
        >>> [(r["level2"], r["indicator"], r["value"], r.get("value_type")) for r in recs]
        [('数量指标', '发表论文(篇)', '≥150篇', None), ('时效指标', '完成时间', '按时', '定性')]
        >>> [(c.text, why) for c, why in left]
        [('质量指标', 'level label without an indicator row')]
    """
    section = _Section(roles, glued_ok=bool({"level1", "level2"} & set(roles.values())),
                       centred=_centred(rows, roles))
    for row in rows:
        if row.grid is None:
            section.left += [(c, "outside the table, between its pages") for c in row.cells if c.text]
            continue
        section.read(row)
    _backfill_leading(section.out)
    return section.out, section.left


Level = tuple[str | None, str | None]


@dataclass
class _Section:
    """What reading a section's rows in order carries from row to row: the levels above, the records, the rest."""

    roles: dict[int, str]
    glued_ok: bool  # levels in columns of their own: a name is never cut for levels glued before it
    centred: dict[str, dict[int, str]]  # role → id(row) → the label laid over the row's block
    level1: Level = (None, None)
    level2: Level = (None, None)
    out: list[dict] = field(default_factory=list)
    left: list[tuple] = field(default_factory=list)

    def read(self, row: Row) -> None:
        """Read one grid row: a record, or its cells reported."""
        reasons: list[str] = []
        by_role, read, other = _compose_row(row, self.roles)
        self._lay_centred(row, by_role, reasons)
        self._take_levels(by_role)
        name = self._unglue(by_role.get("indicator"))
        values = _compose(by_role, [self.roles[k] for k in sorted(self.roles)])
        _reorder(values, reasons)
        value = values.get("value") or values.get("value_actual")
        skipped = _skipped(name, value, read, other, self.roles)
        if skipped is not None:
            self.left += skipped
            return
        self.out.append(self._record(name, value, values, by_role, read, other, reasons))

    def _lay_centred(self, row: Row, by_role: dict[str, str], reasons: list[str]) -> None:
        for role, laid in self.centred.items():
            if by_role.get(role) != laid[id(row)]:
                by_role[role] = laid[id(row)]
                reasons.append(CENTRED)

    def _take_levels(self, by_role: dict[str, str]) -> None:
        if by_role.get("level1"):
            new = _level(by_role["level1"], "level1")
            if new[0] != self.level1[0]:
                self.level2 = (None, None)
            self.level1 = new
        if by_role.get("level2"):
            self.level2 = _level(by_role["level2"], "level2")

    def _unglue(self, name: str | None) -> str | None:
        """``name`` without the level labels printed glued before it, which become the row's levels."""
        if not name or self.glued_ok:
            return name
        l1, l2, rest = split_levels(name)
        if not (l1 or l2) or not rules.enabled("grid.levels-glued-to-name"):
            return name
        if l1:
            self.level1, self.level2 = _level(l1, "level1"), (None, None)
        if l2:
            self.level2 = _level(l2, "level2")
        return rest

    def _record(self, name: str, value: str, values: dict[str, str], by_role: dict[str, str], read: list[Cell],
                other: list[Cell], reasons_row: list[str]) -> dict:
        roles = self.roles
        cells = [c for c in read if roles.get(c.col) not in ("level1", "level2")] or read
        first = next((c for c in cells if roles.get(c.col) == "indicator"), cells[0])
        reasons = [r for c in cells for r in c.reasons] + reasons_row
        if other:
            reasons.append("cells in no column of the header: " + " ".join(c.text for c in other if not c.spanned))
        rec = {
            "level1": self.level1[0], "level2": self.level2[0],
            "level1_printed": self.level1[1], "level2_printed": self.level2[1],
            "indicator": name, "value": value,
            "line_start": first.line, "line_end": max(c.last_line for c in cells),
            "page_start": first.page, "page_end": cells[-1].page, "address": first.address,
            **{k: v for k, v in values.items() if k not in ("value",)},
            "confidence": "medium" if reasons else "high",
            "confidence_reasons": "; ".join(dict.fromkeys(reasons)) or None,
        }
        if rec.get("value_actual") == value and "value_actual" in by_role and "value" not in by_role:
            rec.pop("value_actual")
        return rec


def _centred(rows: Sequence[Row], roles: dict[int, str]) -> dict[str, dict[int, str]]:
    """The level labels laid over their blocks (:func:`centred_levels`) of each level column with no merged cell."""
    grid_rows = [r for r in rows if r.grid is not None]
    centred: dict[str, dict[int, str]] = {}
    for role in ("level1", "level2"):
        cols = [_column_text(r, roles, role) for r in grid_rows]
        if role in roles.values() and not any(merged for _, merged in cols):
            laid = centred_levels([t for t, _ in cols])
            if laid is not None and rules.enabled("grid.centred-levels"):
                centred[role] = {id(r): t for r, t in zip(grid_rows, laid, strict=True)}
    return centred


def _reorder(values: dict[str, str], reasons: list[str]) -> None:
    """Values whose unit pieces print before the number put in order (:func:`reordered_value`), in place."""
    for key in ("value", "value_actual", "value_long_term"):
        if values.get(key) and (fixed := reordered_value(values[key])) is not None \
                and rules.enabled("grid.reordered-value"):
            values[key] = fixed
            reasons.append(REORDERED)


def _skipped(name: str | None, value: str | None, read: list[Cell], other: list[Cell],
             roles: dict[int, str]) -> list[tuple] | None:
    """``(cell, reason)`` of a row that gives no record (no name, a placeholder, no value), else ``None``."""
    if not name:
        only_levels = all(roles.get(c.col) in ("level1", "level2", "section") for c in read if not c.spanned)
        reason = LEVEL_ONLY if only_levels else NO_NAME
        return [(c, reason) for c in read + other if not c.spanned]
    if _placeholder_row(name, value) and rules.enabled("grid.placeholder-row"):
        return [(c, "template placeholder row (不适用)") for c in read if not c.spanned]
    if not value:
        return [(c, "level-3 indicator without a value") for c in read if not c.spanned]
    return None


def _backfill_leading(records: list[dict]) -> None:
    """Rows at the top of a section with blank level cells take the first labels below them.

    A merged level cell the reader split late leaves its first rows blank; no block is empty at the top.
    """
    for key in ("level1", "level2"):
        first = next((r for r in records if r[key] is not None), None)
        if first is None:
            continue
        for r in records:
            if r[key] is not None or not rules.enabled("grid.backfill-leading"):
                break
            if key == "level2" and r["level1"] not in (None, first["level1"]):
                break
            r[key], r[f"{key}_printed"] = first[key], first[f"{key}_printed"]
            reason = "blank level cell at the top of the section: the first label below is read"
            r["confidence"] = "medium"
            r["confidence_reasons"] = "; ".join(filter(None, [r["confidence_reasons"], reason]))
