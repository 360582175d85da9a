"""Text cut into cells by each line's own evidence; amounts read with their units; rows aligned to columns."""

from __future__ import annotations

import pytest

from budgetkit.parse import parse_lines
from budgetkit.segment.text import segment_lines
from budgetkit.vocab.amounts import parse_amount


def cells(rows):
    return [([c.text for c in r.cells], r.hard) for r in rows]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["项目名称 | 主体班 | 项目负责人 | ||||"], [(["项目名称", "主体班", "项目负责人"], True)],
                     id="pipe-row-closed-by-padding"),
        pytest.param(["| 产出指标 | 数量指标 | 人数 | = | 116 | 人 | |"],
                     [(["产出指标", "数量指标", "人数", "=", "116", "人"], True)], id="leading-pipe"),
        pytest.param(["项目 名称 |"], [(["项目 名称"], False)], id="single-trailing-pipe-row-goes-on"),
        pytest.param(["名称 |", "|", "值 |", "|||"], [(["名称"], False), ([""], False), (["值"], False), ([], True)],
                     id="cells-closed-by-pipes-lone-pipe-is-empty-cell"),
        pytest.param(["名称", "|", "值", "|", "|", "下一个"],
                     [(["名称"], False), (["值"], False), ([""], False), (["下一个"], False)],
                     id="pipes-between-cells-two-hold-an-empty-one"),
        pytest.param(["甲\t乙\t丙"], [(["甲", "乙", "丙"], False)], id="tabs"),
        pytest.param(['"1.完成任务', '2.新增违建"'], [(["1.完成任务2.新增违建"], False)], id="quoted-multi-line"),
        pytest.param(['"提升 意识"'], [(['"提升 意识"'], False)], id="one-line-quote-kept"),
        pytest.param(["职工困难医疗救助 200户"], [(["职工困难医疗救助 200户"], False)], id="spaces-stay-in-the-cell"),
        pytest.param(["|效益指标|社会效益|居住环境|明显改善,居民生活便利度|", "||||得到提升|"],
                     [(["效益指标", "社会效益", "居住环境", "明显改善,居民生活便利度得到提升"], False)],
                     id="continuation-row-joined-by-column"),
        pytest.param(["", "  "], [([], False), ([], False)], id="blank-lines"),
        pytest.param(["名称", "", " ", "", "值"],
                     [(["名称"], False), ([], False), ([""], False), ([], False), (["值"], False)],
                     id="white-space-between-blank-lines-is-an-empty-cell"),
        pytest.param(["名称", " ", "值"], [(["名称"], False), ([], False), (["值"], False)],
                     id="white-space-beside-text-is-a-blank-line"),
        pytest.param([" ", "", "值", "", " "], [([], False), ([], False), (["值"], False), ([], False), ([], False)],
                     id="white-space-at-either-end-is-a-blank-line"),
    ],
)
def test_lines_are_cut_by_their_own_evidence(lines, expected):
    assert cells(segment_lines(lines)) == expected


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        pytest.param("886.8", (886.8, None), id="bare"),
        pytest.param("8,827,620.53", (8827620.53, None), id="thousands"),
        pytest.param("250万", (250.0, 1.0), id="wan"),
        pytest.param("2279.048 万元", (2279.048, 1.0), id="wanyuan-spaced"),
        pytest.param("1,000,000元", (1000000.0, 1e-4), id="yuan"),
        pytest.param("3亿元", (3.0, 1e4), id="yi"),
        pytest.param("886.8 其中:", (886.8, None), id="其中-of-the-next-label"),
        pytest.param("五十", None, id="words"),
        pytest.param("中央资金50", None, id="label-and-number"),
        pytest.param("", None, id="empty"),
    ],
)
def test_amounts_are_read_with_their_units(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("money", "total", "unit"),
    [
        pytest.param("项目金额 | 164万元 | |||", 164.0, "万元", id="unit-in-the-cell"),
        pytest.param("项目资金（元） | 项目资金总额 | 4,100,000.00 | |||", 410.0, "元", id="unit-of-the-block"),
        pytest.param("年度金额(万元): | 397 | |||", 397.0, "万元", id="unit-of-the-label"),
        pytest.param("单位：元 | |||\n项目总额 | 500000 | |||", 50.0, "元", id="unit-line"),
        pytest.param("资金情况 | 资金总额:15 | |||", 15.0, "万元", id="default-wan"),
    ],
)
def test_total_wan_is_always_wan(money, total, unit):
    text = f"项目支出绩效目标表\n项目名称 | 测试 | |||\n{money}\n年度目标 | 做事。 | |||\n" \
           "一级指标 | 二级指标 | 三级指标 | 指标值 | |||\n产出指标 | 数量指标 | 户数 | 200户 | |||\n"
    p = parse_lines(text.splitlines(), "t.txt").projects.iloc[0]
    assert p["total_wan"] == total


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        pytest.param("一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位",
                     "产出指标 | 数量指标 | 人数 | ≥ | 500 | 人", ("人数", "≥500人"), id="split-value"),
        pytest.param("一级指标 | 二级指标 | 三级指标 | 单位 | 指标值", "产出指标 | 数量指标 | 稳定率 | % | ≥95%",
                     ("稳定率", "≥95%"), id="unit-before-a-value-that-has-it"),
        pytest.param("一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 指标解释",
                     "成本指标 | 经济成本指标 | 建设成本 | ≤65万元 | 10 | 反映成本控制", ("建设成本", "≤65万元"),
                     id="score-and-explanation-kept-apart"),
        pytest.param("一级指标 | 二级指标 | 三级指标 | 指标值类型 | 指标值 | 计量单位 | 指标解释",
                     "产出指标 | 时效指标 | 安排时间 | 定量 | 按月安排 | 该指标主要考察安排时间",
                     ("安排时间", "按月安排"), id="blank-unit-cell-not-printed"),
        pytest.param("一级指标 | 二级指标 | 三级指标 | 指标值", "产出指标 | 数量指标 | 培训人次 | 280人次",
                     ("培训人次", "280人次"), id="plain"),
    ],
)
def test_indicator_cells_go_to_their_columns(header, row, expected):
    text = f"项目支出绩效目标表\n项目名称 | 测试 | |||\n年度目标 | 做事。 | |||\n{header} | |||\n{row} | |||\n"
    ind = parse_lines(text.splitlines(), "t.txt").indicators.iloc[0]
    assert (ind["indicator"], ind["value"]) == expected
