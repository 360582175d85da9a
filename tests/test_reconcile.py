"""Cost reconciliation on the seed's real rows, copied by hand from the 2025 trade-union disclosure.

The frames below follow the indicators contract as the parser produces it (NFKC text:
``≥90%``, ``(局)``), typed as pandas 3 types them; nothing here calls the parser.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from budgetkit.analyse.reconcile import (
    RECONCILE_COLUMNS,
    STATUSES,
    TERM_COLUMNS,
    format_wan,
    goal_components,
    indicator_key,
    list_strategies,
    name_similarity,
    price_terms,
    reconcile_costs,
    unit_dimension,
)
from budgetkit.errors import BudgetkitError, ReconciliationError
from budgetkit.model.fields import columns

SOURCE = "nx-federation-of-trade-unions-2025-project-performance-targets.txt"
STEM = SOURCE.removesuffix(".txt")

LEVEL1 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益": "效益指标",
    "社会效益": "效益指标",
    "生态效益": "效益指标",
    "可持续影响": "效益指标",
    "服务对象满意度": "满意度指标",
}


def ind(level2, name, value, kind, num=None, unit=None, per_unit=None, value_yuan=None, op=None,
        qualifier=None, deadline=None):
    """One indicator row as the parser types it (level1 follows from level2)."""
    return {
        "level1": LEVEL1[level2], "level2": level2, "indicator": name, "value": value, "op": op,
        "qualifier": qualifier, "num": num, "unit": unit, "per_unit": per_unit, "kind": kind,
        "deadline": deadline, "value_yuan": value_yuan,
    }


def count(name, value, num, unit, op=None, qualifier=None, level2="数量指标"):
    return ind(level2, name, value, "count", num, unit, op=op, qualifier=qualifier)


def pct(level2, name, value, num, op=None):
    return ind(level2, name, value, "percent", num, "%", op=op)


def rate(name, value, num, unit, per_unit, yuan, op=None, qualifier=None):
    return ind("成本指标", name, value, "rate", num, unit, per_unit, yuan, op=op, qualifier=qualifier)


def money(name, value, num, unit, yuan, op=None):
    return ind("成本指标", name, value, "money", num, unit, None, yuan, op=op)


def words(level2, name, value, kind="qualitative"):
    return ind(level2, name, value, kind)


def due(name, value, date):
    return ind("时效指标", name, value, "deadline", deadline=date)


# --- the seed, table by table --------------------------------------------------------------------------

SEED: dict[int, dict] = {
    1: {
        "project": "职工困难帮扶资金项目", "unit": "宁夏回族自治区总工会", "total": 886.8,
        "goal": "职工困难帮扶资金项目2025年度安排资金886.8万元,主要为支持巩固城市困难职工解困脱困成果,"
                "持续提升职工生活品质。",
        "rows": [
            count("职工困难医疗救助", "200户", 200, "户"),
            count("职工困难保障性住房", "179户", 179, "户"),
            count("帮扶职工困难子女助学", "450户", 450, "户"),
            count("职工困难帮扶", "2225户", 2225, "户"),
            pct("质量指标", "帮扶资金发放合格率", "100%", 100),
            pct("质量指标", "帮扶救助对象条件符合率", "100%", 100),
            pct("时效指标", "帮扶资金发放及时率", "100%", 100),
            rate("职工困难帮扶标准", "平均3250元/户", 3250, "元", "户", 3250, qualifier="平均"),
            rate("职工困难保障性住房", "平均900元/户", 900, "元", "户", 900, qualifier="平均"),
            rate("职工困难子女助学", "平均1725元/户", 1725, "元", "户", 1725, qualifier="平均"),
            rate("职工困难医疗救助", "平均3500元/户", 3500, "元", "户", 3500, qualifier="平均"),
            words("社会效益", "职工家庭困难程度", "有所缓解"),
            words("社会效益", "职工家庭生活", "有所改善"),
            words("可持续影响", "职工对工会的认同感", "得到提高"),
            pct("服务对象满意度", "受帮扶救助困难职工满意度", "≥90%", 90, op="≥"),
        ],
    },
    2: {
        "project": "党委政府慰问经费", "unit": "宁夏回族自治区总工会", "total": 500.0,
        "goal": "开展劳模及困难职工慰问项目。2025年党委政府慰问资金500万元,结合自治区“两节”慰问。",
        "rows": [
            count("慰问困难职工人数", "2600人", 2600, "人"),
            count("慰问劳模人数", "2400人", 2400, "人"),
            pct("质量指标", "困难职工慰问受众条件合格率", "≥95%", 95, op="≥"),
            pct("质量指标", "慰问金发放合规率", "≥98%", 98, op="≥"),
            pct("时效指标", "慰问金发放及时率", "100%", 100),
            rate("劳模慰问标准", "1000元/人", 1000, "元", "人", 1000),
            rate("困难职工慰问标准", "1000元/人", 1000, "元", "人", 1000),
            words("经济效益", "改善困难职工生活", "逐步改善"),
            words("社会效益", "对劳模群体的影响力", "提高劳模荣誉感和获得感", "text"),
            words("社会效益", "困难职工生活质量", "逐步提高"),
            words("可持续影响", "劳模及困难职工对工会的认同感", "逐步改善"),
            words("可持续影响", "劳模及困难职工生活状况得到改善", "逐步改善"),
            pct("服务对象满意度", "困难职工满意度", "≥90%", 90, op="≥"),
            pct("服务对象满意度", "劳模满意度", "≥90%", 90, op="≥"),
        ],
    },
    3: {
        "project": "省部级劳模困难补助资金", "unit": "宁夏回族自治区总工会", "total": 126.6,
        "goal": "2025年省部级劳模困难专项补助资金 126.6万元,其中,省部级农民劳模补助54万元、特殊困难劳模帮扶补助"
                "54.6万元、低收入劳模补助18万元.为提高劳模收入,改善劳模生活质量。",
        "rows": [
            count("受助农民劳模人数", "约150人", 150, "人", op="≈", qualifier="约"),
            count("受助低收入劳模人数", "约30人", 30, "人", op="≈", qualifier="约"),
            count("受助特殊困难劳模人数", "约130人", 130, "人", op="≈", qualifier="约"),
            pct("质量指标", "符合条件劳模受助覆盖率", "≥90%", 90, op="≥"),
            pct("质量指标", "申报审核程序合规率", "≥90%", 90, op="≥"),
            pct("质量指标", "受助对象条件符合率", "100%", 100),
            due("资金发放完成时间", "2025年12月底前", pd.Timestamp("2025-12-31")),
            rate("农民劳模补助金支出", "3600元/人", 3600, "元", "人", 3600),
            rate("特殊困难劳模补助金支出", "4200元/人", 4200, "元", "人", 4200),
            rate("低收入劳模补助金支出", "人均6000元", 6000, "元", "人", 6000, qualifier="人均"),
            words("社会效益", "劳模家庭生活状况", "受助劳模生活得到有效改善", "text"),
            words("社会效益", "劳模家庭困难程度", "受助劳模困难程度有所缓解", "text"),
            words("可持续影响", "社会影响力", "促进形成尊重劳模、争当劳模的良好 社会氛围", "text"),
            pct("服务对象满意度", "受助对象满意度", "≥92%", 92, op="≥"),
        ],
    },
    4: {
        "project": "财政划转行政事业单位工会经费", "unit": "宁夏回族自治区总工会", "total": 1670.0,
        "goal": "按照行政事业单位职工工资总额的2%的40%测算,财政划拨行政事业单位工会经费总额1670万元。",
        "rows": [
            count("划拨分成厅(局)级工会", "1项", 1, "项"),
            count("上解中华全国总工会", "1项", 1, "项"),
            count("用于下级工会", "1项", 1, "项"),
            pct("质量指标", "按相关规定规范执行", "≥90%", 90, op="≥"),
            due("及时上解、划拨工会经费", "2025年12月20日前", pd.Timestamp("2025-12-20")),
            money("划拨分成厅(局)级工会", "≤500万元", 500, "万元", 5_000_000, op="≤"),
            money("补助下级工会", "≤961万元", 961, "万元", 9_610_000, op="≤"),
            money("上解中华全国总工会", "≤209万元", 209, "万元", 2_090_000, op="≤"),
            words("社会效益", "开展工会活动", "开展工会活动的内容和项目明显丰富", "text"),
            words("社会效益", "职工参与度", "显著增加"),
            words("可持续影响", "各级工会开展工作经费", "得到有效保障"),
            pct("服务对象满意度", "职工满意度", "≥85%", 85, op="≥"),
            pct("服务对象满意度", "基层工会满意度", "≥85%", 85, op="≥"),
        ],
    },
    5: {
        "project": "“创双优”活动专项经费", "unit": "宁夏回族自治区总工会", "total": 30.0,
        "goal": "开展1场劳动竞赛;提升职工职业技能开展约5个工种的技能竞赛,每场平均6万元,合计30万元。",
        "rows": [
            count("开展劳动和技能竞赛数量", "5项", 5, "项"),
            count("参加劳动和技能竞赛人数", "≥200人", 200, "人", op="≥"),
            pct("质量指标", "开展劳动和技能竞赛规范性", "≥90%", 90, op="≥"),
            pct("质量指标", "劳动和技能竞赛资料收集整理", "≥90%", 90, op="≥"),
            pct("时效指标", "技能竞赛当年完成率", "≥92%", 92, op="≥"),
            pct("时效指标", "劳动竞赛当年完成率", "≥92%", 92, op="≥"),
            money("每项劳动和技能竞赛费用", "6万元", 6, "万元", 60_000),
            words("社会效益", "职工技能水平和素质得到提升", "逐步提升"),
            words("可持续影响", "带动产业技术工人参与竞赛积极性", "逐步提高"),
            pct("服务对象满意度", "活动参与对象满意度", "≥90%", 90, op="≥"),
        ],
    },
    6: {
        "project": "省部级劳模疗休养费项目", "unit": "宁夏回族自治区总工会", "total": 20.0,
        "goal": "省部级劳模疗休养项目2025年安排资金20万元,用于组织40名劳模到区内外开展疗休养活动。",
        "rows": [
            count("组织劳模疗休养人数", "大于40人", 40, "人", op=">", qualifier="大于"),
            pct("质量指标", "劳模疗养条件符合度", "100%", 100),
            due("安排疗休养及时性", "2025年12月底前", pd.Timestamp("2025-12-31")),
            rate("疗休养补助标准", "≤5000元/人", 5000, "元", "人", 5000, op="≤"),
            words("社会效益", "对劳模群体的影响力", "提高劳模荣誉感", "text"),
            words("可持续影响", "弘扬劳模精神", "得到弘扬"),
            words("可持续影响", "营造关爱劳模的良好氛围", "显著提升"),
            pct("服务对象满意度", "劳模对疗休养满意程度", "≥92%", 92, op="≥"),
        ],
    },
    7: {
        "project": "自治区劳动模范和先进工作者评选表彰大会", "unit": "宁夏回族自治区总工会", "total": 230.6,
        "goal": "项目安排资金230.6万元,用于召开五年一次自治区劳动模范评选表彰活动,将评选表彰自治区劳动模范和"
                "先进工作者200名。",
        "rows": [
            count("评选劳动模范和先进工作者人数", "≤200人", 200, "人", op="≤"),
            count("参加会议人数", "≤300人", 300, "人", op="≤"),
            pct("质量指标", "评选程序规范性", "100%", 100),
            words("时效指标", "会议召开时效性", "按批准时间及时召开", "text"),
            count("会议召开天数", "2天", 2, "天", level2="成本指标"),
            rate("会议费标准", "510元/天", 510, "元", "天", 510),
            rate("奖励发放", "10000元/人", 10000, "元", "人", 10000),
            words("社会效益", "劳动光荣的社会风尚和精益求精的敬业精神", "显著提升"),
            words("可持续影响", "弘扬劳模精神", "显著"),
            pct("服务对象满意度", "表彰对象满意度", "100%", 100),
        ],
    },
    8: {
        "project": "基本支出项目", "unit": "宁夏工人疗养院", "total": 167.0,
        "goal": "项目本年度安排资金167万元,分别为养老保险67.35万元,职业年金33.68万元,医疗保险27.35万元,"
                "失业保险1.55万元,工伤保险0.5万元,住房公积金27.35万元,住房补贴9.22万元,保证按时缴纳和发放。",
        "rows": [
            count("缴纳失业保险人数", "38人", 38, "人"),
            count("缴纳医疗保险人数", "38人", 38, "人"),
            count("缴纳住房公积金人数", "38人", 38, "人"),
            count("发放住房补贴人数", "28人", 28, "人"),
            count("缴纳职业年金人数", "38人", 38, "人"),
            count("缴纳养老保险人数", "38人", 38, "人"),
            pct("质量指标", "资金到位率", "100%", 100),
            words("时效指标", "社保缴费时限", "按月足额缴纳", "text"),
            rate("人均职业年金缴纳标准", "≤0.89万元/年", 0.89, "万元", "年", 8900, op="≤"),
            rate("人均住房公积金缴纳标准", "≤0.72万元/年", 0.72, "万元", "年", 7200, op="≤"),
            rate("人均住房补贴缴纳标准", "≤0.33万元/年", 0.33, "万元", "年", 3300, op="≤"),
            rate("人均失业保险缴纳标准", "≤0.041万元/年", 0.041, "万元", "年", 410, op="≤"),
            rate("人均养老保险缴纳标准", "≤1.78万元/年", 1.78, "万元", "年", 17800, op="≤"),
            rate("人均工伤保险缴纳标准", "≤0.014万元/年", 0.014, "万元", "年", 140, op="≤"),
            rate("人均医疗保险缴纳标准", "≤0.72万元/年", 0.72, "万元", "年", 7200, op="≤"),
            words("经济效益", "提升就业率,促进经济发展", "稳步提升"),
            pct("社会效益", "社保政策知晓率", "≥85%", 85, op="≥"),
            words("生态效益", "生态环境", "良好"),
            pct("可持续影响", "提高社保缴费年限", "100%", 100),
            pct("服务对象满意度", "社保按时缴纳职工满意度", "≥95%", 95, op="≥"),
        ],
    },
    9: {
        "project": "2025年中央重大公共卫生服务项目", "unit": "宁夏工人疗养院", "total": 0.36,
        "goal": "根据下达指标完成2025年度目标任务",
        "rows": [
            count("全年监测病例", "100例", 100, "例"),
            pct("质量指标", "资金到位率", "100%", 100),
            due("完成国家监测任务", "2025年1-12月", pd.Timestamp("2025-12-31")),
            rate("2025年监测费用", "3600元/年", 3600, "元", "年", 3600),
            pct("经济效益", "项目成本控制率", "≥98%", 98, op="≥"),
            words("社会效益", "居民健康水平", "逐步提升"),
            words("可持续影响", "监测队伍能力", "逐步提升"),
            pct("服务对象满意度", "监测服务对象满意度", "≥90%", 90, op="≥"),
        ],
    },
    10: {
        "project": "基本支出项目", "unit": "宁夏工人文化宫", "total": 103.0,
        "goal": "2025年项目资金总额103万元。项目内容包括:在职职工养老保险38.4万元、职业年金19.2万元、"
                "医疗保险21.6万元、住房补贴6.52万元、住房公积金17.28万元。预期达到的效果:按时、足额缴纳。",
        "rows": [
            count("社保缴纳月数", "12个月", 12, "个月"),
            count("住房补贴发放人数", "20人", 20, "人"),
            pct("质量指标", "社保支出计算准确率", "100%", 100),
            pct("质量指标", "社保缴纳职工覆盖率", "100%", 100),
            ind("时效指标", "社保缴纳频率", "每月1次", "frequency", 1, "次", "月", qualifier="每"),
            words("时效指标", "社保缴纳时间", "每月20日前", "text"),
            rate("养老保险费用", "32000元/月", 32000, "元", "月", 32000),
            rate("住房公积金费用", "14400元/月", 14400, "元", "月", 14400),
            rate("住房补贴费用", "3260元/人", 3260, "元", "人", 3260),
            rate("职业年金费用", "16000元/月", 16000, "元", "月", 16000),
            rate("医疗保险费用", "18000元/月", 18000, "元", "月", 18000),
            words("社会效益", "保障职工合法权益", "保证每月足额按时到账", "text"),
            words("可持续影响", "服务职工的能力", "及时为职工解决社保问题", "text"),
            pct("服务对象满意度", "职工满意度", "≥95%", 95, op="≥"),
        ],
    },
    11: {
        "project": "宁夏工人文化宫公益文体服务活动补助", "unit": "宁夏工人文化宫", "total": 50.0,
        "goal": "项目2025年度安排资金50万元。主要用于面向全区各级基层工会职工开展公益培训。",
        "rows": [
            count("开展艺术团活动", "4次", 4, "次"),
            count("购买教学用具种类", "10类", 10, "类"),
            count("线上公益培训课时数", "340课时", 340, "课时"),
            count("线下公益培训课时数", "2500课时", 2500, "课时"),
            pct("质量指标", "教师出勤率", "100%", 100),
            pct("质量指标", "学员结业率", "≥85%", 85, op="≥"),
            words("质量指标", "公益培训课程质量", "优等"),
            due("全年课程结束时间", "12月初", pd.NaT),
            ind("时效指标", "公益课程开展频率", "≥4次/周", "frequency", 4, "次", "周", op="≥"),
            rate("开展艺术团活动费用", "13500元/次", 13500, "元", "次", 13500),
            rate("公益培训教师课时费", "150元/课时", 150, "元", "课时", 150),
            rate("线下公益培训教师课时费", "150元/课时", 150, "元", "课时", 150),
            rate("购买教学用具费用", "2000元/类", 2000, "元", "类", 2000),
            words("社会效益", "营造浓厚的文化氛围", "打造4处以上文化展示区域", "text"),
            words("社会效益", "提高服务职工群众的能力", "通过问卷调查、座谈会等方式了解职工意见建议,每年不少于2次", "text"),
            words("可持续影响", "提升公共文化服务水平", "在基层社区开设不少于20门公益课程", "text"),
            words("可持续影响", "满足职工群众对工会工作的新期待、新要求", "全年开设60门以上职工群众喜闻乐见的公益课程", "text"),
            pct("服务对象满意度", "参与学员满意度", "≥90%", 90, op="≥"),
        ],
    },
}

TEXT_COLUMNS = ("project_id", "project", "implementing_unit", "level1", "level2", "indicator", "value", "op",
                "qualifier", "unit", "per_unit", "kind", "source_file")


def pid(n: int) -> str:
    return f"{STEM}#{n:02d}"


def projects_frame(numbers=None, **overrides) -> pd.DataFrame:
    """The projects table of the given seed tables (all by default)."""
    rows = []
    for n in numbers or SEED:
        p = SEED[n]
        rows.append({
            "project_id": pid(n), "year": 2025, "project": p["project"], "department": "自治区总工会",
            "implementing_unit": p["unit"], "attribute": "02-经常性项目", "period": "99年",
            "total_wan": p["total"], "annual_total_wan": p["total"], "own_level_wan": p["total"],
            "transfer_wan": None, "fiscal_wan": p["total"], "central_wan": None, "regional_wan": None,
            "other_wan": None, "carryover_wan": None, "goal": p["goal"], "source_file": SOURCE,
        })
    frame = pd.DataFrame(rows)
    for key, value in overrides.items():
        frame[key] = value
    return typed(frame)


def indicators_frame(numbers=None, extra: dict[int, list[dict]] | None = None) -> pd.DataFrame:
    """The indicators table of the given seed tables, plus extra rows per table."""
    rows = []
    for n in numbers or SEED:
        p = SEED[n]
        for seq, row in enumerate(p["rows"] + (extra or {}).get(n, []), 1):
            rows.append({"project_id": pid(n), "project": p["project"], "implementing_unit": p["unit"],
                         "seq": seq, **row, "source_file": SOURCE})
    return typed(pd.DataFrame(rows))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Type a literal frame as pandas 3 would type the parser's output."""
    out = frame.copy()
    for name in out.columns:
        if name in TEXT_COLUMNS:
            out[name] = out[name].astype("object").where(out[name].notna(), None).astype("str")
        elif name in ("seq", "year"):
            out[name] = out[name].astype("int64")
        elif name == "deadline":
            out[name] = pd.to_datetime(out[name])
        elif name.endswith("_wan") or name in ("num", "value_yuan"):
            out[name] = out[name].astype("float64")
    return out


