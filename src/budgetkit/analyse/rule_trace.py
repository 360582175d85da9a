"""Which reading rule made which cell: a reading compared with itself, one rule switched off at a time.

The reading is done once under :func:`budgetkit.model.rules.fired`; then, for each rule that fired, again with
that rule switched off (:func:`budgetkit.model.rules.switched_off`), and the two readings' tables are compared
cell by cell. No rule site needs to report anything: a guard (``rules.enabled("<id>")``) is all a rule needs to
be traced. The result is the ``rule_trace`` table of ``metadata/fields.csv``: one row per cell whose value
differs (``with_rule`` / ``without_rule``), one per row found in one reading only, and one per rule that fired
and changed nothing.

Rows are keyed by the order of the tables: projects are paired by their names (in order; :mod:`difflib` over
the names, so a table that one reading drops or adds does not shift the others), a pair's indicators by their
printed row texts (level-1, level-2, name, value; :mod:`difflib` again, rows that differ paired in order), and
the lines left ``unparsed`` by their text alone (a line whose text differs is a line of one reading only). The
columns derived from a value (comparator, number, unit …) are named only where the value itself did not change,
so that a cut value counts once.

Why here: the trace calls the parser (``parse.py``) again and again, so it belongs to a stage after it; it is a
question asked of a reading, as ``analyse/`` asks questions of the tables, and ``report/`` shows it
(:mod:`budgetkit.report.rule_trace_view`). ``budgetkit trace FILE`` writes it from the command line.

Examples:
    >>> page = ["专项资金绩效目标表(2026年度)项目名称宣传文化专项资金主管部门(单位)名称市委宣传部"
    ...         "资金情况(万元)资金总额:15总体目标开展对外文化交流活动,绩效指标一级指标二级指标三级指标指标值"
    ...         "产出指标数量指标交流活动场次≥3场满意度指标服务对象满意度指标观众满意度≥90%填报人:张三"]
    >>> trace = trace_lines(page, "demo.txt", rules=["table.end-at-signature"])
    >>> row = trace[trace["table"] == "indicators"].iloc[0]
    >>> row[["rule_id", "family", "change", "table"]].tolist()
    ['table.end-at-signature', 'table-ends', 'row only with the rule', 'indicators']
    >>> row["with_rule"]
    '满意度指标 | 服务对象满意度 | 观众满意度 | ≥90%'
    >>> trace.loc[trace["column"] == "reason", ["with_rule", "without_rule"]].iloc[0].tolist()
    ['signature block', 'the file ends inside this row: its last cell may go on past the cut']
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from budgetkit.errors import BudgetkitError, ParameterError
from budgetkit.model import rules as reading_rules
from budgetkit.model.fields import dtypes
from budgetkit.model.tables import Tables, conform
from budgetkit.parse import parse_file, parse_lines

__all__ = ["Traced", "changes", "summary", "trace_lines", "trace_reading", "traced"]

logger = logging.getLogger(__name__)

#: What a row of the trace says happened (the ``change`` column).
CHANGED, ONLY_WITH, ONLY_WITHOUT, NO_CHANGE, NOT_FIRED, FAILS = (
    "changed", "row only with the rule", "row only without the rule", "no change", "did not fire",
    "reading fails without the rule")

#: Columns that key a row rather than say what was read: never compared.
_KEYS = {
    "projects": ("project_id", "source_file"),
    "indicators": ("project_id", "project", "implementing_unit", "seq", "source_file"),
    "unparsed": ("source_file", "project_id"),
}
#: The printed cells a row is recognised by (its key for :mod:`difflib`) and shown by.
_ROW_TEXT = {
    "projects": ("project",),
    "indicators": ("level1", "level2", "indicator", "area", "value"),
    "unparsed": ("text",),
}
#: Columns parsed from ``value``: named only when ``value`` itself is the same in both readings.
_FROM_VALUE = ("op", "qualifier", "num", "unit", "per_unit", "kind", "deadline", "value_yuan")


@dataclass(frozen=True)
class Traced:
    """A reading (its tables, every rule on) and its trace (the ``rule_trace`` table)."""

    tables: Tables
    trace: pd.DataFrame


def trace_reading(path: str | Path, rules: Iterable[str] | None = None, year: int | None = None) -> pd.DataFrame:
    """The ``rule_trace`` of the file at ``path``: which rule changed which cell (see the module docstring).

    ``rules`` limits the trace to those ids (each must be in ``metadata/reading_rules.csv``); a listed rule
    that did not fire gets a row saying so. The file is read once more per rule traced.
    """
    return traced(lambda: parse_file(path, year=year), rules, str(path)).trace


def trace_lines(lines: Sequence[str], source_file: str, rules: Iterable[str] | None = None) -> pd.DataFrame:
    """The ``rule_trace`` of a text given as lines (as :func:`budgetkit.parse.parse_lines` reads it)."""
    return traced(lambda: parse_lines(lines, source_file), rules, source_file).trace


def traced(read: Callable[[], Tables], rules: Iterable[str] | None = None, name: str = "") -> Traced:
    """Read with every rule on, then once without each rule that fired; the reading and its trace.

    ``read`` returns the Tables of one document each time it is called; ``name`` says which in the log.
    """
    asked = None if rules is None else list(dict.fromkeys(rules))
    for rule_id in asked or ():
        if rule_id not in reading_rules.known():
            raise ParameterError("unknown reading rule (not in metadata/reading_rules.csv)", text=rule_id)
    with reading_rules.fired() as seen:
        tables = read()
    ids = [r for r in seen if asked is None or r in asked]
    ids += [r for r in asked or () if r not in seen]
    parts = []
    for n, rule_id in enumerate(ids, 1):
        if rule_id not in seen:
            parts.append(_note(rule_id, 0, NOT_FIRED))
            continue
        logger.info("%s: rule %d of %d, %s (fired %d times): reading without it", name, n, len(ids), rule_id,
                    seen[rule_id])
        rows = _without(read, rule_id, seen[rule_id], tables)
        said = rows[0]["change"] if rows[0]["change"] in (NO_CHANGE, FAILS) else f"changed {len(rows)} cells or rows"
        logger.info("%s: %s %s", name, rule_id, said)
        parts.append(rows)
    frame = conform(pd.DataFrame([row for part in parts for row in part]), "rule_trace")
    text = [name for name, kind in dtypes("rule_trace").items() if kind == "str"]
    frame[text] = frame[text].fillna("")
    return Traced(tables, frame)


def summary(trace: pd.DataFrame) -> str:
    """What a trace says in one line: each rule, with the cells and rows it changed.

    Examples:
        >>> summary(conform(pd.DataFrame({"rule_id": ["a.b", "a.b", "c.d"], "fired": [2, 2, 1],
        ...                               "change": ["changed", "row only with the rule", "no change"]}),
        ...                 "rule_trace"))
        '2 rules traced: a.b (fired 2 times) changed 1 cell and 1 row; c.d (fired 1 time) changed nothing'
    """
    parts = []
    for rule_id, rows in trace.groupby("rule_id", sort=False):
        count = int(rows["fired"].iloc[0])
        cells = int((rows["change"] == CHANGED).sum())
        lines = int(rows["change"].isin([ONLY_WITH, ONLY_WITHOUT]).sum())
        said = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((cells, "cell"), (lines, "row")) if n]
        other = rows["change"].iloc[0] if not said else ""
        what = ("changed " + " and ".join(said) if said else
                {NO_CHANGE: "changed nothing", NOT_FIRED: "did not fire"}.get(other, other))
        parts.append(f"{rule_id} (fired {count} time{'s' if count != 1 else ''}) {what}")
    n = len(parts)
    return f"{n} rule{'s' if n != 1 else ''} traced" + (": " + "; ".join(parts) if parts else "")


def _without(read: Callable[[], Tables], rule_id: str, count: int, tables: Tables) -> list[dict]:
    """The trace's rows of one rule: the reading without it compared with ``tables`` (read with it)."""
    try:
        with reading_rules.switched_off(rule_id), _quiet():
            without = read()
    except BudgetkitError as exc:
        return _note(rule_id, count, FAILS, str(exc))
    found = changes(tables, without)
    return _with_rule(found, rule_id, count) if found else _note(rule_id, count, NO_CHANGE)


