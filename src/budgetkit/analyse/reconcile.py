"""Cost reconciliation: do a project's quantity and unit-cost targets explain its budget?

A 项目支出预算绩效目标表 states quantities (数量指标: ``200户``) and unit costs
(成本指标: ``平均3500元/户``). Multiplied out and summed they should come back to
the project total (项目总额). Where they do not, that is a finding, reported as
such and never forced.

How a project is priced:

1. The project's indicators are read into *cost targets* (成本指标 rows whose
   value is money or a rate: ``kind`` ``money``/``rate`` with ``value_yuan``) and
   *quantity targets* (数量指标 rows of ``kind`` ``count``; counts in days, months
   or years anywhere in the table also serve as durations). Exact duplicate cost
   rows (same name, amount and denominator) are priced once.
2. The pricing strategies of :data:`STRATEGIES` run in their order; each prices
   the cost targets of its shape that earlier ones left and records the terms
   (quantity × unit cost = subtotal) it produced. The project's ``method`` is the
   ``+``-joined codes of the strategies that produced terms. Specific shapes run
   before the general pairing, so the general pairing cannot take a headcount a
   meeting needs.
3. A quantity pairs with a rate when the quantity's unit and the rate's
   denominator have the same dimension in :data:`UNIT_DIMENSIONS` (户 with 元/户,
   人 with 元/人, 个月 with 元/月) and, among those, by the character overlap of
   the names (:func:`name_similarity`, after dropping the generic words of
   :data:`GENERIC_TERMS`). A pair below the similarity threshold is still made
   when it is the only cost and the only quantity of that dimension left.
4. When no indicator can be priced, the component amounts the narrative goal
   states (``养老保险67.35万元，职业年金33.68万元``) are summed instead
   (``method`` ``goal_components``). When both exist the indicator pricing is
   reported and the goal's components are named in the explanation.
5. The implied total is compared with the budget: ``closes`` when the gap is
   within ``max(tolerance_pct % of the budget, tolerance_wan)``.

Numbers are taken at face value: ``约150人`` is 150, ``大于40人`` is 40, a cap
``≤0.89万元/年`` is 8900元. The explanation says so when it happens.

Examples:
    >>> projects = pd.DataFrame({"project_id": ["p#01"], "total_wan": [88.6]})
    >>> indicators = pd.DataFrame({
    ...     "project_id": ["p#01"] * 4, "seq": [1, 2, 3, 4],
    ...     "level2": ["数量指标", "数量指标", "成本指标", "成本指标"],
    ...     "indicator": ["医疗救助", "子女助学", "子女助学", "医疗救助标准"],
    ...     "value": ["200户", "100户", "平均1000元/户", "平均3500元/户"],
    ...     "kind": ["count", "count", "rate", "rate"], "num": [200, 100, 1000, 3500],
    ...     "unit": ["户", "户", "元", "元"], "per_unit": [None, None, "户", "户"],
    ...     "value_yuan": [None, None, 1000, 3500]})
    >>> result = reconcile_costs(projects, indicators)
    >>> result[["implied_wan", "status", "method"]].values.tolist()
    [[80.0, 'does_not_close', 'quantity×unit_cost']]
    >>> result.loc[0, "explanation_en"].split(":")[0]
    '200户×3500元 + 100户×1000元 = 80万元 vs 88.6万元'
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from budgetkit.errors import ReconciliationError
from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import normalize_text
from budgetkit.model.tables import indicator_order, text_of, typed_frame
from budgetkit.vocab.name_quantity import quantity_in_name, value_unit_first, value_with_name_unit
from budgetkit.vocab.values import load_units

__all__ = [
    "ANALYSIS_TOLERANCE_PCT",
    "GENERIC_TERMS",
    "GOAL_METHOD",
    "MEETING_WORDS",
    "RECONCILE_COLUMNS",
    "STATUSES",
    "STRATEGIES",
    "TERM_COLUMNS",
    "UNIT_DIMENSIONS",
    "Strategy",
    "format_wan",
    "goal_components",
    "indicator_key",
    "list_strategies",
    "name_similarity",
    "price_terms",
    "reconcile_and_price",
    "reconcile_costs",
    "unit_dimension",
]

logger = logging.getLogger(__name__)

# --- metadata ------------------------------------------------------------------------------------------

def _unit_dimensions() -> tuple[tuple[str, str, str], ...]:
    """``(unit, dimension, English name)`` of every unit of ``metadata/units.csv`` with a dimension."""
    rows = read_metadata("units")
    return tuple((r["unit"], r["dimension"], r["en"]) for r in rows if r.get("dimension"))


#: Unit → dimension (and English name), from ``metadata/units.csv`` (its ``dimension`` column, the one home of
#: unit synonyms: 户/家庭, 次/场/期, 平方米/㎡/平米, 人/名/生 …). A quantity target pairs with a rate whose
#: denominator has the same dimension; a unit not listed is its own dimension.
UNIT_DIMENSIONS: tuple[tuple[str, str, str], ...] = _unit_dimensions()

#: The band within which a priced total closes on the budget in the analyses (``ANALYSES.md`` §2: within 5%);
#: :func:`reconcile_costs`' own default stays the tighter 0.5% the audit's ``cost_mismatch`` was built on.
ANALYSIS_TOLERANCE_PCT: float = 5.0

#: Dimensions that are durations: counts in them multiply rates per day/week/month/year.
DURATION_DIMENSIONS: frozenset[str] = frozenset({"day", "week", "month", "year"})

#: Words dropped from indicator names before comparing them: they say *that* a row is a
#: count or a cost, not *what* it counts (职工困难帮扶 ↔ 职工困难帮扶标准).
GENERIC_TERMS: tuple[str, ...] = (
    "人数", "户数", "数量", "标准", "费用", "支出", "金额", "人均", "平均", "缴纳",
)

#: Words that mark a meeting: a per-day rate with one of them is per person per day.
MEETING_WORDS: tuple[str, ...] = ("会议", "会务", "参会", "大会", "住宿", "伙食")

#: Level-2 labels (and the level-1 label of newer templates) that hold cost targets.
COST_LABELS: frozenset[str] = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})

#: Status of a reconciliation (the codes of ``ANALYSES.md``), with its Chinese label; the words live in
#: ``metadata/codes.csv`` (``costs,status``), the one home of the spelling and its labels.
STATUSES: dict[str, str] = {row["code"]: row["zh"] for row in read_metadata("codes")
                            if (row["table"], row["column"]) == ("costs", "status")}

#: The English words of each status, for the explanations (``does not close``).
STATUS_EN: dict[str, str] = {row["code"]: row["en"] for row in read_metadata("codes")
                             if (row["table"], row["column"]) == ("costs", "status")}

#: An internal state: priced, but the table prints no budget to compare with (reported as ``not_priceable``).
_NO_BUDGET = "no_budget"

#: How an explanation words each state (the statuses, and the priced project with no budget to compare with).
_STATE_WORDS: dict[str, tuple[str, str]] = {**{c: (zh, STATUS_EN[c]) for c, zh in STATUSES.items()},
                                            _NO_BUDGET: ("无预算数", "no budget")}

#: Output columns of :func:`reconcile_costs` and their dtypes.
RECONCILE_COLUMNS: dict[str, str] = {
    "project_id": "str",
    "project": "str",
    "implementing_unit": "str",
    "implied_wan": "float64",
    "budget_wan": "float64",
    "basis": "str",
    "gap_wan": "float64",
    "gap_pct": "float64",
    "status": "str",
    "method": "str",
    "explanation_zh": "str",
    "explanation_en": "str",
    "n_terms": "int64",
    "unpriced_costs": "str",
    "goal_wan": "float64",
    "table_status": "str",
    "terms": "str",
}

#: Output columns of :func:`price_terms` and their dtypes.
TERM_COLUMNS: dict[str, str] = {
    "project_id": "str",
    "term": "int64",
    "method": "str",
    "basis": "str",
    "quantity_seq": "Int64",
    "quantity_indicator": "str",
    "quantity": "float64",
    "quantity_unit": "str",
    "multiplier_seq": "Int64",
    "multiplier_indicator": "str",
    "multiplier": "float64",
    "multiplier_unit": "str",
    "cost_seq": "Int64",
    "cost_indicator": "str",
    "cost_value": "str",
    "unit_cost_yuan": "float64",
    "subtotal_yuan": "float64",
    "formula": "str",
}

_APPROXIMATE_QUALIFIERS = frozenset({"约", "以上", "以下", "不少于", "不超过", "大于", "小于"})
_WEAK_BASES = frozenset({"only candidate", "only headcount", "headcount shared by all 人 targets"})
_BASIS_ZH = {
    "only candidate": "同单位仅余此一项",
    "only headcount": "仅此一个人数指标",
    "headcount shared by all 人 targets": "各人数指标数值相同",
    "headcount by name, shared": "无对应人数指标，借用名称最接近者",
}
_DIMENSION: dict[str, str] = {unit: dim for unit, dim, _ in UNIT_DIMENSIONS}
_UNITS_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(_DIMENSION, key=len, reverse=True))
_VARIANTS = str.maketrans({"戶": "户"})
_NOT_WORD = re.compile(r"[\W_]+")
_REQUIRED_INDICATOR_COLUMNS = (
    "project_id", "seq", "level2", "indicator", "value", "kind", "num", "unit", "per_unit", "value_yuan",
)
_REQUIRED_PROJECT_COLUMNS = ("project_id", "total_wan")
_PROJECT_FIELDS = (
    "project_id", "project", "implementing_unit", "total_wan", "annual_total_wan", "goal", "status", "status_reason",
)
_INDICATOR_TEXT = ("indicator", "value", "kind", "op", "qualifier", "unit", "per_unit", "level1", "level2")


# --- small public helpers -------------------------------------------------------------------------------


def format_wan(amount: float, *, signed: bool = False) -> str:
    """Format an amount in 万元 the way a Chinese table prints it, trailing zeros dropped.

    Args:
        amount: the amount in 万元.
        signed: put ``+`` before a positive amount (for gaps).

    Returns:
        The amount with its unit, e.g. ``886.86万元``; ``—`` for a missing amount.

    Examples:
        >>> format_wan(886.8600)
        '886.86万元'
        >>> format_wan(1670.0), format_wan(0.06, signed=True), format_wan(float("nan"))
        ('1670万元', '+0.06万元', '—')
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    text = _fmt_num(amount)
    if signed and float(amount) > 0 and text != "0":
        text = "+" + text
    return f"{text}万元"


