"""Read a list of projects whose indicators are packed into one cell as numbered, coded text.

Some budget systems print one row a project (项目名称 | 总计 | 财政拨款 | … | 绩效目标 | 绩效指标) and put
all of a project's indicators into the 绩效指标 cell, numbered, each with its coded levels and values::

    1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。2、…

(广州 2026 项目支出绩效目标表). Rows with no goal and no indicators are the 资金使用单位 groups the
projects below them belong to (or the 合计 row). The value is the 年度指标值; the 实施周期指标值 is the
long-term value. Levels keep their printed code (``11-数量指标``) as printed and are canonical without it.

Examples:
    >>> [(i["level1"], i["level2_printed"], i["indicator"], i["value"]) for i in packed_items(
    ...     "1、1-产出指标;11-数量指标;会议次数;实施周期指标值:每年≥20场;年度指标值:每年≥20场。"
    ...     "2、4 1 - 经 济 成本指标;41-经济成本指标;合规率;实施周期指标值:100%;年度指标值:≤100%。")]
    [('产出指标', '11-数量指标', '会议次数', '每年≥20场'), ('经济成本指标', '41-经济成本指标', '合规率', '≤100%')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Document, Row
from budgetkit.model.fields import read_metadata
from budgetkit.recognise.tables import Recognised
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.vocabulary import lookup, match_key, scan

__all__ = ["packed_items", "recognise_packed"]

_ITEM_RE = re.compile(r"(\d{1,3})\s*、")
_CODE_RE = re.compile(r"^\d+\s*-\s*")
_SPACE_RE = re.compile(r"\s+")


def _value_labels() -> dict[str, str]:
    """Labels of the values inside a packed item (``metadata/grid_words.csv``, kind ``packed_value``) → role."""
    return {r["word"]: r["role"] for r in read_metadata("grid_words") if r["kind"] == "packed_value"}


def _items(text: str) -> list[str]:
    """The numbered items of a packed cell (1、… 2、…), numbers in sequence only."""
    starts = []
    want = 1
    for m in _ITEM_RE.finditer(text):
        if int(m.group(1)) == want and (m.start() == 0 or text[m.start() - 1] in "。.;"):
            starts.append((m.start(), m.end()))
            want += 1
    return [text[a[1] : (b[0] if b else len(text))] for a, b in zip(starts, [*starts[1:], None], strict=True)]


def _level(printed: str) -> tuple[str, str]:
    """The canonical level and the printed one (white space inside removed)."""
    printed = _SPACE_RE.sub("", printed)
    m = lookup(_CODE_RE.sub("", printed))
    term = m.role("level1", "level2") if m is not None else None
    return (term.field if term is not None else printed), printed


def packed_items(text: str) -> list[dict]:
    """The indicators of one packed cell (see the module docstring)."""
    labels = _value_labels()
    out = []
    for item in _items(text):
        item = item.strip()
        item = item[:-1] if item.endswith(("。", ".")) else item  # the item's own end, once
        parts = [p.strip() for p in item.split(";")]
        values: dict[str, str] = {}
        rest: list[str] = []
        for p in parts:
            key = _SPACE_RE.sub("", p)
            label = next((lb for lb in labels if key.startswith(lb)), None)
            if label is not None:
                values[labels[label]] = key[len(label) :].lstrip(":")
            elif not values:
                rest.append(p)
        if len(rest) < 3 or not values.get("value"):
            continue
        (l1, p1), (l2, p2) = _level(rest[0]), _level(rest[1])
        out.append({"level1": l1, "level1_printed": p1, "level2": l2, "level2_printed": p2,
                    "indicator": ";".join(rest[2:]).strip(), **values})
    return out


def _header(row: Row) -> dict[str, int] | None:
    """Columns of a packed list's header row (name, total, goal, packed indicators), else ``None``."""
    cols: dict[str, int] = {}
    for c in row.cells:
        if not c.text or c.spanned or c.col is None:
            continue
        key = match_key(c.text)
        m = lookup(c.text)
        if key.startswith("项目名称"):
            cols.setdefault("name", c.col)
        elif m is not None and m.role("section") is not None:
            cols.setdefault("packed", c.col)
        elif m is not None and m.role("goal") is not None:
            cols.setdefault("goal", c.col)
        elif "name" in cols and "total" not in cols:
            cols["total"] = c.col  # the first amount after the name (总计)
    return cols if {"name", "packed"} <= set(cols) else None


