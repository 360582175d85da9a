"""Indicator sections whose text layer prints each column as a run: names in one run, values in another.

Some PDF text layers (a 自评表 on a document-sharing site) write a table's cells in the order they were drawn,
not row by row: the column labels, then every row's values one after the other (``=100% 100% 10 10 =100% 100%
20 20 …``: 年度指标值, 实际完成值, 分值, 得分 of row 1, then of row 2 …), then the level labels and the names
(``合同结算条款完成率 费用结算及时性 …``), a wrapped name's tail (``率``) wherever its line fell. Read as printed,
names take other names as values. The family is known by a **value run**: two rows' values or more in one cell,
no name between them, grouped by the value columns printed before it (the numeric columns — 分值, 得分 — hold
numbers in every group). Its rows are then rebuilt by order: the i-th name takes the i-th group of values, and,
where the section prints one level-2 label per name, the i-th level-2 label. The rebuilt section is read as
any other; where the names and the groups do not pair one to one, nothing is rebuilt and the section is read
as printed.

A section cut before its values (the value column labels printed after the names, at the end of the file, and
no value printed) has names only: they are reported (:data:`NO_VALUES`), never read with other names as values.

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.vocab.vocabulary import lookup
    >>> def tok(text):
    ...     return Tok(text, (Cell(text, 1),), 2, inferred=lookup(text) is None, match=lookup(text))
    >>> body = [tok(t) for t in ["任务完成", "年度指标值", "实际完成值", "分值", "得分",
    ...                          "=100% 100% 10 10 及时 及时 20 20 100 30 率", "数量指标", "时效指标",
    ...                          "结算及时性 总分"]]
    >>> cols = [("level1", "", None), ("level2", "", None), ("indicator", "", None)]
    >>> got = rebuild(cols, body)
    >>> [c[0] for c in got.columns]
    ['level1', 'level2', 'indicator', 'value', 'value_actual', 'score', 'score_got']
    >>> [t.text for t in got.body]
    ['数量指标', '任务完成率', '=100%', '100%', '10', '10', '时效指标', '结算及时性', '及时', '及时', '20', '20']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from budgetkit.model import rules
from budgetkit.model.settings import setting
from budgetkit.segment.tokens import LINE, SAME, Tok
from budgetkit.vocab.vocabulary import lookup

__all__ = ["NO_VALUES", "Rebuilt", "rebuild"]

logger = logging.getLogger(__name__)

#: Why the names of a section cut before its values are reported.
NO_VALUES = "name of a section printed column by column whose values the file does not hold (cut before them)"
#: Column roles whose cells are numbers in every row (weights and scores).
_NUMERIC = ("score", "score_got")
#: Column roles a value run is grouped by.
_VALUE_ROLES = ("value", "value_actual", "value_long_term", "value_prior", "score", "score_got")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
#: A page number printed in the text layer (``-1-``).
_PAGE_NUMBER_RE = re.compile(r"^-\s*\d+\s*-$")
#: The longest cell of a value column in a value run (a target or an actual, not a sentence).
_LONGEST_VALUE = setting("serialized.longest-value")
#: A piece this short (one character, 率, 性) is the tail of a wrapped name, not a name.
_TAIL = setting("serialized.tail")


@dataclass
class Rebuilt:
    """A section rebuilt row by row: its columns, its tokens, and the tokens it reports."""

    columns: list[tuple[str, str, str | None]]
    body: list[Tok]
    reported: list[tuple[Tok, str]] = field(default_factory=list)


def _label(tok: Tok) -> str | None:
    term = tok.role("level1", "level2", "column", "section")
    return term.role if term is not None else None


def _total_row(text: str) -> bool:
    match = lookup(text)
    term = match.role("boilerplate") if match is not None else None
    return term is not None and term.field == "total_row"


def _groups(pieces: Sequence[str], roles: Sequence[str]) -> int:
    """How many whole groups of ``roles`` the run of ``pieces`` opens with."""
    k, n = len(roles), 0
    while (n + 1) * k <= len(pieces):
        group = pieces[n * k : (n + 1) * k]
        ok = all(_NUMBER_RE.match(p) if r in _NUMERIC else len(p) <= _LONGEST_VALUE and lookup(p) is None
                 for p, r in zip(group, roles, strict=True))
        if not ok:
            break
        n += 1
    return n


def _names(pieces: Sequence[tuple[str, Tok]]) -> list[tuple[str, Tok]]:
    """Name pieces with wrapped tails joined to the piece before; a total row (总分) and what follows dropped."""
    out: list[tuple[str, Tok]] = []
    for text, tok in pieces:
        if _total_row(text):
            break
        if _PAGE_NUMBER_RE.match(text):
            continue
        if len(text) <= _TAIL and out:
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, tok))
    return out


def rebuild(columns: Sequence[tuple[str, str, str | None]], body: Sequence[Tok]) -> Rebuilt | None:
    """The section of ``columns`` and ``body`` rebuilt row by row, if it is printed column by column, else ``None``.

    ``columns`` are those read before the body (:func:`budgetkit.recognise.tables.read_columns`); the value
    columns may be printed inside the body, before the value run.
    """
    value_cols, run_at = _value_run(body)
    if any(role in _VALUE_ROLES and printed for role, printed, _ in columns):
        return None  # the value columns were printed above the rows: not this family
    columns = [c for c in columns if c[0] not in _VALUE_ROLES]
    if not value_cols or "indicator" not in [c[0] for c in columns]:
        return None
    if run_at is None:
        return _cut_before_values(columns, body)
    return _by_order(columns, value_cols, body, run_at)


def _value_run(body: Sequence[Tok]) -> tuple[list[tuple[str, str, str | None]], int | None]:
    """The value columns printed in ``body`` before its value run, and where the value run is (else ``None``)."""
    value_cols: list[tuple[str, str, str | None]] = []
    run_at = None
    for i, tok in enumerate(body):
        if run_at is not None:
            break
        term = tok.role("column")
        if term is not None and _label(tok) == "column" and term.field in _VALUE_ROLES:
            value_cols.append((term.field, tok.text, None))
        elif tok.match is None and value_cols and " " in tok.text \
                and _groups(tok.text.split(), [c[0] for c in value_cols]) >= 2:
            run_at = i
    return value_cols, run_at


def _by_order(columns: list[tuple[str, str, str | None]], value_cols: list[tuple[str, str, str | None]],
              body: Sequence[Tok], run_at: int) -> Rebuilt | None:
    """The rows rebuilt by order: the i-th name takes the i-th group of the value run (see the module docstring).

    Reading rule ``serialized.rows-by-order``.
    """
    run = body[run_at].text.split()
    k = len(value_cols)
    n = _groups(run, [c[0] for c in value_cols])
    rest = run[n * k :]
    totals = []
    while rest and _NUMBER_RE.match(rest[0]):  # the 总分 row's weight and score, printed after the groups
        totals.append(rest.pop(0))
    pieces, level2, others = _sorted_body(body, run_at, rest)
    names = _names(pieces)
    if len(names) != n:
        logger.debug("a value run of %d rows beside %d names: read as printed", n, len(names))
        return None
    if not rules.enabled("serialized.rows-by-order"):
        return None
    out: list[Tok] = []
    labels = level2 if len(level2) == n else []
    for r, (name, tok) in enumerate(names):
        group = run[r * k : (r + 1) * k]
        if labels:
            out.append(labels[r])
        out.append(Tok(name, tok.cells, SAME if labels else LINE, inferred=True, match=None))
        out += [Tok(p, body[run_at].cells, SAME, inferred=True, match=None) for p in group]
    reported = [(t, "text of a section printed column by column, beside its rows") for t in others if t.text.strip()]
    if totals:
        reported.append((Tok(" ".join(totals), body[run_at].cells, LINE, inferred=True),
                         "total row of a section printed column by column"))
    return Rebuilt([*columns, *value_cols], out, reported)


def _sorted_body(body: Sequence[Tok], run_at: int, rest: list[str]) -> tuple[list[tuple[str, Tok]], list[Tok],
                                                                              list[Tok]]:
    """The body's name pieces (the value run's ``rest`` in its place), its level-2 labels and its other text."""
    pieces: list[tuple[str, Tok]] = []
    level2: list[Tok] = []
    others: list[Tok] = []
    for i, tok in enumerate(body):
        if i == run_at:
            pieces += [(p, tok) for p in rest]
        elif tok.role("level2") is not None and tok.role("level1") is None:
            level2.append(tok)
        elif tok.match is None and tok.text.strip():
            pieces += [(p, tok) for p in tok.text.split()]
        elif _label(tok) is None:  # level-1 and section labels are structure: a row's level 1 is its level 2's
            others.append(tok)
    return pieces, level2, others


def _cut_before_values(columns: Sequence[tuple[str, str, str | None]], body: Sequence[Tok]) -> Rebuilt | None:
    """A section whose value column labels come after all its names and which prints no value: names only.

    Reading rule ``serialized.names-only-when-cut``.
    """
    last_label = max((i for i, t in enumerate(body) if t.role("level1", "level2") is not None), default=None)
    first_value_col = next((i for i, t in enumerate(body) if _label(t) == "column"
                            and t.role("column").field in _VALUE_ROLES), None)
    if last_label is None or first_value_col is None or first_value_col < last_label:
        return None
    if any(tok.match is None and any(ch.isdigit() for p in tok.text.split() if not _PAGE_NUMBER_RE.match(p)
                                     for ch in p) for tok in body):
        return None
    if not rules.enabled("serialized.names-only-when-cut"):
        return None
    reported = [(t, NO_VALUES) for t in body if t.match is None and t.text.strip()]
    return Rebuilt(list(columns), [], reported)
