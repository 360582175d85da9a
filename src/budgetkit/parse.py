"""Parse a disclosure's lines into tidy tables: documents, projects, indicators, unparsed.

A disclosure holds one 项目支出预算绩效目标表 per project. Each table starts at
its title (``…绩效目标表``, ``(2025年度)``, ``单位:万元``) and its ``项目名称``
line, and has four parts, each read by one function here:

1. the header cells (项目名称 … 结余结转资金), read by scanning for the labels of
   :data:`HEADER_LABELS` in the header text joined across wrapped lines;
2. the narrative goal (年度总体绩效目标), joined across lines without spaces;
3. the indicator section after ``一级指标 二级指标 三级指标 指标值``, read by
   :func:`parse_indicator_lines`: level-1/level-2 labels (from the vocabulary in
   ``metadata/labels.csv``) are carried down, and each level-3 name and its value
   are assembled from the lines they were wrapped over;
4. what precedes the first table: the covering notice (:func:`parse_preamble`).

Nothing is dropped silently: every non-blank line lands in a field or in the
``unparsed`` table with a reason. Text is NFKC-normalised on reading, so values
appear as printed but with full-width forms folded (``≥90％`` → ``≥90%``).

Examples:
    >>> from budgetkit.lines import SourceLine
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
    >>> lines = [SourceLine(t, i) for i, t in enumerate(text.splitlines(), 1)]
    >>> tables = parse_lines(lines, "demo.txt", year=2025)
    >>> tables.projects[["project", "total_wan", "fiscal_wan", "goal"]].astype(str).iloc[0].tolist()
    ['测试项目', '10.0', '10.0', '完成测试。']
    >>> tables.indicators[["level2", "indicator", "value", "kind", "value_yuan"]].values.tolist()
    [['数量指标', '测试户数', '200户', 'count', nan], ['成本指标', '测试标准', '平均500元/户', 'rate', 500.0]]
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pandas as pd

from budgetkit.columns import IndicatorHeader, find_indicator_header, join_cells, split_cells
from budgetkit.errors import InputError, TruncatedTableError
from budgetkit.fields import read_metadata
from budgetkit.layouts import detect_layout
from budgetkit.lines import SourceLine
from budgetkit.normalize import normalize_text
from budgetkit.parse_value import parse_indicator_values
from budgetkit.paths import ProjectPaths
from budgetkit.read_text import read_text_lines
from budgetkit.tables import Tables, concat_tables, conform

__all__ = [
    "HEADER_LABELS",
    "parse_file",
    "parse_indicator_lines",
    "parse_lines",
    "parse_preamble",
    "parse_year",
    "is_placeholder",
    "read_lines",
]

logger = logging.getLogger(__name__)

# --- line shapes -----------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^\s*项目名称(?:\s+|$)")
_TITLE_RE = re.compile(r"绩效目标表\s*$")
_YEAR_RE = re.compile(r"^\s*\(?\s*(\d{4})\s*年度\s*\)?\s*$")
_TITLE_YEAR_RE = re.compile(r"^\s*(\d{4})\s*年")
_UNIT_RE = re.compile(r"^\s*(?:金额)?单位\s*[:]\s*(万元|元)\s*$")
_GOAL_RE = re.compile(r"^\s*年度总体(?:\s*绩效目标)?")
_GOAL_TAIL_RE = re.compile(r"^\s*绩效目标")
_DATE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
_ATTACHMENT_RE = re.compile(r"^\s*附件\s*[:]\s*(.+)$")
_NUMBER_RE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_ATTRIBUTE_RE = re.compile(r"^(\d+)\s*-\s*(.+)$")
_PERIOD_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*年$")

#: Header cells: (field, regex of the printed label). Longer labels first where one contains another.
#: ``fund_total`` is the 资金总额 cell of the own-level or transfer block that precedes it.
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("department", "主管部门"),
    ("implementing_unit", "实施单位"),
    ("attribute", "项目属性"),
    ("period", "项目期"),
    ("total", "项目总额"),
    ("annual_total", "年度资金总额"),
    ("own_level", "本级资金"),
    ("transfer", r"转移(?:到)?市县\(区\)资金|转移支付资金|转移市县资金"),
    ("fund_total", "资金总额"),
    ("fiscal", "财政拨款"),
    ("central", "中央资金"),
    ("regional", "自治区资金|省级资金"),
    ("local", "市县资金|市县级资金"),
    ("other", "其他资金"),
    ("carryover", "结余结转资金|结转结余资金"),
)
_HEADER_RE = re.compile(
    r"(?:其中[:]?)?(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in HEADER_LABELS) + r")"
)
_LEFTOVER_RE = re.compile(r"^(?:其中[:]?)?$")
_MONEY_FIELDS = {
    "total": "total_wan",
    "fiscal": "fiscal_wan",
    "central": "central_wan",
    "regional": "regional_wan",
    "local": "local_wan",
    "other": "other_wan",
    "carryover": "carryover_wan",
}
_TEXT_FIELDS = {"department", "implementing_unit", "attribute", "period"}

# --- wrapping rules of the indicator section ---------------------------------------------------------------

#: A fragment starting with one of these continues the previous line (no cell starts with them).
_CLOSING = "，。、；：？！）》」』”’%,.;:?!)"
#: A fragment ending with one of these is cut off: the cell goes on on the next line.
_OPENING = "，、（《“(的和及与并或对"
#: Particles that cannot start a value cell, so a value fragment starting with one continues.
_VALUE_PARTICLES = "的和及与并或等之"
#: A lone value fragment this close (in em) to the widest value fragment of its table filled its cell.
_FULL_SLACK_EM = 2.0
#: Below this width (em) a fragment is never taken as full.
_MIN_FULL_EM = 6.0
_VALUE_START_RE = re.compile(r"^(?:[≥≤><=≈]|\d|约|大于|小于|不低于|不少于|不超过|平均|人均)")


@dataclass(frozen=True)
class _Label:
    level: int
    canonical: str
    parent: str | None  # the level-1 group a level-2 label belongs under
    regroup: bool = False  # the row belongs under ``parent`` whatever level-1 label it is printed under


@cache
def _labels() -> dict[str, _Label]:
    """Level labels from ``metadata/labels.csv``, by printed label."""
    return {
        row["label"]: _Label(int(row["level"]), row["canonical"], row["parent"] or None,
                             row["regroup"] == "1")
        for row in read_metadata("labels")
    }


@cache
def _placeholders() -> tuple[re.Pattern[str], ...]:
    """Template placeholder text (``metadata/placeholders.csv``): cells the publisher left unfilled."""
    return tuple(re.compile(row["pattern"]) for row in read_metadata("placeholders"))


def is_placeholder(text: str | None) -> bool:
    """Whether ``text`` is template placeholder text rather than a filled-in cell.

    Examples:
        >>> [is_placeholder(t) for t in ["指标2:", "XX年", "请输入指标值", "≥90%", "", None]]
        [True, True, True, False, False, False]
    """
    return bool(text) and any(p.search(text) for p in _placeholders())


def _width(text: str) -> float:
    """Display width in em: wide and full-width characters 1, the rest 0.5.

    Examples:
        >>> _width("打造4处以上")
        5.5
    """
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


# --- reading -----------------------------------------------------------------------------------------------


def read_lines(path: str | Path) -> tuple[list[SourceLine], list[dict]]:
    """Read ``path`` (``.txt`` or ``.pdf``) into source lines.

    Returns:
        ``(lines, unreadable)``: the lines, and records for the unparsed report of
        text the reader could not decode (PDF ``(cid:NNN)`` artefacts).

    Raises:
        InputError: for an unknown suffix, or what the reader raises.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".txt":
        return read_text_lines(p), []
    if suffix == ".pdf":
        from budgetkit.read_pdf import read_pdf_lines

        pdf = read_pdf_lines(p)
        unreadable = [
            {"source_file": p.name, "line": lineno, "page": page, "text": text,
             "reason": "unreadable PDF text"}
            for page, lineno, text in pdf.unreadable
        ]
        return pdf.lines, unreadable
    raise InputError(f"unknown file type {suffix!r} (expected .txt or .pdf)", path=p)


