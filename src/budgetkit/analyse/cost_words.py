"""The words the cost reconciliation reads, from ``metadata/cost_words.csv`` and ``codes.csv``.

``cost_words.csv`` holds word lists by name (``generic``: words dropped before names are compared;
``meeting``: words that mark a meeting; ``cost_level``: the label cost targets stand under; ``goal_total``,
``goal_per_unit``, ``goal_name_prefix``: how a narrative goal's amounts are read). The words of codes (the
pricing methods, the pairing bases, the budget bases) are ``codes.csv``'s.

Examples:
    >>> cost_words("meeting")[:2], "经济成本指标" in cost_labels()
    (('会议', '会务'), True)
    >>> code_words("terms", "method")["per_item"]
    ('每项费用×项数', 'cost per item × items')
"""

from __future__ import annotations

from functools import cache

from budgetkit.model.fields import read_metadata

__all__ = ["code_words", "cost_labels", "cost_words"]


@cache
def cost_words(name: str) -> tuple[str, ...]:
    """The words of list ``name`` of ``metadata/cost_words.csv``, in file order.

    Raises:
        KeyError: no list ``name`` in the file.
    """
    words = tuple(r["word"] for r in read_metadata("cost_words") if r["list"] == name)
    if not words:
        raise KeyError(f"metadata/cost_words.csv has no list {name!r}")
    return words


@cache
def cost_labels() -> frozenset[str]:
    """The level labels that hold cost targets: ``cost_level`` and its children in ``vocabulary.csv``.

    Examples:
        >>> sorted(cost_labels())
        ['成本指标', '生态环境成本指标', '社会成本指标', '经济成本指标']
    """
    roots = set(cost_words("cost_level"))
    children = {r["field"] for r in read_metadata("vocabulary")
                if r["role"] in {"level1", "level2"} and r["parent"] in roots}
    return frozenset(roots | children)


@cache
def code_words(table: str, column: str) -> dict[str, tuple[str, str]]:
    """``{code: (Chinese, English)}`` of the codes of ``table.column`` in ``codes.csv`` (patterns left out)."""
    return {r["code"]: (r["zh"], r["en"]) for r in read_metadata("codes")
            if (r["table"], r["column"]) == (table, column) and "{" not in r["code"]}
