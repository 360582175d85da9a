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
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from budgetkit.model import rules
from budgetkit.model.cells import Document
from budgetkit.model.normalize import is_wide
from budgetkit.read.ocr import OCR_REASON
from budgetkit.recognise.align import Column, Row, align_section, ambiguous, make_schema
from budgetkit.recognise.attributes import split_attribute
from budgetkit.recognise.entry_rows import apply_entries, take_entry_rows
from budgetkit.recognise.header import Header, name_after_title, read_header
from budgetkit.recognise.header_cells import cut_header
from budgetkit.recognise.money import finish_amounts, list_amount
from budgetkit.recognise.notice_name import name_from_notice, opens_with_column_head
from budgetkit.recognise.regions import YEAR_RE, find_tables, is_name_label, is_section_start
from budgetkit.recognise.run_together import BESIDE_GUESS, EXPLANATION_CUT, WORD_VALUE_CUT, split_run_together_rows
from budgetkit.recognise.selfeval import comparator_of, unit_joins
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
from budgetkit.segment.target_runs import VALUE_TOKEN_RE as _VALUE_TOKEN_RE
from budgetkit.segment.target_runs import target_run_re as _target_run_re
from budgetkit.segment.tokens import (
    BLANK,
    HALVES_REASON,
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
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.vocabulary import lookup, scan

__all__ = ["Recognised", "read_columns", "recognise"]

logger = logging.getLogger(__name__)

#: Terms that structure a document, cut out of cells that run them together before tables are found.
STRUCTURE_ROLES = ("title", "column", "section", "level1", "level2", "goal", "field:project", "field:department",
                   "list")
#: Terms read in an indicator section.
SECTION_ROLES = ("level1", "level2", "section")

_COMPARATORS = ("≥", "≤", ">", "<", "=", "≈", ">=", "<=", "≧", "≦", "═")
_COMPARATOR_ONLY_RE = re.compile(r"^(?:[≥≤><=≧≦≈═]|>=|<=)$")  # ═ (box drawing) is printed for = (云南)
_LEVEL_TEXT = ("level1", "level2")
_PLACE_RE = re.compile(r".{1,6}?(?:新区|区|县|市|镇|乡|街道办|街道|村)")
_CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}
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


def _lowest(*levels: str | None) -> str:
    return min((lv for lv in levels if lv), key=_CONFIDENCE_RANK.__getitem__, default="high")


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




# --- the indicator columns ----------------------------------------------------------------------------