def parse_file(path: str | Path, year: int | None = None) -> Tables:
    """Parse one disclosure file into :class:`~budgetkit.tables.Tables`.

    Args:
        path: a ``.txt`` or ``.pdf`` disclosure.
        year: budget year to use where the table prints none (default: the
            parent folder's name when it is a year).

    Raises:
        BudgetkitError: with the file and line, when the file cannot be read or parsed.
    """
    p = Path(path)
    if year is None and p.parent.name.isdigit() and len(p.parent.name) == 4:
        year = int(p.parent.name)
    lines, unreadable = read_lines(p)
    tables = parse_lines(lines, p.name, year=year, path=p)
    if unreadable:
        tables.unparsed = conform(pd.concat([tables.unparsed, pd.DataFrame(unreadable)]), "unparsed")
    return tables


def parse_year(year: int, paths: ProjectPaths) -> Tables:
    """Parse every disclosure under ``data/raw/<year>/`` (``.txt`` and ``.pdf``) and stack the tables.

    A PDF beside a ``.txt`` of the same name is the same document: the text is
    read (it may have been corrected by hand) and the PDF skipped, with a log line.

    Raises:
        InputError: when the year has no readable file.
    """
    files = paths.raw_files(year)
    stems_with_text = {f.stem for f in files if f.suffix.lower() == ".txt"}
    for pdf in [f for f in files if f.suffix.lower() == ".pdf" and f.stem in stems_with_text]:
        logger.info("[%s] %s: skipped, its text %s.txt is read instead", year, pdf.name, pdf.stem)
        files.remove(pdf)
    parts = []
    for i, path in enumerate(files, 1):
        logger.info("[%s] parsing %d/%d %s", year, i, len(files), path.name)
        parts.append(parse_file(path, year=year))
    return concat_tables(parts)


