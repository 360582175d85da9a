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
from functools import cache
from pathlib import Path

from budgetkit.model import rules
from budgetkit.model.cells import Document
from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import is_wide
from budgetkit.recognise.align import STANDARDS, VALUE_TYPES, Column, Row, align_section, make_schema
from budgetkit.recognise.choices import choice_tail, restated_cut
from budgetkit.recognise.columns import _annual_rows, _opens_long_term, read_columns
from budgetkit.recognise.compose import _NUMBER_TARGET, _VALUE_TOKEN_RE
from budgetkit.recognise.entry_rows import apply_entries, take_entry_rows
from budgetkit.recognise.header import MONEY_FIELDS, name_after_title, read_header
from budgetkit.recognise.levels import _regrouped
from budgetkit.recognise.notice_name import name_from_notice, opens_with_column_head
from budgetkit.recognise.records import indicator_records
from budgetkit.recognise.regions import YEAR_RE, find_tables, is_name_label, is_section_start
from budgetkit.recognise.serialized import rebuild as rebuild_serialized
from budgetkit.recognise.spanning_rows import split_spanning_rows
from budgetkit.recognise.tiers import stacked_levels
from budgetkit.segment.tokens import (
    BLANK,
    EXPLANATION_CUTS,
    LINE,
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
from budgetkit.vocab.values import is_measurable, load_units, parse_indicator_value
from budgetkit.vocab.vocabulary import find_terms, is_prefix, lookup, match_key, scan, simplified, traditional

__all__ = ["Recognised", "read_columns", "recognise"]

logger = logging.getLogger(__name__)

#: Terms that structure a document, cut out of cells that run them together before tables are found.
STRUCTURE_ROLES = ("title", "column", "section", "level1", "level2", "goal", "field:project", "field:department",
                   "list")
#: Terms read in a header.
HEADER_ROLES = ("title", "unit_label", "field", "extra", "block", "subtable", "row", "goal", "column", "section")
#: Terms read in an indicator section.
SECTION_ROLES = ("level1", "level2", "section")
#: A cell this long holding this many structural terms is a page flattened to one line.
_RUN_TOGETHER = (80, 3)

_LEVEL_TEXT = ("level1", "level2")
#: What ends a table: text of a signature block or of the site around the page.
_END_ROLES = ("boilerplate", "furniture")
#: Why a block of :data:`_END_ROLES` other than a signature is no part of a table.
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
                                       key=lambda t: len(t.text) >= _RUN_TOGETHER[0]):
        out.extend(cut(list(run), STRUCTURE_ROLES, run_together=long, min_run=_RUN_TOGETHER[1]))
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
        project, rows, extras, trailing = _read_table(toks[region.start : region.end], pid, src, used,
                                                       reported, carry_year, year,
                                                       last=k == len(regions), list_scale=list_scale,
                                                       notice_name=notice)
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
    term = scan(tok.text, *_END_ROLES)
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