def read_columns(body: list[Tok], areas: Sequence[str], used: set[int]
                 ) -> tuple[list[tuple[str, str, str | None]], list[Tok], list[str]]:
    """Read the column labels at the start of an indicator section; return them and the tokens after.

    Returns ``([(role, printed label, area)], the rest, printed labels)``. A
    section that prints no header gets 一级/二级/三级/指标值. A ``区域目标值``
    column is followed by one column per area (names cut from the header's
    补助区域 list or by their place-name endings). Value sub-columns printed on a
    second header row (``2021年实际实现值 | 预期2022年实现值`` under 指标值) take the
    place of the column above them.
    """
    cols: list[tuple[str, str, str | None]] = []
    i = 0
    toks = assemble_labels(cut(body, ("column", "section"), run_together=True, min_run=2), ("column", "section"))
    while i < len(toks):
        tok = toks[i]
        term = tok.role("column")
        if term is not None and tok.role("level1", "level2") is None:
            if term.field == "area_values":
                cols.append(("area_values", tok.text, None))
            else:
                cols.append((term.field, tok.text, None))
            used.add(id(tok))
            i += 1
            continue
        if tok.role("section") is not None and not cols:
            used.add(id(tok))
            i += 1
            continue
        if cols and not any(c[0] == "area_values" for c in cols) and _is_place(tok) and (
                cols[-1][0] == "area_value" or i + 1 < len(toks) and _is_place(toks[i + 1])) \
                and rules.enabled("columns.place-names-as-areas"):
            # place names after the column labels, each a cell, no 区域目标值 above them: one target column per area
            cols.append(("area_value", tok.text.strip(), tok.text.strip()))
            used.add(id(tok))
            i += 1
            continue
        if cols and tok.match is None and tok.text and (
                cols[-1][0] in ("area_values", "area_value") or "indicator" in [c[0] for c in cols]
                and not any(c[0] in ("value", "area_values") for c in cols)):
            # (after the name column and no value column: place names run together, one target column each)
            names = _area_names(tok.text, areas)
            if names and (cols[-1][0] in ("area_values", "area_value") or len(names) > 1):
                cols.extend(("area_value", n, n) for n in names)
                used.add(id(tok))
                i += 1
                continue
        if not tok.text and cols:
            used.add(id(tok))
            i += 1
            continue
        break
    rest = toks[i:]
    if not cols:
        return [("level1", "", None), ("level2", "", None), ("indicator", "", None), ("value", "", None)], rest, []
    printed = [p for _, p, _ in cols]
    roles = [r for r, _, _ in cols if r != "area_values"]
    cols = [c for c in cols if c[0] != "area_values"]
    # a two-row header printing the value group first (年度指标值 | 实际完成值 | 分值 | 得分 on the first row,
    # 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 on the second): the second row's columns take the
    # place of the first row's value column
    if "level1" in roles and "value" in roles[: roles.index("level1")] and any(
            r in ("value", "nature", "measure_unit") for r in roles[roles.index("level1") :]) \
            and rules.enabled("columns.value-group-first"):
        at = [c[0] for c in cols].index("level1")
        first, second = cols[:at], cols[at:]
        k = [c[0] for c in first].index("value")
        cols = [*second, *first[k + 1 :]]
        roles = [r for r, _, _ in cols]
    # value sub-columns on a second header row replace the column above them
    if roles.count("value") > 1 and roles.count("indicator") == 1:
        first_v = roles.index("value")
        subs = [c for c in cols[first_v + 1 :] if c[0] in ("value", "value_prior", "value_actual")]
        if subs and rules.enabled("columns.value-subcolumns"):
            others = [c for c in cols[first_v + 1 :] if c not in subs]
            cols = cols[:first_v] + subs + others
    printed_roles = [c[0] for c in cols]
    two_labels = "level2" not in printed_roles and "level1" in printed_roles and "indicator" in printed_roles \
        and printed_roles.index("indicator") == printed_roles.index("level1") + 1
    for need in ("level1", "level2", "indicator"):
        if need == "level2" and two_labels and rules.enabled("levels.level2-word-as-name"):
            continue  # 指标类型 | 指标名称: the level-2 word stands in the name column as the indicator's name
        if need not in [c[0] for c in cols]:
            at = {"level1": 0, "level2": 1, "indicator": 2}[need]
            cols.insert(min(at, len(cols)), (need, "", None))
    if "value" not in [c[0] for c in cols] and not any(c[0] == "area_value" for c in cols):
        cols.append(("value", "", None))
    return cols, rest, printed


#: Why a row of a block of long-term indicators (长期绩效指标, above the annual block) is reported.
LONG_TERM_BLOCK = "long-term indicator: its block stands apart from the annual one, which is read"


def _opens_long_term(tok: Tok) -> bool:
    term = tok.role("section")
    return term is not None and term.field == "long_term"


def _annual_rows(body: list[Tok], roles: Sequence[str], long_term: bool, used: set[int], reported: list,
                 pid: str) -> list[Tok]:
    """The tokens of the annual rows, a repeated header and long-term blocks set apart.

    Column labels printed again (a new page, or a header over the annual block) and section headings are
    structure; the rows of a block of long-term indicators (``long_term``: the section opens with one) are
    reported apart where an annual block follows.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.vocab.vocabulary import lookup
        >>> texts = ["道路维修里程", "30公里", "年度绩效指标", "一级指标", "二级指标", "指标值", "产出指标", "10公里"]
        >>> toks = [Tok(t, (Cell(t, 1),), 2, match=lookup(t)) for t in texts]
        >>> reported = []
        >>> [t.text for t in _annual_rows(toks, ["level1", "level2", "value"], True, set(), reported, "p#1")]
        ['产出指标', '10公里']
        >>> [t.text for t, _, _ in reported]
        ['道路维修里程', '30公里']
    """
    labelled = [t.match is not None and t.role("section", "column") is not None for t in body]
    if not long_term and not any(labelled):
        return body  # (no heading or column label among the rows: nothing to set apart)
    # a long-term block is set apart only where an annual block follows it (else its rows are the table's)
    annual = any((term := t.role("section")) is not None and term.field != "long_term"
                 for t, lab in zip(body, labelled, strict=True) if lab)
    long_term = long_term and annual
    out: list[Tok] = []
    i = 0
    while i < len(body):
        tok = body[i]
        term = tok.role("section")
        if term is not None:
            long_term = term.field == "long_term" and annual
            used.add(id(tok))
            i += 1
            continue
        # a run of the section's column labels: its header printed again (a new page, or over the annual block)
        run = i
        while run < len(body) and (not body[run].text or (body[run].role("column") is not None
                                                          and body[run].role("column").field in roles)):
            run += 1
        if sum(1 for t in body[i:run] if t.text) >= 2 and rules.enabled("rows.repeated-header"):
            used.update(id(t) for t in body[i:run])
            i = run
            continue
        if long_term and tok.text and rules.enabled("rows.long-term-apart"):
            if tok.role("level1", "level2") is None:
                reported.append((tok, LONG_TERM_BLOCK, pid))  # (reported: not used)
            else:
                used.add(id(tok))
        else:
            out.append(tok)
        i += 1
    return out