# --- the document ------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every record of one file carries, and the lines already used."""

    source_file: str
    path: str | Path
    year: int | None
    used: set[int] = field(default_factory=set)
    unparsed: list[dict] = field(default_factory=list)
    folder_year: int | None = None  # the year given by the caller (the data/raw/<year>/ folder)

    def __post_init__(self) -> None:
        self.folder_year = self.year

    def reported(self, line: SourceLine) -> bool:
        """Whether ``line`` is already in the unparsed report."""
        return any(r["line"] == line.lineno for r in self.unparsed)

    def report(self, line: SourceLine, reason: str, project_id: str | None = None) -> None:
        self.used.add(line.lineno)
        self.unparsed.append(
            {
                "source_file": self.source_file,
                "line": line.lineno,
                "page": line.page,
                "project_id": project_id,
                "text": line.text.strip(),
                "reason": reason,
            }
        )


def parse_lines(
    lines: Sequence[SourceLine], source_file: str, year: int | None = None, path: str | Path | None = None
) -> Tables:
    """Parse the lines of one disclosure into tables.

    Args:
        lines: the document's lines (normalised here with :func:`~budgetkit.normalize.normalize_text`,
            which is idempotent, so lines from the readers may be passed as they are).
        source_file: file name recorded in every row.
        year: budget year used where a table prints none.
        path: the file, named in errors (defaults to ``source_file``).

    Raises:
        InputError: when no line starts with 项目名称.
        TruncatedTableError: when no table of the file reaches its indicator rows (a file whose
            other tables are whole keeps them, and the table that stops early is marked partial).
    """
    ctx = _Context(source_file, path or source_file, year)
    lines = [replace(ln, text=normalize_text(ln.text)) for ln in lines]
    layout, lines = detect_layout(lines)
    starts = [i for i, line in enumerate(lines) if _NAME_RE.match(line.text)]
    if not starts:
        first = next((ln for ln in lines if ln.text.strip()), lines[0] if lines else SourceLine("", 1))
        raise InputError(
            "no 项目名称 line: not a project performance-target table", path=ctx.path, line=first.lineno,
            text=first.text.strip()[:60],
        )
    block_starts = [_table_start(lines, i) for i in starts]
    documents = [{**parse_preamble(lines[: block_starts[0]], ctx), "layout": layout.name}]
    projects, indicators = [], []
    bounds = [*block_starts, len(lines)]
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False), 1):
        project, rows = _parse_table(lines[lo:hi], ctx, k, last=hi == len(lines))
        projects.append(project)
        indicators.extend(rows)
    errors = [p.pop("error") for p in projects if "error" in p]
    if errors and not indicators:
        raise errors[0]  # nothing whole to keep: no table of the file reaches its indicator rows
    for p in projects:
        if p["status"] == "partial":
            logger.warning("%s: table %s (%s) kept as partial: %s", source_file, p["project_id"],
                           p.get("project"), p["status_reason"])
    for line in lines:
        if line.text.strip() and line.lineno not in ctx.used:
            ctx.report(line, "line not understood")
    tables = Tables(
        documents=conform(pd.DataFrame(documents), "documents"),
        projects=conform(pd.DataFrame(projects), "projects"),
        indicators=_with_values(indicators, projects),
        unparsed=conform(pd.DataFrame(ctx.unparsed), "unparsed").sort_values("line", kind="stable"),
    )
    tables.unparsed = tables.unparsed.reset_index(drop=True)
    logger.info(
        "%s: %d projects, %d indicators, %d lines not understood",
        source_file, len(tables.projects), len(tables.indicators), len(tables.unparsed),
    )
    return tables