def unit_dimension(unit: str) -> str:
    """Return the dimension of a unit (see :data:`UNIT_DIMENSIONS`), or ``unit:<unit>`` if unknown.

    A count unit of ``metadata/units.csv`` with no synonym is its own dimension (吨 → 吨).

    Examples:
        >>> unit_dimension("户"), unit_dimension("⼾"), unit_dimension("个月"), unit_dimension("吨")
        ('household', 'household', 'month', '吨')
    """
    unit = _norm_unit(unit)
    return _DIMENSION.get(unit, f"unit:{unit}") if unit else ""


def indicator_key(name: str) -> str:
    """Return the comparable form of an indicator name: NFKC, radicals fixed, 戶→户, no punctuation.

    Two names with the same key are the same indicator as far as budgetkit is concerned.

    Examples:
        >>> indicator_key("职⼯困难 帮扶(户)") == indicator_key("职工困难帮扶（戶）")
        True
    """
    return _key(name)


def name_similarity(a: str, b: str) -> float:
    """Return the character overlap (Dice coefficient) of two indicator names, 0 to 1.

    Names are normalised (NFKC, Kangxi radicals, 戶→户), stripped of punctuation and of
    the generic words of :data:`GENERIC_TERMS`; the overlap counts repeated characters.

    Examples:
        >>> name_similarity("职工困难帮扶", "职工困难帮扶标准")
        1.0
        >>> round(name_similarity("帮扶职工困难子女助学", "职工困难子女助学"), 3)
        0.889
        >>> name_similarity("奖励发放", "参加会议人数")
        0.0
    """
    return _similarity(a, b)


@lru_cache(maxsize=1 << 17)
def _similarity(a: str, b: str) -> float:
    (ca, na), (cb, nb) = _sim_counts(a), _sim_counts(b)
    if not na or not nb:
        return 0.0
    overlap = sum((ca & cb).values())
    return 2 * overlap / (na + nb)


@lru_cache(maxsize=1 << 17)
def _sim_counts(name: str) -> tuple[Counter[str], int]:
    key = _sim_key(name)
    return Counter(key), len(key)


_GOAL_AMOUNT = re.compile(r"([\u3400-\u9fff]*)\s*(\d+(?:\.\d+)?)\s*万元")
_GOAL_TOTAL_MARKERS = ("安排", "总额", "合计", "共计", "总计", "累计", "预算")
_GOAL_PER_UNIT_MARKERS = ("每", "平均", "人均", "标准")
_GOAL_NAME_PREFIX = re.compile(r"^(?:年度|年|其中|分别为|分别是|包括|主要为|主要用于|用于|为)+")


def goal_components(goal: str, total_wan: float | None = None) -> list[tuple[str, float]]:
    """Return the component amounts a narrative goal states, as ``(name, amount_wan)`` pairs.

    Every ``名称+数字+万元`` in the goal is a candidate. Dropped: amounts named as the
    total (安排, 总额, 合计, 共计 …), per-unit amounts (每场平均6万元, 人均 …) and
    amounts equal to ``total_wan`` (a restatement of the budget).

    Args:
        goal: the 年度总体绩效目标 text.
        total_wan: the project total, to drop restatements of it.

    Returns:
        The components in the order printed; empty when the goal states none.

    Examples:
        >>> goal_components("安排资金167万元，分别为养老保险67.35万元，职业年金33.68万元。", 167)
        [('养老保险', 67.35), ('职业年金', 33.68)]
        >>> goal_components("开展5项竞赛，每场平均6万元，合计30万元。", 30)
        []
    """
    if not isinstance(goal, str) or not goal:
        return []
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", normalize_text(goal))
    found: list[tuple[str, float]] = []
    for match in _GOAL_AMOUNT.finditer(text):
        name, amount = match[1], float(match[2])
        if any(m in name for m in _GOAL_TOTAL_MARKERS) or any(m in name for m in _GOAL_PER_UNIT_MARKERS):
            continue
        if total_wan is not None and not _isnan(total_wan) and abs(amount - float(total_wan)) < 1e-6:
            continue
        found.append((_GOAL_NAME_PREFIX.sub("", name) or name, amount))
    return found


# --- indicators as the strategies see them --------------------------------------------------------------


