"""Target-quality audit: every rule with a positive and a negative case, on literal frames."""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.analyse.audit import AUDIT_COLUMNS, RULES, audit_targets, list_rules, summarize_audit
from budgetkit.errors import BudgetkitError, ParameterError
from test_reconcile import indicators_frame, pid, projects_frame, typed


def row(level1, level2, name, value, kind, num=None, unit=None, per_unit=None, value_yuan=None, deadline=None):
    return {"level1": level1, "level2": level2, "indicator": name, "value": value, "kind": kind, "num": num,
            "unit": unit, "per_unit": per_unit, "value_yuan": value_yuan, "op": None, "qualifier": None,
            "deadline": pd.Timestamp(deadline) if deadline else pd.NaT}


QTY = row("产出指标", "数量指标", "职工困难医疗救助", "200户", "count", 200, "户")
QUALITY = row("产出指标", "质量指标", "帮扶资金发放合格率", "100%", "percent", 100, "%")
TIMELY = row("产出指标", "时效指标", "资金发放完成时间", "2025年12月底前", "deadline", deadline="2025-12-31")
COST = row("产出指标", "成本指标", "职工困难医疗救助", "平均3500元/户", "rate", 3500, "元", "户", 3500)
BENEFIT = row("效益指标", "社会效益", "困难程度缓解率", "≥90%", "percent", 90, "%")
SATISFIED = row("满意度指标", "服务对象满意度", "受助职工满意度", "≥90%", "percent", 90, "%")
CLEAN = [QTY, QUALITY, TIMELY, COST, BENEFIT, SATISFIED]


def soft(name, value="有所缓解", kind="qualitative", level2="社会效益"):
    return row("效益指标", level2, name, value, kind)


def frames(rows, total=70.0):
    projects = typed(pd.DataFrame([{"project_id": "t#01", "year": 2025, "project": "测试项目",
                                    "implementing_unit": "某单位", "total_wan": total, "goal": None}]))
    indicators = typed(pd.DataFrame([{"project_id": "t#01", "seq": n, **r} for n, r in enumerate(rows, 1)],
                                    columns=["project_id", "seq", *QTY]))
    return projects, indicators


def replace(rows, old, new):
    return [new if r is old else r for r in rows]


