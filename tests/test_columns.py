"""The indicator header's columns (metadata/columns.csv) and the assignment of a row's cells to them."""

from __future__ import annotations

import pytest

from budgetkit.columns import find_indicator_header, load_columns, split_cells
from budgetkit.lines import SourceLine

SPLIT = ("nature", "value", "measure_unit")
SPLIT_NOTE = ("nature", "value", "measure_unit", "note")
LONG = ("value_long_term", "value")
SEVEN = ("value_long_term", "value", "measure_unit", "note")


def lines_of(text: str) -> list[SourceLine]:
    return [SourceLine(t, i) for i, t in enumerate(text.splitlines(), 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("一级指标 二级指标 三级指标 指标值", (0, 0, ("level1", "level2", "indicator", "value")), id="seed"),
        pytest.param("一级指标二级指标三级指标指标值", (0, 0, ("level1", "level2", "indicator", "value")), id="run-together"),
        pytest.param("一级指标\n\n二级指标\n三级指标\n\n指标值\n产出指标", (0, 5, ("level1", "level2", "indicator", "value")),
                     id="spread-over-lines"),
        pytest.param("一级指标 二级指标 三级指标 指标性质 指标值 度量单位 备注",
                     (0, 0, ("level1", "level2", "indicator", "nature", "value", "measure_unit", "note")), id="split-value"),
        pytest.param("一级指标 二级指标 三级指标 中长期指标值 年度指标值",
                     (0, 0, ("level1", "level2", "indicator", "value_long_term", "value")), id="long-term"),
        pytest.param("项目名称 一级指标测试\n一级指标 二级指标 三级指标 指标值", (1, 1, ("level1", "level2", "indicator", "value")),
                     id="label-inside-text-skipped"),
        pytest.param("一级指标 二级指标 三级指标", None, id="no-value-column"),
        pytest.param("一级指标 二级指标 三级指标 目标", None, id="unknown-word"),
        pytest.param("", None, id="empty"),
    ],
)
def test_find_indicator_header(text, expected):
    header = find_indicator_header(lines_of(text), 0)
    got = None if header is None else (header.first, header.last, header.columns)
    assert got == expected


@pytest.mark.parametrize(
    ("cells", "trailing", "expected"),
    [
        pytest.param(["≥", "500", "人"], SPLIT, {"nature": "≥", "value": "≥500人", "measure_unit": "人"}, id="all-three"),
        pytest.param([">=", "85", "%"], SPLIT, {"nature": ">=", "value": ">=85%", "measure_unit": "%"}, id="ascii-comparator"),
        pytest.param(["定性", "有所提高"], SPLIT, {"nature": "定性", "value": "有所提高"}, id="qualitative-no-unit"),
        pytest.param(["≤", "1200", "元/人"], SPLIT, {"nature": "≤", "value": "≤1200元/人", "measure_unit": "元/人"},
                     id="rate-unit"),
        pytest.param(["1200", "元/人"], SPLIT, {"value": "1200元/人", "measure_unit": "元/人"}, id="nature-blank"),
        pytest.param(["2025年12月底前"], SPLIT, {"value": "2025年12月底前"}, id="only-value"),
        pytest.param(["≥", "500", "人", "按实际结算"], SPLIT_NOTE,
                     {"nature": "≥", "value": "≥500人", "measure_unit": "人", "note": "按实际结算"}, id="with-note"),
        pytest.param(["定性", "有所提高", "以抽样调查为准"], SPLIT_NOTE,
                     {"nature": "定性", "value": "有所提高", "note": "以抽样调查为准"}, id="note-unit-blank"),
        pytest.param(["≥85%", "≥90%"], LONG, {"value_long_term": "≥85%", "value": "≥90%"}, id="long-and-annual"),
        pytest.param(["≥90%"], LONG, {"value": "≥90%"}, id="long-term-blank"),
        pytest.param(["≥", "85%", "≥", "90%"], LONG, {"value_long_term": "≥ 85%", "value": "≥ 90%"},
                     id="comparators-apart-stay-with-their-number"),
        pytest.param(["≥", "90%"], ("value",), {"value": "≥ 90%"}, id="seed-space-kept"),
        pytest.param(["模的良好", "社会氛围"], ("value",), {"value": "模的良好社会氛围"}, id="seed-cjk-joined"),
        pytest.param([], SPLIT, {}, id="no-cells"),
        pytest.param(["2000", "500", "张"], SEVEN, {"value_long_term": "2000张", "value": "500张", "measure_unit": "张"},
                     id="seven-unit-outside-units-csv"),
        pytest.param(["≥80", "%"], SEVEN, {"value": "≥80%", "measure_unit": "%"}, id="seven-long-term-blank"),
        pytest.param(["2025年底前", "2023年12月底前"], SEVEN, {"value_long_term": "2025年底前", "value": "2023年12月底前"},
                     id="seven-two-deadlines"),
        pytest.param(["长期", "长期", "按年度考核"], SEVEN, {"value_long_term": "长期", "value": "长期", "note": "按年度考核"},
                     id="seven-two-words-and-note"),
        pytest.param(["2023年12月底前", "以验收为准"], SEVEN,
                     {"value": "2023年12月底前", "note": "以验收为准", "confidence": "low"}, id="seven-note-or-annual-low"),
        pytest.param(["持续增加", "明显增加"], SEVEN,
                     {"value_long_term": "持续增加", "value": "明显增加", "confidence": "low"}, id="seven-words-ambiguous-low"),
        pytest.param(["≥", "≥", "≥"], SPLIT, {"value": "≥ ≥ ≥", "confidence": "low"}, id="only-comparators-low"),
    ],
)
def test_split_cells(cells, trailing, expected):
    assert split_cells(cells, trailing) == expected


def test_every_column_label_maps_to_an_indicator_field():
    from budgetkit.fields import columns

    known = set(columns("indicators")) | {"measure_unit"}
    assert {c.field for c in load_columns().values()} <= known
