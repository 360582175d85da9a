"""The pricing strategies: quantity × unit cost = subtotal, shape by shape, over one project's indicators.

The strategies of :data:`STRATEGIES` run in their order over a :class:`Pool` (the project's indicators and
what earlier strategies used); each prices the cost targets of its shape and returns its :class:`Term` s.
See :mod:`budgetkit.analyse.reconcile` for how the terms are summed and compared with the budget.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from budgetkit.analyse.cost_indicators import Indicator
from budgetkit.analyse.goal_amounts import goal_components
from budgetkit.analyse.indicator_names import indicator_key, name_similarity
from budgetkit.analyse.wan import fmt_num, isnan
from budgetkit.vocab.units import DURATION_DIMENSIONS

__all__ = [
    "GOAL_METHOD",
    "MEETING_WORDS",
    "STRATEGIES",
    "Pool",
    "Strategy",
    "Term",
    "is_stated",
    "list_strategies",
    "price_project",
]

logger = logging.getLogger(__name__)


#: Words that mark a meeting: a per-day rate with one of them is per person per day.
MEETING_WORDS: tuple[str, ...] = ("会议", "会务", "参会", "大会", "住宿", "伙食")


@dataclass(frozen=True)
class Term:
    """One priced term: quantity (× multiplier) × unit cost = subtotal, with the strategy and how it paired."""

    method: str
    basis: str
    cost: Indicator
    subtotal_yuan: float
    formula: str
    quantity: Indicator | None = None
    quantity_num: float = math.nan
    quantity_unit: str = ""
    multiplier: Indicator | None = None
    multiplier_num: float = math.nan
    multiplier_unit: str = ""


@dataclass
class Pool:
    """The indicators of one project and what the strategies have used of them so far."""

    indicators: list[Indicator]
    min_similarity: float
    priced: set[int] = field(default_factory=set)
    consumed: set[int] = field(default_factory=set)
    duplicates: list[Indicator] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: set[tuple[str, float, str]] = set()
        for ind in self.indicators:
            if not ind.is_cost:
                continue
            key = (indicator_key(ind.name), round(ind.value_yuan, 6), ind.per_dim)
            if key in seen:
                self.duplicates.append(ind)
                self.priced.add(ind.pos)
            seen.add(key)

    def costs(self) -> list[Indicator]:
        """Cost targets not priced yet."""
        return [i for i in self.indicators if i.is_cost and i.pos not in self.priced]

    def quantities(self) -> list[Indicator]:
        """Counts under 数量指标 not consumed yet."""
        return [
            i for i in self.indicators if i.is_count and i.level2 == "数量指标" and i.pos not in self.consumed
        ]

    def durations(self, dimension: str) -> list[Indicator]:
        """Counts in ``dimension`` (天, 个月, 年 …) anywhere in the table, not consumed yet."""
        open_counts = [i for i in self.indicators if i.is_count and i.pos not in self.consumed]
        return [i for i in open_counts if i.unit_dim == dimension]


@dataclass(frozen=True)
class Strategy:
    """A pricing strategy: a code for the ``method`` column, names, and the function."""

    code: str
    zh: str
    en: str
    price: Callable[[Pool], list[Term]]


def price_name_quantity(pool: Pool) -> list[Term]:
    """Quantity printed in a cost row's own name × the unit cost it prints (饲料库120平米 | 490元/平米).

    A rate prices the name's quantity when its denominator has the quantity's dimension. An amount with
    no denominator (防疫室84平米 | ≥1050元) is read per unit only when a rate of the same table prices a
    quantity of that dimension the same way (the rows beside it are 元/平米); otherwise it stays a stated
    amount, since 慰问100人 | 5万元 is a total, not 5万元 a head.
    """
    costs = [c for c in pool.costs() if c.name_unit and not isnan(c.name_num)]
    rates = [c for c in costs if c.kind == "rate" and c.per_dim == c.name_dim and not c.per_time]
    dims = {c.name_dim for c in rates}
    amounts = [c for c in costs if c.kind == "money" and not c.item_dim and c.name_dim in dims]
    terms: list[Term] = []
    for cost in sorted(rates + amounts, key=lambda c: c.pos):
        basis = "quantity in the name" if cost.kind == "rate" else "quantity in the name, amount per unit as beside"
        formula = f"{fmt_num(cost.name_num)}{cost.name_unit}×{cost.shown}"
        terms.append(Term("name_quantity", basis, cost, cost.name_num * cost.value_yuan, formula,
                           cost, cost.name_num, cost.name_unit))
        pool.priced.add(cost.pos)
    return terms


def price_meeting(pool: Pool) -> list[Term]:
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
    terms: list[Term] = []
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
            Term("meeting", "meeting headcount × days", rate, subtotal, formula,
                  head, head.num, head.unit, day, day.num, day.unit)
        )
        pool.priced.add(rate.pos)
        used |= {head.pos, day.pos}
    pool.consumed |= used
    return terms


def price_per_capita_cap(pool: Pool) -> list[Term]:
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
    chosen: list[tuple[Indicator, Indicator, float, str]] = []
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
    terms: list[Term] = []
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
            formula = f"{head.shown}×{fmt_num(mult_num)}{mult_unit}×{cost.shown}"
        else:
            mult, mult_num, mult_unit = None, math.nan, ""
            subtotal = head.num * cost.value_yuan
            formula = f"{head.shown}×{cost.shown}"
        terms.append(Term("per_capita_cap", basis, cost, subtotal, formula, head, head.num, head.unit,
                           mult, mult_num, mult_unit))
        pool.priced.add(cost.pos)
    return terms


def price_monthly(pool: Pool) -> list[Term]:
    """Monthly rates × months (元/月 × 社保缴纳月数 12个月); 12 months assumed when no count says.

    The months count (a count in 个月/月 anywhere in the table, best name match)
    is shared by all monthly rates and then consumed.
    """
    return _price_per_period(pool, "month", "monthly", default=12.0, default_unit="个月")


def price_per_year(pool: Pool) -> list[Term]:
    """Rates per year × years (2025年监测费用 3600元/年 × 1年); one year assumed when no count says."""
    return _price_per_period(pool, "year", "per_year", default=1.0, default_unit="年")


def price_daily(pool: Pool) -> list[Term]:
    """Rates per day that are not a meeting's × the days count; left unpriced without one."""
    return _price_per_period(pool, "day", "daily", default=None, default_unit="天")