def one_project(rows: list[dict], total: float | None = 100.0, goal: str | None = None) -> tuple:
    """Projects and indicators frames of a single made-up project."""
    projects = typed(pd.DataFrame([{"project_id": "t#01", "project": "测试项目", "implementing_unit": "某单位",
                                    "total_wan": total, "goal": goal}]))
    indicators = typed(pd.DataFrame(
        [{"project_id": "t#01", "seq": n, **r} for n, r in enumerate(rows, 1)],
        columns=["project_id", "seq", *ind("数量指标", "", "", "count").keys()],
    ))
    return projects, indicators


@pytest.fixture(scope="module")
def seed_result() -> pd.DataFrame:
    return reconcile_costs(projects_frame(), indicators_frame()).set_index("project_id")


# --- the seed ------------------------------------------------------------------------------------------

SEED_EXPECTED = [
    pytest.param(1, 886.86, "closes", "quantity×unit_cost", 4, id="01-hardship-aid-4x-households"),
    pytest.param(2, 500.0, "closes", "quantity×unit_cost", 2, id="02-condolence-2x-persons"),
    pytest.param(3, 126.6, "closes", "quantity×unit_cost", 3, id="03-model-worker-aid-per-capita"),
    pytest.param(4, math.nan, "stated_only", "cost_amounts", 0, id="04-union-fees-stated-amounts"),
    pytest.param(5, 30.0, "closes", "per_item", 1, id="05-contests-per-item"),
    pytest.param(6, 20.0, "closes", "quantity×unit_cost", 1, id="06-sanatorium-cap-per-person"),
    pytest.param(7, 230.6, "closes", "meeting+quantity×unit_cost", 2, id="07-meeting-and-awards"),
    pytest.param(8, 167.51, "closes", "per_capita_cap", 7, id="08-per-capita-caps"),
    pytest.param(9, math.nan, "stated_only", "per_year", 0, id="09-per-year-stated"),
    pytest.param(10, 103.0, "closes", "monthly+quantity×unit_cost", 5, id="10-monthly-rates"),
    pytest.param(11, 50.0, "closes", "quantity×unit_cost", 4, id="11-class-hours"),
]


