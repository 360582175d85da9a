"""Costs (ANALYSES.md §2): unit pairing by dimension and synonyms, quantities in names, stated_only, budget basis.

Every row is a literal 指标值 read by :func:`parse_indicator_value`; every expected total is hand arithmetic
on the printed numbers (written out beside it), never the code's output.
"""

import json
import math

import pandas as pd
import pytest

from budgetkit.analyse.reconcile import ANALYSIS_TOLERANCE_PCT, reconcile_costs, unit_dimension
from budgetkit.vocab.name_quantity import quantity_in_name, unit_from_name, value_with_name_unit
from budgetkit.vocab.values import parse_indicator_value


def row(level2, name, value):
    v = parse_indicator_value(value)
    return {"level1": "", "level2": level2, "indicator": name, "value": value, "kind": v.kind, "op": v.op,
            "qualifier": v.qualifier, "num": v.num, "unit": v.unit, "per_unit": v.per_unit,
            "value_yuan": v.value_yuan}


def qty(name, value):
    return row("数量指标", name, value)


def cost(name, value):
    return row("成本指标", name, value)


def reconcile(rows, total, annual=None):
    projects = pd.DataFrame([{"project_id": "p#01", "project": "测试项目", "implementing_unit": "某单位",
                              "total_wan": total, "annual_total_wan": annual if annual is not None else total}])
    inds = pd.DataFrame([{"project_id": "p#01", "seq": n, **r} for n, r in enumerate(rows, 1)])
    return reconcile_costs(projects, inds, tolerance_pct=ANALYSIS_TOLERANCE_PCT).iloc[0]  # the 5% of ANALYSES.md


# --- unit pairing: dimensions and synonyms of metadata/units.csv ----------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("户", "家庭", True, id="synonym-household-户-家庭"),
        pytest.param("次", "场", True, id="synonym-occurrence-次-场"),
        pytest.param("期", "次", True, id="synonym-occurrence-期-次"),
        pytest.param("平方米", "㎡", True, id="synonym-area-平方米-㎡"),
        pytest.param("平米", "平方米", True, id="synonym-area-平米-平方米"),
        pytest.param("生", "人", True, id="synonym-person-生-人"),
        pytest.param("⼾", "户", True, id="kangxi-radical-户"),
        pytest.param("人次", "人", False, id="adversarial-人次-is-not-人"),
        pytest.param("户", "人", False, id="adversarial-户-is-not-人"),
        pytest.param("米", "平方米", False, id="adversarial-length-is-not-area"),
        pytest.param("个月", "月", True, id="duration-month"),
    ],
)
def test_unit_dimension_pairs(a, b, same):
    assert (unit_dimension(a) == unit_dimension(b)) is same


@pytest.mark.parametrize(
    ("rows", "total", "status", "implied"),
    [
        # 6962 × 780 = 5,430,360元 = 543.036万 against 438.768万: +23.76% (corpus key A07)
        pytest.param([qty("小学就读人数", "<=6962人"), cost("义务教育小学生均公用经费", "780元/生/年")], 438.768,
                     "does_not_close", 543.036, id="per-pupil-元/生/年-with-人"),
        # 200 × 3500 = 700,000元 = 70万
        pytest.param([qty("救助困难家庭", "200家庭"), cost("救助标准", "平均3500元/户")], 70.0, "closes", 70.0,
                     id="household-家庭-with-元/户"),
        # 12 × 5000 = 60,000元 = 6万
        pytest.param([qty("开展政策宣讲", "12场"), cost("宣讲活动费用", "5000元/次")], 6.0, "closes", 6.0,
                     id="occurrence-场-with-元/次"),
        # 4 × 25000 = 100,000元 = 10万
        pytest.param([qty("举办培训班", "4期"), cost("培训费标准", "25000元/次")], 10.0, "closes", 10.0,
                     id="occurrence-期-with-元/次"),
        # 1200 × 300 = 360,000元 = 36万
        pytest.param([qty("校舍维修面积", "1200㎡"), cost("维修单价", "300元/平方米")], 36.0, "closes", 36.0,
                     id="area-㎡-with-元/平方米"),
        # 10人 × 12个月 × 500元 = 60,000元 = 6万
        pytest.param([qty("保障对象人数", "10人"), cost("生活补助标准", "500元/人·月")], 6.0, "closes", 6.0,
                     id="per-person-month-元/人·月"),
        pytest.param([qty("服务群众", "800人次"), cost("服务补助", "100元/户")], 8.0, "not_priceable", math.nan,
                     id="adversarial-人次-cannot-pair-元/户"),
        # 4.5万人 = 45,000人 × 800元 = 36,000,000元 = 3600万
        pytest.param([qty("参保人数", "4.5万人"), cost("人均财政补助标准", "≥800元/人")], 3600.0, "closes", 3600.0,
                     id="ten-thousand-persons-万人"),
        # 5人 × 12个月 × 4500元 = 270,000元 = 27万 (人月 printed without a separator)
        pytest.param([qty("聘用人员数量", "5人"), cost("人均工资标准", "≤4500元/人月")], 27.0, "closes", 27.0,
                     id="person-month-without-separator-人月"),
        # 2公里 = 2000米 × 150元/米 = 300,000元 = 30万
        pytest.param([qty("道路建设长度", "2公里"), cost("道路单价", "150元/米")], 30.0, "closes", 30.0,
                     id="kilometres-against-元/米"),
        # 人均 in the name of a money row: 60人 × 1947元 = 116,820元 = 11.682万
        pytest.param([qty("培训人数", "60人"), cost("人均培训成本(元)", "≤1947")], 11.682, "closes", 11.682,
                     id="per-head-money-named-人均"),
    ],
)
def test_pairing_by_dimension(rows, total, status, implied):
    got = reconcile(rows, total)
    assert got["status"] == status, got["explanation_en"]
    assert (math.isnan(implied) and math.isnan(got["implied_wan"])) or got["implied_wan"] == pytest.approx(implied)


