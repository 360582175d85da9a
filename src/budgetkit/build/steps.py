"""The steps of the notebooks: one function per cell, so the notebooks stay thin.

Each function takes the validated :class:`~budgetkit.report.params.NotebookParams`
(or the table an earlier step returned), does one thing, writes what it
produces under the year's folders and returns something a notebook shows: a
:class:`~budgetkit.report.display.ReadingTable` (full text, Chinese headers from
the field dictionary, every column the dictionary defines that holds a value)
or a :class:`~budgetkit.report.plots.SavedFigure` (the figure, shown as the PNG it was
saved to). A plain script can call the same functions in the same order
(``benchmarks/bench.py`` does, to measure what the notebook layer costs).

=============  =====================================================================
notebook       steps
=============  =====================================================================
01_clean       :func:`clean_year`, :func:`show_counts`, :func:`show_skipped`,
               :func:`show_quality`, :func:`show_projects`, :func:`show_indicators`,
               :func:`show_unparsed`
02_costs       :func:`reconcile_year`, :func:`show_cost_status`, :func:`show_costs`,
               :func:`show_terms`, :func:`achievement_year`, :func:`show_achievement`
03_audit       :func:`audit_year`, :func:`show_audit_summary`, :func:`show_qualitative`,
               :func:`show_findings`
04_figures     :func:`figure_budget`, :func:`figure_costs`, :func:`figure_unit_costs`,
               :func:`figure_qualitative`, :func:`figure_audit`
05_compare     :func:`compare_budgets`, :func:`compare_unit_costs`, :func:`figure_compare`,
               :func:`figure_compare_unit_costs`
=============  =====================================================================

Examples:
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from budgetkit.report.params import validate_params
    >>> root = Path(tempfile.mkdtemp())
    >>> seed = Path(__file__).resolve().parents[3] / "data/raw/2025"
    >>> _ = shutil.copytree(seed, root / "data/raw/2025")
    >>> params = validate_params({"year": 2025, "root": str(root)}, "01_clean")
    >>> tables = clean_year(params)
    >>> show_counts(tables).frame["rows"].tolist()
    [1, 11, 144, 0, 0]
    >>> costs = reconcile_year(params)
    >>> costs.loc[0, ["implied_wan", "budget_wan"]].astype(float).tolist(), costs.loc[0, "status"]
    ([886.86, 886.8], 'closes')
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.analyse.achievement import achievement_frame, achievement_tables
from budgetkit.analyse.audit import summarize_audit
from budgetkit.analyse.compare import compare_projects, compare_publishers, compare_rates, compare_targets, lineages
from budgetkit.analyse.links import link_projects, read_decisions
from budgetkit.analyse.reconcile import ANALYSIS_TOLERANCE_PCT, reconcile_and_price
from budgetkit.analyse.rules101 import audit_projects
from budgetkit.errors import InputError
from budgetkit.model.csvsafe import escape_frame
from budgetkit.model.fields import columns, read_metadata
from budgetkit.model.tables import Tables, concat_tables, read_frame, read_tables, write_frames, write_tables
from budgetkit.parse import NO_TABLE_FOUND
from budgetkit.report.codes import code_label, code_words
from budgetkit.report.display import ReadingTable, dictionary_table
from budgetkit.report.failures import DUPLICATE, reader_reason, relativise
from budgetkit.report.params import NotebookParams
from budgetkit.report.review import findings_by_department, rule_words
from budgetkit.report.summarize import qualitative_shares
from budgetkit.scale.batch import parse_year

if TYPE_CHECKING:
    from budgetkit.report.plots import SavedFigure

__all__ = [
    "achievement_year",
    "audit_year",
    "clean_year",
    "compare_budgets",
    "compare_unit_costs",
    "downloads",
    "figure_audit",
    "figure_budget",
    "figure_compare",
    "figure_compare_unit_costs",
    "figure_costs",
    "figure_qualitative",
    "figure_unit_costs",
    "file_progress",
    "load_year",
    "read_year",
    "reconcile_year",
    "show_achievement",
    "show_audit_summary",
    "show_cost_status",
    "show_costs",
    "show_counts",
    "show_findings",
    "show_findings_by_department",
    "show_indicators",
    "show_projects",
    "show_qualitative",
    "show_quality",
    "show_skipped",
    "show_terms",
    "show_unparsed",
]

logger = logging.getLogger(__name__)

#: Folder name under ``figures/`` and ``reports/`` for the cross-year comparison.
COMPARE_DIR = "compare"

# --- 01_clean --------------------------------------------------------------------------------------------


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
    from IPython.display import display

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


def downloads(params: NotebookParams | None) -> Path | None:
    """Where a long table of the run's page is written whole as CSV: ``tables/`` beside the page.

    The year's pages are ``reports/<year>/``, the comparison's ``reports/compare/``; ``None`` without params.

    Examples:
        >>> from budgetkit.report.params import validate_params
        >>> downloads(validate_params({"year": 2025, "root": "/tmp/bk"}, "02_costs")).as_posix()
        '/tmp/bk/reports/2025/tables'
    """
    if params is None:
        return None
    folder = COMPARE_DIR if params.notebook == "05_compare" else str(params.year)
    return params.paths.reports / folder / "tables"


def load_year(params: NotebookParams, year: int | None = None) -> Tables:
    """Read the tidy tables of ``year`` (default: the run's year) back from ``data/processed``."""
    return read_tables(params.paths.processed_year(year or params.year))


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


# --- 02_costs --------------------------------------------------------------------------------------------


def reconcile_year(params: NotebookParams) -> pd.DataFrame:
    """Reconcile each project's quantity × unit-cost targets with its budget; write ``costs``, ``terms``.

    Each project is priced once for both (:func:`~budgetkit.analyse.reconcile.reconcile_and_price`); 03_audit reads
    them.
    """
    tables = load_year(params)
    costs, terms = reconcile_and_price(tables.projects, tables.indicators, tolerance_pct=ANALYSIS_TOLERANCE_PCT)
    names = tables.projects[["project_id", "project", "implementing_unit"]]
    terms = terms.merge(names, on="project_id", how="left")
    write_frames({"costs": costs, "terms": terms}, params.paths.processed_year(params.year))
    return costs


def show_cost_status(costs: pd.DataFrame) -> ReadingTable:
    """Projects and budget per reconciliation status.

    Examples:
        >>> t = show_cost_status(pd.DataFrame({"status": ["closes", "closes", "not_priceable"],
        ...                                    "budget_wan": [1.0, 2.0, 3.0]}))
        >>> t.display_frame().values.tolist()
        [['吻合 closes', '2', '3', '50.0%'], ['无法测算 cannot be priced', '1', '3', '50.0%']]
    """
    grouped = costs.groupby("status", sort=False)["budget_wan"].agg(projects="size", budget_wan="sum")
    frame = grouped.reset_index().sort_values("projects", ascending=False, kind="stable")
    total = frame["budget_wan"].sum()
    frame["share"] = frame["budget_wan"] / total * 100 if total else float("nan")
    labels = {
        "projects": ("项目数", "projects"),
        "budget_wan": ("预算金额", "budget", "万元"),
        "share": ("预算占比", "share of budget", "%"),
    }
    return ReadingTable(
        frame.reset_index(drop=True),
        "costs",
        caption="测算结论 reconciliation status",
        name="cost-status",
        labels=labels,
    )


def show_costs(costs: pd.DataFrame, params: NotebookParams | None = None) -> ReadingTable:
    """Implied cost against budget per project, with the whole arithmetic in Chinese and English."""
    return dictionary_table(costs, "costs", "各项目测算 per project", "costs", downloads=downloads(params))


def show_terms(params: NotebookParams) -> ReadingTable:
    """Every priced term (quantity × unit cost = subtotal) of every project (searchable)."""
    terms = read_frame(params.paths.processed_year(params.year), "terms")
    return dictionary_table(
        terms,
        "terms",
        "测算项 priced terms",
        f"{params.year}-terms",
        empty="没有可测算的项 no term could be priced",
        downloads=downloads(params),
    )


def achievement_year(params: NotebookParams) -> pd.DataFrame:
    """Judge every row of the year's 自评表 (met, rate) and each table (execution rate, score total).

    Writes ``achievement`` and ``achievement_tables`` (:mod:`budgetkit.analyse.achievement`); returns the rows.
    """
    tables = load_year(params)
    rows = achievement_frame(tables)
    write_frames({"achievement": rows, "achievement_tables": achievement_tables(tables)},
                 params.paths.processed_year(params.year))
    return rows


def show_achievement(rows: pd.DataFrame, params: NotebookParams | None = None) -> ReadingTable:
    """The self-evaluations' targets not met (``no``) or met in part, with target, actual and rate side by side."""
    missed = rows[rows["met"].isin(["no", "partly"])] if "met" in rows else rows
    return dictionary_table(missed, "achievement", "未完成的目标 targets not met", "achievement",
                            empty="没有未完成的目标（或本年无自评表） no target missed (or no self-evaluation)",
                            downloads=downloads(params))


# --- 03_audit --------------------------------------------------------------------------------------------


def audit_year(params: NotebookParams) -> pd.DataFrame:
    """Audit the year's targets by the rules of 财预〔2021〕101号 (R1–R31); write ``audit.csv``.

    Each table is judged in its own context (the year it prints, its kind, partial or whole, its
    template; :mod:`budgetkit.analyse.rules101`); R24 reads 02_costs' reconciliation. Every severity is kept
    (``info`` too), each finding with its rule, clause and messages; ``audit_skipped.csv`` lists the
    rules not applied to a project and why (a partial table, a 自评表 …), for the pages to say so.
    """
    tables = load_year(params)
    folder = params.paths.processed_year(params.year)
    result = audit_projects(tables.projects, tables.indicators, header_extras=tables.header_extras,
                            costs=read_frame(folder, "costs"))
    write_frames({"audit": result.findings, "audit_skipped": result.skipped}, folder)
    return result.findings


def show_audit_summary(findings: pd.DataFrame) -> ReadingTable:
    """Findings and projects per rule, every rule listed (zero where nothing was found)."""
    summary = summarize_audit(findings)[["rule", "en", "severity", "findings", "projects"]]
    clauses = {rule: words["clause"] for rule, words in rule_words().items()}
    summary.insert(2, "clause", summary["rule"].map(clauses).fillna(""))
    labels = {
        "en": ("规则（英文）", "rule in English"),
        "findings": ("问题数", "findings"),
        "projects": ("涉及项目数", "projects"),
    }
    return ReadingTable(summary, "audit", caption="各规则 per rule", name="audit-summary", labels=labels)


def show_qualitative(params: NotebookParams) -> ReadingTable:
    """Every project's share of qualitative or text targets (not only the projects the audit flags)."""
    tables = load_year(params)
    labels = {
        "indicators": ("三级指标数", "indicators"),
        "qualitative": ("定性指标数", "qualitative"),
        "qualitative_pct": ("定性指标占比", "qualitative share", "%"),
        "flagged": ("超过上限", "above the limit"),
    }
    shares = qualitative_shares(tables.projects, tables.indicators).drop(columns="project_id")
    return ReadingTable(
        shares,
        "projects",
        caption="各项目定性指标占比 qualitative share of every project",
        name=f"{params.year}-qualitative",
        labels=labels,
        downloads=downloads(params),
    )


def partial_note() -> str:
    """What a finding on a table cut short says first (``codes.csv``: audit, detail_prefix, partial).

    Examples:
        >>> partial_note()
        '【表格不完整，仅供参考 partial table】'
    """
    return code_words("audit", "detail_prefix", "partial")[0]


def show_findings(findings: pd.DataFrame, params: NotebookParams | None = None) -> ReadingTable:
    """Every finding with its whole detail, Chinese headers; a finding on a partial table says so first."""
    shown = findings
    if params is not None and len(findings) and "detail" in findings.columns:
        projects = read_frame(params.paths.processed_year(params.year), "projects")
        partial = set(projects.loc[projects["status"].eq("partial"), "project_id"])
        if partial:
            cut = findings["project_id"].isin(partial)
            shown = findings.assign(detail=findings["detail"].where(
                ~cut, partial_note() + findings["detail"].fillna("").astype(str)))
    return dictionary_table(shown, "audit", "问题清单 findings", "findings", empty="无问题 no findings",
                            downloads=downloads(params))



def show_findings_by_department(findings: pd.DataFrame, params: NotebookParams) -> ReadingTable:
    """Findings per department and rule (with the rule's clause): where the year's problems lie."""
    projects = read_frame(params.paths.processed_year(params.year), "projects")
    frame = findings_by_department(findings, projects)
    labels = {"department": ("主管部门", "department"), "findings": ("问题数", "findings"),
              "projects": ("涉及项目数", "projects")}
    return ReadingTable(frame, "audit", caption="各部门、各规则 per department and rule",
                        name=f"{params.year}-findings-by-department", labels=labels,
                        downloads=downloads(params))


# --- 04_figures ------------------------------------------------------------------------------------------


def _figure(folder: Path, name: str, plot: str, *frames: pd.DataFrame, params: NotebookParams | None = None,
            caption: str = "", source: str = "") -> SavedFigure:
    """Draw ``frames`` with ``budgetkit.report.plots.<plot>``, save it as ``<folder>/<name>.png``, return both.

    With ``params``, the page links the image at full size and its source table (``source``: a table of
    ``data/processed/<year>/``, or several joined by ``、``), relative to the page.
    """
    from budgetkit.report import plots

    fig = getattr(plots, plot)(*frames)
    path = plots.save_figure(fig, folder / f"{name}.png")
    logger.info("figure %s", path)
    href = source_href = ""
    shown = source
    if params is not None:
        page = downloads(params).parent
        href = Path(os.path.relpath(path, page)).as_posix()
        tables = source.split("、") if source else []
        years = [params.year] if params.notebook != "05_compare" else params.paths.processed_years()
        files = [f"data/processed/{y}/{t}.csv" for y in years for t in tables]
        shown = "、".join(files)
        if len(files) == 1:
            source_href = Path(os.path.relpath(params.paths.root / files[0], page)).as_posix()
    return plots.SavedFigure(fig, path, caption=caption, source=shown, href=href, source_href=source_href)


def figure_budget(params: NotebookParams) -> SavedFigure:
    """Budget by project (``figures/<year>/budget_by_project.png``)."""
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "budget_by_project", "plot_budget_by_project", load_year(params).projects,
                   params=params, source="projects",
                   caption="各项目的项目总额（万元），按金额排列 each project's total budget, largest first")


