"""One family case per reading rule that no other test pins down (issue 22: every reading rule traceable).

Each case is a literal page in the shape of its family, with adversarial Chinese text, and what a reader sees on
it (written by hand from the page, never from the parser's output): rows that must be read (a subset of each
row's fields), fields of the first project, and texts that must land in ``unparsed``. The param id names the
family and the rule (``metadata/reading_rules.csv`` lists this test for that rule, and
``benchmarks/rules_switch_off.py`` requires it to fail with the rule switched off).
"""

from __future__ import annotations

import pytest

from budgetkit.parse import parse_lines

#: A budget list whose projects are followed by bracketed target blocks (指标1:…), then the list goes on.
_LIST_FORM = ([
    "单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标", " 037001", " 某某市公安局", "2795518",
    "  其他运转类", "168168", "   037001", "   某某市“天网”工程机房租赁(2024至2027)服务采购项目", "168168",
    "【项目概况】:该项目为机房租赁服务,共计12个机柜。", "【总体目标】", "保障机房内设备运转", "【产出指标-数量指标】",
    "指标1:机柜数量(≥12台)", "【产出指标-成本指标】", "指标1:维护成本(<168168元)",
    "【满意度指标-服务对象满意度指标】", "指标1:群众安全感(≥90%)", "  本级项目", "2627350", "   037001",
    "   执法办案费(含禁毒、反恐)", "100000", "【项目概况】:专门用于执法办案。"],)


#: (family, rule id, page lines, rows that must be read, project fields, texts that must be unparsed)
CASES = [
    pytest.param(
        ["项目支出绩效目标表项目名称职工疗休养补助主管部门某某总工会一级指标二级指标三级指标指标值产出指标数量指标"
         "疗休养人次≥300人次满意度指标服务对象满意度指标职工满意度≥90%省级部门预算项目支出绩效目标表(2023年度)项目名称"],
        [{"indicator": "职工满意度", "value": "≥90%"}], {"project": "职工疗休养补助"}, ["省级部门预算项目支出"],
        id="table-ends/table.title-glued-to-target"),
    pytest.param(*_LIST_FORM, [{"indicator": "群众安全感", "value": "≥90%"}], {}, ["本级项目"],
                 id="list-form/table.list-ends-at-last-numbered"),
    pytest.param(*_LIST_FORM, [{"indicator": "机柜数量", "value": "≥12台"}], {"total_wan": 16.8168}, [],
                 id="amounts/amounts.list-unit-from-target"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 职工“春送岗位”招聘会(线上+线下) |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 招聘会场次 | ≥6场 |",
                  "产出指标 |  | 进场企业数(家) | ≥120家 |", "效益指标 | 社会效益指标 | 达成就业意向人数 | ≥500人 |"],
                 [{"indicator": "进场企业数(家)", "level1": "产出指标", "level2": "数量指标"}], {}, [],
                 id="centred-levels/levels.same-label-keeps-level2"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 困难职工帮扶(两节送温暖) |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 帮扶户数 | ≥200户 |",
                  "效益指标 | 社会效益指标 | 困难职工生活改善 | 有所改善 |",
                  " | 服务对象满意度指标 | 帮扶对象满意度 | ≥95% |"],
                 [{"indicator": "帮扶对象满意度", "level1": "满意度指标", "level2": "服务对象满意度"}], {}, [],
                 id="misfiled-levels/levels.regroup-by-parent"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 工会会员普惠服务(“娘家人”卡) |", "项目属性 | 新增项目□ 延续项目√ |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 发卡数量 | ≥1000张 |"],
                 [{"indicator": "发卡数量", "value": "≥1000张"}], {"attribute_kind": "延续项目"}, [],
                 id="ticked-forms/header.ticked-option"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 劳模疗休养(含“五一”表彰) |",
                  "资金总额(万元) | | 其中:财政拨款 | 30 | 其他资金 | 5 |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 疗休养人次 | ≥300人次 |"],
                 [{"indicator": "疗休养人次"}], {"total_wan": 35.0}, [],
                 id="amounts/amounts.total-from-fiscal-parts"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 职工书屋(“悦读”驿站)建设 |",
                  "中央补助(万元) | 20 | 省级资金(万元) | 10 | 市县资金(万元) | 5 |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 新建书屋 | ≥10个 |"],
                 [{"indicator": "新建书屋"}], {"total_wan": 35.0}, [],
                 id="amounts/amounts.total-from-sources"),
]


@pytest.mark.parametrize("lines, rows, project, unparsed", CASES)
def test_family_page_reads_as_printed(lines, rows, project, unparsed):
    tables = parse_lines(lines, "family.txt")
    got = tables.indicators.to_dict("records")
    for want in rows:
        assert any(all(r.get(k) == v for k, v in want.items()) for r in got), (
            f"no row {want} among {[{k: r.get(k) for k in want} for r in got]}")
    first = tables.projects.iloc[0].to_dict() if len(tables.projects) else {}
    assert {k: first.get(k) for k in project} == project
    left = list(tables.unparsed["text"]) if len(tables.unparsed) else []
    for text in unparsed:
        assert any(text in t for t in left), f"{text!r} not unparsed: {left}"
