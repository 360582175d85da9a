"""The columns of the indicator section: read from its header line, described as data.

Tables print the indicator section under a header such as
``一级指标 二级指标 三级指标 指标值``; other templates add columns
(``指标性质`` and ``度量单位`` around the value, ``中长期指标值`` beside the annual
one, ``备注``), and some extractions spread the header over several lines or run
its words together. Each printed column label is a row of
``metadata/columns.csv``: the field it fills, a pattern its cells must match (if
any), what it costs to take the column as blank in a row that prints fewer
cells than there are columns, and what a measurable cell costs in it (a 备注
rarely holds a target).

:func:`find_indicator_header` finds the header and returns its columns;
:func:`split_cells` assigns the cells that follow the indicator name in one row
to the columns after ``三级指标``.

Examples:
    >>> from budgetkit.lines import SourceLine
    >>> lines = [SourceLine("一级指标 二级指标 三级指标 指标性质 指标值 度量单位", 7)]
    >>> header = find_indicator_header(lines, 0)
    >>> header.columns
    ('level1', 'level2', 'indicator', 'nature', 'value', 'measure_unit')
    >>> split_cells(["≥", "500", "人"], header.columns)
    {'nature': '≥', 'value': '≥500人', 'measure_unit': '人'}
    >>> split_cells(["定性", "有所提高"], header.columns)
    {'nature': '定性', 'value': '有所提高'}
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from budgetkit.fields import read_metadata
from budgetkit.lines import SourceLine

__all__ = ["IndicatorHeader", "find_indicator_header", "join_cells", "load_columns", "split_cells"]

#: The columns every indicator section has, in order.
_REQUIRED = ("level1", "level2", "indicator", "value")
#: A 指标性质 comparator, put in front of the value when the cells are joined; a cell that is
#: only a comparator belongs to the next cell unless it stands in a 指标性质 column.
_COMPARATORS = frozenset({"≥", "≤", ">", "<", "=", "≈", ">=", "<="})
#: Two readings of a row's cells whose scores are this close are both plausible: the row gets confidence low.
_AMBIGUOUS = 1.0
#: What it costs when a long-term and an annual target beside it differ in shape (one measurable, one not).
_SHAPE_MISMATCH = 1.5


@dataclass(frozen=True)
class _Column:
    label: str
    field: str
    pattern: re.Pattern[str] | None
    blank_cost: float
    measurable_cost: float = 0.0  # what a measurable cell (a number with a unit, a date) costs in this column


@dataclass(frozen=True)
class IndicatorHeader:
    """Where the indicator header is (indices into the lines) and the fields of its columns."""

    first: int
    last: int
    columns: tuple[str, ...]
    labels: tuple[str, ...] = ()  # the column labels as printed

    @property
    def trailing(self) -> tuple[str, ...]:
        """The columns after the indicator name."""
        return self.columns[self.columns.index("indicator") + 1 :]


@cache
def load_columns() -> dict[str, _Column]:
    """Column labels of ``metadata/columns.csv``, by printed label.

    Examples:
        >>> load_columns()["度量单位"].field
        'measure_unit'
    """
    from budgetkit.parse_value import load_units

    unit_re = "|".join(re.escape(u) for u in sorted([*load_units(), "%"], key=len, reverse=True))
    # <unit>: a unit of units.csv, or one character that is no digit (张, 栋), or one per another
    unit = rf"(?:{unit_re}|[^\d\s/%.,])"
    out = {}
    for row in read_metadata("columns"):
        pattern = row["pattern"].replace("<unit>", rf"^{unit}(?:/{unit})?$")
        out[row["label"]] = _Column(
            row["label"], row["field"], re.compile(pattern) if pattern else None,
            float(row["blank_cost"]) if row["blank_cost"] else 0.0,
            float(row["measurable_cost"]) if row["measurable_cost"] else 0.0,
        )
    return out


@cache
def _labels_longest_first() -> tuple[str, ...]:
    return tuple(sorted(load_columns(), key=len, reverse=True))


def _peel(text: str) -> list[str] | None:
    """Split ``text`` (spaces removed) into column labels, or ``None`` when something else is left."""
    labels = _labels_longest_first()
    out = []
    while text:
        hit = next((lb for lb in labels if text.startswith(lb)), None)
        if hit is None:
            return None
        out.append(hit)
        text = text[len(hit) :]
    return out


def find_indicator_header(lines: Sequence[SourceLine], start: int) -> IndicatorHeader | None:
    """Find the indicator header at or after ``start``; it may be spread over lines or run together.

    The header starts on a line whose text starts with ``一级指标``; the lines
    after it (blank lines skipped) belong to it while the text read so far is
    made of column labels only.

    Examples:
        >>> from budgetkit.lines import SourceLine
        >>> texts = ["一级指标", "", "二级指标", "三级指标", "指标值", "产出指标"]
        >>> h = find_indicator_header([SourceLine(t, i) for i, t in enumerate(texts, 1)], 0)
        >>> (h.first, h.last, h.columns)
        (0, 4, ('level1', 'level2', 'indicator', 'value'))
        >>> find_indicator_header([SourceLine("一级指标 二级指标 三级指标", 1)], 0) is None
        True
    """
    columns = load_columns()
    for i in range(start, len(lines)):
        text = "".join(lines[i].text.split())
        labels = _peel(text) if text.startswith("一级指标") else None
        if labels is None:
            continue
        last = i
        for j in range(i + 1, len(lines)):
            more = "".join(lines[j].text.split())
            if not more:
                continue
            peeled = _peel(more)
            if peeled is None:
                break
            labels, last = labels + peeled, j
        fields = tuple(columns[lb].field for lb in labels)
        if all(f in fields for f in _REQUIRED):
            return IndicatorHeader(i, last, fields, tuple(labels))
    return None


def _groups(cells: Sequence[str], k: int) -> list[list[str]]:
    """All ways to cut ``cells`` into ``k`` contiguous non-empty groups."""
    n = len(cells)
    out = []
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = [0, *cuts, n]
        out.append([" ".join(cells[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)])
    return out


def join_cells(tokens: Sequence[str]) -> str:
    """Join the space-separated tokens of one cell: no space between two Chinese characters.

    PDF extraction puts a space where a cell's text was set in two runs
    (``模的良好 社会氛围``); Chinese is written without spaces, so the space is an
    artefact, while ``≥ 90%`` or ``Wi-Fi 6`` keep theirs.

    Examples:
        >>> join_cells(["模的良好", "社会氛围"])
        '模的良好社会氛围'
        >>> join_cells(["≥", "90%"])
        '≥ 90%'
    """
    out = tokens[0] if tokens else ""
    for token in tokens[1:]:
        wide = unicodedata.east_asian_width(out[-1]) == "W" and unicodedata.east_asian_width(token[0]) == "W"
        out += token if wide else " " + token
    return out


def _score(assignment: dict[str, str], blanks: Sequence[str], by_field: dict[str, _Column]) -> float | None:
    score = 0.0
    for fld, cell in assignment.items():
        pattern = by_field[fld].pattern
        if pattern is not None:
            if not pattern.match(cell):
                return None
            score += 2
        elif cell.split()[-1] in _COMPARATORS:
            return None  # a comparator cannot end a value
        score -= cell.count(" ") * 1.5  # cells printed apart are rarely one cell
        if by_field[fld].measurable_cost and _measurable(cell):
            score -= by_field[fld].measurable_cost  # a 备注 rarely holds a target
    if "value_long_term" in assignment and _measurable(assignment["value_long_term"]) != _measurable(
        assignment["value"]
    ):
        score -= _SHAPE_MISMATCH  # a long-term target has the shape of the annual one beside it
    return score - sum(by_field[f].blank_cost for f in blanks)


def _measurable(cell: str) -> bool:
    from budgetkit.parse_value import MEASURABLE_KINDS, parse_indicator_value

    return parse_indicator_value(cell).kind in MEASURABLE_KINDS


def split_cells(cells: Sequence[str], trailing: Sequence[str], *, positional: bool = False) -> dict[str, str]:
    """Assign the cells after the indicator name to the ``trailing`` columns; compose ``value``.

    Blank cells print nothing, so a row may have fewer cells than columns: the
    assignment chosen is the one whose cells match the columns' patterns (a
    指标性质 cell is a comparator or 定性, a 度量单位 cell a known unit) and that
    takes the cheapest columns as blank. Cells beyond the columns join the value.
    ``value`` comes back joined as the reader sees it: comparator, number, unit.
    When another assignment scores about as well, ``confidence`` is ``low``.

    With ``positional=True`` the cells are the row's cells under the ``trailing``
    columns, one each, blank ones included (a PDF row): nothing is guessed.

    Examples:
        >>> split_cells(["≥", "90%"], ("value",))
        {'value': '≥ 90%'}
        >>> split_cells(["≥85%", "≥90%"], ("value_long_term", "value"))
        {'value_long_term': '≥85%', 'value': '≥90%'}
        >>> split_cells(["≥90%"], ("value_long_term", "value"))
        {'value': '≥90%'}
        >>> split_cells(["=", "100", "%"], ("nature", "value", "measure_unit"))
        {'nature': '=', 'value': '=100%', 'measure_unit': '%'}
    """
    if positional:
        return _compose({f: c for f, c in zip(trailing, cells, strict=True) if c})
    if not cells:
        return {}
    if list(trailing) == ["value"] or len(trailing) == 0:
        return {"value": join_cells(cells)}
    by_field = {c.field: c for c in load_columns().values()}
    scored: list[tuple[float, dict[str, str]]] = []
    for k in range(min(len(cells), len(trailing)), 0, -1):
        for kept in itertools.combinations(trailing, k):
            if "value" not in kept:
                continue
            for groups in _groups(cells, k):
                assignment = dict(zip(kept, groups, strict=True))
                blanks = [f for f in trailing if f not in kept]
                score = _score(assignment, blanks, by_field)
                if score is not None:
                    scored.append((score, assignment))
    if not scored:
        return {"value": join_cells(cells), "confidence": "low"}
    scored.sort(key=lambda pair: -pair[0])
    best = scored[0]
    out = _compose({f: best[1][f] for f in trailing if f in best[1]})
    if len(scored) > 1 and best[0] - scored[1][0] <= _AMBIGUOUS:
        out["confidence"] = "low"  # another reading of the cells is about as likely
    return out


def _compose(out: dict[str, str]) -> dict[str, str]:
    """Put the 指标性质 comparator in front of the values and the 度量单位 after their numbers."""
    nature, unit = out.get("nature"), out.get("measure_unit")
    for fld in ("value", "value_long_term"):
        value = out.get(fld)
        if value is None:
            continue
        if nature in _COMPARATORS and not value.startswith(nature):
            value = nature + value
        if unit and not value.endswith(unit) and value[-1].isdigit():
            value += unit
        out[fld] = value
    return out
