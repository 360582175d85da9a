"""Section records: the indicator records of a grid section's rows, and the cells not read with why.

Level labels carry down over merged and blank cells; rows of labels only, placeholder rows (不适用) and rows
without a value go to ``unparsed``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.model.cells import Row
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
from budgetkit.recognise.tables import _compose

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
    out: list[dict] = []
    left: list[tuple] = []
    level1: tuple[str | None, str | None] = (None, None)
    level2: tuple[str | None, str | None] = (None, None)
    glued_ok = bool({"level1", "level2"} & set(roles.values()))  # levels in columns of their own
    grid_rows = [r for r in rows if r.grid is not None]
    centred: dict[str, dict[int, str]] = {}
    for role in ("level1", "level2"):
        cols = [_column_text(r, roles, role) for r in grid_rows]
        if role in roles.values() and not any(merged for _, merged in cols):
            laid = centred_levels([t for t, _ in cols])
            if laid is not None and rules.enabled("grid.centred-levels"):
                centred[role] = {id(r): t for r, t in zip(grid_rows, laid, strict=True)}
    for row in rows:
        if row.grid is None:
            left += [(c, "outside the table, between its pages") for c in row.cells if c.text]
            continue
        reasons_row: list[str] = []
        by_role, read, other = _compose_row(row, roles)
        for role, laid in centred.items():
            if by_role.get(role) != laid[id(row)]:
                by_role[role] = laid[id(row)]
                reasons_row.append(CENTRED)
        if by_role.get("level1"):
            new = _level(by_role["level1"], "level1")
            if new[0] != level1[0]:
                level2 = (None, None)
            level1 = new
        if by_role.get("level2"):
            level2 = _level(by_role["level2"], "level2")
        name = by_role.get("indicator")
        if name and not glued_ok:
            l1, l2, rest = split_levels(name)
            if (l1 or l2) and rules.enabled("grid.levels-glued-to-name"):
                name = rest
                if l1:
                    level1, level2 = _level(l1, "level1"), (None, None)
                if l2:
                    level2 = _level(l2, "level2")
        values = _compose(by_role, [roles[k] for k in sorted(roles)])
        for key in ("value", "value_actual", "value_long_term"):
            if values.get(key) and (fixed := reordered_value(values[key])) is not None \
                    and rules.enabled("grid.reordered-value"):
                values[key] = fixed
                reasons_row.append(REORDERED)
        value = values.get("value") or values.get("value_actual")
        if not name:
            cells = [c for c in read + other if not c.spanned]
            only_levels = all(roles.get(c.col) in ("level1", "level2", "section") for c in read if not c.spanned)
            reason = LEVEL_ONLY if only_levels else NO_NAME
            left += [(c, reason) for c in cells]
            continue
        if _placeholder_row(name, value) and rules.enabled("grid.placeholder-row"):
            left += [(c, "template placeholder row (不适用)") for c in read if not c.spanned]
            continue
        if not value:
            left += [(c, "level-3 indicator without a value") for c in read if not c.spanned]
            continue
        cells = [c for c in read if roles.get(c.col) not in ("level1", "level2")] or read
        first = next((c for c in cells if roles.get(c.col) == "indicator"), cells[0])
        reasons = [r for c in cells for r in c.reasons] + reasons_row
        if other:
            reasons.append("cells in no column of the header: " + " ".join(c.text for c in other if not c.spanned))
        rec = {
            "level1": level1[0], "level2": level2[0], "level1_printed": level1[1], "level2_printed": level2[1],
            "indicator": name, "value": value,
            "line_start": first.line, "line_end": max(c.last_line for c in cells),
            "page_start": first.page, "page_end": cells[-1].page, "address": first.address,
            **{k: v for k, v in values.items() if k not in ("value",)},
            "confidence": "medium" if reasons else "high",
            "confidence_reasons": "; ".join(dict.fromkeys(reasons)) or None,
        }
        if rec.get("value_actual") == value and "value_actual" in by_role and "value" not in by_role:
            rec.pop("value_actual")
        out.append(rec)
    _backfill_leading(out)
    return out, left


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