@pytest.mark.parametrize(("number", "implied", "status", "method", "n_terms"), SEED_EXPECTED)
def test_seed_project(seed_result, number, implied, status, method, n_terms):
    row = seed_result.loc[pid(number)]
    assert row["budget_wan"] == SEED[number]["total"]
    if math.isnan(implied):  # stated, not priced: no implied total and no gap (ANALYSES.md §2)
        assert math.isnan(row["implied_wan"]) and math.isnan(row["gap_wan"])
    else:
        assert row["implied_wan"] == pytest.approx(implied, abs=1e-6)
        assert row["gap_wan"] == pytest.approx(implied - SEED[number]["total"], abs=1e-6)
    assert (row["status"], row["method"], row["n_terms"]) == (status, method, n_terms)


def test_seed_project_1_explanation(seed_result):
    row = seed_result.loc[pid(1)]
    assert row["explanation_en"].startswith(
        "200户×3500元 + 179户×900元 + 450户×1725元 + 2225户×3250元 = 886.86万元 vs 886.8万元: gap +0.06万元"
    )
    assert row["explanation_zh"].startswith("200户×3500元 + 179户×900元 + 450户×1725元 + 2225户×3250元 = 886.86万元，预算886.8万元")
    assert row["gap_pct"] == pytest.approx(0.06 / 886.8 * 100)
    assert pd.isna(row["unpriced_costs"]) and pd.isna(row["goal_wan"])


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        pytest.param(7, "300人×2天×510元 + 200人×10000元 = 230.6万元 vs 230.6万元", id="07-meeting-arithmetic"),
        pytest.param(7, "奖励发放 paired with 评选劳动模范和先进工作者人数 (only candidate)", id="07-award-by-unit"),
        pytest.param(10, "12个月×32000元 + 12个月×14400元 + 12个月×16000元 + 12个月×18000元 + 20人×3260元",
                     id="10-monthly-arithmetic"),
        pytest.param(10, "the goal states components 在职职工养老保险38.4万元", id="10-goal-mentioned"),
        pytest.param(8, "38人×1.78万元", id="08-pension-cap"),
        pytest.param(8, "28人×0.33万元", id="08-housing-subsidy-own-headcount"),
        pytest.param(8, "人均工伤保险缴纳标准 paired with 缴纳失业保险人数 (headcount by name, shared)",
                     id="08-injury-insurance-borrows-headcount"),
        pytest.param(8, "= 167万元", id="08-goal-components-sum"),
        pytest.param(8, "bounds and approximations", id="08-caps-at-face-value"),
        pytest.param(5, "5项×6万元 = 30万元 vs 30万元", id="05-per-item"),
        pytest.param(9, "the money rows 2025年监测费用「3600元/年」 come to 0.36万元", id="09-stated-amount"),
        pytest.param(9, "no quantity × unit cost", id="09-not-priced"),
        pytest.param(4, "「≤500万元」、补助下级工会「≤961万元」、上解中华全国总工会「≤209万元」 come to 1670万元",
                     id="04-parts-sum-to-budget"),
        pytest.param(3, "150人×3600元 + 30人×6000元 + 130人×4200元", id="03-per-capita"),
    ],
)
def test_seed_explanations(seed_result, number, fragment):
    text = seed_result.loc[pid(number), "explanation_en"]
    assert fragment in text, text


