"""Whether a 自评表's targets were met, as ``achievement.csv`` rows (``ANALYSES.md`` §3).

Per row (:func:`achievement_frame`): ``target`` (指标性质, 指标值 and 度量单位 joined, as the table states
it), ``actual`` (实际完成值), ``met`` (``yes``/``no``/``partly``/``not_comparable``, decided by
:func:`budgetkit.analyse.met.judge`), ``rate`` (where both are numbers in one unit; for a ≤ target lower
is better), the printed ``weight`` (分值) and ``score`` (得分), and ``why`` in words.

Per table (:func:`achievement_tables`): the budget ``execution_rate`` (the printed 预算执行率, else
全年执行数 ÷ 全年预算数), the ``score_total`` (Σ 得分 of the money block and the rows; blank when no 得分
is printed or the table is cut), the ``weight_total`` (Σ 分值) and ``scores_add_up`` (the weights come to 100).

Examples:
    >>> from budgetkit.parse import parse_lines
    >>> lines = ["项目支出绩效自评表", "项目名称 测试项目", "项目总额 10",
    ...          "一级指标 二级指标 三级指标 年度指标值 实际完成值", "产出指标 数量指标 培训人数 ≥100人 95人",
    ...          "满意度指标 服务对象满意度 满意度 ≥90% 95%"]
    >>> frame = achievement_frame(parse_lines(lines, "t.txt", year=2025))
    >>> frame[["indicator", "met", "rate"]].values.tolist()
    [['培训人数', 'no', 0.95], ['满意度', 'yes', 1.0556]]
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from budgetkit.analyse.met import judge
from budgetkit.model.normalize import normalize_text
from budgetkit.model.tables import Tables, text_of
from budgetkit.vocab.comparators import role as comparator_role

__all__ = ["ACHIEVEMENT_COLUMNS", "ACHIEVEMENT_TABLE_COLUMNS", "achievement_frame", "achievement_tables"]

logger = logging.getLogger(__name__)

ACHIEVEMENT_COLUMNS = ("project_id", "project", "implementing_unit", "indicator", "target", "actual", "met", "rate",
                       "weight", "score", "why")
ACHIEVEMENT_TABLE_COLUMNS = ("project_id", "project", "implementing_unit", "execution_rate", "execution_basis",
                             "score_total", "weight_total", "scores_add_up")

#: header_extras fields of a self-evaluation's money block (年度资金总额 row).
_MONEY_ROW = "annual_total"


def _rated(tables: Tables) -> pd.DataFrame:
    """The indicator rows of self-evaluations (and any row printing an actual), with project names."""
    inds, projects = tables.indicators, tables.projects
    if inds.empty:
        return inds
    kinds = projects.set_index("project_id")["kind"] if "kind" in projects else pd.Series(dtype=str)
    evaluated = set(kinds[kinds.astype(str) == "self_evaluation"].index)
    actual = inds["value_actual"].fillna("").astype(str) if "value_actual" in inds else pd.Series("", inds.index)
    rows = inds[inds["project_id"].isin(evaluated) | (actual.str.strip() != "")]
    missing = [c for c in ("project", "implementing_unit") if c not in rows]
    if missing:
        rows = rows.join(projects.set_index("project_id")[missing], on="project_id")
    return rows


def achievement_frame(tables: Tables) -> pd.DataFrame:
    """One row per indicator of a self-evaluation: target, actual, met, rate, weight, score and why."""
    rows = _rated(tables)
    if rows.empty:
        return pd.DataFrame(columns=list(ACHIEVEMENT_COLUMNS))
    records = []
    for r in rows.to_dict("records"):
        unit, nature = _text(r.get("measure_unit")), _text(r.get("nature")) or _text(r.get("direction"))
        target, actual = _text(r.get("value")), _text(r.get("value_actual"))
        decided = judge(target, actual, unit, nature)
        records.append({
            "project_id": r["project_id"], "project": r.get("project"),
            "implementing_unit": r.get("implementing_unit"), "indicator": r.get("indicator"),
            "target": _joined_target(target, unit, nature), "actual": actual or None,
            "met": decided.met, "rate": decided.rate, "weight": _number(r.get("score")),
            "score": _number(r.get("score_got")), "why": decided.why,
        })
    return pd.DataFrame(records).reindex(columns=list(ACHIEVEMENT_COLUMNS))


def achievement_tables(tables: Tables) -> pd.DataFrame:
    """One row per self-evaluation: execution rate, score total, weight total and whether the weights add up."""
    projects = tables.projects
    if projects.empty or "kind" not in projects:
        return pd.DataFrame(columns=list(ACHIEVEMENT_TABLE_COLUMNS))
    evaluated = projects[projects["kind"].astype(str) == "self_evaluation"]
    rows = _rated(tables)
    extras = tables.header_extras
    out = []
    for p in evaluated.to_dict("records"):
        pid = p["project_id"]
        money = _money_block(extras[extras["project_id"] == pid] if not extras.empty else extras)
        rate, basis = _execution(money)
        inds = rows[rows["project_id"] == pid] if not rows.empty else rows
        weights = [w for w in map(_number, inds.get("score", [])) if w is not None]
        scores = [s for s in map(_number, inds.get("score_got", [])) if s is not None]
        weights += [w for w in [_number(money.get("score"))] if w is not None]
        scores += [s for s in [_number(money.get("score_got"))] if s is not None]
        weight_total = round(sum(weights), 4) if weights else None
        out.append({
            "project_id": pid, "project": p.get("project"), "implementing_unit": p.get("implementing_unit"),
            "execution_rate": rate, "execution_basis": basis,
            # a cut table (status partial) may lack rows: its total is not known
            "score_total": round(sum(scores), 4) if scores and p.get("status") != "partial" else None,
            "weight_total": weight_total,
            "scores_add_up": None if weight_total is None else ("yes" if abs(weight_total - 100) < 1e-6 else "no"),
        })
    return pd.DataFrame(out).reindex(columns=list(ACHIEVEMENT_TABLE_COLUMNS))


def _money_block(extras: pd.DataFrame) -> dict[str, str]:
    """The 年度资金总额 row of a self-evaluation's money block: ``{budget, executed, execution_rate, score …}``.

    Of several ``annual_total`` cells (年初预算数, 全年预算数) the last is this year's budget.
    """
    found: dict[str, str] = {}
    if extras.empty or "field" not in extras:
        return found
    for field, value in zip(extras["field"].astype(str), extras["value"], strict=True):
        head, _, part = field.partition(":")
        if head == _MONEY_ROW and part and _text(value):
            found[part] = _text(value)
    return found


def _execution(money: dict[str, str]) -> tuple[float | None, str | None]:
    """The execution rate: the printed 预算执行率 when it is a share, else 全年执行数 ÷ 全年预算数."""
    printed = money.get("execution_rate", "")
    budget, spent = _number(money.get("annual_total")), _number(money.get("executed"))
    computed = round(spent / budget, 4) if budget and spent is not None else None
    share = _number(printed)
    if share is not None and ("%" in printed or share > 1.5):
        share = round(share / 100, 4)
    if share is not None and 0 <= share <= 1.5 and (computed is None or abs(share - computed) <= 0.01 or
                                                     "%" in printed):
        return share, "printed"
    if computed is not None and 0 <= computed <= 1.5:
        return computed, "executed ÷ budget"
    return None, None


def _joined_target(target: str, unit: str, nature: str) -> str | None:
    """The target as one string: the comparator, the value and the unit printed in their own cells joined."""
    if not target:
        return None
    op = normalize_text(nature).strip() if nature and len(nature) <= 4 and target[:1] not in "≥≤=<>≧≦═" else ""
    op = comparator_role("joined_nature").get(op, op)
    if op in {"正向", "反向"}:
        op = ""
    tail = unit if unit and unit != "无" and not target.endswith(unit) else ""
    return f"{op}{target}{tail}"


def _number(value: object) -> float | None:
    text = _text(value).replace(",", "").replace("%", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    return float(text)


def _text(value: object) -> str:
    return text_of(value).strip()
