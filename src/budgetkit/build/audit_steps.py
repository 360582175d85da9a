"""The steps of 03_audit: audit the year's targets (财预〔2021〕101号) and show the findings."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.analyse.audit import summarize_audit
from budgetkit.analyse.rules101 import audit_projects
from budgetkit.model.tables import read_frame, write_frames
from budgetkit.report.codes import code_words
from budgetkit.report.display import ReadingTable, dictionary_table
from budgetkit.report.params import NotebookParams
from budgetkit.report.review import findings_by_department, rule_words
from budgetkit.report.summarize import qualitative_shares

if TYPE_CHECKING:
    pass

from budgetkit.build.step_io import downloads, load_year

logger = logging.getLogger(__name__)


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