@pytest.mark.parametrize(
    ("number", "goal_wan"),
    [pytest.param(3, 126.6, id="03"), pytest.param(8, 167.0, id="08"), pytest.param(10, 103.0, id="10"),
     pytest.param(1, math.nan, id="01-total-only"), pytest.param(5, math.nan, id="05-per-unit-and-sum-only")],
)
def test_seed_goal_components(seed_result, number, goal_wan):
    got = seed_result.loc[pid(number), "goal_wan"]
    assert (math.isnan(got) and math.isnan(goal_wan)) or got == pytest.approx(goal_wan)


def test_output_contract(seed_result):
    result = reconcile_costs(projects_frame([1, 2]), indicators_frame([1, 2]))
    assert list(result.columns) == list(RECONCILE_COLUMNS) == columns("costs")  # the field dictionary's, in order
    assert {str(result[c].dtype) for c in ("project_id", "status", "method", "explanation_zh")} == {"str"}
    assert result["n_terms"].dtype == "Int64"  # fields.csv: int, the nullable integer of every table
    assert set(seed_result["status"]) <= set(STATUSES)
    assert list(seed_result.index) == [pid(n) for n in SEED]


# --- price_terms ------------------------------------------------------------------------------------------


def test_price_terms_project_1():
    terms = price_terms(indicators_frame([1]))
    assert list(terms.columns) == list(TERM_COLUMNS)
    got = terms[["quantity_indicator", "quantity", "quantity_unit", "cost_indicator", "unit_cost_yuan",
                 "subtotal_yuan"]].values.tolist()
    assert got == [
        ["职工困难医疗救助", 200.0, "户", "职工困难医疗救助", 3500.0, 700_000.0],
        ["职工困难保障性住房", 179.0, "户", "职工困难保障性住房", 900.0, 161_100.0],
        ["帮扶职工困难子女助学", 450.0, "户", "职工困难子女助学", 1725.0, 776_250.0],
        ["职工困难帮扶", 2225.0, "户", "职工困难帮扶标准", 3250.0, 7_231_250.0],
    ]
    assert terms["subtotal_yuan"].sum() == 8_868_600


