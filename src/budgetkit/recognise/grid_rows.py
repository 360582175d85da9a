"""Row composition on a grid: the text of each column role in a row, its level labels, its value put in order.

Cells of one role compose in column order (a comparator, a number and a unit printed in three cells make one
value); level labels are canonical with their printed form kept; labels printed glued before a name, or at
the middle of their block, are laid out; a value whose unit pieces print before its number is reordered.

Examples:
    >>> split_levels("产出指标数量指标户数")
    ('产出指标', '数量指标', '户数')
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.model.cells import Cell, Row
from budgetkit.model.fields import read_metadata
from budgetkit.recognise.grid_columns import _COMPARATOR_RE, _VALUE_ROLES, _words
from budgetkit.segment.enumerated import is_row_number
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import load_units
from budgetkit.vocab.vocabulary import lookup, match_key

logger = logging.getLogger(__name__)


def _compose_row(row: Row, roles: dict[int, str]) -> tuple[dict[str, str], list[Cell], list[Cell]]:
    """The text of each role in ``row`` (cells of a role joined in column order), the cells read, the cells not.

    A merged cell's copies in the columns it spans read once; a 定性/定量 cell among the value's
    cells is the value's type, not part of it.
    """
    parts: dict[str, list[str]] = {}
    read: list[Cell] = []
    other: list[Cell] = []
    names = sum(1 for c in row.cells if c.text and not c.spanned and roles.get(c.col) == "indicator")
    for c, role in _cells_once(row, roles):
        if role == "indicator" and names > 1 and is_row_number(c.text):
            read.append(c)  # the row's goal number (目标1) in a column under the name's header: not the name's
        elif role is None:
            other.append(c)
        elif role != "section" and not role.startswith(("field:", "goal:")):
            parts.setdefault(_value_cell_role(c.text, role), []).append(c.text)
            read.append(c)
    return {role: "".join(p) for role, p in parts.items()}, read, other


def _cells_once(row: Row, roles: dict[int, str]) -> list[tuple[Cell, str | None]]:
    """``row``'s cells with text and their column's role, in column order, a merged cell's copies once."""
    out = []
    prev: Cell | None = None
    for c in sorted(row.cells, key=lambda c: c.col if c.col is not None else 0):
        role = roles.get(c.col) if c.col is not None else None
        same_span = prev is not None and c.spanned and prev.text == c.text and roles.get(prev.col) == role
        prev = c
        if c.text and not same_span:
            out.append((c, role))
    return out


def _value_cell_role(text: str, role: str) -> str:
    """The role of a cell in ``role``'s column: a 定性/定量 cell among the value's is its type.

    A comparator in the 指标值类型 column is the value's comparator.
    """
    if role in _VALUE_ROLES and match_key(text) in _words("qualitative") and rules.enabled("grid.value-type-cell"):
        return "value_type"
    if role == "value_type" and _COMPARATOR_RE.match(text) and rules.enabled("grid.comparator-in-type-column"):
        return "nature"  # the 指标值类型 column prints the comparator (＝, ≤)
    return role


def _level(text: str | None, role: str) -> tuple[str | None, str | None]:
    """The canonical and printed level label of a level cell.

    Reading rule ``grid.short-level-words``: a level-2 cell printing a short word (数量) is its level (数量指标).
    """
    if not text:
        return None, None
    m = lookup(text)
    term = (m.role(role) or m.role("level1", "level2")) if m is not None else None
    if term is None and role == "level2":
        short = {r["word"]: r["role"] for r in read_metadata("grid_words") if r["kind"] == "short_level"}
        if match_key(text) in short and rules.enabled("grid.short-level-words"):  # 数量 for 数量指标
            return short[match_key(text)], text
        return text, text
    return (term.field if term is not None else text), text


def split_levels(text: str) -> tuple[str | None, str | None, str]:
    """Level labels printed glued before a name in one cell: ``(level1, level2, name)``.

    Examples:
        >>> split_levels("产出指标数量指标协调推进本市城市轨道交通建设线路数量")
        ('产出指标', '数量指标', '协调推进本市城市轨道交通建设线路数量')
        >>> split_levels("满意度")
        (None, None, '满意度')
    """
    found: dict[str, str] = {}
    rest = text
    for _ in range(2):
        for n in range(min(12, len(rest) - 1), 1, -1):
            m = lookup(rest[:n])
            term = m.role("level1", "level2") if m is not None and not m.reasons else None
            if term is not None and term.role not in found:
                found[term.role] = rest[:n]
                rest = rest[n:]
                break
        else:
            break
    return found.get("level1"), found.get("level2"), rest


