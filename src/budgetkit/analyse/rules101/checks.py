"""One function per rule of ``RULES-101.md``, registered in :data:`CHECKS` by rule id.

A check takes a :class:`~budgetkit.analyse.rules101.context.ProjectContext` and returns its findings, each a
:class:`Finding` naming the rule, the case (``metadata/rule_cases.csv``: severity and message), the
row's level-3 name (empty for a project-level finding) and the fields its message quotes. Which
tables a rule applies to (kind, template, whole table) is decided by :mod:`budgetkit.analyse.rules101.run`
from ``metadata/rules.csv``; the word lists are ``metadata/rule_words.csv``.

Examples:
    >>> from budgetkit.analyse.rules101.context import project_contexts
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["p"], "project": ["帮扶"], "year": [2025]})
    >>> inds = pd.DataFrame({"project_id": ["p"], "seq": [1], "level1": ["效益指标"], "level2": ["社会效益"],
    ...                      "indicator": ["职工家庭生活"], "value": ["有所改善"]})
    >>> ctx = project_contexts(projects, inds)[0]
    >>> [(f.rule, f.case, f.indicator) for f in CHECKS["R13"](ctx)]
    [('R13', 'share', ''), ('R13', 'vague', '职工家庭生活')]
    >>> [f.case for f in CHECKS["R1"](ctx)]
    ['missing_output']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from budgetkit.analyse.indicator_names import indicator_key
from budgetkit.analyse.rules101.catalogue import allowed_level2, match_word, words
from budgetkit.analyse.rules101.context import KLASS_ZH, ProjectContext, Row
from budgetkit.analyse.rules101.shapes import all_units, is_money, money_units
from budgetkit.vocab.comparators import ops_bounded

__all__ = ["CHECKS", "Check", "Finding"]


@dataclass
class Finding:
    """One finding: rule id, case, the row's level-3 name (``''`` for the project) and message fields."""

    rule: str
    case: str
    indicator: str = ""
    fields: dict[str, object] = field(default_factory=dict)


Check = Callable[[ProjectContext], list[Finding]]

_QUALITATIVE_SHARE = 0.5  # R13(a): "定量为主" read as more than half [inferred threshold]
_NAME_CHARS = 30  # R19 [inferred threshold]
_LEVEL2_ROWS, _PROJECT_ROWS = 10, 25  # R29 [inferred thresholds]
_SHOWN = 7
_UNIT_IN_NAME_RE = re.compile(r"\(([^()]{1,8})\)$")
_PERCENT_IN_NAME_RE = re.compile(r"\d+(?:\.\d+)?%")
_GOOD_OPS, _CAP_OPS = ops_bounded("lower"), ops_bounded("upper")  # metadata/comparators.csv
_WEIGHT_SCHEMES = {  # C:1720: level-1 weights by the groups present (cost, satisfaction)
    (True, True): {"成本指标": 20, "产出指标": 40, "效益指标": 20, "满意度指标": 10},
    (False, True): {"产出指标": 50, "效益指标": 30, "满意度指标": 10},
    (True, False): {"成本指标": 20, "产出指标": 40, "效益指标": 30},
    (False, False): {"产出指标": 50, "效益指标": 40},
}


def _row(rule: str, case: str, row: Row, **fields: object) -> Finding:
    base = {"name": row.name, "value": row.value, "level1": row.level1, "level2": row.level2 or row.level1}
    return Finding(rule, case, row.name, {**base, **fields})


def _filled(ctx: ProjectContext) -> list[Row]:
    return [r for r in ctx.rows if r.value]


def _listed(items) -> str:
    items = [i for i in dict.fromkeys(items) if i]
    return "、".join(f"「{i}」" for i in items) if items else "无"


def r1_outputs_and_benefits(ctx: ProjectContext) -> list[Finding]:
    """R1: at least one 产出指标 row and one 效益指标 row."""
    levels = {r.level1 for r in ctx.rows}
    shown = _listed(r.level1 for r in ctx.rows)
    return [Finding("R1", case, "", {"levels": shown})
            for case, group in (("missing_output", "产出指标"), ("missing_benefit", "效益指标")) if group not in levels]


