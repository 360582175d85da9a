"""Quantities and units printed inside an indicator's name rather than in its value.

Tables often put the unit in the name and a bare number in the value (``开展培训(次)`` | ``4``,
``提交审计报告和信息(篇)`` | ``≥150``), or print the quantity in the name and the unit cost in the value
(``防疫室84平米`` | ``≥1050元``, ``饲料库120平米`` | ``490元/平米``). The units are those of
``metadata/units.csv``; durations (年, 月, 天 …) are never read from a name, so ``2025年监测费用`` holds no
quantity.

Examples:
    >>> unit_from_name("提交审计报告和信息(篇)")
    '篇'
    >>> quantity_in_name("防疫室84平米")
    (84.0, '平米')
    >>> quantity_in_name("2025年监测费用") is None
    True
    >>> v = value_with_name_unit("开展培训(次)", "4")
    >>> (v.kind, v.num, v.unit)
    ('count', 4.0, '次')
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

from budgetkit.model.normalize import normalize_text
from budgetkit.vocab.units import load_units
from budgetkit.vocab.values import IndicatorValue, parse_indicator_value

__all__ = ["quantity_in_name", "unit_from_name", "value_unit_first", "value_with_name_unit"]

logger = logging.getLogger(__name__)

_TRAILING_BRACKET = re.compile(r"[(（]([^()（）]{1,8})[)）]\s*$")
_HAS_UNIT = re.compile(r"[^\d.,\s≥≤<>=＝≧≦%％约大于小于不低高少多超过以上下]")


@cache
def _count_units() -> tuple[str, ...]:
    """Count units, durations among them, longest first (``12个月`` is a duration, never ``12个``)."""
    units = load_units()
    found = [u for u, row in units.items() if row["kind"] == "count"]
    return tuple(sorted(found, key=len, reverse=True))


@cache
def _durations() -> frozenset[str]:
    return frozenset(u for u, row in load_units().items() if row.get("time"))


@cache
def _quantity_re() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(u) for u in _count_units())
    return re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*({alternatives})")


@lru_cache(maxsize=1 << 14)
def unit_from_name(name: str) -> str:
    """The unit a name prints in its closing brackets (``开展培训(次)`` → ``次``), or ``""``.

    The bracket must hold a unit of ``metadata/units.csv`` or a rate of two of them (``(元/人)``); other
    brackets (``(目标)``, ``(参保率)``) are words, not units.

    Examples:
        >>> unit_from_name("人均补助(元/人)"), unit_from_name("养殖动物成活率(目标)"), unit_from_name("培训（场）")
        ('元/人', '', '场')
    """
    m = _TRAILING_BRACKET.search(normalize_text(name or ""))
    if not m:
        return ""
    inside = m[1].strip()
    units = load_units()
    parts = re.split(r"[/*·×]", inside)
    return inside if parts and all(p in units for p in parts) else ""


@lru_cache(maxsize=1 << 14)
def quantity_in_name(name: str) -> tuple[float, str] | None:
    """The last quantity a name prints (``防疫室84平米`` → ``(84.0, '平米')``), durations left out.

    Examples:
        >>> quantity_in_name("标准化棚圈360平米"), quantity_in_name("会议召开天数")
        ((360.0, '平米'), None)
        >>> quantity_in_name("围墙300米")
        (300.0, '米')
    """
    text = normalize_text(name or "")
    # durations are matched (so 12个月 is not read as 12个) and then left out
    found = [m for m in _quantity_re().finditer(text) if m[2] not in _durations()]
    if not found:
        return None
    m = found[-1]
    return float(m[1]), m[2]


def value_with_name_unit(name: str, value: str) -> IndicatorValue | None:
    """``value`` read again with the unit its name prints, when the value has a number and no unit.

    Returns ``None`` when the name prints no unit or the value has its own.

    Examples:
        >>> v = value_with_name_unit("提交审计报告和信息(篇)", "≥150")
        >>> (v.kind, v.op, v.num, v.unit)
        ('count', '≥', 150.0, '篇')
        >>> value_with_name_unit("开展培训(次)", "4次") is None
        True
        >>> value_with_name_unit("培训经费(万元)", "5").value_yuan
        50000.0
    """
    unit = unit_from_name(name)
    text = normalize_text(value or "").strip()
    if not unit or not re.search(r"\d", text) or _HAS_UNIT.search(text):
        return None
    parsed = parse_indicator_value(text + unit)
    logger.debug("value %r of %r read with the name's unit %s: %s", value, name, unit, parsed.kind)
    return parsed


_UNIT_FIRST = re.compile(
    r"^(?P<unit>万元|亿元|千元|元|万)\s*(?P<op>[≤≥<>=≦≧]|不超过|不低于)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)$"
)


def value_unit_first(value: str) -> IndicatorValue | None:
    """A money value printed with its unit before the number (``万元≤184.94``), read as ``≤184.94万元``.

    Returns ``None`` for any other value.

    Examples:
        >>> v = value_unit_first("万元≤184.94")
        >>> (v.kind, v.op, v.value_yuan)
        ('money', '≤', 1849400.0)
        >>> value_unit_first("≤184.94万元") is None
        True
    """
    m = _UNIT_FIRST.match(normalize_text(value or "").strip())
    if not m:
        return None
    return parse_indicator_value(f"{m['op'] or ''}{m['num']}{m['unit']}")
