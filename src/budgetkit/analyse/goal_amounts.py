"""The component amounts a project's narrative goal states (养老保险67.35万元，职业年金33.68万元)."""

from __future__ import annotations

import re

from budgetkit.analyse.wan import isnan
from budgetkit.model.normalize import normalize_text

__all__ = ["goal_components"]


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
        if total_wan is not None and not isnan(total_wan) and abs(amount - float(total_wan)) < 1e-6:
            continue
        found.append((_GOAL_NAME_PREFIX.sub("", name) or name, amount))
    return found
