"""report/review.py: where a finding goes on the project page, and that it never goes without its rule and clause.

Rule titles, clauses and words are those of RULES-101.md (R1: C:1592, R13: C:1588).
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from budgetkit.report.display import Rows
from budgetkit.report.review import achievement_table, findings_beside_rows, missed_targets, skipped_rules

ROWS = pd.DataFrame({
    "level1": ["产出指标", "效益指标", "效益指标"],
    "level2": ["数量指标", "社会效益指标", "社会效益指标"],
    "indicator": ["培训人数", "职工家庭生活", "<b>群众获得感</b>"],
    "value": ["≥100人", "有所改善", "逐步提高"],
})


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _row_of(page: str, name: str) -> str:
    return next(_text(tr) for tr in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S) if name in _text(tr))


def _project_level(page: str) -> str:
    start = page.find("Project-level findings")
    return _text(page[start:page.find("<table", start)]) if start >= 0 else ""


@pytest.mark.parametrize(("finding", "row", "expect"), [
    pytest.param({"rule": "R13", "indicator": "职工家庭生活", "clause": "C:1588, C:4917", "severity": "warning",
                  "message_zh": "以模糊比较语「有所改善」表述"}, "职工家庭生活",
                 ["R13", "C:1588", "但应具有可衡量性", "有所改善"], id="vague-value-beside-its-row"),
    pytest.param({"rule": "R13", "indicator": "<b>群众获得感</b>", "clause": "C:1588", "severity": "warning",
                  "message_zh": "「逐步提高」"}, "<b>群众获得感</b>", ["R13", "C:1588", "逐步提高"],
                 id="markup-in-the-name-is-text"),
    pytest.param({"rule": "R1", "indicator": None, "clause": "", "severity": "error",
                  "message_zh": "缺少效益指标"}, None, ["R1", "C:1592", "原则上每一项目均应设置产出指标和效益指标"],
                 id="project-level-clause-from-rules-csv"),
    pytest.param({"rule": "R13", "indicator": "不在表中的指标", "clause": "C:1588", "severity": "warning",
                  "message_zh": "「有所提高」"}, None, ["R13", "C:1588", "不在表中的指标"],
                 id="row-not-on-the-table-goes-to-the-project"),
    pytest.param({"rule": "R99", "indicator": "培训人数", "clause": "C:1", "severity": "info",
                  "message_zh": "未知"}, "培训人数", ["R99", "rule not in rules.csv", "C:1"],
                 id="unknown-rule-is-flagged-not-hidden"),
])
def test_a_finding_is_shown_with_its_rule_and_clause_where_it_belongs(finding, row, expect):
    page = findings_beside_rows(ROWS, pd.DataFrame([finding]), "p")
    where = _row_of(page, row) if row else _project_level(page)
    for text in expect:
        assert text in where, (text, where)
    assert "<b>群众获得感</b>" not in page, "names are escaped"


def test_rows_and_frames_give_the_same_page():
    found = pd.DataFrame([{"rule": "R13", "indicator": "职工家庭生活", "clause": "C:1588", "severity": "warning",
                           "message_zh": "「有所改善」"}])
    assert findings_beside_rows(Rows.of_columns(ROWS), Rows.of_columns(found), "p") == \
        findings_beside_rows(ROWS, found, "p")


@pytest.mark.parametrize(("skipped", "expect"), [
    pytest.param([{"rule": "R2", "reason": "表格不完整：文件在第 34 行结束"}], ["R2", "C:1618", "第 34 行"], id="partial"),
    pytest.param([], ["every applicable rule was run"], id="none-skipped"),
])
def test_rules_not_applied_say_why(skipped, expect):
    page = _text(skipped_rules(pd.DataFrame(skipped)))
    assert all(text in page for text in expect)


@pytest.mark.parametrize(("row", "cells"), [
    pytest.param({"indicator": "维修养护工程数量", "target": "≥30处", "actual": "25处", "met": "no", "rate": 25 / 30},
                 ["维修养护工程数量", "≥30处", "25处", "未完成", "83.3%"], id="short-of-a-floor"),
    pytest.param({"indicator": "平均办理时长", "target": "≤5天", "actual": "4天", "met": "yes", "rate": 1.25},
                 ["≤5天", "4天", "完成", "125.0%"], id="under-a-ceiling-is-met"),
    pytest.param({"indicator": "群众满意度", "target": "≥90%", "actual": "", "met": "not_comparable",
                  "rate": float("nan")}, ["≥90%", "无法比较"], id="blank-actual"),
])
def test_target_and_actual_side_by_side(row, cells):
    page = achievement_table(pd.DataFrame([row]), "p")
    tds = [_text(td).strip() for td in re.findall(r"<td>.*?</td>", page)]
    assert tds[1:3] == [row["target"], row["actual"]]
    assert all(any(c in td for td in tds) for c in cells)


def test_missed_targets_leave_out_the_met_and_the_incomparable():
    a = pd.DataFrame({"project_id": ["a", "a", "a"], "indicator": ["甲", "乙", "丙"], "target": ["≥10", "≥1", "≥2"],
                      "actual": ["8", "1", ""], "met": ["no", "yes", "not_comparable"], "rate": [0.8, 1.0, None]})
    p = pd.DataFrame({"project_id": ["a"], "project": ["项目A"], "department": ["某县水利局"]})
    out = missed_targets(a, p)
    assert out[["department", "indicator", "rate_pct"]].values.tolist() == [["某县水利局", "甲", 80.0]]
