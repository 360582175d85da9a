"""Find the tables of a document: where their anchors cluster, from their title to their last row.

A performance-target table is recognised by role, not by position: a label
naming the project (or the department, for a department-wide table), then,
before the next such label, the columns or level labels of an indicator section.
A name label with no indicator section before the next one is not a table (a
distribution table listing 项目名称, a budget table); two labels of the same
field in a row with nothing between mean the first was a false start. Each table
reaches back over the cells printed just above its name label (its title, year,
unit line and fields such as 预算单位) and ends before the next table's.

Examples:
    >>> from budgetkit.segment.text import segment_lines
    >>> from budgetkit.segment.tokens import stream
    >>> toks = stream(segment_lines(["通知", "附件", "项目名称 单位名称 金额", "某项目 某局 15",
    ...                              "专项资金绩效目标表", "(2026年度)", "项目名称", "甲", "一级指标", "产出指标"]))
    >>> [(toks[t.start].text, toks[t.first_indicator].text) for t in find_tables(toks)]
    [('专项资金绩效目标表', '一级指标')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from budgetkit.model import rules
from budgetkit.model.settings import setting
from budgetkit.segment.tokens import Tok
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.vocabulary import find_terms, scan

__all__ = ["YEAR_RE", "Region", "find_tables", "is_name_label", "is_section_start"]

#: A cell that is only the year of the table: ``(2025年度)``, ``( 2019 年度)``.
YEAR_RE = re.compile(r"^[(]?\s*(\d{4})\s*年度?\s*[)]?$")
_UNIT_LINE_RE = re.compile(r"单位\s*[:]\s*(?:万元|元|万)")
#: Column labels that open an indicator section (not 分值, 权重: they also stand in money blocks).
_SECTION_COLUMNS = frozenset({"level1", "level2", "indicator", "value"})
#: How far back over cells printed above its name label a table reaches.
_PRELUDE = setting("regions.prelude")


@dataclass(frozen=True)
class Region:
    """One table: token indices ``start`` (first cell) to ``end`` (exclusive); the first indicator anchor.

    ``first_indicator`` is ``end`` for a table cut before its indicator section.
    """

    start: int
    first_indicator: int
    end: int


def is_name_label(tok: Tok) -> str | None:
    """``project`` or ``department`` when ``tok`` is a label naming the table's project or department."""
    term = tok.role("field")
    if term is not None and term.field in ("project", "department"):
        return term.field
    return None


def is_section_start(tok: Tok) -> bool:
    """Whether ``tok`` opens an indicator section: a core column label or a level label."""
    if tok.role("level1", "level2") is not None:
        return True
    term = tok.role("column")
    return term is not None and term.field in _SECTION_COLUMNS


def _prelude_start(toks: Sequence[Tok], start: int, floor: int) -> int:
    """The first token of a table whose name label is at ``start``: back over title, year, unit and fields.

    Reading rule ``regions.prelude``.
    """
    j = start - 1
    first = start
    while j >= floor and start - j <= _PRELUDE:
        tok = toks[j]
        text = tok.text
        if tok.role("title") is not None or (len(text) <= 80 and scan(text, "title") is not None):
            first = j
            break
        labelled = tok.role("field", "extra", "unit_label", "block", "goal") is not None
        after_label = j - 1 >= floor and toks[j - 1].role("field", "extra", "unit_label", "goal") is not None
        if YEAR_RE.match(text) or _UNIT_LINE_RE.search(text) or labelled or after_label or not text:
            first = j
            j -= 1
            continue
        break
    if first < start and not rules.enabled("regions.prelude"):
        return start
    return first


def _header_only(toks: Sequence[Tok], start: int) -> bool:
    """Whether the last name label opens a table cut before its indicators.

    A target-table title above it, and a goal label or two header labels after it. Reading rule
    ``regions.header-only-table``.
    """
    titled = any(t.role("title") is not None or (len(t.text) <= 80 and scan(t.text, "title") is not None)
                 for t in toks[max(0, start - _PRELUDE) : start])
    after = toks[start + 1 :]
    fields = sum(1 for t in after if t.role("field", "extra", "block") is not None
                 or any(f.start == 0 for f in find_terms(t.text, ("field", "extra", "block"))))
    return titled and (any(t.role("goal") is not None for t in after) or fields >= 2) \
        and rules.enabled("regions.header-only-table")