def figure_costs(params: NotebookParams) -> SavedFigure:
    """Implied against budgeted cost (``figures/<year>/implied_vs_budget.png``)."""
    costs = read_frame(params.paths.processed_year(params.year), "costs")
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "implied_vs_budget", "plot_implied_vs_budget", costs, params=params, source="costs",
                   caption="由数量×单位成本指标测算的成本与预算数对比（万元） "
                           "cost the targets imply against the budget")


def figure_unit_costs(params: NotebookParams) -> SavedFigure:
    """Unit costs, a panel per denominator, bars naming their project (``figures/<year>/unit_costs.png``)."""
    folder = params.paths.figures_year(params.year)
    return _figure(folder, "unit_costs", "plot_unit_costs", load_year(params).indicators, params=params,
                   source="indicators",
                   caption="单位成本指标（元），只在同一计量单位内比较 unit costs, compared within one denominator")


def figure_qualitative(params: NotebookParams) -> SavedFigure:
    """Qualitative share of every project (``figures/<year>/qualitative_share.png``)."""
    tables = load_year(params)
    shares = qualitative_shares(tables.projects, tables.indicators)
    return _figure(
        params.paths.figures_year(params.year), "qualitative_share", "plot_qualitative_shares", shares,
        params=params, source="projects、indicators",
        caption="各项目定性或文字指标所占比例，虚线为审查上限 "
                "qualitative share of each project, the audit's limit dashed",
    )


