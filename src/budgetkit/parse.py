"""Parse disclosures into tidy tables: read → (segment) → recognise → tables.

Orchestration only. A reader turns a file into a :class:`~budgetkit.model.cells.Document`
(rows of cells with provenance): :func:`read_document` picks it by the file's
content as well as its suffix. Text is cut into cells by :mod:`budgetkit.segment.text`;
:mod:`budgetkit.recognise.tables` finds the tables and reads them by role with the one
vocabulary (:mod:`budgetkit.vocab.vocabulary`); here the records become the tables of the
contract (:mod:`budgetkit.model.fields`): ``documents``, ``projects``, ``indicators``,
``header_extras`` and ``unparsed``.

Nothing is dropped silently: every cell lands in a field, an extra or the
``unparsed`` table with a reason. A file with no performance-target table fails
with one line that says how much was read and which anchors were nearest.

Examples:
    >>> text = '''单位：万元
    ... 项目名称 测试项目
    ... 主管部门 某厅 实施单位 某中心
    ... 项目属性 02-经常性项目 项目期 99年
    ... 项目总额 10 其中：年度资金总额
    ... 其中：财政拨款 10
    ... 年度总体
    ... 绩效目标
    ... 完成测试。
    ... 一级指标 二级指标 三级指标 指标值
    ... 产出指标
    ... 数量指标 测试户数 200户
    ... 成本指标 测试标准 平均500元/户'''
    >>> tables = parse_lines(text.splitlines(), "demo.txt", year=2025)
    >>> tables.projects[["project", "total_wan", "fiscal_wan", "goal"]].astype(str).iloc[0].tolist()
    ['测试项目', '10.0', '10.0', '完成测试。']
    >>> tables.indicators[["level2", "indicator", "value", "kind", "value_yuan"]].values.tolist()
    [['数量指标', '测试户数', '200户', 'count', nan], ['成本指标', '测试标准', '平均500元/户', 'rate', 500.0]]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from budgetkit.errors import NoTableError
from budgetkit.model.cells import Document
from budgetkit.model.normalize import file_name, normalize_text
from budgetkit.model.tables import TABLE_NAMES, Tables, conform
from budgetkit.read.dispatch import read_document as read
from budgetkit.read.ocr import repair_ocr
from budgetkit.recognise.grid import recognise_grids
from budgetkit.recognise.pipe_grid import pipe_grid
from budgetkit.recognise.tables import recognise
from budgetkit.segment.text import segment_lines
from budgetkit.segment.tokens import kept_alive, stream
from budgetkit.vocab.placeholders import is_placeholder
from budgetkit.vocab.values import parse_indicator_value
from budgetkit.vocab.vocabulary import find_terms, scan

__all__ = [
    "Records",
    "document_records",
    "file_records",
    "is_placeholder",
    "parse_document",
    "parse_file",
    "parse_lines",
    "read_document",
    "tables_of",
]

logger = logging.getLogger(__name__)


# --- reading -----------------------------------------------------------------------------------------------


def read_document(path: str | Path) -> Document:
    """Read ``path`` with the reader its content and suffix call for (:mod:`budgetkit.read.dispatch`).

    Raises:
        InputError: for a file no reader takes, naming it and how to convert it; or what the reader raises.
    """
    return read(path)


def parse_file(path: str | Path, year: int | None = None) -> Tables:
    """Parse one disclosure file into :class:`~budgetkit.model.tables.Tables`.

    Args:
        path: a disclosure (text, PDF, HTML, XLSX, XLS or DOCX; see :mod:`budgetkit.read.dispatch`).
        year: budget year to use where the table prints none (default: the
            parent folder's name when it is a year).

    Raises:
        BudgetkitError: with the file (and line), when the file cannot be read or holds no table.
    """
    return tables_of([file_records(path, year=year)])


def parse_lines(lines: Sequence[str], source_file: str, year: int | None = None,
                path: str | Path | None = None) -> Tables:
    """Parse the lines of one text disclosure (normalised here) into tables.

    Raises:
        NoTableError: when the lines hold no performance-target table.
    """
    texts = [normalize_text(getattr(ln, "text", ln)).rstrip() for ln in lines]
    doc = Document(Path(path or source_file), segment_lines(texts), kind="text", units=len(texts))
    return parse_document(doc, year=year, source_file=source_file)


def parse_document(doc: Document, year: int | None = None, source_file: str | None = None) -> Tables:
    """Recognise the tables of a read document and conform them to the contract.

    Raises:
        NoTableError: when the document holds no performance-target table.
    """
    return tables_of([document_records(doc, year=year, source_file=source_file)])


def file_records(path: str | Path, year: int | None = None) -> Records:
    """Read and recognise one file into :class:`Records` (plain rows; :func:`tables_of` makes frames).

    Parsing many files, the frames are built once for all of them (:func:`tables_of`), not once a file.
    """
    p = Path(path)
    if year is None and p.parent.name.isdigit() and len(p.parent.name) == 4:
        year = int(p.parent.name)
    return document_records(read_document(p), year=year)


@dataclass
class Records:
    """The rows of one document's tables, as dicts, before they become frames."""

    documents: list[dict]
    projects: list[dict]
    indicators: list[dict]
    header_extras: list[dict]
    unparsed: list[dict]


def tables_of(parts: Sequence[Records]) -> Tables:
    """The tables of the contract from the records of one or more documents (one frame a table).

    Examples:
        >>> tables_of([]).counts()["projects"]
        0
    """
    rows: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
    for part in parts:
        for name in TABLE_NAMES:
            rows[name].extend(getattr(part, name))
    tables = Tables(**{name: conform(pd.DataFrame(rows[name]), name) for name in TABLE_NAMES})
    return tables


def document_records(doc: Document, year: int | None = None, source_file: str | None = None) -> Records:
    """Recognise the tables of a read document into :class:`Records`, 指标值 parsed.

    Raises:
        NoTableError: when the document holds no performance-target table.
    """
    src = source_file or file_name(doc.path)
    doc = repair_ocr(doc)
    # text: only a pipe table with a project column is read on the grid (one grid, many projects)
    grid_doc = doc if doc.kind != "text" else pipe_grid(doc)
    with kept_alive():  # the header reader marks the tokens it read by id(), as in recognise
        rec = recognise_grids(grid_doc, year=year, source_file=src) if grid_doc is not None else None
    if rec is None or not rec.indicators:  # no target table on a grid: the document is read as text
        rec = recognise(doc, year=year, source_file=src)
    if not rec.projects:
        raise NoTableError(_no_table_message(doc), path=doc.path)
    if not rec.indicators:
        logger.warning("%s: no table reaches an indicator row with a value (%d table(s) start); the file may "
                       "be cut: the tables are kept as partial", src, len(rec.projects))
    for p in rec.projects:
        if p["status"] == "partial":
            logger.warning("%s: table %s (%s) kept as partial: %s", src, p["project_id"], p.get("project"),
                           p["status_reason"])
    for p in rec.projects:
        if p.get("year") is None:
            p["year"] = year
    documents = [dict(d, reader=doc.kind) for d in rec.documents]
    unparsed = sorted(rec.unparsed + [dict(u, source_file=src) for u in doc.unreadable],
                      key=lambda u: u.get("line") or 0)
    logger.info("%s: %d projects, %d indicators, %d cells not understood", src, len(rec.projects),
                len(rec.indicators), len(unparsed))
    return Records(documents, rec.projects, _with_values(rec.indicators, rec.projects), rec.header_extras,
                   unparsed)


#: How the message of a :class:`~budgetkit.errors.NoTableError` begins (after the file's name).
NO_TABLE_FOUND = "no performance-target table found"

#: Roles of the terms a no-table message names as the nearest anchors seen.
_ANCHOR_ROLES = ("field:project", "field:department", "column", "level1", "level2", "goal")


def _no_table_message(doc: Document) -> str:

    seen: list[str] = []
    for tok in stream(doc.rows):
        if len(tok.text) <= 60 and scan(tok.text, "title") is not None:
            seen.append(tok.text)
        else:
            seen += [t for f in find_terms(tok.text, _ANCHOR_ROLES)
                     if len(t := tok.text[f.start : f.end].strip(":")) >= 3 and t not in seen]
        if len(seen) >= 5:
            break
    seen = list(dict.fromkeys(seen))[:5]
    nearest = "; nearest anchors: " + ", ".join(repr(s[:30]) for s in seen) if seen else "; no anchor seen"
    return (f"{NO_TABLE_FOUND} ({doc.units} {doc.unit_name} read{nearest}); a table needs a "
            "项目名称-type label and an indicator section (一级指标 … or 产出指标 …); to read a new template, "
            "add its labels to src/budgetkit/metadata/vocabulary.csv")


def _with_values(indicators: list[dict], projects: list[dict]) -> list[dict]:
    """Number the indicators within each project and add the parsed 指标值 columns."""
    years = {p["project_id"]: p.get("year") for p in projects}
    seq: dict[str, int] = {}
    out = []
    for row in indicators:
        pid = row["project_id"]
        seq[pid] = seq.get(pid, 0) + 1
        parsed = _parsed_value(row["value"], years.get(pid)) if row.get("value") else {}
        out.append({**row, "seq": seq[pid], **parsed})
    return out


@lru_cache(maxsize=65536)
def _parsed_value(value: str, year: int | None) -> dict:
    v = parse_indicator_value(value, year=year)
    return {"op": v.op, "qualifier": v.qualifier, "num": v.num, "unit": v.unit, "per_unit": v.per_unit,
            "kind": v.kind, "deadline": v.deadline, "value_yuan": v.value_yuan}