CASES = [
    # missing_level1
    pytest.param("missing_level1", [r for r in CLEAN if r is not SATISFIED], ["满意度指标：缺少一级指标"],
                 id="missing_level1-positive"),
    pytest.param("missing_level1", CLEAN, [], id="missing_level1-negative"),
    pytest.param("missing_level1", replace(CLEAN, SATISFIED, {**SATISFIED, "level1": "满意度 指标"}), [],
                 id="missing_level1-negative-wrapped-label"),
    pytest.param("missing_level1", [], ["产出指标：", "效益指标：", "满意度指标："], id="missing_level1-no-indicators"),
    # missing_level2
    pytest.param("missing_level2", [r for r in CLEAN if r is not TIMELY], ["产出指标/时效指标：缺少二级指标"],
                 id="missing_level2-positive-output"),
    pytest.param("missing_level2", replace(CLEAN, BENEFIT, {**BENEFIT, "level2": "其他效益"}),
                 ["效益指标/经济效益、社会效益、生态效益、可持续影响：缺少二级指标（至少需一项）"],
                 id="missing_level2-positive-benefit"),
    pytest.param("missing_level2", CLEAN, [], id="missing_level2-negative"),
    pytest.param("missing_level2", replace(CLEAN, BENEFIT, {**BENEFIT, "level2": "经济效益指标"}), [],
                 id="missing_level2-negative-alias"),
    pytest.param("missing_level2", replace(CLEAN, COST, {**COST, "level1": "成本指标", "level2": "经济成本指标"}),
                 [], id="missing_level2-negative-level1-cost-template"),
    pytest.param("missing_level2", [SATISFIED], [], id="missing_level2-negative-absent-level1-left-to-level1-rule"),
    # qualitative_share
    pytest.param("qualitative_share", CLEAN + [soft("家庭困难程度"), soft("职工家庭生活", "有所改善"),
                                               soft("认同感", "全年开设60门以上公益课程", "text", "可持续影响")],
                 ["家庭困难程度 有所缓解、职工家庭生活 有所改善、认同感 全年开设60门以上公益课程：定性指标占比33%（3/9，上限30%）"],
                 id="qualitative_share-positive"),
    pytest.param("qualitative_share", CLEAN + [soft("家庭困难程度")], [], id="qualitative_share-negative"),
    pytest.param("qualitative_share", CLEAN + [soft("甲"), soft("乙"), soft("丙"), {**QUALITY, "indicator": "符合率"}],
                 [], id="qualitative_share-negative-exactly-threshold"),
    # deadline_outside_year
    pytest.param("deadline_outside_year",
                 replace(CLEAN, TIMELY, {**TIMELY, "value": "2026年6月底前", "deadline": pd.Timestamp("2026-06-30")}),
                 ["资金发放完成时间 2026年6月底前（2026-06-30）：时限不在2025年度内"], id="deadline_outside_year-positive"),
    pytest.param("deadline_outside_year", CLEAN, [], id="deadline_outside_year-negative"),
    pytest.param("deadline_outside_year", replace(CLEAN, TIMELY, {**TIMELY, "value": "12月初", "deadline": pd.NaT}),
                 [], id="deadline_outside_year-negative-no-date"),
    # percent_over_100
    pytest.param("percent_over_100", replace(CLEAN, QUALITY, {**QUALITY, "value": "≥120％", "num": 120.0}),
                 ["帮扶资金发放合格率 ≥120％：百分比超过100%"], id="percent_over_100-positive-full-width"),
    pytest.param("percent_over_100", CLEAN, [], id="percent_over_100-negative-exactly-100"),
    pytest.param("percent_over_100", replace(CLEAN, QTY, {**QTY, "num": 200.0}), [],
                 id="percent_over_100-negative-count-above-100"),
    # quantity_without_cost
    pytest.param("quantity_without_cost",
                 CLEAN + [row("产出指标", "数量指标", "参加人数", "≥200人", "count", 200, "人")],
                 ["参加人数 ≥200人：数量指标无对应成本指标"], id="quantity_without_cost-positive"),
    pytest.param("quantity_without_cost", CLEAN, [], id="quantity_without_cost-negative"),
    pytest.param("quantity_without_cost", replace(CLEAN, COST, {**COST, "value": "平均3500元/人", "per_unit": "人"}),
                 ["职工困难医疗救助 200户：数量指标无对应成本指标"], id="quantity_without_cost-positive-unit-mismatch"),
    pytest.param("quantity_without_cost", replace(CLEAN, QTY, {**QTY, "value": "200⼾", "unit": "⼾"}), [],
                 id="quantity_without_cost-negative-kangxi-unit"),
    # duplicate_indicator
    pytest.param("duplicate_indicator", CLEAN + [QUALITY], ["帮扶资金发放合格率 100%、帮扶资金发放合格率 100%：质量指标下指标重复2次"],
                 id="duplicate_indicator-positive"),
    pytest.param("duplicate_indicator", CLEAN + [{**QTY, "indicator": "受助户数", "value": "10户"},
                                                 {**QTY, "indicator": "受助戶数", "value": "10戶"}],
                 ["受助户数 10户、受助戶数 10戶：数量指标下指标重复2次"], id="duplicate_indicator-positive-hu-variants"),
    pytest.param("duplicate_indicator", CLEAN + [{**QUALITY, "indicator": "帮扶资⾦发放合格率（%）"}],
                 ["质量指标下指标重复2次"], id="duplicate_indicator-positive-kangxi-and-full-width"),
    pytest.param("duplicate_indicator", CLEAN, [], id="duplicate_indicator-negative-quantity-and-cost-share-name"),
    pytest.param("duplicate_indicator", CLEAN + [{**QTY, "indicator": "线上课时"}, {**QTY, "indicator": "线下课时"}],
                 [], id="duplicate_indicator-negative-similar-names"),
    # cost_mismatch
    pytest.param("cost_mismatch", CLEAN, [], id="cost_mismatch-negative"),
    pytest.param("cost_mismatch", [r for r in CLEAN if r is not COST], [], id="cost_mismatch-negative-cannot-be-priced"),
]


@pytest.mark.parametrize(("rule", "rows", "expected"), CASES)
def test_rule(rule, rows, expected):
    projects, indicators = frames(rows)
    findings = audit_targets(projects, indicators, 2025, rules=[rule])
    assert len(findings) == len(expected), findings["detail"].tolist()
    for detail, fragment in zip(findings["detail"], expected, strict=True):
        assert fragment in detail
    assert set(findings["rule"]) <= {rule}


@pytest.mark.parametrize(
    ("total", "n", "fragment"),
    [pytest.param(80.0, 1, "差额-10万元（-12.50%）", id="cost_mismatch-positive"),
     pytest.param(70.2, 0, None, id="cost_mismatch-negative-within-tolerance"),
     pytest.param(0.0, 1, "预算0万元：差额+70万元，", id="cost_mismatch-positive-zero-budget")],
)
def test_cost_mismatch_budget(total, n, fragment):
    projects, indicators = frames(CLEAN, total=total)
    findings = audit_targets(projects, indicators, 2025, rules=["cost_mismatch"])
    assert len(findings) == n
    if fragment:
        assert fragment in findings["detail"].iloc[0]
        assert "does not close" in findings["detail"].iloc[0]


@pytest.mark.parametrize(
    ("kwargs", "n"),
    [pytest.param({}, 1, id="default-threshold"),
     pytest.param({"qualitative_threshold": 0.5}, 0, id="loose-threshold")],
)
def test_qualitative_threshold(kwargs, n):
    projects, indicators = frames(CLEAN + [soft("甲"), soft("乙"), soft("丙")])
    assert len(audit_targets(projects, indicators, 2025, rules=["qualitative_share"], **kwargs)) == n


