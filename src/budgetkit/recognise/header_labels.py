"""Which header cells are labels, and where a label's value ends.

A header label is a cell the vocabulary (:mod:`budgetkit.vocab.vocabulary`) reads in one of the roles
:data:`LABEL_ROLES` (:func:`label_term`). A cell the vocabulary does not know may still be shaped like a label
(``项目负责人及电话:``, ``下达地方或单位``): :func:`is_unknown_label`, or a cell opened by one with its value after
it (:func:`label_then_value`). A label's value runs to the end of its row or to such a cell (:func:`value_run`).

Examples:
    >>> is_unknown_label("项目负责人及电话:"), is_unknown_label("某某专项资金")
    (True, False)
    >>> label_then_value("概况 台胞扶贫济困生活补贴")
    ('概况', '台胞扶贫济困生活补贴')
"""

from __future__ import annotations

import re

from budgetkit.model import rules
from budgetkit.segment.tokens import BREAK, LINE, Tok
from budgetkit.vocab.vocabulary import Term

__all__ = ["LABEL_ROLES", "is_unknown_label", "label_term", "label_then_value", "value_run"]

#: Roles of labels read in a header.
LABEL_ROLES = ("field", "extra", "block", "subtable", "row", "goal", "unit_label", "column", "section")
#: A cell shaped like a label the vocabulary does not know: it ends with a colon, or is marked required,
#: or is short and ends the way labels end.
_UNKNOWN_LABEL_RE = re.compile(
    r"^\*|[:]$|^.{0,12}(?:名称|部门|单位|负责人|电话|编码|代码|类别|分类|属性|概况|日期|时间|周期|期限|区域|方式|依据|地址|邮箱)$"
)
#: A cell opened by a word shaped like a label the vocabulary does not know, its value after a space or colon
#: (``概况 台胞扶贫济困生活补贴包括:…``).
_LABEL_THEN_VALUE_RE = re.compile(r"^(?P<label>\S{2,12}?)(?:[:]\s*|\s+)(?P<value>\S.*)$")


def label_term(tok: Tok) -> Term | None:
    """The term a cell is read as a header label in, else ``None``."""
    if tok.match is None:
        return None
    return tok.role(*LABEL_ROLES)


def value_run(vals: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """The value tokens of a label: up to the end of its row, or a cell shaped like an unknown label.

    The row ends where the reader saw it end; a cell shaped like a label the vocabulary does not know stands
    alone or opens its line before its value.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, gap):
        ...     return Tok(text, (Cell(text, 1),), gap)
        >>> [t.text for t in value_run([tok("某某专项资金", 2), tok("下达地方或单位", 4), tok("某区政府", 2)])[0]]
        ['某某专项资金']
        >>> [t.text for t in value_run([tok("某某补贴、涉台联络", 0), tok("经费", 2), tok("概况 补贴包括:…", 2)])[0]]
        ['某某补贴、涉台联络', '经费']
    """
    for k, v in enumerate(vals):
        if k > 0 and (v.gap >= BREAK or (is_unknown_label(v.text)
                                         or v.gap >= LINE and label_then_value(v.text) is not None)
                      and rules.enabled("name.stops-at-unknown-label")):
            return vals[:k], vals[k:]
    return vals, []


def is_unknown_label(text: str) -> bool:
    """Whether a cell is shaped like a label the vocabulary does not know (short, ending as labels end)."""
    return len(text) <= 16 and _UNKNOWN_LABEL_RE.search(text) is not None


def label_then_value(text: str) -> tuple[str, str] | None:
    """``(label, value)`` of a cell opened by a word shaped like an unknown label, else ``None``."""
    m = _LABEL_THEN_VALUE_RE.match(text)
    if m is None or not _UNKNOWN_LABEL_RE.search(m["label"]):
        return None
    return m["label"], m["value"]
