"""Numbered rows of a list form and of a pre-101 template: the row's number is a row heading, not its name.

Two shapes number a form's rows in the text of their first cell:

* a budget list's bracketed target blocks: ``指标1:机柜数量(≥77台)`` is a row heading, a name and its value;
* a pre-101 template's goal-numbered rows: ``目标1 发放… 100%`` is a row number (``row_number`` words of
  ``metadata/grid_words.csv``), then the row's cells.

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.segment.tokens import LINE
    >>> [t.text for t in split_enumerated_rows([Tok("指标2:群众安全感(≥90%)", (Cell("", 1),), LINE)])]
    ['指标2:', '群众安全感', '≥90%']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.segment.tokens import PIECE, SAME, Tok
from budgetkit.vocab.vocabulary import lookup

__all__ = ["ENUMERATED_RE", "is_row_number", "split_enumerated_rows"]

#: A numbered row of a list form: its number (指标1:), its name, and its value in the brackets closing it.
ENUMERATED_RE = re.compile(r"^(指标\s*\d+\s*[:])\s*(.+?)(?:[(]([^()]+)[)])?$")


@cache
def _goal_numbered_re() -> re.Pattern[str]:
    """A goal-numbered row of a pre-101 template (目标1 发放… 100% 按实际情况发放): the number, then the row's cells.

    The words a row number opens with are ``row_number`` rows of ``metadata/grid_words.csv``.
    """
    words = [r["word"] for r in read_metadata("grid_words") if r["kind"] == "row_number"]
    return re.compile(rf"^((?:{'|'.join(map(re.escape, words))})\s*\d+)\s+(\S.*)$")


def is_row_number(text: str) -> bool:
    """Whether ``text`` is a row's goal number alone (目标1), a cell of its own on a grid.

    Examples:
        >>> [is_row_number(t) for t in ("目标1", "目标 12", "目标明确", "1")]
        [True, True, False, False]
    """
    m = _goal_numbered_re().match(text + " x")
    return m is not None and m.group(2) == "x"


def split_enumerated_rows(toks: Sequence[Tok], as_printed: bool = False) -> list[Tok]:
    """Read the numbered rows of a list form: ``指标1:机柜数量(≥77台)`` is a name and its value.

    The number (``指标1:``) is the template's, not part of the name: it stands in the
    row-heading column. The value is the text in the brackets closing the row.

    A goal-numbered row of a pre-101 template (``目标2 争取台湾民心 100%``) is its number and its cells (the reading
    rule ``rows.goal-numbered``).

    ``as_printed`` (a 自评表, whose values stand in columns of their own): a name cell whose brackets hold no
    target (``指标1:租车次数(次)``, a unit) is the printed name, whole.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.segment.tokens import LINE
        >>> [t.text for t in split_enumerated_rows([Tok("指标1:机柜数量(≥77台)", (Cell("", 1),), LINE)])]
        ['指标1:', '机柜数量', '≥77台']
        >>> [t.text for t in split_enumerated_rows([Tok("指标1:租车次数(次)", (Cell("", 1),), LINE)], True)]
        ['指标1:租车次数(次)']
        >>> [t.text for t in split_enumerated_rows([Tok("目标2 争取台湾民心 100%", (Cell("", 1),), LINE)])]
        ['目标2', '争取台湾民心 100%']
    """
    out: list[Tok] = []
    for tok in toks:
        g = _goal_numbered_re().match(tok.text) if tok.match is None else None
        if g is not None and rules.enabled("rows.goal-numbered"):
            _goal_numbered(out, tok, g[1], g[2])
            continue
        m = ENUMERATED_RE.match(tok.text)
        if m is None or tok.match is not None or as_printed and not re.search(r"\d", m[3] or "") \
                or not rules.enabled("rows.enumerated-list"):
            out.append(tok)
            continue
        out.append(Tok(m[1], tok.cells, tok.gap, match=None, heading=True))
        out.append(Tok(m[2], tok.cells, PIECE, match=lookup(m[2])))
        if m[3]:
            out.append(Tok(m[3], tok.cells, PIECE, match=lookup(m[3])))
    return out


def _goal_numbered(out: list[Tok], tok: Tok, number: str, rest: str) -> None:
    """Add a goal-numbered row's tokens to ``out``: its number, then its cells.

    The number stands in the row-heading column, before the level labels printed on its line (投入 成本目标 目标1 …):
    it is the row's, not part of its name.
    """
    at = len(out)
    while at > 0 and out[at - 1].line == tok.line and out[at - 1].role("level1", "level2") is not None:
        at -= 1
    if at < len(out):
        out.insert(at, Tok(number, tok.cells, out[at].gap, match=None, heading=True))
        out[at + 1] = replace(out[at + 1], gap=SAME)
        out.append(Tok(rest, tok.cells, tok.gap, match=lookup(rest)))
    else:
        out.append(Tok(number, tok.cells, tok.gap, match=None, heading=True))
        out.append(Tok(rest, tok.cells, PIECE, match=lookup(rest)))