@dataclass(frozen=True)
class _Ind:
    """One indicator row, normalised for pricing; ``pos`` (order in the project) identifies it."""

    pos: int
    seq: int | None
    level1: str
    level2: str
    name: str
    value: str
    kind: str
    op: str
    qualifier: str
    num: float
    unit: str
    unit_dim: str
    per_unit: str
    per_dim: str
    value_yuan: float
    per_capita: bool
    item_dim: str
    #: The time part of a compound denominator (``780元/生/年`` → ``year``), else ``""``.
    per_time: str = ""
    #: The quantity the name prints (``防疫室84平米`` → 84, 平米, area), else NaN and ``""``.
    name_num: float = math.nan
    name_unit: str = ""
    name_dim: str = ""
    #: How many of its dimension's base unit one ``unit`` / ``per_unit`` is (万人 → 10000 人), from units.csv.
    unit_factor: float = 1.0
    per_factor: float = 1.0
    #: A cost target with an amount in 元 (under a cost label, kind ``rate``/``money``, ``value_yuan`` set).
    is_cost: bool = field(init=False)
    #: A count with a number.
    is_count: bool = field(init=False)

    def __post_init__(self) -> None:
        in_cost = self.level2 in COST_LABELS or self.level1 in COST_LABELS
        is_cost = in_cost and self.kind in {"rate", "money"} and not _isnan(self.value_yuan)
        object.__setattr__(self, "is_cost", is_cost)
        object.__setattr__(self, "is_count", self.kind == "count" and not _isnan(self.num))

    @property
    def shown(self) -> str:
        """Number and unit as used in the arithmetic, e.g. ``200户``."""
        return f"{_fmt_num(self.num)}{self.unit}"

    @property
    def approximate(self) -> bool:
        """Whether the number is a bound or an approximation (≥, ≤, >, <, ≈, 约, 以上 …)."""
        return bool(self.op and self.op != "=") or self.qualifier in _APPROXIMATE_QUALIFIERS


@dataclass(frozen=True)
class _Term:
    method: str
    basis: str
    cost: _Ind
    subtotal_yuan: float
    formula: str
    quantity: _Ind | None = None
    quantity_num: float = math.nan
    quantity_unit: str = ""
    multiplier: _Ind | None = None
    multiplier_num: float = math.nan
    multiplier_unit: str = ""


@dataclass
class _Pool:
    """The indicators of one project and what the strategies have used of them so far."""

    indicators: list[_Ind]
    min_similarity: float
    priced: set[int] = field(default_factory=set)
    consumed: set[int] = field(default_factory=set)
    duplicates: list[_Ind] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: set[tuple[str, float, str]] = set()
        for ind in self.indicators:
            if not ind.is_cost:
                continue
            key = (_key(ind.name), round(ind.value_yuan, 6), ind.per_dim)
            if key in seen:
                self.duplicates.append(ind)
                self.priced.add(ind.pos)
            seen.add(key)

    def costs(self) -> list[_Ind]:
        """Cost targets not priced yet."""
        return [i for i in self.indicators if i.is_cost and i.pos not in self.priced]

    def quantities(self) -> list[_Ind]:
        """Counts under 数量指标 not consumed yet."""
        return [
            i for i in self.indicators if i.is_count and i.level2 == "数量指标" and i.pos not in self.consumed
        ]

    def durations(self, dimension: str) -> list[_Ind]:
        """Counts in ``dimension`` (天, 个月, 年 …) anywhere in the table, not consumed yet."""
        open_counts = [i for i in self.indicators if i.is_count and i.pos not in self.consumed]
        return [i for i in open_counts if i.unit_dim == dimension]


# --- strategies -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strategy:
    """A pricing strategy: a code for the ``method`` column, names, and the function."""

    code: str
    zh: str
    en: str
    price: Callable[[_Pool], list[_Term]]


def price_name_quantity(pool: _Pool) -> list[_Term]:
    """Quantity printed in a cost row's own name × the unit cost it prints (饲料库120平米 | 490元/平米).

    A rate prices the name's quantity when its denominator has the quantity's dimension. An amount with
    no denominator (防疫室84平米 | ≥1050元) is read per unit only when a rate of the same table prices a
    quantity of that dimension the same way (the rows beside it are 元/平米); otherwise it stays a stated
    amount, since 慰问100人 | 5万元 is a total, not 5万元 a head.
    """
    costs = [c for c in pool.costs() if c.name_unit and not _isnan(c.name_num)]
    rates = [c for c in costs if c.kind == "rate" and c.per_dim == c.name_dim and not c.per_time]
    dims = {c.name_dim for c in rates}
    amounts = [c for c in costs if c.kind == "money" and not c.item_dim and c.name_dim in dims]
    terms: list[_Term] = []
    for cost in sorted(rates + amounts, key=lambda c: c.pos):
        basis = "quantity in the name" if cost.kind == "rate" else "quantity in the name, amount per unit as beside"
        formula = f"{_fmt_num(cost.name_num)}{cost.name_unit}×{cost.shown}"
        terms.append(_Term("name_quantity", basis, cost, cost.name_num * cost.value_yuan, formula,
                           cost, cost.name_num, cost.name_unit))
        pool.priced.add(cost.pos)
    return terms


def price_meeting(pool: _Pool) -> list[_Term]:
    """Meeting: headcount × days × a per-person-per-day rate (人 × 天 × 元/天).

    Takes rates per day when the rate or a headcount (人 under 数量指标) names a
    meeting (:data:`MEETING_WORDS`) and a count in days exists anywhere in the
    table (the seed has 会议召开天数 2天 under 成本指标). The headcount and the days
    are shared by all the meeting's day rates and are then consumed, so the
    general pairing cannot reuse them (参加会议人数 ≤300人 stays the meeting's;
    奖励发放 10000元/人 then goes to the other headcount).
    """
    rates = [c for c in pool.costs() if c.kind == "rate" and c.per_dim == "day"]
    heads = [q for q in pool.quantities() if q.unit_dim == "person"]
    days = pool.durations("day")
    if not rates or not heads or not days:
        return []
    meeting_heads = [h for h in heads if _has_meeting_word(h.name)]
    terms: list[_Term] = []
    used: set[int] = set()
    for rate in rates:
        # Meeting headcounts first; another headcount only if it is the only one and the rate names a meeting.
        candidates = meeting_heads or (heads if _has_meeting_word(rate.name) and len(heads) == 1 else [])
        if not candidates:
            continue
        head, _ = _best(rate, candidates)
        day, _ = _best(rate, days)
        subtotal = head.num * day.num * rate.value_yuan
        formula = f"{head.shown}×{day.shown}×{rate.shown}"
        terms.append(
            _Term("meeting", "meeting headcount × days", rate, subtotal, formula,
                  head, head.num, head.unit, day, day.num, day.unit)
        )
        pool.priced.add(rate.pos)
        used |= {head.pos, day.pos}
    pool.consumed |= used
    return terms


def price_per_capita_cap(pool: _Pool) -> list[_Term]:
    """Per-capita cap: a 人均 rate per year (or per month × months) × the matching headcount.

    Takes rates whose name or qualifier says 人均 and whose denominator is a year
    or a month (人均养老保险缴纳标准 ≤1.78万元/年). The headcount is the 人 count
    under 数量指标 whose name matches best (缴纳养老保险人数 38人); headcounts are
    shared, not consumed, since the same staff pay several contributions. Below
    the similarity threshold a headcount is still used when all candidates give
    the same number or only one exists. A headcount the best match of several
    caps belongs to the best-matching one; the others are marked ``shared`` (the
    seed's 人均工伤保险缴纳标准 has no headcount of its own and borrows
    缴纳失业保险人数 38人). A monthly cap is also multiplied by the months count
    (default 12).
    """
    heads = [q for q in pool.quantities() if q.unit_dim == "person"]
    caps = [
        c for c in pool.costs() if c.kind == "rate" and c.per_capita and c.per_dim in {"year", "month"}
    ]
    if not heads or not caps:
        return []
    chosen: list[tuple[_Ind, _Ind, float, str]] = []
    for cost in caps:
        head, score = _best(cost, heads)
        if score >= pool.min_similarity:
            basis = "headcount by name"
        elif len({h.num for h in heads}) == 1:
            basis = "headcount shared by all 人 targets"
        elif len(heads) == 1:
            basis = "only headcount"
        else:
            continue
        chosen.append((cost, head, score, basis))
    # A headcount matched by several caps belongs to the best-matching one; the others share it.
    owner = {}
    for cost, head, score, _ in chosen:
        if head.pos not in owner or score > owner[head.pos][1]:
            owner[head.pos] = (cost.pos, score)
    terms: list[_Term] = []
    for cost, head, _, basis in chosen:
        if basis == "headcount by name" and owner[head.pos][0] != cost.pos:
            basis = "headcount by name, shared"
        if cost.per_dim == "month":
            months = pool.durations("month")
            mult = months[0] if months else None
            mult_num, mult_unit = (mult.num, mult.unit) if mult else (12.0, "个月")
            if mult is None:
                basis += "; assumed 12个月"
            subtotal = head.num * mult_num * cost.value_yuan
            formula = f"{head.shown}×{_fmt_num(mult_num)}{mult_unit}×{cost.shown}"
        else:
            mult, mult_num, mult_unit = None, math.nan, ""
            subtotal = head.num * cost.value_yuan
            formula = f"{head.shown}×{cost.shown}"
        terms.append(_Term("per_capita_cap", basis, cost, subtotal, formula, head, head.num, head.unit,
                           mult, mult_num, mult_unit))
        pool.priced.add(cost.pos)
    return terms