def _table_start(lines: Sequence[SourceLine], name_index: int) -> int:
    """Index of the first line of the table whose 项目名称 is at ``name_index`` (title, year, unit lines)."""
    start = name_index
    i = name_index - 1
    while i >= 0:
        text = lines[i].text
        if not text.strip():
            i -= 1
            continue
        if _TITLE_RE.search(text) or _YEAR_RE.match(text) or _UNIT_RE.match(text):
            start = i
            i -= 1
            continue
        break
    return start


def parse_preamble(lines: Sequence[SourceLine], ctx: _Context) -> dict:
    """Read the covering notice before the first table: title, notice, attachment, publisher, date.

    Paragraphs are separated by blank lines. The first paragraph is the title, a
    ``附件:`` line the attachment, a date line the publish date and the line just
    above it the publisher; the other paragraphs make the notice.
    """
    record: dict = {"source_file": ctx.source_file}
    nonblank = [ln for ln in lines if ln.text.strip()]
    if not nonblank:
        return record
    record["line_start"], record["line_end"] = nonblank[0].lineno, nonblank[-1].lineno
    paragraphs: list[list[SourceLine]] = [[]]
    for line in lines:
        if line.text.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    notice: list[str] = []
    for n, para in enumerate(paragraphs):
        joined = "".join(ln.text.strip() for ln in para)
        attachment = _ATTACHMENT_RE.match(joined)
        last = para[-1].text
        date = _DATE_RE.match(last)
        if n == 0:
            record["title"] = joined
        elif attachment:
            record["attachment"] = attachment.group(1).strip()
        elif date:
            record["publish_date"] = f"{int(date[1]):04d}-{int(date[2]):02d}-{int(date[3]):02d}"
            if len(para) > 1:
                record["publisher"] = "".join(ln.text.strip() for ln in para[:-1])
        else:
            notice.append(joined)
        ctx.used.update(ln.lineno for ln in para)
    if notice:
        record["notice"] = "\n".join(notice)
    return record


# --- one table ---------------------------------------------------------------------------------------------


