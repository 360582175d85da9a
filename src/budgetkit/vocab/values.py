"""Parse a target value (指标值) as printed into comparator, number, unit and kind.

A 指标值 is a short phrase. Its shapes, and what :func:`parse_indicator_value`
makes of them:

============================  =============================================================
printed                       parsed
============================  =============================================================
``200户``                     count: ``num`` 200, ``unit`` 户, ``op`` ``=``
``≥90％`` / ``90%以上``       percent: ``op`` ≥, ``num`` 90, ``unit`` %
``平均3250元/户``             rate: ``qualifier`` 平均, ``unit`` 元, ``per_unit`` 户, ``value_yuan`` 3250
``人均6000元``                rate: ``per_unit`` 人 (from 人均), ``value_yuan`` 6000
``≤0.89万元/年``              rate: ``unit`` 万元, ``per_unit`` 年, ``value_yuan`` 8900
``6万元``                     money: ``value_yuan`` 60000
``约150人`` / ``大于40人``    count with ``op`` ≈ / > and the word in ``qualifier``
``2025年12月底前``            deadline: ``deadline`` 2025-12-31, ``op`` ≤
``每月20日前``                deadline recurring each month: no date, ``per_unit`` 月
``≥4次/周`` / ``每月1次``     frequency: ``num`` 4, ``unit`` 次, ``per_unit`` 周
``有所缓解`` / ``显著提升``   qualitative: no number; the vague word in ``qualifier``
a sentence with a number      text: the first number, its unit and comparator are extracted
============================  =============================================================

Units are data (``metadata/units.csv``: unit, kind, English name, factor to 元,
time dimension). Comparator signs and words are data too (``metadata/comparators.csv``:
:data:`PREFIX_OPS`, :data:`SUFFIX_OPS`). Every value gets a kind; the parser never returns
nothing: a value it cannot read as a number is ``qualitative`` (no digits) or
``text`` (digits inside a phrase).

Examples:
    >>> v = parse_indicator_value("平均3250元/户")
    >>> (v.kind, v.qualifier, v.num, v.unit, v.per_unit, v.value_yuan)
    ('rate', '平均', 3250.0, '元', '户', 3250.0)
    >>> parse_indicator_value("≥90％").op
    '≥'
    >>> parse_indicator_value("2025年12月底前").deadline
    datetime.date(2025, 12, 31)
    >>> parse_indicator_value("有所缓解").kind
    'qualitative'
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache, lru_cache

import pandas as pd

from budgetkit.errors import ParseError
from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import normalize_text
from budgetkit.vocab.comparators import role as comparator_role
from budgetkit.vocab.deadlines import deadline_fields
from budgetkit.vocab.units import load_units
from budgetkit.vocab.vocabulary import simplified

__all__ = [
    "KINDS",
    "MEASURABLE_KINDS",
    "PREFIX_OPS",
    "SUFFIX_OPS",
    "VAGUE_WORDS",
    "IndicatorValue",
    "load_units",
    "is_measurable",
    "value_prefix",
    "parse_indicator_value",
    "parse_indicator_values",
]

logger = logging.getLogger(__name__)

#: The kinds a value can have, in the order they are tried.
KINDS = ("deadline", "frequency", "money", "rate", "percent", "count", "qualitative", "text")
#: The kinds that state something measurable: a number with a unit, or a date.
MEASURABLE_KINDS = frozenset(KINDS) - {"qualitative", "text"}

#: Words before a number and the comparator they mean (``metadata/comparators.csv``, role ``value_prefix``).
PREFIX_OPS: dict[str, str] = dict(comparator_role("value_prefix"))

#: Words after a number (and its unit) and the comparator they mean (role ``value_suffix``).
SUFFIX_OPS: dict[str, str] = dict(comparator_role("value_suffix"))

#: Qualifiers that put the number per something: 人均 6000元 is 6000 元 per 人 (``metadata/per_qualifiers.csv``).
PER_QUALIFIERS: dict[str, str] = {row["word"]: row["per_unit"] for row in read_metadata("per_qualifiers")}

#: Comparator signs as printed, to the canonical sign (role ``value_sign``: ``>=``, ``≧``, ``═`` typed for =, ``±``).
_SIGNS: dict[str, str] = dict(comparator_role("value_sign"))

#: Words that make a target vague (有所缓解, 逐步提高); the first found goes to ``qualifier``
#: (``metadata/vague_words.csv``).
VAGUE_WORDS: tuple[str, ...] = tuple(row["word"] for row in read_metadata("vague_words"))

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_SIGN_RE = "|".join(re.escape(s) for s in sorted(_SIGNS, key=len, reverse=True))
_PREFIX_RE = "|".join(sorted(PREFIX_OPS, key=len, reverse=True))
_PERQ_RE = "|".join(sorted(PER_QUALIFIERS, key=len, reverse=True))
_SUFFIX_RE = "|".join(sorted(SUFFIX_OPS, key=len, reverse=True))


@dataclass(frozen=True)
class IndicatorValue:
    """A parsed 指标值.

    Attributes:
        raw: the value as printed.
        op: comparator ``≥ ≤ > < = ≈`` (``=`` for a bare number); ``None`` for words.
        qualifier: the word that qualifies the number as printed (平均, 约, 不少于, 以上,
            每月) or, for a qualitative value, the vague word (有所, 逐步).
        num: the number in its printed unit (3250 for 平均3250元/户, 0.89 for 0.89万元/年).
        unit: the unit of ``num`` (户, %, 元, 万元, 次 …).
        per_unit: the denominator of a rate or frequency (户 in 元/户, 周 in 次/周).
        kind: one of :data:`KINDS`.
        deadline: the date of a deadline target.
        value_yuan: money and money rates in 元 (per ``per_unit`` for rates).
    """

    raw: str
    kind: str
    op: str | None = None
    qualifier: str | None = None
    num: float | None = None
    unit: str | None = None
    per_unit: str | None = None
    deadline: dt.date | None = None
    value_yuan: float | None = None


def _unit_re() -> str:
    return "|".join(re.escape(u) for u in sorted(load_units(), key=len, reverse=True))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    unit = _unit_re()
    return {
        # [sign][prefix word][per-qualifier] number [unit][/per[/per]][suffix word] (元/生/年: a rate per two units)
        "quantity": re.compile(
            rf"^(?P<sign>{_SIGN_RE})?(?P<pre>{_PREFIX_RE}|{_PERQ_RE})?(?P<sign2>{_SIGN_RE})?"
            rf"(?P<num>{_NUM})(?P<unit>{unit}|[^\d/\s]{{1,3}}?)?(?:/(?P<per>[^\d/]{{1,4}}?(?:/[^\d/]{{1,4}}?)?))?"
            rf"(?P<suf>{_SUFFIX_RE})?$"
        ),
        # 每月1次, 每周≥4次, 每年不少于2次
        "every": re.compile(
            rf"^(?P<every>每(?:个)?(?P<per>月|周|年|季度|天|日|学期))(?P<sign>{_SIGN_RE})?(?P<pre>{_PREFIX_RE})?"
            rf"(?P<num>{_NUM})(?P<unit>次|场|期|批|回|课时|天)(?P<suf>{_SUFFIX_RE})?$"
        ),
        "first_number": re.compile(
            rf"(?P<pre>{_PREFIX_RE}|{_SIGN_RE})?(?P<num>{_NUM})(?P<unit>{unit})?(?P<suf>{_SUFFIX_RE})?"
        ),
    }


# -- numbers -----------------------------------------------------------------------------------------


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _op_of(sign: str | None, pre: str | None, suf: str | None) -> str:
    for word, table in ((sign, _SIGNS), (pre, PREFIX_OPS), (suf, SUFFIX_OPS)):
        if word and table.get(word, "=") != "=":
            return table[word]
    return "="


def _yuan(num: float | None, unit: str | None) -> float | None:
    factor = load_units().get(unit or "", {}).get("yuan_factor")
    if num is None or not factor:
        return None
    return round(num * float(factor), 2)


def _parse_quantity(raw: str, s: str) -> IndicatorValue | None:
    pats = _patterns()
    m = pats["every"].match(s)
    if m:
        op = _op_of(m["sign"], m["pre"], m["suf"])
        return IndicatorValue(
            raw,
            "frequency",
            op=op,
            qualifier=m["every"],
            num=_number(m["num"]),
            unit=m["unit"],
            per_unit="天" if m["per"] == "日" else m["per"],
        )
    m = pats["quantity"].match(s)
    if m is None:
        return None
    units = load_units()
    pre, unit, per = m["pre"], m["unit"], m["per"]
    unit, per = _known(unit, units), _known(per, units)
    if unit and unit not in units:
        logger.debug("unit %r of %r is not in units.csv; read as a count", unit, raw)
    num = _number(m["num"])
    op = _op_of(m["sign"] or m["sign2"], pre, m["suf"])
    qualifier = pre or m["suf"]
    if per is None and pre in PER_QUALIFIERS:
        per = PER_QUALIFIERS[pre]
    unit_kind = units.get(unit or "", {}).get("kind", "count")
    if unit_kind == "money":
        kind = "rate" if per else "money"
    elif unit_kind == "percent":
        kind = "percent"
    elif per and units.get(per, {}).get("time") and unit in {"次", "场", "期", "批", "场次", "回"}:
        kind = "frequency"
    elif per:
        kind = "rate"
    else:
        kind = "count"
    return IndicatorValue(
        raw,
        kind,
        op=op,
        qualifier=qualifier,
        num=num,
        unit=unit,
        per_unit=per,
        value_yuan=_yuan(num, unit) if unit_kind == "money" else None,
    )


def _known(unit: str | None, units: dict) -> str | None:
    """``unit`` as ``units.csv`` spells it where it is printed in traditional script (萬元 → 万元, 戶 → 户)."""
    if not unit or unit in units:
        return unit

    plain = simplified(unit)
    return plain if plain in units else unit


def _parse_phrase(raw: str, s: str) -> IndicatorValue:
    m = _patterns()["first_number"].search(s)
    if m is None:
        found = [(s.find(w), -len(w), w) for w in VAGUE_WORDS if w in s]
        vague = min(found)[2] if found else None
        return IndicatorValue(raw, "qualitative", qualifier=vague)
    # a sentence: keep the first number with its unit and comparator, as text
    pre, suf = m["pre"], m["suf"]
    op = _op_of(pre if pre in _SIGNS else None, pre if pre in PREFIX_OPS else None, suf)
    head = s[: m.start()]
    per = next((q for w, q in PER_QUALIFIERS.items() if w.startswith("每") and head.endswith(w)), None)
    if per is None and re.search(r"每(年|月|周|季度)", head):
        per = re.search(r"每(年|月|周|季度)", head)[1]  # type: ignore[index]
    unit = m["unit"]
    return IndicatorValue(
        raw,
        "text",
        op=op,
        qualifier=pre or suf,
        num=_number(m["num"]),
        unit=unit,
        per_unit=per,
        value_yuan=_yuan(_number(m["num"]), unit),
    )


def parse_indicator_value(text: str, year: int | None = None) -> IndicatorValue:
    """Parse one 指标值 as printed.

    Args:
        text: the value as printed (full-width forms, radicals and spaces are normalised here).
        year: the budget year, which dates a deadline printed without a year (``12月初``).

    Returns:
        The parsed value; ``kind`` is always set.

    Raises:
        ParseError: when ``text`` is empty.

    Examples:
        >>> parse_indicator_value("≤0.89万元/年").value_yuan
        8900.0
        >>> v = parse_indicator_value("约150人")
        >>> (v.kind, v.op, v.qualifier, v.num, v.unit)
        ('count', '≈', '约', 150.0, '人')
        >>> v = parse_indicator_value("780元/生/年")
        >>> (v.kind, v.num, v.unit, v.per_unit, v.value_yuan)
        ('rate', 780.0, '元', '生/年', 780.0)
        >>> v = parse_indicator_value("≥4次/周")
        >>> (v.kind, v.op, v.num, v.unit, v.per_unit)
        ('frequency', '≥', 4.0, '次', '周')
        >>> parse_indicator_value("12月初", year=2025).deadline
        datetime.date(2025, 12, 10)
        >>> v = parse_indicator_value("全年开设60门以上职工群众喜闻乐见的公益课程")
        >>> (v.kind, v.op, v.num, v.unit)
        ('text', '≥', 60.0, '门')
        >>> parse_indicator_value("逐步提高").qualifier
        '逐步'
    """
    if text is None or not str(text).strip():
        raise ParseError("empty 指标值", text=str(text))
    raw = str(text)
    s = re.sub(r"\s+", "", normalize_text(raw))
    for old, new in (
        ("＞", ">"),
        ("＜", "<"),
        (">=", "≥"),
        ("<=", "≤"),
        ("≧", "≥"),
        ("≦", "≤"),
        ("—", "-"),
        ("–", "-"),
        ("～", "~"),
    ):
        s = s.replace(old, new)
    deadline = deadline_fields(raw, s, year)
    if deadline is not None:
        return IndicatorValue(raw, "deadline", **deadline)
    return _parse_quantity(raw, s) or _parse_phrase(raw, s)


_COLUMNS = ("op", "qualifier", "num", "unit", "per_unit", "kind", "deadline", "value_yuan")


@lru_cache(maxsize=65536)
def is_measurable(text: str) -> bool:
    """Whether ``text`` reads as a measurable target (a number with its unit, rate, percent, deadline …).

    Examples:
        >>> is_measurable("≥90%"), is_measurable("200户"), is_measurable("有所缓解")
        (True, True, False)
    """
    return parse_indicator_value(text).kind in MEASURABLE_KINDS


#: Words a value of words opens with (有所减轻, 明显改善): the vague words a target starts with, not the verbs
#: (``opens_value`` in ``metadata/vague_words.csv``).
_WORD_VALUE_OPENINGS = tuple(row["word"] for row in read_metadata("vague_words") if row["opens_value"] == "1")


@cache
def _prefix_res() -> tuple[re.Pattern[str], ...]:
    unit = _unit_re()
    # a rate's basis after the unit (元/人, 元/人.每天, 元/人·天) and a word closing the number (以上, 以内)
    per = r"(?:/[^\d/\s.,;，。、]{1,2})?(?:[.·](?:每)?[天日月年周次])?"
    return (
        re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号]|份|底|末)?|底|年底)?(?:前|之前|以前)?"),
        re.compile(rf"(?:{_SIGN_RE})?(?:{_PREFIX_RE})?(?:{_SIGN_RE})?(?:{_NUM})(?:{unit})?{per}(?:{_SUFFIX_RE})?"),
        re.compile(rf"(?:{'|'.join(_WORD_VALUE_OPENINGS)})[\u3400-\u9fff]{{2}}"),
    )


def value_prefix(text: str) -> int:
    """The length of the target ``text`` opens with, 0 when it opens with none (where a run-together row's value ends).

    A number with its comparator, unit, rate basis and closing word; a date; a vague word and its verb.

    Examples:
        >>> [value_prefix(t) for t in ("17元/人.每天反映学生每天用餐标准", "95%以上学生对学校伙食满意程度",
        ...                            "2023年12月31日反映该项目完成时间", "大于90%适龄学生入学情况",
        ...                            "有所减轻对家庭负担", "168反映补助学生人数", "学生补助标准17元")]
        [8, 5, 11, 5, 4, 3, 0]
    """
    found = [m.end() for r in _prefix_res() if (m := r.match(text)) is not None and m.end() > 0]
    return max(found, default=0)


def parse_indicator_values(values: Iterable[str], year: int | None = None) -> pd.DataFrame:
    """Parse many 指标值 into a frame: op, qualifier, num, unit, per_unit, kind, deadline, value_yuan.

    Examples:
        >>> parse_indicator_values(["200户", "平均500元/户", "2025年12月底前"])[["kind", "num", "deadline"]]
               kind    num   deadline
        0     count  200.0        NaT
        1      rate  500.0        NaT
        2  deadline    NaN 2025-12-31
    """
    rows = [asdict(parse_indicator_value(v, year=year)) for v in values]
    frame = pd.DataFrame(rows, columns=["raw", *_COLUMNS])
    frame["num"] = frame["num"].astype("float64")
    frame["value_yuan"] = frame["value_yuan"].astype("float64")
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    return frame[list(_COLUMNS)]
