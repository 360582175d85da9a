"""Cells of a flattened row the vocabulary cannot cut: a choice direction and its answers, a restated explanation.

A page flattened onto one line runs a row's cells together. Two shapes are cut here:

* a 指标方向 cell that names the answers a target may take (``是/否``, ``metadata/grid_words.csv`` kind
  ``choice_direction``), followed by one answer per area column: ``…质量问题是/否否否``;
* an explanation that restates the name's closing words (``已建工程是否存在质量问题`` /
  ``当年已完工项目是否在检查中发现质量问题``), where the section prints an explanation column and no
  opening word (反映…) shows where it starts.

Reading rules (``metadata/reading_rules.csv``): ``areas.choice-answers`` (the first shape) and
``run-together.restated-explanation`` (the second).
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import is_wide
from budgetkit.model.settings import setting

#: The fewest characters of a name's closing words an explanation must restate to be cut there.
MIN_RESTATED = setting("choices.min-restated")
#: The fewest characters on each side of a restated cut.
MIN_SIDE = setting("choices.min-side")


@cache
def choice_words() -> tuple[str, ...]:
    """The 指标方向 words that name a target's answers (``metadata/grid_words.csv``, kind ``choice_direction``)."""
    return tuple(r["word"] for r in read_metadata("grid_words") if r["kind"] == "choice_direction")


def choice_tail(text: str, areas: int) -> tuple[str, str, list[str]] | None:
    """``(before, direction, answers)`` where ``text`` ends in a choice direction and one answer per area.

    Examples:
        >>> choice_tail("已建工程是否存在质量问题是/否否否", 2)
        ('已建工程是否存在质量问题', '是/否', ['否', '否'])
        >>> choice_tail("是否发生安全事故是/否否", 2) is None
        True
    """
    for word in choice_words():
        answers = [a for a in word.split("/") if a]
        alt = "|".join(re.escape(a) for a in sorted(answers, key=len, reverse=True))
        m = re.search(rf"{re.escape(word)}((?:{alt}){{{areas}}})$", text)
        if m is not None and m.start() > 0:
            if not rules.enabled("areas.choice-answers"):
                return None
            return text[: m.start()], word, re.findall(alt, m.group(1))
    return None


def restated_cut(part: str) -> int | None:
    """Where an explanation that restates the name's closing words starts in ``part``, or ``None``.

    The longest closing words of ``part`` (three wide characters or more) printed earlier end the name.

    Examples:
        >>> part = "已建工程是否存在质量问题当年已完工项目是否在检查中发现质量问题"
        >>> part[: restated_cut(part)]
        '已建工程是否存在质量问题'
        >>> restated_cut("开展修复工程") is None
        True
    """
    for n in range(len(part) // 2, MIN_RESTATED - 1, -1):
        closing = part[-n:]
        if not all(is_wide(ch) for ch in closing):
            continue
        at = part.find(closing, 0, len(part) - n)
        if at >= 0 and at + n >= MIN_SIDE and len(part) - (at + n) >= n + MIN_SIDE:
            return at + n if rules.enabled("run-together.restated-explanation") else None
    return None
