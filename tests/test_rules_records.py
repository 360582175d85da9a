"""One family case per reading rule of the indicator records (issue 22: every reading rule traceable).

The rules of ``recognise/columns.py``, ``recognise/records.py`` and ``recognise/areas.py`` that had no id: each
case is a literal page in the shape of its family, with adversarial Chinese text (quotes, brackets, place names
that end like other place names), and what a reader sees on it, written by hand from the page (never from the
parser's output): rows that must be read (a subset of each row's fields), rows that must not be read, and texts
that must land in ``unparsed``. The param id names the family and the rule; ``metadata/reading_rules.csv`` lists
this test for that rule, and ``benchmarks/rules_switch_off.py`` requires it to fail with the rule switched off.
"""

from __future__ import annotations

import pytest

from budgetkit.model import rules
from budgetkit.parse import parse_lines

#: One target column per area after a 指标方向 column, the areas named by their places (A08's shape, a row a line):
#: the first row prints its comparator glued to the first area's target only, the second in the 指标方向 cell.
_AREAS_AFTER_DIRECTION = [
    "项目支出绩效目标表", "项目名称 | 海堤除险加固(“安澜”工程·二期) |",
    "一级指标 | 二级指标 | 三级指标 | 指标方向 | 笏石街道办 | 埭头镇 |",
    "产出指标 | 质量指标 | 工程验收合格率 |  | ≥100% | 100% |",
    "满意度指标 | 服务对象满意度指标 | 沿海群众(含渔民)满意度 | ≥ | 90% | 85% |",
]

#: (rule id, page lines, rows that must be read, rows that must not be read, texts that must be unparsed)
CASES = [
    pytest.param("areas.comparator-once", _AREAS_AFTER_DIRECTION,
                 [{"indicator": "工程验收合格率", "area": "笏石街道办", "value": "≥100%"},
                  {"indicator": "工程验收合格率", "area": "埭头镇", "value": "≥100%"}], [], [],
                 id="area-columns/areas.comparator-once"),
    pytest.param("areas.comparator-for-all", _AREAS_AFTER_DIRECTION,
                 [{"indicator": "沿海群众(含渔民)满意度", "area": "笏石街道办", "value": "≥90%"},
                  {"indicator": "沿海群众(含渔民)满意度", "area": "埭头镇", "value": "≥85%"}], [], [],
                 id="area-columns/areas.comparator-for-all"),
    pytest.param("value.comparator-alone-is-no-value",
                 # the excerpt cut after the last row's comparator (B07's shape): the row has no value to read
                 ["项目支出绩效目标表", "项目名称 | 基本公共卫生服务(“健康蒙城”)项目 |",
                  "一级指标 | 二级指标 | 三级指标 | 指标值 |",
                  "产出指标 | 数量指标 | 高血压患者规范管理人数 | ≧1.2万人 |",
                  "效益指标 | 社会效益指标 | 0-6岁儿童眼保健和视力检查覆盖率 | ≧"],
                 [{"indicator": "高血压患者规范管理人数", "value": "≧1.2万人"}],
                 [{"indicator": "0-6岁儿童眼保健和视力检查覆盖率"}], ["0-6岁儿童眼保健和视力检查覆盖率"],
                 id="files-cut-mid-cell/value.comparator-alone-is-no-value"),
    pytest.param("columns.area-names-cut",
                 # 区域目标值 over the areas, their names run together in one header cell: cut by the 补助区域 list
                 # (西坪镇尧山村 is one area, a village of a town, though 西坪镇 ends like a place name)
                 ["项目支出绩效目标表", "项目名称 | 农村饮水安全巩固提升(“千吨万人”工程) |", "补助区域 | 西坪镇尧山村、埭头镇 |",
                  "一级指标 | 二级指标 | 三级指标 | 区域目标值 |", "西坪镇尧山村埭头镇 |",
                  "产出指标 | 质量指标 | 水质达标率(镇区) | ≥95% | ≥90% |",
                  "满意度指标 | 服务对象满意度指标 | 受益群众满意度 | ≥90% | ≥85% |"],
                 [{"indicator": "水质达标率(镇区)", "area": "西坪镇尧山村", "value": "≥95%"},
                  {"indicator": "受益群众满意度", "area": "埭头镇", "value": "≥85%"}], [], [],
                 id="area-columns/columns.area-names-cut"),
    pytest.param("columns.area-names-cut",
                 # no 补助区域 list: the names cut by their place-name endings (新区 before 区)
                 ["项目支出绩效目标表", "项目名称 | 城乡供水一体化(“同网同质”) |",
                  "一级指标 | 二级指标 | 三级指标 | 区域目标值 |", "湄洲湾新区东峤镇 |",
                  "产出指标 | 数量指标 | 新建管网(公里) | 12 | 8 |"],
                 [{"indicator": "新建管网(公里)", "area": "湄洲湾新区", "value": "12"},
                  {"indicator": "新建管网(公里)", "area": "东峤镇", "value": "8"}], [], [],
                 id="area-columns/columns.area-names-cut-by-endings"),
]


def _has(got: list[dict], want: dict) -> bool:
    return any(all(r.get(k) == v for k, v in want.items()) for r in got)


@pytest.mark.parametrize("rule_id, lines, rows, absent, unparsed", CASES)
def test_records_family_reads_as_printed(rule_id, lines, rows, absent, unparsed):
    assert rule_id in rules.known(), f"{rule_id} is not in metadata/reading_rules.csv"
    tables = parse_lines(lines, "family.txt")
    got = tables.indicators.to_dict("records")
    for want in rows:
        assert _has(got, want), f"no row {want} among {[{k: r.get(k) for k in want} for r in got]}"
    for not_read in absent:
        assert not _has(got, not_read), f"row {not_read} read: {got}"
    left = list(tables.unparsed["text"]) if len(tables.unparsed) else []
    for text in unparsed:
        assert any(text in t for t in left), f"{text!r} not unparsed: {left}"