def price_monthly(pool: _Pool) -> list[_Term]:
    """Monthly rates × months (元/月 × 社保缴纳月数 12个月); 12 months assumed when no count says.

    The months count (a count in 个月/月 anywhere in the table, best name match)
    is shared by all monthly rates and then consumed.
    """
    return _price_per_period(pool, "month", "monthly", default=12.0, default_unit="个月")


def price_per_year(pool: _Pool) -> list[_Term]:
    """Rates per year × years (2025年监测费用 3600元/年 × 1年); one year assumed when no count says."""
    return _price_per_period(pool, "year", "per_year", default=1.0, default_unit="年")


def price_daily(pool: _Pool) -> list[_Term]:
    """Rates per day that are not a meeting's × the days count; left unpriced without one."""
    return _price_per_period(pool, "day", "daily", default=None, default_unit="天")


def price_per_item(pool: _Pool) -> list[_Term]:
    """Cost per item: an amount named 每X… × the count in X (每项…费用 6万元 × 开展…数量 5项).

    The X after 每 in the name (or a 每X qualifier) gives the dimension; the count
    is the best-matching quantity of that dimension, paired one to one.
    """
    costs = [c for c in pool.costs() if c.kind == "money" and c.item_dim]
    return _pair_terms(pool, costs, lambda c: c.item_dim, "per_item")


def price_quantity_unit_cost(pool: _Pool) -> list[_Term]:
    """Quantity × unit cost: a rate per X × the count in X (200户 × 平均3500元/户), one to one.

    Pairs are made greedily, best name similarity first; a pair below the
    threshold is made only when it is the last cost and the last quantity of its
    dimension.
    """
    costs = [
        c for c in pool.costs() if c.kind == "rate" and c.per_dim and c.per_dim not in DURATION_DIMENSIONS
    ]
    return _pair_terms(pool, costs, lambda c: c.per_dim, "quantity×unit_cost")


def price_cost_amounts(pool: _Pool) -> list[_Term]:
    """Stated amounts: money cost targets with no denominator count as they are (≤500万元).

    A count of exactly 1 whose name matches (划拨分成厅(局)级工会 1项) is linked to
    the amount so the quantity shows as priced; it does not change the sum.
    """
    terms: list[_Term] = []
    for cost in pool.costs():
        if cost.kind != "money" or cost.item_dim:
            continue
        ones = [q for q in pool.quantities() if q.num == 1]
        qty, score = _best(cost, ones) if ones else (None, 0.0)
        if qty is not None and score >= pool.min_similarity:
            pool.consumed.add(qty.pos)
            term = _Term("cost_amounts", "stated amount, 1 unit by name", cost, cost.value_yuan,
                         f"{qty.shown}×{cost.shown}", qty, qty.num, qty.unit)
        else:
            term = _Term("cost_amounts", "stated amount", cost, cost.value_yuan, cost.shown)
        terms.append(term)
        pool.priced.add(cost.pos)
    return terms


#: The pricing strategies, in the order they are tried on every project.
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("name_quantity", "名称所列数量×单位成本", "quantity in the name × unit cost", price_name_quantity),
    Strategy("meeting", "会议费：人数×天数×标准", "meeting: headcount × days × rate per day", price_meeting),
    Strategy("per_capita_cap", "人均标准×人数", "per-capita cap × headcount", price_per_capita_cap),
    Strategy("monthly", "月标准×月数", "monthly rate × months", price_monthly),
    Strategy("per_year", "年标准×年数", "rate per year × years", price_per_year),
    Strategy("daily", "日标准×天数", "rate per day × days", price_daily),
    Strategy("per_item", "每项费用×项数", "cost per item × items", price_per_item),
    Strategy("quantity×unit_cost", "数量×单位成本", "quantity × unit cost", price_quantity_unit_cost),
    Strategy("cost_amounts", "成本金额合计", "stated cost amounts", price_cost_amounts),
)

#: Method code used when no indicator can be priced but the goal states components.
GOAL_METHOD = "goal_components"


def list_strategies() -> pd.DataFrame:
    """Return the pricing strategies in the order they are tried, with what each does.

    Examples:
        >>> list_strategies()["code"].tolist()[:3]
        ['name_quantity', 'meeting', 'per_capita_cap']
    """
    rows = [
        {"order": n, "code": s.code, "zh": s.zh, "en": s.en, "description": _first_line(s.price.__doc__)}
        for n, s in enumerate(STRATEGIES, 1)
    ]
    rows.append({"order": len(rows) + 1, "code": GOAL_METHOD, "zh": "目标分项金额合计",
                 "en": "components stated in the goal", "description": _first_line(goal_components.__doc__)})
    return pd.DataFrame(rows).astype({"order": "int64"})


# --- public entry points ---------------------------------------------------------------------------------


def price_terms(project_indicators: pd.DataFrame, *, min_similarity: float = 0.3) -> pd.DataFrame:
    """Price the indicators of one or more projects and return one row per term.

    Args:
        project_indicators: indicator rows (the indicators contract); several
            projects are priced separately by ``project_id``.
        min_similarity: name similarity a pair needs (see :func:`name_similarity`).

    Returns:
        A frame with :data:`TERM_COLUMNS`: the quantity (and multiplier, such as
        days or months) with their indicator and ``seq``, the cost indicator, the
        unit cost in 元, the subtotal in 元, the strategy (``method``), how the
        pair was made (``basis``) and the ``formula`` as printed in explanations.

    Raises:
        ReconciliationError: a required column is missing or ``min_similarity`` is not in [0, 1].

    Examples:
        >>> inds = pd.DataFrame({
        ...     "project_id": ["p", "p"], "seq": [1, 2], "level2": ["数量指标", "成本指标"],
        ...     "indicator": ["开展竞赛数量", "每项竞赛费用"], "value": ["5项", "6万元"],
        ...     "kind": ["count", "money"], "num": [5.0, 6.0], "unit": ["项", "万元"],
        ...     "per_unit": [None, None], "value_yuan": [None, 60000.0]})
        >>> terms = price_terms(inds)
        >>> terms[["method", "quantity", "unit_cost_yuan", "subtotal_yuan", "formula"]].values.tolist()
        [['per_item', 5.0, 60000.0, 300000.0, '5项×6万元']]
    """
    _check_similarity(min_similarity)
    _require(project_indicators, _REQUIRED_INDICATOR_COLUMNS, "indicators")
    rows: list[dict[str, object]] = []
    for project_id, inds in _indicators_by_project(project_indicators).items():
        terms, _ = _price(inds, min_similarity)
        rows.extend(_term_row(project_id, n, t) for n, t in enumerate(terms, 1))
    return typed_frame(rows, TERM_COLUMNS)


