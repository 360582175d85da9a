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
from collections.abc import Mapping, Sequence

import pandas as pd

from budgetkit.analyse.cost_explanations import (
    BASIS_WORDS,
    NO_BUDGET,
    STATUSES,
    Reckoning,
    explain,
    unpriced_reason,
)
from budgetkit.analyse.cost_indicators import indicators_by_project
from budgetkit.analyse.goal_amounts import goal_components
from budgetkit.analyse.indicator_names import GENERIC_TERMS, indicator_key, name_similarity
from budgetkit.analyse.pricing import (
    GOAL_METHOD,
    MEETING_WORDS,
    STRATEGIES,
    Pool,
    Strategy,
    Term,
    is_stated,
    list_strategies,
    price_project,
)
from budgetkit.analyse.wan import as_text, fmt_num, format_wan, isnan, to_float
from budgetkit.errors import ReconciliationError
from budgetkit.model.tables import typed_frame, typed_schema
from budgetkit.vocab.units import UNIT_DIMENSIONS, unit_dimension, yuan_factor

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


#: The band within which a priced total closes on the budget in the analyses (``ANALYSES.md`` §2: within 5%);
#: :func:`reconcile_costs`' own default stays the tighter 0.5% the audit's ``cost_mismatch`` was built on.
ANALYSIS_TOLERANCE_PCT: float = 5.0


#: Output columns of :func:`reconcile_costs` and their dtypes: the ``costs`` table of ``metadata/fields.csv``.
RECONCILE_COLUMNS: dict[str, str] = typed_schema("costs")


#: Output columns of :func:`price_terms` and their dtypes: the ``terms`` table of ``metadata/fields.csv`` without
#: the project's name and unit, which the year's build joins on (``build/steps.reconcile_year``).
TERM_COLUMNS: dict[str, str] = typed_schema("terms", drop=("project", "implementing_unit"))


_REQUIRED_INDICATOR_COLUMNS = (
    "project_id", "seq", "level2", "indicator", "value", "kind", "num", "unit", "per_unit", "value_yuan",
)


_REQUIRED_PROJECT_COLUMNS = ("project_id", "total_wan")


_PROJECT_FIELDS = (
    "project_id", "project", "implementing_unit", "total_wan", "annual_total_wan", "goal", "status", "status_reason",
)


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
    for project_id, inds in indicators_by_project(project_indicators).items():
        terms, _ = price_project(inds, min_similarity)
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
    by_project = indicators_by_project(indicators)
    orphans = set(by_project) - set(projects["project_id"])
    if orphans:
        logger.warning("indicators of %d project(s) not in projects ignored: %s", len(orphans), orphans)
    used = [c for c in _PROJECT_FIELDS if c in projects.columns]
    rows, term_rows = [], []
    for project in projects[used].to_dict("records"):
        priced = price_project(by_project.get(project["project_id"], []), min_similarity)
        rows.append(_reconcile_one(project, priced, tolerance_pct, tolerance_wan))
        if terms:
            term_rows.extend(_term_row(project["project_id"], n, t) for n, t in enumerate(priced[0], 1))
    costs = typed_frame(rows, RECONCILE_COLUMNS)
    if len(costs) > 1:
        counts = costs["status"].value_counts()
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        logger.info("reconciled %d project(s): %s", len(costs), summary)
    return costs, typed_frame(term_rows, TERM_COLUMNS) if terms else pd.DataFrame()


#: The states whose terms are reported (summed, explained, listed); the others report why nothing was priced.
_PRICED_STATES = ("closes", "does_not_close", NO_BUDGET)


