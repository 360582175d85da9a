"""Recognise the tables of a document by role: regions, header, indicator columns, indicator rows.

:func:`recognise` reads a :class:`~budgetkit.model.cells.Document` (any reader's
output) into records: one per project table, one per indicator, the
``header_extras`` and what was not understood. The steps, each in its module:

1. the token stream (:mod:`budgetkit.segment.tokens`): cells cut where they run together
   with structural terms, wrapped labels joined;
2. the tables (:mod:`budgetkit.recognise.regions`): where name labels and indicator
   sections cluster;
3. each table's header (:mod:`budgetkit.recognise.header`): label/value pairs;
4. its indicator columns, from the header cells in any order and subset
   (:func:`read_columns`), and its rows, aligned to them (:mod:`budgetkit.recognise.align`);
5. every token no step took goes to ``unparsed`` with the reason.

Examples:
    >>> from budgetkit.model.cells import Document
    >>> from budgetkit.segment.text import segment_lines
    >>> lines = ["项目支出绩效目标表", "项目名称 | 测试项目 | |||", "项目金额 | 10万元 | |||",
    ...          "年度目标 | 完成测试。 | |||",
    ...          "一级指标 | 二级指标 | 三级指标 | 指标值 | |||", "产出指标 | 数量指标 | 测试户数 | 200户 | |||",
    ...          "成本指标 | 测试标准 | 平均500元/户 | |||", "填表人: 张三"]
    >>> r = recognise(Document("demo.txt", segment_lines(lines)))
    >>> r.projects[0]["project"], r.projects[0]["total_wan"], r.projects[0]["goal"]
    ('测试项目', 10.0, '完成测试。')
    >>> [(i["level2"], i["indicator"], i["value"]) for i in r.indicators]
    [('数量指标', '测试户数', '200户'), ('成本指标', '测试标准', '平均500元/户')]
    >>> [(u["text"], u["reason"]) for u in r.unparsed]
    [('填表人: 张三', 'signature block')]
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from budgetkit.model import rules
from budgetkit.model.cells import Document
from budgetkit.recognise.align import Column, Row, align_section, make_schema
from budgetkit.recognise.attributes import split_attribute
from budgetkit.recognise.columns import _annual_rows, _opens_long_term, read_columns
from budgetkit.recognise.entry_rows import apply_entries, take_entry_rows
from budgetkit.recognise.header import Header, name_after_title, read_header
from budgetkit.recognise.header_cells import cut_header
from budgetkit.recognise.levels import _regrouped
from budgetkit.recognise.money import finish_amounts, list_amount
from budgetkit.recognise.notice_name import name_from_notice, opens_with_column_head
from budgetkit.recognise.records import indicator_records
from budgetkit.recognise.regions import YEAR_RE, find_tables, is_name_label, is_section_start
from budgetkit.recognise.run_together import BESIDE_GUESS, EXPLANATION_CUT, WORD_VALUE_CUT, split_run_together_rows
from budgetkit.recognise.serialized import rebuild as rebuild_serialized
from budgetkit.recognise.spanning_rows import split_spanning_rows
from budgetkit.recognise.table_ends import (
    CUT_AT_FILE_END,
    CUT_LABEL_AT_FILE_END,
    END_ROLES,
    RUN_TOGETHER,
    Targets,
    cut_label,
    rows_and_after,
)
from budgetkit.recognise.table_ends import cut_by_file_end as _cut_by_file_end
from budgetkit.recognise.tiers import stacked_levels
from budgetkit.segment.enumerated import ENUMERATED_RE as _ENUMERATED_RE
from budgetkit.segment.enumerated import split_enumerated_rows
from budgetkit.segment.target_runs import target_run_re as _target_run_re
from budgetkit.segment.tokens import (
    BLANK,
    PIECE,
    SAME,
    Tok,
    assemble_labels,
    cut,
    join_text,
    join_vertical_halves,
    kept_alive,
    split_headings,
    split_wrapped_tails,
    stream,
)
from budgetkit.segment.word_values import word_value_tail as _word_value_tail
from budgetkit.vocab.vocabulary import lookup, scan

__all__ = ["Recognised", "read_columns", "recognise"]

logger = logging.getLogger(__name__)

#: Terms that structure a document, cut out of cells that run them together before tables are found.
STRUCTURE_ROLES = ("title", "column", "section", "level1", "level2", "goal", "field:project", "field:department",
                   "list")
#: Terms read in an indicator section.
SECTION_ROLES = ("level1", "level2", "section")

_LEVEL_TEXT = ("level1", "level2")
#: Why a block of :data:`~budgetkit.recognise.table_ends.END_ROLES` other than a signature is no part of a table.
_END_REASONS = {"note": "note under the table", "attachment": "attachment line"}


@dataclass
class Recognised:
    """What :func:`recognise` read from one document: records, not yet frames."""

    documents: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    header_extras: list[dict] = field(default_factory=list)
    unparsed: list[dict] = field(default_factory=list)


def _structural(toks: list[Tok]) -> list[Tok]:
    """Cut structural terms out of the cells that hold them, and join wrapped structural labels."""
    out: list[Tok] = []
    # each token is cut alone; the tokens long enough to be a table run together are cut as such
    for long, run in itertools.groupby(split_headings(join_vertical_halves(toks)),
                                       key=lambda t: len(t.text) >= RUN_TOGETHER[0]):
        out.extend(cut(list(run), STRUCTURE_ROLES, run_together=long, min_run=RUN_TOGETHER[1]))
    return assemble_labels(out)


def recognise(doc: Document, year: int | None = None, source_file: str | None = None) -> Recognised:
    """Recognise every table of ``doc`` (see the module docstring).

    Args:
        doc: what a reader produced.
        year: the budget year where a table prints none (the ``data/raw/<year>/`` folder).
        source_file: the file name recorded in every row (default: the document's file name).
    """
    with kept_alive():  # the tokens read are marked by id(): no id may be freed and reused meanwhile
        return _recognise(doc, year, source_file)


def _recognise(doc: Document, year: int | None, source_file: str | None) -> Recognised:
    src = source_file or Path(doc.path).name
    out = Recognised()
    toks = _structural(stream(doc.rows))
    regions = find_tables(toks)
    used: set[int] = set()
    reported: list[tuple[Tok, str, str | None]] = []
    stem = Path(src).stem
    carry_year = year
    list_scale: list = []  # the unit a list-form disclosure's amounts were found in
    pos = 0
    if regions:
        out.documents.append(_preamble(toks[: regions[0].start], src, used, reported))
    else:
        out.documents.append({"source_file": src})
    for k, region in enumerate(regions, 1):
        for tok in toks[pos : region.start]:
            if id(tok) not in used:
                reported.append((tok, _outside_reason(tok), None))
        pid = f"{stem}#{k:02d}"
        notice = name_from_notice(join_text(t.text for t in toks[pos : region.first_indicator]))
        read = _read_table(_Reading(toks[region.start : region.end], pid, src, used, reported, carry_year, year,
                                    last=k == len(regions), list_scale=list_scale, notice_name=notice))
        project, rows, extras = read.project, read.indicators, read.extras
        pos = region.end
        if not rows and not (project.get("project") or "").strip():
            # no name and no indicator row: a look-alike (a list of narrative goals, an empty template), not a table
            for tok in toks[region.start : region.end]:
                used.discard(id(tok))
                reported.append((tok, NOT_A_TABLE, None))
            continue
        carry_year = project.get("year") or carry_year
        out.projects.append(project)
        out.indicators.extend(rows)
        out.header_extras.extend(extras)
    for tok in toks[pos:]:
        if id(tok) not in used:
            reported.append((tok, _outside_reason(tok) if regions else "outside any table", None))
    seen: set[int] = set()
    for tok, reason, pid in reported:
        if id(tok) in seen or id(tok) in used or not tok.text:
            continue
        seen.add(id(tok))
        out.unparsed.append({"source_file": src, "line": tok.line, "page": tok.page, "project_id": pid,
                             "text": tok.text, "reason": reason, "address": tok.cell.address})
    out.unparsed.sort(key=lambda r: r["line"])
    return out


def _outside_reason(tok: Tok) -> str:
    term = scan(tok.text, *END_ROLES)
    if term is not None:
        return "site furniture" if term.role == "furniture" else _END_REASONS.get(term.field, "signature block")
    return "outside any table"


_ATTACHMENT_RE = re.compile(r"^\s*附件\s*\d*\s*[:]\s*(.+)$")
_DATE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")


def _preamble(toks: Sequence[Tok], src: str, used: set[int], reported: list) -> dict:
    """The covering notice before the first table: title, notice, attachment, publisher, date.

    Paragraphs are parted by blank lines. The first is the title, an ``附件:`` line
    the attachment, a date line the publish date and the line above it the
    publisher; site furniture goes to ``unparsed``; the rest makes the notice.
    """
    record: dict = {"source_file": src}
    keep = []
    for tok in toks:
        if not tok.text:
            continue
        if scan(tok.text, "furniture") is not None or tok.role("furniture") is not None:
            reported.append((tok, "site furniture", None))
            continue
        keep.append(tok)
    if not keep:
        return record
    record["line_start"], record["line_end"] = keep[0].line, max(t.last_line for t in keep)
    paragraphs: list[list[Tok]] = [[]]
    for tok in keep:
        if tok.gap >= BLANK and paragraphs[-1]:
            paragraphs.append([])
        paragraphs[-1].append(tok)
    notice: list[str] = []
    for n, para in enumerate(paragraphs):
        joined = "".join(t.text.strip() for t in para)
        attachment = _ATTACHMENT_RE.match(joined)
        date = _DATE_RE.match(para[-1].text)
        if n == 0:
            record["title"] = joined
        elif attachment:
            record["attachment"] = attachment.group(1).strip()
        elif date:
            record["publish_date"] = f"{int(date[1]):04d}-{int(date[2]):02d}-{int(date[3]):02d}"
            if len(para) > 1:
                record["publisher"] = "".join(t.text.strip() for t in para[:-1])
        else:
            notice.append(joined)
        used.update(id(t) for t in para)
    if notice:
        record["notice"] = "\n".join(notice)
    return record


# --- one table ----------------------------------------------------------------------------------------


@dataclass
class _Reading:
    """One table's reading: its tokens and what the document's reading shares with it.

    ``used`` and ``reported`` are the document's (ids of the tokens read; tokens not read, with the reason and
    the table's id); ``carry_year`` is the year of the table before, ``folder_year`` the year of the folder,
    ``last`` whether the table is the document's last, ``list_scale`` the unit a list's amounts were found in.
    """

    toks: Sequence[Tok]
    pid: str
    src: str
    used: set[int]
    reported: list
    carry_year: int | None = None
    folder_year: int | None = None
    last: bool = False
    list_scale: list = field(default_factory=list)
    notice_name: str | None = None

    def report(self, tok: Tok, reason: str) -> None:
        self.reported.append((tok, reason, self.pid))


@dataclass
class _TableRead:
    """What :func:`_read_table` read: the project record, its indicator rows, its header extras, the tokens after."""

    project: dict
    indicators: list[dict]
    extras: list[dict]
    trailing: list[Tok]


def _read_table(r: _Reading) -> _TableRead:
    """Read one table: its header, where its rows end, its indicator columns and rows, its project record."""
    first = next((i for i, t in enumerate(r.toks) if is_section_start(t)), len(r.toks))
    head, header, entry = _read_head(r, first)
    body, trailing = rows_and_after(r.toks[first:], targets())
    before = next((t for t in reversed(r.toks[:first]) if t.text), None)
    columns, body, printed = read_columns(body, header.areas, r.used)
    body = _take_entries(r, head, header, body)
    if (serial := rebuild_serialized(columns, body)) is not None:  # columns printed one after another
        columns, body = serial.columns, serial.body
        r.reported.extend((tok, reason, r.pid) for tok, reason in serial.reported)
    roles = [c for c, _, _ in columns]
    two_labels = "level2" not in roles
    body = _indicator_body(r, roles, body, long_term=before is not None and _opens_long_term(before))
    if entry:
        body, trailing = _list_end(body, trailing)
    columns = _explanation_column(columns, body)
    schema = make_schema([c for c, _, _ in columns], [p for _, p, _ in columns], [a for _, _, a in columns])
    body, ends_file = _file_end(r, body, ends_file=r.last and not trailing)
    indicators, row_reports = _rows(r, body, schema, header, two_labels=two_labels, ends_file=ends_file)
    for tok in trailing:
        r.report(tok, _outside_reason(tok).replace("outside any table", "after the table"))
    project = _project(r, header.record, body, printed, indicators, schema)
    project["status"], project["status_reason"] = _status(r, header, indicators, row_reports, trailing,
                                                          project["line_end"])
    _name_rows(r, project, indicators)
    return _TableRead(project, indicators, _extras(r, header), trailing)


def _is_entry(head: Sequence[Tok]) -> bool:
    """Whether a header is a list row's (a heading among its first cells, no 项目名称 label)."""
    return any(t.heading for t in head[:6]) and not any(
        t.role("field") is not None and t.role("field").field == "project" for t in head)


def _read_head(r: _Reading, first: int) -> tuple[list[Tok], Header, bool]:
    """The header of a table (its tokens before the first indicator section), read; and whether it is a list row's.

    A name label that heads a list's column names nothing; a table printing no name takes the name a notice
    above it gives.
    """
    head = assemble_labels(split_wrapped_tails(cut_header(r.toks[:first])))
    entry = _is_entry(head)
    header = read_header(head, entry=entry)
    rec = header.record
    r.used.update(header.used)
    if rec.get("project") and opens_with_column_head(rec["project"]):
        # the name label heads a list's column (…项目名称 | 分配金额(万元) | rows): what follows it is no name
        for tok in head:
            if tok.text and id(tok) in header.used and rec["project"].startswith(tok.text):
                r.used.discard(id(tok))
                r.report(tok, COLUMN_HEAD_NOT_NAME)
        rec["project"] = None
    if not (rec.get("project") or "").strip() and r.notice_name:
        rec["project"] = r.notice_name
        logger.info("%s: table %s takes its name from the notice above it: %s", r.src, r.pid, r.notice_name)
    for tok, reason in header.leftovers:
        r.report(tok, reason)
    return head, header, entry


def targets() -> Targets:
    """How this module reads the targets in a cell's text, for :mod:`budgetkit.recognise.table_ends`."""
    return Targets(ends=_target_ends, word_value=_word_value_tail)


def _target_ends(text: str, stop: int) -> list[int]:
    """Where each run of targets with a digit in ``text[:stop]`` ends (:func:`_target_run_re`)."""
    return [m.end() for m in _target_run_re().finditer(text, 0, stop) if any(ch.isdigit() for ch in m.group(0))]


def _take_entries(r: _Reading, head: Sequence[Tok], header: Header, body: list[Tok]) -> list[Tok]:
    """The rows under a name label that heads a column (单位(专项)名称) name the unit and the project; take them.

    A name read from the title's tail (…绩效目标表公开) gives way to theirs.
    """
    rec = header.record
    named = (rec.get("project") or "").strip()
    if (named and named != name_after_title(rec.get("table_title") or "")) \
            or not any(is_name_label(t) == "project" for t in head):
        return body
    entries, body = take_entry_rows(body)
    if entries:
        rec["project"] = ""
    apply_entries(entries, rec, header.scale)
    r.used.update(id(e.tok) for e in entries)
    return body


def _indicator_body(r: _Reading, roles: Sequence[str], body: list[Tok], long_term: bool) -> list[Tok]:
    """The indicator rows' tokens, cut to cells: the annual block, section labels, rows run together or enumerated."""
    body = _annual_rows(body, roles, long_term, r.used, r.reported, r.pid)
    body = assemble_labels(cut(body, SECTION_ROLES, run_together=True, min_run=2), SECTION_ROLES)
    if "value_type" in roles and {"explanation", "standard"} & set(roles):
        body = split_spanning_rows(body)  # a row a line, its cells run together up to its 定量/定性
    body = split_run_together_rows(body, roles.count("area_value"), standards="standard" in roles,
                                   units="measure_unit" in roles, value_types="value_type" in roles,
                                   directions="direction" in roles, explanations="explanation" in roles,
                                   weights="score" in roles)
    return split_enumerated_rows(body, as_printed="value_actual" in roles)


def _list_end(body: list[Tok], trailing: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """A list row's targets end with its last numbered row (指标N:); the list goes on after it."""
    last = max((i for i, t in enumerate(body) if _ENUMERATED_RE.match(t.text) or t.text.startswith("指标")),
               default=None)
    if last is None or not rules.enabled("table.list-ends-at-last-numbered"):
        return body, trailing
    end_at = next((i for i in range(last + 1, len(body)) if body[i].gap != PIECE), len(body))
    return body[:end_at], body[end_at:] + trailing


def _explanation_column(columns: list, body: Sequence[Tok]) -> list:
    """The columns, with a 指标解释 column after the name where explanations were cut off rows that print none."""
    if not any(c == "explanation" for c, _, _ in columns) and any(
            EXPLANATION_CUT in t.cell.reasons for t in body if t.gap == SAME) \
            and rules.enabled("columns.explanation-column"):
        # explanations cut off the rows where the header prints no column for them (or no header)
        at = next(i for i, (c, _, _) in enumerate(columns) if c == "indicator") + 1
        columns = [*columns[:at], ("explanation", "", None), *columns[at:]]
    return columns


def _file_end(r: _Reading, body: list[Tok], ends_file: bool) -> tuple[list[Tok], bool]:
    """The rows, less a fragment of a label the file was cut inside; and whether the file ends in the last row."""
    if ends_file and len(body) > 1 and cut_label(body[-1]) and rules.enabled("table.cut-label-at-file-end"):
        # a flattened page cut inside a label (…90%时 for 时效指标): the fragment closes the row before it
        r.report(body[-1], CUT_LABEL_AT_FILE_END)
        return body[:-1], False
    return body, ends_file


def _rows(r: _Reading, body: list[Tok], schema: Sequence[Column], header: Header, two_labels: bool,
          ends_file: bool) -> tuple[list[dict], list]:
    """The indicator records of the rows aligned to the columns, and the reports about their cells.

    Under 指标类型 | 指标名称 a level-2 word stands in the name column as the name, and is the row's level 2.
    """
    if two_labels:
        body = [replace(t, match=None) if t.role("level2") is not None and t.role("level1") is None else t
                for t in body]
    rows = stacked_levels(align_section(body, schema), schema)
    indicators, row_used, row_reports = _indicator_records(rows, schema, r.pid, r.src, header.record, header,
                                                           ends_file=ends_file)
    r.used.update(row_used)
    r.reported.extend(row_reports)
    if two_labels:
        for row in indicators:
            term = lookup(row.get("indicator") or "")
            term = term.role("level2") if term is not None else None
            if term is not None and not row.get("level2"):
                row.update(level2=term.field, level2_printed=row["indicator"],
                           level1=_regrouped(row.get("level1"), term))
    return indicators, row_reports


def _project(r: _Reading, rec: dict, body: Sequence[Tok], printed: Sequence[str], indicators: list[dict],
             schema: Sequence[Column]) -> dict:
    """The project record of a table: where it is printed, its header's fields, its kind, its amounts."""
    nonblank = [t for t in r.toks if t.text]
    year = rec.get("year") or r.carry_year
    if r.folder_year is not None and year is not None and year != r.folder_year:
        logger.warning("%s: table %s prints year %s, not %s (its folder); the printed year is kept",
                       r.src, r.pid, year, r.folder_year)
    last_tok = next((t for t in reversed(body) if t.text), nonblank[-1])  # an empty cell is no provenance
    project = {
        "project_id": r.pid,
        "year": year,
        "source_file": r.src,
        "line_start": nonblank[0].line,
        "line_end": last_tok.last_line,
        "page_start": nonblank[0].page,
        "page_end": last_tok.page,
        "address": next((t.cell.address for t in nonblank if t.cell.address), None),
        "indicator_columns": "|".join(printed) if printed else None,
        "indicator_count": len(indicators),
        **{k: v for k, v in rec.items() if k != "year"},
    }
    kind = project.get("kind") or "project"
    if any(c.role == "value_actual" for c in schema):
        kind = "self_evaluation"
    project["kind"] = kind
    if not project.get("project") and kind == "department":
        project["project"] = project.get("department")
    if "list_amount" in project:
        project.update(list_amount(project.pop("list_amount"), indicators, r.list_scale))
    finish_amounts(project)
    split_attribute(project)
    return project


def _status(r: _Reading, header: Header, indicators: Sequence[dict], row_reports: Sequence, trailing: Sequence[Tok],
            line_end: int) -> tuple[str, str | None]:
    """Whether a table was read whole (``complete``) or not (``partial``, with the reason)."""
    if not indicators:
        return "partial", "the table has no indicator row with a value"
    if r.last and row_reports and any(rep[1] in ("level-3 indicator without a value", CUT_AT_FILE_END)
                                      for rep in row_reports[-1:]):
        return "partial", f"the file ends at line {row_reports[-1][0].line}, on an indicator without a value"
    if r.last and not trailing and "满意度指标" not in getattr(header, "levels_seen", set()):
        return "partial", f"the file ends at line {line_end}, before any 满意度指标 row"
    return "complete", None


def _name_rows(r: _Reading, project: dict, indicators: list[dict]) -> None:
    """Give every indicator row its table's id, project and unit; a row of a table read without a name says so."""
    for row in indicators:
        row.update(project_id=r.pid, project=project.get("project"),
                   implementing_unit=project.get("implementing_unit"), source_file=r.src)
        if not (project.get("project") or "").strip() \
                and rules.enabled("name.empty-flagged"):  # never a silent blank: the row says its name is missing
            reasons = [x for x in (row.get("confidence_reasons") or "").split("; ") if x]
            row.update(confidence="low", confidence_reasons="; ".join(dict.fromkeys([*reasons, EMPTY_NAME_REASON])))


def _extras(r: _Reading, header: Header) -> list[dict]:
    """The header's extra label/value pairs, as rows of ``header_extras``."""
    return [{"project_id": r.pid, "source_file": r.src, "label": e["label"], "field": e["field"] or None,
             "value": e["value"], "line": e["tok"].line if e["tok"] is not None else None,
             "page": e["tok"].page if e["tok"] is not None else None,
             "address": e["tok"].cell.address if e["tok"] is not None else None} for e in header.extras]


#: Why the cells of a table with no name and no indicator row (narrative goals, an empty template) are unparsed.
NOT_A_TABLE = "not a target table: no project name and no indicator row"
#: Why the text after a name label that heads a list's column is reported.
COLUMN_HEAD_NOT_NAME = "a list's column head and rows after a name label: no project name"
#: The reason every row of a table whose project name was read empty carries.
EMPTY_NAME_REASON = "project name read empty"




def _indicator_records(rows: Sequence[Row], schema: Sequence[Column], pid: str, src: str, rec: dict,
                       header, ends_file: bool = False) -> tuple[list[dict], set[int], list]:
    """The records of the aligned rows (:func:`budgetkit.recognise.records.indicator_records`).

    Where the file ends with the section (``ends_file``), a last row ending on a value the file's end may have
    cut (:func:`_cut_by_file_end`) is reported, not read; a cell cut by a guess here is read with low confidence.
    """
    cut_at_end = (lambda tok: CUT_AT_FILE_END if _cut_by_file_end(tok, rows) else None) if ends_file else None
    return indicator_records(rows, schema, pid, header, cut_at_end=cut_at_end,
                             low_reasons=(WORD_VALUE_CUT, BESIDE_GUESS))




__all__ += ["join_text", "PIECE", "YEAR_RE"]