def test_units_that_cannot_pair_say_so():
    got = reconcile([qty("服务群众", "800人次"), cost("服务补助", "100元/户")], 8.0)
    assert "units that cannot pair: 服务补助 '100元/户' is per 户, the counts are in 人次" in got["explanation_en"]


# --- quantities and units printed in names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("防疫室84平米", (84.0, "平米"), id="area-in-name"),
        pytest.param("标准化棚圈360平米", (360.0, "平米"), id="area-after-words"),
        pytest.param("围墙300米", (300.0, "米"), id="length-in-name"),
        pytest.param("2025年监测费用", None, id="adversarial-year-is-no-quantity"),
        pytest.param("12个月社保缴纳", None, id="adversarial-duration-is-no-quantity"),
        pytest.param("职工困难帮扶", None, id="no-number"),
        pytest.param("第1.5期工程", (1.5, "期"), id="decimal-count"),
    ],
)
def test_quantity_in_name(name, expected):
    assert quantity_in_name(name) == expected


@pytest.mark.parametrize(
    ("name", "value", "kind", "num", "unit"),
    [
        pytest.param("开展培训(次)", "4", "count", 4.0, "次", id="bare-number-unit-in-brackets"),
        pytest.param("提交审计报告和信息(篇)", "≥150", "count", 150.0, "篇", id="comparator-unit-in-brackets"),
        pytest.param("开展培训（场）", "6", "count", 6.0, "场", id="full-width-brackets"),
        pytest.param("培训经费(万元)", "5", "money", 5.0, "万元", id="money-unit-in-brackets"),
        pytest.param("养殖动物成活率(目标)", "95", None, None, None, id="adversarial-word-in-brackets"),
        pytest.param("开展培训(次)", "4次", None, None, None, id="value-has-its-own-unit"),
    ],
)
def test_value_with_name_unit(name, value, kind, num, unit):
    got = value_with_name_unit(name, value)
    if kind is None:
        assert got is None
    else:
        assert (got.kind, got.num, got.unit) == (kind, num, unit)


def test_unit_from_name_rate():
    assert unit_from_name("人均补助(元/人)") == "元/人"


@pytest.mark.parametrize(
    ("rows", "total", "status", "implied"),
    [
        # corpus A11: 50,000 + 120×490 + 300×300 + 360×550 + 84×1050 = 485,000元 = 48.5万 vs 50万 (−3.0%)
        pytest.param([cost("打井、配电", "50000元"), cost("饲料库120平米", "490元/平米"), cost("围墙300米", "300元/米"),
                      cost("标准化棚圈360平米", "550元/平米"), cost("防疫室84平米", "≥1050元")], 50.0, "closes", 48.5,
                     id="quantities-in-cost-names-A11"),
        # 4 × 5000 = 20,000元 = 2万
        pytest.param([qty("开展培训(次)", "4"), cost("培训费用", "5000元/次")], 2.0, "closes", 2.0,
                     id="unit-in-quantity-name-bracket"),
        # 150 × 2000 = 300,000元 = 30万
        pytest.param([qty("提交审计报告和信息(篇)", "≥150"), cost("审计费用", "2000元/篇")], 30.0, "closes", 30.0,
                     id="floor-with-unit-in-name"),
        # 慰问100名 | 5万元 is a total, not 5万 a head (no rate beside it prices a 人 quantity that way)
        pytest.param([cost("慰问100名困难职工", "5万元")], 5.0, "stated_only", math.nan,
                     id="adversarial-amount-beside-headcount-is-a-total"),
    ],
)
def test_names_with_quantities(rows, total, status, implied):
    got = reconcile(rows, total)
    assert got["status"] == status, got["explanation_en"]
    assert (math.isnan(implied) and math.isnan(got["implied_wan"])) or got["implied_wan"] == pytest.approx(implied)


