"""The reading trace shown on a page: each cell of a reading, marked with the reading rules that made it.

As pdfplumber's ``debug_tablefinder`` draws the table a page was cut into, :func:`trace_view` shows the tables
one document was read into, one per project, each cell as read; a cell that reads differently without a rule is
marked (``<mark>``), the ids of the rules that made it beside it, and under it what it reads without each (also
on hover). A row read only with a rule is marked whole; a row read only without one, a project cell a rule
changed and a line set apart from the table are listed under the project. The trace is
:mod:`budgetkit.analyse.rule_trace`'s; :func:`debug_reading` reads a file and traces it in one call,
:func:`trace_year_sample` does so for the year's smallest document (the notebook ``01_clean``).

Examples:
    >>> from budgetkit.analyse.rule_trace import traced
    >>> from budgetkit.parse import parse_lines
    >>> page = ["项目名称：职工技能培训", "一级指标|二级指标|三级指标|指标性质|指标值|度量单位",
    ...         "产出指标|数量指标|培训人次|≥|150|人次"]
    >>> view = trace_view(traced(lambda: parse_lines(page, "page.txt"), ["value.compose-unit-cell"]))
    >>> "<mark" in view.html and "value.compose-unit-cell" in view.html and "≥150人次" in view.html
    True
    >>> "无此规则 without value.compose-unit-cell: ≥150" in view.html
    True
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from budgetkit.analyse.rule_trace import CHANGED, ONLY_WITH, ONLY_WITHOUT, Traced, summary, traced
from budgetkit.errors import BudgetkitError
from budgetkit.model.fields import zh_headers
from budgetkit.parse import parse_file
from budgetkit.report.codes import code_label, has_codes
from budgetkit.report.params import NotebookParams
from budgetkit.report.readable import reader_text

__all__ = ["TraceView", "debug_reading", "trace_view", "trace_year_sample"]

logger = logging.getLogger(__name__)

#: The indicator columns shown for every row, then those shown where a row of the document has them (and any
#: column a rule changed).
SHOWN = ("seq", "level1", "level2", "indicator", "value")
SHOWN_IF_ANY = ("area", "explanation", "measure_unit", "nature", "value_type", "direction", "standard",
                "confidence_reasons")


@dataclass(frozen=True)
class TraceView:
    """An HTML fragment that shows itself in a notebook (``_repr_html_``)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def debug_reading(path: str | Path, rules: Iterable[str] | None = None) -> TraceView:
    """Read the file at ``path``, trace it (:func:`budgetkit.analyse.rule_trace.traced`) and show the trace."""
    return trace_view(traced(lambda: parse_file(path), rules, Path(path).name))


def trace_year_sample(params: NotebookParams, max_bytes: int = 60_000, tries: int = 5) -> TraceView:
    """The trace of the year's smallest document that reads (under ``max_bytes``, so the page stays quick).

    The document is read once more for each reading rule that fired in it. A document that does not read (a
    damaged file, a volume holding no target table: the year's pages list it) is passed over, up to ``tries``.
    """
    files = sorted((p for p in params.paths.disclosures(params.year) if p.stat().st_size <= max_bytes),
                   key=lambda p: (p.stat().st_size, p.name))
    intro = ("<h3>读取规则追踪 Which reading rule made which cell</h3><p>本年度最小的文件逐条关闭读取规则重读一遍："
             "标记的单元格在关闭该规则时读法不同，其下注明关闭后的读法。 The year's smallest document, read again "
             "with each reading rule that fired switched off: a marked cell reads differently without the rule "
             "named beside it, and what it reads then is noted under it (<code>budgetkit trace FILE</code> for "
             "any document).</p>")
    for path in files[:tries]:
        try:
            return TraceView(intro + debug_reading(path).html)
        except BudgetkitError as exc:
            logger.info("not traced: %s (%s)", path.name, exc)
    return TraceView(f"{intro}<p>没有可读的小于 {max_bytes // 1000} kB 的文件。 No document of the year that reads is "
                     "that small.</p>")


