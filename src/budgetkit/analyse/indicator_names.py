"""Indicator names compared: one key per name, and the character overlap of two names.

Two rows of two tables (or a cost and a quantity of one table) name the same thing when their keys are equal
(:func:`indicator_key`: NFKC, radicals fixed, 戶→户, no punctuation) or their names overlap enough
(:func:`name_similarity`, after dropping the generic words of :data:`GENERIC_TERMS`).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from budgetkit.model.normalize import normalize_text
from budgetkit.vocab.units import UNITS_LONGEST_FIRST, VARIANTS

__all__ = ["GENERIC_TERMS", "indicator_key", "name_similarity"]


#: Words dropped from indicator names before comparing them: they say *that* a row is a
#: count or a cost, not *what* it counts (职工困难帮扶 ↔ 职工困难帮扶标准).
GENERIC_TERMS: tuple[str, ...] = (
    "人数", "户数", "数量", "标准", "费用", "支出", "金额", "人均", "平均", "缴纳",
)


_NOT_WORD = re.compile(r"[\W_]+")


def indicator_key(name: str) -> str:
    """Return the comparable form of an indicator name: NFKC, radicals fixed, 戶→户, no punctuation.

    Two names with the same key are the same indicator as far as budgetkit is concerned.

    Examples:
        >>> indicator_key("职⼯困难 帮扶(户)") == indicator_key("职工困难帮扶（戶）")
        True
    """
    return _key(name)


def name_similarity(a: str, b: str) -> float:
    """Return the character overlap (Dice coefficient) of two indicator names, 0 to 1.

    Names are normalised (NFKC, Kangxi radicals, 戶→户), stripped of punctuation and of
    the generic words of :data:`GENERIC_TERMS`; the overlap counts repeated characters.

    Examples:
        >>> name_similarity("职工困难帮扶", "职工困难帮扶标准")
        1.0
        >>> round(name_similarity("帮扶职工困难子女助学", "职工困难子女助学"), 3)
        0.889
        >>> name_similarity("奖励发放", "参加会议人数")
        0.0
    """
    return _similarity(a, b)


@lru_cache(maxsize=1 << 17)
def _similarity(a: str, b: str) -> float:
    (ca, na), (cb, nb) = _sim_counts(a), _sim_counts(b)
    if not na or not nb:
        return 0.0
    overlap = sum((ca & cb).values())
    return 2 * overlap / (na + nb)


@lru_cache(maxsize=1 << 17)
def _sim_counts(name: str) -> tuple[Counter[str], int]:
    key = _sim_key(name)
    return Counter(key), len(key)


@lru_cache(maxsize=1 << 17)
def _key(name: str) -> str:
    """Normalised name for comparing: NFKC, radicals, 戶→户, no punctuation or spaces."""
    return _NOT_WORD.sub("", normalize_text(name).translate(VARIANTS))


def _sim_key(name: str) -> str:
    key = _key(name)
    stripped = key
    for word in GENERIC_TERMS:
        stripped = stripped.replace(word, "")
    stripped = re.sub(r"^每(?:" + "|".join(UNITS_LONGEST_FIRST) + ")", "", stripped)
    return stripped or key
