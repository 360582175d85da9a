"""Unit tests of the table parser: header cells, goal, indicator assembly, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from budgetkit.errors import BudgetkitError, InputError, NoTableError
from budgetkit.parse import parse_file, parse_lines

HEAD = """2025年自治区本级部门项目支出预算绩效目标表
（2025年度）
单位：万元
项目名称 测试项目
主管部门 自治区总工会 实施单位 宁夏工人文化宫
项目属性 02-经常性项目 项目期 99年
项目总额 50 其中：年度资金总额
其中：
本级资金
资金总额 50 其中：
转移市
县
（区）
资金
资金总额
其中：财政拨款 50  其中：中央资
金
　 其他资金
 结余结转资金 自治区资
金
年度总体
绩效目标
项目安排资金50万元，
用于测试。
一级指标 二级指标 三级指标 指标值
"""


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def indicators_of(body: str) -> list[tuple]:
    tables = parse_lines(lines_of(HEAD + body), "t.txt", year=2025)
    cols = ["level1", "level2", "indicator", "value"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in tables.indicators[cols].values.tolist()]


def test_header_cells_with_wrapped_labels():
    tables = parse_lines(lines_of(HEAD + "产出指标\n数量指标 课时 10课时\n"), "t.txt")
    p = tables.projects.iloc[0]
    assert (p["project"], p["department"], p["implementing_unit"]) == ("测试项目", "自治区总工会", "宁夏工人文化宫")
    assert (p["attribute_code"], p["attribute_kind"], p["period_years"]) == ("02", "经常性项目", 99.0)
    assert (p["total_wan"], p["own_level_wan"], p["fiscal_wan"], p["annual_total_wan"]) == (50, 50, 50, 50)
    assert pd.isna(p["transfer_wan"]) and pd.isna(p["central_wan"]) and pd.isna(p["regional_wan"])
    assert (p["year"], p["unit_label"], p["goal"]) == (2025, "万元", "项目安排资金50万元,用于测试。")
    assert tables.unparsed.empty


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "产出指标\n数量指标\n职工困难医疗救助 200户\n",
            [("产出指标", "数量指标", "职工困难医疗救助", "200户")],
            id="name-value-one-line",
        ),
        pytest.param(
            "产出指标\n时效指标 帮扶资金发放及时率 100%\n",
            [("产出指标", "时效指标", "帮扶资金发放及时率", "100%")],
            id="level2-name-value-one-line",
        ),
        pytest.param(
            "满意度\n指标\n\n服务对象满意度 受帮扶救助困难职工满意度 ≥90％\n",
            [("满意度指标", "服务对象满意度", "受帮扶救助困难职工满意度", "≥90%")],
            id="level1-wrapped-over-lines",
        ),
        pytest.param(
            "满意度指\n\n标\n服务对象满意度 社保按时缴纳职工满意度 ≥95%\n",
            [("满意度指标", "服务对象满意度", "社保按时缴纳职工满意度", "≥95%")],
            id="level1-wrapped-over-blank",
        ),
        pytest.param(
            "效益指标\n社会效益\n对劳模群体的影响力\n\n提高劳模荣誉感\n和获得感\n\n困难职工生活质量 逐步提高\n",
            [
                ("效益指标", "社会效益", "对劳模群体的影响力", "提高劳模荣誉感和获得感"),
                ("效益指标", "社会效益", "困难职工生活质量", "逐步提高"),
            ],
            id="value-below-name-wrapped-at-particle",
        ),
        pytest.param(
            "效益指标\n社会效益\n\n劳动光荣的社会风尚和精益求精的敬业精\n神\n\n显著提升\n",
            [("效益指标", "社会效益", "劳动光荣的社会风尚和精益求精的敬业精神", "显著提升")],
            id="name-wrapped-single-char",
        ),
        pytest.param(
            "效益指标\n可持续影响\n提升公共文化服务水平\n\n在基层社区开设不少于20门公益课\n"
            "程，让职工群众在家门口享受丰富的\n\n文化服务\n\n满足职工群众对工会工作的新期待、新要\n求\n\n"
            "全年开设60门以上职工群众喜闻乐见\n的公益课程\n",
            [
                ("效益指标", "可持续影响", "提升公共文化服务水平",
                 "在基层社区开设不少于20门公益课程,让职工群众在家门口享受丰富的文化服务"),
                ("效益指标", "可持续影响", "满足职工群众对工会工作的新期待、新要求", "全年开设60门以上职工群众喜闻乐见的公益课程"),
            ],
            id="sentences-wrapped-kinsoku-and-particles",
        ),
        pytest.param(
            "效益指标\n社会效益 受助劳模生活 受助劳模生活得到有效改善\n\n劳模家庭困难程度 受助劳模困难程度有所缓解\n"
            "可持续影响 社会影响力\n促进形成尊重劳模、争当劳\n\n模的良好 社会氛围\n",
            [
                ("效益指标", "社会效益", "受助劳模生活", "受助劳模生活得到有效改善"),
                ("效益指标", "社会效益", "劳模家庭困难程度", "受助劳模困难程度有所缓解"),
                ("效益指标", "可持续影响", "社会影响力", "促进形成尊重劳模、争当劳模的良好社会氛围"),
            ],
            id="full-width-lone-value-continues-over-spaced-line",
        ),
        pytest.param(
            "产出指标\n成本指标\n\n⼈均住房补贴缴纳标准 ≤0.33万元/年\n",
            [("产出指标", "成本指标", "人均住房补贴缴纳标准", "≤0.33万元/年")],
            id="kangxi-radical-in-name",
        ),
        pytest.param(
            "满意度指标\n服务对象满意度 ≥90%\n",
            [("满意度指标", None, "服务对象满意度", "≥90%")],
            id="label-as-level3-name-before-value",
        ),
        pytest.param(
            "产出指标\n数量指标 新建校舍面积 ≥3000平方米\n成本指标\n建设成本 ≤2000元/平方米\n效益指标\n"
            "社会效益 就学条件 明显改善\n",
            [
                ("产出指标", "数量指标", "新建校舍面积", "≥3000平方米"),
                ("产出指标", "成本指标", "建设成本", "≤2000元/平方米"),
                ("效益指标", "社会效益", "就学条件", "明显改善"),
            ],
            id="hierarchy-carried-down",
        ),
        pytest.param(
            "项目完成指标\n数量指标 新建校舍面积 ≥3000平方米\n成本指标\n经济成本指标 建设成本 ≤2000元/平方米\n"
            "社会成本指标 征地影响 无\n项目效益指标\n社会效益指标 就学条件 明显改善\n",
            [
                ("产出指标", "数量指标", "新建校舍面积", "≥3000平方米"),
                ("成本指标", "经济成本指标", "建设成本", "≤2000元/平方米"),
                ("成本指标", "社会成本指标", "征地影响", "无"),
                ("效益指标", "社会效益", "就学条件", "明显改善"),
            ],
            id="label-variants-and-cost-as-level1",
        ),
    ],
)
def test_indicator_assembly(body, expected):
    assert indicators_of(body) == expected


FLAT_HEAD = ("专项资金绩效目标表(2026年度)项目名称宣传文化专项资金主管部门(单位)名称市委宣传部资金情况(万元)资金总额:15"
             "总体目标开展对外文化交流活动,绩效指标一级指标二级指标三级指标指标解释指标值")
#: The same page with no row of column labels, or one that names no explanation column.
FLAT_HEAD_NO_COLUMNS = FLAT_HEAD.removesuffix("绩效指标一级指标二级指标三级指标指标解释指标值")
FLAT_HEAD_NO_EXPLANATION = FLAT_HEAD.replace("指标解释", "")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "产出指标数量指标补助县(市、区)数量反映补助县(市、区)数量情况23个质量指标项目资金使用合规性"
            "反映项目资金使用合规情况>=95%",
            [("补助县(市、区)数量", "反映补助县(市、区)数量情况", "23个"),
             ("项目资金使用合规性", "反映项目资金使用合规情况", ">=95%")],
            id="explanation-before-a-measurable-tail",
        ),
        pytest.param(
            "产出指标数量指标邀请国际友人涉及国家数量邀请国际友人涉及国家数量≥3个时效指标活动完成时间考察活动按时完成情况"
            "2026年12月底前",
            [("邀请国际友人涉及国家数量", "邀请国际友人涉及国家数量", "≥3个"),
             ("活动完成时间", "考察活动按时完成情况", "2026年12月底前")],
            id="explanation-repeating-the-name",
        ),
    ],
)
@pytest.mark.parametrize("head", [FLAT_HEAD, FLAT_HEAD_NO_COLUMNS, FLAT_HEAD_NO_EXPLANATION],
                         ids=["columns-printed", "no-column-labels", "no-explanation-column"])
def test_a_flattened_row_is_cut_into_name_explanation_and_value(body, expected, head):
    tables = parse_lines([head + body + "填报人:张三"], "flat.txt", year=2026)  # (the page goes on after the table)
    got = tables.indicators[["indicator", "explanation", "value"]].values.tolist()
    assert [tuple(r) for r in got] == expected


def _paragraphs(*cells: str) -> list[str]:
    """A page copied one cell per paragraph: a blank line after each cell, an empty cell a line of white space."""
    return [line for c in cells for line in (c or " ", "")]


#: A table with a long-term group of columns beside the annual one, the long-term side left empty.
LONG_TERM_EMPTY = _paragraphs(
    "项目支出绩效目标表", "项目名称", "乡村学校校舍维修", "主管部门及编码", "[021003]某县教育局", "实施单位", "某县教育局",
    "项目资金", "资金总额", "300万元", "当年资金总额:", "300万元", "其他资金", "", "当年其他资金", "", "",
    "总体目标", "中期目标", "年度目标", "三年内完成全县乡村学校校舍改造", "", "完成12所学校校舍维修",
    "绩效项目指标表", "", "一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)",
    "三级指标(年度)", "指标值(年度)",
    "产出指标", "数量指标", "", "", "数量指标", "维修学校数量", "12所",
    "产出指标", "时效指标", "", "", "时效指标", "维修完成时间", "2026年8月底前",
    "满意度指标", "服务对象满意度指标", "", "", "服务对象满意度指标", "师生满意度", "≥90%",
    "附件:")


def test_a_page_printing_empty_cells_reads_the_annual_side_of_a_long_term_table():
    tables = parse_lines(LONG_TERM_EMPTY, "page.txt", year=2026)
    p = tables.projects.iloc[0]
    assert (p["project"], p["department"], p["total_wan"]) == ("乡村学校校舍维修", "[021003]某县教育局", 300.0)
    assert (p["goal_long_term"], p["goal"]) == ("三年内完成全县乡村学校校舍改造", "完成12所学校校舍维修")
    got = tables.indicators[["level1", "level2", "indicator", "value", "indicator_long_term", "value_long_term"]]
    assert [tuple(None if pd.isna(v) else v for v in r) for r in got.values.tolist()] == [
        ("产出指标", "数量指标", "维修学校数量", "12所", None, None),
        ("产出指标", "时效指标", "维修完成时间", "2026年8月底前", None, None),
        ("满意度指标", "服务对象满意度", "师生满意度", "≥90%", None, None),
    ]
    # the attachment line after the last row ends the table's rows (issue 23): reported, not dropped
    assert tables.unparsed[["text", "reason"]].values.tolist()[-1] == ["附件:", "attachment line"]


def test_a_flattened_row_is_cut_at_its_standard_and_keeps_a_period_whole():
    head = FLAT_HEAD.replace("三级指标指标解释指标值", "三级指标指标值及单位绩效标准")
    rows = ("产出指标数量指标配备车辆数10辆计划标准风炮射程≥80M计划标准时效指标服务周期2023.07-2024.01计划标准"
            "成本指标控制在预算成本内250万行业标准填报人:张三")
    tables = parse_lines([head + rows], "flat.txt", year=2023)
    got = tables.indicators[["level2", "indicator", "value", "standard"]].values.tolist()
    assert got == [["数量指标", "配备车辆数", "10辆", "计划标准"], ["数量指标", "风炮射程", "≥80M", "计划标准"],
                   ["时效指标", "服务周期", "2023.07-2024.01", "计划标准"], ["成本指标", "控制在预算成本内", "250万", "行业标准"]]


def test_a_number_glued_to_a_flattened_rows_target_is_cut_off_and_flagged():
    head = FLAT_HEAD.replace("三级指标指标解释指标值", "三级指标指标值权重得分")
    tables = parse_lines([head + "产出指标数量指标发放覆盖率=100%60质量指标资金拨付准确率≥95%40填报人:张三"], "flat.txt",
                         year=2023)
    got = tables.indicators[["indicator", "value", "confidence"]].values.tolist()
    assert got == [["发放覆盖率", "=100%", "low"], ["资金拨付准确率", "≥95%", "low"]]
    assert tables.indicators["confidence_reasons"].str.contains("its column is a guess").all()


def test_a_flattened_page_cut_inside_a_label_keeps_the_row_before_it_and_a_unit_cell_is_cut_off():
    head = FLAT_HEAD.replace("三级指标指标解释指标值", "三级指标单位指标值")
    tables = parse_lines([head + "产出指标数量指标猪肉产量稳定率%≥95%能繁母猪稳定率%90%时"], "flat.txt", year=2022)
    got = tables.indicators[["indicator", "measure_unit", "value"]].values.tolist()
    assert got == [["猪肉产量稳定率", "%", "≥95%"], ["能繁母猪稳定率", "%", "90%"]]
    assert tables.unparsed[["text", "reason"]].values.tolist()[-1] == ["时", "the file ends inside this label"]


def test_a_flattened_rows_value_type_cell_is_cut_off_its_name():
    head = FLAT_HEAD.replace("三级指标指标解释指标值", "三级指标指标值类型指标值")
    rows = "产出指标数量指标业务工作支出安排金额定量28.8万元质量指标业务工作支出到位率定量100%填报人:张三"
    tables = parse_lines([head + rows], "flat.txt", year=2026)
    assert tables.indicators[["indicator", "value_type", "value"]].values.tolist() == [
        ["业务工作支出安排金额", "定量", "28.8万元"], ["业务工作支出到位率", "定量", "100%"]]


def test_a_flattened_page_in_traditional_script_reads_its_units_and_explanations():
    head = FLAT_HEAD.replace("三级指标指标解释指标值", "三级指标指标值指标解释")
    rows = ("产出指标数量指标業務工作支出安排金額28.8萬元該指標主要考察業務工作支出安排情況質量指標業務工作支出到位率100%"
            "該指標主要考察業務工作支出到位情況填報人:張三")
    tables = parse_lines([head + rows], "flat.txt", year=2026)
    assert tables.indicators[["level2", "indicator", "value", "explanation"]].values.tolist() == [
        ["数量指标", "業務工作支出安排金額", "28.8萬元", "該指標主要考察業務工作支出安排情況"],
        ["质量指标", "業務工作支出到位率", "100%", "該指標主要考察業務工作支出到位情況"]]


FLAT_ROWS = "产出指标数量指标维修学校数量反映维修学校数量情况12所满意度指标服务对象满意度指标师生满意度反映师生满意程度≥90%"


@pytest.mark.parametrize(
    ("lines", "names", "cut"),
    [
        pytest.param([FLAT_HEAD + FLAT_ROWS], ["维修学校数量"], ["师生满意度", "反映师生满意程度", "≥90%"],
                     id="flattened-page-cut-at-a-value"),
        pytest.param([FLAT_HEAD + FLAT_ROWS + "填报人:张三联系电话:12345678"], ["维修学校数量", "师生满意度"], [],
                     id="flattened-page-going-on-after-the-table"),
        pytest.param([FLAT_HEAD + FLAT_ROWS, "扫一扫在手机打开当前页"], ["维修学校数量", "师生满意度"], [],
                     id="flattened-page-then-site-furniture"),
        pytest.param(["项目名称|乡村学校校舍维修|", "资金总额|300万元|", "一级指标|二级指标|三级指标|指标值|",
                      "产出指标|数量指标|维修学校数量|12所|", "满意度指标|服务对象满意度指标|师生满意度|≥90%"],
                     ["维修学校数量", "师生满意度"], [], id="rows-one-a-line-the-last-line-ends-its-row"),
    ],
)
def test_a_flattened_page_cut_at_a_value_leaves_the_row_it_was_cut_in(lines, names, cut):
    tables = parse_lines(lines, "page.txt", year=2026)
    assert tables.indicators["indicator"].tolist() == names
    reason = "the file ends inside this row: its last cell may go on past the cut"
    assert tables.unparsed.loc[tables.unparsed["reason"] == reason, "text"].tolist() == cut
    assert (tables.projects["status"].iloc[0] == "partial") == bool(cut)


STACKED_HEAD = ["项目绩效目标表(2021年度)", "项目名称|镇域道路维修|", "主管部门|某镇人民政府|", "资金总额|500万元|",
                "长期目标|三年内完成全镇道路提质改造|", "年度目标|完成10公里道路维修|"]
COLUMNS_ROW = "一级指标|二级指标|指标内容|指标值|备注|"
LONG_TERM_ROWS = ["产出指标|数量指标|道路维修里程|30公里||", "效益指标|社会效益指标|群众出行条件|明显改善||"]
ANNUAL_ROWS = ["产出指标|数量指标|道路维修里程|10公里||", "产出指标|质量指标|验收合格率|100%||",
               "满意度指标|服务对象满意度指标|群众满意度|≥90%||"]
ANNUAL = [("产出指标", "数量指标", "道路维修里程", "10公里"), ("产出指标", "质量指标", "验收合格率", "100%"),
          ("满意度指标", "服务对象满意度", "群众满意度", "≥90%")]


@pytest.mark.parametrize(
    ("lines", "expected", "reported"),
    [
        pytest.param([*STACKED_HEAD, "长期绩效指标|", COLUMNS_ROW, *LONG_TERM_ROWS, "年度绩效指标|", COLUMNS_ROW,
                      *ANNUAL_ROWS], ANNUAL, ["道路维修里程", "30公里", "群众出行条件", "明显改善"],
                     id="long-term-block-above-the-annual-one"),
        pytest.param([*STACKED_HEAD, "长期绩效指标|", COLUMNS_ROW, *LONG_TERM_ROWS],
                     [("产出指标", "数量指标", "道路维修里程", "30公里"), ("效益指标", "社会效益", "群众出行条件", "明显改善")],
                     [], id="a-long-term-block-alone-is-the-table's"),
        pytest.param([*STACKED_HEAD, COLUMNS_ROW, *ANNUAL_ROWS[:2], "第2页", COLUMNS_ROW, ANNUAL_ROWS[2]], ANNUAL, [],
                     id="header-printed-again-on-a-new-page"),
    ],
)
def test_blocks_and_repeated_headers_inside_a_section(lines, expected, reported):
    tables = parse_lines(lines, "stacked.txt", year=2021)
    cols = ["level1", "level2", "indicator", "value"]
    assert [tuple(r) for r in tables.indicators[cols].values.tolist()] == expected
    assert [t for t, r in tables.unparsed[["text", "reason"]].values.tolist() if r.startswith("long-term")] == reported


def test_printed_labels_are_kept():
    tables = parse_lines(lines_of(HEAD + "项目完成指标\n数量指标 课时 10课时\n项目效益指标\n社会效益指标 氛围 良好\n"), "t.txt")
    cols = ["level1", "level1_printed", "level2", "level2_printed"]
    assert tables.indicators[cols].values.tolist() == [
        ["产出指标", "项目完成指标", "数量指标", "数量指标"],
        ["效益指标", "项目效益指标", "社会效益", "社会效益指标"],
    ]


def test_indicator_without_value_is_reported_not_counted():
    tables = parse_lines(lines_of(HEAD + "产出指标\n数量指标\n孤立的指标名称\n质量指标 合格率 100%\n"), "t.txt")
    assert tables.indicators["indicator"].tolist() == ["合格率"]
    assert tables.indicators["confidence"].tolist() == ["high"]
    assert tables.unparsed["reason"].tolist() == ["level-3 indicator without a value"]
    assert tables.unparsed["text"].tolist() == ["孤立的指标名称"]


def test_non_numeric_amount_lands_in_unparsed():
    head = HEAD.replace("项目总额 50", "项目总额 五十")
    tables = parse_lines(lines_of(head + "产出指标\n数量指标 课时 10课时\n"), "t.txt")
    assert pd.isna(tables.projects.loc[0, "total_wan"])
    row = tables.unparsed.iloc[0]
    assert (row["text"], row["line"], row["reason"]) == ("五十", 7, "total_wan: not an amount")
    assert len(tables.unparsed) == 1


def test_amounts_in_yuan_are_converted_to_wan():
    head = HEAD.replace("单位：万元", "单位：元").replace(" 50", " 500000")
    tables = parse_lines(lines_of(head + "产出指标\n数量指标 课时 10课时\n"), "t.txt")
    p = tables.projects.iloc[0]
    assert (p["unit_label"], p["total_wan"], p["fiscal_wan"]) == ("元", 50.0, 50.0)


def test_text_before_the_first_table_is_the_preamble():
    tables = parse_lines(lines_of("前言\n\n" + HEAD + "产出指标\n数量指标 课时 10课时\n"), "t.txt")
    assert tables.documents.loc[0, "title"] == "前言"
    assert tables.unparsed.empty


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        pytest.param(b"", InputError, "bad.txt: empty file", id="empty"),
        pytest.param(b"  \n\n", InputError, "bad.txt: empty file", id="blank-only"),
        pytest.param("单位：万元\n一些文字\n".encode(), NoTableError,
                     "bad.txt: no performance-target table found (2 lines read; no anchor seen)",
                     id="no-project-name"),
        pytest.param("项目名称 | 金额 |\n办公楼维修 | 20 |\n".encode(), NoTableError,
                     "bad.txt: no performance-target table found (2 lines read; nearest anchors: '项目名称'",
                     id="a-budget-table-is-not-a-target-table"),
        pytest.param(b"\xff\xfe\x00\x81\x30", InputError, "bad.txt:1: not UTF-8 nor GB18030", id="undecodable"),
    ],
)
def test_bad_input_gives_clear_error(tmp_path, content, error, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        parse_file(path)
    assert isinstance(info.value, BudgetkitError)
    assert str(info.value).startswith(str(tmp_path / message))


@pytest.mark.parametrize(
    ("text", "rows", "reason"),
    [
        pytest.param(HEAD + "产出指标\n", 0, "the table has no indicator row with a value", id="cut-after-header"),
        pytest.param(HEAD.split("年度总体")[0], 0, "the table has no indicator row with a value", id="cut-before-goal"),
    ],
)
def test_a_cut_table_is_kept_as_partial_with_its_header(text, rows, reason):
    tables = parse_lines(lines_of(text), "t.txt")
    p = tables.projects.iloc[0]
    assert (p["project"], p["total_wan"], p["status"], p["status_reason"]) == ("测试项目", 50.0, "partial", reason)
    assert len(tables.indicators) == rows


def test_gb18030_file_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes((HEAD + "产出指标\n数量指标 课时 10课时\n").encode("gb18030"))
    tables = parse_file(path)
    assert tables.projects.loc[0, "implementing_unit"] == "宁夏工人文化宫"
    assert tables.indicators.loc[0, "value"] == "10课时"


WHOLE = HEAD + "产出指标\n数量指标 课时 10课时\n满意度指标 服务对象满意度 学员满意度 ≥90%\n"


@pytest.mark.parametrize(
    ("tail", "status", "reason", "n_indicators"),
    [
        pytest.param("", "complete", None, 2, id="whole"),
        pytest.param("项目支出绩效目标表\n项目名称 半张表\n主管部门 某厅\n实施单位 某中心\n", "partial",
                     "the table has no indicator row with a value", 2, id="next-table-stops-before-goal"),
        pytest.param("项目支出绩效目标表\n项目名称 半张表\n年度总体绩效目标 做事。\n", "partial",
                     "the table has no indicator row with a value", 2, id="stops-before-header"),
        pytest.param(HEAD.split("\n", 3)[3] + "产出指标\n数量指标 课时 10课时\n效益指标 社会效益 氛围\n", "partial",
                     "the file ends at line 53, on an indicator without a value", 3, id="ends-on-a-name"),
        pytest.param(HEAD.split("\n", 3)[3] + "产出指标\n数量指标 课时 10课时\n", "partial",
                     "the file ends at line 52, before any 满意度指标 row", 3, id="ends-before-satisfaction"),
    ],
)
def test_tables_that_stop_early_are_kept_as_partial(tail, status, reason, n_indicators):
    tables = parse_lines(lines_of(WHOLE + tail), "t.txt")
    assert tables.projects.loc[0, "status"] == "complete"
    last = tables.projects.iloc[-1]
    assert last["status"] == status
    assert (None if pd.isna(last["status_reason"]) else last["status_reason"]) == reason
    assert len(tables.indicators) == n_indicators


@pytest.mark.parametrize(
    ("body", "expected", "reasons"),
    [
        pytest.param("产出指标\n数量指标 课时 10课时\n指标2:\n", [("课时", "10课时")],
                     ["template placeholder row (level-3 name left unfilled)"], id="unfilled-row-dropped"),
        pytest.param("产出指标\n数量指标 课时 XX课时\n", [], ["template placeholder text in the value"],
                     id="xx-value-reported"),
        pytest.param("产出指标\n数量指标 课时 请输入指标值\n", [], ["template placeholder text in the value"],
                     id="prompt-reported"),
        pytest.param("产出指标\n数量指标 课时 ……\n", [], ["template placeholder text in the value"],
                     id="ellipsis-reported"),
        pytest.param("产出指标\n数量指标 XL码服装 100套\n", [("XL码服装", "100套")], [], id="single-x-is-text"),
    ],
)
def test_template_placeholders_are_reported_not_read(body, expected, reasons):
    tables = parse_lines(lines_of(HEAD + body), "t.txt")
    got = [(r.indicator, None if pd.isna(r.value) else r.value) for r in tables.indicators.itertuples()]
    assert got == expected
    assert tables.unparsed["reason"].tolist() == reasons


def test_satisfaction_printed_under_outcomes_counts_as_satisfaction():
    body = "项目效益指标\n社会效益指标 住房条件 明显改善\n服务对象满意度指标 改造户满意度 >=90%\n可持续影响指标 使用年限 20年\n"
    tables = parse_lines(lines_of(HEAD + body), "t.txt")
    cols = ["level1", "level1_printed", "level2"]
    assert tables.indicators[cols].values.tolist() == [
        ["效益指标", "项目效益指标", "社会效益"],
        ["满意度指标", "项目效益指标", "服务对象满意度"],
        ["效益指标", "项目效益指标", "可持续影响"],
    ]


@pytest.mark.parametrize(
    ("amounts", "total", "basis"),
    [
        pytest.param("中央资金 180 省级资金 60 市县资金 40", 280.0, "sum of sources", id="sub-totals-only"),
        pytest.param("中央资金 180", 180.0, "sum of sources", id="central-only"),
        pytest.param("项目总额 300 中央资金 180 省级资金 60", 300.0, "printed", id="printed-total-wins"),
        pytest.param("项目属性 02-经常性项目", None, None, id="no-amounts"),
    ],
)
def test_total_from_sub_totals(amounts, total, basis):
    text = f"单位：万元\n项目名称 测试\n主管部门 某厅 实施单位 某中心\n{amounts}\n年度总体绩效目标 做事。\n" \
           "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 户数 200户\n"
    p = parse_lines(lines_of(text), "t.txt").projects.iloc[0]
    assert (None if pd.isna(p["total_wan"]) else p["total_wan"]) == total
    assert (None if pd.isna(p["total_basis"]) else p["total_basis"]) == basis


@pytest.mark.parametrize(
    ("titles", "folder_year", "years"),
    [
        pytest.param(["2024年度项目支出绩效目标表", "2024年度项目支出绩效目标表"], None, [2024, 2024], id="from-titles"),
        pytest.param(["2024年度项目支出绩效目标表", "项目支出绩效目标表"], None, [2024, 2024], id="carried-to-next"),
        pytest.param(["项目支出绩效目标表", "项目支出绩效目标表"], 2023, [2023, 2023], id="folder-year"),
        pytest.param(["2022年项目支出绩效目标表", "项目支出绩效目标表"], 2023, [2022, 2022], id="printed-beats-folder"),
    ],
)
def test_year_from_title(titles, folder_year, years):
    table = "{title}\n项目名称 测试\n年度总体绩效目标 做事。\n一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 户数 200户\n"
    text = "".join(table.format(title=t) for t in titles)
    tables = parse_lines(lines_of(text), "t.txt", year=folder_year)
    assert tables.projects["year"].tolist() == years


FIXTURES = sorted((Path(__file__).parent / "fixtures/layouts").glob("*.txt"))
SEED_FILE = Path(__file__).resolve().parents[1] / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"


def _cut_points(path: Path) -> list[int]:
    n = len(path.read_text(encoding="utf-8").splitlines())
    step = max(1, n // 30)  # about 30 cuts a file: the parse costs ~20 ms, mostly pandas
    return sorted({*range(1, n + 1, step), n})


@pytest.mark.parametrize("path", [*FIXTURES, SEED_FILE], ids=[p.stem[:20] for p in [*FIXTURES, SEED_FILE]])
def test_a_file_cut_anywhere_gives_a_partial_result_or_a_clear_error(path):
    """Never a crash, never a silent empty table: cut the file after (about) every line."""
    text = path.read_text(encoding="utf-8").splitlines()
    for n in _cut_points(path):
        lines = lines_of("\n".join(text[:n]))
        try:
            tables = parse_lines(lines, path.name, year=2025)
        except BudgetkitError as error:
            assert path.name in str(error)
            continue
        if tables.indicators.empty:  # a table cut before its first row: kept with its header, as partial
            assert tables.projects["status"].eq("partial").all(), f"cut after line {n}: no rows but complete"
            assert tables.projects["status_reason"].notna().all()
            continue
        status = tables.projects["status"]
        assert status.iloc[:-1].eq("complete").all(), f"cut after line {n}: only the last table can be cut"
        assert status.iloc[-1] in {"complete", "partial"}


SELF_EVALUATION = """2024年度项目支出绩效自评表
项目名称 | 农村饮水安全维修养护 | |||
主管部门 | 某县水利局 | 实施单位 | 某县农村供水站 | |||
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | |||
年度资金总额 | 120 | 120 | 118.5 | 10 | 98.75% | 9.9 | |||
年度总体目标 | 预期目标 | 实际完成情况 | |||
总体目标 | 完成农村供水工程维修养护30处。 | 完成维修养护31处。 | |||
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | |||
产出指标 | 数量指标 | 维修养护工程数量 | ≥30处 | 31处 | 20 | 20 | |||
| 质量指标 | 维修工程验收合格率 | 100% | 100% | 20 | 20 | |||
满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10 | 10 | |||
"""


def test_a_self_evaluation_reads_its_actual_values_goals_and_money_columns():
    tables = parse_lines(lines_of(SELF_EVALUATION), "se.txt")
    p = tables.projects.iloc[0]
    assert (p["kind"], p["total_wan"], p["total_basis"]) == ("self_evaluation", 120.0, "annual total")
    assert (p["goal"], p["goal_actual"]) == ("完成农村供水工程维修养护30处。", "完成维修养护31处。")
    cols = ["level2", "indicator", "value", "value_actual", "score", "score_got"]
    assert [tuple(r) for r in tables.indicators[cols].values.tolist()] == [
        ("数量指标", "维修养护工程数量", "≥30处", "31处", "20", "20"),
        ("质量指标", "维修工程验收合格率", "100%", "100%", "20", "20"),
        ("服务对象满意度", "群众满意度", "≥90%", "95%", "10", "10"),
    ]
    money = tables.header_extras.dropna(subset=["value"]).set_index("field")["value"]
    assert money["annual_total:executed"] == "118.5" and money["annual_total:execution_rate"] == "98.75%"
    assert tables.unparsed.empty
