"""Reading rules by id (issue 22): each one listed in ``metadata/reading_rules.csv``, each one a switch.

A reading rule is a heuristic of ``segment/``, ``recognise/``, ``read/`` or ``vocab/`` that decides a name, a
value, a level, where a table ends or where a cell is split. Its site in the code is guarded by
:func:`enabled`, called where the rule is about to act::

    if unit and rules.enabled("value.compose-unit-cell"):
        ...

so that a rule can be switched off (to see which tests guard it: ``benchmarks/rules_switch_off.py``) and a
reading can say which rules acted (:func:`fired`). Switch rules off with the environment variable
``BUDGETKIT_RULES_OFF=id1,id2`` or, in a test, with :func:`switched_off`. An id the table does not list is
an error naming the id, wherever it is used.

Examples:
    >>> enabled("value.compose-unit-cell")
    True
    >>> with switched_off("value.compose-unit-cell"):
    ...     enabled("value.compose-unit-cell")
    False
    >>> with fired() as seen:
    ...     _ = enabled("value.compose-unit-cell")
    >>> seen["value.compose-unit-cell"]
    1
    >>> enabled("no.such-rule")
    Traceback (most recent call last):
    ...
    budgetkit.errors.ParameterError: unknown reading rule (not in metadata/reading_rules.csv): 'no.such-rule'

The table lists the rules of the recognisers (``recognise/``: the token path, the grid path, the aligner's
shapes and joins, where regions start, the families' passes), the segmenters' label and row cuts
(``segment/``) and the values of words; :mod:`budgetkit.analyse.rule_trace` says which rule made which cell.
Not yet listed (no id, no guard): the aligner's other cost choices (``recognise/align.py``: the piece join,
the filled-width join), the header's inner rules (``recognise/header.py``: ``_split_by_ratio``, ``_read_entry``,
``_sentences``), the text segmenter (``segment/text.py``: pipes, quoted cells, ``_continue_row``, column
layouts), the value parser (``vocab/values.py``, ``vocab/deadlines.py``, ``vocab/name_quantity.py``) and the
readers' repairs (``read/``: ``cell_overflow``, ``grid.cap_spans``, ``ocr``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from budgetkit.errors import ParameterError
from budgetkit.model.fields import read_metadata

__all__ = ["ENV", "enabled", "fired", "known", "rule_of_reason", "switched_off"]

#: The environment variable that switches rules off: ids separated by commas.
ENV = "BUDGETKIT_RULES_OFF"

_OFF: ContextVar[frozenset[str]] = ContextVar("budgetkit_rules_off", default=frozenset())
_FIRED: ContextVar[Counter | None] = ContextVar("budgetkit_rules_fired", default=None)


@cache
def known() -> dict[str, dict[str, str]]:
    """The rows of ``metadata/reading_rules.csv`` by rule id.

    Examples:
        >>> known()["value.compose-unit-cell"]["stage"]
        'recognise'
    """
    return {row["rule_id"]: row for row in read_metadata("reading_rules")}


def rule_of_reason(reason: str) -> str | None:
    """The id of the rule whose confidence reason (or unparsed reason) ``reason`` is, else ``None``.

    A row's ``confidence_reasons`` are joined with ``; ``; each names the rule that fired.

    Examples:
        >>> rule_of_reason("project name read empty")
        'name.empty-flagged'
        >>> [rule_of_reason(r) for r in "value cut off before a word value; cell boundary inferred".split("; ")]
        ['run-together.word-value-cut', None]
    """
    return _by_reason().get(reason)


@cache
def _by_reason() -> dict[str, str]:
    out: dict[str, str] = {}
    for rule_id, row in known().items():
        if row.get("reason"):
            out.setdefault(row["reason"], rule_id)
    return out


def _check(rule_id: str, where: str = "") -> str:
    if rule_id not in known():
        raise ParameterError(f"unknown reading rule{where} (not in metadata/reading_rules.csv)", text=rule_id)
    return rule_id


@cache
def _from_env(value: str) -> frozenset[str]:
    ids = frozenset(p.strip() for p in value.split(",") if p.strip())
    for rule_id in ids:
        _check(rule_id, f" in {ENV}")
    return ids


def enabled(rule_id: str) -> bool:
    """Whether the reading rule ``rule_id`` is on; counted as fired where :func:`fired` records.

    Call it where the rule is about to act (after the rule's own condition), so that the count says the rule
    acted.
    """
    _check(rule_id)
    seen = _FIRED.get()
    if seen is not None:
        seen[rule_id] += 1
    return rule_id not in _OFF.get() and rule_id not in _from_env(os.environ.get(ENV, ""))


@contextmanager
def switched_off(*rule_ids: str) -> Iterator[None]:
    """Switch the rules ``rule_ids`` off inside the block (for tests)."""
    token = _OFF.set(_OFF.get() | {_check(r) for r in rule_ids})
    try:
        yield
    finally:
        _OFF.reset(token)


@contextmanager
def fired() -> Iterator[Counter]:
    """Count, by rule id, the reading rules that acted inside the block (the reading's rule trace)."""
    seen: Counter = Counter()
    token = _FIRED.set(seen)
    try:
        yield seen
    finally:
        _FIRED.reset(token)