def _parse_table(
    lines: Sequence[SourceLine], ctx: _Context, k: int, last: bool = False
) -> tuple[dict, list[dict]]:
    """Parse one table's lines into a project record and its indicator records.

    A table that stops early is kept with ``status`` ``partial`` and the reason:
    before its goal or indicator header, without indicator rows, or (the last
    table of the file) on an indicator without a value or before any 满意度指标 row.
    """
    stem = Path(ctx.source_file).stem
    project_id = f"{stem}#{k:02d}"
    nonblank = [ln for ln in lines if ln.text.strip()]
    record: dict = {
        "project_id": project_id,
        "year": ctx.year,
        "source_file": ctx.source_file,
        "line_start": nonblank[0].lineno,
        "line_end": max(ln.last_lineno for ln in nonblank),
        "page_start": nonblank[0].page,
        "page_end": nonblank[-1].page,
    }
    scale = 1.0
    i = 0
    while not _NAME_RE.match(lines[i].text):
        text = lines[i].text.strip()
        if _TITLE_RE.search(text):
            record["table_title"] = text
            if (m := _TITLE_YEAR_RE.match(text)) is not None:
                record["year"] = int(m[1])  # 2024年度项目支出绩效目标表
        elif (m := _YEAR_RE.match(text)) is not None:
            record["year"] = int(m[1])
        elif (m := _UNIT_RE.match(text)) is not None:
            record["unit_label"] = m[1]
            scale = 1.0 if m[1] == "万元" else 1e-4
        if text:
            ctx.used.add(lines[i].lineno)
        i += 1
    if record["year"] != ctx.year:
        if ctx.folder_year is not None and record["year"] != ctx.folder_year:
            logger.warning("%s: table %d prints year %s, not %s (its folder); the printed year is kept",
                           ctx.source_file, k, record["year"], ctx.folder_year)
        ctx.year = record["year"]  # later tables of the file that print no year share it
    name_line = lines[i]
    goal_at = _find(lines, _GOAL_RE, i)
    header = find_indicator_header(lines, i)
    if header is not None and goal_at is not None and header.first < goal_at:
        header = None
    record["status"] = "complete"
    if goal_at is None or header is None:
        # The table stops early: read the cells it has, and keep it as partial.
        missing = "年度总体绩效目标" if goal_at is None else "一级指标 二级指标 三级指标 指标值"
        _parse_header(lines[i : goal_at if goal_at is not None else len(lines)], record, ctx, scale)
        if goal_at is not None:
            _parse_goal(lines[goal_at:], record, ctx)
        error = TruncatedTableError(
            f"table {k} ({_NAME_RE.sub('', name_line.text).strip()}) stops before its {missing} line; "
            f"last line of the table is {nonblank[-1].lineno}",
            path=ctx.path, line=name_line.lineno, text=nonblank[-1].text.strip()[:60],
        )
        return _partial(record, error), []
    _parse_header(lines[i:goal_at], record, ctx, scale)
    _parse_goal(lines[goal_at : header.first], record, ctx)
    ctx.used.update(ln.lineno for ln in lines[header.first : header.last + 1])
    record["indicator_columns"] = "|".join(header.labels)
    if header.trailing != ("value",):
        logger.info("%s: table %d has indicator columns %s", ctx.source_file, k, record["indicator_columns"])
    rows = parse_indicator_lines(lines[header.last + 1 :], ctx, project_id, header)
    record["indicator_count"] = len(rows)
    if not rows:
        error = TruncatedTableError(
            f"table {k} ({record.get('project')}) has no indicator rows after its header at line "
            f"{lines[header.first].lineno}; the table stops here",
            path=ctx.path, line=nonblank[-1].lineno, text=nonblank[-1].text.strip()[:60],
        )
        return _partial(record, error), []
    placeholder = [row.pop("_placeholder") for row in rows]
    for row in rows:
        row.update(project_id=project_id, project=record.get("project"),
                   implementing_unit=record.get("implementing_unit"), source_file=ctx.source_file)
    if last and rows[-1].get("value") is None and not placeholder[-1]:
        record.update(status="partial", status_reason=f"the file ends at line {rows[-1]['line_end']}, "
                      "on an indicator without a value")
    elif last and "满意度指标" not in {r.get("level1") for r in rows}:
        record.update(status="partial", status_reason=f"the file ends at line {nonblank[-1].lineno}, "
                      "before any 满意度指标 row")
    return record, rows


def _partial(record: dict, error: TruncatedTableError) -> dict:
    """Mark a table that stops early as partial; the error is raised only if no table of the file has rows."""
    record.update(status="partial", status_reason=error.message, error=error)
    return record


def _find(lines: Sequence[SourceLine], pattern: re.Pattern[str], start: int) -> int | None:
    return next((j for j in range(start, len(lines)) if pattern.match(lines[j].text)), None)


def _parse_header(lines: Sequence[SourceLine], record: dict, ctx: _Context, scale: float) -> None:
    """Read the header cells from 项目名称 up to the goal label into ``record``."""
    # The project name: the 项目名称 line and any wrapped lines before the next label line.
    name_parts: list[str] = []
    j = 0
    while j < len(lines):
        text = lines[j].text.strip()
        if j > 0 and text and _HEADER_RE.match(text):
            break
        if text:
            name_parts.append(_NAME_RE.sub("", text, count=1).strip() if j == 0 else text)
            ctx.used.add(lines[j].lineno)
        j += 1
    record["project"] = "".join(name_parts)
    # Label scanning over the rest, joined without separators (labels wrap mid-word).
    chars: list[str] = []
    owners: list[SourceLine] = []
    for line in lines[j:]:
        text = line.text.strip()
        chars.extend(text)
        owners.extend([line] * len(text))
        if text:
            ctx.used.add(line.lineno)
    joined = "".join(chars)
    matches = list(_HEADER_RE.finditer(joined))
    if matches and matches[0].start() > 0:
        _leftover(joined[: matches[0].start()], owners[0], ctx, record, "text before the first header label")
    block = None
    for m, nxt in zip(matches, [*matches[1:], None], strict=False):
        name = m.lastgroup
        assert name is not None
        raw = joined[m.end() : nxt.start() if nxt else len(joined)]
        value = "".join(raw.split())
        owner = owners[m.start()]
        if name in ("own_level", "transfer"):
            block = name
            if value:
                _leftover(value, owner, ctx, record, f"text after the {m.group(0)} label")
        elif name == "fund_total":
            target = {None: "annual_total", "own_level": "own_level", "transfer": "transfer"}[block]
            _set_money(record, f"{target}_wan", value, owner, ctx, scale)
        elif name == "annual_total":
            _set_money(record, "annual_total_wan", value, owner, ctx, scale)
        elif name in _TEXT_FIELDS:
            record[name] = value
        else:
            _set_money(record, _MONEY_FIELDS[name], value, owner, ctx, scale)
    _split_attribute(record)
    if "annual_total_wan" not in record or pd.isna(record.get("annual_total_wan")):
        record["annual_total_wan"] = _sum_printed(record, ("own_level_wan", "transfer_wan"))
    if _printed(record.get("total_wan")):
        record["total_basis"] = "printed"
    elif (total := _sum_printed(record, _SOURCE_FIELDS)) is not None:
        # 中央资金 180 省级资金 60 市县资金 40 and no 项目总额: the total is the sum of its sources
        record["total_wan"], record["total_basis"] = total, "sum of sources"
        if not _printed(record.get("annual_total_wan")):
            record["annual_total_wan"] = total