def test_price_terms_meeting_has_multiplier():
    terms = price_terms(indicators_frame([7]))
    meeting = terms[terms["method"] == "meeting"].iloc[0]
    assert (meeting["quantity_indicator"], meeting["multiplier_indicator"], meeting["multiplier"]) == (
        "参加会议人数", "会议召开天数", 2.0)
    assert meeting["subtotal_yuan"] == 306_000
    assert terms["quantity_seq"].dtype == "Int64"


def test_price_terms_several_projects_and_empty():
    terms = price_terms(indicators_frame([1, 5]))
    assert terms.groupby("project_id")["term"].max().tolist() == [4, 1]
    empty = price_terms(indicators_frame([1]).iloc[0:0])
    assert empty.empty and list(empty.columns) == list(TERM_COLUMNS)


# --- adversarial cases ------------------------------------------------------------------------------------

HH_QTY = count("职工困难医疗救助", "200户", 200, "户")
HH_COST = rate("职工困难医疗救助", "平均3500元/户", 3500, "元", "户", 3500, qualifier="平均")


@pytest.mark.parametrize(
    ("rows", "total", "goal", "status", "implied", "method", "in_en"),
    [
        pytest.param([HH_QTY, pct("质量指标", "合格率", "100%", 100)], 70.0, None, "not_priceable",
                     math.nan, None, "no cost row and no money row", id="no-cost-indicators"),
        pytest.param([HH_QTY, rate("职工困难医疗救助", "平均3500元/人", 3500, "元", "人", 3500)], 70.0, None,
                     "not_priceable", math.nan, None, "units that cannot pair: 职工困难医疗救助 '平均3500元/人' is per 人, "
                     "the counts are in 户", id="unit-mismatch-hh-vs-person"),
        pytest.param([HH_QTY, HH_COST], 0.0, None, "does_not_close", 70.0, "quantity×unit_cost",
                     "budget is 0", id="zero-budget"),
        pytest.param([HH_QTY, rate("零成本", "0元/户", 0, "元", "户", 0)], 0.0, None, "closes", 0.0,
                     "quantity×unit_cost", "gap 0万元", id="zero-budget-zero-cost"),
        pytest.param([HH_QTY, HH_COST], None, None, "not_priceable", 70.0, "quantity×unit_cost", "vs —",
                     id="missing-budget"),
        pytest.param([count("职⼯困难医疗救助", "200⼾", 200, "⼾"), HH_COST], 70.0, None, "closes", 70.0,
                     "quantity×unit_cost", "200户×3500元", id="kangxi-radicals-in-name-and-unit"),
        pytest.param([count("职工困难医疗救助", "200戶", 200, "戶"), HH_COST], 70.0, None, "closes", 70.0,
                     "quantity×unit_cost", "200户×3500元", id="traditional-hu-unit"),
        pytest.param([HH_QTY, HH_COST, HH_COST], 70.0, None, "closes", 70.0, "quantity×unit_cost",
                     "duplicate cost target counted once", id="duplicate-cost-indicator"),
        pytest.param([HH_QTY, HH_COST, rate("职工困难医疗救助", "平均4000元/户", 4000, "元", "户", 4000)], 70.0,
                     None, "closes", 70.0, "quantity×unit_cost", "unpriced: 职工困难医疗救助 平均4000元/户",
                     id="same-name-different-cost"),
        pytest.param([HH_QTY, HH_COST], 80.0, None, "does_not_close", 70.0, "quantity×unit_cost",
                     "gap -10万元 (-12.50%)", id="gap-is-a-finding"),
        pytest.param([count("甲", "10人", 10, "人"), count("乙", "20人", 20, "人"),
                      rate("丙", "100元/人", 100, "元", "人", 100), rate("丁", "200元/人", 200, "元", "人", 200)],
                     0.5, None, "not_priceable", math.nan, None, "a cost row with no quantity: 丙 '100元/人'",
                     id="ambiguous-names-not-guessed"),
        pytest.param([HH_QTY, pct("质量指标", "合格率", "100%", 100)], 10.0, "安排资金10万元,其中甲4万元、乙6万元。",
                     "not_priceable", math.nan, None, "the goal states components 甲4万元 + 乙6万元 = 10万元 (stated, not priced)",
                     id="goal-components-stated-not-priced"),
        pytest.param([], 10.0, None, "not_priceable", math.nan, None, "no cost row and no money row",
                     id="no-indicators"),
    ],
)
def test_adversarial(rows, total, goal, status, implied, method, in_en):
    projects, indicators = one_project(rows, total, goal)
    row = reconcile_costs(projects, indicators).iloc[0]
    assert row["status"] == status
    assert (math.isnan(implied) and math.isnan(row["implied_wan"])) or row["implied_wan"] == pytest.approx(implied)
    assert (pd.isna(row["method"]) and method is None) or row["method"] == method
    assert in_en in row["explanation_en"], row["explanation_en"]


