"""Level labels stacked in the level-1 column: the lower label is the row's level 2.

Text that prints one cell a line loses the columns: a label the aligner puts in the level-1 column may
have stood in the level-2 column. Two shapes tell it:

* a block label above the standard level-1 labels (``实施效果指标`` over ``产出指标`` / ``效益指标``): a
  label the vocabulary does not know as a level, on a row of its own or beside a level-1 label in the
  level-2 column, then rows whose first label is a level 1 and that print no level 2. The block label is
  the rows' level 1 and each level-1 label their level 2, down to the end of the section;
* a level-1 label printed again as its own level 2 (``满意度指标`` | ``满意度指标``): the same label on a row
  of its own and first on the next row, which prints no level 2.

A row with a level-2 cell of its own is never moved.

Reading rules (``metadata/reading_rules.csv``): ``levels.stacked-block-label`` (the first shape) and
``levels.level1-repeated-as-level2`` (the second).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from budgetkit.model import rules
from budgetkit.recognise.align import Column, Row
from budgetkit.vocab.vocabulary import lookup


def _label(row: Row, col: int) -> str:
    return "".join("".join(unicodedata.normalize("NFKC", u.text).split()) for u, c, _ in row.units if c == col)


def _is_level1(text: str) -> bool:
    m = lookup(text) if text else None
    return m is not None and m.role("level1") is not None


def _is_block_label(text: str) -> bool:
    """A label that is no level and no section heading the vocabulary knows (``实施效果指标``)."""
    m = lookup(text) if text else None
    return bool(text) and (m is None or m.role("level1", "level2", "section", "column") is None)


def _moved(row: Row, src: int, dst: int) -> Row:
    return replace(row, units=[(u, dst if c == src else c, how) for u, c, how in row.units])


def stacked_levels(rows: Sequence[Row], schema: Sequence[Column]) -> list[Row]:
    """The rows with a level-1 cell that stands under another level-1 label moved to the level-2 column.

    Examples:
        >>> from budgetkit.recognise.align import make_schema, Unit
        >>> from budgetkit.segment.tokens import Tok
        >>> from budgetkit.model.cells import Cell
        >>> schema = make_schema(["level1", "level2", "indicator", "value"])
        >>> at = {c.role: k for k, c in enumerate(schema)}
        >>> def row(*cells):
        ...     return Row([(Unit(t, Tok(t, (Cell(t, 1),), 0), 0, True), at[r], "same") for t, r in cells])
        >>> def first(rows):
        ...     return [(r.units[0][0].text, schema[r.units[0][1]].role) for r in stacked_levels(rows, schema)]
        >>> first([row(("实施效果指标", "level1")),
        ...        row(("产出指标", "level1"), ("建设项目个数", "indicator"), ("1个", "value")),
        ...        row(("效益指标", "level1"), ("综合利用率", "indicator"), ("≥90%", "value"))])
        [('实施效果指标', 'level1'), ('产出指标', 'level2'), ('效益指标', 'level2')]
        >>> first([row(("满意度指标", "level1")),
        ...        row(("满意度指标", "level1"), ("受益人满意度", "indicator"), ("≥90%", "value"))])
        [('满意度指标', 'level1'), ('满意度指标', 'level2')]
        >>> first([row(("产出指标", "level1")),  # a known level 1 alone on its row is no block label
        ...        row(("效益指标", "level1"), ("综合利用率", "indicator"), ("≥90%", "value"))])
        [('产出指标', 'level1'), ('效益指标', 'level1')]
    """
    roles = [c.role for c in schema]
    if "level1" not in roles or "level2" not in roles or "indicator" not in roles:
        return list(rows)
    at = _Columns(roles.index("level1"), roles.index("level2"), roles.index("indicator"))
    out = list(rows)
    tier = False
    for i, row in enumerate(out):
        label = _label(row, at.l1)
        if not label:
            continue
        cols = _cols(row)
        if at.l2 in cols:  # the block label beside the first level-1 label, a row a line
            tier = tier or (_is_block_label(label) and _is_level1(_label(row, at.l2)))
        elif cols == {at.l1}:  # a label on a row of its own
            tier = _label_alone(out, i, label, at) or tier
        elif tier and _is_level1(label) and rules.enabled("levels.stacked-block-label"):
            out[i] = _moved(row, at.l1, at.l2)
    return out


@dataclass(frozen=True)
class _Columns:
    """Where the schema's level-1, level-2 and name columns stand."""

    l1: int
    l2: int
    indicator: int


def _cols(row: Row) -> set[int]:
    return {c for _, c, _ in row.units}


def _label_alone(out: list[Row], i: int, label: str, at: _Columns) -> bool:
    """Whether ``label``, alone on row ``i``, opens a block of level-1 labels stacked under it.

    A level 1 printed again first on the next row is moved to that row's level 2 (in ``out``).
    """
    nxt = out[i + 1] if i + 1 < len(out) else None
    if nxt is None or at.l2 in _cols(nxt) or at.indicator not in _cols(nxt):
        return False
    below = _label(nxt, at.l1)
    if below and below == label and _is_level1(label) and rules.enabled("levels.level1-repeated-as-level2"):
        out[i + 1] = _moved(nxt, at.l1, at.l2)
        return False
    return _is_block_label(label) and _is_level1(below)