def _is_place(tok: Tok) -> bool:
    """Whether a header cell is a place name alone (西坪镇尧山村, 埭头镇)."""
    return tok.match is None and _PLACE_RE.fullmatch("".join(tok.text.split())) is not None


def _area_names(text: str, areas: Sequence[str]) -> list[str]:
    """Area names run together in a header cell, cut by the 补助区域 list, else by place-name endings."""
    squeezed = re.sub(r"\s+", "", text)
    if areas and "".join(areas) == squeezed:
        return list(areas)
    if len(text.split()) > 1:
        parts = text.split()
        if all(_PLACE_RE.fullmatch(p) for p in parts):
            return parts
    names = _PLACE_RE.findall(squeezed)
    if names and "".join(names) == squeezed:
        return names
    return []


# --- the indicator rows -------------------------------------------------------------------------------


def _join_pieces(parts: Sequence[tuple[str, str]]) -> str:
    """Join a cell's pieces: the pieces of one printed cell with their space unless both sides are Chinese."""
    if len(parts) == 1:
        return parts[0][0]
    out = ""
    for text, how in parts:
        if not out:
            out = text
        elif how == "piece":
            out += text if is_wide(out[-1]) and is_wide(text[0]) else " " + text
        else:
            out = join_text([out, text])
    return out