def figure_audit(params: NotebookParams) -> SavedFigure:
    """Audit findings by rule and severity (``figures/<year>/audit_summary.png``)."""
    findings = read_frame(params.paths.processed_year(params.year), "audit")
    return _figure(params.paths.figures_year(params.year), "audit_summary", "plot_audit_summary", findings,
                   params=params, source="audit",
                   caption="各审查规则发现的问题数，按严重程度 findings per audit rule, by severity")


# --- 05_compare ------------------------------------------------------------------------------------------


def _all_years(params: NotebookParams) -> Tables:
    years = params.paths.processed_years()
    if not years:
        raise InputError("no processed year to compare (run 01_clean first)", path=params.paths.processed)
    return concat_tables([read_tables(params.paths.processed_year(y)) for y in years])


def _change_labels(frame: pd.DataFrame, what: str, unit: str) -> dict[str, tuple[str, ...]]:
    years = [c for c in frame.columns if c.startswith("y") and c[1:].isdigit()]
    labels: dict[str, tuple[str, ...]] = {c: (f"{c[1:]}年{what}", f"{c[1:]}", unit) for c in years}
    span = f"{years[-2][1:]}→{years[-1][1:]}" if len(years) >= 2 else ""
    labels["change"] = (f"变化 {span}", "change", unit)
    labels["change_pct"] = (f"变化比例 {span}", "change", "%")
    return labels


