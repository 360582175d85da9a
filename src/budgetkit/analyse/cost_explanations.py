"""Why a project's priced total closes on its budget or not, in Chinese and English words a researcher accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from budgetkit.analyse.cost_indicators import COST_LABELS, Indicator
from budgetkit.analyse.pricing import GOAL_METHOD, Pool, Term
from budgetkit.analyse.wan import fmt_num, format_wan, isnan
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.units import DURATION_DIMENSIONS, unit_kind, yuan_factor

__all__ = ["BASIS_WORDS", "NO_BUDGET", "STATUSES", "Reckoning", "explain", "unpriced_reason"]


#: Status of a reconciliation (the codes of ``ANALYSES.md``), with its Chinese label; the words live in
#: ``metadata/codes.csv`` (``costs,status``), the one home of the spelling and its labels.
STATUSES: dict[str, str] = {row["code"]: row["zh"] for row in read_metadata("codes")
                            if (row["table"], row["column"]) == ("costs", "status")}


#: The English words of each status, for the explanations (``does not close``).
STATUS_EN: dict[str, str] = {row["code"]: row["en"] for row in read_metadata("codes")
                             if (row["table"], row["column"]) == ("costs", "status")}


#: An internal state: priced, but the table prints no budget to compare with (reported as ``not_priceable``).
NO_BUDGET = "no_budget"


#: How an explanation words each state (the statuses, and the priced project with no budget to compare with).
_STATE_WORDS: dict[str, tuple[str, str]] = {**{c: (zh, STATUS_EN[c]) for c, zh in STATUSES.items()},
                                            NO_BUDGET: ("无预算数", "no budget")}


_WEAK_BASES = frozenset({"only candidate", "only headcount", "headcount shared by all 人 targets"})


_BASIS_ZH = {
    "only candidate": "同单位仅余此一项",
    "only headcount": "仅此一个人数指标",
    "headcount shared by all 人 targets": "各人数指标数值相同",
    "headcount by name, shared": "无对应人数指标，借用名称最接近者",
}


#: How a budget is named in an explanation: ``annual`` (this year's funds) or ``total`` (the whole project).
BASIS_WORDS = {
    "annual": ("年度预算", "annual budget"),
    "annual = total": ("年度预算（即项目总额）", "annual budget (= the project total)"),
    "total": ("项目总额（多年）", "project total (all years)"),
    "": ("预算", "budget"),
}


#: A line of an explanation: its Chinese and its English.
Line = tuple[str, str]


@dataclass(frozen=True)
class Reckoning:
    """One project's priced terms held against its budget: what :func:`explain` and :func:`unpriced_reason` word.

    ``status`` is a code of :data:`STATUSES` or :data:`NO_BUDGET`; amounts are in 万元 (NaN when missing);
    ``basis`` names the budget (a key of :data:`BASIS_WORDS`); ``components`` are the goal's stated amounts.
    """

    status: str
    terms: Sequence[Term]
    pool: Pool
    budget: float
    basis: str
    implied: float
    gap: float
    gap_pct: float
    formula: str
    method: str | None
    components: Sequence[tuple[str, float]]

    @property
    def unpriced(self) -> list[Indicator]:
        """The cost targets no strategy priced."""
        return self.pool.costs()


def _joined(lines: list[Line]) -> tuple[str, str]:
    return "；".join(zh for zh, _ in lines), "; ".join(en for _, en in lines)


def _rows(items: Sequence[Indicator]) -> str:
    return "、".join(f"{c.name}「{c.value}」" for c in items)


def unpriced_reason(r: Reckoning) -> tuple[str, str]:
    """Why a project is not priced (or only stated), in words a researcher accepts: Chinese and English."""
    counts = [i for i in r.pool.indicators if i.is_count and i.unit and i.unit_dim not in DURATION_DIMENSIONS
              and unit_kind(i.unit) == "count"]
    if r.status == NO_BUDGET:
        lines = [("未列预算金额，无法对照", "no budget is printed to compare with")]
    elif r.terms:  # every money row is an amount no quantity multiplies
        lines = [_stated_line(r)]
    else:
        lines = _no_terms_lines(r.pool, counts)
    unpriced_counts = [q for q in counts if q.level2 == "数量指标"]
    if unpriced_counts and r.status != "stated_only":
        first = unpriced_counts[:4]
        lines.append((f"数量指标无单价：{'、'.join(q.name + q.shown for q in first)}",
                      f"quantities without a unit cost: {'、'.join(q.name + ' ' + q.shown for q in first)}"))
    if r.components:
        listed, total = _components(r.components)
        lines.append((f"目标表述分项 {listed} = {format_wan(total)}（非指标测算）",
                      f"the goal states components {listed} = {format_wan(total)} (stated, not priced)"))
    if r.status not in (NO_BUDGET, "stated_only") and not r.terms:  # stated terms already named the budget
        zh_basis, en_basis = BASIS_WORDS[r.basis]
        lines.append((f"{zh_basis}{format_wan(r.budget)}", f"{en_basis} {format_wan(r.budget)}"))
    return _joined(lines)


def _stated_line(r: Reckoning) -> Line:
    """The money rows of a project whose terms only state amounts: the budget restated, or not."""
    stated_sum = round(sum(t.subtotal_yuan for t in r.terms) / yuan_factor("万元"), 6)
    rows = "、".join(f"{t.cost.name}「{t.cost.value}」" for t in r.terms)
    zh_basis, en_basis = BASIS_WORDS[r.basis]
    if r.status == "stated_only":
        return (f"仅列明金额：{rows}合计{format_wan(stated_sum)}，即{zh_basis}{format_wan(r.budget)}，无数量×单价",
                f"stated, not priced: the money rows {rows} come to {format_wan(stated_sum)}, "
                f"which is the {en_basis} {format_wan(r.budget)}; no quantity × unit cost")
    return (f"成本指标只列金额、无数量：{rows}合计{format_wan(stated_sum)}，与预算{format_wan(r.budget)}不符",
            f"a cost row with no quantity: {rows} come to {format_wan(stated_sum)}, not the "
            f"{en_basis} {format_wan(r.budget)}")


def _no_terms_lines(pool: Pool, counts: Sequence[Indicator]) -> list[Line]:
    """Why nothing priced: no money row, a cost row with no quantity, or units that cannot pair."""
    money = [i for i in pool.indicators if i.kind in {"money", "rate"} and not isnan(i.value_yuan)]
    if not money:
        cost_rows = [i for i in pool.indicators if i.level2 in COST_LABELS or i.level1 in COST_LABELS]
        if cost_rows:
            rows = _rows(cost_rows)
            return [(f"无金额指标：成本指标{rows}未列金额", f"no money row: the cost rows {rows} state no amount")]
        return [("无成本指标，也无金额指标", "no cost row and no money row")]
    lines = []
    for c in money:
        if c.kind == "rate" and c.per_dim and not any(q.unit_dim == c.per_dim for q in counts):
            have = "、".join(sorted({q.unit for q in counts})) or "无"
            lines.append((f"单位无法配对：{c.name}「{c.value}」按{c.per_unit}计，数量指标单位为{have}",
                          f"units that cannot pair: {c.name} '{c.value}' is per {c.per_unit}, "
                          f"the counts are in {have}"))
        else:
            lines.append((f"成本指标无对应数量：{c.name}「{c.value}」",
                          f"a cost row with no quantity: {c.name} '{c.value}'"))
    return lines


def _components(components: Sequence[tuple[str, float]]) -> tuple[str, float]:
    listed = " + ".join(f"{n}{format_wan(a)}" for n, a in components)
    return listed, round(sum(a for _, a in components), 6)


def explain(r: Reckoning) -> tuple[str, str]:
    """Return the Chinese and English explanation of one priced reconciliation (closes, does not, no budget)."""
    lines = _arithmetic_lines(r) + _weak_lines(r.terms)
    if any(t.quantity is not None and t.quantity.approximate for t in r.terms) or any(
        t.cost.approximate for t in r.terms
    ):
        lines.append(("上下限或约数按所列数值计算", "bounds and approximations (≥ ≤ > 约) taken at face value"))
    if r.unpriced:
        names = "、".join(f"{c.name} {c.value}" for c in r.unpriced)
        lines.append((f"未能测算：{names}", f"unpriced: {names}"))
    if r.pool.duplicates:
        names = "、".join(f"{c.name} {c.value}" for c in r.pool.duplicates)
        lines.append((f"重复成本指标只计一次：{names}", f"duplicate cost target counted once: {names}"))
    if r.components and r.method != GOAL_METHOD:
        listed, total = _components(r.components)
        lines.append((f"目标表述分项 {listed} = {format_wan(total)}",
                      f"the goal states components {listed} = {format_wan(total)}"))
    return _joined(lines)


def _arithmetic_lines(r: Reckoning) -> list[Line]:
    """The sum, the budget, the gap and the verdict; a zero budget and the method said."""
    pct = "" if isnan(r.gap_pct) else f"（{r.gap_pct:+.2f}%）"
    pct_en = "" if isnan(r.gap_pct) else f" ({r.gap_pct:+.2f}%)"
    gap = format_wan(r.gap, signed=True)
    zh_state, en_state = _STATE_WORDS[r.status]
    lines = [(f"{r.formula} = {format_wan(r.implied)}，预算{format_wan(r.budget)}，差额{gap}{pct}，{zh_state}",
              f"{r.formula} = {format_wan(r.implied)} vs {format_wan(r.budget)}: gap {gap}{pct_en}, {en_state}")]
    if not isnan(r.budget) and r.budget == 0:
        lines.append(("预算为0，无法计算差额百分比", "budget is 0, no gap percentage"))
    if r.method:
        lines.append((f"测算方法 {r.method}", f"priced by {r.method}"))
    return lines


def _weak_lines(terms: Sequence[Term]) -> list[Line]:
    """A line for each term paired on weak grounds: a period assumed, an only candidate, a shared headcount."""
    lines = []
    for t in terms:
        if not (t.basis in _WEAK_BASES or "assumed" in t.basis or "shared" in t.basis):
            continue
        if t.basis.startswith("assumed"):
            lines.append((f"{t.cost.name}：无数量指标说明期数，按{fmt_num(t.quantity_num)}{t.quantity_unit}计",
                          f"{t.cost.name}: {t.basis}, no count states it"))
        else:
            q = t.quantity.name if t.quantity is not None else ""
            lines.append((f"{t.cost.name}与{q}配对（{_BASIS_ZH.get(t.basis, t.basis)}）",
                          f"{t.cost.name} paired with {q} ({t.basis})"))
    return lines