def test_unit_mismatch_lists_unpriced_cost():
    projects, indicators = one_project([HH_QTY, rate("医疗救助", "3500元/人", 3500, "元", "人", 3500)])
    row = reconcile_costs(projects, indicators).iloc[0]
    assert row["unpriced_costs"] == "医疗救助 3500元/人"
    assert row["n_terms"] == 0


@pytest.mark.parametrize(
    ("tolerance_pct", "tolerance_wan", "status"),
    [pytest.param(0.5, 0.1, "closes", id="default"),
     pytest.param(0.1, 0.1, "does_not_close", id="tight-pct"),
     pytest.param(0.0, 0.6, "closes", id="absolute-floor")],
)
def test_tolerance_on_per_capita_caps(tolerance_pct, tolerance_wan, status):
    row = reconcile_costs(projects_frame([8]), indicators_frame([8]), tolerance_pct=tolerance_pct,
                          tolerance_wan=tolerance_wan).iloc[0]
    assert row["status"] == status


def test_indicators_of_unknown_projects_are_ignored(caplog):
    extra = indicators_frame([1]).assign(project_id="other#01")
    both = pd.concat([indicators_frame([1]), extra], ignore_index=True)
    with caplog.at_level("WARNING", logger="budgetkit.analyse.reconcile"):
        result = reconcile_costs(projects_frame([1]), both)
    assert len(result) == 1 and "other#01" in caplog.text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: reconcile_costs(projects_frame([1]).drop(columns="total_wan"), indicators_frame([1])),
                     "total_wan", id="missing-budget-column"),
        pytest.param(lambda: reconcile_costs(projects_frame([1]), indicators_frame([1]).drop(columns="value_yuan")),
                     "value_yuan", id="missing-parsed-column"),
        pytest.param(lambda: reconcile_costs(pd.concat([projects_frame([1])] * 2), indicators_frame([1])),
                     "repeats", id="duplicate-project-id"),
        pytest.param(lambda: reconcile_costs(projects_frame([1]), indicators_frame([1]), tolerance_pct=-1),
                     "negative", id="negative-tolerance"),
        pytest.param(lambda: price_terms(indicators_frame([1]), min_similarity=2), "between 0 and 1",
                     id="bad-similarity"),
        pytest.param(lambda: price_terms("not a frame"), "DataFrame", id="not-a-frame"),
    ],
)
def test_errors(call, message):
    with pytest.raises(ReconciliationError, match=message) as info:
        call()
    assert isinstance(info.value, BudgetkitError)