def _reconcile_one(
    project: Mapping[str, object],
    priced: tuple[list[Term], Pool],
    tolerance_pct: float,
    tolerance_wan: float,
) -> dict[str, object]:
    """One project's row of the reconciliation: its terms summed, held against its budget, and explained."""
    r = _reckon(project, priced, tolerance_pct, tolerance_wan)
    if r.status in _PRICED_STATES:
        zh, en = explain(r)
        zh, en = zh + f"；对照{BASIS_WORDS[r.basis][0]}", en + f"; against the {BASIS_WORDS[r.basis][1]}"
    else:
        zh, en = unpriced_reason(r)
    table_status = project.get("status")
    if table_status == "partial":  # rows may be missing: the sum may lack terms
        zh += f"；项目表不完整（{as_text(project.get('status_reason'))}），测算可能缺项"
        en += f"; the table is partial ({as_text(project.get('status_reason'))}): terms may be missing"
    if r.status == "does_not_close":
        logger.debug("%s does not close: %s", project["project_id"], en)
    reported = r.status in _PRICED_STATES
    return {
        "project_id": project["project_id"],
        "project": project.get("project"),
        "implementing_unit": project.get("implementing_unit"),
        "implied_wan": r.implied if reported else math.nan,
        "budget_wan": r.budget,
        "basis": r.basis or None,
        "gap_wan": r.gap if reported else math.nan,
        "gap_pct": r.gap_pct if reported else math.nan,
        "status": "not_priceable" if r.status == NO_BUDGET else r.status,
        "method": r.method,
        "explanation_zh": zh,
        "explanation_en": en,
        "n_terms": len(r.terms) if reported else 0,
        "unpriced_costs": "；".join(f"{c.name} {c.value}" for c in r.unpriced) or None,
        "goal_wan": round(sum(a for _, a in r.components), 6) if r.components else math.nan,
        "table_status": None if table_status is None or isnan(table_status) else table_status,
        "terms": _terms_json(r.terms) if reported else "[]",
    }


def _reckon(
    project: Mapping[str, object], priced: tuple[list[Term], Pool], tolerance_pct: float, tolerance_wan: float,
) -> Reckoning:
    """The priced total against the budget that closes on it (this year's first), and the verdict."""
    terms, pool = priced
    budgets = _budgets(project)
    budget, basis = budgets[0] if budgets else (math.nan, "")
    components = goal_components(as_text(project.get("goal")), None if isnan(budget) else budget)
    implied, method, formula = _summed(terms)

    def closes(amount: float, against: float) -> bool:
        limit = max(tolerance_pct / 100 * abs(against), tolerance_wan)
        return abs(round(amount - against, 6)) <= limit + 1e-9

    if not isnan(implied) and budgets:  # the annual budget first; the total when only it closes
        budget, basis = next(((b, k) for b, k in budgets if closes(implied, b)), budgets[0])
    gap = round(implied - budget, 6) if not (isnan(implied) or isnan(budget)) else math.nan
    gap_pct = gap / budget * 100 if not isnan(gap) and budget != 0 else math.nan
    if terms and all(is_stated(t) for t in terms):  # a restatement equals the budget (or its parts sum to it)
        equal = not isnan(budget) and abs(implied - budget) <= max(0.005 * abs(budget), tolerance_wan) + 1e-9
        status = "stated_only" if equal else "not_priceable"
    elif isnan(budget) and not isnan(implied):
        status = NO_BUDGET
    elif isnan(implied):
        status = "not_priceable"
    else:
        status = "closes" if closes(implied, budget) else "does_not_close"
    return Reckoning(status, terms, pool, budget, basis, implied, gap, gap_pct, formula, method, components)


def _summed(terms: Sequence[Term]) -> tuple[float, str | None, str]:
    """``(implied 万元, method codes +-joined, formula)`` of the terms; NaN, None and ``""`` when there are none."""
    if not terms:
        return math.nan, None, ""
    implied = round(sum(t.subtotal_yuan for t in terms) / yuan_factor("万元"), 6)
    codes = [s.code for s in STRATEGIES if any(t.method == s.code for t in terms)]
    return implied, "+".join(codes), " + ".join(t.formula for t in terms)


def _budgets(project: Mapping[str, object]) -> list[tuple[float, str]]:
    """The budgets a project can be priced against, this year's first: ``[(万元, basis)]``."""
    total, annual = to_float(project.get("total_wan")), to_float(project.get("annual_total_wan"))
    if isnan(annual) or (not isnan(total) and abs(annual - total) < 1e-6):
        return [] if isnan(total) else [(total, "annual = total" if not isnan(annual) else "total")]
    return [(annual, "annual")] + ([] if isnan(total) else [(total, "total")])


def _terms_json(terms: Sequence[Term]) -> str:
    """The terms as ANALYSES.md spells them: the indicators paired, their printed values and the subtotal in 元."""
    rows = []
    for t in terms:
        q = t.quantity
        rows.append({
            "quantity": q.name if q is not None else None,
            "quantity_value": (q.value if q is not t.cost else f"{fmt_num(t.quantity_num)}{t.quantity_unit}")
            if q is not None else None,
            "multiplier": t.multiplier.name if t.multiplier is not None else None,
            "unit_cost": t.cost.name,
            "unit_cost_value": t.cost.value,
            "subtotal_yuan": round(t.subtotal_yuan, 2),
        })
    return json.dumps(rows, ensure_ascii=False)


def _term_row(project_id: object, n: int, t: Term) -> dict[str, object]:
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
