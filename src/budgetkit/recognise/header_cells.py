"""A table's header cells cut where labels run together inside them, before the header is read.

A header cell may print several labels and values run together (``项目名称XX项目主管部门XX``), or a money
label and its amount one space apart (``其他资金 0.00``, a line of a list of sources): :func:`cut_header` cuts
them into one token a label or value, and keeps the text of a goal whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetkit.recognise.header import MONEY_FIELDS
from budgetkit.segment.tokens import SAME, Tok, cut
from budgetkit.vocab.vocabulary import find_terms, lookup

#: Terms read in a header.
HEADER_ROLES = ("title", "unit_label", "field", "extra", "block", "subtable", "row", "goal", "column", "section")


def cut_header(toks: Sequence[Tok]) -> list[Tok]:
    """Cut header cells at the labels inside them; the text of a goal stays whole.

    After a goal label, cells are goal text up to one that starts with a label
    (a goal narrative mentions 资金总额 or 单位 without being cut there).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def toks(*texts):
        ...     return [Tok(t, (Cell(t, 1),), 2, match=lookup(t)) for t in texts]
        >>> [t.text for t in cut_header(toks("项目名称道路维修主管部门某局", "其他资金 0.00"))]
        ['项目名称', '道路维修', '主管部门', '某局', '其他资金', '0.00']
        >>> [t.text for t in cut_header(toks("年度目标", "完成资金总额100万元的项目建设。"))]
        ['年度目标', '完成资金总额100万元的项目建设。']
    """
    out: list[Tok] = []
    in_goal = False
    for tok in toks:
        if not in_goal and (pair := _amount_line(tok)):  # ((一)财政拨款小计 6.30: a source and its amount)
            out.extend(pair)
            continue
        if in_goal and tok.match is None:
            found = find_terms(tok.text, HEADER_ROLES)
            if not found or found[0].start > 0:
                out.append(tok)
                continue
        pieces = cut([tok], HEADER_ROLES, run_together=True, min_run=2)
        out.extend(pieces)
        last_label = next((p for p in reversed(pieces) if p.match is not None), None)
        in_goal = last_label is not None and last_label.role("goal") is not None or (
            in_goal and last_label is None)
    return out


_AMOUNT_LINE_RE = re.compile(r"^(?P<label>\S+)\s+(?P<amount>\d+(?:\.\d+)?)$")


def _amount_line(tok: Tok) -> list[Tok]:
    """A money label and its amount printed in one cell, one space apart (a line of a list of sources), as two.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> [(t.text, t.match.term.field if t.match else None)
        ...  for t in _amount_line(Tok("其他资金 0.00", (Cell("其他资金 0.00", 1),), 2))]
        [('其他资金', 'other'), ('0.00', None)]
        >>> _amount_line(Tok("职工人数 120", (Cell("", 1),), 2))
        []
    """
    m = _AMOUNT_LINE_RE.match(tok.text) if tok.match is None else None
    label = lookup(m["label"]) if m else None
    term = label.role("field") if label is not None else None
    if term is None or term.field not in MONEY_FIELDS:
        return []
    return [Tok(m["label"], tok.cells, tok.gap, match=label), Tok(m["amount"], tok.cells, SAME)]
