"""The money of a table's header: amounts under money labels, money sub-tables and their column heads.

A money label (项目资金总额, 财政资金 …, :data:`MONEY_FIELDS`) takes the first amount printed after it. A
self-evaluation table prints a money sub-table: columns (年初预算数 | 全年预算数 | 全年执行数 …) over rows of
amounts, whose numbers may run together (:func:`split_by_ratio`); the year's budget column fills a field
(:func:`sub_col_name`, :func:`first_row_amount`). Money column heads printed on one row take the amounts printed
on a row of their own below them (:func:`heads_over_amounts`).

Examples:
    >>> split_by_ratio("21182118100%", 3)
    ['2118', '2118', '100%']
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from budgetkit.model.settings import setting
from budgetkit.recognise.header_labels import label_term
from budgetkit.segment.tokens import Tok
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.vocabulary import Term

if TYPE_CHECKING:
    from budgetkit.recognise.header import Header

__all__ = ["HEAD_OVER_AMOUNTS", "MONEY_FIELDS", "first_row_amount", "heads_over_amounts", "split_by_ratio",
           "sub_col_name"]

logger = logging.getLogger(__name__)

#: Money fields that take the first amount printed (another is kept in ``header_extras``).
MONEY_FIELDS = frozenset({"total", "annual_total", "fund_total", "fiscal", "central", "regional", "local", "other",
                          "carryover", "medium_term", "adjusted", "executed"})


def split_by_ratio(text: str, n: int) -> list[str] | None:
    """Cut numbers run together in a self-evaluation money row (budget, spent, rate) by their ratio.

    ``21182118100%`` under 全年预算数(A) 全年执行数(B) 预算执行率(B/A) is 2118, 2118 and
    100%: the cut is the one where B / A equals the printed rate.

    Examples:
        >>> split_by_ratio("21182118100%", 3)
        ['2118', '2118', '100%']
        >>> split_by_ratio("1000500", 3) is None
        True
    """
    m = re.match(r"^(\d+(?:\.\d+)?)(\d{1,3}(?:\.\d+)?%)$", text)
    if m is None or n != 3:
        return None
    digits, rate = m[1], m[2]
    best = None
    for r in re.finditer(r"\d{1,3}(?:\.\d+)?%$", text):
        rate = r.group(0)
        digits = text[: r.start()]
        want = float(rate[:-1]) / 100
        for cut in range(1, len(digits)):
            a, b = digits[:cut], digits[cut:]
            if a.startswith("0") or b.startswith("0") and len(b) > 1:
                continue
            try:
                fa, fb = float(a), float(b)
            except ValueError:
                continue
            if fa > 0 and abs(fb / fa - want) <= 0.005:
                best = [a, b, rate]
                break
        if best:
            break
    return best


def sub_col_name(term: Term, col: Term) -> str | None:
    """The field a money sub-table row's amount under ``col`` fills: only the year's budget column fills one."""
    name = term.field if col.field == "annual_total" and term.role != "row" else col.field
    if term.role == "row" and col.field == "annual_total":
        name = "annual_total"
    elif col.field != "annual_total":
        name = None
    return name


#: How many cells after a row of money heads their amounts may start (the parts of a head printed between).
_HEADS_REACH = setting("header.heads-reach")
#: Why an amount of a money sub-table is read under the column head printed above it.
HEAD_OVER_AMOUNTS = "amount read under the money column head above it"


def heads_over_amounts(toks: Sequence[Tok], h: Header, scale: float | None) -> None:
    """Money column heads printed on one row, their amounts on a row of their own below (a money sub-table).

    ``本年度预计投入(万元) | 财政资金(万元) | 其他`` over ``中央 | 省级 …`` over ``7 | 0 | 7 | 0 | 0 | 0``: the first
    amount is the first head's (the leftmost column); the amounts are matched one to one where they are as many
    as the heads. Only heads read with no amount of their own, and amounts no label took, are matched.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.segment.tokens import SAME, LINE
        >>> from budgetkit.vocab.vocabulary import lookup
        >>> def tok(text, line, gap):
        ...     return Tok(text, (Cell(text, line),), gap, match=lookup(text))
        >>> toks = [tok("本年度预计投入(万元)", 1, LINE), tok("财政资金(万元)", 1, SAME), tok("其他", 1, SAME),
        ...         tok("7", 2, LINE), tok("7", 2, SAME), tok("0", 2, SAME)]
        >>> from budgetkit.recognise.header import Header
        >>> h = Header()
        >>> h.leftovers = [(t, "text after a header value") for t in toks[3:]]
        >>> heads_over_amounts(toks, h, None)
        >>> h.record["annual_total_wan"], h.record["fiscal_wan"], h.record["other_wan"], h.leftovers
        (7.0, 7.0, 0.0, [])
    """
    left = {id(t) for t, _ in h.leftovers}
    seq = [t for t in toks if t.text]
    k = 0
    while k < len(seq):
        heads, k = _money_heads(seq, k, h.record)
        if len(heads) < 2:
            k += 1 if not heads else 0
            continue
        below = _amounts_below(seq, k, left)
        if below is None:
            continue
        pairs = list(zip(heads, below, strict=False)) if len(below) == len(heads) else [(heads[0], below[0])]
        for (head, term), amount_tok in pairs:
            amt = parse_amount(amount_tok.text)
            factor = amt[1] if amt[1] is not None else (head.match.scale if head.match.scale is not None
                                                        else scale if scale is not None else 1.0)
            h.record[f"{term.field}_wan"] = round(amt[0] * factor, 6)
            h.used.add(id(amount_tok))
            logger.debug("%s: %s under %s", HEAD_OVER_AMOUNTS, amount_tok.text, head.text)
        taken = {id(t) for _, t in pairs}
        h.leftovers = [(t, r) for t, r in h.leftovers if id(t) not in taken]
        return


def _money_heads(seq: Sequence[Tok], k: int, rec: dict) -> tuple[list[tuple[Tok, Term]], int]:
    """The money labels printed one after the other from ``seq[k]`` that have no amount yet, and where they end."""
    heads = []
    while k < len(seq) and (term := label_term(seq[k])) is not None and term.role == "field" \
            and term.field in MONEY_FIELDS and rec.get(f"{term.field}_wan") is None:
        heads.append((seq[k], term))
        k += 1
    return heads, k


def _amounts_below(seq: Sequence[Tok], k: int, left: set[int]) -> list[Tok] | None:
    """The first run of two or more amounts no label took, a few cells on from ``seq[k]`` (其中 parts between)."""
    start = next((j for j in range(k, min(k + _HEADS_REACH, len(seq) - 1))
                  if all(id(t) in left and parse_amount(t.text) is not None for t in seq[j : j + 2])), None)
    if start is None:
        return None
    return list(itertools.takewhile(lambda t: id(t) in left and parse_amount(t.text) is not None, seq[start:]))


def first_row_amount(sub_cols: Sequence[Term], vals: Sequence[Tok]) -> tuple[str, list[str]] | None:
    """The amount under the first annual-total column of a money row printed as ``vals``, and the row's pieces.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.vocab.vocabulary import terms
        >>> cols = [terms()[k][0] for k in ("年初预算数", "全年预算数", "全年执行数")]
        >>> first_row_amount(cols, [Tok("20000.00 20000.00 4.52", (Cell("", 1),), 2)])
        ('20000.00', ['20000.00', '20000.00', '4.52'])
        >>> first_row_amount(cols, [Tok("已完成", (Cell("", 1),), 2)]) is None
        True
    """
    pieces = [p for v in vals for p in v.text.split()]
    at = next((i for i, c in enumerate(sub_cols) if c.field == "annual_total"), None)
    if at is None or len(pieces) <= at or parse_amount(pieces[at]) is None:
        return None
    return pieces[at], pieces