#: A researcher's decisions on the links between years (``confirm`` or ``break``), under the project root.
LINKS_FILE = "data/links.csv"


def _links(params: NotebookParams, tables: Tables | None = None) -> pd.DataFrame:
    """The links between the projects of consecutive years, with the decisions of :data:`LINKS_FILE`."""
    tables = tables if tables is not None else _all_years(params)
    return link_projects(tables.projects, read_decisions(params.paths.root / LINKS_FILE), tables.indicators)


def _rates_across_years(params: NotebookParams) -> pd.DataFrame:
    tables = _all_years(params)
    years = tables.projects[["project_id", "year"]]
    lines = lineages(tables.projects, _links(params, tables))
    lines.index = tables.projects["project_id"].to_numpy()
    return compare_rates(tables.indicators.merge(years, on="project_id", how="left"), lines)


def show_links(params: NotebookParams) -> ReadingTable:
    """The projects linked across years, each with its score and reason; written whole as ``links.csv``.

    The CSV (``reports/compare/links.csv``) is the start of a researcher's :data:`LINKS_FILE`: set
    ``decision`` to ``confirm`` or ``break`` and build again.
    """
    links = _links(params)
    folder = downloads(params).parent
    folder.mkdir(parents=True, exist_ok=True)
    escape_frame(links).to_csv(folder / "links.csv", index=False, encoding="utf-8-sig")  # no formula runs
    labels = {
        "department": ("主管部门", "publisher"), "from_year": ("前一年", "from year"),
        "from_id": ("前一年项目编号", "from id"), "from_project": ("前一年项目名称", "from project"),
        "to_year": ("后一年", "to year"), "to_id": ("后一年项目编号", "to id"),
        "to_project": ("后一年项目名称", "to project"), "implementing_unit": ("实施单位", "implementing unit"),
        "from_total_wan": ("前一年项目总额", "from total", "万元"),
        "to_total_wan": ("后一年项目总额", "to total", "万元"),
        "score": ("匹配得分", "score"), "reason": ("匹配理由", "reason"), "decision": ("人工判断", "decision"),
    }
    shown = links.drop(columns=["from_id", "to_id"])
    return ReadingTable(shown, caption="跨年度项目对应 projects linked across years", name="links",
                        labels=labels, empty="没有可对应的项目 no project linked", downloads=downloads(params))


