"""Entry rows of a column-header table: ``code | name | amount`` under a project column.

Some budget systems (the Hunan export: 单位代码 | 单位(专项)名称 | 资金总额 | 实施期绩效目标 | 绩效指标 …) print the
project's name label as the head of a column, not beside its value. The rows under that header open with
a unit's row (its code, its name, its total) and then the project's row (code, name, amount), before the
project's indicator rows. On a page flattened to text each such row is one line, its cells run together
(``505006州民族特殊教育学校30.00``).

The project is the last entry row before the indicators; an entry row before it is the unit's
(``implementing_unit``). Reading rule ``header.entry-rows`` (``metadata/reading_rules.csv``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from budgetkit.model import rules
from budgetkit.segment.tokens import Tok
from budgetkit.vocab.amounts import parse_amount

logger = logging.getLogger(__name__)

#: An entry row: a code of digits, a name that does not start with one, an amount closing the row.
_ENTRY_RE = re.compile(r"^\s*(?P<code>\d{4,})\s*(?P<name>[^\d\s].*?)\s*(?P<amount>\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Entry:
    """One entry row: its code, name and amount as printed, and its token."""

    code: str
    name: str
    amount: str
    tok: Tok


def entry_of(text: str) -> tuple[str, str, str] | None:
    """``(code, name, amount)`` of an entry row printed run together, else ``None``.

    Examples:
        >>> entry_of("505006州民族特殊教育学校30.00")
        ('505006', '州民族特殊教育学校', '30.00')
        >>> entry_of("505006  学生伙食费30.00")
        ('505006', '学生伙食费', '30.00')
        >>> entry_of("补助学生数量168"), entry_of("2023年12月31日")
        (None, None)
    """
    m = _ENTRY_RE.match(text)
    if m is None or parse_amount(m["amount"]) is None:
        return None
    return m["code"], m["name"], m["amount"]


def take_entry_rows(body: Sequence[Tok]) -> tuple[list[Entry], list[Tok]]:
    """The entry rows opening ``body`` (before its first vocabulary term), and the rest of the body.

    Only whole rows (tokens that open their line) count; the scan stops at the first token that is not one.
    """
    entries: list[Entry] = []
    k = 0
    while k < len(body):
        tok = body[k]
        if not tok.text:
            k += 1
            continue
        found = entry_of(tok.text) if tok.match is None and not tok.inferred else None
        if found is None:
            break
        entries.append(Entry(*found, tok))
        k += 1
    if not entries or not rules.enabled("header.entry-rows"):
        return [], list(body)
    return entries, list(body[k:])


def apply_entries(entries: Sequence[Entry], rec: dict, scale: float | None) -> None:
    """Fill the project's name, amount and unit from its entry rows (the last is the project's).

    The amount is in the table's unit (``scale`` to 万元; 万元 when the page prints none).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> rows = [Entry("505006", "某特殊教育学校", "30.00", Tok("", (Cell("", 1),), 2)),
        ...         Entry("505006", "学生伙食费", "30.00", Tok("", (Cell("", 2),), 2))]
        >>> rec = {}
        >>> apply_entries(rows, rec, None)
        >>> rec["project"], rec["implementing_unit"], rec["annual_total_wan"]
        ('学生伙食费', '某特殊教育学校', 30.0)
    """
    if not entries:
        return
    project = entries[-1]
    if not (rec.get("project") or "").strip():
        rec["project"] = project.name
    amount = parse_amount(project.amount)
    if amount is not None and rec.get("annual_total_wan") is None and rec.get("total_wan") is None:
        factor = amount[1] if amount[1] is not None else (scale if scale is not None else 1.0)
        rec["annual_total_wan"] = round(amount[0] * factor, 6)
    if len(entries) > 1 and not rec.get("implementing_unit"):
        rec["implementing_unit"] = entries[-2].name
    logger.debug("entry rows %s: project %s", [e.code for e in entries], project.name)