def price_per_item(pool: Pool) -> list[Term]:
    """Cost per item: an amount named 每X… × the count in X (每项…费用 6万元 × 开展…数量 5项).

    The X after 每 in the name (or a 每X qualifier) gives the dimension; the count
    is the best-matching quantity of that dimension, paired one to one.
    """
    costs = [c for c in pool.costs() if c.kind == "money" and c.item_dim]
    return _pair_terms(pool, costs, lambda c: c.item_dim, "per_item")


def price_quantity_unit_cost(pool: Pool) -> list[Term]:
    """Quantity × unit cost: a rate per X × the count in X (200户 × 平均3500元/户), one to one.

    Pairs are made greedily, best name similarity first; a pair below the
    threshold is made only when it is the last cost and the last quantity of its
    dimension.
    """
    costs = [
        c for c in pool.costs() if c.kind == "rate" and c.per_dim and c.per_dim not in DURATION_DIMENSIONS
    ]
    return _pair_terms(pool, costs, lambda c: c.per_dim, "quantity×unit_cost")


def price_cost_amounts(pool: Pool) -> list[Term]:
    """Stated amounts: money cost targets with no denominator count as they are (≤500万元).

    A count of exactly 1 whose name matches (划拨分成厅(局)级工会 1项) is linked to
    the amount so the quantity shows as priced; it does not change the sum.
    """
    terms: list[Term] = []
    for cost in pool.costs():
        if cost.kind != "money" or cost.item_dim:
            continue
        ones = [q for q in pool.quantities() if q.num == 1]
        qty, score = _best(cost, ones) if ones else (None, 0.0)
        if qty is not None and score >= pool.min_similarity:
            pool.consumed.add(qty.pos)
            term = Term("cost_amounts", "stated amount, 1 unit by name", cost, cost.value_yuan,
                         f"{qty.shown}×{cost.shown}", qty, qty.num, qty.unit)
        else:
            term = Term("cost_amounts", "stated amount", cost, cost.value_yuan, cost.shown)
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