#: Amounts by source of funds, which add up to the total where a table prints no total.
_SOURCE_FIELDS = ("central_wan", "regional_wan", "local_wan", "other_wan")


def _printed(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _sum_printed(record: dict, keys: Sequence[str]) -> float | None:
    printed = [record[k] for k in keys if _printed(record.get(k))]
    return round(sum(printed), 6) if printed else None


def _set_money(record: dict, key: str, value: str, owner: SourceLine, ctx: _Context, scale: float) -> None:
    if not value:
        record.setdefault(key, None)
    elif _NUMBER_RE.match(value.replace(",", "")):
        record[key] = round(float(value.replace(",", "")) * scale, 6)
    else:
        record.setdefault(key, None)
        _leftover(value, owner, ctx, record, f"{key}: not an amount")


def _leftover(text: str, owner: SourceLine, ctx: _Context, record: dict, reason: str) -> None:
    if _LEFTOVER_RE.match(text):
        return
    ctx.unparsed.append(
        {"source_file": ctx.source_file, "line": owner.lineno, "page": owner.page,
         "project_id": record.get("project_id"), "text": text, "reason": reason}
    )


def _split_attribute(record: dict) -> None:
    attribute = record.get("attribute") or ""
    if (m := _ATTRIBUTE_RE.match(attribute)) is not None:
        record["attribute_code"], record["attribute_kind"] = m[1], m[2]
    period = record.get("period") or ""
    if (m := _PERIOD_RE.match(period)) is not None:
        record["period_years"] = float(m[1])


def _parse_goal(lines: Sequence[SourceLine], record: dict, ctx: _Context) -> None:
    """Join the goal narrative; the label (年度总体 / 绩效目标) may share a line with the text."""
    parts = []
    for n, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        ctx.used.add(line.lineno)
        if n == 0:
            text = _GOAL_RE.sub("", text, count=1).strip()
        elif not parts and _GOAL_TAIL_RE.match(text):
            text = _GOAL_TAIL_RE.sub("", text, count=1).strip()
        if text:
            parts.append(text)
    record["goal"] = "".join(parts)


# --- the indicator section ---------------------------------------------------------------------------------


@dataclass
class _Cell:
    """A level-3 indicator being assembled from its lines."""

    level1: tuple[str | None, str | None]  # (canonical, printed)
    level2: tuple[str | None, str | None]
    name: list[str]
    value: list[str] = field(default_factory=list)
    lines: list[SourceLine] = field(default_factory=list)
    lone_value: bool = False  # the last value fragment stood alone on its line
    confidence: str = "high"
    cells: list[str] = field(default_factory=list)  # the cells after the name on its first line
    row_cells: tuple[str, ...] | None = None  # the row's own cells, blank ones included (PDF rows)
    placeholder: bool = False  # the value printed was template placeholder text, so it was cleared

    def record(self, trailing: tuple[str, ...] = ("value",)) -> dict:
        value = "".join(self.value) if self.value else None
        extra: dict = {}
        if trailing != ("value",) and self.row_cells is not None and len(self.row_cells) > len(trailing):
            extra = split_cells(self.row_cells[-len(trailing) :], trailing, positional=True)
            value = "".join([extra.pop("value", ""), *self.value[1:]]) or None
            extra.pop("measure_unit", None)
        elif trailing != ("value",) and self.cells:
            extra = split_cells(self.cells, trailing)
            value = extra.pop("value") + "".join(self.value[1:])
            extra.pop("measure_unit", None)
            self.confidence = _lowest(self.confidence, extra.pop("confidence", None))
        return {
            **extra,
            "level1": self.level1[0],
            "level2": self.level2[0],
            "level1_printed": self.level1[1],
            "level2_printed": self.level2[1],
            "indicator": "".join(self.name),
            "value": value,
            "line_start": self.lines[0].lineno,
            "line_end": max(ln.last_lineno for ln in self.lines),
            "page_start": self.lines[0].page,
            "page_end": self.lines[-1].page,
            "confidence": _lowest(self.confidence, *(ln.confidence for ln in self.lines)) if value else "low",
            "_placeholder": self.placeholder,
        }


_CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}


