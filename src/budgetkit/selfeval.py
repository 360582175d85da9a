"""Columns of self-evaluation tables (自评表) composed into a target and an actual value.

A 自评表 prints, beside the target (年度指标值), the actual (实际完成值), and often the target's comparator and
unit in cells of their own, in an order that varies by publisher:

* ``指标性质 | 指标值 | 度量单位 | 实际完成值`` (云南): the unit is printed beside the target, so it is the target's
  (``≧`` ``735`` ``人次`` → ``≧735人次``);
* ``指标性质 | 指标方向 | 年度指标值 | 实际完成值 | 计量单位`` (内蒙古): 指标性质 says 正向 and 指标方向 holds the
  comparator in words (``大于等于``); the unit is printed after the actual, beside it, so it joins neither the
  target nor, by itself, the actual (the reader keeps it in ``measure_unit``): ``大于等于1``.

The rule: a unit cell printed beside the actual alone is the actual's; any other joins every value (targets and
actual); a comparator printed in the direction column opens the target as printed.

Examples:
    >>> sorted(unit_joins(["indicator", "nature", "value", "measure_unit", "value_actual"]))
    ['value', 'value_actual', 'value_long_term']
    >>> sorted(unit_joins(["indicator", "nature", "direction", "value", "value_actual", "measure_unit"]))
    ['value_actual']
    >>> sorted(unit_joins(["indicator", "measure_unit", "value", "value_long_term"]))
    ['value', 'value_actual', 'value_long_term']
    >>> comparator_of({"nature": "正向", "direction": "大于等于"})
    '大于等于'
    >>> comparator_of({"nature": "正向", "direction": "正向"}) is None
    True
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

__all__ = ["VALUE_ROLES", "comparator_of", "two_row_header", "unit_joins"]

logger = logging.getLogger(__name__)

#: The columns a unit cell may belong to.
VALUE_ROLES = ("value", "value_long_term", "value_actual")

#: A comparator printed alone in a cell, as a symbol or in words (大于等于, 不低于 …).
_COMPARATOR_CELL_RE = re.compile(
    r"^(?:[≥≤><=≧≦≈═]|>=|<=|大于等于|小于等于|大于|小于|不低于|不少于|不高于|不超过|不大于|不小于|等于)$")


def unit_joins(order: Sequence[str]) -> frozenset[str]:
    """The value columns a unit cell (``measure_unit``) joins, from the order of the row's column roles.

    A unit printed after the actual and beside no target (a comparator column does not part cells) is the
    actual's; any other unit cell is every value's, the targets' and the actual's.
    """
    roles = [r for r in order if r not in ("nature", "direction")]
    if "measure_unit" not in roles:
        return frozenset(VALUE_ROLES)
    at = roles.index("measure_unit")
    beside = {roles[i] for i in (at - 1, at + 1) if 0 <= i < len(roles)} & set(VALUE_ROLES)
    return frozenset({"value_actual"}) if beside == {"value_actual"} else frozenset(VALUE_ROLES)


def comparator_of(by_role: dict[str, str]) -> str | None:
    """The comparator a 指标方向 (direction) cell prints, in words or a symbol; ``None`` for 正向/反向 or none."""
    text = (by_role.get("direction") or "").strip()
    return text if _COMPARATOR_CELL_RE.match(text) else None


#: The columns that open the second row of a two-row indicator header (under 绩效指标).
_LEVEL_COLUMNS = ("level1", "level2", "indicator")


def two_row_header(cols: list[tuple]) -> list[tuple] | None:
    """The columns of a two-row header flattened into one run, in the order the rows' cells stand.

    A 自评表 prints ``绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分`` over ``一级指标 | 二级指标 | 三级指标 |
    指标性质 | 指标值 | 度量单位``: 年度指标值 spans the sub-columns of the second row. Flattened (云南 公开14表),
    the level columns come after the first row's; the second row's cells take the group label's place and the
    first row's cells after the group follow them. ``cols`` are ``(role, printed, area)``; ``None`` where
    the run is not such a header.

    Examples:
        >>> run = ["value", "value_actual", "score", "score_got", "reason", "level1", "level2", "indicator",
        ...        "nature", "value", "measure_unit"]
        >>> [r for r, *_ in two_row_header([(r, r, None) for r in run])]
        ['level1', 'level2', 'indicator', 'nature', 'value', 'measure_unit', 'value_actual', 'score', 'score_got', \
'reason']
        >>> two_row_header([(r, r, None) for r in ["level1", "level2", "indicator", "value", "value_actual"]]) is None
        True
    """
    roles = [c[0] for c in cols]
    k = next((i for i, r in enumerate(roles) if r in _LEVEL_COLUMNS), None)
    if not k or roles.count("value") != 2 or "value" not in roles[:k] or "value" not in roles[k:]:
        return None
    if any(r in _LEVEL_COLUMNS for r in roles[:k]):
        return None
    group = roles.index("value")
    return [*cols[k:], *cols[group + 1 : k]]
