"""Chinese and English words for the code values the tables hold (``closes``, ``warning``, ``rate`` …).

Each vocabulary has one home: the audit rules
:func:`budgetkit.analyse.audit.list_rules`, and the rest ``metadata/codes.csv``.

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

import re
from functools import cache

from budgetkit.analyse.audit import list_rules
from budgetkit.model.fields import load_fields, read_metadata

__all__ = ["code_label", "code_words", "has_codes"]

# Columns that use another column's vocabulary.
_SAME_AS: dict[tuple[str, str], tuple[str, str]] = {
    ("costs", "table_status"): ("projects", "status"),
    ("costs", "method"): ("terms", "method"),
}

#: A placeholder in a code of ``codes.csv``: ``{n}`` a number, ``{x}`` any text, ``{field}`` a column name
#: (shown as its Chinese label).
_PLACEHOLDER = re.compile(r"\{(n|x|field)\}")
_PATTERN = {"n": r"(?P<n>\d+(?:\.\d+)?)", "x": r"(?P<x>.+?)", "field": r"(?P<field>[a-z][a-z0-9_]*)"}


def _compile(code: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(code)
    regex = "".join(_PATTERN[p] if i % 2 else re.escape(p) for i, p in enumerate(parts))
    return re.compile(rf"^{regex}$")


@cache
def _vocabularies() -> dict[tuple[str, str], dict[str, tuple[str, str]]]:

    words: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for row in read_metadata("codes"):
        if not _PLACEHOLDER.search(row["code"]):
            words.setdefault((row["table"], row["column"]), {})[row["code"]] = (row["zh"], row["en"])
    rules = list_rules()
    words[("audit", "rule")] = {r: (zh, r) for r, zh in zip(rules["rule"], rules["zh"], strict=True)}
    for alias, source in _SAME_AS.items():
        words[alias] = words[source]
    return words


@cache
def _patterns() -> dict[tuple[str, str], list[tuple[re.Pattern, str, str]]]:
    """The codes of ``codes.csv`` with placeholders (``the file ends at line {n}, …``), per column."""
    out: dict[tuple[str, str], list[tuple[re.Pattern, str, str]]] = {}
    for row in read_metadata("codes"):
        if _PLACEHOLDER.search(row["code"]):
            out.setdefault((row["table"], row["column"]), []).append((_compile(row["code"]), row["zh"], row["en"]))
    return out


@cache
def _field_label(name: str) -> str:
    fields = load_fields()
    match = fields[fields["name"] == name]
    return str(match["zh"].iloc[0]) if len(match) else name


def has_codes(table: str, column: str) -> bool:
    """Whether ``table.column`` holds codes that have words.

    Examples:
        >>> has_codes("audit", "severity"), has_codes("projects", "project"), has_codes("unparsed", "reason")
        (True, False, True)
    """
    return (table, column) in _vocabularies() or (table, column) in _patterns()


def _match(table: str, column: str, code: str) -> tuple[str, str] | None:
    words = _vocabularies().get((table, column), {})
    if code in words:
        return words[code]
    for regex, zh, en in _patterns().get((table, column), []):
        found = regex.match(code)
        if found:
            values = found.groupdict()
            if "field" in values:
                values["field"] = _field_label(values["field"])
            return zh.format(**values), en.format(**values)
    return None


def code_words(table: str, column: str, code: str) -> tuple[str, str]:
    """``(zh, en)`` of a code; an unknown code is its own word in both languages.

    A value holding several codes (``a; b``, or methods joined by ``+``) is worded part by part.

    Examples:
        >>> code_words("audit", "severity", "error")
        ('错误', 'error')
        >>> code_words("projects", "status_reason", "the file ends at line 34, before any 满意度指标 row")[0]
        '文件在第 34 行结束，未到满意度指标'
        >>> code_words("costs", "method", "meeting+quantity×unit_cost")[0]
        '会议费：人数×天数×标准 + 数量×单位成本'
        >>> code_words("unparsed", "reason", "fiscal_wan: not an amount")[0]
        '财政拨款：不是金额'
    """
    found = _match(table, column, code)
    if found is not None:
        return found
    for sep, joiner in (("; ", "；"), ("+", " + ")):
        parts = code.split(sep)
        if len(parts) > 1:
            worded = [_match(table, column, p.strip()) for p in parts]
            if all(w is not None for w in worded):
                return joiner.join(w[0] for w in worded), sep.join(w[1] for w in worded)
    return code, code


def _phrase(code: str) -> bool:
    """Whether a code is a phrase or an identifier (``annual total``, ``self_evaluation``): shown in Chinese only."""
    return any(c in code for c in " _×+;{") or code.isupper()


#: Columns whose codes show beside their Chinese even when phrases (rules are cited by name; the statuses of
#: the reconciliation are read in both languages).
_BILINGUAL = {("audit", "rule"), ("costs", "status")}


def code_label(table: str, column: str, code: str) -> str:
    """``"中文 english"`` for a one-word code; the Chinese alone for a phrase or identifier; an unknown code as given.

    Audit rules and reconciliation statuses keep their code beside the Chinese (see :data:`_BILINGUAL`).

    Examples:
        >>> code_label("projects", "kind", "self_evaluation"), code_label("projects", "total_basis", "annual total")
        ('绩效自评表', '年度资金总额')
        >>> code_label("skipped", "error", "NoTableError")
        '不含绩效目标表（仅供参考）'
    """
    zh, en = code_words(table, column, code)
    if zh == code:
        return code
    if (table, column) not in _BILINGUAL and (_phrase(code) or code.endswith("Error")):
        return zh
    return f"{zh} {en}"
