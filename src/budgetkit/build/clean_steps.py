"""The steps of 01_clean: parse the year, write its tables, show what was read and what was skipped."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.model.fields import columns, read_metadata
from budgetkit.model.tables import Tables, read_frame, write_frames, write_tables
from budgetkit.parse import NO_TABLE_FOUND
from budgetkit.report.codes import code_label
from budgetkit.report.display import ReadingTable, dictionary_table
from budgetkit.report.failures import DUPLICATE, reader_reason, relativise
from budgetkit.report.params import NotebookParams
from budgetkit.scale.batch import parse_year

if TYPE_CHECKING:
    pass

from budgetkit.build.step_io import downloads

logger = logging.getLogger(__name__)


def read_year(params: NotebookParams) -> tuple[Tables, pd.DataFrame]:
    """Parse every disclosure of the year (:func:`budgetkit.scale.batch.parse_year`: on every core for many files).

    Progress is shown per file: a log line each, and in a notebook one line updated in place.

    Returns:
        The stacked tables of the files read, and one row per file skipped (source_file, error, reason;
        paths relative to the project root), the other formats of a document read once among them
        (error ``DuplicateFile``, the reason naming the file read).

    Raises:
        InputError: when the year has no file, or no file could be read (the reasons listed).
    """
    tables = parse_year(params.year, params.paths, progress=file_progress(params.year))
    root = [params.paths.root]
    skipped = [
        {"source_file": s.path.name, "error": s.kind, "reason": relativise(s.error, root)} for s in tables.skipped
    ]
    skipped += [{"source_file": copy.name, "error": DUPLICATE, "reason": duplicate_reason(copy, kept)}
                for copy, kept in sorted(params.paths.duplicates(params.year).items())]
    return tables, pd.DataFrame(skipped, columns=columns("skipped"))


def duplicate_reason(copy: Path, kept: Path) -> str:
    """Why ``copy`` was not read: it is another format of ``kept``, the file read (same name).

    Examples:
        >>> duplicate_reason(Path("附件.docx"), Path("附件.xlsx"))
        '附件.docx: the same document as 附件.xlsx (same name, another format), which is read instead'
    """
    return f"{copy.name}: the same document as {kept.name} (same name, another format), which is read instead"


def file_progress(year: int):
    """A progress report for :func:`budgetkit.scale.batch.parse_files`: a log line per file, in a notebook one line.

    Examples:
        >>> report = file_progress(2025)
        >>> report(1, 2, Path("a.txt"), None)
    """
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is None or not hasattr(shell, "kernel"):
        return log_progress
    from IPython.display import display  # lazy: IPython, only inside a notebook kernel

    handle = display({"text/plain": f"[{year}] 解析 parsing"}, raw=True, display_id=True)
    skipped: list[str] = []
    shown = [0.0]

    def report(done: int, total: int, path: Path, error: str | None) -> None:
        log_progress(done, total, path, error)
        if error is not None and NO_TABLE_FOUND not in error:
            skipped.append(path.name)
        if done < total and time.monotonic() - shown[0] < 0.5:
            return
        shown[0] = time.monotonic()
        note = f"，跳过 {len(skipped)} 个 {len(skipped)} skipped" if skipped else ""
        handle.update({"text/plain": f"[{year}] 已解析 {done}/{total} 个文件 parsed {done} of {total} files{note}"},
                      raw=True)

    return report


def log_progress(done: int, total: int, path: Path, error: str | None) -> None:
    """:func:`budgetkit.scale.batch.log_progress`, but a file holding no target table is an information, not a warning.

    Examples:
        >>> log_progress(1, 2, Path("部门预算.txt"), "部门预算.txt: no performance-target table found (9 lines read)")
    """
    from budgetkit.scale import batch  # lazy: the batch module starts process pools; a notebook needs its log only

    if error is not None and NO_TABLE_FOUND in error:
        logger.info("read %d/%d %s: 不含项目支出绩效目标表 holds no target table", done, total, path.name)
        return
    batch.log_progress(done, total, path, error)


def clean_year(params: NotebookParams) -> Tables:
    """Parse the year (:func:`read_year`); write its tables and ``skipped`` to ``data/processed/<year>/``."""
    tables, skipped = read_year(params)
    out = params.paths.processed_year(params.year)
    write_tables(tables, out)
    write_frames({"skipped": skipped}, out)
    return tables


def show_counts(tables: Tables) -> ReadingTable:
    """Rows per table, with what each table holds.

    Examples:
        >>> show_counts(Tables.empty()).frame["table"].tolist()
        ['documents', 'projects', 'indicators', 'header_extras', 'unparsed']
    """
    meaning = {
        "documents": "公开文件 disclosures",
        "projects": "项目 project tables",
        "indicators": "三级指标 level-3 indicators",
        "header_extras": "表头其他项 other header labels",
        "unparsed": "未识别的内容 input not understood",
    }
    frame = pd.DataFrame(
        [(name, meaning[name], n) for name, n in tables.counts().items()],
        columns=["table", "content", "rows"],
    )
    labels = {"table": ("表", "table"), "content": ("内容", "content"), "rows": ("行数", "rows")}
    return ReadingTable(frame, caption="各表行数 rows per table", name="counts", labels=labels)


def show_skipped(params: NotebookParams) -> ReadingTable:
    """The files of the year whose tables were not read, with the reason (an empty table: every file was read).

    A file that was read and holds no target table says so in Chinese (an information, not a failure).
    """
    skipped = read_frame(params.paths.processed_year(params.year), "skipped").copy()
    skipped["reason"] = [reader_reason(k, r) for k, r in zip(skipped["error"], skipped["reason"], strict=True)]
    return dictionary_table(
        skipped,
        "skipped",
        "未读入表格的文件 files whose tables were not read",
        f"{params.year}-skipped",
        drop=(),
        empty="没有跳过的文件 every file was read",
        downloads=downloads(params),
    )


def show_quality(tables: Tables) -> ReadingTable:
    """How the year was read: documents by reader, tables by status, indicators by confidence.

    Examples:
        >>> from budgetkit.parse import parse_file
        >>> quality = show_quality(parse_file("tests/fixtures/layouts/stops-mid-table.txt"))
        >>> quality.frame[["value", "count"]].values.tolist()
        [['text', 1], ['完整 complete', 1], ['不完整 partial', 1], ['高 high', 6]]
    """
    parts = [
        ("读取方式 reader", tables.documents.get("reader"), None),
        ("项目表 table", tables.projects.get("status"), ("projects", "status")),
        ("三级指标可信度 confidence", tables.indicators.get("confidence"), ("indicators", "confidence")),
    ]
    rows = [
        (aspect, code_label(*codes, value) if codes and value else value, int(n))
        for aspect, column, codes in parts
        if column is not None
        for value, n in column.fillna("").value_counts().sort_index().items()
    ]
    frame = pd.DataFrame(rows, columns=["aspect", "value", "count"])
    labels = {"aspect": ("方面", "aspect"), "value": ("取值", "value"), "count": ("数量", "count")}
    return ReadingTable(frame, caption="读取质量 how the tables were read", name="quality", labels=labels)


def reader_columns(table: str) -> list[str]:
    """The columns a reader's view of ``table`` shows, in order (``metadata/reader_columns.csv``).

    Examples:
        >>> reader_columns("projects")[:3]
        ['project', 'implementing_unit', 'kind']
    """
    return [row["name"] for row in read_metadata("reader_columns") if row["table"] == table]


def show_projects(tables: Tables, params: NotebookParams | None = None) -> ReadingTable:
    """The projects in a reader's columns (``metadata/reader_columns.csv``), every column offered as CSV."""
    shown = [c for c in reader_columns("projects") if c in tables.projects.columns]
    table = dictionary_table(tables.projects[shown], "projects", "项目 projects", "projects", drop=(),
                             downloads=downloads(params))
    table.full = dictionary_table(tables.projects, "projects", "", "projects", drop=()).frame
    return table


def show_indicators(tables: Tables, params: NotebookParams | None = None) -> ReadingTable:
    """Every level-3 indicator with its printed and parsed value, Chinese headers (searchable)."""
    return dictionary_table(tables.indicators, "indicators", "三级指标 indicators", "indicators",
                            downloads=downloads(params))


def show_unparsed(tables: Tables, params: NotebookParams | None = None) -> ReadingTable:
    """The lines that landed in no field (an empty table means every line was understood)."""
    return dictionary_table(
        tables.unparsed,
        "unparsed",
        "未识别的行 lines not understood",
        "unparsed",
        empty="每一行都已识别 every line was understood",
        downloads=downloads(params),
    )
