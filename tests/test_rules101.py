"""The audit by the rules of 财预〔2021〕101号: one table of cases per rule, then the hand-keyed documents.

Each case is a small project table and the findings ``../shared/RULES-101.md`` says it raises, as
``(case, indicator)`` pairs (the cases of ``metadata/rule_cases.csv``; ``''`` for a project-level
finding). The expectations are read from the rule's **Check**, not from the code's output.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from budgetkit.fields import read_metadata
from budgetkit.rules101 import audit_projects
from budgetkit.rules101.catalogue import case, rule, rules
from budgetkit.rules101.checks import CHECKS

ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    for candidate in (os.environ.get("BUDGETKIT_SHARED"), ROOT.parent / "shared", "/work/shared"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return ROOT.parent / "shared"


SHARED = _shared()

#: A clean older-template table (成本 under 产出): no rule finds anything in it.
QTY = ("产出指标", "数量指标", "培训人数", "200人")
QUALITY = ("产出指标", "质量指标", "培训合格率", "≥95%")
TIMELY = ("产出指标", "时效指标", "完成时间", "2025年12月底前")
COST = ("产出指标", "成本指标", "人均培训成本", "≤800元/人")
BENEFIT = ("效益指标", "社会效益", "持证上岗率", "≥90%")
SATISFIED = ("满意度指标", "服务对象满意度", "学员满意度", "≥90%")
CLEAN = [QTY, QUALITY, TIMELY, COST, BENEFIT, SATISFIED]
PROJECT = {"project_id": "p", "project": "职工技能培训", "implementing_unit": "某市总工会", "year": 2025,
           "kind": "project", "status": "complete", "goal": "全年培训200人，持证上岗率90%以上。",
           "unit_label": "万元", "total_wan": 20.0, "annual_total_wan": 20.0}


def swap(rows: list, old: tuple, new: tuple) -> list:
    """``rows`` with ``old`` replaced by ``new`` (a different table, same order)."""
    return [new if r == old else r for r in rows]


def without(rows: list, *gone: tuple) -> list:
    return [r for r in rows if r not in gone]


def run(rule_id: str, rows: list, extras: list | None = None, category: str = "", **project) -> list:
    """The findings of ``rule_id`` (all severities) over one project, as (case, indicator) pairs."""
    records = []
    for seq, row in enumerate(rows, 1):
        level1, level2, name, value, *more = row
        rec = {"project_id": "p", "seq": seq, "level1": level1, "level2": level2, "level1_printed": level1,
               "indicator": name, "value": value}
        records.append({**rec, **(more[0] if more else {})})
    inds = pd.DataFrame(records, columns=["project_id", "seq", "level1", "level2", "level1_printed", "indicator",
                                          "value", "area", "measure_unit"])
    projects = pd.DataFrame([{**PROJECT, **project}])
    extras_frame = pd.DataFrame({"project_id": ["p"], "field": ["category"], "value": [category]})
    result = audit_projects(projects, inds, header_extras=extras_frame, rules_run=[rule_id])
    return list(zip(result.findings["case"], result.findings["indicator"], strict=True))


CASES = [
    # R1 产出 and 效益 present (C:1592)
    pytest.param("R1", CLEAN, {}, [], id="R1-clean"),
    pytest.param("R1", without(CLEAN, BENEFIT), {}, [("missing_benefit", "")], id="R1-satisfaction-in-place-of-benefit"),
    pytest.param("R1", [BENEFIT, SATISFIED], {}, [("missing_output", "")], id="R1-missing-output"),
    pytest.param("R1", without(CLEAN, BENEFIT), {"status": "partial"}, [], id="R1-partial-table-not-judged"),
    # R2 数量 and 质量 under 产出 (C:1618)
    pytest.param("R2", without(CLEAN, QUALITY), {}, [("missing_quality", "")], id="R2-only-quantity"),
    pytest.param("R2", without(CLEAN, TIMELY), {}, [], id="R2-timeliness-not-required"),
    pytest.param("R2", swap(CLEAN, QUALITY, ("产出指标", "質量指標", "培训合格率", "≥95%")), {}, [],
                 id="R2-traditional-label-質量指標"),
    pytest.param("R2", [BENEFIT], {}, [], id="R2-no-outputs-left-to-R1"),
    # R3 时效 fixes a completion time (C:1616, C:1618)
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "项目完成及时性", "及时")), {},
                 [("untimed", "项目完成及时性")], id="R3-untimed-及时"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "会议召开时效性", "按批准时间及时召开")), {},
                 [("untimed", "会议召开时效性")], id="R3-untimed-按批准时间及时召开"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "社保缴费时限", "按月足额缴纳")), {}, [],
                 id="R3-frequency-按月-passes"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "发放及时率", "100%")), {}, [],
                 id="R3-percent-按时完工率-passes"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "补助发放周期", "每学期发放")), {}, [],
                 id="R3-frequency-每学期-passes"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "按计划完成")), {},
                 [("untimed", "完成时间")], id="R3-untimed-按计划"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "年底前完成")), {}, [],
                 id="R3-deadline-年底前-passes"),
    pytest.param("R3", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "１２月底前")), {}, [],
                 id="R3-full-width-digits-passes"),
    pytest.param("R3", without(CLEAN, TIMELY), {}, [], id="R3-no-timeliness-row-is-no-finding"),
    # R4 成本 for 基建 / 修缮 / 购置 (C:1592)
    pytest.param("R4", [("", "生态环境成本指标", "文明施工情况", "可控", {"level1": "成本指标", "level1_printed": ""}),
                        QTY, QUALITY, BENEFIT], {"project": "兰溪路-真南路下立交工程"}, [("missing", "")],
                 id="R4-construction-工程-cost-level1-printed-blank"),
    pytest.param("R4", without(CLEAN, COST), {"project": "社区环境整治和建设经费"}, [("missing", "")],
                 id="R4-construction-建设-no-cost"),
    pytest.param("R4", CLEAN, {"project": "办公楼维修改造"}, [("older", "")], id="R4-repair-cost-under-output-info"),
    pytest.param("R4", [("成本指标", "经济成本指标", "设备单价", "≤5000元/台")] + without(CLEAN, COST),
                 {"project": "执法记录仪购置"}, [], id="R4-purchase-level1-cost-met"),
    pytest.param("R4", without(CLEAN, COST), {"project": "各类工作经费", "goal": "加强基层建设，实施班长工程"},
                 [("other", "")], id="R4-goal-words-do-not-class"),
    pytest.param("R4", without(CLEAN, COST), {"project": "社区中心", "category": "基本建设类"}, [("missing", "")],
                 id="R4-printed-项目类别"),
    pytest.param("R4", without(CLEAN, COST), {"project": "大楼修缮", "kind": "department"}, [],
                 id="R4-department-table-not-judged"),
    # R5 满意度 optional (C:1592, C:1640)
    pytest.param("R5", without(CLEAN, SATISFIED), {"project": "困难职工慰问"}, [("public_service", "")],
                 id="R5-public-service-慰问-info"),
    pytest.param("R5", without(CLEAN, SATISFIED), {"project": "机关运转经费"}, [], id="R5-absent-is-no-finding"),
    # R6 level-2 under its level-1 (C:1598–1622, C:5152)
    pytest.param("R6", CLEAN + [("产出指标", "社会效益", "社会影响", "≥90%")], {},
                 [("misplaced", "社会影响")], id="R6-社会效益-under-产出"),
    pytest.param("R6", [("成本指标", "经济成本指标", "人均成本", "≤800元/人"), QTY, QUALITY, BENEFIT,
                        ("效益指标", "服务对象满意度", "学员满意度", "≥90%")], {},
                 [("misplaced", "学员满意度")], id="R6-2021-满意度-under-效益"),
    pytest.param("R6", CLEAN + [("效益指标", "社会公众或服务对象满意度指标", "市民满意度", "≥90%")], {}, [],
                 id="R6-older-53号-满意度-under-效益-passes"),
    pytest.param("R6", [("产出指标", "数量指标", "扶助人数", "63人", {"level1_printed": "项目效益指标"})] + CLEAN[1:],
                 {}, [], id="R6-printed-and-read-level1-disagree-not-judged"),
    pytest.param("R6", CLEAN + [("效益指标", "其他效益", "社会影响", "≥90%")], {}, [("unknown", "社会影响")],
                 id="R6-unlisted-level2-info"),
    # R7 no empty or placeholder cells (C:5083, C:5152, C:2584)
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "培训人数", "")), {}, [("empty_value", "培训人数")],
                 id="R7-empty-value"),
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "培训人数", "/")), {}, [("placeholder", "培训人数")],
                 id="R7-placeholder-slash"),
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "培训人数", "无")), {}, [("placeholder", "培训人数")],
                 id="R7-placeholder-无"),
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "指标1:", "200人")), {}, [("placeholder", "指标1:")],
                 id="R7-placeholder-指标1"),
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "指标1:职工人数", "200人")), {}, [],
                 id="R7-enumerator-before-a-name-passes"),
    pytest.param("R7", swap(CLEAN, QTY, ("产出指标", "数量指标", "无锡市培训人数", "200人")), {}, [],
                 id="R7-无-inside-a-name-passes"),
    pytest.param("R7", CLEAN[:-1] + [("满意度指标", "服务对象满意度", "学员满意度", "")], {"status": "partial"}, [],
                 id="R7-cut-table-last-row-not-judged"),
    pytest.param("R7", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "完工及时率", "及时率")), {}, [],
                 id="R7-value-repeating-name-passes"),
    # R8 overall goal (C:1572)
    pytest.param("R8", CLEAN, {"goal": ""}, [("empty", "")], id="R8-no-goal"),
    pytest.param("R8", CLEAN, {"goal": "职工技能培训。"}, [("name_copy", "")], id="R8-goal-repeats-name-info"),
    # R9 routine-management indicators (C:1584)
    pytest.param("R9", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "资金到位率", "100%")), {},
                 [("routine", "资金到位率")], id="R9-资金到位率"),
    pytest.param("R9", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "评选程序规范性", "100%")), {},
                 [("routine", "评选程序规范性")], id="R9-程序规范-inside-a-name"),
    pytest.param("R9", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "資(zī)金到位率", "100%")), {},
                 [("routine", "資(zī)金到位率")], id="R9-traditional-script-with-inserted-pinyin"),
    pytest.param("R9", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "慰问金发放合规率", "≥98%")), {}, [],
                 id="R9-合规率-not-listed"),
    pytest.param("R9", swap(CLEAN, QTY, ("产出指标", "数量指标", "出具审计报告数", "20份")),
                 {"project": "审计业务经费", "implementing_unit": "某市审计局"}, [],
                 id="R9-an-audit-office's-own-审计-passes"),
    pytest.param("R9", swap(CLEAN, QTY, ("产出指标", "数量指标", "档案数字化页数", "5万页")),
                 {"project": "档案数字化", "implementing_unit": "某市档案馆"}, [], id="R9-an-archive's-own-档案-passes"),
    # R10 no 预算执行率 at the budget stage (C:1720)
    pytest.param("R10", CLEAN + [("产出指标", "时效指标", "年度预算执行率", "≥90%")], {},
                 [("execution", "年度预算执行率")], id="R10-预算执行率-in-target-table"),
    pytest.param("R10", CLEAN + [("产出指标", "时效指标", "预算执行率", "100%")], {"kind": "self_evaluation"}, [],
                 id="R10-self-evaluation-not-judged"),
    # R12 duplicates (C:5341)
    pytest.param("R12", CLEAN + [QUALITY], {}, [("duplicate", "培训合格率")], id="R12-same-level2-and-name"),
    pytest.param("R12", CLEAN + [("产出指标", "质量指标", "培训合格率（%）", "≥95%")], {},
                 [("duplicate", "培训合格率")], id="R12-near-identical-full-width-brackets"),
    pytest.param("R12", [QTY + ({"area": "新罗区"},), QTY + ({"area": "永定区"},)] + CLEAN[1:], {}, [],
                 id="R12-one-row-per-area-not-duplicates"),
    pytest.param("R12", CLEAN + [("产出指标", "成本指标", "培训人数", "≤800元/人")], {}, [],
                 id="R12-quantity-and-cost-share-a-name"),
    # R13 quantitative first (C:1588, C:4917)
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "职工技能水平", "有所提高")), {},
                 [("vague", "职工技能水平")], id="R13-vague-有所提高"),
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "工作经费", "得到有效保障")), {},
                 [("vague", "工作经费")], id="R13-vague-有效-inside-a-phrase"),
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "服务水平", "较好")), {},
                 [("vague", "服务水平")], id="R13-vague-较好-not-graded-好"),
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "工作質量", "進一步提高")), {},
                 [("vague", "工作質量")], id="R13-vague-traditional-進一步"),
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "困难程度", "有所缓解")), {}, [],
                 id="R13-有所缓解-not-listed"),
    pytest.param("R13", swap(CLEAN, BENEFIT, ("效益指标", "社会效益", "水质", "有效达到国家标准")), {}, [],
                 id="R13-graded-达到标准-passes"),
    pytest.param("R13", [QTY, ("产出指标", "质量指标", "培训质量", "良好"), BENEFIT,
                         ("效益指标", "社会效益", "社会影响", "明显"), ("效益指标", "社会效益", "社会风气", "向好"),
                         ("效益指标", "社会效益", "安全", "安全无事故")], {},
                 [("share", "")], id="R13-share-4-of-6-qualitative"),
    pytest.param("R13", [QTY, QUALITY, ("效益指标", "社会效益", "社会影响", "明显"),
                         ("效益指标", "社会效益", "社会风气", "向好")], {}, [], id="R13-share-exactly-half-passes"),
    pytest.param("R13", [QTY, ("效益指标", "社会效益", "社会影响", "明显"), ("效益指标", "社会效益", "社会风气", "向好")],
                 {"status": "partial"}, [], id="R13-share-partial-table-not-judged"),
    pytest.param("R13", [QTY, ("产出指标", "数量指标", "法治宣传", "开展不低于5次的社区法治宣传活动"),
                         ("效益指标", "社会效益", "社会影响", "明显")], {}, [],
                 id="R13-quantified-sentence-counts-as-number"),
    # R14 number with a unit (C:1672)
    pytest.param("R14", swap(CLEAN, QTY, ("产出指标", "数量指标", "开设课程数量", "220")), {},
                 [("no_unit", "开设课程数量")], id="R14-bare-number-220"),
    pytest.param("R14", swap(CLEAN, QTY, ("产出指标", "数量指标", "保障在职职工人数(人)", "220")), {}, [],
                 id="R14-unit-in-the-name-passes"),
    pytest.param("R14", swap(CLEAN, QTY, ("产出指标", "数量指标", "开设课程数量", "220", {"measure_unit": "门"})),
                 {}, [], id="R14-unit-cell-passes"),
    pytest.param("R14", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "验收合格率", "=100.00(%)")), {}, [],
                 id="R14-percent-in-brackets-passes"),
    # R15 comparator direction (C:1578, C:1598)
    pytest.param("R15", swap(CLEAN, QUALITY, ("产出指标", "质量指标", "培训合格率", "≤100%")), {},
                 [("rate_cap", "培训合格率")], id="R15-cap-on-a-good-rate"),
    pytest.param("R15", swap(CLEAN, COST, ("产出指标", "成本指标", "会议费标准", "≥500元/天")), {},
                 [("cost_floor", "会议费标准")], id="R15-floor-on-a-cost"),
    pytest.param("R15", swap(CLEAN, QTY, ("产出指标", "数量指标", "培训人数", ">0人")), {},
                 [("trivial", "培训人数")], id="R15-trivial-bound-above-0"),
    pytest.param("R15", swap(CLEAN, QTY, ("产出指标", "数量指标", "小学就读人数", "<=6962人")), {}, [],
                 id="R15-cap-on-a-count-passes"),
    # R17 deadlines inside the printed year (C:2460, C:4869)
    pytest.param("R17", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "服务周期", "2023.07-2024.01")), {"year": 2023},
                 [("later", "服务周期")], id="R17-range-ending-next-year"),
    pytest.param("R17", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "2024年12月底前")), {},
                 [("earlier", "完成时间")], id="R17-copied-from-last-year"),
    pytest.param("R17", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "2026年6月底前")), {"year": 2026}, [],
                 id="R17-the-printed-year-not-the-folder's"),
    pytest.param("R17", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "12月31日前")), {}, [],
                 id="R17-month-without-year-passes"),
    pytest.param("R17", swap(CLEAN, TIMELY, ("产出指标", "时效指标", "完成时间", "2024年12月底前")), {"year": None},
                 [], id="R17-no-printed-year-not-judged"),
    # R23 cost rows are money (C:1596–1600)
    pytest.param("R23", swap(CLEAN, COST, ("产出指标", "成本指标", "会议召开天数", "2天")), {},
                 [("not_money", "会议召开天数")], id="R23-days-not-money"),
    pytest.param("R23", swap(CLEAN, COST, ("产出指标", "成本指标", "成本控制率", "100%")), {},
                 [("not_money", "成本控制率")], id="R23-percent-not-money"),
    pytest.param("R23", [("成本指标", "经济成本指标", "成本控制合理性", "合理")] + without(CLEAN, COST), {},
                 [("not_money", "成本控制合理性")], id="R23-economic-cost-qualitative"),
    pytest.param("R23", [("成本指标", "经济成本", "成本控制合理性", "合理")] + without(CLEAN, COST), {},
                 [("not_money", "成本控制合理性")], id="R23-economic-cost-label-without-指标"),
    pytest.param("R23", [("成本指标", "生态环境成本指标", "文明施工情况", "可控")] + CLEAN, {}, [],
                 id="R23-ecological-cost-may-be-qualitative"),
    pytest.param("R23", swap(CLEAN, COST, ("产出指标", "成本指标", "控制在预算成本内", "250万")), {}, [],
                 id="R23-250万-is-money"),
    pytest.param("R23", swap(CLEAN, COST, ("产出指标", "成本指标", "人均培训成本", "≥800元/人")), {},
                 [("floor", "人均培训成本")], id="R23-floor-on-cost"),
    pytest.param("R23", swap(CLEAN, COST, ("产出指标", "成本指标", "项目总投入(≥**万元)", "6070")), {"unit_label": ""},
                 [], id="R23-money-unit-in-the-name"),
    # R24 cost within the budget (C:1568, C:2586)
    pytest.param("R24", swap(CLEAN, COST, ("产出指标", "成本指标", "培训总成本", "≤30万元")), {},
                 [("over_budget", "培训总成本")], id="R24-cost-row-above-budget"),
    pytest.param("R24", CLEAN, {}, [], id="R24-unit-cost-not-a-total"),
    # R26 satisfaction is a surveyed percentage (C:1638, C:5117)
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "提升经济服务满意度", "提升")), {},
                 [("qualitative", "提升经济服务满意度")], id="R26-qualitative-提升"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "特殊人员及群体满意", "90.00(度)")), {},
                 [("not_percent", "特殊人员及群体满意")], id="R26-unit-度-not-percent"),
    pytest.param("R26", CLEAN + [("效益指标", "社会公众或服务对象满意度指标", "市民满意度", "较高")], {},
                 [("qualitative", "市民满意度")], id="R26-53号-satisfaction-under-benefit"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "投诉件数", "≤5件")), {}, [],
                 id="R26-complaint-count-in-the-group-is-not-a-satisfaction"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "(二)政府采购情况", "2026年采购")), {},
                 [], id="R26-text-after-the-table-read-into-the-group-not-judged"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "提升群众安全感", "提升")), {},
                 [("qualitative", "提升群众安全感")], id="R26-安全感-is-a-satisfaction"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "学员满意度", "≤90%")), {},
                 [("cap", "学员满意度")], id="R26-capped"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "学员满意度", "≥90.00(%)")), {}, [],
                 id="R26-percent-in-brackets-passes"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "家长满意比例", "满意率100%")), {}, [],
                 id="R26-percent-inside-words-passes"),
    pytest.param("R26", swap(CLEAN, SATISFIED, ("满意度指标", "服务对象满意度", "受助对象满意度(%)", "≥90")), {}, [],
                 id="R26-percent-in-the-name-passes"),
    # R30 multi-year benefit for construction (C:1632)
    pytest.param("R30", CLEAN, {"project": "道路建设工程"}, [("no_term", "")], id="R30-construction-no-period"),
    pytest.param("R30", CLEAN + [("效益指标", "可持续影响", "设施使用年限", "≥20年")], {"project": "道路建设工程"}, [],
                 id="R30-使用年限-passes"),
]


@pytest.mark.parametrize(("rule_id", "rows", "project", "expected"), CASES)
def test_rule(rule_id: str, rows: list, project: dict, expected: list) -> None:
    category = project.pop("category", "") if "category" in project else ""
    assert sorted(run(rule_id, rows, category=category, **dict(project))) == sorted(expected)


def test_clean_table_raises_nothing_at_warning() -> None:
    projects, found = pd.DataFrame([PROJECT]), None
    inds = pd.DataFrame([{"project_id": "p", "seq": n, "level1": a, "level2": b, "indicator": c, "value": d}
                         for n, (a, b, c, d) in enumerate(CLEAN, 1)])
    found = audit_projects(projects, inds).findings
    assert found[found["severity"] != "info"].empty, found["message_zh"].tolist()


@pytest.mark.parametrize(("kind", "status", "rule_id", "reason"), [
    pytest.param("self_evaluation", "complete", "R10", "自评表", id="skipped-R10-on-a-self-evaluation"),
    pytest.param("department", "complete", "R4", "部门整体", id="skipped-R4-on-a-department-table"),
    pytest.param("project", "partial", "R1", "partial", id="skipped-R1-on-a-cut-table"),
])
def test_rules_not_applied_are_recorded(kind: str, status: str, rule_id: str, reason: str) -> None:
    projects = pd.DataFrame([{**PROJECT, "kind": kind, "status": status}])
    inds = pd.DataFrame([{"project_id": "p", "seq": 1, "level1": "产出指标", "level2": "数量指标",
                          "indicator": "人数", "value": "1人"}])
    skipped = audit_projects(projects, inds).skipped
    assert reason in skipped.loc[skipped["rule"] == rule_id, "reason"].iloc[0]


def test_catalogue_is_whole() -> None:
    """R1–R31 each once; every rule that runs has a check; every rule not run says why; messages format."""
    ids = [r.rule for r in rules()]
    assert ids == [f"R{n}" for n in range(1, 32)]
    assert {r.rule for r in rules() if r.runs} == set(CHECKS)
    assert all(r.not_run_reason for r in rules() if not r.runs)
    assert all(re.fullmatch(r"C:\d+(?:[–,] ?C?:?\d+)*(?:, C:\d+(?:–\d+)?)*", r.clause) for r in rules())
    for row in read_metadata("rule_cases"):
        c = case(row["rule"], row["case"])
        assert c.severity in ("error", "warning", "info") and rule(c.rule).runs


# --- the hand-keyed documents ---------------------------------------------------------------------------------

CORE = ("R1", "R2", "R3", "R4", "R6", "R7", "R9", "R10", "R12", "R13", "R14", "R15", "R17", "R23", "R26")
KEYS = SHARED / "corpus" / "analyses"
#: Keyed findings the audit cannot see in the parsed tables, with why.
KNOWN_GAPS = {
    ("B09_xiangtan-huanwei-wupaoche-2023.txt", "R7", ""):
        "the reading drops level-2 headings printed with no level-3 row (经济效益指标, 生态效益指标, 可持续影响指标)",
}


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _key_files() -> list:
    if not KEYS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no analysis keys at {KEYS}"), id="no-keys")]
    return [pytest.param(p, id=p.name.split(".")[0][:40]) for p in sorted(KEYS.glob("*.audit.json"))]


def _source(key_file: Path, name: str) -> Path | None:
    for folder in (key_file.parent, key_file.parent.parent):
        if (folder / name).exists():
            return folder / name
    return next(key_file.parent.parent.parent.rglob(name), None)


@pytest.mark.parametrize("key_file", _key_files())
def test_keyed_document(key_file: Path) -> None:
    from budgetkit.analyse.findings import audit_frame
    from budgetkit.parse import parse_file

    key = json.loads(key_file.read_text(encoding="utf-8"))
    source = _source(key_file, key["source"])
    if source is None:
        pytest.skip(f"source {key['source']} not found beside {key_file}")
    names = {_norm(p["name"]) for p in key["projects"]}
    want = {(_norm(p["name"]), f["rule"], _norm(f.get("indicator")))
            for p in key["projects"] for f in p["findings"] if f["rule"] in CORE}
    found = audit_frame(parse_file(source))
    have = {(_norm(p), r, _norm(i)) for p, r, i in zip(found["project"], found["rule"], found["indicator"], strict=True)
            if r in CORE and _norm(p) in names}
    gaps = {(p, r, i) for p, r, i in want if (key["source"], r, i) in KNOWN_GAPS}
    assert have - want == set(), "findings the key does not hold"
    assert want - have - gaps == set(), "keyed findings missed"


# --- how the rules read a value, a template and a project's class ----------------------------------------------

from budgetkit.rules101.context import project_class, template_of  # noqa: E402
from budgetkit.rules101.shapes import is_money, shape  # noqa: E402


@pytest.mark.parametrize(("value", "has_number", "percent", "years"), [
    pytest.param("=100.00(%)", True, 100.0, (), id="shape-percent-in-brackets"),
    pytest.param("≥９０％", True, 90.0, (), id="shape-full-width-percent"),
    pytest.param("有所改善", False, None, (), id="shape-vague-no-number"),
    pytest.param("每月一次", True, None, (), id="shape-chinese-numeral-frequency"),
    pytest.param("一般", False, None, (), id="shape-一般-is-a-grade-not-a-number"),
    pytest.param("统一规范", False, None, (), id="shape-统一-is-not-a-number"),
    pytest.param("2023.07-2024.01", True, None, (2023, 2024), id="shape-dotted-range-years"),
    pytest.param("2025年12月底前", True, None, (2025,), id="shape-deadline-year"),
    pytest.param("≥2000人", True, None, (), id="shape-count-2000-is-not-a-year"),
    pytest.param("2024至2027", True, None, (2024, 2027), id="shape-year-span-至"),
])
def test_shape(value: str, has_number: bool, percent: float | None, years: tuple) -> None:
    s = shape(value)
    assert s.has_number == has_number and s.years == years
    assert (percent is None and s.percent != s.percent) or s.percent == percent


@pytest.mark.parametrize(("value", "money"), [
    pytest.param("250万", True, id="money-万-after-amount"),
    pytest.param("5万人次", False, id="money-万人次-is-a-count"),
    pytest.param("3万亩", False, id="money-万亩-is-an-area"),
    pytest.param("≤0.89万元/年", True, id="money-rate-per-year"),
    pytest.param("平均3250元/户", True, id="money-average-per-household"),
    pytest.param("500元以内", True, id="money-元-before-words"),
    pytest.param("万元≤184.94", True, id="money-unit-before-number"),
    pytest.param("2天", False, id="money-days-are-not-money"),
    pytest.param("100%", False, id="money-percent-is-not-money"),
    pytest.param("合理", False, id="money-qualitative"),
])
def test_is_money(value: str, money: bool) -> None:
    assert is_money(value) == money


@pytest.mark.parametrize(("name", "category", "klass"), [
    pytest.param("兰溪路-真南路下立交工程", "", "construction", id="class-工程"),
    pytest.param("黄山市雪亮工程机房租赁服务采购", "", "construction", id="class-工程-literal-list"),
    pytest.param("办公楼维修改造", "", "repair", id="class-维修改造"),
    pytest.param("执法记录仪购置", "", "purchase", id="class-购置"),
    pytest.param("社区中心运行", "基本建设类", "construction", id="class-printed-项目类别"),
    pytest.param("各类工作经费", "特定目标类", "other", id="class-other"),
])
def test_project_class(name: str, category: str, klass: str) -> None:
    assert project_class(name, category)[0] == klass


def _rows(*pairs: tuple[str, str, str]) -> tuple:
    frame = pd.DataFrame([{"project_id": "p", "seq": n, "level1": a, "level1_printed": p, "level2": b,
                           "indicator": "x", "value": "1人"} for n, (a, p, b) in enumerate(pairs, 1)])
    from budgetkit.rules101.context import project_contexts

    return project_contexts(pd.DataFrame([PROJECT]), frame)[0].rows


@pytest.mark.parametrize(("pairs", "template"), [
    pytest.param([("成本指标", "成本指标", "经济成本指标"), ("产出指标", "产出指标", "数量指标")], "2021",
                 id="template-2021-level1-cost"),
    pytest.param([("产出指标", "产出指标", "成本指标"), ("效益指标", "效益指标", "可持续影响")], "older",
                 id="template-older-cost-under-output"),
    pytest.param([("成本指标", "成本指标", "经济成本指标"), ("效益指标", "效益指标", "可持续影响指标")], "mixed",
                 id="template-mixed-河南专项债"),
    pytest.param([("产出指标", "产出指标", "数量指标"), ("效益指标", "效益指标", "服务对象满意度")], "",
                 id="template-unknown-satisfaction-under-benefit-is-no-sign"),
])
def test_template(pairs: list, template: str) -> None:
    assert template_of(_rows(*pairs)) == template
