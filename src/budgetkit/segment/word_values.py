"""Values of words in a flattened row's text: where a row's value of words starts, and targets of words cut out.

A row of a flattened page may end in a value of words rather than a number (``职工家庭生活有所改善``,
``为当地提供就业增加岗位``, ``…文化传承影响长远``), or run a target of words whole in itself between its name
and the next row's name (``成本控制率不超预算水电气消耗下降率``). The words are ``metadata/word_values.csv``'s,
by kind: ``opens``, ``verb`` and ``whole`` make a value of words (:func:`word_value_tail`), ``cap`` is a
target whole in itself (:func:`cut_word_targets`).

Examples:
    >>> word_value_tail("职工家庭生活有所改善"), cut_word_targets("成本控制率不超预算水电气消耗下降率")
    (6, ['成本控制率', '不超预算', '水电气消耗下降率'])
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.model.settings import setting

__all__ = ["cut_word_targets", "word_value_at", "word_value_tail", "word_values"]


@cache
def word_values() -> dict[str, tuple[str, ...]]:
    """Words a value of words is made of (``metadata/word_values.csv``), by kind.

    ``opens``, ``verb`` and ``whole`` make a value of words; ``cap`` is a target whole in itself (不超预算).

    Examples:
        >>> sorted(word_values())
        ['cap', 'opens', 'verb', 'whole']
    """
    out: dict[str, list[str]] = {}
    for row in read_metadata("word_values"):
        out.setdefault(row["kind"], []).append(row["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


#: The longest value of words cut off a run-together row.
_WORD_VALUE_MAX = setting("rows.word-value-max")
#: The longest object after a verb opening a value of words (增加岗位).
_VERB_OBJECT_MAX = setting("rows.verb-object-max")


def word_value_at(tail: str) -> bool:
    """Whether ``tail``, the end of a run-together row, is a value of words (see ``metadata/word_values.csv``).

    Three reading rules, one per shape: ``word-value.opens`` (an opening word: 有所改善), ``word-value.whole``
    (a whole word: 长远), ``word-value.verb-object`` (a verb and an object of at most two characters: 增加岗位;
    the verb alone ends a name: 办学条件改善).

    Examples:
        >>> [word_value_at(t) for t in ("有所改善", "增加岗位", "改善", "长远", "长远规划")]
        [True, True, False, True, False]
    """
    words = word_values()
    if len(tail) > _WORD_VALUE_MAX:
        return False
    if tail.startswith(words.get("opens", ())) and rules.enabled("word-value.opens"):
        return True
    if tail in words.get("whole", ()) and rules.enabled("word-value.whole"):
        return True
    verb = next((v for v in words.get("verb", ()) if tail.startswith(v)), None)
    return verb is not None and 0 < len(tail) - len(verb) <= _VERB_OBJECT_MAX \
        and rules.enabled("word-value.verb-object")


def word_value_tail(text: str) -> int | None:
    """Where the value of words ending ``text`` starts (the leftmost, at most eight characters from the end), or None.

    Examples:
        >>> word_value_tail("职工家庭生活有所改善"), word_value_tail("办学条件改善")
        (6, None)
    """
    for k in range(max(2, len(text) - _WORD_VALUE_MAX), len(text) - 1):
        if word_value_at(text[k:]):
            return k
    return None


@cache
def _word_target_re() -> re.Pattern:
    """Targets of words whole in themselves (``不超预算``: ``cap`` in ``metadata/word_values.csv``), longest first."""
    return re.compile("|".join(re.escape(w) for w in word_values()["cap"]))


def cut_word_targets(part: str) -> list[str]:
    """A piece of a flattened row cut around a target of words whole in itself, where a name stands before it.

    The reading rule ``run-together.word-targets``: a target of words (``cap`` in ``metadata/word_values.csv``)
    run together between its name and what follows (the next row's name, B02 鄂州) is a cell of its own.

    Examples:
        >>> cut_word_targets("成本控制率不超预算水电气消耗下降率")
        ['成本控制率', '不超预算', '水电气消耗下降率']
        >>> cut_word_targets("不超预算")
        ['不超预算']
        >>> cut_word_targets("人均培训费不超过标准")
        ['人均培训费', '不超过标准']
    """
    out, pos = [], 0
    for m in _word_target_re().finditer(part):
        if m.start() - pos < 2:  # no name before it: the piece is the target itself, or opens with it
            continue
        if not rules.enabled("run-together.word-targets"):
            break
        out += [part[pos : m.start()], m.group(0)]
        pos = m.end()
    out.append(part[pos:])
    return [p for p in out if p]