def _indicator_records(rows: Sequence[Row], schema: Sequence[Column], pid: str, src: str, rec: dict,
                       header, ends_file: bool = False) -> tuple[list[dict], set[int], list]:
    """Records of the aligned rows: level labels carried down, values composed, areas spread.

    Where the file ends with the section (``ends_file``) on a value whose end was not printed (cut out of a
    flattened line), the row may go on past the cut: it is reported, not read.
    """
    out: list[dict] = []
    used: set[int] = set()
    reports: list = []
    levels_seen: set[str | None] = set()
    level1 = (None, None)
    level2 = (None, None)
    printed_at: dict[str, list[tuple[float, tuple[str, str]]]] = {"level1": [], "level2": []}
    row_lines: list[tuple[int, int]] = []  # the lines of each indicator row
    row_of: list[int] = []  # the indicator row of each record
    halves = False  # cells printed in halves around their row: merged cells sit at the middle of their block
    roles = [c.role for c in schema]
    for row in rows:
        row_of += [len(row_lines) - 1] * (len(out) - len(row_of))  # the records of the row before
        cells: dict[int, list[tuple[str, str]]] = {}
        toks_of: dict[int, list[Tok]] = {}
        joins: list[str] = []
        for unit, col, how in row.units:
            cells.setdefault(col, []).append((unit.text, how))
            toks_of.setdefault(col, []).append(unit.tok)
            if how in ("lexical", "width", "guess"):
                joins.append(how)
        text = {col: t for col, parts in cells.items() if (t := _join_pieces(parts))}
        by_role: dict[str, str] = {}
        for col, t in text.items():
            role = roles[col]
            if role == "area_value":
                continue
            by_role[role] = t if role not in by_role else by_role[role] + t
        # level labels carried down
        for role in ("level1", "level2"):
            if role in by_role and by_role[role]:
                printed = by_role[role]
                m = lookup(printed)
                term = (m.role(role) or m.role("level1", "level2")) if m is not None else None
                canonical = term.field if term is not None else printed
                label_toks = [t for c, ts in toks_of.items() if roles[c] == role for t in ts]
                centre = (min([t.line for t in label_toks]) + max([t.last_line for t in label_toks])) / 2
                printed_at[role].append((centre, (canonical, printed)))
                if role == "level1":
                    # the same label printed again mid-block keeps the level 2
                    if canonical != level1[0] or not rules.enabled("levels.same-label-keeps-level2"):
                        level2 = (None, None)
                    level1 = (canonical, printed)
                else:
                    level2 = (canonical, printed)
                    level1 = (_regrouped(level1[0], term), level1[1])
        all_toks = [t for ts in toks_of.values() for t in ts]
        used.update(map(id, all_toks))
        if not halves:
            halves = any(HALVES_REASON in c.reasons for t in all_toks for c in t.cells)
        name = by_role.get("indicator")
        if not name:  # a row of labels only, or of cells beside no annual name (a long-term side alone)
            _report_cells([t for c, ts in toks_of.items() if roles[c] not in ("section", "level1", "level2")
                           for t in ts if t.text], NO_ANNUAL_NAME, pid, reports, used)
            continue
        row_toks = [t for c, ts in toks_of.items() if roles[c] not in ("level1", "level2") for t in ts]
        row_lines.append((min([t.line for t in row_toks]), max([t.last_line for t in row_toks])))
        levels_seen.add(level1[0])
        if is_placeholder(name):
            for t in all_toks:
                reports.append((t, "template placeholder row (level-3 name left unfilled)", pid))
                used.discard(id(t))
            continue
        areas = [(schema[c].area, text[c]) for c in sorted(text) if roles[c] == "area_value"]
        values = _compose(by_role, [c.role for c in schema])
        value = values.get("value")
        if value is not None and (is_placeholder(value) or _COMPARATOR_ONLY_RE.match(value)):
            value = None  # left unfilled, or cut after its comparator
        ind_toks = toks_of.get(next(c for c in text if roles[c] == "indicator"), [])
        first_tok = ind_toks[0] if ind_toks else all_toks[0]
        last_line = max([t.last_line for t in all_toks if t.text] or [t.last_line for t in all_toks])
        reasons: list[str] = []
        confidence = "high"
        if "lexical" in joins:
            confidence = "medium"
        if "width" in joins or "guess" in joins:
            confidence = "low"
            reasons.append("wrapped line joined by the width of the line above")
        if ambiguous(row, schema):
            confidence = "low"
            reasons.append("cells could stand in other columns (blank cells print nothing)")
        if any(t.inferred for t in all_toks):
            confidence = _lowest(confidence, "medium")
            reasons.append("cell boundary inferred from the vocabulary")
        cell_reasons = [r for t in all_toks for c in t.cells for r in c.reasons]
        if cell_reasons:
            reasons.extend(cell_reasons)
            if OCR_REASON in cell_reasons or WORD_VALUE_CUT in cell_reasons or BESIDE_GUESS in cell_reasons:
                confidence = "low"
            else:
                confidence = _lowest(confidence, "medium")  # a cell the segmenter had to put together
        for lv in (level1, level2):
            m = lookup(lv[1]) if lv[1] else None
            if m is not None and m.reasons:
                reasons.extend(m.reasons)
        if "lexical" in joins:
            reasons.append("wrapped line joined by a lexical rule")
        base = {
            "level1": level1[0], "level2": level2[0], "level1_printed": level1[1], "level2_printed": level2[1],
            "indicator": name,
            "line_start": first_tok.line, "line_end": last_line, "page_start": first_tok.page,
            "page_end": all_toks[-1].page, "address": first_tok.cell.address,
            **{k: v for k, v in values.items() if k != "value"},
        }
        if areas and not value:
            spread = _spread_areas(areas, [c for c in schema if c.role == "area_value"],
                                   values.get("nature") or comparator_of(by_role), "direction" in roles)
            for area, v in spread:
                row_rec = dict(base, value=v, area=area, confidence=_lowest(confidence, "medium" if len(areas) == 1
                                                                              else None),
                               confidence_reasons="; ".join(dict.fromkeys(reasons)) or None)
                out.append(row_rec)
            continue
        if not value:
            printed_value = values.get("value")
            reason = ("template placeholder text in the value" if printed_value and is_placeholder(printed_value)
                      else "level-3 indicator without a value")
            _report_cells(all_toks, reason, pid, reports, used)
            continue
        if ends_file and row is rows[-1] and _cut_by_file_end(row.units[-1][0].tok, rows) \
                and roles[row.units[-1][1]] in ("value", "area_value") \
                        and rules.enabled("rows.cut-at-file-end"):  # (a cell after the value closed it)
            _report_cells(all_toks, CUT_AT_FILE_END, pid, reports, used)
            continue
        out.append(dict(base, value=value, confidence=confidence,
                        confidence_reasons="; ".join(dict.fromkeys(reasons)) or None))
    row_of += [len(row_lines) - 1] * (len(out) - len(row_of))
    _centre_levels(out, row_of, row_lines, printed_at, halves)
    _backfill_level1(out)
    header.levels_seen = levels_seen
    return out, used, reports