def price_project(indicators: list[Indicator], min_similarity: float) -> tuple[list[Term], Pool]:
    """Run the strategies over one project's indicators; return the terms and the pool."""
    pool = Pool(indicators, min_similarity)
    terms: list[Term] = []
    for strategy in STRATEGIES:
        found = strategy.price(pool)
        if found:
            logger.debug("strategy %s priced %d term(s)", strategy.code, len(found))
        terms.extend(found)
    return terms, pool


def _price_per_period(
    pool: Pool, dimension: str, code: str, *, default: float | None, default_unit: str
) -> list[Term]:
    rates = [c for c in pool.costs() if c.kind == "rate" and c.per_dim == dimension and not c.per_capita]
    if not rates:
        return []
    periods = pool.durations(dimension)
    if not periods and default is None:
        return []
    terms: list[Term] = []
    used: set[int] = set()
    for rate in rates:
        if periods:
            period, _ = _best(rate, periods)
            num, unit, basis = period.num, period.unit, f"{default_unit} count"
            used.add(period.pos)
        else:
            period, num, unit = None, float(default or 0.0), default_unit
            basis = f"assumed {fmt_num(num)}{unit}"
        subtotal = num * rate.value_yuan
        formula = f"{fmt_num(num)}{unit}×{rate.shown}"
        terms.append(Term(code, basis, rate, subtotal, formula, period, num, unit))
        pool.priced.add(rate.pos)
    pool.consumed |= used
    return terms


def _pair_terms(pool: Pool, costs: Sequence[Indicator], dim_of: Callable[[Indicator], str], code: str) -> list[Term]:
    """Pair costs and quantities one to one by dimension and name; make the terms."""
    quantities = pool.quantities()
    candidates = [
        (name_similarity(c.name, q.name), c, q) for c in costs for q in quantities if dim_of(c) == q.unit_dim
    ]
    candidates.sort(key=lambda t: (-t[0], t[2].pos, t[1].pos))
    paired: list[tuple[Indicator, Indicator, str]] = []
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
            terms.append(Term(code, basis + "; assumed 12个月", cost, subtotal,
                               f"{qty.shown}×12个月×{cost.shown}", qty, qty.num, qty.unit))
        else:
            subtotal = qty.num * scale * cost.value_yuan
            terms.append(Term(code, basis, cost, subtotal, f"{qty.shown}×{cost.shown}", qty, qty.num, qty.unit))
        pool.priced.add(cost.pos)
        pool.consumed.add(qty.pos)
    return terms


def _best(target: Indicator, candidates: Sequence[Indicator]) -> tuple[Indicator, float]:
    """Return the candidate whose name matches ``target`` best (ties: lowest seq) and its score."""
    scored = [(name_similarity(target.name, c.name), c) for c in candidates]
    score, best = min(scored, key=lambda t: (-t[0], t[1].pos))
    return best, score


def is_stated(term: Term) -> bool:
    """A term that restates an amount rather than pricing one: no quantity multiplies it (or a count of 1)."""
    return term.method == "cost_amounts" or (term.method == "per_year" and term.basis.startswith("assumed"))


def _has_meeting_word(name: str) -> bool:
    key = indicator_key(name)
    return any(w in key for w in MEETING_WORDS)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""