def _lowest(*levels: str | None) -> str:
    """The lowest of the confidence levels given (``None`` is no opinion).

    Examples:
        >>> _lowest("high", None, "medium")
        'medium'
    """
    return min((lv for lv in levels if lv is not None), key=_CONFIDENCE_RANK.__getitem__)


def _continues(prev: str, frag: str, column: str) -> bool:
    """Whether ``frag`` (a line alone) continues the cell whose last fragment was ``prev``, by lexical rules.

    Examples:
        >>> _continues("在基层社区开设不少于20门公益课", "程，让职工群众在家门口享受丰富的", "value")
        True
        >>> _continues("提高劳模荣誉感", "和获得感", "value")
        True
        >>> _continues("劳动光荣的社会风尚和精益求精的敬业精", "神", "name")
        True
        >>> _continues("对劳模群体的影响力", "提高劳模荣誉感", "name")
        False
    """
    if len(frag) == 1 and unicodedata.east_asian_width(frag) == "W":
        return True
    if frag[0] in _CLOSING or (len(frag) > 1 and frag[1] in _CLOSING and not frag[0].isdigit()):
        return True
    if prev and prev[-1] in _OPENING:
        return True
    return column == "value" and frag[0] in _VALUE_PARTICLES


def _match_label(tokens: list[str]) -> _Label | None:
    return _labels().get(tokens[0]) if tokens else None


def parse_indicator_lines(
    lines: Sequence[SourceLine], ctx: _Context, project_id: str, header: IndicatorHeader | None = None
) -> list[dict]:
    """Read the indicator section of one table into records (level1, level2, indicator, value, lines).

    Two passes: the first joins wrapped cells by lexical rules only and measures
    the widest value fragment of the table; the second also takes a lone value
    fragment within :data:`_FULL_SLACK_EM` of that width as cut off by its cell
    border (confidence ``low``). Where the ``header`` has columns after 三级指标
    other than 指标值, the cells of a row are assigned to them by
    :func:`~budgetkit.columns.split_cells`.
    """
    trailing = header.trailing if header is not None else ("value",)
    cells, widest = _assemble(lines, ctx, project_id, full_em=None, dry_run=True)
    cells, _ = _assemble(lines, ctx, project_id, full_em=widest - _FULL_SLACK_EM, dry_run=False)
    return [c.record(trailing) for c in cells]


