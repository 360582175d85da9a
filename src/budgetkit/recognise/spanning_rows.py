"""Rows that span every column of a section, printed run together on one line.

The budget-system export (湖南: 三级指标 | 指标值 | 指标值内容 | 评(扣)分标准 | 度量单位 | 指标值类型 | 备注)
flattened to text prints each indicator row as one line with nothing between its cells:
``学生补助标准17元/人.每天反映学生每天用餐标准按标准发放得10分,每少1元扣1分-定量``. The row is closed by its
指标值类型 (定量/定性), a 度量单位 before it (``-`` when none); its value is the first target in it, and all
after the value up to the unit is the explanation and the scoring rule. Reading rule
``run-together.spanning-row`` (``metadata/reading_rules.csv``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from budgetkit.model import rules
from budgetkit.recognise.align_shapes import VALUE_TYPES
from budgetkit.segment.tokens import LINE, SAME, Tok
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import load_units, value_prefix
from budgetkit.vocab.vocabulary import lookup

logger = logging.getLogger(__name__)

#: The reason the cells cut out of a spanning row carry: where the value ends is read from its shape.
SPANNING_CUT = "row run together over its columns: the value's end read from its shape"


@cache
def _closing_re() -> re.Pattern[str]:
    """A row's last cells: a unit (or the placeholder ``-``) and the value type."""
    units = "|".join(re.escape(u) for u in sorted(load_units(), key=len, reverse=True))
    return re.compile(rf"(?P<unit>-|—|/|{units})?(?P<type>{'|'.join(VALUE_TYPES)})$")


def split_spanning_row(text: str) -> list[str] | None:
    """The cells of a row run together over its columns: name, value, what follows, unit, type; else ``None``.

    Examples:
        >>> split_spanning_row("学生补助标准17元/人.每天反映学生每天用餐标准按标准发放得10分,每少1元扣1分-定量")
        ['学生补助标准', '17元/人.每天', '反映学生每天用餐标准按标准发放得10分,每少1元扣1分', '-', '定量']
        >>> split_spanning_row("残疾学生家庭负担率有所减轻对家庭负担减轻情况较大得10分,一般得6分-定性")
        ['残疾学生家庭负担率', '有所减轻', '对家庭负担减轻情况较大得10分,一般得6分', '-', '定性']
        >>> split_spanning_row("补助学生数量168反映补助学生人数发放到位得10分-定量")[:2]
        ['补助学生数量', '168']
        >>> split_spanning_row("-定性"), split_spanning_row("工作经费使用情况说明")
        (None, None)
    """
    m = _closing_re().search(text)
    if m is None:
        return None
    body = text[: m.start()]
    for k in range(2, len(body)):
        if body[k - 1].isdigit():
            continue
        n = value_prefix(body[k:])
        if n:
            cells = [body[:k], body[k : k + n], body[k + n :], m["unit"] or "", m["type"]]
            return [c for c in cells if c]
    return None


def split_spanning_rows(toks: Sequence[Tok]) -> list[Tok]:
    """Cut each whole-line token of a section that spans every column (see :func:`split_spanning_row`).

    The cells after the first stand on the same printed row (``SAME``); a placeholder unit is kept as a cell.
    """
    out: list[Tok] = []
    for tok in toks:
        cells = split_spanning_row(tok.text) if tok.match is None and tok.gap >= LINE and len(tok.text) >= 8 \
            else None
        if cells is None or not rules.enabled("run-together.spanning-row"):
            out.append(tok)
            continue
        doubted = tuple(c.doubted(SPANNING_CUT) for c in tok.cells)
        out.append(replace(tok, text=cells[0], match=lookup(cells[0]), inferred=False))
        out += [Tok(c, doubted, SAME, match=None if is_placeholder(c) else lookup(c)) for c in cells[1:]]
    logger.debug("spanning rows cut: %d tokens to %d", len(toks), len(out))
    return out
