"""Was one target met? The decision for one row of a 自评表 (``ANALYSES.md`` §3).

A row prints the target (年度指标值, sometimes split as 指标性质 | 指标值 | 度量单位) and the actual
(实际完成值). :func:`judge` says ``yes``, ``no``, ``partly`` or ``not_comparable`` and, where both are
numbers in one unit, the achievement rate:

- a floor or an exact target (``≥90%``, ``=100%``, ``735人次``): met when the actual is at or above it;
  rate = actual ÷ target;
- a cap (``≤5300元/户``, ``<2天``): lower is better; met when the actual is at or below it;
  rate = target ÷ actual;
- a qualitative target or actual: the actual's words decide (``metadata/achievement.csv``: 完成 / 基本完成 /
  未完成 …), or the actual repeats the target (``及时`` | ``及时``); no rate;
- a blank actual, numbers in units that do not pair (``人`` against ``%``), or words that decide nothing:
  ``not_comparable``.

Examples:
    >>> judge("≥90%", "95%")
    Judgement(met='yes', rate=1.0556, why='95% ≥ 90%: met (95 ÷ 90)')
    >>> judge("<=5300元/户", "5830元/户").met
    'no'
    >>> judge("及时", "及时").met, judge("=100%", "").met
    ('yes', 'not_comparable')
"""

from __future__ import annotations

import logging
import math
import re
from functools import cache
from typing import NamedTuple

from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import normalize_text
from budgetkit.vocab.comparators import ops_bounded, role
from budgetkit.vocab.units import load_units, unit_dimension
from budgetkit.vocab.values import IndicatorValue, parse_indicator_value

__all__ = ["MET_CODES", "Judgement", "judge", "outcome_word"]

logger = logging.getLogger(__name__)

#: The decisions a row can get.
MET_CODES = ("yes", "no", "partly", "not_comparable")

#: Canonical signs of a cap (≤, <): lower is better (``metadata/comparators.csv``, bound ``upper``).
_CAPS = ops_bounded("upper")
_NUMERIC_KINDS = frozenset({"count", "percent", "money", "rate", "frequency", "text"})
#: 指标性质 / 指标方向 cells as comparators (``metadata/comparators.csv``, role ``nature``).
_NATURE_OPS = role("nature")


class Judgement(NamedTuple):
    """The decision for one row: ``met`` (one of :data:`MET_CODES`), ``rate`` (or ``None``) and why, in words."""

    met: str
    rate: float | None
    why: str


@cache
def _words() -> tuple[tuple[str, str], ...]:
    rows = read_metadata("achievement")
    return tuple(sorted(((r["word"], r["met"]) for r in rows), key=lambda wm: -len(wm[0])))


def outcome_word(actual: str) -> str:
    """What an actual's words say of the target: ``yes``, ``partly``, ``no``, ``not_comparable`` (待评估) or ``""``.

    Words are those of ``metadata/achievement.csv``, the longest found first (基本完成 before 完成).

    Examples:
        >>> outcome_word("已完成普陀体育中心费用结算"), outcome_word("基本完成"), outcome_word("未完成")
        ('yes', 'partly', 'no')
        >>> outcome_word("详见附件"), outcome_word("是"), outcome_word("系统运行安全稳定，未发生重大网络安全事件")
        ('', 'yes', '')
    """
    text = _plain(actual)
    for word, met in _words():
        if word == text or (len(word) > 1 and word in text):  # 是, 好, 优 only as the whole actual
            return met
    return ""


