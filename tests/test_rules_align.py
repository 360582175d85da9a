"""Family tests of the aligner's and the region finder's reading rules (issue 22): each fails with its rule off.

The rules are rows of ``metadata/reading_rules.csv``; each test here names the family it guards in its id.
Expected values come from the answer keys of ``../shared`` (skipped, with the reason, where they are absent),
from the seed's golden files (checked against the source by hand: :func:`render.seed_key`), or from a hand
reading of a fixture (the text quoted beside each expected value).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetkit.model import rules
from budgetkit.parse import parse_file
from budgetkit.recognise.align_shapes import continues
from render import SHARED, seed_key  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"
ONE_CELL_PER_LINE = ROOT / "tests/fixtures/layouts/one-cell-per-line.txt"


def _key(rel: str) -> tuple[Path, dict]:
    """The source and answer key of a real document of ``../shared``; skip when they are absent."""
    source = SHARED / f"{rel}.txt"
    key_path = SHARED / f"{rel}.expected.json"
    if not source.is_file() or not key_path.is_file():
        pytest.skip(f"{source} or its key not found: the shared documents are not here")
    return source, json.loads(key_path.read_text(encoding="utf-8"))


def _pairs(tables) -> set[tuple[str, str]]:
    return set(zip(tables.indicators["indicator"], tables.indicators["value"], strict=True))


def _key_pairs(key: dict) -> list[tuple[str, str]]:
    return [(i["name"], i["value"]) for p in key["projects"] for i in p["indicators"]]


# --- align.lexical-wrap -----------------------------------------------------------------------------------

@pytest.mark.parametrize("prev, frag, role", [
    pytest.param("在基层社区开设不少于20门公益课", "程，让职工群众在家门口享受丰富的", "value", id="wrapped-cells/closing-mark-second"),
    pytest.param("提高劳模荣誉感", "和获得感", "value", id="wrapped-cells/value-particle"),
    pytest.param("劳动光荣的社会风尚和精益求精的敬业精", "神", "indicator", id="wrapped-cells/one-character-line"),
    pytest.param("受益群众满意度（", "含农村留守人员）", "indicator", id="wrapped-cells/left-on-opening-bracket"),
    pytest.param("保障困难职工基本生活，", "，切实解决实际困难", "indicator", id="wrapped-cells/opened-by-comma"),
])
def test_a_line_that_plainly_continues_the_cell_above_joins_it(prev, frag, role):
    assert continues(prev, frag, role)
    with rules.switched_off("align.lexical-wrap"):
        assert not continues(prev, frag, role)


@pytest.mark.parametrize("name", [
    pytest.param("对劳模群体的影响力", id="wrapped-cells/seed-value-particle"),
    pytest.param("劳动光荣的社会风尚和精益求精的敬业精神", id="wrapped-cells/seed-one-character-line"),
])
def test_the_seed_reads_its_wrapped_cells_as_its_golden_files(name):
    want = {(i["name"], i["value"]) for p in seed_key()["projects"] for i in p["indicators"] if i["name"] == name}
    assert want, f"{name} is not in the seed's golden files"
    assert want <= _pairs(parse_file(SEED))


# --- align.blank-lines-part-cells -------------------------------------------------------------------------

#: Hand reading of tests/fixtures/layouts/one-cell-per-line.txt (a web page copied cell by cell, a blank line
#: between cells): ``维修供水工程`` / ``数量`` and ``供水保证率稳定在95%以上，群众饮`` / ``水安全得到有效保障`` are
#: each one cell wrapped over two lines with no blank line between.
ONE_CELL_PER_LINE_ROWS = [
    pytest.param("维修供水工程数量", "12处", id="one-cell-per-paragraph/wrapped-name"),
    pytest.param("农村居民饮水条件", "供水保证率稳定在95%以上,群众饮水安全得到有效保障",
                 id="one-cell-per-paragraph/wrapped-value"),
]


@pytest.mark.parametrize("name, value", ONE_CELL_PER_LINE_ROWS)
def test_cells_parted_by_blank_lines_join_their_wrapped_lines(name, value):
    assert (name, value) in _pairs(parse_file(ONE_CELL_PER_LINE))


# --- align.spaces-part-cells, align.shape-row-number, align.shape-column-label ------------------------------

@pytest.mark.parametrize("rel", [
    # align.spaces-part-cells: a row's cells printed on one line, parted by spaces
    pytest.param("corpus/text/A03_yongji-wenwu-2023", id="flattened-rows/A03-name-then-target"),
    pytest.param("incoming/text/A10_fujian-taibao-2017", id="flattened-rows/A10-pre-101-template"),
    pytest.param("incoming/text/B02_ezhou-jiguanshiwu-binhu-2022", id="flattened-rows/B02-word-target"),
    # align.shape-row-number: the number of a template row (指标1:, 目标1) before its name
    pytest.param("corpus/text/B11_huangshan-gongan-xueliang-2025", id="template-rows/B11-list-numbered"),
    pytest.param("incoming/text/A10_fujian-taibao-2017", id="template-rows/A10-goal-numbered"),
    # align.shape-column-label: a column label (二级指标) printed again among the rows
    pytest.param("corpus/text/A03_yongji-wenwu-2023", id="repeated-headers/A03-column-label-among-rows"),
])
def test_the_document_reads_the_indicators_of_its_key(rel):
    source, key = _key(rel)
    want = _key_pairs(key)
    have = _pairs(parse_file(source))
    assert [w for w in want if w not in have] == []


# --- align.shape-placeholder ----------------------------------------------------------------------------

#: Hand reading of tests/fixtures/layouts/older-template.txt: ``危房改造户数 140户`` is followed by a template row
#: left unfilled (``指标2：``), which is no row.
@pytest.mark.parametrize("name, value", [
    pytest.param("危房改造户数", "140户", id="template-rows/row-before-an-unfilled-row"),
])
def test_a_row_before_a_row_the_template_left_unfilled_keeps_its_value(name, value):
    assert (name, value) in _pairs(parse_file(ROOT / "tests/fixtures/layouts/older-template.txt"))


# --- regions.prelude --------------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", [
    pytest.param("corpus/text/A01_dongguan-jiaotong-2019", id="table-titles/A01-year-in-title"),
    pytest.param("corpus/text/A03_yongji-wenwu-2023", id="table-titles/A03-year-line"),
    pytest.param("corpus/text/A07_linyi-xiaoxue-2025", id="table-titles/A07-year-line"),
])
def test_a_table_reaches_back_over_its_title_to_its_year(rel):
    source, key = _key(rel)
    years = set(parse_file(source).projects["year"])
    assert years == {key["year"]}


# --- regions.header-only-table ----------------------------------------------------------------------------

@pytest.mark.parametrize("rel", [
    pytest.param("corpus/text/A17_guangxi-feiyi-ziping-2021", id="cut-pages/A17-ends-in-its-header"),
])
def test_a_document_ending_in_a_titled_header_keeps_its_table(rel):
    source, key = _key(rel)
    assert list(parse_file(source).projects["project"]) == [p["name"] for p in key["projects"]]


# --- regions.list-entry-start -----------------------------------------------------------------------------

@pytest.mark.parametrize("rel", [
    pytest.param("corpus/text/B11_huangshan-gongan-xueliang-2025", id="list-entries/B11-code-name-amount"),
])
def test_a_list_entry_starts_at_its_code_name_and_amount(rel):
    source, key = _key(rel)
    projects = parse_file(source).projects
    assert list(projects["project"]) == [p["name"] for p in key["projects"]]
    assert list(projects["total_wan"]) == pytest.approx([p["total_wan"] for p in key["projects"]])