def _report_cells(toks: Sequence[Tok], reason: str, pid: str, reports: list, used: set[int]) -> None:
    """Report the cells of a row that is not read (its level labels stand for the rows below them)."""
    for t in toks:
        if t.role("level1", "level2", "section") is None:
            reports.append((t, reason, pid))
            used.discard(id(t))


#: Why a row's cell is reported: the row has no level-3 name of its own (annual) column.
NO_ANNUAL_NAME = "cell of a row without a level-3 indicator name"


#: Why a row's level label is not the one printed above it.
CENTRED_REASON = "level label read as printed at the middle of its block"


def _centre_levels(records: list[dict], row_of: Sequence[int], row_lines: Sequence[tuple[int, int]],
                   printed_at: dict[str, list[tuple[float, tuple[str, str]]]], halves: bool = True) -> None:
    """Give each row the level label of the block it is in, where labels are printed at their block's middle.

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
    n = len(row_lines)
    reach = list(itertools.accumulate((last for _, last in row_lines), max))  # once, for a search per label
    middles_of = {role: [_row_position(centre, row_lines, reach) for centre, _ in labels]
                  for role, labels in printed_at.items() if labels and n}
    blocks_of = {role: _blocks_down(middles, n) or _blocks_up(middles, n) for role, middles in middles_of.items()}
    # a level shows it by itself: labels that are not on the first row of a block each, or between rows
    shows = {role for role, middles in middles_of.items() if middles[0] > 0 or any(m != int(m) for m in middles)}
    centred = halves or any(blocks_of[role] is not None for role in shows)
    moved: set[int] = set()  # the records given another label
    for role, blocks in blocks_of.items():
        if blocks is None or not centred or not rules.enabled("levels.centred-blocks"):
            continue
        labels = printed_at[role]
        label_of = {k: labels[b][1] for b, (start, end) in enumerate(blocks) for k in range(start, end + 1)}
        for i, (rec, k) in enumerate(zip(records, row_of, strict=True)):
            if k in label_of and (rec.get(role), rec.get(f"{role}_printed")) != label_of[k]:
                rec[role], rec[f"{role}_printed"] = label_of[k]
                reasons = [r for r in (rec.get("confidence_reasons") or "").split("; ") if r]
                rec["confidence_reasons"] = "; ".join(dict.fromkeys([*reasons, CENTRED_REASON]))
                rec["confidence"] = _lowest(rec.get("confidence") or "high", "medium")
                moved.add(i)
    for rec in (records[i] for i in sorted(moved)):
        if rec.get("level2_printed"):
            m = lookup(rec["level2_printed"])
            rec["level1"] = _regrouped(rec.get("level1"), m.role("level2", "level1") if m is not None else None)


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

    A merged level-1 cell printed in the middle row of its block (PDF and web text
    do this) leaves the rows above it without a level 1.
    """
    first = next((r for r in rows if r.get("level1_printed")), None)
    if first is None:
        return
    from budgetkit.vocab.vocabulary import lookup as _lookup

    for r in rows:
        if r is first or r.get("level1_printed"):
            break
        parent = None
        if r.get("level2_printed"):
            m = _lookup(r["level2_printed"])
            term = m.role("level2") if m is not None else None
            parent = term.parent if term is not None else None
        if parent == first["level1"] and rules.enabled("levels.backfill-level1"):
            r["level1"], r["level1_printed"] = first["level1"], first["level1_printed"]


def _regrouped(level1: str | None, level2_term) -> str | None:
    """The level 1 of a row: its level-2 term's parent where that names a level 1, else ``level1``.

    服务对象满意度 printed under 效益指标 belongs to 满意度指标.
    """
    if level2_term is not None and level2_term.parent and level1 != level2_term.parent \
            and _is_level1(level2_term.parent) and rules.enabled("levels.regroup-by-parent"):
        return level2_term.parent
    return level1