def _read_table(toks: Sequence[Tok], pid: str, src: str, used: set[int], reported: list,
                carry_year: int | None, folder_year: int | None, last: bool,
                list_scale: list | None = None, notice_name: str | None = None) -> tuple[dict, list, list, list]:
    first = next((i for i, t in enumerate(toks) if is_section_start(t)), len(toks))
    head = assemble_labels(split_wrapped_tails(_cut_header(toks[:first])))
    entry = any(t.heading for t in head[:6]) and not any(
        t.role("field") is not None and t.role("field").field == "project" for t in head)
    header = read_header(head, entry=entry)
    rec = header.record
    used.update(header.used)
    if rec.get("project") and opens_with_column_head(rec["project"]):
        # the name label heads a list's column (…项目名称 | 分配金额(万元) | rows): what follows it is no name
        for tok in head:
            if tok.text and id(tok) in header.used and rec["project"].startswith(tok.text):
                used.discard(id(tok))
                reported.append((tok, COLUMN_HEAD_NOT_NAME, pid))
        rec["project"] = None
    if not (rec.get("project") or "").strip() and notice_name:
        rec["project"] = notice_name
        logger.info("%s: table %s takes its name from the notice above it: %s", src, pid, notice_name)
    for tok, reason in header.leftovers:
        reported.append((tok, reason, pid))
    # a signature block glued to the last row of a flattened page stands apart; the table ends at the first line
    # of a signature block or of the site around it
    body, signed = _cut_signature(list(toks[first:]))
    end = _rows_end(body)
    trailing = body[end:] + signed
    body = body[:end]
    if trailing and trailing[0].role("title") is not None and trailing[0].inferred and body \
            and body[-1].inferred and rules.enabled("table.title-glued-to-target"):
        # the title's first words glued to the last target (…=99百分比省级部门…)
        at = [m.end() for m in _target_run_re().finditer(body[-1].text) if any(ch.isdigit() for ch in m.group(0))]
        if at and at[-1] < len(body[-1].text):
            last = body.pop()
            body.append(replace(last, text=last.text[: at[-1]]))
            trailing.insert(0, Tok(last.text[at[-1] :], last.cells, PIECE, inferred=True))
    before = next((t for t in reversed(toks[:first]) if t.text), None)
    columns, body, printed = read_columns(body, header.areas, used)
    named = (rec.get("project") or "").strip()
    if (not named or named == name_after_title(rec.get("table_title") or "")) \
            and any(is_name_label(t) == "project" for t in head):
        # the name label heads a column (单位(专项)名称): the rows under it name the unit and the project; a
        # name read from the title's tail (…绩效目标表公开) gives way to theirs
        entries, body = take_entry_rows(body)
        if entries:
            rec["project"] = ""
        apply_entries(entries, rec, header.scale)
        used.update(id(e.tok) for e in entries)
    if (serial := rebuild_serialized(columns, body)) is not None:  # columns printed one after another
        columns, body = serial.columns, serial.body
        reported.extend((tok, reason, pid) for tok, reason in serial.reported)
    two_labels = "level2" not in [c for c, _, _ in columns]
    body = _annual_rows(body, [c for c, _, _ in columns], before is not None and _opens_long_term(before),
                        used, reported, pid)
    body = assemble_labels(cut(body, SECTION_ROLES, run_together=True, min_run=2), SECTION_ROLES)
    roles = {c for c, _, _ in columns}
    if "value_type" in roles and roles & {"explanation", "standard"}:
        body = split_spanning_rows(body)  # a row a line, its cells run together up to its 定量/定性
    body = split_run_together_rows(body, sum(1 for c, _, _ in columns if c == "area_value"),
                                   standards=any(c == "standard" for c, _, _ in columns),
                                   units=any(c == "measure_unit" for c, _, _ in columns),
                                   value_types=any(c == "value_type" for c, _, _ in columns),
                                   directions=any(c == "direction" for c, _, _ in columns),
                                   explanations=any(c == "explanation" for c, _, _ in columns),
                                   weights=any(c == "score" for c, _, _ in columns))
    body = split_enumerated_rows(body, as_printed=any(c == "value_actual" for c, _, _ in columns))
    if entry:  # a list row's targets end with its last numbered row; the list goes on after it
        last = max((i for i, t in enumerate(body) if _ENUMERATED_RE.match(t.text) or t.text.startswith("指标")),
                   default=None)
        if last is not None and rules.enabled("table.list-ends-at-last-numbered"):
            end_at = next((i for i in range(last + 1, len(body)) if body[i].gap != PIECE), len(body))
            trailing = body[end_at:] + trailing
            body = body[:end_at]
    if not any(c == "explanation" for c, _, _ in columns) and any(
            EXPLANATION_CUT in t.cell.reasons for t in body if t.gap == SAME) \
                    and rules.enabled("columns.explanation-column"):
        # explanations cut off the rows where the header prints no column for them (or no header)
        at = next(i for i, (c, _, _) in enumerate(columns) if c == "indicator") + 1
        columns = [*columns[:at], ("explanation", "", None), *columns[at:]]
    schema = make_schema([c for c, _, _ in columns], [p for _, p, _ in columns], [a for _, _, a in columns])
    ends_file = last and not trailing
    if ends_file and len(body) > 1 and _cut_label(body[-1]) and rules.enabled("table.cut-label-at-file-end"):
        # a flattened page cut inside a label (…90%时 for 时效指标): the fragment closes the row before it
        reported.append((body[-1], CUT_LABEL_AT_FILE_END, pid))
        body, ends_file = body[:-1], False
    if two_labels:  # 指标类型 | 指标名称: a level-2 word stands in the name column, as the name
        body = [replace(t, match=None) if t.role("level2") is not None and t.role("level1") is None else t
                for t in body]
    rows = stacked_levels(align_section(body, schema), schema)
    indicators, row_used, row_reports = _indicator_records(rows, schema, pid, src, rec, header,
                                                           ends_file=ends_file)
    used.update(row_used)
    reported.extend(row_reports)
    if two_labels:
        for row in indicators:
            term = lookup(row.get("indicator") or "")
            term = term.role("level2") if term is not None else None
            if term is not None and not row.get("level2"):
                row.update(level2=term.field, level2_printed=row["indicator"],
                           level1=_regrouped(row.get("level1"), term))
    for tok in trailing:
        reported.append((tok, _outside_reason(tok).replace("outside any table", "after the table"), pid))
    nonblank = [t for t in toks if t.text]
    year = rec.get("year") or carry_year
    if folder_year is not None and year is not None and year != folder_year:
        logger.warning("%s: table %s prints year %s, not %s (its folder); the printed year is kept",
                       src, pid, year, folder_year)
    last_tok = next((t for t in reversed(body) if t.text), nonblank[-1])  # an empty cell is no provenance
    project = {
        "project_id": pid,
        "year": year,
        "source_file": src,
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
        project.update(_list_amount(project.pop("list_amount"), indicators,
                                    list_scale if list_scale is not None else []))
    _finish_amounts(project)
    _split_attribute(project)
    status, reason = "complete", None
    if not indicators:
        status, reason = "partial", "the table has no indicator row with a value"
    elif last and row_reports and any(r[1] in ("level-3 indicator without a value", CUT_AT_FILE_END)
                                      for r in row_reports[-1:]):
        status, reason = "partial", f"the file ends at line {row_reports[-1][0].line}, on an indicator without a value"
    elif last and not trailing and "满意度指标" not in getattr(header, "levels_seen", set()):
        status, reason = "partial", f"the file ends at line {last_tok.last_line}, before any 满意度指标 row"
    project["status"], project["status_reason"] = status, reason
    for row in indicators:
        row.update(project_id=pid, project=project.get("project"),
                   implementing_unit=project.get("implementing_unit"), source_file=src)
        if not (project.get("project") or "").strip() \
                and rules.enabled("name.empty-flagged"):  # never a silent blank: the row says its name is missing
            reasons = [r for r in (row.get("confidence_reasons") or "").split("; ") if r]
            row.update(confidence="low", confidence_reasons="; ".join(dict.fromkeys([*reasons, EMPTY_NAME_REASON])))
    extras = [{"project_id": pid, "source_file": src, "label": e["label"], "field": e["field"] or None,
               "value": e["value"], "line": e["tok"].line if e["tok"] is not None else None,
               "page": e["tok"].page if e["tok"] is not None else None,
               "address": e["tok"].cell.address if e["tok"] is not None else None} for e in header.extras]
    return project, indicators, extras, trailing


#: Blank lines that part a page from the next: a longer break than any between the rows of a table.
_PAGE_BREAK_LINES = 2


def _rows_end(body: Sequence[Tok]) -> int:
    """Where a table's rows end: at a signature block, a note, an attachment line, the site or the next title.

    The next table's title stands for the rest of a table cut before its rows; a note is 注:…, an attachment
    line 附件:….

    A covering notice of the next document (its title and paragraphs) printed before the attachment line is set
    apart with it, back to the page break (two blank lines or more) after the last level label.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, line):
        ...     return Tok(text, (Cell(text, line),), 3, match=lookup(text))
        >>> body = [tok("满意度指标", 1), tok("服务对象满意度", 2), tok("学员满意度", 3), tok("≥90%", 4),
        ...         tok("某单位2025年部门预算绩效目标", 8), tok("根据有关要求,现予以公开。", 10),
        ...         tok("附件:2025年绩效目标表", 12)]
        >>> [t.text for t in body[_rows_end(body):]]
        ['某单位2025年部门预算绩效目标', '根据有关要求,现予以公开。', '附件:2025年绩效目标表']
    """
    end = next((i for i, t in enumerate(body) if i > 0 and t.role("level1", "level2", "column") is None
                and (scan(t.text, *_END_ROLES) is not None or t.role("title") is not None)), len(body))
    if end < len(body) and not rules.enabled("table.end-at-boilerplate"):
        end = len(body)
    end = min(end, _form_question(body))
    if end == len(body) or getattr(scan(body[end].text, "boilerplate"), "field", None) != "attachment":
        return end
    last_label = max((i for i, t in enumerate(body[:end]) if t.role(*_LEVEL_TEXT) is not None), default=0)
    breaks = [i for i in range(last_label + 2, end)
              if body[i].gap >= BLANK and body[i].line - body[i - 1].last_line > _PAGE_BREAK_LINES]
    return breaks[0] if breaks and rules.enabled("table.end-notice-at-page-break") else end


#: Boxes a form question prints at least (``优秀□ 良好□ 合格□``): no target prints so many.
_FORM_OPTIONS = 3


def _form_question(body: Sequence[Tok]) -> int:
    """Where a form question after the rows starts (``最近年度绩效评价情况 | 优秀□ 良好□ 合格□ …``), else the end.

    A cell of tick-box options is a question of the form the table sits in, not a target: its row (the label
    printed before it on its line) and what follows are no part of the indicator rows.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, line, gap):
        ...     return Tok(text, (Cell(text, line),), gap, match=lookup(text))
        >>> body = [tok("满意度指标", 1, 2), tok("满意率", 1, 1), tok("≥95%", 1, 1), tok("最近年度绩效评价情况", 2, 2),
        ...         tok("优秀□ 良好□ 合格□ 不合格□", 2, 1)]
        >>> _form_question(body)
        3
        >>> _form_question(body[:3] + [tok("是否定量 ☑是 □否", 2, 2)])
        4
    """
    at = next((i for i, t in enumerate(body) if i > 0 and t.match is None
               and len(_OPTION_RE.findall(t.text)) >= _FORM_OPTIONS), None)
    if at is None:
        return len(body)
    if body[at].whole_line and body[at - 1].whole_line and body[at - 1].match is None:
        return at - 1  # one cell a line: the question is the cell before its options
    while at > 0 and body[at].gap in (PIECE, SAME) and body[at - 1].match is None \
            and body[at - 1].line == body[at].line:
        at -= 1
    return at


def _cut_signature(body: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """The section's tokens and a signature block glued to its last row on a flattened page (``…≥90%填报人:``).

    The block starts at its label, or, where only a word inside it is known (``盖章``), after the last target
    before that word.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> toks = [Tok("师生满意度≥90%填报人:张三", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in _cut_signature(toks)]
        [['师生满意度≥90%'], ['填报人:张三']]
        >>> toks = [Tok("学员满意度≥95%财政资金管理科室(盖章) 年 月 日", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in _cut_signature(toks)]
        [['学员满意度≥95%'], ['财政资金管理科室(盖章) 年 月 日']]
        >>> toks = [Tok("满意度%=99百分比省级部门预算项目支出绩效目标表2023年度", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in _cut_signature(toks)]
        [['满意度%=99百分比'], ['省级部门预算项目支出绩效目标表2023年度']]
        >>> toks = [Tok("师生满意度≥90%注:本表由项目单位填报", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in _cut_signature(toks)]
        [['师生满意度≥90%'], ['注:本表由项目单位填报']]
    """
    for i, tok in enumerate(body):
        if not tok.inferred or tok.match is not None:
            continue
        found = [f for f in find_terms(tok.text, _GLUED_ENDS) if f.start > 0]
        labels = [f.start for f in found if f.end - f.start >= 3 and f.match.term.field == "signature"
                  or f.match.term.field != "signature" and _after_target(tok.text[: f.start])]
        words = [f.start for f in found if f.match.term.match == "contains"
                 and (f.end - f.start < 3 or f.match.term.role == "title")]
        if labels:
            at = min(labels)
        elif words:
            ends = [m.end() for m in _target_run_re().finditer(tok.text, 0, min(words))
                    if m.group(0) and any(ch.isdigit() for ch in m.group(0))]
            at = ends[-1] if ends else None
        else:
            at = None
        if at and rules.enabled("table.end-at-signature"):
            rest = tok.text[at:]
            return ([*body[:i], replace(tok, text=tok.text[:at])],
                    [Tok(rest, tok.cells, LINE, inferred=True, match=lookup(rest)), *body[i + 1 :]])
    return body, []


#: Blocks that may be glued to the last row of a flattened page: signature, note (注:), attachment (附件:), the
#: next table's title.
_GLUED_ENDS = ("boilerplate:signature", "boilerplate:note", "boilerplate:attachment", "title")


def _after_target(text: str) -> bool:
    """Whether ``text`` ends with a target (``≥90%``, ``100篇``, ``持续改善``): a note glued there starts after it.

    Examples:
        >>> [_after_target(t) for t in ("师生满意度≥90%", "办学条件持续改善", "办学条件")]
        [True, True, False]
    """
    return any(m.end() == len(text) and any(ch.isdigit() for ch in m.group(0))
               for m in _target_run_re().finditer(text)) or _word_value_tail(text) is not None


def _cut_header(toks: Sequence[Tok]) -> list[Tok]:
    """Cut header cells at the labels inside them; the text of a goal stays whole.

    After a goal label, cells are goal text up to one that starts with a label
    (a goal narrative mentions 资金总额 or 单位 without being cut there).
    """
    out: list[Tok] = []
    in_goal = False
    for tok in toks:
        if not in_goal and (pair := _amount_line(tok)):  # ((一)财政拨款小计 6.30: a source and its amount)
            out.extend(pair)
            continue
        if in_goal and tok.match is None:
            found = find_terms(tok.text, HEADER_ROLES)
            if not found or found[0].start > 0:
                out.append(tok)
                continue
        pieces = cut([tok], HEADER_ROLES, run_together=True, min_run=2)
        out.extend(pieces)
        last_label = next((p for p in reversed(pieces) if p.match is not None), None)
        in_goal = last_label is not None and last_label.role("goal") is not None or (
            in_goal and last_label is None)
    return out


_AMOUNT_LINE_RE = re.compile(r"^(?P<label>\S+)\s+(?P<amount>\d+(?:\.\d+)?)$")


def _amount_line(tok: Tok) -> list[Tok]:
    """A money label and its amount printed in one cell, one space apart (a line of a list of sources), as two.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> [(t.text, t.match.term.field if t.match else None)
        ...  for t in _amount_line(Tok("其他资金 0.00", (Cell("其他资金 0.00", 1),), 2))]
        [('其他资金', 'other'), ('0.00', None)]
        >>> _amount_line(Tok("职工人数 120", (Cell("", 1),), 2))
        []
    """
    m = _AMOUNT_LINE_RE.match(tok.text) if tok.match is None else None
    label = lookup(m["label"]) if m else None
    term = label.role("field") if label is not None else None
    if term is None or term.field not in MONEY_FIELDS:
        return []
    return [Tok(m["label"], tok.cells, tok.gap, match=label), Tok(m["amount"], tok.cells, SAME)]


#: A run of targets printed together: ``2312222``, ``>=95%>=95%``, ``≥3个``.
@cache
def _target_run_re() -> re.Pattern:
    """A run of targets printed together (``>=95%>=95%``, ``2312222``, ``200户``).

    Numbers, each with a comparator and a unit of ``metadata/units.csv`` (longest first) where printed.
    """
    spelt = set(load_units()) | {traditional(u) for u in load_units()}  # (萬元, 戶 on pages in traditional script)
    units = "|".join(re.escape(u) for u in sorted(spelt, key=len, reverse=True))
    # not from inside a number, nor at a date's year (2023年12月底前 is one deadline)
    dated = r"\d{4}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?"  # a period given by dates (2023.07-2024.01) is one target
    return re.compile(rf"(?<!\d)(?:{dated}(?:-|—|~|至){dated}|(?!\d{{4}}年)(?:{_NUMBER_TARGET}(?:{units})?)+)")
@cache
def _one_target_re() -> re.Pattern:
    """One target of a run (:func:`_target_run_re`): a number with its comparator and unit where printed.

    Examples:
        >>> _one_target_re().findall("=300天300天"), _one_target_re().findall(">=95%>=95%")
        (['=300天', '300天'], ['>=95%', '>=95%'])
    """
    spelt = set(load_units()) | {traditional(u) for u in load_units()}
    units = "|".join(re.escape(u) for u in sorted(spelt, key=len, reverse=True))
    return re.compile(rf"{_NUMBER_TARGET}(?:{units})?")


#: What follows a number inside a name's sentence: at most one character, then a comma (…2026年12月底,项目…).
_IN_SENTENCE_RE = re.compile(r"\D?,")


def _target_runs(text: str) -> list[re.Match]:
    """The target runs of ``text`` (:func:`_target_run_re`), but a date or number inside a name's sentence.

    Examples:
        >>> [m.group(0) for m in _target_runs("截至2026年12月底,项目开展率(%)反映修复开展情况≥100%100%")]
        ['≥100%100%']
        >>> [m.group(0) for m in _target_runs("项目完成时限2025年12月质量指标")]
        ['12月']
    """
    return [m for m in _target_run_re().finditer(text) if not _IN_SENTENCE_RE.match(text, m.end())]


#: A target with its unit and, glued to it, bare numbers of the row's other columns (=100%60: a weight).
_TARGET_THEN_NUMBERS_RE = re.compile(rf"(?P<target>{_NUMBER_TARGET}%)(?P<rest>\d+(?:\.\d+)?)")
@cache
def _target_then_weight_re() -> re.Pattern:
    """A target with its unit, its row's weight glued after it (``≥280亿元30%``: 权重 30%)."""
    spelt = set(load_units()) | {traditional(u) for u in load_units()}
    units = "|".join(re.escape(u) for u in sorted(spelt, key=len, reverse=True))
    return re.compile(rf"(?P<target>{_NUMBER_TARGET}(?:{units}))(?P<rest>\d+(?:\.\d+)?%)")


#: A 绩效标准 word inside a run-together row, kept as a piece of its own.
_STANDARD_CUT_RE = re.compile("(" + "|".join(STANDARDS) + ")")
#: Where an indicator's explanation (指标解释) starts inside a run-together row.
_EXPLANATION_START_RE = re.compile("|".join(EXPLANATION_CUTS))


def split_run_together_rows(toks: Sequence[Tok], areas: int = 0, standards: bool = False,
                            units: bool = False, value_types: bool = False, directions: bool = False,
                            explanations: bool = False, weights: bool = False) -> list[Tok]:
    """Cut the rows of a flattened page: a name, its explanation and its targets run together.

    Only tokens already cut out of a flattened line (``inferred``) are split: at
    each run of targets (``…数量情况2312222``, ``>=95%>=95%…``) and before an
    explanation's opening word (``反映…``). Where the section has ``areas`` target
    columns, a run of exactly that many targets is cut into one per area; where it has a
    绩效标准 column (``standards``), at its words (``≥80M计划标准雾炮车…``), which end a row; where it
    has a 单位 column (``units``), before a percent sign between a name and its target; where it has a
    指标值类型 column (``value_types``), at its words between a name and its target (``…金额定量28.8万元``);
    where it has a 指标方向 column (``directions``) and area columns, before a choice direction and its answers
    (``…质量问题是/否否否``, :func:`~budgetkit.recognise.choices.choice_tail`); where it has an explanation
    column (``explanations``), before an explanation that restates the name's closing words.
    Where it has a 权重 column (``weights``), before a percent glued to a target with its unit (``≥280亿元30%``).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> t = Tok("项目资金使用合规性反映项目资金使用合规情况>=95%>=95%项目完成率", (Cell("", 1),), 0, inferred=True)
        >>> [p.text for p in split_run_together_rows([t])]
        ['项目资金使用合规性', '反映项目资金使用合规情况', '>=95%>=95%', '项目完成率']
    """
    out: list[Tok] = []
    # a page flattened one row a line: the lines the vocabulary cut nothing from (no level label opens them) are
    # rows run together as well
    flattened = sum(t.inferred for t in toks) >= 2 and not any(t.gap == SAME for t in toks) \
        and rules.enabled("run-together.row-a-line")
    for tok in toks:
        text = tok.text
        if not (tok.inferred or flattened and tok.gap >= LINE) or tok.match is not None or " " in text \
                or len(text) < 8:
            out.append(tok)
            continue
        chosen = choice_tail(text, areas) if directions and areas > 1 else None
        if chosen is not None:  # (…质量问题是/否否否: the name, its explanation, the direction, one answer per area)
            before, word, answers = chosen
            out += [*_named(before, tok, explanations),
                    *(Tok(p, tok.cells, SAME, inferred=True, match=lookup(p)) for p in (word, *answers))]
            continue
        tail, sure = _measurable_tail(text) if not _rows_run_together(text) else (None, False)
        if tail is not None and rules.enabled("run-together.measurable-tail"):
            cells = tok.cells if sure else tuple(c.doubted(WORD_VALUE_CUT) for c in tok.cells)
            name, *explained = _cut_explanation(text[:tail])
            name, *typed = _cells_before_target(name, value_types, units) if not explained else [name]
            out += [replace(tok, text=name), *(Tok(p, tok.cells, PIECE, inferred=True, match=lookup(p)) for p in typed),
                    *(_explanation(p, tok) for p in explained),
                    Tok(text[tail:], cells, PIECE, inferred=True, match=lookup(text[tail:]))]
            continue
        parts: list[str] = []
        pos = 0
        for m in _target_runs(text):
            if m.start() == 0 or not m.group(0) or m.start() < pos:
                continue
            if not any(ch.isdigit() for ch in m.group(0)):
                continue
            before = text[pos : m.start()]
            parts += _cells_before_target(before, value_types, units)
            parts.append(m.group(0))
            pos = m.end()
        parts.append(text[pos:])
        parts = [piece for part in parts for piece in _cut_word_targets(part)]
        if standards and rules.enabled("run-together.standard-words"):
            parts = [piece for part in parts for piece in _STANDARD_CUT_RE.split(part)]
        split = [(piece, i > 0) for part in parts if part for i, piece in enumerate(_cut_explanation(part))]
        beside: set[int] = set()  # numbers printed after a row's target in its other columns (权重, 得分)
        weighed: set[int] = set()  # of them, a percent after a target with its unit: the row's weight, a cell
        if areas > 1:
            spread: list[tuple[str, bool]] = []
            for part, explains in split:
                found = _one_target_re().findall(part) if _target_run_re().fullmatch(part) else []
                spread += ([(f, False) for f in found] if len(found) == areas and "".join(found) == part
                       and rules.enabled("run-together.areas-cut")
                           else [(part, explains)])
            split = spread
        else:
            cells: list[tuple[str, bool]] = []
            for part, explains in split:
                m = _TARGET_THEN_NUMBERS_RE.fullmatch(part) if _target_run_re().fullmatch(part) else None
                if m is None and weights and _target_run_re().fullmatch(part):
                    m = _target_then_weight_re().fullmatch(part)
                    if m is not None and rules.enabled("run-together.target-then-numbers"):
                        weighed.add(len(cells) + 1)
                if m is not None and rules.enabled("run-together.target-then-numbers"):
                    cells.append((m["target"], False))
                    beside.add(len(cells))
                    cells.append((m["rest"], False))
                else:
                    cells.append((part, explains))
            split = cells
        if len(split) == 1:
            out.append(tok)
            continue
        for k, (part, explains) in enumerate(split):
            if explains:
                out.append(_explanation(part, tok))
                continue
            after_target = k > 0 and k not in beside and (_target_run_re().fullmatch(split[k - 1][0]) is not None
                                                          or split[k - 1][0] in STANDARDS)
            gap = tok.gap if k == 0 else (LINE if after_target else SAME if {k, k + 1} & weighed else PIECE)
            cells = tok.cells if k not in beside else tuple(c.doubted(BESIDE_GUESS) for c in tok.cells)
            out.append(Tok(part, cells, gap, inferred=True, match=lookup(part)))
    return out


#: The reason a number glued to a row's target carries: which of the row's columns it stands in is a guess.
BESIDE_GUESS = "number glued to the target: its column is a guess"


#: Why the cells of a table with no name and no indicator row (narrative goals, an empty template) are unparsed.
NOT_A_TABLE = "not a target table: no project name and no indicator row"
#: Why the text after a name label that heads a list's column is reported.
COLUMN_HEAD_NOT_NAME = "a list's column head and rows after a name label: no project name"
#: The reason every row of a table whose project name was read empty carries.
EMPTY_NAME_REASON = "project name read empty"


#: The reason an explanation cut off a run-together row carries: the section reads it in a column of its own.
EXPLANATION_CUT = "explanation cut off a run-together row"


@cache
def _word_target_re() -> re.Pattern:
    """Targets of words whole in themselves (``不超预算``: ``cap`` in ``metadata/word_values.csv``), longest first."""
    return re.compile("|".join(re.escape(w) for w in _word_values()["cap"]))


def _cut_word_targets(part: str) -> list[str]:
    """A piece of a flattened row cut around a target of words whole in itself, where a name stands before it.

    Examples:
        >>> _cut_word_targets("成本控制率不超预算水电气消耗下降率")
        ['成本控制率', '不超预算', '水电气消耗下降率']
        >>> _cut_word_targets("不超预算")
        ['不超预算']
        >>> _cut_word_targets("人均培训费不超过标准")
        ['人均培训费', '不超过标准']
    """
    out, pos = [], 0
    for m in _word_target_re().finditer(part):
        if m.start() - pos < 2:  # no name before it: the piece is the target itself, or opens with it
            continue
        out += [part[pos : m.start()], m.group(0)]
        pos = m.end()
    out.append(part[pos:])
    return [p for p in out if p]


def _explanation(text: str, tok: Tok) -> Tok:
    """The explanation cut off the run-together row ``tok``: a cell of its own (never joined to the name)."""
    return Tok(text, tuple(c.doubted(EXPLANATION_CUT) for c in tok.cells), SAME, inferred=True, match=lookup(text))



def _named(text: str, tok: Tok, explanations: bool) -> list[Tok]:
    """The name cell of ``tok`` cut from ``text`` and the explanation after it, where one is found."""
    name, *explained = _cut_explanation(text)
    if not explained and explanations and (at := restated_cut(text)) is not None:
        name, explained = text[:at], [text[at:]]
    return [replace(tok, text=name), *(_explanation(p, tok) for p in explained)]


def _cells_before_target(before: str, value_types: bool, units: bool) -> list[str]:
    """The name before a target, and the 指标值类型 or 单位 cell glued between them where the section has one.

    Examples:
        >>> _cells_before_target("工作支出安排金额定量", True, False), _cells_before_target("稳定率%", False, True)
        (['工作支出安排金额', '定量'], ['稳定率', '%'])
    """
    if value_types and len(before) > 2 and before.endswith(VALUE_TYPES) \
            and rules.enabled("run-together.value-type-cell"):
        return [before[:-2], before[-2:]]
    if units and len(before) > 1 and before[-1] in "%‰" and rules.enabled("run-together.unit-cell"):
        return [before[:-1], before[-1]]
    return [before]


def _cut_explanation(part: str) -> list[str]:
    """Cut ``part`` before its explanation (an opening word four characters in, or a repeat of the name).

    Examples:
        >>> _cut_explanation("补助县(市、区)数量反映补助县数量情况")
        ['补助县(市、区)数量', '反映补助县数量情况']
        >>> _cut_explanation("反映群众满意程度")
        ['反映群众满意程度']
        >>> _cut_explanation("组织赴外地考察学习人次")
        ['组织赴外地考察学习人次']
        >>> _cut_explanation(">=95%>=95%")
        ['>=95%>=95%']

    A name printed again as its own explanation is two cells:

        >>> _cut_explanation("涉及国家数量涉及国家数量")
        ['涉及国家数量', '涉及国家数量']
    """
    if _target_run_re().fullmatch(part):
        return [part]  # targets run together (>=95%>=95%) are the areas' values
    half = len(part) // 2
    if half >= 4 and part[:half] == part[half:] and rules.enabled("run-together.name-repeated"):
        return [part[:half], part[half:]]
    m = _EXPLANATION_START_RE.search(simplified(part))  # (該指標 on a page in traditional script)
    if m is not None and m.start() >= 4 and _shared_words(part[: m.start()], part[m.end() :]) \
            and rules.enabled("run-together.explanation-cut"):
        return [part[: m.start()], part[m.start() :]]
    return [part]


#: Characters too common to show that an explanation speaks of its name.
_FUNCTION_CHARS = frozenset("的和及与或等之各项目情况")


def _shared_words(name: str, explanation: str) -> bool:
    """Whether an explanation speaks of its name: a character of the name (not a function word's) in it.

    ``群众诉求反映渠道畅通率`` is one name (反映 inside it), ``…合规性反映项目资金使用合规情况`` a name and its
    explanation, and so is ``受益群众人数反映项目惠及的人口数量`` (its words paraphrased).

    Examples:
        >>> _shared_words("项目资金使用合规性", "项目资金使用合规情况"), _shared_words("群众诉求", "渠道畅通率")
        (True, False)
        >>> _shared_words("受益群众人数", "项目惠及的人口数量")
        True
    """
    return any(is_wide(ch) and ch not in _FUNCTION_CHARS and ch in explanation for ch in name)


_ENUMERATED_RE = re.compile(r"^(指标\s*\d+\s*[:])\s*(.+?)(?:[(]([^()]+)[)])?$")


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

    ``as_printed`` (a 自评表, whose values stand in columns of their own): a name cell whose brackets hold no
    target (``指标1:租车次数(次)``, a unit) is the printed name, whole.

    Examples:
        >>> from budgetkit.model.cells import Cell
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
        if g is not None:
            _goal_numbered(out, tok, g[1], g[2])
            continue
        m = _ENUMERATED_RE.match(tok.text)
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


@cache
def _word_values() -> dict[str, tuple[str, ...]]:
    """Words a value of words is made of (``metadata/word_values.csv``), by kind.

    ``opens``, ``verb`` and ``whole`` make a value of words; ``cap`` is a target whole in itself (不超预算).
    """
    out: dict[str, list[str]] = {}
    for row in read_metadata("word_values"):
        out.setdefault(row["kind"], []).append(row["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


#: The longest value of words cut off a run-together row.
_WORD_VALUE_MAX = 8
#: The longest object after a verb opening a value of words (增加岗位).
_VERB_OBJECT_MAX = 2


def _word_value_at(tail: str) -> bool:
    """Whether ``tail``, the end of a run-together row, is a value of words (see ``metadata/word_values.csv``).

    Examples:
        >>> [_word_value_at(t) for t in ("有所改善", "增加岗位", "改善", "长远", "长远规划")]
        [True, True, False, True, False]
    """
    words = _word_values()
    if len(tail) > _WORD_VALUE_MAX:
        return False
    if tail.startswith(words.get("opens", ())) or tail in words.get("whole", ()):
        return True
    verb = next((v for v in words.get("verb", ()) if tail.startswith(v)), None)
    return verb is not None and 0 < len(tail) - len(verb) <= _VERB_OBJECT_MAX


#: The reason a run-together row's value cut before a word value carries (the cut is a guess).
WORD_VALUE_CUT = "value cut off before a word value"


def _rows_run_together(text: str) -> bool:
    """Whether ``text`` holds rows run together: a target, then a name (four characters or more), then a target.

    Examples:
        >>> [_rows_run_together(t) for t in ["职工困难医疗救助200户职工困难保障性住房179户", "补助款结算误差率±3%以内",
        ...                                  "饲料库120平米490元/平米"]]
        [True, False, False]
    """
    runs = [m for m in _target_runs(text) if m.group(0) and any(ch.isdigit() for ch in m.group(0))]
    return any(a.start() > 0 and b.start() - a.end() >= 4 for a, b in itertools.pairwise(runs))


def _measurable_tail(text: str) -> tuple[int | None, bool]:
    """Where the value of a run-together row starts, and whether the cut is sure.

    The earliest measurable tail (sure), else a short value of words (a guess).

    Examples:
        >>> [_measurable_tail(t) for t in ["新建校舍面积≥3000平方米", "职工家庭生活有所改善", "办学条件改善",
        ...                                  "为当地提供就业增加岗位", "对文物保护、文化传承影响长远"]]
        [(6, True), (6, False), (None, False), (7, False), (12, False)]
    """
    if any(len(_VALUE_TOKEN_RE.findall(m.group(0))) > 1 for m in _target_run_re().finditer(text)):
        return None, False  # several targets run together (>=95%>=95%): cut by the target runs
    for k in range(1, len(text)):
        if not text[k - 1].isdigit() and is_measurable(text[k:]):
            return k, True
    k = _word_value_tail(text) if rules.enabled("run-together.word-value-cut") else None
    return (k, False) if k is not None else (None, False)


def _word_value_tail(text: str) -> int | None:
    """Where the value of words ending ``text`` starts (the leftmost, at most eight characters from the end), or None.

    Examples:
        >>> _word_value_tail("职工家庭生活有所改善"), _word_value_tail("办学条件改善")
        (6, None)
    """
    for k in range(max(2, len(text) - _WORD_VALUE_MAX), len(text) - 1):
        if _word_value_at(text[k:]):
            return k
    return None




def _list_amount(amount: tuple[float, float | None], indicators: Sequence[dict], scale: list) -> dict:
    """The budget of a list row, whose list prints no unit: the unit its own money target shows.

    ``1681680`` beside a cost target ``<1681680元`` is in 元. Where no target shows it, the
    unit found for an earlier row of the same list is used (``scale`` carries it), else 万元.
    """
    number, own = amount
    found = own
    if found is None:
        for row in indicators:
            v = parse_indicator_value(row.get("value") or "")
            if v.num is not None and v.unit in ("元", "万元") and abs(v.num - number) <= 0.005 * number \
                    and rules.enabled("amounts.list-unit-from-target"):
                found = 1e-4 if v.unit == "元" else 1.0
                break
    if found is not None:
        scale[:] = [found]
    factor = found if found is not None else (scale[0] if scale else 1.0)
    return {"annual_total_wan": round(number * factor, 6), "unit_label": "元" if factor == 1e-4 else "万元"}


def _finish_amounts(p: dict) -> None:
    """``total_wan``: the project total as printed, else this year's total, else the sum of the sources.

    The sources are the levels of government (中央, 省级, 市县 …, 其他), else the fiscal funds and the others
    (其中:财政拨款, 其他资金).
    """
    if p.get("annual_total_wan") is None:
        parts = [p[k] for k in ("own_level_wan", "transfer_wan") if p.get(k) is not None]
        if parts:
            p["annual_total_wan"] = round(sum(parts), 6)
    unreadable = p.pop("_total_unreadable", False)
    for key in [k for k in p if k.startswith("_") and k.endswith("_unreadable")]:
        p.pop(key)
    if p.get("total_wan") is not None:
        p["total_basis"] = "printed"
    elif unreadable:
        p["total_wan"] = None  # a total is printed but is not an amount: no other amount stands in for it
    elif p.get("annual_total_wan") is not None:
        p["total_wan"], p["total_basis"] = p["annual_total_wan"], "annual total"
    else:
        sources = [p[k] for k in ("central_wan", "regional_wan", "local_wan", "other_wan") if p.get(k) is not None]
        if not any(p.get(k) for k in ("central_wan", "regional_wan", "local_wan")) and p.get("fiscal_wan") \
                and rules.enabled("amounts.total-from-fiscal-parts"):
            # the total printed blank above its parts 其中:财政拨款 | 其他资金: the parts make it
            sources = [p[k] for k in ("fiscal_wan", "other_wan") if p.get(k) is not None]
        if sources and any(sources) and rules.enabled("amounts.total-from-sources"):
            p["total_wan"], p["total_basis"] = round(sum(sources), 6), "sum of sources"
            p.setdefault("annual_total_wan", p["total_wan"])
            if p["annual_total_wan"] is None:
                p["annual_total_wan"] = p["total_wan"]


_ATTRIBUTE_RE = re.compile(r"^(\d+)\s*-\s*(.+)$")
_PERIOD_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*年$")


#: Boxes of a form's options: left empty, and ticked.
_UNTICKED, _TICKED = "□☐", "√✓✔☑■☒"
_OPTION_RE = re.compile(rf"[{_UNTICKED}{_TICKED}]")


def ticked_option(text: str) -> str | None:
    """The one option ticked in a printed list of boxes (``新增项目□延续项目√``), else ``None``.

    A box follows its option, or precedes it where the text starts with one.

    Examples:
        >>> ticked_option("新增项目□延续项目√"), ticked_option("√新增项目 □延续项目"), ticked_option("经常性项目")
        ('延续项目', '新增项目', None)
        >>> ticked_option("新增项目√延续项目√") is None  # two ticked: no one option
        True
    """
    marks = list(_OPTION_RE.finditer(text))
    if not marks:
        return None
    before = marks[0].start() == 0  # boxes before their options
    bounds = [0, *(m.end() for m in marks)] if not before else [*(m.start() for m in marks), len(text)]
    options = []
    for k, m in enumerate(marks):
        label = text[bounds[k] : m.start()] if not before else text[m.end() : bounds[k + 1]]
        options.append((label.strip(" ,、;"), m.group(0) in _TICKED))
    ticked = [label for label, on in options if on and label]
    return ticked[0] if len(ticked) == 1 else None


def _split_attribute(p: dict) -> None:
    if (m := _ATTRIBUTE_RE.match(p.get("attribute") or "")) is not None:
        p["attribute_code"], p["attribute_kind"] = m[1], m[2]
    elif (ticked := ticked_option(p.get("attribute") or "")) is not None and rules.enabled("header.ticked-option"):
        p["attribute_kind"] = ticked
    if (m := _PERIOD_RE.match(p.get("period") or "")) is not None:
        p["period_years"] = float(m[1])


def _indicator_records(rows: Sequence[Row], schema: Sequence[Column], pid: str, src: str, rec: dict,
                       header, ends_file: bool = False) -> tuple[list[dict], set[int], list]:
    """The records of the aligned rows (:func:`budgetkit.recognise.records.indicator_records`).

    Where the file ends with the section (``ends_file``), a last row ending on a value the file's end may have
    cut (:func:`_cut_by_file_end`) is reported, not read; a cell cut by a guess here is read with low confidence.
    """
    cut_at_end = (lambda tok: CUT_AT_FILE_END if _cut_by_file_end(tok, rows) else None) if ends_file else None
    return indicator_records(rows, schema, pid, header, cut_at_end=cut_at_end,
                             low_reasons=(WORD_VALUE_CUT, BESIDE_GUESS))


#: Why the row a file ends in is reported: the file was cut at the end of a cell it did not close.
CUT_AT_FILE_END = "the file ends inside this row: its last cell may go on past the cut"


#: Why the fragment a file ends on is reported: the cut fell inside a label.
CUT_LABEL_AT_FILE_END = "the file ends inside this label"


def _cut_label(tok: Tok) -> bool:
    """Whether ``tok``, the last of a flattened page, is the start of a label the cut fell inside (时, 满意度指).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> text = "x" * 90
        >>> [_cut_label(Tok(t, (Cell(text, 1),), 2, inferred=True)) for t in ("时", "满意度指", "按期完成")]
        [True, True, False]
    """
    return (tok.match is None and _cut_by_file_end(tok) and len(tok.text) <= 4
            and is_prefix(match_key(tok.text)))


def _cut_by_file_end(tok: Tok, rows: Sequence[Row] = ()) -> bool:
    """Whether a file ending on ``tok`` may have been cut inside its row.

    So where ``tok`` was cut out of a page flattened to one line: neither a cell's edge nor a line's end
    closes it; and where the section's cells are closed by their delimiters (``>=80人 |``) and ``tok``, the
    file's last, is not (``>=9``): the file was cut before the cell's end.
    """
    if tok.inferred and not tok.cell.delimited and len(tok.cell.text) >= _RUN_TOGETHER[0]:
        return True
    cells = [u.tok.cell for row in rows for u, _, _ in row.units if u.tok.cell.text]
    return not tok.cell.delimited and len(cells) >= _CLOSED_CELLS[0] \
        and sum(c.delimited for c in cells) >= _CLOSED_CELLS[1] * len(cells)


#: A section whose cells are this many, and this share of them closed by a delimiter, closes every cell.
_CLOSED_CELLS = (8, 0.9)


__all__ += ["join_text", "PIECE", "YEAR_RE"]