# --- helpers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "signed", "text"),
    [pytest.param(886.86, False, "886.86万元", id="two-decimals"),
     pytest.param(886.8600001, False, "886.86万元", id="float-noise"),
     pytest.param(1670.0, False, "1670万元", id="integer"),
     pytest.param(0.0414, False, "0.0414万元", id="yuan-precision"),
     pytest.param(-0.06, True, "-0.06万元", id="negative"),
     pytest.param(0.06, True, "+0.06万元", id="signed"),
     pytest.param(-0.0, True, "0万元", id="negative-zero"),
     pytest.param(math.nan, False, "—", id="nan")],
)
def test_format_wan(amount, signed, text):
    assert format_wan(amount, signed=signed) == text


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [pytest.param("职工困难医疗救助", "职工困难医疗救助", 1.0, 1.0, id="identical"),
     pytest.param("职⼯困难医疗救助", "职工困难医疗救助", 1.0, 1.0, id="kangxi"),
     pytest.param("慰问困难职工人数", "困难职工慰问标准", 1.0, 1.0, id="generic-words-dropped"),
     pytest.param("缴纳失业保险人数", "人均医疗保险缴纳标准", 0.3, 0.8, id="partial"),
     pytest.param("奖励发放", "参加会议人数", 0.0, 0.0, id="disjoint"),
     pytest.param("", "职工", 0.0, 0.0, id="empty")],
)
def test_name_similarity(a, b, low, high):
    assert low <= name_similarity(a, b) <= high


@pytest.mark.parametrize(
    ("goal", "total", "expected"),
    [pytest.param(SEED[3]["goal"], 126.6, [("省部级农民劳模补助", 54.0), ("特殊困难劳模帮扶补助", 54.6),
                                           ("低收入劳模补助", 18.0)], id="seed-03"),
     pytest.param(SEED[1]["goal"], 886.8, [], id="total-only"),
     pytest.param(SEED[2]["goal"], 500.0, [], id="restated-total"),
     pytest.param(SEED[5]["goal"], 30.0, [], id="per-unit-and-sum"),
     pytest.param("其中设备购置1,200万元、培训经费３万元", None, [("设备购置", 1200.0), ("培训经费", 3.0)],
                  id="thousands-and-full-width"),
     pytest.param(None, None, [], id="no-goal")],
)
def test_goal_components(goal, total, expected):
    assert goal_components(goal, total) == expected


