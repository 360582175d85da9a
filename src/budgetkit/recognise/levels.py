"""The level labels of the indicator rows: carried down, laid over their block when printed at its middle.

A level-1 or level-2 label is printed once for its block of rows (a merged cell). :func:`carry_down` gives every
row the labels printed last above it; where the table shows that its labels sit at the middle of their block (text
extracted line by line from a PDF), :func:`_centre_levels` lays each over its block instead;
:func:`_backfill_level1` gives rows above the first level-1 label that label; :func:`_regrouped` files a level 2
under the level 1 its vocabulary names.

Examples:
    >>> levels, at = carry_down([({"level1": "产出指标", "level2": "数量指标"}, {"level1": (1, 1), "level2": (1, 1)}),
    ...                          ({}, {}), ({"level2": "质量指标"}, {"level2": (3, 3)})])
    >>> [(l1[0], l2[0]) for l1, l2 in levels]
    [('产出指标', '数量指标'), ('产出指标', '数量指标'), ('产出指标', '质量指标')]
    >>> at["level2"]
    [(1.0, ('数量指标', '数量指标')), (3.0, ('质量指标', '质量指标'))]
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.recognise.confidence import doubt
from budgetkit.vocab.vocabulary import lookup, terms

__all__ = ["carry_down"]

#: A level label: ``(canonical, printed)``.
Label = tuple[str | None, str | None]
#: Where each level's labels are printed: ``{role: [(middle line, label)]}``.
PrintedAt = dict[str, list[tuple[float, Label]]]
_LEVELS = ("level1", "level2")

#: Why a row's level label is not the one printed above it.
CENTRED_REASON = "level label read as printed at the middle of its block"


def carry_down(rows: Sequence[tuple[dict[str, str], dict[str, tuple[int, int]]]]
               ) -> tuple[list[tuple[Label, Label]], PrintedAt]:
    """Each row's ``(level 1, level 2)`` carried down from the labels printed above it, and where those are.

    Reading rule ``levels.same-label-keeps-level2``.

    ``rows`` give each row's text by role and the first and last line of its cells by role. A new level 1
    clears the level 2 (the same label printed again mid-block keeps it); a level 2 files its rows under the
    level 1 its vocabulary parent names (:func:`_regrouped`).
    """
    level1: Label = (None, None)
    level2: Label = (None, None)
    printed_at: PrintedAt = {"level1": [], "level2": []}
    out = []
    for by_role, lines in rows:
        for role in _LEVELS:
            if not by_role.get(role):
                continue
            printed = by_role[role]
            canonical, term = _label(printed, role)
            printed_at[role].append(((lines[role][0] + lines[role][1]) / 2, (canonical, printed)))
            if role == "level2":
                level2 = (canonical, printed)
                level1 = (_regrouped(level1[0], term), level1[1])
                continue
            # the same label printed again mid-block keeps the level 2
            if canonical != level1[0] or not rules.enabled("levels.same-label-keeps-level2"):
                level2 = (None, None)
            level1 = (canonical, printed)
        out.append((level1, level2))
    return out, printed_at


def _label(printed: str, role: str):
    """``(canonical, term)`` of a level label as printed (the printed text where the vocabulary lacks it)."""
    m = lookup(printed)
    term = (m.role(role) or m.role(*_LEVELS)) if m is not None else None
    return (term.field if term is not None else printed), term


def _centre_levels(records: list[dict], row_of: Sequence[int], row_lines: Sequence[tuple[int, int]],
                   printed_at: PrintedAt, halves: bool = True) -> None:
    """Give each row the level label of the block it is in, where labels are printed at their block's middle.

    Reading rule ``levels.centred-blocks``.

    Text extracted line by line from a PDF prints a merged level cell at the
    vertical middle of its block: on its middle row's line, or between the two
    middle rows when the block has an even number of rows. Carried down, such a
    label misses the rows above it. The labels are read so when the table shows
    it: cells printed in halves around their row (``halves``), or a level with rows
    above its first label or a label on a line of its own between two rows, whose
    labels fit the blocks so laid (a web page may print a label anywhere in its
    block: then they do not fit, and the levels are carried down). Each label's position in rows (``k``, or
    ``k - 0.5`` between rows) is its block's middle, so the blocks follow one from
    the other: a block starting at row ``s`` with its middle at ``c`` ends at
    ``2c - s``. They are laid from the first row down, or else from the last row up
    (rows above the first block keep what they had); a level whose labels fit
    neither way is left as carried down.

    Examples:
        >>> recs = [{"level2": "数量指标", "level2_printed": "数量指标"}, {"level2": "数量指标",
        ...         "level2_printed": "数量指标"}, {"level2": "质量指标", "level2_printed": "质量指标"}]
        >>> at = {"level1": [], "level2": [(1.5, ("数量指标", "数量指标")), (3.0, ("质量指标", "质量指标"))]}
        >>> _centre_levels(recs, [0, 1, 2], [(1, 1), (2, 2), (3, 3)], at, halves=False)
        >>> [r["level2"] for r in recs]
        ['数量指标', '数量指标', '质量指标']
        >>> recs = [{"level2": None, "level2_printed": None}, {"level2": "社会效益指标",
        ...         "level2_printed": "社会效益指标"}]
        >>> at = {"level1": [], "level2": [(2.5, ("社会效益指标", "社会效益指标"))]}
        >>> _centre_levels(recs, [0, 1], [(2, 2), (3, 3)], at)
        >>> recs[0]["level2"], recs[0]["confidence_reasons"]
        ('社会效益指标', 'level label read as printed at the middle of its block')
    """
    moved: set[int] = set()  # the records given another label
    for role, blocks in _centred_blocks(row_lines, printed_at, halves).items():
        if blocks is not None and rules.enabled("levels.centred-blocks"):
            moved |= _lay_blocks(records, row_of, role, [label for _, label in printed_at[role]], blocks)
    for rec in (records[i] for i in sorted(moved)):
        if rec.get("level2_printed"):
            m = lookup(rec["level2_printed"])
            rec["level1"] = _regrouped(rec.get("level1"), m.role("level2", "level1") if m is not None else None)


def _centred_blocks(row_lines: Sequence[tuple[int, int]], printed_at: PrintedAt, halves: bool
                    ) -> dict[str, list[tuple[int, int]] | None]:
    """Each level's blocks of rows as its labels' places lay them, where the table shows labels centred; else ``{}``.

    Examples:
        >>> _centred_blocks([(2, 2), (3, 3)], {"level1": [], "level2": [(2.5, ("x", "x"))]}, False)
        {'level2': [(0, 1)]}
        >>> _centred_blocks([(2, 2), (3, 3)], {"level1": [], "level2": [(2, ("x", "x")), (3, ("y", "y"))]}, False)
        {}
    """
    n = len(row_lines)
    reach = list(itertools.accumulate((last for _, last in row_lines), max))  # once, for a search per label
    middles_of = {role: [_row_position(centre, row_lines, reach) for centre, _ in labels]
                  for role, labels in printed_at.items() if labels and n}
    blocks_of = {role: _blocks_down(middles, n) or _blocks_up(middles, n) for role, middles in middles_of.items()}
    # a level shows it by itself: labels that are not on the first row of a block each, or between rows
    shows = {role for role, middles in middles_of.items() if middles[0] > 0 or any(m != int(m) for m in middles)}
    return blocks_of if halves or any(blocks_of[role] is not None for role in shows) else {}


def _lay_blocks(records: list[dict], row_of: Sequence[int], role: str, labels: Sequence[Label],
                blocks: Sequence[tuple[int, int]]) -> set[int]:
    """Give the records of each block its label (``role``); return the records whose label changed."""
    label_of = {k: labels[b] for b, (start, end) in enumerate(blocks) for k in range(start, end + 1)}
    moved = set()
    for i, (rec, k) in enumerate(zip(records, row_of, strict=True)):
        if k in label_of and (rec.get(role), rec.get(f"{role}_printed")) != label_of[k]:
            rec[role], rec[f"{role}_printed"] = label_of[k]
            doubt(rec, CENTRED_REASON, "medium")
            moved.add(i)
    return moved


def _row_position(line: float, row_lines: Sequence[tuple[int, int]], reach: Sequence[int]) -> float:
    """Where ``line`` is among the rows: ``k`` on row ``k``, ``k - 0.5`` between rows ``k - 1`` and ``k``.

    ``reach[k]`` is the last line of rows ``0..k`` (running maximum): the first row ``line`` does not
    lie below is found by bisection, so a table of many rows costs a logarithm per label, not a scan.

    Examples:
        >>> rows = [(1, 2), (4, 4), (6, 7)]
        >>> [_row_position(x, rows, [2, 4, 7]) for x in (1, 3, 4, 5, 9)]
        [0.0, 0.5, 1.0, 1.5, 2.5]
    """
    k = bisect_left(reach, line)
    if k == len(row_lines):
        return len(row_lines) - 0.5
    return float(k) if row_lines[k][0] <= line else k - 0.5


def _blocks_down(middles: Sequence[float], n: int) -> list[tuple[int, int]] | None:
    """Blocks from row 0 down, each ending where its middle says; ``None`` unless they end at the last row."""
    out, start = [], 0
    for c in middles:
        end = 2 * c - start
        if end < start or end != int(end):
            return None
        out.append((start, int(end)))
        start = int(end) + 1
    return out if start == n else None


def _blocks_up(middles: Sequence[float], n: int) -> list[tuple[int, int]] | None:
    """Blocks from the last row up; ``None`` when one would start above row 0 or end before it starts."""
    out, end = [], n - 1
    for c in reversed(middles):
        start = 2 * c - end
        if start > end or start < 0 or start != int(start):
            return None
        out.append((int(start), end))
        end = int(start) - 1
    return out[::-1]


def _backfill_level1(rows: list[dict]) -> None:
    """Give rows above the first level-1 label that label, where their level 2 belongs under it.

    Reading rule ``levels.backfill-level1``.

    A merged level-1 cell printed in the middle row of its block (PDF and web text
    do this) leaves the rows above it without a level 1.

    Examples:
        >>> rows = [{"level1": None, "level2_printed": "数量指标"},
        ...         {"level1": "产出指标", "level1_printed": "产出指标"}]
        >>> _backfill_level1(rows)
        >>> rows[0]["level1"]
        '产出指标'
    """
    first = next((r for r in rows if r.get("level1_printed")), None)
    if first is None:
        return
    for r in rows:
        if r is first or r.get("level1_printed"):
            break
        if _parent(r.get("level2_printed")) == first["level1"] and rules.enabled("levels.backfill-level1"):
            r["level1"], r["level1_printed"] = first["level1"], first["level1_printed"]


def _parent(level2_printed: str | None) -> str | None:
    """The level 1 the vocabulary files a level-2 label under (``None`` when it does not know the label)."""
    if not level2_printed:
        return None
    m = lookup(level2_printed)
    term = m.role("level2") if m is not None else None
    return term.parent if term is not None else None


def _regrouped(level1: str | None, level2_term) -> str | None:
    """The level 1 of a row: its level-2 term's parent where that names a level 1, else ``level1``.

    Reading rule ``levels.regroup-by-parent``.

    服务对象满意度 printed under 效益指标 belongs to 满意度指标.
    """
    if level2_term is not None and level2_term.parent and level1 != level2_term.parent \
            and _is_level1(level2_term.parent) and rules.enabled("levels.regroup-by-parent"):
        return level2_term.parent
    return level1


def _is_level1(canonical: str) -> bool:
    return any(t.role == "level1" and t.field == canonical for ts in terms().values() for t in ts)