def r2_quantity_and_quality(ctx: ProjectContext) -> list[Finding]:
    """R2: 产出 holds a 数量指标 and a 质量指标 (only where 产出 rows exist; R1 reports their absence)."""
    level2 = [r.level2 for r in ctx.rows if r.level1 == "产出指标"]
    if not level2:
        return []
    shown = _listed(level2)
    wanted = (("missing_quantity", "数量指标"), ("missing_quality", "质量指标"))
    return [Finding("R2", case, "", {"levels": shown}) for case, group in wanted if group not in level2]


def r3_timeliness_fixes_time(ctx: ProjectContext) -> list[Finding]:
    """R3: a 时效 value holds a number (date, period, frequency, percent) or a period word (按月, 年底前)."""
    return [_row("R3", "untimed", r) for r in _filled(ctx)
            if r.level2 == "时效指标" and not r.shape.has_number and not match_word("timed", r.value_key)]


def r4_cost_for_construction(ctx: ProjectContext) -> list[Finding]:
    """R4: a 基建/修缮/购置 project (by name or 项目类别) has a level-1 成本指标; 成本 under 产出 is info."""
    if any(r.level1_printed == "成本指标" for r in ctx.rows):
        return []
    under_output = any(r.level2 == "成本指标" and r.level1 == "产出指标" for r in ctx.rows)
    fields = {"word": ctx.klass_word, "klass": ctx.klass, "klass_zh": KLASS_ZH[ctx.klass]}
    if ctx.klass == "other":
        return [] if under_output else [Finding("R4", "other", "", fields)]
    return [Finding("R4", "older" if under_output else "missing", "", fields)]


def r5_satisfaction_optional(ctx: ProjectContext) -> list[Finding]:
    """R5 (info): no 满意度 row although the name suggests a direct public service."""
    word = match_word("public_service", ctx.name_key)
    if not word or any(r.level1 == "满意度指标" for r in ctx.rows):
        return []
    return [Finding("R5", "public_service", "", {"word": word})]


def _homes(template: str) -> dict[str, frozenset[str]]:
    if template in ("2021", "older"):
        return allowed_level2(template)
    new, old = allowed_level2("2021"), allowed_level2("older")
    return {k: new.get(k, frozenset()) | old.get(k, frozenset()) for k in {*new, *old}}


def r6_level2_under_its_level1(ctx: ProjectContext) -> list[Finding]:
    """R6: the (level-1, level-2) pair, printed and read alike, fits the template; an unlisted level-2 is info."""
    allowed = _homes(ctx.template)
    shown = ctx.template or "2021/older"
    found, seen = [], set()
    for r in ctx.rows:
        level1 = r.level1_printed
        if level1 != r.level1 or not r.level2 or level1 not in allowed or (level1, r.level2) in seen:
            continue  # a blank printed level-1, or one the reading placed elsewhere: not judged
        seen.add((level1, r.level2))
        homes = sorted(k for k, v in allowed.items() if r.level2 in v)
        if homes and level1 not in homes:
            found.append(_row("R6", "misplaced", r, level1=level1, home="、".join(homes), template=shown))
        elif not homes:
            found.append(_row("R6", "unknown", r, level1=level1, template=shown))
    return found


def r7_no_empty_cells(ctx: ProjectContext) -> list[Finding]:
    """R7: no empty level-3 name or value, no template placeholder left (a cut table's last row is not judged)."""
    found = []
    last = ctx.rows[-1].seq if ctx.rows else None
    for r in ctx.rows:
        if not r.name:
            found.append(_row("R7", "empty_name", r))
        elif not r.value and not (ctx.partial and r.seq == last):
            found.append(_row("R7", "empty_value", r))
        cells = (("name", "三级指标名称", r.name, r.name_key), ("value", "指标值", r.value, r.value_key))
        for cell, zh, text, key in cells:
            if key and match_word("placeholder", key):
                found.append(_row("R7", "placeholder", r, cell=cell, cell_zh=zh, text=text))
    return found


def r8_goal_present(ctx: ProjectContext) -> list[Finding]:
    """R8: an overall goal is printed (error), and is not only the project name (info)."""
    if not ctx.goal:
        return [Finding("R8", "empty")]
    if ctx.goal.rstrip("。") == ctx.name:
        return [Finding("R8", "name_copy", "", {"goal": ctx.goal})]
    return []