def compare_target_changes(params: NotebookParams) -> ReadingTable:
    """Every target that changed in a linked project: counts, percents, deadlines, wording, added, dropped."""
    tables = _all_years(params)
    table = compare_targets(tables.indicators, _links(params, tables))
    labels = {
        "implementing_unit": ("实施单位", "implementing unit"), "project": ("项目名称", "project"),
        "level2": ("二级指标", "level 2"), "indicator": ("三级指标", "indicator"), "kind": ("指标值类型", "kind"),
        "what": ("变化", "what changed"), "from_year": ("前一年", "from year"),
        "from_value": ("前一年指标值", "before"), "to_year": ("后一年", "to year"),
        "to_value": ("后一年指标值", "after"), "from_num": ("前一年数值", "number before"),
        "to_num": ("后一年数值", "number after"), "unit": ("计量单位", "unit"),
        "num_change": ("数值变化", "change"),
        "from_indicator": ("前一年指标名称", "name before"), "to_indicator": ("后一年指标名称", "name after"),
    }
    shown = table.drop(columns=["from_id", "to_id"])
    shown["kind"] = [code_label("indicators", "kind", str(k)) if k else "" for k in shown["kind"]]
    return ReadingTable(shown, caption="指标值的变化 targets that changed", name="compare-targets",
                        labels=labels, empty="对应项目的指标值没有变化 no target changed",
                        downloads=downloads(params))