def test_terms_name_the_indicators():
    got = reconcile([qty("开展培训(次)", "4"), cost("培训费用", "5000元/次")], 2.0)
    terms = json.loads(got["terms"])
    assert [(t["quantity"], t["unit_cost"], t["subtotal_yuan"]) for t in terms] == [("开展培训(次)", "培训费用", 20000)]


# --- stated_only: money rows that restate the budget ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "total", "annual", "status", "basis", "in_en"),
    [
        pytest.param([qty("配备车辆数", "10辆"), cost("控制在预算成本内", "250万")], 250.0, None, "stated_only",
                     "annual = total", "the money rows 控制在预算成本内「250万」 come to 250万元", id="single-row-equals-budget"),
        pytest.param([qty("划拨分成", "1项"), qty("补助下级", "1项"), cost("划拨分成", "≤500万元"),
                      cost("补助下级", "≤961万元"), cost("上解全总", "≤209万元")], 1670.0, None, "stated_only",
                     "annual = total", "come to 1670万元", id="parts-sum-to-budget-with-1项"),
        pytest.param([cost("维护成本", "<1681680元")], 168.168, None, "stated_only", "annual = total",
                     "168.168万元", id="cap-in-yuan-equals-budget"),
        pytest.param([cost("项目总成本", "≤900万元")], 900.0, 300.0, "stated_only", "total", "project total",
                     id="equals-the-multi-year-total"),
        pytest.param([qty("培训人数", "100人"), cost("维护成本", "30万元")], 100.0, None, "not_priceable",
                     "annual = total", "a cost row with no quantity: 维护成本「30万元」 come to 30万元",
                     id="amount-not-the-budget-is-not-priceable"),
        pytest.param([qty("培训人数", "100人"), cost("成本控制率", "100%")], 10.0, None, "not_priceable",
                     "annual = total", "no money row: the cost rows 成本控制率「100%」", id="no-money-row"),
        pytest.param([qty("培训人数", "100人")], 10.0, None, "not_priceable", "annual = total",
                     "no cost row and no money row", id="no-cost-row"),
        pytest.param([cost("财政投入总数", "万元≤184.94")], 184.94, None, "stated_only", "annual = total",
                     "come to 184.94万元", id="unit-before-the-number"),
        pytest.param([cost("财政投入控制数", "万元=1849.5")], 1800.0, None, "not_priceable", "annual = total",
                     "a cost row with no quantity", id="adversarial-near-the-budget-is-no-restatement"),
    ],
)
def test_stated_only_and_reasons(rows, total, annual, status, basis, in_en):
    got = reconcile(rows, total, annual)
    assert (got["status"], got["basis"]) == (status, basis)
    assert in_en in got["explanation_en"], got["explanation_en"]
    assert math.isnan(got["implied_wan"]) and json.loads(got["terms"]) == []


# --- annual or total budget ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "status", "basis", "budget"),
    [
        # 100 × 10,000 = 1,000,000元 = 100万 = this year's funds
        pytest.param([qty("培训人数", "100人"), cost("人均培训费", "10000元/人")], "closes", "annual", 100.0,
                     id="closes-on-the-annual"),
        # 300 × 10,000 = 3,000,000元 = 300万 = the three-year total
        pytest.param([qty("培训人数", "300人"), cost("人均培训费", "10000元/人")], "closes", "total", 300.0,
                     id="closes-on-the-total"),
        # 200 × 10,000 = 200万: neither; reported against the annual
        pytest.param([qty("培训人数", "200人"), cost("人均培训费", "10000元/人")], "does_not_close", "annual", 100.0,
                     id="neither-reported-on-the-annual"),
    ],
)
def test_multi_year_basis(rows, status, basis, budget):
    got = reconcile(rows, total=300.0, annual=100.0)
    assert (got["status"], got["basis"], got["budget_wan"]) == (status, basis, budget)
