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
from collections.abc import Sequence

from budgetkit.recognise.align_shapes import COMPARATOR_RE  # a comparator alone in a cell, symbol or words

__all__ = ["VALUE_ROLES", "comparator_of", "unit_joins"]

logger = logging.getLogger(__name__)

#: The columns a unit cell may belong to.
VALUE_ROLES = ("value", "value_long_term", "value_actual")



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
    return text if COMPARATOR_RE.match(text) else None