def _column_text(row: Row, roles: dict[int, str], role: str) -> tuple[str, bool]:
    """The text of ``role``'s cells in ``row``, and whether one of them is a merged cell's copy."""
    cells = [c for c in row.cells if c.col is not None and roles.get(c.col) == role and c.text]
    return "".join(dict.fromkeys(c.text for c in cells)), any(c.spanned or c.rowspan > 1 for c in cells)


def _is_label(text: str, role: str) -> bool:
    m = lookup(text)
    return m is not None and m.role(role, "level1", "level2") is not None


def centred_levels(texts: Sequence[str]) -> list[str] | None:
    """The level label of each row where a grid prints each label at the middle of its block, else ``None``.

    Where a level column's cells are not merged, a label sits on the middle row of its
    block (an even block: on the lower of the two middle rows), and a label wrapped over
    two rows (``成本`` / ``指标``) sits around the rule between them. The blocks follow one
    another from the section's first row to its last; of the layouts that fit, an even block
    is tried first. ``None`` where no layout fits, or the column needs none (its first row
    prints a whole label and no label is wrapped).

    Examples:
        >>> laid = centred_levels(["成本", "指标", "", "", "产出指标", "", "", "效益指", "标", "满意度指标"])
        >>> [(t, laid.count(t)) for t in dict.fromkeys(laid)]
        [('成本指标', 2), ('产出指标', 5), ('效益指标', 2), ('满意度指标', 1)]
        >>> centred_levels(["", "数量指标", "", "质量指标", "时效指标"])
        ['数量指标', '数量指标', '质量指标', '质量指标', '时效指标']
        >>> centred_levels(["产出指标", "", "效益指标"]) is None
        True
    """
    n = len(texts)
    labels: list[tuple[int, int, str]] = []  # first row, last row, text
    k = 0
    wrapped = False
    while k < n:
        t = texts[k]
        if not t:
            k += 1
            continue
        if k + 1 < n and texts[k + 1] and not _is_label(texts[k + 1], "level1") \
                and _is_label(t + texts[k + 1], "level1"):
            labels.append((k, k + 1, t + texts[k + 1]))
            wrapped = True
            k += 2
            continue
        labels.append((k, k, t))
        k += 1
    if not labels or (not wrapped and texts[0]):
        return None

    def lay(i: int, start: int) -> list[int] | None:
        if i == len(labels):
            return [] if start == n else None
        a, b, _ = labels[i]
        nxt = labels[i + 1][0] if i + 1 < len(labels) else n
        centres = [a + 0.5] if b > a else [a - 0.5, float(a)]
        for c in centres:
            end = 2 * c - start
            if c < start or end != int(end) or end < b or end >= nxt:
                continue
            rest = lay(i + 1, int(end) + 1)
            if rest is not None:
                return [int(end), *rest]
        return None

    ends = lay(0, 0)
    if ends is None:
        return None
    out: list[str] = []
    for (_, _, text), end in zip(labels, ends, strict=True):
        out += [text] * (end + 1 - len(out))
    return out


_TARGET_RE = re.compile(r"(?:>=|<=|[≥≤><=≧≦])?\d+(?:\.\d+)?%?")
#: Why a value is not read in the order its cell gives.
REORDERED = "unit extracted before its number (set in a raised font) put after it"


def _is_unit(text: str) -> bool:
    units = load_units()
    return bool(text) and all(part in units for part in text.split("/"))


def reordered_value(text: str) -> str | None:
    """The value a cell gives out of order, its unit's pieces first (a raised font): else ``None``.

    Examples:
        >>> reordered_value("吨≥1000"), reordered_value("平≤5137.26方米"), reordered_value("小时 日=24 /")
        ('≥1000吨', '≤5137.26平方米', '=24小时/日')
        >>> reordered_value("≥1000吨") is None, reordered_value("每年2次") is None
        (True, True)
    """
    found = list(_TARGET_RE.finditer(text))
    if len(found) != 1 or found[0].start() == 0:
        return None
    m = found[0]
    pieces = [p for p in re.split(r"\s+", text[: m.start()] + " " + text[m.end():]) if p]
    if not pieces or len(pieces) > 4:
        return None
    for perm in itertools.permutations(pieces):
        if _is_unit("".join(perm)):
            return m.group(0) + "".join(perm)
    return None


def _placeholder_row(name: str, value: str | None) -> bool:
    words = _words("placeholder")
    return match_key(name) in words or is_placeholder(name, "name") or (
        value is not None and match_key(value) in words and not name)
