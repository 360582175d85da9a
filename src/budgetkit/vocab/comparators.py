"""The one comparator registry: signs and words that bound a number (≥, 不低于, 以上 …): metadata/comparators.csv.

Each row of ``comparators.csv`` is a comparator as printed with the canonical sign it means (``op``: ≥ ≤ > <
= ≈) and its ``bound`` (``lower``, ``upper``, ``exact``, ``approx``). The role columns say where a reader
accepts the spelling, numbered in the order the reader tries them:

- ``value_sign``, ``value_prefix``, ``value_suffix``: the 指标值 parser (:mod:`budgetkit.vocab.values`): a sign
  before the number, a word before it (不低于90%), a word after the number and its unit (90%以上);
- ``nature``: a 指标性质 / 指标方向 cell of its own (``大于等于``), as the achievement judge reads it;
- ``joined_nature``: the 指标性质 words rewritten when a split target is joined again (``analyse/achievement``);
- ``rule_word``: the words the 101号 value shapes read (:mod:`budgetkit.analyse.rules101.shapes`).

Where the roles differ they differ in one file, in the open.

Examples:
    >>> role("value_suffix")["以上"], role("nature")["大于等于"], ops_bounded("upper")
    ('≥', '≥', frozenset({'<', '≤'}))
    >>> list(role("rule_word"))[:3]
    ['不低于', '不少于', '大于等于']
"""

from __future__ import annotations

from functools import cache

from budgetkit.model.fields import read_metadata

__all__ = ["ROLES", "ops_bounded", "role"]

#: The role columns of ``comparators.csv``.
ROLES = ("value_sign", "value_prefix", "value_suffix", "nature", "joined_nature", "rule_word")


@cache
def role(name: str) -> dict[str, str]:
    """``{printed: op}`` of the comparators a reader accepts in role ``name``, in the order it tries them.

    Raises:
        KeyError: ``name`` is not a role column of ``comparators.csv``.

    Examples:
        >>> role("value_sign")[">="], "＝" in role("value_sign"), "＝" in role("nature")
        ('≥', False, True)
    """
    if name not in ROLES:
        raise KeyError(f"metadata/comparators.csv has no role column {name!r} (roles: {', '.join(ROLES)})")
    rows = [r for r in read_metadata("comparators") if r[name]]
    return {r["printed"]: r["op"] for r in sorted(rows, key=lambda r: int(r[name]))}


@cache
def ops_bounded(bound: str) -> frozenset[str]:
    """The canonical signs whose ``bound`` is ``bound`` (``lower``: ≥ >, ``upper``: ≤ <, ``exact``, ``approx``).

    Examples:
        >>> sorted(ops_bounded("lower"))
        ['>', '≥']
    """
    return frozenset(r["op"] for r in read_metadata("comparators") if r["bound"] == bound)