def r9_no_routine_management(ctx: ProjectContext) -> list[Finding]:
    """R9: no row naming a routine-management duty, unless the word names the project's own work (审计局's 审计)."""
    found = []
    for r in ctx.rows:
        word = match_word("routine", r.name_key)
        if word and word not in ctx.name_key and word not in ctx.unit_key:
            found.append(_row("R9", "routine", r, word=word))
    return found


def r10_no_execution_rate(ctx: ProjectContext) -> list[Finding]:
    """R10: a target table sets no 预算执行率 (nor 资金执行率, 支出进度, 资金拨付率)."""
    return [_row("R10", "execution", r, word=w) for r in ctx.rows if (w := match_word("execution", r.name_key))]


def r12_no_duplicates(ctx: ProjectContext) -> list[Finding]:
    """R12: the same (level-2, name) twice in one project (near-identical spellings too); areas apart."""
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for r in ctx.rows:
        if r.name:  # names compared as budgetkit compares indicators: 戶/户, radicals, punctuation
            groups.setdefault((r.level2, indicator_key(r.name_key), r.area), []).append(r)
    return [_row("R12", "duplicate", rows[0], n=len(rows), values="、".join(x.value or "空" for x in rows))
            for rows in groups.values() if len(rows) > 1]


def _vague_word(value: str) -> str:
    word = match_word("vague", value)
    if not word:
        return ""
    rest = value
    for w in words("vague"):
        rest = rest.replace(w, "")
    return "" if match_word("graded", rest) else word


def r13_quantitative_first(ctx: ProjectContext) -> list[Finding]:
    """R13: (a) over half the values carry no number (whole tables); (b) a qualitative value rests on a vague word."""
    found = []
    filled = _filled(ctx)
    soft = [r for r in filled if not r.shape.has_number]
    if filled and not ctx.partial and len(soft) / len(filled) > _QUALITATIVE_SHARE:
        examples = _listed(r.value for r in soft[:_SHOWN]) + ("等" if len(soft) > _SHOWN else "")
        pct = f"{len(soft) / len(filled) * 100:.1f}".rstrip("0").rstrip(".")
        found.append(Finding("R13", "share", "", {"n": len(soft), "total": len(filled), "pct": pct,
                                                  "examples": examples}))
    found += [_row("R13", "vague", r, word=w) for r in soft if (w := _vague_word(r.value_key))]
    return found


def _unit_in_name(name: str) -> str:
    """The unit a name carries at its end: ``(人)``, ``(≥**万元)``, ``满意度%`` (``''`` when none)."""
    if name.endswith("%"):
        return "%"
    m = _UNIT_IN_NAME_RE.search(name)
    inner = m.group(1).strip("≥≤<>=*＊ ") if m else ""
    if "%" in inner:
        return "%"
    return inner if inner in all_units() else ""


def r14_number_with_unit(ctx: ProjectContext) -> list[Finding]:
    """R14: a bare number has a unit in the value, the unit cell or the name; money under 时效/质量 is info."""
    found = []
    for r in _filled(ctx):
        if r.shape.bare_number and not r.unit_cell and not _unit_in_name(r.name_key):
            found.append(_row("R14", "no_unit", r))
        elif r.level2 in ("时效指标", "质量指标") and is_money(r.value_key):
            found.append(_row("R14", "dimension", r))
    return found


def r15_comparator_direction(ctx: ProjectContext) -> list[Finding]:
    """R15: no ≥ on a cost, no ≤ on a good-direction rate, no trivial bound (≥0)."""
    found = []
    for r in _filled(ctx):
        if r.op in _GOOD_OPS and r.shape.number == 0:
            found.append(_row("R15", "trivial", r))
        elif r.op in _GOOD_OPS and is_money(r.value_key) and match_word("cost_name", r.name_key):
            found.append(_row("R15", "cost_floor", r))
        elif r.op in _CAP_OPS and match_word("good_rate", r.name_key):
            found.append(_row("R15", "rate_cap", r))
    return found


def r17_deadline_in_year(ctx: ProjectContext) -> list[Finding]:
    """R17: a deadline names no year other than the table's printed year (later: outside; earlier: copied)."""
    if ctx.year is None:
        return []
    found = []
    for r in _filled(ctx):
        if not (r.level2 == "时效指标" or r.kind == "deadline") or not r.shape.years:
            continue
        later = [y for y in r.shape.years if y > ctx.year]
        earlier = [y for y in r.shape.years if y < ctx.year]
        if later:
            found.append(_row("R17", "later", r, found=max(later), year=ctx.year))
        elif earlier:
            found.append(_row("R17", "earlier", r, found=min(earlier), year=ctx.year))
    return found


