"""The goals of a table's header: goal labels printed side by side and the texts after them.

Goal labels (总体目标, 年度目标, 预期目标 | 实际完成情况 …) take the texts after them in order, the last label the
rest (:func:`read_goals`); goals printed one after the other are parted at sentence ends. Numbers alone where a
goal is printed are another cell's value (:data:`NUMBERS_IN_GOAL`).

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.segment.tokens import LINE
    >>> [t.text for t in _sentences([Tok(t, (Cell(t, 1),), LINE) for t in ("甲。", "乙", "丙。")], 2)[1]]
    ['乙', '丙。']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from budgetkit.segment.tokens import BLANK, LINE, PIECE, Tok
from budgetkit.vocab.vocabulary import Term

if TYPE_CHECKING:
    from budgetkit.recognise.header import Header

__all__ = ["NUMBERS_IN_GOAL", "read_goals"]

_SENTENCE_END = ("。", ";", ";", "!")


def read_goals(labels: Sequence[tuple[Tok, Term]], vals: list[Tok], rec: dict, h: Header) -> list[Tok]:
    """Goal labels printed side by side take the texts after them in order; the last label takes the rest."""
    texts = [v for v in vals if v.text]
    numbers = [v for v in texts if _NUMBERS_ONLY_RE.match(v.text)]
    for v in numbers:  # a cell of numbers is no goal: another cell's value written here (a layer written by column)
        h.leftovers.append((v, NUMBERS_IN_GOAL))
    texts = [v for v in texts if v not in numbers]
    if not texts:
        return []
    labels, groups = _goal_groups(labels, texts)
    for (tok, term), group in zip(labels, groups, strict=False):
        text = _join_goal(group)
        key = term.field
        if text and not rec.get(key):
            rec[key] = text
        elif text:
            h.extras.append({"label": tok.text, "field": key, "value": text, "tok": tok})
        h.used.update(id(t) for t in group)
    return []


def _goal_groups(labels: Sequence[tuple[Tok, Term]], texts: list[Tok]
                 ) -> tuple[list[tuple[Tok, Term]], list[list[Tok]]]:
    """Which goal labels take which texts: the labels, and the group of texts each takes, in order."""
    labels = list(labels)
    if len(labels) > len(texts) + 1 and labels[-1][0].gap >= LINE and labels[-2][0].line < labels[-1][0].line:
        # goal columns printed on one row (预期目标 | 实际完成情况), a row label under them (总体目标): the
        # row's texts go to the columns
        labels = labels[:-1]
    if len(labels) > 1 and len(texts) > len(labels):
        groups = _sentences(texts, len(labels))
    elif len(labels) > 1:
        groups = [[t] for t in texts]
    else:
        groups = [texts]
    labels = list(labels)[-len(groups):] if len(groups) <= len(labels) else list(labels)
    return labels, groups


#: Numbers (amounts, shares) alone in a cell: no goal says only that.
_NUMBERS_ONLY_RE = re.compile(r"^[\d\s.,%]+$")
#: Why numbers after a goal label are reported.
NUMBERS_IN_GOAL = "numbers where a goal is printed: another cell's value, not a goal"


def _sentences(texts: list[Tok], n: int) -> list[list[Tok]]:
    """Group wrapped goal lines into ``n`` cells at sentence ends (two goals printed one after the other)."""
    groups: list[list[Tok]] = [[]]
    for t in texts:
        groups[-1].append(t)
        if t.text.endswith(_SENTENCE_END) and len(groups) < n:
            groups.append([])
    groups = [g for g in groups if g]
    if len(groups) != n:
        return [texts]
    return groups


def _join_goal(group: Sequence[Tok]) -> str:
    out = ""
    for t in group:
        text = t.text.strip()
        if out and t.gap == PIECE and out[-1].isascii() and text[:1].isascii():
            out += " "
        out += text
    return out if group and group[0].gap != BLANK or out else out