def _is_level1(canonical: str) -> bool:
    from budgetkit.vocab.vocabulary import terms

    return any(t.role == "level1" and t.field == canonical for ts in terms().values() for t in ts)


def _compose(by_role: dict[str, str], order: Sequence[str] = ()) -> dict[str, str]:
    """Values as the reader sees them: comparator, number, unit (a unit already there is not doubled).

    ``order`` (the row's column roles, left to right) says which values a unit cell joins (see
    :func:`budgetkit.recognise.selfeval.unit_joins`); a comparator printed under 指标方向 opens the target.
    """
    out = {k: v for k, v in by_role.items() if k not in ("level1", "level2", "indicator", "section", "level2_lt")}
    nature = out.get("nature")
    unit = out.pop("measure_unit", None)
    joins = unit_joins(order) if order else frozenset(("value", "value_long_term", "value_actual"))
    for key in ("value", "value_long_term", "value_actual"):
        v = out.get(key)
        if not v:
            continue
        if key == "value_actual":  # what happened has no comparator: 指标性质 is the target's
            pass
        elif nature and _COMPARATOR_ONLY_RE.match(nature) and not v.startswith(_COMPARATORS) \
                and rules.enabled("value.compose-comparator-cell"):
            v = nature + v
        elif key == "value" and (word := comparator_of(by_role)) and not v.startswith(_COMPARATORS) \
                and rules.enabled("value.compose-direction-word"):
            v = word + v
        if unit and key in joins and v[-1].isdigit() and not v.endswith(unit) \
                and rules.enabled("value.compose-unit-cell"):
            v = v + unit
        out[key] = v
    if unit:
        out["measure_unit"] = unit
    if "indicator_lt" in out:
        out["indicator_long_term"] = out.pop("indicator_lt")
    return out


def _spread_areas(areas: list[tuple[str | None, str]], columns: Sequence[Column], nature: str | None,
                  direction: bool = False) -> list[tuple[str, str]]:
    """One value per area: as printed under each area column, or cut from values run together.

    A comparator printed once for all areas (in a 指标方向 column, or glued to the first area's target where the
    section has that column: ``≤100%100%``, ``≥11``) opens every area's target.

    Examples:
        >>> cols = [Column("area_value", a, 0, a) for a in ("笏石街道办", "埭头镇")]
        >>> _spread_areas([("笏石街道办", "≤100%"), ("埭头镇", "100%")], cols, None, direction=True)
        [('笏石街道办', '≤100%'), ('埭头镇', '≤100%')]
        >>> _spread_areas([("笏石街道办", "≥11")], cols, None, direction=True)
        [('笏石街道办', '≥1'), ('埭头镇', '≥1')]
    """
    printed = [v for _, v in areas if v]
    glued = next((c for c in sorted(_COMPARATORS, key=len, reverse=True) if printed and printed[0].startswith(c)),
                 None)
    if direction and not nature and glued and len(printed) < len(columns) + 1 and not any(
            v.startswith(_COMPARATORS) for v in printed[1:]):
        nature = glued
        first = next(k for k, (_, v) in enumerate(areas) if v)
        areas = [(a, v[len(glued) :] if k == first else v) for k, (a, v) in enumerate(areas)]
    names = [c.area for c in columns]
    printed = [v for _, v in areas if v]
    if len(printed) == len(names):
        pairs = list(zip(names, printed, strict=True))
    else:
        joined = "".join(printed)
        found = _VALUE_TOKEN_RE.findall(joined)
        if len(found) == len(names) and "".join(found) == joined and rules.enabled("areas.cut-run-together"):
            pairs = list(zip(names, found, strict=True))
        elif joined.isdigit() and len(joined) == len(names) and rules.enabled("areas.one-digit-each"):
            pairs = list(zip(names, list(joined), strict=True))  # one digit per area, run together
        else:
            return [(a or "", v) for a, v in areas if v]
    out = []
    for name, v in pairs:
        if nature and _COMPARATOR_ONLY_RE.match(nature) and not v.startswith(_COMPARATORS):
            v = nature + v
        out.append((name or "", v))
    return out


__all__ += ["join_text", "PIECE", "YEAR_RE"]