def test_unit_dimension_and_strategies():
    assert unit_dimension("戶") == unit_dimension("户") == "household"
    assert unit_dimension("个月") == unit_dimension("月") == "month"
    assert unit_dimension("") == ""
    strategies = list_strategies()
    assert strategies["code"].tolist() == ["name_quantity", "meeting", "per_capita_cap", "monthly", "per_year", "daily", "per_item",
                                           "quantity×unit_cost", "cost_amounts", "goal_components"]
    assert strategies["description"].str.len().min() > 10


# --- shapes the seed does not have ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "total", "method", "implied", "in_en"),
    [
        pytest.param([count("培训天数", "5天", 5, "天"), rate("场地租赁费", "800元/天", 800, "元", "天", 800)], 0.4,
                     "daily", 0.4, "5天×800元", id="daily-rate-without-meeting"),
        pytest.param([rate("物业费", "1000元/月", 1000, "元", "月", 1000)], 1.2, "monthly", 1.2,
                     "物业费: assumed 12个月, no count states it", id="monthly-assumes-12-months"),
        pytest.param([count("发放生活补助人数", "10人", 10, "人"),
                      rate("人均生活补助标准", "≤500元/月", 500, "元", "月", 500, op="≤")], 6.0,
                     "per_capita_cap", 6.0, "10人×12个月×500元", id="per-capita-monthly-cap"),
        pytest.param([count("参加会议人数", "100人", 100, "人"), rate("会议费标准", "500元/天", 500, "元", "天", 500)],
                     5.0, None, math.nan, "units that cannot pair: 会议费标准 '500元/天' is per 天",
                     id="meeting-without-days-not-guessed"),
        pytest.param([count("参加会议人数", "100人", 100, "人"), count("会议天数", "2天", 2, "天", level2="数量指标"),
                      rate("住宿费标准", "400元/天", 400, "元", "天", 400),
                      rate("伙食费标准", "150元/天", 150, "元", "天", 150)],
                     11.0, "meeting", 11.0, "100人×2天×400元 + 100人×2天×150元", id="meeting-several-day-rates"),
        pytest.param([count("受助人数", "10人", 10, "人"), money("每人补助", "0.5万元", 0.5, "万元", 5000)], 5.0,
                     "per_item", 5.0, "10人×0.5万元", id="per-item-per-person-money"),
        pytest.param([count("受助人数", "10人", 10, "人"), money("补助资金", "5万元", 5, "万元", 50000)], 5.0,
                     "cost_amounts", math.nan, "stated, not priced: the money rows 补助资金「5万元」 come to 5万元",
                     id="lump-sum-not-multiplied-stated-only"),
    ],
)
def test_other_shapes(rows, total, method, implied, in_en):
    projects, indicators = one_project(rows, total)
    row = reconcile_costs(projects, indicators).iloc[0]
    assert (pd.isna(row["method"]) and method is None) or row["method"] == method
    assert (math.isnan(implied) and math.isnan(row["implied_wan"])) or row["implied_wan"] == pytest.approx(implied)
    assert in_en in row["explanation_en"], row["explanation_en"]


def test_nullable_int_seq_and_missing_optional_columns():
    inds = indicators_frame([1]).drop(columns=["op", "qualifier", "level1", "deadline"])
    inds["seq"] = inds["seq"].astype("Int64")
    projects = projects_frame([1])[["project_id", "total_wan"]]
    row = reconcile_costs(projects, inds).iloc[0]
    assert (row["implied_wan"], row["status"]) == (886.86, "closes")
    assert pd.isna(row["project"])


def test_indicator_key():
    assert indicator_key("职⼯困难 帮扶（戶）") == indicator_key("职工困难帮扶(户)") == "职工困难帮扶户"


@pytest.mark.parametrize(
    ("status", "reason", "fragment"),
    [
        pytest.param("complete", None, None, id="complete"),
        pytest.param("partial", "the file ends at line 26, on an indicator without a value",
                     "the table is partial (the file ends at line 26, on an indicator without a value)", id="partial"),
        pytest.param(None, None, None, id="no-status-column-value"),
    ],
)
def test_table_status_is_carried_and_explained(status, reason, fragment):
    projects = pd.DataFrame({"project_id": ["a"], "total_wan": [0.72], "status": [status], "status_reason": [reason]})
    inds = pd.DataFrame({
        "project_id": ["a"], "seq": [1], "level2": ["成本指标"], "indicator": ["监测费用"],
        "value": ["3600元/年"], "kind": ["rate"], "num": [3600.0], "unit": ["元"],
        "per_unit": ["年"], "value_yuan": [3600.0]})
    row = reconcile_costs(projects, inds).iloc[0]
    assert (None if pd.isna(row["table_status"]) else row["table_status"]) == status
    assert row["status"] == "not_priceable"  # 3600元 a year, no quantity, is not the 0.72万 budget
    if fragment is None:
        assert "partial" not in row["explanation_en"]
    else:
        assert fragment in row["explanation_en"] and "项目表不完整" in row["explanation_zh"]