def _assemble(
    lines: Sequence[SourceLine], ctx: _Context, project_id: str, full_em: float | None, dry_run: bool
) -> tuple[list[_Cell], float]:
    cells: list[_Cell] = []
    widest = 0.0
    none: tuple[str | None, str | None] = (None, None)
    level1, level2 = none, none
    group1 = level1  # the level-1 group of the rows: level1, or the group a regrouping level-2 label names
    current: _Cell | None = None
    state = "done"  # "name": name without value yet; "value": value being read; "done": nothing open

    def close() -> None:
        nonlocal current, state
        if current is not None and is_placeholder("".join(current.name)):
            if not dry_run:  # an unfilled template row: not an indicator
                for line in current.lines:
                    ctx.report(line, "template placeholder row (level-3 name left unfilled)", project_id)
        elif current is not None:
            if current.value and is_placeholder("".join(current.value)):
                if not dry_run:
                    ctx.report(current.lines[0], "template placeholder text in the value", project_id)
                current.value, current.cells, current.placeholder = [], [], True
            cells.append(current)
            if not current.value and not dry_run and not ctx.reported(current.lines[0]):
                ctx.report(current.lines[0], "level-3 indicator without a value", project_id)
        current, state = None, "done"

    def full(fragment: str) -> bool:
        return full_em is not None and _width(fragment) >= max(full_em, _MIN_FULL_EM)

    n = 0
    while n < len(lines):
        line = lines[n]
        n += 1
        tokens = line.text.split()
        if not tokens:
            continue
        # A level label wrapped over lines (满意度 / 指标, 满意度指 / 标): join single-token lines.
        if len(tokens) == 1 and tokens[0] not in _labels():
            joined, used, m = tokens[0], [line], n
            while m < len(lines) and len(used) < 4 and any(lb.startswith(joined) for lb in _labels()):
                nxt = lines[m].text.split()
                m += 1
                if not nxt:
                    continue
                if len(nxt) != 1 and joined + nxt[0] not in _labels():
                    break
                joined += nxt[0]
                used.append(lines[m - 1])
                if joined in _labels():
                    if len(nxt) > 1:
                        tokens = [joined, *nxt[1:]]
                    else:
                        tokens = [joined]
                    line = used[-1]
                    n = m
                    if not dry_run:
                        ctx.used.update(u.lineno for u in used)
                    break
        # Labels at the start of the line set the carried-down hierarchy.
        label_taken = False
        while (hit := _match_label(tokens)) is not None:
            rest = tokens[1:]
            if len(rest) == 1 and _VALUE_START_RE.match(rest[0]):
                break  # "服务对象满意度 ≥90%": the label is the level-3 name here
            close()
            if hit.level == 1:
                level1, level2 = (hit.canonical, tokens[0]), none
            elif hit.parent is not None and level1[0] != hit.parent and level2[0] == hit.parent:
                # 成本指标 read as level 2 turns out to head level-2 cost labels (财预〔2021〕101号 templates)
                level1, level2 = level2, (hit.canonical, tokens[0])
            else:
                level2 = (hit.canonical, tokens[0])
            # 服务对象满意度指标 printed under 效益指标 (older templates) counts as 满意度指标
            group1 = (hit.parent, level1[1]) if hit.level == 2 and hit.regroup and hit.parent else level1
            tokens = rest
            label_taken = True
        if not dry_run:
            ctx.used.add(line.lineno)
        if not tokens:
            continue
        if len(tokens) == 1:
            frag = tokens[0]
            if state == "name" and current is not None:
                if _continues(current.name[-1], frag, "name"):
                    current.name.append(frag)
                    current.confidence = "medium"
                else:
                    current.value.append(frag)
                    current.lone_value, state = True, "value"
                    widest = max(widest, _width(frag))
                current.lines.append(line)
            elif state == "value" and current is not None and (
                (lexical := _continues(current.value[-1], frag, "value"))
                or (current.lone_value and full(current.value[-1]))
            ):
                current.value.append(frag)
                current.lines.append(line)
                current.lone_value = True
                current.confidence = "medium" if lexical and current.confidence == "high" else (
                    current.confidence if lexical else "low")
                widest = max(widest, _width(frag))
            else:
                close()
                current, state = _Cell(group1, level2, [frag], lines=[line]), "name"
            continue
        # Two or more tokens: a name and its value, or a wrapped value that held a space.
        if (
            not label_taken
            and state == "value"
            and current is not None
            and current.lone_value
            and full(current.value[-1])
        ):
            current.value.append(join_cells(tokens))
            current.lines.append(line)
            current.confidence = "low"
            continue
        close()
        value = join_cells(tokens[1:])
        current = _Cell(group1, level2, [tokens[0]], [value], lines=[line], cells=tokens[1:],
                        row_cells=line.cells)
        state = "value"
        widest = max(widest, _width(value))
    close()
    return cells, widest


def _with_values(indicators: list[dict], projects: list[dict]) -> pd.DataFrame:
    """Number the indicators within each project and add the parsed 指标值 columns."""
    frame = pd.DataFrame(indicators)
    if frame.empty:
        return conform(frame, "indicators")
    frame["seq"] = frame.groupby("project_id", sort=False).cumcount() + 1
    years = {p["project_id"]: p.get("year") for p in projects}
    parsed = []
    for pid, group in frame.groupby("project_id", sort=False):
        values = group["value"].fillna("").tolist()
        present = [v for v in values if v]
        out = parse_indicator_values(present, year=years.get(pid))
        out.index = group.index[[bool(v) for v in values]]
        parsed.append(out)
    frame = frame.join(pd.concat(parsed)) if parsed else frame
    return conform(frame, "indicators")