def judge(target: str, actual: str, unit: str = "", nature: str = "") -> Judgement:
    """Decide whether ``actual`` meets ``target``; see the module's rules.

    Args:
        target: 年度指标值 as printed (``≥90%``, ``100`` with the unit in ``unit``, ``及时``).
        actual: 实际完成值 as printed; blank when the table leaves it blank.
        unit: 度量单位 / 计量单位 printed apart from the target, if any.
        nature: 指标性质 / 指标方向 printed apart from the target (``≥``, ``大于等于``), if any.

    Examples:
        >>> judge("100", "98", unit="%", nature="等于")
        Judgement(met='no', rate=0.98, why='98% < 100%: not met (98 ÷ 100)')
        >>> judge("≥735人次", "735").rate
        1.0
        >>> judge("≥21933人", "95%").met
        'not_comparable'
    """
    target, actual = _plain(target), _plain(actual)
    if not actual or actual in {"-", "—", "——", "/", "无"}:
        return Judgement("not_comparable", None, "no actual value printed")
    t = _parse(target, unit, nature)
    a = _parse(actual, unit if not _has_unit(actual) else "", "")
    if _is_number(t) and _is_number(a):
        return _compare(t, a)
    if t is not None and a is not None and t.deadline and a.deadline:  # 2024年12月底前 | 2024年11月30日
        met = a.deadline <= t.deadline
        return Judgement("yes" if met else "no", None,
                         f"done {a.deadline.isoformat()}, {'by' if met else 'after'} {t.deadline.isoformat()}")
    if t is not None and _is_number(t) and t.kind != "text" and not re.search(r"\d", actual):
        said = outcome_word(actual)
        if said:
            return Judgement(said, None, f"the actual {actual!r} says {said} of the target {target!r}")
        return Judgement("not_comparable", None, f"the actual {actual!r} gives no number to set against {target!r}")
    said = outcome_word(actual)
    if said in {"no", "partly", "not_comparable"}:  # 未完成, 基本完成, 待评估 outweigh a repeated target word
        return Judgement(said, None, f"the actual {actual!r} says {said}")
    if target and (actual == target or (len(target) >= 2 and target in actual)):
        return Judgement("yes", None, f"the actual {actual!r} repeats the target {target!r}")
    if said:
        return Judgement(said, None, f"the actual {actual!r} says {said}")
    return Judgement("not_comparable", None, f"{actual!r} cannot be set against {target!r}")


def _compare(t: IndicatorValue, a: IndicatorValue) -> Judgement:
    t_unit, a_unit = t.unit or a.unit or "", a.unit or t.unit or ""
    if _dimension(t_unit) != _dimension(a_unit) or (t.per_unit and a.per_unit and
                                                     _dimension(t.per_unit) != _dimension(a.per_unit)):
        return Judgement("not_comparable", None, f"units that do not pair: {t_unit} against {a_unit}")
    tn, an = t.num * _scale(t_unit), a.num * _scale(a_unit)
    shown_t, shown_a = f"{_fmt(t.num)}{t.unit or a.unit or ''}", f"{_fmt(a.num)}{a.unit or t.unit or ''}"
    if (t.op or "=") in _CAPS:
        met = an <= tn if t.op == "≤" else an < tn
        rate = round(tn / an, 4) if an else None
        sign = t.op if met else ">"
        how = f"{_fmt(t.num)} ÷ {_fmt(a.num)}" if rate is not None else "actual 0"
        return Judgement("yes" if met else "no", rate,
                         f"{shown_a} {sign} {shown_t}: {'met' if met else 'not met'}, lower is better ({how})")
    met = an > tn if t.op == ">" else an >= tn - 1e-9
    rate = round(an / tn, 4) if tn else None
    sign = "≥" if met else "<"
    return Judgement("yes" if met else "no", rate,
                     f"{shown_a} {sign} {shown_t}: {'met' if met else 'not met'} ({_fmt(a.num)} ÷ {_fmt(t.num)})")


def _parse(text: str, unit: str, nature: str) -> IndicatorValue | None:
    if not text:
        return None
    op = _NATURE_OPS.get(_plain(nature), "")
    if op and not re.match(r"^[≥≤=<>≧≦＝═]|^(?:大于|小于|等于|不低于|不少于|不高于|不超过)", text):
        text = op + text
    # a comparator in words joined to the number from a 指标方向 cell (等于100): its symbol
    word = next((w for w in sorted(_NATURE_OPS, key=len, reverse=True) if len(w) > 1 and text.startswith(w)), "")
    if word and text[len(word) : len(word) + 1].isdigit():
        text = _NATURE_OPS[word] + text[len(word) :]
    if unit and not _has_unit(text) and unit != "无":
        text = text + unit
    value = parse_indicator_value(text.replace("═", "=").replace("≧", "≥").replace("≦", "≤"))
    return value


def _is_number(v: IndicatorValue | None) -> bool:
    return v is not None and v.kind in _NUMERIC_KINDS and v.num is not None and not math.isnan(v.num) and (
        v.kind != "text" or bool(re.fullmatch(r"[^\u4e00-\u9fff]*\d[^\u4e00-\u9fff]*", v.raw or "")))


def _has_unit(text: str) -> bool:
    return bool(re.search(r"\d\s*[^\d\s.,]", text or ""))


def _dimension(unit: str) -> str:
    unit = unit or ""
    kind = load_units().get(unit, {}).get("kind", "")
    if kind in {"money", "percent"}:
        return kind
    return unit_dimension(unit) if unit else ""


def _scale(unit: str) -> float:
    factor = load_units().get(unit or "", {}).get("yuan_factor")
    return float(factor) if factor else 1.0


def _plain(text: object) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return re.sub(r"\s+", "", normalize_text(str(text)))


def _fmt(num: float) -> str:
    return f"{num:.6f}".rstrip("0").rstrip(".")