def test_year_parameter_moves_deadlines():
    projects, indicators = frames(CLEAN)
    assert len(audit_targets(projects, indicators, 2026, rules=["deadline_outside_year"])) == 1


def test_clean_project_has_no_findings():
    projects, indicators = frames(CLEAN)
    findings = audit_targets(projects, indicators, 2025)
    assert findings.empty
    assert list(findings.columns) == list(AUDIT_COLUMNS)
    assert all(str(findings[c].dtype) == "str" for c in AUDIT_COLUMNS)


def test_seed_audit():
    findings = audit_targets(projects_frame(), indicators_frame(), 2025)
    got = sorted(zip(findings["project_id"], findings["rule"], strict=True))
    assert got == sorted([
        (pid(2), "qualitative_share"), (pid(6), "qualitative_share"),
        (pid(5), "quantity_without_cost"), (pid(9), "quantity_without_cost"),
    ])
    assert list(findings.columns) == list(AUDIT_COLUMNS)
    assert findings["severity"].isin({"error", "warning", "info"}).all()
    detail = findings.loc[findings["project_id"] == pid(5), "detail"].iloc[0]
    assert detail.startswith("参加劳动和技能竞赛人数 ≥200人：")


def test_seed_audit_detects_a_broken_cost():
    inds = indicators_frame([1])
    inds.loc[inds["indicator"] == "职工困难帮扶标准", "value_yuan"] = 3000.0
    findings = audit_targets(projects_frame([1]), inds, 2025, rules=["cost_mismatch"])
    assert findings["detail"].tolist() == [
        "测算831.235万元，预算886.8万元：差额-55.565万元（-6.27%），成本测算与预算不符 / "
        "priced 831.235万元 (quantity×unit_cost) vs budget 886.8万元: gap -55.565万元 (-6.27%), does not close"
    ]
    assert findings["severity"].tolist() == ["error"]


def test_registry_is_data():
    rules = list_rules()
    assert list(rules.columns) == ["rule", "zh", "en", "severity", "description"]
    assert rules["rule"].tolist() == [f"R{n}" for n in range(1, 32)] + [
        "missing_level1", "missing_level2", "qualitative_share", "deadline_outside_year", "percent_over_100",
        "quantity_without_cost", "duplicate_indicator", "cost_mismatch",
    ]
    assert rules.loc[rules["rule"] == "R25", "description"].iloc[0].startswith("C:1680")
    assert "Not run:" in rules.loc[rules["rule"] == "R25", "description"].iloc[0]
    assert rules["severity"].isin({"error", "warning", "info"}).all()
    assert (rules["description"].str.len() > 10).all()
    assert all(r.check.__doc__ for r in RULES)


def test_summarize_audit():
    findings = audit_targets(projects_frame(), indicators_frame(), 2025)
    summary = summarize_audit(findings)
    assert list(summary.columns) == ["rule", "zh", "en", "severity", "findings", "projects"]
    # every 101号 rule, then the pre-101 checks the findings hold
    assert summary["rule"].tolist() == [f"R{n}" for n in range(1, 32)] + ["qualitative_share", "quantity_without_cost"]
    counts = dict(zip(summary["rule"], summary["findings"], strict=True))
    assert counts["qualitative_share"] == 2 and counts["quantity_without_cost"] == 2 and counts["R13"] == 0
    assert summary["findings"].dtype == "int64"
    empty = summarize_audit(findings.iloc[0:0])
    assert empty["findings"].sum() == 0 and len(empty) == 31


def test_summarize_audit_keeps_unknown_rules_last():
    findings = pd.DataFrame({"project_id": ["a"], "rule": ["custom"], "severity": ["info"], "detail": ["x"]})
    summary = summarize_audit(findings)
    assert summary["rule"].iloc[-1] == "custom" and summary["findings"].iloc[-1] == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [pytest.param({"year": "2025"}, ParameterError, "year must be an int", id="year-str"),
     pytest.param({"year": True}, ParameterError, "year must be an int", id="year-bool"),
     pytest.param({"qualitative_threshold": 1.5}, ParameterError, "between 0 and 1", id="threshold"),
     pytest.param({"rules": ["no_such_rule"]}, ParameterError, "unknown audit rule", id="unknown-rule"),
     pytest.param({"drop": "kind"}, BudgetkitError, "kind", id="missing-column")],
)
def test_errors(kwargs, error, message):
    projects, indicators = frames(CLEAN)
    if "drop" in kwargs:
        indicators = indicators.drop(columns=kwargs.pop("drop"))
    kwargs.setdefault("year", 2025)
    with pytest.raises(error, match=message):
        audit_targets(projects, indicators, **kwargs)


def test_single_rule_name_as_string():
    projects, indicators = frames([r for r in CLEAN if r is not SATISFIED])
    findings = audit_targets(projects, indicators, 2025, rules="missing_level1")
    assert findings["rule"].tolist() == ["missing_level1"]
