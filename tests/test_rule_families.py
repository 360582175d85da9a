"""One family case per reading rule that no other test pins down (issue 22: every reading rule traceable).

Each case is a literal page in the shape of its family, with adversarial Chinese text, and what a reader sees on
it (written by hand from the page, never from the parser's output): rows that must be read (a subset of each
row's fields), fields of the first project, and texts that must land in ``unparsed`` (``not:`` before a text:
that must not). Text pages are lines; grid pages (ruled PDF pages, sheets) are rows of cells ``(page, grid,
cells)``, ``grid`` ``None`` for a line outside any grid. The param id names the
family and the rule (``metadata/reading_rules.csv`` lists this test for that rule, and
``benchmarks/rules_switch_off.py`` requires it to fail with the rule switched off).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkit.model.cells import Cell, Document, Row
from budgetkit.parse import parse_document, parse_lines

#: A budget list whose projects are followed by bracketed target blocks (指标1:…), then the list goes on.
_LIST_FORM = ([
    "单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标", " 037001", " 某某市公安局", "2795518",
    "  其他运转类", "168168", "   037001", "   某某市“天网”工程机房租赁(2024至2027)服务采购项目", "168168",
    "【项目概况】:该项目为机房租赁服务,共计12个机柜。", "【总体目标】", "保障机房内设备运转", "【产出指标-数量指标】",
    "指标1:机柜数量(≥12台)", "【产出指标-成本指标】", "指标1:维护成本(<168168元)",
    "【满意度指标-服务对象满意度指标】", "指标1:群众安全感(≥90%)", "  本级项目", "2627350", "   037001",
    "   执法办案费(含禁毒、反恐)", "100000", "【项目概况】:专门用于执法办案。"],)

#: A page flattened onto one line, one target column per area (区域目标值 over 新罗区 | 永定区 | 上杭县).
_AREAS_FLAT = ([
    "专项转移支付绩效目标表(2023年度)部门(单位)名称某某市民族与宗教事务局项目名称少数民族村寨(畲族)保护经费补助区域新罗区、"
    "永定区、上杭县资金情况(万元)资金总额:30其中:财政拨款30其他资金总体目标为保护少数民族特色村寨,绩效指标一级指标二级指标"
    "三级指标指标解释区域目标值新罗区永定区上杭县产出指标数量指标补助村寨(畲族)数量反映补助村寨数量情况312质量指标"
    "项目资金使用合规性反映项目资金使用合规情况>=95%>=90%>=85%满意度指标服务对象满意度指标村民满意度反映村民满意程度"
    ">=90%>=90%>=90%"],)


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
    pytest.param(["项目支出绩效目标表", "项目名称职工疗休养补助(劳模“五一”专项)", "一级指标二级指标三级指标指标值",
                  "产出指标数量指标疗休养人次≥300人次", "参与劳模人数≥120人", "满意度指标服务对象满意度指标职工满意度≥90%"],
                 [{"indicator": "参与劳模人数", "value": "≥120人", "level2": "数量指标"}], {}, [],
                 id="flattened-pages/run-together.row-a-line"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 职工技能大赛(“工匠杯”) |", "一级指标 | 二级指标 | 三级指标 | 指标值 |",
                  " | 数量指标 | 参赛人数 | ≥300人 |", "产出指标 | 质量指标 | 获奖率 | ≥20% |",
                  " | 时效指标 | 完成时间 | 2025年10月底前 |", " | 成本指标 | 人均成本 | ≤500元 |",
                  "效益指标 | 社会效益指标 | 技能提升人数 | ≥200人 |", "满意度指标 | 服务对象满意度指标 | 参赛职工满意度 | ≥90% |"],
                 [{"indicator": "参赛人数", "level1": "产出指标", "level1_printed": "产出指标"}], {}, [],
                 id="centred-levels/levels.backfill-level1"),
    pytest.param(*_AREAS_FLAT, [{"indicator": "补助村寨(畲族)数量", "area": "永定区", "value": "1"}], {}, [],
                 id="area-columns/areas.one-digit-each"),
    pytest.param(*_AREAS_FLAT, [{"indicator": "项目资金使用合规性", "area": "上杭县", "value": ">=85%"}], {}, [],
                 id="area-columns/run-together.areas-cut"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 农村饮水安全巩固提升(“千吨万人”工程) |", "补助区域 | 西坪镇、埭头镇 |",
                  "一级指标 | 二级指标 | 三级指标 | 区域目标值 |", " | | | 西坪镇 | 埭头镇 |",
                  "产出指标 | 质量指标 | 水质达标率 | ≥95%≥90% |",
                  "满意度指标 | 服务对象满意度指标 | 受益群众满意度 | ≥90% | ≥85% |"],
                 [{"indicator": "水质达标率", "area": "埭头镇", "value": "≥90%"}], {}, [],
                 id="area-columns/areas.cut-run-together"),
    pytest.param(["项目支出绩效目标表", "项目名称 | 主体班次培训(“三会一课”专题) |",
                  "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标标准或依据 |", "2024年实际实现值 | 预期2025年实现值 |",
                  "产出指标 | 数量指标 | 主体班培训人次 | 280人次 | 300人次 | 年度计划 |",
                  "满意度指标 | 服务对象满意度指标 | 学员满意度 | 95% | ≥95% | 问卷 |"],
                 [{"indicator": "主体班培训人次", "value": "300人次"}, {"indicator": "学员满意度", "value": "≥95%"}],
                 {}, [], id="two-row-headers/columns.value-subcolumns"),
    pytest.param(["项目支出绩效目标表", "项目名称 |  |", "主管部门 | 某某市总工会(“职工之家”) |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |", "产出指标 | 数量指标 | 慰问困难职工户数 | ≥200户 |"],
                 [{"indicator": "慰问困难职工户数", "confidence": "low", "confidence_reasons": "project name read empty"}],
                 {"department": "某某市总工会(“职工之家”)"}, [], id="project-names/name.empty-flagged"),
]


#: The indicator header of a grid.
_HEAD = ["一级指标", "二级指标", "三级指标", "指标值"]

#: (family, rule id, grid rows, rows that must be read, project fields, texts that must (not) be unparsed)
GRID_CASES = [
    pytest.param([(1, None, ["项目支出绩效目标表"]), (1, 0, ["项目名称", "某某医疗保障信息化运维(“智慧医保”)"]),
                  (2, 1, ["", "二期工程"]), (2, 1, ["主管部门", "某某市医疗保障局"]), (2, 1, _HEAD),
                  (2, 1, ["产出指标", "数量指标", "运维系统数量", "≥12个"]),
                  (2, 1, ["满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%"])],
                 [{"indicator": "运维系统数量", "value": "≥12个"}], {"project": "某某医疗保障信息化运维(“智慧医保”)二期工程"},
                 [], id="grids-over-pages/name.wrapped-over-page"),
    pytest.param([(1, None, ["项目支出绩效目标表"]), (1, 0, ["项目名称", "社区居家养老服务(“银龄”关爱)", "", ""]),
                  (1, 0, _HEAD), (1, 0, ["产出指标", "数量指标", "服务老人人次", "≥5000人次"]), (2, 0, _HEAD),
                  (2, 0, ["产出指标", "质量指标", "服务合格率", "≥95%"]),
                  (2, 0, ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"])],
                 [{"indicator": "服务合格率", "value": "≥95%"}], {}, ["not:三级指标"],
                 id="grids-over-pages/grid.header-repeated"),
    pytest.param([(1, None, ["项目支出绩效目标表"]), (1, 0, ["项目名称", "轨道交通建设协调(“轨道上的都市”)", "", "", ""]),
                  (1, 0, ["活动", "绩效指标", "指标性质", "指标值", "度量单位"]),
                  (1, 0, ["协调推进", "产出指标数量指标协调推进线路数量", "≥", "12", "条"]),
                  (1, 0, ["", "效益指标社会效益指标公众出行便利度提升", "定性", "明显提升", ""])],
                 [{"indicator": "协调推进线路数量", "level1": "产出指标", "level2": "数量指标", "value": "≥12条"},
                  {"indicator": "公众出行便利度提升", "level1": "效益指标"}], {}, [],
                 id="packed-cells/grid.levels-glued-to-name"),
    pytest.param([(1, None, ["项目支出绩效目标表"]), (1, 0, ["项目名称", "城乡居民医保参保补助(“应保尽保”)", "", ""]),
                  (1, 0, _HEAD), (1, 0, ["", "", "参保人数", "≥30万人"]), (1, 0, ["产出指标", "数量指标", "补助人数", "≥2万人"]),
                  (1, 0, ["", "质量指标", "资金发放准确率", "100%"]), (1, 0, ["", "", "资金到位率", "100%"]),
                  (1, 0, ["", "时效指标", "资金拨付时间", "2025年6月底前"]),
                  (1, 0, ["满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%"])],
                 [{"indicator": "参保人数", "level1": "产出指标", "level2": "数量指标"}], {}, [],
                 id="centred-levels/grid.backfill-leading"),
]


def _grid(rows: list[tuple[int, int | None, list[str]]]) -> Document:
    """A read PDF of ``(page, grid, cells)`` rows: cells of a grid have their column and edges."""
    out = [Row([Cell(t, n, page=page, col=k if grid is not None else None, delimited=grid is not None)
                for k, t in enumerate(cells)], hard=grid is not None, grid=grid)
           for n, (page, grid, cells) in enumerate(rows, 1)]
    return Document(Path("family.pdf"), out, kind="pdf", units=max(r[0] for r in rows), unit_name="pages")


def _check(tables, rows, project, unparsed) -> None:
    got = tables.indicators.to_dict("records")
    for want in rows:
        assert any(all(r.get(k) == v for k, v in want.items()) for r in got), (
            f"no row {want} among {[{k: r.get(k) for k in want} for r in got]}")
    first = tables.projects.iloc[0].to_dict() if len(tables.projects) else {}
    assert {k: first.get(k) for k in project} == project
    left = list(tables.unparsed["text"]) if len(tables.unparsed) else []
    for text in unparsed:
        if text.startswith("not:"):
            assert not any(text[4:] in t for t in left), f"{text[4:]!r} unparsed: {left}"
        else:
            assert any(text in t for t in left), f"{text!r} not unparsed: {left}"


@pytest.mark.parametrize("lines, rows, project, unparsed", CASES)
def test_family_page_reads_as_printed(lines, rows, project, unparsed):
    _check(parse_lines(lines, "family.txt"), rows, project, unparsed)


@pytest.mark.parametrize("grid, rows, project, unparsed", GRID_CASES)
def test_family_grid_reads_as_printed(grid, rows, project, unparsed):
    _check(parse_document(_grid(grid), source_file="family.pdf"), rows, project, unparsed)