def r19_short_names(ctx: ProjectContext) -> list[Finding]:
    """R19 (info): a level-3 name over 30 characters, or one embedding its target (不低于5次)."""
    found = []
    for r in ctx.rows:
        if len(r.name) > _NAME_CHARS:
            found.append(_row("R19", "long", r, n=len(r.name)))
        elif (w := match_word("embedded_target", r.name_key)) and re.search(r"\d", r.name_key):
            found.append(_row("R19", "embedded", r, text=w))
    return found


def r20_explanations(ctx: ProjectContext) -> list[Finding]:
    """R20 (info), where a 指标解释 column is printed: an empty explanation, or one text on every row."""
    if not any(w in ctx.columns for w in ("指标解释", "指标值说明")):
        return []
    texts = [r.explanation for r in ctx.rows]
    if len(texts) > 1 and len(set(texts)) == 1 and texts[0]:
        return [Finding("R20", "boilerplate", "", {"text": texts[0]})]
    return [_row("R20", "empty", r) for r in ctx.rows if not r.explanation]


def r21_value_basis(ctx: ProjectContext) -> list[Finding]:
    """R21 (info), where a basis column is printed: each basis names a kind of standard or a document."""
    return [_row("R21", "basis", r, text=r.standard) for r in ctx.rows
            if r.standard and not match_word("basis", r.standard)]


def _is_cost_row(r: Row) -> bool:
    """An economic-cost row: 经济成本, the older 成本指标 under 产出, or any 成本 row but social and ecological cost."""
    if r.level2 in ("社会成本指标", "生态环境成本指标"):
        return False
    return r.level2 in ("经济成本指标", "成本指标") or r.level1 == "成本指标"


def _what(r: Row) -> tuple[str, str]:
    if not r.shape.has_number:
        return "是定性表述", "qualitative"
    if not math.isnan(r.shape.percent):
        return "是比率（%）", "a percentage"
    unit = r.shape.unit or r.unit_cell
    return (f"单位为「{unit}」", f"in {unit}") if unit else ("没有单位", "no unit")


def r23_cost_rows_are_money(ctx: ProjectContext) -> list[Finding]:
    """R23: an economic-cost row (or 成本指标 under 产出) is money, and not a floor (≥)."""
    found = []
    table_money = any(u in ctx.unit_label for u in ("元", "万"))
    for r in _filled(ctx):
        if not _is_cost_row(r):
            continue
        money = (is_money(r.value_key) or r.unit_cell in money_units()
                 or (r.shape.bare_number and (table_money or _unit_in_name(r.name_key) in money_units())))
        if not money:
            what_zh, what = _what(r)
            found.append(_row("R23", "not_money", r, what_zh=what_zh, what=what))
        elif r.op in _GOOD_OPS:
            found.append(_row("R23", "floor", r))
    return found


def _amount_wan(r: Row, unit_label: str) -> float:
    """A total money amount of a row in 万元 (per-unit rates and averages give NaN)."""
    if "/" in r.value_key or r.kind == "rate" or any(q in r.value_key for q in ("平均", "人均", "每")):
        return math.nan
    factor = {"亿元": 10000.0, "万元": 1.0, "万": 1.0, "千元": 0.1, "元": 0.0001}
    for unit, f in factor.items():
        if re.search(rf"\d\)?\(?{unit}(?![\u4e00-\u9fff/])", r.value_key):
            return r.shape.number * f
    if r.shape.bare_number and unit_label:
        return r.shape.number * (1.0 if "万" in unit_label else 0.0001)
    return math.nan


def r24_cost_within_budget(ctx: ProjectContext) -> list[Finding]:
    """R24 (a): a total money row above the budget (the larger of the annual and whole-period totals)."""
    budget = max((b for b in (ctx.annual_wan, ctx.total_wan) if not math.isnan(b)), default=math.nan)
    if math.isnan(budget):
        return []
    found = []
    for r in _filled(ctx):
        amount = _amount_wan(r, ctx.unit_label) if _is_cost_row(r) else math.nan
        if not math.isnan(amount) and amount > budget * 1.0001:
            found.append(_row("R24", "over_budget", r, amount=f"{amount:g}", budget=f"{budget:g}"))
    return found