@contextmanager
def _quiet() -> Iterator[None]:
    """The package's warnings held back while a rule is off: the reading with every rule on has said them."""
    root = logging.getLogger("budgetkit")
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _note(rule_id: str, count: int, change: str, without: str = "") -> list[dict]:
    return _with_rule([{"change": change, "without_rule": without}], rule_id, count)


def _with_rule(found: list[dict], rule_id: str, count: int) -> list[dict]:
    row = reading_rules.known()[rule_id]
    head = {"rule_id": rule_id, "family": row["family"], "what": row["what"], "fired": count}
    return [{**head, **f} for f in found]


def changes(with_rule: Tables, without_rule: Tables) -> list[dict]:
    """The cells and rows in which two readings of one document differ (the trace's rows, less the rule).

    Examples:
        >>> from budgetkit.parse import parse_lines
        >>> a = parse_lines(["项目名称:甲", "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 场次 3场"], "a.txt")
        >>> b = parse_lines(["项目名称:甲", "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 场次 5场"], "a.txt")
        >>> [(c["table"], c["row"], c["column"], c["with_rule"], c["without_rule"]) for c in changes(a, b)]
        [('indicators', 1, 'value', '3场', '5场')]
        >>> changes(a, a)
        []
    """
    out: list[dict] = []
    old, new = with_rule.projects, without_rule.projects
    for i, j in _pairs(_texts(old, "projects"), _texts(new, "projects")):
        out += _row_changes("projects", old, new, i, j)
        out += _table_changes("indicators", _of(with_rule.indicators, old, i), _of(without_rule.indicators, new, j))
    out += _table_changes("unparsed", with_rule.unparsed, without_rule.unparsed)
    return out


