"""A row's target as the reader sees it: comparator, number and unit, from the cells they were printed in.

A target may be printed in pieces: its comparator in a 指标性质 cell of its own (``≥ | 150``), a direction word
under 指标方向 (正向/反向), its unit under 度量单位 (``150 | 篇``). :func:`_compose` joins them again; the signs it
knows are :data:`_COMPARATORS`.

Examples:
    >>> _compose({"indicator": "培训人数", "nature": "≥", "value": "150", "measure_unit": "人"})
    {'nature': '≥', 'value': '≥150人', 'measure_unit': '人'}
    >>> _compose({"indicator": "完成率", "value": "≥90%", "measure_unit": "%"})
    {'value': '≥90%', 'measure_unit': '%'}
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.recognise.selfeval import comparator_of, unit_joins

__all__: list[str] = []

#: The comparators a target may open with, as printed.
_COMPARATORS = ("≥", "≤", ">", "<", "=", "≈", ">=", "<=", "≧", "≦", "═")
_COMPARATOR_ONLY_RE = re.compile(r"^(?:[≥≤><=≧≦≈═]|>=|<=)$")  # ═ (box drawing) is printed for = (云南)
#: A number with its comparator, as a target prints it (>=95, ≥3.5).
_NUMBER_TARGET = r"(?:>=|<=|[≥≤><=≧≦═])?\d+(?:\.\d+)?"
_VALUE_TOKEN_RE = re.compile(_NUMBER_TARGET + "%?")
#: The roles of a row that are no value of it.
_NOT_VALUES = ("level1", "level2", "indicator", "section", "level2_lt")
#: The values a comparator or a unit printed apart may join.
_TARGETS = ("value", "value_long_term", "value_actual")


def _compose(by_role: dict[str, str], order: Sequence[str] = ()) -> dict[str, str]:
    """Values as the reader sees them: comparator, number, unit (a unit already there is not doubled).

    ``order`` (the row's column roles, left to right) says which values a unit cell joins (see
    :func:`budgetkit.recognise.selfeval.unit_joins`); a comparator printed under 指标方向 opens the target.
    """
    out = {k: v for k, v in by_role.items() if k not in _NOT_VALUES}
    nature = out.get("nature")
    unit = out.pop("measure_unit", None)
    joins = unit_joins(order) if order else frozenset(_TARGETS)
    for key in _TARGETS:
        if out.get(key):
            out[key] = _with_unit(_with_comparator(key, out[key], nature, by_role), unit if key in joins else None)
    if unit:
        out["measure_unit"] = unit
    if "indicator_lt" in out:
        out["indicator_long_term"] = out.pop("indicator_lt")
    return out


def _with_comparator(key: str, v: str, nature: str | None, by_role: dict[str, str]) -> str:
    """``v`` opened by the comparator printed apart: a 指标性质 sign, else (the target) a direction word.

    Reading rules ``value.compose-comparator-cell``, ``value.compose-direction-word``.
    """
    if key == "value_actual":  # what happened has no comparator: 指标性质 is the target's
        return v
    if nature and _COMPARATOR_ONLY_RE.match(nature) and not v.startswith(_COMPARATORS) \
            and rules.enabled("value.compose-comparator-cell"):
        return nature + v
    if key == "value" and (word := comparator_of(by_role)) and not v.startswith(_COMPARATORS) \
            and rules.enabled("value.compose-direction-word"):
        return word + v
    return v


def _with_unit(v: str, unit: str | None) -> str:
    """``v`` closed by the unit printed in its own cell, where it ends on a digit and not on the unit.

    Reading rule ``value.compose-unit-cell``.
    """
    if unit and v[-1].isdigit() and not v.endswith(unit) and rules.enabled("value.compose-unit-cell"):
        return v + unit
    return v
