"""The rules of 财预〔2021〕101号 as data: ``rules.csv``, ``rule_cases.csv``, ``rule_words.csv``, ``rule_levels.csv``.

- ``metadata/rules.csv``: one row per rule R1–R31 (``../shared/RULES-101.md``): its clause (``C:n``)
  and the clause's words, severity, scope (project or row), the kinds of table and templates it
  applies to, whether it needs the whole table, and for a rule not run the reason.
- ``metadata/rule_cases.csv``: the findings a rule can raise, each with its severity and its Chinese
  and English message (``str.format`` fields such as ``{name}``, ``{value}``).
- ``metadata/rule_words.csv``: the word lists (vague words, routine-management words, placeholders,
  class keywords …), one list per name.
- ``metadata/rule_levels.csv``: the level-2 groups each template allows under each level-1 (R6), and (``audit``)
  the groups the audit's structure checks require.

Examples:
    >>> rule("R13").clause, rule("R13").severity
    ('C:1588, C:4917', 'warning')
    >>> case("R7", "empty_value").severity
    'error'
    >>> "有所改善" in words("vague")
    True
    >>> rule("R25").runs, rule("R25").not_run_reason[:23]
    (False, 'needs a reference table')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from budgetkit.errors import BudgetkitError
from budgetkit.model.fields import read_metadata

__all__ = ["Case", "Rule", "allowed_level2", "case", "match_word", "rule", "rules", "rules_frame", "words"]


@dataclass(frozen=True)
class Rule:
    """One rule of ``rules.csv``."""

    rule: str
    title_zh: str
    title_en: str
    clause: str
    clause_text: str
    severity: str
    scope: str
    kinds: frozenset[str]
    templates: frozenset[str]
    whole_table: bool
    runs: bool
    not_run_reason: str
    check_en: str


@dataclass(frozen=True)
class Case:
    """One kind of finding of a rule (``rule_cases.csv``)."""

    rule: str
    case: str
    severity: str
    message_zh: str
    message_en: str


def _split(text: str) -> frozenset[str]:
    return frozenset(t.strip() for t in text.split(";") if t.strip())


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule of ``rules.csv``, in the order R1…R31."""
    out = []
    for r in read_metadata("rules"):
        out.append(Rule(
            rule=r["rule"], title_zh=r["title_zh"], title_en=r["title_en"], clause=r["clause"],
            clause_text=r["clause_text"], severity=r["severity"], scope=r["scope"], kinds=_split(r["kinds"]),
            templates=_split(r["templates"]), whole_table=r["whole_table"] == "yes", runs=r["runs"] == "yes",
            not_run_reason=r["not_run_reason"], check_en=r["check_en"],
        ))
    return tuple(out)


def rule(rule_id: str) -> Rule:
    """The rule ``rule_id`` (``R1`` … ``R31``).

    Raises:
        BudgetkitError: no such rule in ``metadata/rules.csv``.
    """
    for r in rules():
        if r.rule == rule_id:
            return r
    raise BudgetkitError("no such rule in metadata/rules.csv", text=rule_id)


@cache
def _cases() -> dict[tuple[str, str], Case]:
    return {(r["rule"], r["case"]): Case(**r) for r in read_metadata("rule_cases")}


def case(rule_id: str, name: str) -> Case:
    """The case ``name`` of rule ``rule_id`` (its severity and messages).

    Raises:
        BudgetkitError: no such case in ``metadata/rule_cases.csv``.
    """
    found = _cases().get((rule_id, name))
    if found is None:
        raise BudgetkitError("no such rule case in metadata/rule_cases.csv", text=f"{rule_id} {name}")
    return found


@cache
def _word_rows() -> dict[str, tuple[tuple[str, str], ...]]:
    lists: dict[str, list[tuple[str, str]]] = {}
    for r in read_metadata("rule_words"):
        lists.setdefault(r["list"], []).append((r["word"], r["match"]))
    return {k: tuple(v) for k, v in lists.items()}


def words(name: str) -> tuple[str, ...]:
    """The words of list ``name`` of ``rule_words.csv``, in file order."""
    return tuple(w for w, _ in _word_rows().get(name, ()))


def match_word(name: str, text: str) -> str:
    """The first word of list ``name`` that ``text`` holds (``''`` when none).

    A word matches as a substring, as the whole text (``exact``), or as a regular expression (``regex``).

    Examples:
        >>> match_word("routine", "评选程序规范性"), match_word("placeholder", "指标1:")
        ('程序规范', '指标1:')
        >>> match_word("placeholder", "无锡"), match_word("placeholder", "指标1:职工人数")
        ('', '')
    """
    for word, how in _word_rows().get(name, ()):
        if how == "exact" and text == word:
            return word
        if how == "regex" and re.search(word, text):
            return text
        if how == "substring" and word in text:
            return word
    return ""


@cache
def allowed_level2(template: str) -> dict[str, frozenset[str]]:
    """Level-1 → the level-2 groups template ``template`` (``2021`` or ``older``) allows under it."""
    out: dict[str, set[str]] = {}
    for r in read_metadata("rule_levels"):
        if r["template"] == template:
            out.setdefault(r["level1"], set()).add(r["level2"])
    return {k: frozenset(v) for k, v in out.items()}


@cache
def audit_levels() -> tuple[dict[str, str], dict[str, tuple[str, tuple[str, ...]]]]:
    """The level structure the audit's ``missing_level1``/``missing_level2`` checks require (``rule_levels.csv``).

    Rows with an ``audit`` mark: each of their level-1 groups is required (with its English name,
    ``level1_en``); ``all`` rows are each required under their level-1, of ``any`` rows one is.

    Returns:
        ``(required level-1 → English name, level-1 → (mode, level-2 groups))`` in file order.

    Examples:
        >>> level1, level2 = audit_levels()
        >>> list(level1.values()), level2["效益指标"][0]
        (['outputs', 'outcomes', 'satisfaction'], 'any')
    """
    level1: dict[str, str] = {}
    level2: dict[str, tuple[str, list[str]]] = {}
    for r in read_metadata("rule_levels"):
        if r["audit"]:
            level1.setdefault(r["level1"], r["level1_en"])
        if r["audit"] in {"all", "any"}:
            level2.setdefault(r["level1"], (r["audit"], []))[1].append(r["level2"])
    return level1, {k: (mode, tuple(v)) for k, (mode, v) in level2.items()}


@cache
def level1_names() -> dict[str, str]:
    """English name of every level-1 group of ``rule_levels.csv``, the audit's required ones first.

    Examples:
        >>> level1_names()["成本指标"]
        'cost'
    """
    names = dict(audit_levels()[0])
    for r in read_metadata("rule_levels"):
        names.setdefault(r["level1"], r["level1_en"])
    return names


def rules_frame() -> pd.DataFrame:
    """Every rule as a table for a rules page: id, titles, clause and its words, severity, check, run or why not.

    Examples:
        >>> frame = rules_frame()
        >>> len(frame), frame.loc[frame["rule"] == "R28", "runs"].item()
        (31, False)
    """
    columns = ["rule", "title_zh", "title_en", "clause", "clause_text", "severity", "scope", "check_en", "runs",
               "not_run_reason"]
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rules()], columns=columns)