def r26_satisfaction_percent(ctx: ProjectContext) -> list[Finding]:
    """R26: a satisfaction row is a percentage in (0, 100], not capped (≤), not qualitative.

    A satisfaction row sits in the 满意度 group (or under 效益 in the 53号 layout) and names a
    satisfaction (``rule_words.csv`` list ``satisfaction``): a complaint count in the group is not one.
    """
    found = []
    for r in _filled(ctx):
        if r.level1 != "满意度指标" and r.level2 != "服务对象满意度":
            continue
        if not match_word("satisfaction", r.name_key):
            continue
        if r.op in _CAP_OPS:
            found.append(_row("R26", "cap", r))
        elif not r.shape.has_number:
            if not _PERCENT_IN_NAME_RE.search(r.name_key):  # a target printed in the name is R19's
                found.append(_row("R26", "qualitative", r))
        elif math.isnan(r.shape.percent) and "%" not in r.unit_cell + _unit_in_name(r.name_key):
            found.append(_row("R26", "not_percent", r, unit=r.shape.unit or r.unit_cell or "无"))
        elif not 0 < (r.shape.number if math.isnan(r.shape.percent) else r.shape.percent) <= 100:
            found.append(_row("R26", "out_of_range", r))
    return found


def r27_weights(ctx: ProjectContext) -> list[Finding]:
    """R27 (info), where weights are printed: level-1 sums against the 101号 scheme for the groups present."""
    sums: Counter[str] = Counter()
    for r in ctx.rows:
        if math.isnan(r.weight):
            return []
        sums[r.level1] += r.weight
    if not sums:
        return []
    expected = _WEIGHT_SCHEMES[("成本指标" in sums, "满意度指标" in sums)]
    if all(abs(sums.get(k, 0) - v) < 0.01 for k, v in expected.items()):
        return []
    show = "、".join(f"{k}{v:g}" for k, v in sums.items())
    wanted = "、".join(f"{k}{v}" for k, v in expected.items())
    return [Finding("R27", "weights", "", {"printed": show, "expected": wanted})]


def r29_few_indicators(ctx: ProjectContext) -> list[Finding]:
    """R29 (info): over 10 rows in one level-2, or over 25 rows in the project."""
    counts = Counter(r.level2 for r in ctx.rows if r.level2)
    found = [Finding("R29", "many_level2", "", {"level2": k, "n": n}) for k, n in counts.items() if n > _LEVEL2_ROWS]
    if len(ctx.rows) > _PROJECT_ROWS:
        found.append(Finding("R29", "many_rows", "", {"n": len(ctx.rows)}))
    return found


def r30_lasting_benefit(ctx: ProjectContext) -> list[Finding]:
    """R30: a 基建/修缮/购置 project has a 效益 row naming a period (年, 持续, 长期 …)."""
    if ctx.klass == "other":
        return []
    if any(match_word("lasting", r.name_key + r.value_key) for r in ctx.rows if r.level1 == "效益指标"):
        return []
    return [Finding("R30", "no_term", "", {"word": ctx.klass_word, "klass": ctx.klass,
                                           "klass_zh": KLASS_ZH[ctx.klass]})]


#: The check of every rule that runs on one table, by rule id (``rules.csv`` says which do not, and why).
CHECKS: dict[str, Check] = {
    "R1": r1_outputs_and_benefits, "R2": r2_quantity_and_quality, "R3": r3_timeliness_fixes_time,
    "R4": r4_cost_for_construction, "R5": r5_satisfaction_optional, "R6": r6_level2_under_its_level1,
    "R7": r7_no_empty_cells, "R8": r8_goal_present, "R9": r9_no_routine_management,
    "R10": r10_no_execution_rate, "R12": r12_no_duplicates, "R13": r13_quantitative_first,
    "R14": r14_number_with_unit, "R15": r15_comparator_direction, "R17": r17_deadline_in_year,
    "R19": r19_short_names, "R20": r20_explanations, "R21": r21_value_basis,
    "R23": r23_cost_rows_are_money, "R24": r24_cost_within_budget, "R26": r26_satisfaction_percent,
    "R27": r27_weights, "R29": r29_few_indicators, "R30": r30_lasting_benefit,
}
