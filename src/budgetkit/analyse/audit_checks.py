"""The audit's checks: each takes the indicator rows of every audited project and returns its findings.

The level structure they require is data (``metadata/rule_levels.csv``, its ``audit`` rows; the level-2
spellings of ``vocabulary.csv``). The registry of rules that run them is :data:`budgetkit.analyse.audit.RULES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from budgetkit.analyse.reconcile import format_wan
from budgetkit.analyse.rules101.catalogue import audit_levels, level1_names
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.vocabulary import match_key

__all__ = ["LEVEL1_NAMES", "LEVEL2_ALIASES", "QUALITATIVE_KINDS", "REQUIRED_LEVEL1", "REQUIRED_LEVEL2", "AuditContext"]


#: Level-1 groups every table must have, with their English names (``metadata/rule_levels.csv``, ``audit`` rows).
REQUIRED_LEVEL1: dict[str, str] = audit_levels()[0]


#: English names of the level-1 groups (成本指标 is a level-1 group in templates since 2021).
LEVEL1_NAMES: dict[str, str] = level1_names()


#: Level-2 groups required under a level-1 group: ``all`` of them, or ``any`` one (``rule_levels.csv``).
REQUIRED_LEVEL2: dict[str, tuple[str, tuple[str, ...]]] = audit_levels()[1]



def _level2_aliases() -> dict[str, str]:
    """Every level-2 spelling of ``metadata/vocabulary.csv`` other than its canonical form → the canonical form."""
    return {match_key(r["term"]): r["field"] for r in read_metadata("vocabulary")
            if r["role"] == "level2" and match_key(r["term"]) != r["field"]}


#: Level-2 spellings folded to the canonical label before checking (``vocabulary.csv``'s level-2 rows).
LEVEL2_ALIASES: dict[str, str] = _level2_aliases()


#: Value kinds that are not measurable.
QUALITATIVE_KINDS: frozenset[str] = frozenset({"qualitative", "text"})


_NAMES_SHOWN = 5



@dataclass(frozen=True)
class AuditContext:
    """What every check may use besides the indicators.

    Attributes:
        year: the budget year deadlines must fall in.
        qualitative_threshold: the share of qualitative targets above which a project is flagged.
        reconciliation: :func:`~budgetkit.analyse.reconcile.reconcile_costs` of the projects (a ``project_id``
            column), or an empty frame when ``cost_mismatch`` does not run.
        terms: :func:`~budgetkit.analyse.reconcile.price_terms` of the projects.
        project_ids: the audited projects, in order (some may have no indicator rows).
    """

    year: int
    qualitative_threshold: float
    reconciliation: pd.DataFrame
    terms: pd.DataFrame
    project_ids: tuple[object, ...] = ()



def check_missing_level1(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """Each of 产出指标, 效益指标 and 满意度指标 is present (see :data:`REQUIRED_LEVEL1`)."""
    present = set(zip(*_lists(inds, "project_id", "_l1"), strict=True))
    return list(
        (pid, f"{label}：缺少一级指标 / level-1 group missing ({en})")
        for label, en in REQUIRED_LEVEL1.items()
        for pid in ctx.project_ids
        if (pid, label) not in present
    )



def check_missing_level2(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """产出指标 has 数量/质量/时效/成本指标 and 效益指标 has at least one benefit group.

    Only groups whose level-1 is present are checked (``missing_level1`` reports the
    rest). A level-1 成本指标 group (templates since 2021) satisfies the cost requirement.
    """
    level2 = _per_value(inds["_l2"], lambda v: LEVEL2_ALIASES.get(v, v))
    triples = set(zip(*_lists(inds, "project_id", "_l1"), level2, strict=True))
    level1 = {(pid, l1) for pid, l1, _ in triples}
    found: list[tuple[object, str]] = []
    for group, (mode, needed) in REQUIRED_LEVEL2.items():
        have = {(pid, l2) for pid, l1, l2 in triples if l1 == group}
        if group == "产出指标":
            have |= {(pid, "成本指标") for pid, l1 in level1 if l1 == "成本指标"}
        for pid in (p for p in ctx.project_ids if (p, group) in level1):
            missing = [n for n in needed if (pid, n) not in have]
            if mode == "all":
                found += [(pid, f"{group}/{n}：缺少二级指标 / level-2 group missing") for n in missing]
            elif len(missing) == len(needed):
                listed = "、".join(needed)
                detail = f"{group}/{listed}：缺少二级指标（至少需一项） / none of these level-2 groups"
                found.append((pid, detail))
    return found



def check_qualitative_share(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """The share of qualitative or text targets (有所缓解, whole sentences) exceeds the threshold."""
    projects: dict[object, tuple[list[int], list[str]]] = {}
    for pid, kind, named in zip(*_lists(inds, "project_id", "kind", "_named"), strict=True):
        n, soft = projects.setdefault(pid, ([0], []))
        n[0] += 1
        if kind in QUALITATIVE_KINDS:
            soft.append(named)
    limit = f"{ctx.qualitative_threshold * 100:.0f}%"
    found = []
    for pid, ([n], soft) in projects.items():
        if len(soft) / n <= ctx.qualitative_threshold:
            continue
        more = len(soft) - _NAMES_SHOWN
        listed = "、".join(soft[:_NAMES_SHOWN]) + (f" …(+{more})" if more > 0 else "")
        pct = f"{len(soft) / n * 100:.0f}%"
        found.append((pid, f"{listed}：定性指标占比{pct}（{len(soft)}/{n}，上限{limit}） / "
                           f"qualitative or text targets are {pct} ({len(soft)} of {n}, limit {limit})"))
    return found



def check_deadline_outside_year(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """A deadline target (2025年12月底前) falls outside the budget year."""
    if "deadline" not in inds.columns:
        return []
    dates = pd.to_datetime(inds["deadline"], errors="coerce")
    hit = (inds["kind"] == "deadline") & dates.notna() & (dates.dt.year != ctx.year)
    shown = dates[hit].dt.strftime("%Y-%m-%d").tolist()
    return [
        (pid, f"{named}（{date}）：时限不在{ctx.year}年度内 / deadline outside budget year {ctx.year}")
        for pid, named, date in zip(*_lists(inds[hit], "project_id", "_named"), shown, strict=True)
    ]



def check_percent_over_100(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """A percent target is above 100 (合格率, 满意度 and 覆盖率 cannot exceed it)."""
    hit = (inds["kind"] == "percent") & (inds["_num"] > 100)
    return [
        (pid, f"{named}：百分比超过100% / percent above 100")
        for pid, named in zip(*_lists(inds[hit], "project_id", "_named"), strict=True)
    ]



def check_quantity_without_cost(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """A count under 数量指标 that no cost target prices (no rate of matching unit pairs with it).

    Uses the pairing of :mod:`budgetkit.analyse.reconcile`: a count is priced when a term of
    :func:`~budgetkit.analyse.reconcile.price_terms` uses it as quantity or multiplier.
    """
    terms = ctx.terms
    used = {
        (pid, int(seq))
        for column in ("quantity_seq", "multiplier_seq")
        for pid, seq in zip(*_lists(terms, "project_id", column), strict=True)
        if not pd.isna(seq)
    }
    rows = inds[(inds["_l2"] == "数量指标") & (inds["kind"] == "count") & inds["_num"].notna()]
    seqs = pd.to_numeric(rows["seq"], errors="coerce").tolist()
    return list(
        (pid, f"{named}：数量指标无对应成本指标 / no cost target prices this quantity")
        for pid, named, seq in zip(*_lists(rows, "project_id", "_named"), seqs, strict=True)
        if math.isnan(seq) or (pid, int(seq)) not in used
    )



def check_duplicate_indicator(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """The same level-3 name appears twice under one level-2 group.

    Names are compared by :func:`~budgetkit.analyse.reconcile.indicator_key` (NFKC, radicals,
    戶→户, punctuation dropped). The same name under 数量指标 and 成本指标 is the
    normal quantity–cost pattern (职工困难医疗救助 200户 / 平均3500元/户), not a duplicate.
    """
    groups: dict[tuple[object, str, str], list[str]] = {}
    for pid, level2, key, named in zip(*_lists(inds, "project_id", "_l2", "_key", "_named"), strict=True):
        if key:
            groups.setdefault((pid, level2, key), []).append(named)
    return list(
        (pid, f"{'、'.join(names)}：{level2}下指标重复{n}次 / repeated {n} times under {level2}")
        for (pid, level2, _), names in groups.items()
        if (n := len(names)) >= 2
    )



def check_cost_mismatch(inds: pd.DataFrame, ctx: AuditContext) -> list[tuple[object, str]]:
    """Quantity × unit cost does not come back to the budget (reconcile status ``does_not_close``)."""
    rec = ctx.reconciliation
    rec = rec[rec["status"] == "does_not_close"]
    found = []
    for pid, implied, budget, gap, gap_pct, method in zip(
        *_lists(rec, "project_id", "implied_wan", "budget_wan", "gap_wan", "gap_pct", "method"), strict=True
    ):
        pct = "" if _isnan(gap_pct) else f"{gap_pct:+.2f}%"
        pct_zh, pct_en = (f"（{pct}）", f" ({pct})") if pct else ("", "")
        implied, budget, gap = format_wan(implied), format_wan(budget), format_wan(gap, signed=True)
        found.append((pid, f"测算{implied}，预算{budget}：差额{gap}{pct_zh}，成本测算与预算不符 / "
                           f"priced {implied} ({method}) vs budget {budget}: gap {gap}{pct_en}, "
                           "does not close"))
    return found



def _lists(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as Python lists (iterating a list is many times faster than iterating a Series)."""
    return [frame[name].tolist() for name in names]



def _per_value(column: pd.Series, fn: Callable[[object], str]) -> list[str]:
    """``fn`` of every value of ``column`` (missing values as ``None``), computed once per distinct value."""
    codes, uniques = pd.factorize(column)
    table = [fn(u) for u in uniques] + [fn(None)]
    return [table[c] for c in codes.tolist()]


def _isnan(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