def reconcile_costs(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    tolerance_pct: float = 0.5,
    tolerance_wan: float = 0.1,
    min_similarity: float = 0.3,
) -> pd.DataFrame:
    """Reconcile every project's quantity × unit-cost targets with its budget.

    Args:
        projects: the projects table (needs ``project_id`` and ``total_wan``;
            ``project``, ``implementing_unit`` and ``goal`` are used when present).
        indicators: the indicators table (parsed values: ``kind``, ``num``,
            ``unit``, ``per_unit``, ``value_yuan`` …).
        tolerance_pct: a gap within this percentage of the budget closes …
        tolerance_wan: … or within this many 万元, whichever is larger.
        min_similarity: name similarity a quantity–cost pair needs.

    Returns:
        One row per project, in the order of ``projects``, with
        :data:`RECONCILE_COLUMNS`: ``implied_wan`` (the priced total), ``budget_wan``
        (项目总额), ``gap_wan`` (implied − budget), ``gap_pct`` (gap / budget × 100;
        NaN for a zero budget), ``status`` (one of :data:`STATUSES`), ``method``
        (the strategy codes, ``+``-joined; NaN when nothing was priced), the
        arithmetic in ``explanation_zh``/``explanation_en``, ``n_terms``,
        ``unpriced_costs`` (cost targets no strategy could price, ``；``-joined)
        ``goal_wan`` (the sum of the components the goal states, if any) and
        ``table_status`` (the project table's ``status``: a ``partial`` table may lack
        terms, which the explanation says).

    Raises:
        ReconciliationError: a required column is missing, ``project_id`` repeats
            in ``projects``, or a tolerance is negative.

    Examples:
        >>> projects = pd.DataFrame({"project_id": ["a"], "total_wan": [0.36]})
        >>> inds = pd.DataFrame({
        ...     "project_id": ["a"], "seq": [1], "level2": ["成本指标"], "indicator": ["监测费用"],
        ...     "value": ["3600元/年"], "kind": ["rate"], "num": [3600.0], "unit": ["元"],
        ...     "per_unit": ["年"], "value_yuan": [3600.0]})
        >>> reconcile_costs(projects, inds)[["status", "method", "basis"]].values.tolist()
        [['stated_only', 'per_year', 'total']]
    """
    costs, _ = _reconcile(projects, indicators, tolerance_pct, tolerance_wan, min_similarity, terms=False)
    return costs


