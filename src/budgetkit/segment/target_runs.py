"""Targets printed together in a flattened row's text: where each run of targets is, and what is glued to it.

A page flattened onto one line runs a row's cells together (``…数量情况2312222``, ``>=95%>=95%项目完成率``).
The targets in such a text are numbers, each with a comparator and a unit of ``metadata/units.csv`` where
printed; a run of them is where a row's name ends (:func:`target_runs`), one of them a target of one area
column (:func:`one_target_re`), and bare numbers or a percent glued after one are the row's other columns
(:data:`TARGET_THEN_NUMBERS_RE`, :func:`target_then_weight_re`).

Examples:
    >>> [m.group(0) for m in target_runs("项目资金使用合规性反映项目资金使用合规情况>=95%>=95%项目完成率")]
    ['>=95%>=95%']
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.vocab.units import load_units
from budgetkit.vocab.vocabulary import traditional

__all__ = ["NUMBER_TARGET", "TARGET_THEN_NUMBERS_RE", "VALUE_TOKEN_RE", "one_target_re", "target_run_re",
           "target_runs", "target_then_weight_re"]

#: A number with its comparator, as a target prints it (>=95, ≥3.5).
NUMBER_TARGET = r"(?:>=|<=|[≥≤><=≧≦═])?\d+(?:\.\d+)?"
#: A number with its comparator and, where printed, a percent sign.
VALUE_TOKEN_RE = re.compile(NUMBER_TARGET + "%?")


def _units() -> str:
    """The units of ``metadata/units.csv`` as a regex alternation, longest first, traditional spellings too."""
    spelt = set(load_units()) | {traditional(u) for u in load_units()}  # (萬元, 戶 on pages in traditional script)
    return "|".join(re.escape(u) for u in sorted(spelt, key=len, reverse=True))


#: A run of targets printed together: ``2312222``, ``>=95%>=95%``, ``≥3个``.
@cache
def target_run_re() -> re.Pattern:
    """A run of targets printed together (``>=95%>=95%``, ``2312222``, ``200户``).

    Numbers, each with a comparator and a unit of ``metadata/units.csv`` (longest first) where printed.

    Examples:
        >>> [m.group(0) for m in target_run_re().finditer("2023.07-2024.01完成率>=95%>=95%")]
        ['2023.07-2024.01', '>=95%>=95%']
    """
    units = _units()
    # not from inside a number, nor at a date's year (2023年12月底前 is one deadline)
    dated = r"\d{4}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?"  # a period given by dates (2023.07-2024.01) is one target
    return re.compile(rf"(?<!\d)(?:{dated}(?:-|—|~|至){dated}|(?!\d{{4}}年)(?:{NUMBER_TARGET}(?:{units})?)+)")


@cache
def one_target_re() -> re.Pattern:
    """One target of a run (:func:`target_run_re`): a number with its comparator and unit where printed.

    Examples:
        >>> one_target_re().findall("=300天300天"), one_target_re().findall(">=95%>=95%")
        (['=300天', '300天'], ['>=95%', '>=95%'])
    """
    return re.compile(rf"{NUMBER_TARGET}(?:{_units()})?")


#: What follows a number inside a name's sentence: at most one character, then a comma (…2026年12月底,项目…).
_IN_SENTENCE_RE = re.compile(r"\D?,")


def target_runs(text: str) -> list[re.Match]:
    """The target runs of ``text`` (:func:`target_run_re`), but a date or number inside a name's sentence.

    Examples:
        >>> [m.group(0) for m in target_runs("截至2026年12月底,项目开展率(%)反映修复开展情况≥100%100%")]
        ['≥100%100%']
        >>> [m.group(0) for m in target_runs("项目完成时限2025年12月质量指标")]
        ['12月']
    """
    return [m for m in target_run_re().finditer(text) if not _IN_SENTENCE_RE.match(text, m.end())]


#: A target with its unit and, glued to it, bare numbers of the row's other columns (=100%60: a weight).
TARGET_THEN_NUMBERS_RE = re.compile(rf"(?P<target>{NUMBER_TARGET}%)(?P<rest>\d+(?:\.\d+)?)")


@cache
def target_then_weight_re() -> re.Pattern:
    """A target with its unit, its row's weight glued after it (``≥280亿元30%``: 权重 30%).

    Examples:
        >>> target_then_weight_re().fullmatch("≥280亿元30%").groupdict()
        {'target': '≥280亿元', 'rest': '30%'}
    """
    return re.compile(rf"(?P<target>{NUMBER_TARGET}(?:{_units()}))(?P<rest>\d+(?:\.\d+)?%)")