def _department(rows: Sequence[Row]) -> str | None:
    """The department a text line above the list names (部门名称:…)."""
    for r in rows:
        for c in r.cells:
            m = re.match(r"^(\S+?)[:]\s*(\S+)", c.text or "")
            if m is not None and (t := lookup(m.group(1))) is not None and t.role("field") is not None \
                    and t.role("field").field == "department":
                return m.group(2)
    return None


def recognise_packed(doc: Document, src: str, year: int | None = None):
    """The projects of a packed list in ``doc`` as :class:`budgetkit.recognise.tables.Recognised`, else ``None``.

    Reading rule ``packed.numbered-items``: a list whose header names a packed 绩效指标 column.
    """
    packed = _Packed(src, year, Recognised(documents=[{"source_file": src}]))
    above: list[Row] = []
    for row in doc.rows:
        if row.grid is None:
            above.append(row)
        elif (found := _header(row)) is not None and rules.enabled("packed.numbered-items"):
            packed.open(row, found, above[-4:])
        elif packed.cols is not None:
            packed.read(row)
    if not packed.out.projects:
        return None
    for row in doc.rows:
        if id(row) not in packed.used:
            packed.out.unparsed += [_unparsed(c, src) for c in row.cells if c.text and not c.spanned]
    return packed.out


@dataclass
class _Packed:
    """A packed list being read: its columns, the department and unit the rows below belong to, what was read."""

    src: str
    year: int | None
    out: Recognised
    cols: dict[str, int] | None = None
    unit: str | None = None
    department: str | None = None
    used: set[int] = field(default_factory=set)

    def open(self, row: Row, cols: dict[str, int], above: Sequence[Row]) -> None:
        """A header row: the list's columns, and the department a line above it names."""
        self.cols, self.department = cols, _department(above) or self.department
        self.used.add(id(row))
        self.used.update(id(r) for r in above if scan(" ".join(c.text for c in r.cells), "title", "field"))

    def read(self, row: Row) -> None:
        """A row of the list: a project with its packed indicators, or the unit the projects below belong to."""
        cols = self.cols
        at = {c.col: c for c in row.cells if c.col is not None and not c.spanned}
        name = at.get(cols["name"])
        packed = at.get(cols["packed"])
        if name is None or not name.text:
            return
        self.used.add(id(row))
        if packed is None or not packed.text:
            self.unit = None if match_key(name.text).startswith(("合计", "总计")) else name.text
            return
        pid = f"{Path(self.src).stem}#{len(self.out.projects) + 1:02d}"
        project = self._project(pid, name, packed, at.get(cols.get("total", -1)), at.get(cols.get("goal", -1)))
        items = packed_items(packed.text)
        project["indicator_count"] = len(items)
        project["status"], project["status_reason"] = ("complete", None) if items else (
            "partial", "the packed indicator cell holds no item read")
        self.out.projects.append(project)
        for item in items:
            self.out.indicators.append({
                **item, "project_id": pid, "project": name.text, "implementing_unit": self.unit,
                "source_file": self.src, "line_start": packed.line, "line_end": packed.last_line,
                "page_start": packed.page, "page_end": packed.page, "address": packed.address,
                "confidence": "medium", "confidence_reasons": "indicator cut out of a packed cell by its numbering"})

    def _project(self, pid: str, name: Cell, packed: Cell, total: Cell | None, goal: Cell | None) -> dict:
        amount = parse_amount(total.text) if total is not None and total.text else None
        return {"project_id": pid, "year": self.year, "source_file": self.src, "kind": "project",
                "project": name.text, "department": self.department, "implementing_unit": self.unit,
                "total_wan": amount[0] * (amount[1] or 1.0) if amount else None,
                "total_basis": "printed" if amount else None, "goal": goal.text if goal is not None else None,
                "line_start": name.line, "line_end": packed.last_line, "page_start": name.page,
                "page_end": packed.page, "address": name.address, "indicator_columns": None}


def _unparsed(c: Cell, src: str) -> dict:
    return {"source_file": src, "line": c.line, "page": c.page, "project_id": None, "text": c.text,
            "reason": "outside any table", "address": c.address}
