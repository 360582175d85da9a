"""What a reviewer reads on a project page: findings beside their rows, rules not applied, targets against actuals.

Every finding is shown with its rule (R id and title), the clause it rests on (``C:n``) and the clause's
words, all from ``metadata/rules.csv``; a finding whose rule the metadata does not know is shown with the
rule id alone and flagged, never without it. Findings that concern a level-3 row sit in that row; those that
concern the project (no ``indicator``) sit above the rows.

Examples:
    >>> inds = pd.DataFrame({"level1": ["效益指标"], "level2": ["社会效益指标"], "indicator": ["职工家庭生活"],
    ...                      "value": ["有所改善"]})
    >>> found = pd.DataFrame({"rule": ["R13"], "indicator": ["职工家庭生活"], "severity": ["warning"],
    ...                       "clause": ["C:1588"], "message_zh": ["以模糊比较语「有所改善」表述"]})
    >>> page = findings_beside_rows(inds, found, "p")
    >>> "职工家庭生活" in page and "R13" in page and "C:1588" in page and "bk-finding" in page
    True
    >>> achievement_table(pd.DataFrame({"indicator": ["培训人数"], "target": ["≥100人"], "actual": ["96人"],
    ...                                 "met": ["partly"], "rate": [0.96]}), "p").count("<td")
    5
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache

import pandas as pd

from budgetkit.model.fields import load_fields, read_metadata
from budgetkit.report.codes import code_label
from budgetkit.report.display import Rows

__all__ = ["achievement_table", "findings_beside_rows", "missed_targets", "rule_words", "skipped_rules"]

#: Columns of an indicator row shown beside its findings (their words from the field dictionary).
_ROW_COLUMNS = ("level1", "level2", "indicator", "value")


@cache
def _row_heads() -> tuple[tuple[str, str, str], ...]:
    fields = load_fields()
    mine = fields[fields["table"].eq("indicators")].set_index("name")
    return tuple((c, str(mine.loc[c, "zh"]), str(mine.loc[c, "en"])) for c in _ROW_COLUMNS)


def _quote(words: str) -> str:
    """A clause's words for the page: the source's elisions (……) shown as 〔略〕, never read as a cut.

    Examples:
        >>> _quote("应细化、量化……确难以量化的")
        '应细化、量化〔略〕确难以量化的'
    """
    return re.sub(r"…+", "〔略〕", words)


@cache
def rule_words() -> dict[str, dict[str, str]]:
    """``metadata/rules.csv`` by rule id: title, clause and the clause's words.

    Examples:
        >>> rule_words()["R1"]["clause"]
        'C:1592'
    """
    return {row["rule"]: row for row in read_metadata("rules")}


#: What the page functions take: a DataFrame, the site's :class:`~budgetkit.report.display.Rows`, or records.
Table = pd.DataFrame | Rows | Sequence[Mapping[str, object]] | None


def _records(table: object) -> list[Mapping[str, object]]:
    """The rows of a table as mappings (without pandas for the site's ``Rows``: project pages are many)."""
    if table is None:
        return []
    if isinstance(table, pd.DataFrame):
        return table.to_dict("records")
    if isinstance(table, Rows):
        return [dict(zip(table.columns, r, strict=True)) for r in table.records]
    return list(table)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _finding(row: Mapping[str, object], elsewhere: bool = False) -> str:
    """One finding: severity, rule id and title, clause(s) and the clause's words, the message.

    ``elsewhere``: the finding is listed away from its row (the table holds no row of that name): say which.
    """
    rule = _text(row.get("rule"))
    meta = rule_words().get(rule)
    clause = _text(row.get("clause")) or (meta or {}).get("clause", "")
    title = f"{meta['title_zh']} {meta['title_en']}" if meta else "规则未在 rules.csv 中 rule not in rules.csv"
    words = _quote((meta or {}).get("clause_text", ""))
    severity = _text(row.get("severity"))
    message = _text(row.get("message_zh")) or _text(row.get("detail"))
    name = _text(row.get("indicator"))
    where = f"指标「{name}」（表中无此行 no such row）：" if elsewhere and name else ""
    return (
        f'<li class="bk-finding {html.escape(severity)}">'
        f'<span class="bk-sev">{html.escape(code_label("audit", "severity", severity))}</span> '
        f'<b class="bk-rule">{html.escape(rule)}</b> {html.escape(title)} · '
        f'<span class="bk-clause">依据 {html.escape(clause)}</span>'
        f'<blockquote class="bk-clause-text">{html.escape(words)}</blockquote>'
        f'<span class="bk-message">{html.escape(where + message)}</span></li>'
    )


def _finding_list(rows: list[Mapping[str, object]], elsewhere: bool = False) -> str:
    return f'<ul class="bk-findings">{"".join(_finding(r, elsewhere) for r in rows)}</ul>' if rows else ""


def findings_beside_rows(indicators: Table, findings: Table, slug: str) -> str:
    """The project's level-3 rows with each row's findings beside it; project-level findings above.

    A finding naming a row the table does not hold is listed with the project's findings, saying so.
    """
    found, rows = _records(findings), _records(indicators)
    names = {_text(r.get("indicator")) for r in rows}
    project = [f for f in found if not _text(f.get("indicator")) or _text(f.get("indicator")) not in names]
    parts = [f"<p>{len(found)} 条问题 findings · 每条注明规则、条文及条文原文 (rule, clause and its words)。</p>"]
    if project:
        parts.append("<h3>项目层面 Project-level findings</h3>" + _finding_list(project, elsewhere=True))
    if not rows:
        return "".join(parts)
    by_name: dict[str, list[dict]] = {}
    for f in found:
        by_name.setdefault(_text(f.get("indicator")), []).append(f)
    ths = "".join(f"<th>{zh}<span class=\"en\">{en}</span></th>" for _, zh, en in _row_heads())
    body = []
    for row in rows:
        mine = by_name.get(_text(row.get("indicator")), [])
        tds = "".join(f"<td>{html.escape(_text(row.get(c)))}</td>" for c, _, _ in _row_heads())
        cls = ' class="bk-flagged"' if mine else ""
        body.append(f"<tr{cls}>{tds}<td>{_finding_list(mine)}</td></tr>")
    parts.append(
        f'<div class="bk-table" id="{html.escape(slug)}-review"><table class="bk-data bk-review"><thead><tr>{ths}'
        f'<th>审查问题<span class="en">findings beside the row</span></th></tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>'
    )
    return "".join(parts)


def skipped_rules(skipped: Table) -> str:
    """The rules not applied to the project, each with its clause and why (``audit_skipped.csv``)."""
    rows = _records(skipped)
    if not rows:
        return '<p class="bk-empty">全部适用规则均已审查 every applicable rule was run</p>'
    items = []
    for row in rows:
        rule = _text(row.get("rule"))
        meta = rule_words().get(rule, {})
        items.append(f"<li><b>{html.escape(rule)}</b> {html.escape(meta.get('title_zh', ''))} "
                     f"（{html.escape(meta.get('clause', ''))}）：{html.escape(_text(row.get('reason')))}</li>")
    return f'<ul class="bk-skipped-rules">{"".join(items)}</ul>'


def _rate(value: object) -> str:
    return "" if _text(value) == "" else f"{float(value) * 100:.1f}%"


def achievement_table(achievement: Table, slug: str) -> str:
    """Target and actual side by side, with met and rate (a self-evaluation's rows)."""
    rows = _records(achievement)
    if not rows:
        return ""
    heads = (("三级指标", "indicator"), ("年度指标值", "target"), ("实际完成值", "actual"), ("是否完成", "met"),
             ("完成率", "rate"))
    ths = "".join(f'<th>{zh}<span class="en">{en}</span></th>' for zh, en in heads)
    body = []
    for row in rows:
        met = _text(row.get("met"))
        cells = (_text(row.get("indicator")), _text(row.get("target")), _text(row.get("actual")),
                 code_label("achievement", "met", met), _rate(row.get("rate")))
        body.append(f'<tr class="met-{html.escape(met)}">' + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                    + "</tr>")
    return (f'<div class="bk-table" id="{html.escape(slug)}-achievement"><table class="bk-data bk-achievement">'
            f'<thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def missed_targets(achievement: pd.DataFrame | None, projects: pd.DataFrame | None) -> pd.DataFrame:
    """The targets not met (``met`` no or partly), by department, with how far short (``rate_pct``, %).

    Examples:
        >>> a = pd.DataFrame({"project_id": ["a", "a", "b"], "indicator": ["甲", "乙", "丙"],
        ...                   "target": ["≥10", "100%", "≤5天"], "actual": ["8", "100%", "7天"],
        ...                   "met": ["partly", "yes", "no"], "rate": [0.8, 1.0, 5 / 7]})
        >>> p = pd.DataFrame({"project_id": ["a", "b"], "project": ["项目A", "项目B"], "department": ["局甲", "局乙"]})
        >>> missed_targets(a, p)[["department", "indicator", "met"]].values.tolist()
        [['局乙', '丙', 'no'], ['局甲', '甲', 'partly']]
    """
    columns = ["department", "project", "indicator", "target", "actual", "met", "rate_pct"]
    if achievement is None or achievement.empty or "met" not in achievement.columns:
        return pd.DataFrame(columns=columns)
    missed = achievement[achievement["met"].isin(["no", "partly"])]
    if projects is not None and "department" in projects.columns:
        missed = missed.drop(columns=["project", "department"], errors="ignore").merge(
            projects[["project_id", "project", "department"]], on="project_id", how="left")
    missed = missed.assign(rate_pct=pd.to_numeric(missed["rate"], errors="coerce") * 100).reindex(columns=columns)
    return missed.sort_values(["department", "rate_pct"], kind="stable", na_position="last").reset_index(drop=True)


def findings_by_department(findings: pd.DataFrame, projects: pd.DataFrame | None) -> pd.DataFrame:
    """Findings per department and rule, each rule with its clause: how many, on how many projects.

    The department is the project's ``department`` (主管部门), else its implementing unit.

    Examples:
        >>> f = pd.DataFrame({"project_id": ["a", "a", "b"], "rule": ["R13", "R13", "R1"]})
        >>> p = pd.DataFrame({"project_id": ["a", "b"], "department": ["局甲", None],
        ...                   "implementing_unit": ["甲", "乙"]})
        >>> findings_by_department(f, p)[["department", "rule", "clause", "findings", "projects"]].values.tolist()
        [['乙', 'R1', 'C:1592', 1, 1], ['局甲', 'R13', 'C:1588, C:4917', 2, 1]]
    """
    columns = ["department", "rule", "clause", "findings", "projects"]
    if findings is None or findings.empty:
        return pd.DataFrame(columns=columns)
    frame = findings[["project_id", "rule"]]
    if projects is not None and len(projects):
        who = projects.set_index("project_id")
        dept = who["department"] if "department" in who.columns else pd.Series(index=who.index, dtype=object)
        if "implementing_unit" in who.columns:
            dept = dept.where(dept.notna() & dept.astype(str).ne(""), who["implementing_unit"])
        frame = frame.assign(department=frame["project_id"].map(dept))
    else:
        frame = frame.assign(department=None)
    frame = frame.assign(department=frame["department"].fillna("（未注明 not stated）"))
    out = frame.groupby(["department", "rule"], sort=True).agg(
        findings=("project_id", "size"), projects=("project_id", "nunique")).reset_index()
    words = rule_words()
    number = out["rule"].str.extract(r"(\d+)$", expand=False).astype(float)
    out = out.assign(_n=number).sort_values(["department", "_n", "rule"], kind="stable").reset_index(drop=True)
    out["clause"] = out["rule"].map(lambda r: words.get(r, {}).get("clause", ""))
    return out[columns]