def is_entry_heading(tok: Tok) -> bool:
    """Whether ``tok`` opens a project of a list-form disclosure: a heading such as ``【项目概况】``."""
    return tok.heading and tok.role("goal", "extra") is not None


_CODE_RE = re.compile(r"^0\d{3,}$")  # a unit or budget code (037001), not an amount


def _entry_start(toks: Sequence[Tok], start: int, floor: int) -> int:
    """The first token of a list entry opened by a heading: back over its amount, name and code.

    A budget list prints each row as ``code | name | amount``; a project row is the
    one its 【…】 target blocks follow. Reading rule ``regions.list-entry-start``.
    """
    first = _entry_row(toks, start, floor)
    if first < start and not rules.enabled("regions.list-entry-start"):
        return start
    return first


def _entry_row(toks: Sequence[Tok], start: int, floor: int) -> int:
    """The first of the cells of a list row (``code | name | amount``) printed just before ``start``."""
    def back(j: int) -> int:
        while j >= floor and not toks[j].text:
            j -= 1
        return j

    first = start
    j = back(start - 1)
    if j >= floor and parse_amount(toks[j].text) is not None and not _CODE_RE.match(toks[j].text.strip()):
        first, j = j, back(j - 1)
    if j < floor or toks[j].match is not None or parse_amount(toks[j].text) is not None:
        return first
    first, j = j, back(j - 1)  # the name
    if j >= floor and _CODE_RE.match(toks[j].text.strip()):
        first = j
    return first


def find_tables(toks: Sequence[Tok]) -> list[Region]:
    """The tables of a token stream, in order."""
    starts, entries = _anchors(toks)
    listed = any(s in entries and f is not None for s, f in starts)
    if starts and starts[-1][1] is None and (_header_only(toks, starts[-1][0])
                                             or starts[-1][0] in entries and listed):
        # the document ends inside the header of a target table (a cut page): keep it, it is partial
        starts[-1] = (starts[-1][0], len(toks))
    return _regions(toks, [(s, f) for s, f in starts if f is not None], entries)


def _anchors(toks: Sequence[Tok]) -> tuple[list[tuple[int, int | None]], set[int]]:
    """Each table's start (its name label, or the heading of a list entry) and its first indicator anchor.

    Returns ``(starts, entries)``: ``(start index, first indicator anchor or None)`` in order, and the starts
    opened by a heading of a list-form disclosure.
    """
    starts: list[tuple[int, int | None]] = []  # (name label index, first indicator anchor)
    fields: set[str] = set()
    entries: set[int] = set()  # starts opened by a heading of a list-form disclosure
    for i, tok in enumerate(toks):
        name = is_name_label(tok)
        open_ = not starts or starts[-1][1] is not None  # the last table has found its indicators
        if name is None and is_entry_heading(tok) and open_:
            starts.append((i, None))
            entries.add(i)
            fields = {"entry"}
        elif name is not None:
            if open_:
                starts.append((i, None))
                fields = {name}
            elif name in fields and name == "project":
                starts[-1] = (i, None)  # the earlier 项目名称 led to no indicator section: a false start
                fields = {name}
            else:
                fields.add(name)
        elif not open_ and is_section_start(tok):
            starts[-1] = (starts[-1][0], i)
    return starts, entries


def _regions(toks: Sequence[Tok], tables: Sequence[tuple[int, int]], entries: set[int]) -> list[Region]:
    """The regions of the tables found: each from its prelude (or list entry) to the next one's start."""
    floor = 0
    bounds = []
    for s, f in tables:
        begin = _entry_start(toks, s, floor) if s in entries else _prelude_start(toks, s, floor)
        bounds.append((begin, f))
        floor = f
    return [Region(begin, f, bounds[k + 1][0] if k + 1 < len(bounds) else len(toks))
            for k, (begin, f) in enumerate(bounds)]
