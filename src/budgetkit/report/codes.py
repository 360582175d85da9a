"""Chinese and English words for the code values the tables hold (``closes``, ``warning``, ``rate`` …).

Each vocabulary has one home: the reconciliation statuses are
:data:`budgetkit.reconcile.STATUSES`, the audit rules
:func:`budgetkit.audit.list_rules`, and the rest ``metadata/codes.csv``.

Examples:
    >>> code_label("costs", "status", "closes")
    '吻合 closes'
    >>> code_label("audit", "rule", "qualitative_share")
    '定性指标占比过高 qualitative_share'
    >>> code_label("indicators", "kind", "rate"), code_label("indicators", "kind", "新词")
    ('单位金额或比率 rate', '新词')
    >>> code_label("costs", "table_status", "partial")
    '不完整 partial'
"""

from __future__ import annotations

from functools import cache

from budgetkit.fields import read_metadata

__all__ = ["code_label", "code_words", "has_codes"]

# Columns that use another column's vocabulary.
_SAME_AS: dict[tuple[str, str], tuple[str, str]] = {("costs", "table_status"): ("projects", "status")}


@cache
def _vocabularies() -> dict[tuple[str, str], dict[str, tuple[str, str]]]:
    from budgetkit.audit import list_rules
    from budgetkit.reconcile import STATUSES

    words: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for row in read_metadata("codes"):
        words.setdefault((row["table"], row["column"]), {})[row["code"]] = (row["zh"], row["en"])
    words[("costs", "status")] = {code: (zh, code) for code, zh in STATUSES.items()}
    rules = list_rules()
    words[("audit", "rule")] = {r: (zh, r) for r, zh in zip(rules["rule"], rules["zh"], strict=True)}
    for alias, source in _SAME_AS.items():
        words[alias] = words[source]
    return words


def has_codes(table: str, column: str) -> bool:
    """Whether ``table.column`` holds codes that have words.

    Examples:
        >>> has_codes("audit", "severity"), has_codes("projects", "project")
        (True, False)
    """
    return (table, column) in _vocabularies()


def code_words(table: str, column: str, code: str) -> tuple[str, str]:
    """``(zh, en)`` of a code; an unknown code is its own word in both languages.

    Examples:
        >>> code_words("audit", "severity", "error")
        ('错误', 'error')
    """
    return _vocabularies().get((table, column), {}).get(code, (code, code))


def code_label(table: str, column: str, code: str) -> str:
    """``"中文 english"`` for a code (the English is often the code itself); an unknown code as given."""
    zh, en = code_words(table, column, code)
    return code if zh == code else f"{zh} {en}"