def reconcile_and_price(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    tolerance_pct: float = 0.5,
    tolerance_wan: float = 0.1,
    min_similarity: float = 0.3,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reconcile every project and return its terms too, pricing each project once.

    The same as ``(reconcile_costs(projects, indicators), price_terms(indicators))``
    restricted to the projects of ``projects``, at the cost of one of them: 02_costs
    writes both, so 03_audit reads them instead of pricing every project again.

    Returns:
        ``(costs, terms)``: :func:`reconcile_costs`' frame and :func:`price_terms`'
        frame of the projects of ``projects``, in their order.

    Raises:
        ReconciliationError: as :func:`reconcile_costs`.

    Examples:
        >>> projects = pd.DataFrame({"project_id": ["a", "b"], "total_wan": [0.36, 1.0]})
        >>> inds = pd.DataFrame({
        ...     "project_id": ["b", "a"], "seq": [1, 1], "level2": ["成本指标"] * 2,
        ...     "indicator": ["监测费用"] * 2, "value": ["3600元/年"] * 2, "kind": ["rate"] * 2,
        ...     "num": [3600.0] * 2, "unit": ["元"] * 2, "per_unit": ["年"] * 2, "value_yuan": [3600.0] * 2})
        >>> costs, terms = reconcile_and_price(projects, inds)
        >>> costs.equals(reconcile_costs(projects, inds)), terms["project_id"].tolist()
        (True, ['a', 'b'])
    """
    return _reconcile(projects, indicators, tolerance_pct, tolerance_wan, min_similarity, terms=True)


def _reconcile(
    projects: pd.DataFrame,
    indicators: pd.DataFrame,
    tolerance_pct: float,
    tolerance_wan: float,
    min_similarity: float,
    *,
    terms: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reconcile every project (one pass over the indicators); the terms too when asked."""
    if tolerance_pct < 0 or tolerance_wan < 0:
        raise ReconciliationError(f"tolerances must not be negative: {tolerance_pct}%, {tolerance_wan}万元")
    _check_similarity(min_similarity)
    _require(projects, _REQUIRED_PROJECT_COLUMNS, "projects")
    _require(indicators, _REQUIRED_INDICATOR_COLUMNS, "indicators")
    dupes = projects["project_id"][projects["project_id"].duplicated()]
    if len(dupes):
        raise ReconciliationError("project_id repeats in projects", text=str(dupes.iloc[0]))
    by_project = _indicators_by_project(indicators)
    orphans = set(by_project) - set(projects["project_id"])
    if orphans:
        logger.warning("indicators of %d project(s) not in projects ignored: %s", len(orphans), orphans)
    used = [c for c in _PROJECT_FIELDS if c in projects.columns]
    rows, term_rows = [], []
    for project in projects[used].to_dict("records"):
        priced = _price(by_project.get(project["project_id"], []), min_similarity)
        rows.append(_reconcile_one(project, priced, tolerance_pct, tolerance_wan))
        if terms:
            term_rows.extend(_term_row(project["project_id"], n, t) for n, t in enumerate(priced[0], 1))
    costs = typed_frame(rows, RECONCILE_COLUMNS)
    if len(costs) > 1:
        counts = costs["status"].value_counts()
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        logger.info("reconciled %d project(s): %s", len(costs), summary)
    return costs, typed_frame(term_rows, TERM_COLUMNS) if terms else pd.DataFrame()


# --- reconciliation of one project -------------------------------------------------------------------------


def _reconcile_one(
    project: Mapping[str, object],
    priced: tuple[list[_Term], _Pool],
    tolerance_pct: float,
    tolerance_wan: float,
) -> dict[str, object]:
    terms, pool = priced
    budgets = _budgets(project)
    budget, basis = budgets[0] if budgets else (math.nan, "")
    components = goal_components(_text(project.get("goal")), None if _isnan(budget) else budget)
    goal_wan = round(sum(a for _, a in components), 6) if components else math.nan
    unpriced = pool.costs()
    stated = bool(terms) and all(_is_stated(t) for t in terms)
    method: str | None = None
    implied, formula = math.nan, ""
    if terms:
        implied = round(sum(t.subtotal_yuan for t in terms) / 1e4, 6)
        codes = [s.code for s in STRATEGIES if any(t.method == s.code for t in terms)]
        method = "+".join(codes)
        formula = " + ".join(t.formula for t in terms)

    def closes(amount: float, against: float) -> bool:
        limit = max(tolerance_pct / 100 * abs(against), tolerance_wan)
        return abs(round(amount - against, 6)) <= limit + 1e-9

    if not _isnan(implied) and budgets:  # the annual budget first; the total when only it closes
        budget, basis = next(((b, k) for b, k in budgets if closes(implied, b)), budgets[0])
    gap = round(implied - budget, 6) if not (_isnan(implied) or _isnan(budget)) else math.nan
    gap_pct = gap / budget * 100 if not _isnan(gap) and budget != 0 else math.nan
    if stated:  # a restatement is equal to the budget (or its parts sum to it), not merely near it
        equal = not _isnan(budget) and abs(implied - budget) <= max(0.005 * abs(budget), tolerance_wan) + 1e-9
        status = "stated_only" if equal else "not_priceable"
    elif _isnan(budget) and not _isnan(implied):
        status = _NO_BUDGET
    elif _isnan(implied):
        status = "not_priceable"
    else:
        status = "closes" if closes(implied, budget) else "does_not_close"

    if status in ("closes", "does_not_close", _NO_BUDGET):
        zh, en = _explain(status, formula, implied, budget, gap, gap_pct, terms, pool, unpriced, components,
                          method)
        zh, en = zh + f"；对照{_BASIS_WORDS[basis][0]}", en + f"; against the {_BASIS_WORDS[basis][1]}"
    else:
        zh, en = _unpriced_reason(status, terms, pool, budget, basis, components)
        implied, gap, gap_pct = math.nan, math.nan, math.nan
    table_status = project.get("status")
    if table_status == "partial":  # rows may be missing: the sum may lack terms
        zh += f"；项目表不完整（{_text(project.get('status_reason'))}），测算可能缺项"
        en += f"; the table is partial ({_text(project.get('status_reason'))}): terms may be missing"
    if status == "does_not_close":
        logger.debug("%s does not close: %s", project["project_id"], en)
    return {
        "project_id": project["project_id"],
        "project": project.get("project"),
        "implementing_unit": project.get("implementing_unit"),
        "implied_wan": implied,
        "budget_wan": budget,
        "basis": basis or None,
        "gap_wan": gap,
        "gap_pct": gap_pct,
        "status": "not_priceable" if status == _NO_BUDGET else status,
        "method": method,
        "explanation_zh": zh,
        "explanation_en": en,
        "n_terms": len(terms) if status in ("closes", "does_not_close", _NO_BUDGET) else 0,
        "unpriced_costs": "；".join(f"{c.name} {c.value}" for c in unpriced) or None,
        "goal_wan": goal_wan,
        "table_status": None if table_status is None or _isnan(table_status) else table_status,
        "terms": _terms_json(terms) if status in ("closes", "does_not_close", _NO_BUDGET) else "[]",
    }


#: How a budget is named in an explanation: ``annual`` (this year's funds) or ``total`` (the whole project).
_BASIS_WORDS = {
    "annual": ("年度预算", "annual budget"),
    "annual = total": ("年度预算（即项目总额）", "annual budget (= the project total)"),
    "total": ("项目总额（多年）", "project total (all years)"),
    "": ("预算", "budget"),
}


def _budgets(project: Mapping[str, object]) -> list[tuple[float, str]]:
    """The budgets a project can be priced against, this year's first: ``[(万元, basis)]``."""
    total, annual = _float(project.get("total_wan")), _float(project.get("annual_total_wan"))
    if _isnan(annual) or (not _isnan(total) and abs(annual - total) < 1e-6):
        return [] if _isnan(total) else [(total, "annual = total" if not _isnan(annual) else "total")]
    return [(annual, "annual")] + ([] if _isnan(total) else [(total, "total")])


def _count_factor(unit: str) -> float:
    """How many base units one ``unit`` is (``count_factor`` of units.csv: 万人 → 10000), else 1."""
    factor = load_units().get(unit or "", {}).get("count_factor") or ""
    return float(factor) if factor else 1.0


def _unit_kind(unit: str) -> str:
    """The kind ``metadata/units.csv`` gives ``unit`` (money, percent, count), ``""`` when it is not listed."""
    return load_units().get(unit, {}).get("kind", "")


def _is_stated(term: _Term) -> bool:
    """A term that restates an amount rather than pricing one: no quantity multiplies it (or a count of 1)."""
    return term.method == "cost_amounts" or (term.method == "per_year" and term.basis.startswith("assumed"))


def _terms_json(terms: Sequence[_Term]) -> str:
    """The terms as ANALYSES.md spells them: the indicators paired, their printed values and the subtotal in 元."""
    rows = []
    for t in terms:
        q = t.quantity
        rows.append({
            "quantity": q.name if q is not None else None,
            "quantity_value": (q.value if q is not t.cost else f"{_fmt_num(t.quantity_num)}{t.quantity_unit}")
            if q is not None else None,
            "multiplier": t.multiplier.name if t.multiplier is not None else None,
            "unit_cost": t.cost.name,
            "unit_cost_value": t.cost.value,
            "subtotal_yuan": round(t.subtotal_yuan, 2),
        })
    return json.dumps(rows, ensure_ascii=False)


def _unpriced_reason(
    status: str, terms: Sequence[_Term], pool: _Pool, budget: float, basis: str,
    components: Sequence[tuple[str, float]],
) -> tuple[str, str]:
    """Why a project is not priced (or only stated), in words a researcher accepts: Chinese and English."""
    zh: list[str] = []
    en: list[str] = []
    money = [i for i in pool.indicators if i.kind in {"money", "rate"} and not _isnan(i.value_yuan)]
    cost_rows = [i for i in pool.indicators if i.level2 in COST_LABELS or i.level1 in COST_LABELS]
    counts = [i for i in pool.indicators if i.is_count and i.unit and i.unit_dim not in DURATION_DIMENSIONS
              and _unit_kind(i.unit) == "count"]
    shown = "、".join
    if status == _NO_BUDGET:
        zh.append("未列预算金额，无法对照")
        en.append("no budget is printed to compare with")
    elif terms:  # every money row is an amount no quantity multiplies
        stated_sum = round(sum(t.subtotal_yuan for t in terms) / 1e4, 6)
        rows = shown(f"{t.cost.name}「{t.cost.value}」" for t in terms)
        if status == "stated_only":
            zh.append(f"仅列明金额：{rows}合计{format_wan(stated_sum)}，即{_BASIS_WORDS[basis][0]}{format_wan(budget)}，"
                      "无数量×单价")
            en.append(f"stated, not priced: the money rows {rows} come to {format_wan(stated_sum)}, "
                      f"which is the {_BASIS_WORDS[basis][1]} {format_wan(budget)}; no quantity × unit cost")
        else:
            zh.append(f"成本指标只列金额、无数量：{rows}合计{format_wan(stated_sum)}，与预算{format_wan(budget)}不符")
            en.append(f"a cost row with no quantity: {rows} come to {format_wan(stated_sum)}, not the "
                      f"{_BASIS_WORDS[basis][1]} {format_wan(budget)}")
    elif not money:
        if cost_rows:
            rows = shown(f"{c.name}「{c.value}」" for c in cost_rows)
            zh.append(f"无金额指标：成本指标{rows}未列金额")
            en.append(f"no money row: the cost rows {rows} state no amount")
        else:
            zh.append("无成本指标，也无金额指标")
            en.append("no cost row and no money row")
    else:
        for c in money:
            if c.kind == "rate" and c.per_dim and not any(q.unit_dim == c.per_dim for q in counts):
                have = shown(sorted({q.unit for q in counts})) or "无"
                zh.append(f"单位无法配对：{c.name}「{c.value}」按{c.per_unit}计，数量指标单位为{have}")
                en.append(f"units that cannot pair: {c.name} '{c.value}' is per {c.per_unit}, the counts are in {have}")
            else:
                zh.append(f"成本指标无对应数量：{c.name}「{c.value}」")
                en.append(f"a cost row with no quantity: {c.name} '{c.value}'")
    unpriced_counts = [q for q in counts if q.level2 == "数量指标"]
    if unpriced_counts and status != "stated_only":
        zh.append(f"数量指标无单价：{shown(q.name + q.shown for q in unpriced_counts[:4])}")
        en.append(f"quantities without a unit cost: {shown(q.name + ' ' + q.shown for q in unpriced_counts[:4])}")
    if components:
        listed = " + ".join(f"{n}{format_wan(a)}" for n, a in components)
        total = round(sum(a for _, a in components), 6)
        zh.append(f"目标表述分项 {listed} = {format_wan(total)}（非指标测算）")
        en.append(f"the goal states components {listed} = {format_wan(total)} (stated, not priced)")
    if status not in (_NO_BUDGET, "stated_only") and not terms:  # stated terms already named the budget
        zh.append(f"{_BASIS_WORDS[basis][0]}{format_wan(budget)}")
        en.append(f"{_BASIS_WORDS[basis][1]} {format_wan(budget)}")
    return "；".join(zh), "; ".join(en)


def _explain(
    status: str,
    formula: str,
    implied: float,
    budget: float,
    gap: float,
    gap_pct: float,
    terms: Sequence[_Term],
    pool: _Pool,
    unpriced: Sequence[_Ind],
    components: Sequence[tuple[str, float]],
    method: str | None,
) -> tuple[str, str]:
    """Return the Chinese and English explanation of one reconciliation."""
    zh: list[str] = []
    en: list[str] = []
    if status == "not_priceable":
        costs = [i for i in pool.indicators if i.is_cost]
        if costs:
            names = "、".join(f"{c.name} {c.value}" for c in unpriced)
            zh.append(f"成本指标无法与数量指标配对：{names}")
            en.append(f"no cost target pairs with a quantity target: {names}")
        else:
            zh.append("无可测算的成本指标（金额或单价）")
            en.append("no cost target with an amount or unit cost")
        zh.append(f"预算{format_wan(budget)}")
        en.append(f"budget {format_wan(budget)}")
    else:
        pct = "" if _isnan(gap_pct) else f"（{gap_pct:+.2f}%）"
        pct_en = "" if _isnan(gap_pct) else f" ({gap_pct:+.2f}%)"
        zh.append(f"{formula} = {format_wan(implied)}，预算{format_wan(budget)}，"
                  f"差额{format_wan(gap, signed=True)}{pct}，{_STATE_WORDS[status][0]}")
        en.append(f"{formula} = {format_wan(implied)} vs {format_wan(budget)}: "
                  f"gap {format_wan(gap, signed=True)}{pct_en}, {_STATE_WORDS[status][1]}")
        if not _isnan(budget) and budget == 0:
            zh.append("预算为0，无法计算差额百分比")
            en.append("budget is 0, no gap percentage")
        if method:
            zh.append(f"测算方法 {method}")
            en.append(f"priced by {method}")
    weak = [t for t in terms if t.basis in _WEAK_BASES or "assumed" in t.basis or "shared" in t.basis]
    for t in weak:
        if t.basis.startswith("assumed"):
            zh.append(f"{t.cost.name}：无数量指标说明期数，按{_fmt_num(t.quantity_num)}{t.quantity_unit}计")
            en.append(f"{t.cost.name}: {t.basis}, no count states it")
        else:
            q = t.quantity.name if t.quantity is not None else ""
            zh.append(f"{t.cost.name}与{q}配对（{_BASIS_ZH.get(t.basis, t.basis)}）")
            en.append(f"{t.cost.name} paired with {q} ({t.basis})")
    if any(t.quantity is not None and t.quantity.approximate for t in terms) or any(
        t.cost.approximate for t in terms
    ):
        zh.append("上下限或约数按所列数值计算")
        en.append("bounds and approximations (≥ ≤ > 约) taken at face value")
    if unpriced and status != "not_priceable":
        names = "、".join(f"{c.name} {c.value}" for c in unpriced)
        zh.append(f"未能测算：{names}")
        en.append(f"unpriced: {names}")
    if pool.duplicates:
        names = "、".join(f"{c.name} {c.value}" for c in pool.duplicates)
        zh.append(f"重复成本指标只计一次：{names}")
        en.append(f"duplicate cost target counted once: {names}")
    if components and method != GOAL_METHOD:
        total = round(sum(a for _, a in components), 6)
        listed = " + ".join(f"{n}{format_wan(a)}" for n, a in components)
        zh.append(f"目标表述分项 {listed} = {format_wan(total)}")
        en.append(f"the goal states components {listed} = {format_wan(total)}")
    return "；".join(zh), "; ".join(en)


def _price(indicators: list[_Ind], min_similarity: float) -> tuple[list[_Term], _Pool]:
    """Run the strategies over one project's indicators; return the terms and the pool."""
    pool = _Pool(indicators, min_similarity)
    terms: list[_Term] = []
    for strategy in STRATEGIES:
        found = strategy.price(pool)
        if found:
            logger.debug("strategy %s priced %d term(s)", strategy.code, len(found))
        terms.extend(found)
    return terms, pool


def _price_per_period(
    pool: _Pool, dimension: str, code: str, *, default: float | None, default_unit: str
) -> list[_Term]:
    rates = [c for c in pool.costs() if c.kind == "rate" and c.per_dim == dimension and not c.per_capita]
    if not rates:
        return []
    periods = pool.durations(dimension)
    if not periods and default is None:
        return []
    terms: list[_Term] = []
    used: set[int] = set()
    for rate in rates:
        if periods:
            period, _ = _best(rate, periods)
            num, unit, basis = period.num, period.unit, f"{default_unit} count"
            used.add(period.pos)
        else:
            period, num, unit = None, float(default or 0.0), default_unit
            basis = f"assumed {_fmt_num(num)}{unit}"
        subtotal = num * rate.value_yuan
        formula = f"{_fmt_num(num)}{unit}×{rate.shown}"
        terms.append(_Term(code, basis, rate, subtotal, formula, period, num, unit))
        pool.priced.add(rate.pos)
    pool.consumed |= used
    return terms


def _pair_terms(pool: _Pool, costs: Sequence[_Ind], dim_of: Callable[[_Ind], str], code: str) -> list[_Term]:
    """Pair costs and quantities one to one by dimension and name; make the terms."""
    quantities = pool.quantities()
    candidates = [
        (name_similarity(c.name, q.name), c, q) for c in costs for q in quantities if dim_of(c) == q.unit_dim
    ]
    candidates.sort(key=lambda t: (-t[0], t[2].pos, t[1].pos))
    paired: list[tuple[_Ind, _Ind, str]] = []
    done_c: set[int] = set()
    done_q: set[int] = set()
    for score, cost, qty in candidates:
        if score >= pool.min_similarity and cost.pos not in done_c and qty.pos not in done_q:
            paired.append((cost, qty, "name"))
            done_c.add(cost.pos)
            done_q.add(qty.pos)
    for dim in {dim_of(c) for c in costs}:
        left_c = [c for c in costs if dim_of(c) == dim and c.pos not in done_c]
        left_q = [q for q in quantities if q.unit_dim == dim and q.pos not in done_q]
        if len(left_c) == 1 and len(left_q) == 1:
            paired.append((left_c[0], left_q[0], "only candidate"))
            done_c.add(left_c[0].pos)
            done_q.add(left_q[0].pos)
    paired.sort(key=lambda p: (p[1].pos, p[0].pos))
    terms = []
    for cost, qty, basis in paired:
        scale = qty.unit_factor / cost.per_factor  # 450万人 × 800元/人: 4,500,000 heads
        if cost.per_time == "month":  # 元/人·月 × 人: twelve months a year
            subtotal = qty.num * scale * 12 * cost.value_yuan
            terms.append(_Term(code, basis + "; assumed 12个月", cost, subtotal,
                               f"{qty.shown}×12个月×{cost.shown}", qty, qty.num, qty.unit))
        else:
            subtotal = qty.num * scale * cost.value_yuan
            terms.append(_Term(code, basis, cost, subtotal, f"{qty.shown}×{cost.shown}", qty, qty.num, qty.unit))
        pool.priced.add(cost.pos)
        pool.consumed.add(qty.pos)
    return terms


def _best(target: _Ind, candidates: Sequence[_Ind]) -> tuple[_Ind, float]:
    """Return the candidate whose name matches ``target`` best (ties: lowest seq) and its score."""
    scored = [(name_similarity(target.name, c.name), c) for c in candidates]
    score, best = min(scored, key=lambda t: (-t[0], t[1].pos))
    return best, score


# --- rows, text and frames ------------------------------------------------------------------------------


def _indicators_by_project(indicators: pd.DataFrame) -> dict[object, list[_Ind]]:
    """Every project's indicators as the strategies see them, in one pass over the frame.

    Projects come in order of first appearance, each project's rows sorted by ``seq``
    (stable, missing ``seq`` last), ``pos`` counting from 0 in that order. Text columns
    are normalised once per distinct value, not once per row.
    """
    if indicators.empty:
        return {}
    codes, uniques = pd.factorize(indicators["project_id"], use_na_sentinel=False)
    seq = _floats(indicators, "seq")
    order = indicator_order(indicators)
    text = {name: _texts(indicators, name) for name in _INDICATOR_TEXT}
    numbers = {name: _floats(indicators, name).tolist() for name in ("num", "value_yuan")}
    seqs = seq.tolist()
    keys = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    out: dict[object, list[_Ind]] = {}
    for i in order.tolist():
        inds = out.setdefault(keys[codes[i]], [])
        inds.append(_indicator(
            len(inds), seqs[i], text["indicator"][i], text["value"][i], text["kind"][i], text["op"][i],
            text["qualifier"][i], numbers["num"][i], text["unit"][i], text["per_unit"][i],
            numbers["value_yuan"][i], text["level1"][i], text["level2"][i],
        ))
    return out


def _indicator(
    pos: int, seq: float, name: str, value: str, kind: str, op: str, qualifier: str, num: float,
    unit: str, per_unit: str, value_yuan: float, level1: str, level2: str,
) -> _Ind:
    if kind not in {"money", "rate"}:
        first = value_unit_first(value)
        if first is not None:  # 万元≤184.94: the unit printed before the number
            kind, op, qualifier, num, unit = first.kind, first.op or "", first.qualifier or "", first.num, first.unit
            per_unit, value_yuan = first.per_unit or "", _float(first.value_yuan)
    if not _norm_unit(unit):
        named = value_with_name_unit(name, value)
        if named is not None:  # 开展培训(次) | 4: the unit is the name's
            kind, op, qualifier, num, unit = named.kind, named.op or "", named.qualifier or "", named.num, named.unit
            per_unit, value_yuan = named.per_unit or "", _float(named.value_yuan)
            num = _float(num)
    qualifier = _norm_strip(qualifier)
    unit = _norm_unit(unit)
    per_unit = _norm_unit(per_unit)
    key = _key(name)
    per_capita = qualifier == "人均" or "人均" in key
    per_first, per_time = _split_per(per_unit)
    per_dim = unit_dimension(per_first) if per_first else ""
    if not per_dim and qualifier == "人均":
        per_dim = "person"
    in_name = quantity_in_name(name)
    return _Ind(
        pos=pos,
        seq=None if math.isnan(seq) else int(seq),
        level1=_label(level1),
        level2=_label(level2),
        name=name,
        value=value,
        kind=kind.strip(),
        op=_norm_strip(op),
        qualifier=qualifier,
        num=num,
        unit=unit,
        unit_dim=unit_dimension(unit) if unit else "",
        per_unit=per_unit,
        per_dim=per_dim,
        value_yuan=value_yuan,
        per_capita=per_capita,
        item_dim=_item_dim(key, qualifier),
        per_time=per_time,
        name_num=in_name[0] if in_name else math.nan,
        name_unit=in_name[1] if in_name else "",
        name_dim=unit_dimension(in_name[1]) if in_name else "",
        unit_factor=_count_factor(unit),
        per_factor=_count_factor(per_first),
    )


@lru_cache(maxsize=1 << 12)
def _split_per(per_unit: str) -> tuple[str, str]:
    """A denominator and the duration it is per: ``生/年`` → ``('生', 'year')``, ``人*月`` → ``('人', 'month')``.

    A plain denominator is its own first part (``户`` → ``('户', '')``); a bare duration stays one (``年``).
    """
    parts = [p for p in re.split(r"[/*·×]", per_unit or "") if p]
    if len(parts) == 1 and per_unit not in _DIMENSION:  # 人月, 人天 printed without a separator
        head = next((u for u in _UNITS_LONGEST_FIRST if per_unit.startswith(u) and per_unit[len(u):] in _DIMENSION), "")
        parts = [head, per_unit[len(head):]] if head else parts
    if len(parts) < 2:
        return per_unit or "", ""
    time = unit_dimension(parts[-1])
    return parts[0], time if time in DURATION_DIMENSIONS else ""


@lru_cache(maxsize=1 << 17)
def _item_dim(key: str, qualifier: str) -> str:
    """The dimension X of a 每X… name or qualifier (每项 → item), or ``""``."""
    for word, unit in (("人均", "人"), ("户均", "户"), ("生均", "生")):  # 人均培训成本 ≤1947元: per head
        if word in key or qualifier == word:
            return _DIMENSION[unit]
    for source in (key, qualifier):
        if source.startswith("每"):
            rest = source[1:]
            unit_word = next((u for u in _UNITS_LONGEST_FIRST if rest.startswith(u)), "")
            if unit_word:
                return _DIMENSION[unit_word]
    return ""


def _texts(frame: pd.DataFrame, name: str) -> list[str]:
    """Column ``name`` as text (``""`` for missing values or a missing column), one conversion per value."""
    if name not in frame.columns:
        return [""] * len(frame)
    codes, uniques = pd.factorize(frame[name])
    table = [_text(u) for u in uniques] + [""]  # code -1 (missing) → ""
    return [table[c] for c in codes.tolist()]


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as floats (NaN for what is not a number, or a missing column)."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    return np.array([_float(v) for v in column], dtype="float64")


def _term_row(project_id: object, n: int, t: _Term) -> dict[str, object]:
    return {
        "project_id": project_id,
        "term": n,
        "method": t.method,
        "basis": t.basis,
        "quantity_seq": t.quantity.seq if t.quantity is not None else None,
        "quantity_indicator": t.quantity.name if t.quantity is not None else None,
        "quantity": t.quantity_num,
        "quantity_unit": t.quantity_unit or None,
        "multiplier_seq": t.multiplier.seq if t.multiplier is not None else None,
        "multiplier_indicator": t.multiplier.name if t.multiplier is not None else None,
        "multiplier": t.multiplier_num,
        "multiplier_unit": t.multiplier_unit or None,
        "cost_seq": t.cost.seq,
        "cost_indicator": t.cost.name,
        "cost_value": t.cost.value,
        "unit_cost_yuan": t.cost.value_yuan,
        "subtotal_yuan": round(t.subtotal_yuan, 4),
        "formula": t.formula,
    }


def _require(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ReconciliationError(f"{what} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ReconciliationError(f"{what} lacks required column(s)", text=", ".join(missing))


def _check_similarity(value: float) -> None:
    if not 0 <= value <= 1:
        raise ReconciliationError(f"min_similarity must be between 0 and 1, not {value}")


def _has_meeting_word(name: str) -> bool:
    key = _key(name)
    return any(w in key for w in MEETING_WORDS)


@lru_cache(maxsize=1 << 17)
def _key(name: str) -> str:
    """Normalised name for comparing: NFKC, radicals, 戶→户, no punctuation or spaces."""
    return _NOT_WORD.sub("", normalize_text(name).translate(_VARIANTS))


def _sim_key(name: str) -> str:
    key = _key(name)
    stripped = key
    for word in GENERIC_TERMS:
        stripped = stripped.replace(word, "")
    stripped = re.sub(r"^每(?:" + "|".join(_UNITS_LONGEST_FIRST) + ")", "", stripped)
    return stripped or key


@lru_cache(maxsize=1 << 12)
def _norm_unit(unit: str) -> str:
    return normalize_text(unit or "").strip().translate(_VARIANTS) if isinstance(unit, str) else ""


@lru_cache(maxsize=1 << 12)
def _label(value: str) -> str:
    return re.sub(r"\s+", "", normalize_text(value))


@lru_cache(maxsize=1 << 12)
def _norm_strip(value: str) -> str:
    return normalize_text(value).strip()


def _text(value: object) -> str:
    return text_of(value)


def _float(value: object) -> float:
    if value is None:
        return math.nan
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _isnan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _fmt_num(value: float) -> str:
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""