def compare_across_publishers(params: NotebookParams) -> ReadingTable:
    """The same indicator across publishers (satisfaction targets, unit costs per 人/户/次): each target's place."""
    tables = _all_years(params)
    latest = max(params.paths.processed_years())
    projects = tables.projects[tables.projects["year"].eq(latest)] if "year" in tables.projects else tables.projects
    table = compare_publishers(projects, tables.indicators[tables.indicators["project_id"].isin(
        projects["project_id"])])
    labels = {
        "family": ("指标类别", "family"), "department": ("主管部门", "publisher"),
        "implementing_unit": ("实施单位", "implementing unit"), "project": ("项目名称", "project"),
        "indicator": ("三级指标", "indicator"), "value": ("指标值", "target"), "value_num": ("数值", "number"),
        "year": ("年度", "year"), "n": ("同类指标数", "targets in family"),
        "publishers": ("发布单位数", "publishers"), "median": ("中位数", "median"),
        "rank_pct": ("所处位次", "at or above this share", "%"),
    }
    return ReadingTable(table, caption=f"{latest}年 同类指标的分布 the same indicator across publishers",
                        name="compare-publishers", labels=labels, empty="没有可比较的同类指标 nothing to compare",
                        downloads=downloads(params))


def compare_budgets(params: NotebookParams) -> ReadingTable:
    """Budget of each project in every processed year and its change (projects linked across years)."""
    tables = _all_years(params)
    table = compare_projects(tables.projects, _links(params, tables))
    return ReadingTable(
        table,
        "projects",
        caption="各项目预算的变化 budget per project across years",
        name="compare-budgets",
        labels={**_change_labels(table, "预算", "万元"), "link": ("跨年度对应", "linked as")},
        downloads=downloads(params),
    )


def compare_unit_costs(params: NotebookParams) -> ReadingTable:
    """Unit-cost targets (元 per 户, 人, 月 …) per project indicator in every year, with their change."""
    table = _rates_across_years(params)
    return ReadingTable(
        table,
        "indicators",
        caption="单位成本的变化 unit costs across years",
        name="compare-unit-costs",
        labels=_change_labels(table, "单位成本", "元"),
        downloads=downloads(params),
    )


def figure_compare(params: NotebookParams) -> SavedFigure:
    """Budget change per project between the last two years (``figures/compare/budget_change.png``)."""
    tables = _all_years(params)
    table = compare_projects(tables.projects, _links(params, tables))
    return _figure(params.paths.figures / COMPARE_DIR, "budget_change", "plot_budget_change", table,
                   params=params, source="projects",
                   caption="最近两年之间各项目预算的变化（万元） budget change per project between the last two years")


def figure_compare_unit_costs(params: NotebookParams) -> SavedFigure:
    """Unit-cost change per indicator over the last two years (``figures/compare/unit_cost_change.png``)."""
    table = _rates_across_years(params)
    return _figure(params.paths.figures / COMPARE_DIR, "unit_cost_change", "plot_unit_cost_change", table,
                   params=params, source="indicators",
                   caption="最近两年之间单位成本的变化（元） unit-cost change between the last two years")