def trace_view(reading: Traced) -> TraceView:
    """The trace of one reading as HTML: a table per project, its cells marked with the rules that made them."""
    tables, trace = reading.tables, reading.trace
    source = tables.documents["source_file"].iloc[0] if len(tables.documents) else ""
    parts = [f"<p><b>{_e(source)}</b>: {_e(summary(trace))}</p>"]
    for _, project in tables.projects.iterrows():
        pid = project["project_id"]
        mine = trace[trace["project_id"] == pid]
        rows = tables.indicators[tables.indicators["project_id"] == pid].reset_index(drop=True)
        parts += [f"<h4>{_e(project['project'])} <small>({_e(pid)})</small></h4>",
                  _project_cells(mine[mine["table"] == "projects"]),
                  _indicator_table(rows, mine[mine["table"] == "indicators"]),
                  _listed(mine[(mine["table"] == "indicators") & (mine["change"] == ONLY_WITHOUT)],
                          "只在无此规则时读出的行 rows read only without the rule")]
    parts.append(_listed(trace[trace["table"] == "unparsed"], "表外的行 lines outside the tables"))
    return TraceView("<div class=\"bk-rule-trace\">" + "".join(p for p in parts if p) + "</div>")


def _e(value: object, table: str = "", column: str = "") -> str:
    """``value`` as a reader sees it (a code in Chinese, :mod:`budgetkit.report.codes`), escaped."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return ""
    text = str(value)
    if column and has_codes(table, column):
        text = code_label(table, column, text)
    return html.escape(reader_text(text, table or None, column or None))


def _marks(changes: pd.DataFrame) -> tuple[str, str]:
    """The rule ids beside a cell and the lines under it: what it reads without each rule."""
    ids = " ".join(f"<sup>{_e(r)}</sup>" for r in dict.fromkeys(changes["rule_id"]))
    lines = "".join(f"<br><small>无此规则 without {_e(c.rule_id)}: "
                    f"{_e(c.without_rule, c.table, c.column) or '(空 blank)'}</small>"
                    for c in changes.itertuples() if c.change == CHANGED)
    return ids, lines


def _indicator_table(rows: pd.DataFrame, changes: pd.DataFrame) -> str:
    changed = set(changes.loc[changes["change"] == CHANGED, "column"])
    shown = [*SHOWN, *(c for c in rows.columns if c not in SHOWN and (c in changed or c in SHOWN_IF_ANY
                                                                      and rows[c].fillna("").astype(str).ne("").any()))]
    heads = zh_headers("indicators")
    out = ["<table><thead><tr>", *(f"<th>{_e(heads.get(c, c))}</th>" for c in shown), "</tr></thead><tbody>"]
    for k, row in rows.iterrows():
        here = changes[changes["row"] == k + 1]
        whole = here[here["change"] == ONLY_WITH]
        title = "; ".join(f"{r} 无此规则时此行未读出 not read without it" for r in dict.fromkeys(whole["rule_id"]))
        out.append(f"<tr title=\"{_e(title)}\">" if title else "<tr>")
        for column in shown:
            cell = here[(here["column"] == column) & (here["change"] == CHANGED)]
            ids, lines = _marks(cell if len(cell) else whole if column == "indicator" else cell)
            text = _e(row[column], "indicators", column)
            if len(cell):
                tip = "; ".join(f"{c.rule_id}: {_e(c.without_rule, 'indicators', column)}" for c in cell.itertuples())
                text = f"<mark title=\"{tip}\">{text}</mark>"
            elif len(whole):
                text = f"<mark>{text}</mark>"
            out.append(f"<td>{text}{ids}{lines}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _project_cells(changes: pd.DataFrame) -> str:
    if not len(changes):
        return ""
    heads = zh_headers("projects")
    items = "".join(f"<li>{_e(heads.get(c.column, c.column))}: <mark>{_e(c.with_rule, 'projects', c.column)}</mark>"
                    f"<sup>{_e(c.rule_id)}</sup> <small>无此规则 without: "
                    f"{_e(c.without_rule, 'projects', c.column) or '(空 blank)'}</small></li>"
                    for c in changes.itertuples())
    return f"<ul>{items}</ul>"


def _listed(changes: pd.DataFrame, heading: str) -> str:
    """Rows of one reading only and cells of lines outside the tables, as a list under ``heading``."""
    if not len(changes):
        return ""
    items = []
    for c in changes.itertuples():
        said = {ONLY_WITH: "只在有此规则时 only with", ONLY_WITHOUT: "只在无此规则时 only without"}.get(c.change)
        what = f"{said}: {_e(c.with_rule or c.without_rule)}" if said else \
            f"{_e(c.column)}: {_e(c.with_rule, c.table, c.column)} <small>无此规则 without: " \
            f"{_e(c.without_rule, c.table, c.column)}</small>"
        items.append(f"<li><sup>{_e(c.rule_id)}</sup> {what}</li>")
    return f"<p>{_e(heading)}</p><ul>{''.join(items)}</ul>"
