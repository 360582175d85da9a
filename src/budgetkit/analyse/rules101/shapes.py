"""What a printed target value is, as the rules read it: a number, its unit, a percentage, money, a year.

The rules read the value as printed (NFKC, spaces dropped), not only the parser's ``kind``: a value
such as ``=100.00(%)`` is a percentage whatever column it was read into, ``250万`` is money, and
``2023.07-2024.01`` names the year 2024.

Examples:
    >>> s = shape("=100.00(%)")
    >>> s.has_number, s.percent, s.unit, s.bare_number
    (True, 100.0, '%', False)
    >>> shape("220").bare_number, shape("≥13459.00(平方米)").unit
    (True, '平方米')
    >>> shape("有所改善").has_number, shape("每月一次").has_number, shape("一般").has_number
    (False, True, False)
    >>> shape("2023.07-2024.01").years, shape("2025年12月底前").years, shape("≥2000人").years
    ((2023, 2024), (2025,), ())
    >>> is_money("250万"), is_money("5万人次"), is_money("≤0.89万元/年"), is_money("2天"), is_money("万元≤184.94")
    (True, False, True, False, True)
    >>> is_money("500元以内"), is_money("250万以内"), is_money("3万亩")
    (True, True, False)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from budgetkit.model.normalize import normalize_text
from budgetkit.vocab.comparators import role
from budgetkit.vocab.units import load_units, money_scale
from budgetkit.vocab.vocabulary import match_key

__all__ = ["Shape", "all_units", "clean", "is_money", "money_units", "shape", "text_key"]

_OPS = "≥≤><=≈约"
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_CN_NUMBER_RE = re.compile(r"[一二三四五六七八九十两百千]+[次个人年月天日周项家场批期类门所处名户件份元条轮届]")
_BARE_RE = re.compile(rf"^[{_OPS}]*\d+(?:\.\d+)?(?:\(\))?$")
_UNIT_RE = re.compile(r"\d+(?:\.\d+)?\(?([^\d()]*?)\)?(?:$|[,;，；、])")
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\(?[%％]")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|[.\-/]\d{1,2}(?!\d)|-(?:19|20)\d{2}|至)"
                      r"|(?<=\d{4}[至\-~到])((?:19|20)\d{2})(?![\d.])")  # the end of a span: 2024至2027
_MONEY_FIRST_RE = re.compile(r"^(?:万元|元|亿元|千元)[≥≤<>=≈约]*\d")  # 万元≤184.94: the unit before the number
_OP_WORDS = tuple(role("rule_word").items())  # metadata/comparators.csv, in the order tried


@dataclass(frozen=True)
class Shape:
    """A printed value as the rules read it.

    Attributes:
        text: NFKC, spaces dropped.
        has_number: an Arabic digit, or a Chinese numeral before a measure word (每月一次).
        bare_number: only a number, with at most a comparator before it (``220``, ``≥95``).
        number: the first number, or NaN.
        unit: the unit after the first number (brackets dropped), ``''`` when none.
        percent: the number before a ``%``, or NaN.
        op: the comparator: printed symbol, or one read from words (不低于 → ≥).
        years: the four-digit years the value names as dates (2025年, 2024.01, 2023-2024).
    """

    text: str
    has_number: bool
    bare_number: bool
    number: float
    unit: str
    percent: float
    op: str
    years: tuple[int, ...]


def clean(value: object) -> str:
    """The text of a cell: NFKC, white space dropped, ``''`` for a missing value.

    Examples:
        >>> clean(" ≥ 90 ％"), clean(None), clean(float("nan"))
        ('≥90%', '', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = normalize_text(str(value))
    text = text.replace("<=", "≤").replace(">=", "≥").replace("＝", "=")
    return re.sub(r"\s+", "", text)


def text_key(value: object) -> str:
    """The text the word lists are matched against: :func:`clean`, simplified script, inserted pinyin out.

    Examples:
        >>> text_key("資(zī)金到位率"), text_key("≥ 90 ％")
        ('资金到位率', '≥90%')
    """
    text = clean(value)
    return clean(match_key(text)) if text else ""


def _op(text: str) -> str:
    head = text[:1]
    if head and head in _OPS:
        return "≈" if head == "约" else head
    for word, op in _OP_WORDS:
        if word in text:
            return op
    return ""


@cache
def shape(value: object) -> Shape:
    """The :class:`Shape` of a printed value (see the module examples)."""
    text = clean(value)
    number = _NUMBER_RE.search(text)
    unit = _UNIT_RE.search(text)
    percent = _PERCENT_RE.search(text)
    return Shape(
        text=text,
        has_number=bool(number or _CN_NUMBER_RE.search(text)),
        bare_number=bool(_BARE_RE.match(text)),
        number=float(number.group()) if number else math.nan,
        unit=unit.group(1) if unit else "",
        percent=float(percent.group(1)) if percent else math.nan,
        op=_op(text),
        years=tuple(dict.fromkeys(int(a or b) for a, b in _YEAR_RE.findall(text))),
    )


@cache
def all_units() -> frozenset[str]:
    """Every unit of ``metadata/units.csv``."""
    return frozenset(load_units())


@cache
def money_units() -> tuple[str, ...]:
    """The money units of ``metadata/units.csv`` (元, 万元, 万 …), longest first."""
    return tuple(sorted(money_scale(), key=len, reverse=True))


@cache
def _money_re() -> re.Pattern[str]:
    # a unit in 元 matches as it is (500元以内); one without 元 (250万) not where a longer unit of
    # units.csv starts with it (5万人次, 3万亩)
    plain = "|".join(re.escape(u) for u in money_units() if u.endswith("元"))
    parts = [plain]
    for bare in (u for u in money_units() if not u.endswith("元")):
        longer = "".join(sorted({u[len(bare)] for u in all_units() if u.startswith(bare) and len(u) > len(bare)}))
        parts.append(re.escape(bare) + (f"(?![{re.escape(longer)}])" if longer else ""))
    return re.compile(rf"\d\)?\(?(?:{'|'.join(parts)})")


def is_money(value: object) -> bool:
    """Whether the value is an amount of money: a number followed by 元, 万元, 万 … (``元/人`` too)."""
    text = clean(value)
    return bool(_money_re().search(text) or _MONEY_FIRST_RE.match(text))