def _of(indicators: pd.DataFrame, projects: pd.DataFrame, i: int | None) -> pd.DataFrame:
    """The indicators of project ``i`` (none for a project the reading does not have)."""
    if i is None:
        return indicators.iloc[:0]
    return indicators[indicators["project_id"] == projects["project_id"].iloc[i]].reset_index(drop=True)


def _table_changes(table: str, a: pd.DataFrame, b: pd.DataFrame) -> list[dict]:
    out: list[dict] = []
    for i, j in _pairs(_texts(a, table), _texts(b, table), replaced=table != "unparsed"):
        out += _row_changes(table, a, b, i, j)
    return out


def _row_changes(table: str, a: pd.DataFrame, b: pd.DataFrame, i: int | None, j: int | None) -> list[dict]:
    """The differing cells of row ``i`` of ``a`` and row ``j`` of ``b`` (``None``: the row is in one only)."""
    side, k = (a, i) if i is not None else (b, j)
    line = side["line_start" if "line_start" in side.columns else "line"].iloc[k]
    where = {"table": table, "row": k + 1, "project_id": _cell(side, k, "project_id"),
             "project": _cell(side, k, "project"), "line_start": line}
    if i is None or j is None:
        text = " | ".join(t for t in (_cell(side, k, c) for c in _ROW_TEXT[table]) if t)
        key = "with_rule" if j is None else "without_rule"
        return [{**where, "change": ONLY_WITH if j is None else ONLY_WITHOUT, "column": "", key: text}]
    value_same = "value" not in a.columns or _cell(a, i, "value") == _cell(b, j, "value")
    out = []
    for column in a.columns:
        if column in _KEYS[table] or column not in b.columns or column in _FROM_VALUE and not value_same:
            continue
        x, y = _cell(a, i, column), _cell(b, j, column)
        if x != y:
            out.append({**where, "change": CHANGED, "column": column, "with_rule": x, "without_rule": y})
    return out


def _cell(frame: pd.DataFrame, i: int, column: str) -> str:
    if column not in frame.columns:
        return ""
    value = frame[column].iloc[i]
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _texts(frame: pd.DataFrame, table: str) -> list[str]:
    return [" | ".join(_cell(frame, i, c) for c in _ROW_TEXT[table]) for i in range(len(frame))]


def _pairs(a: Sequence[str], b: Sequence[str], replaced: bool = True) -> list[tuple[int | None, int | None]]:
    """Rows of two readings paired: equal texts in order (:mod:`difflib`), rows that differ paired in order.

    Unless ``replaced`` is false: then a row whose text differs is a row of one reading only.

    Examples:
        >>> _pairs(["甲", "乙", "丙"], ["甲", "乙丙"])
        [(0, 0), (1, 1), (2, None)]
        >>> _pairs(["甲"], ["乙", "甲"])
        [(None, 0), (0, 1)]
        >>> _pairs(["甲"], ["乙"], replaced=False)
        [(0, None), (None, 0)]
    """
    out: list[tuple[int | None, int | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        n = min(i2 - i1, j2 - j1) if op == "equal" or op == "replace" and replaced else 0
        out += [(i1 + k, j1 + k) for k in range(n)]
        out += [(i, None) for i in range(i1 + n, i2)] + [(None, j) for j in range(j1 + n, j2)]
    return out
