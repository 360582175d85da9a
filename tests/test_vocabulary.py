"""The vocabulary: printed labels matched to their role through qualifiers, script and pinyin; run-together cuts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from budgetkit.model.cells import Cell
from budgetkit.segment.tokens import LINE, Tok, assemble_labels, cut
from budgetkit.vocab.vocabulary import find_terms, lookup, match_key, scan

VOCABULARY = Path(__file__).resolve().parents[1] / "src/budgetkit/metadata/vocabulary.csv"


@pytest.mark.parametrize(
    ("printed", "role", "field", "qualifiers"),
    [
        pytest.param("项目名称", "field", "project", (), id="plain"),
        pytest.param("项目 名称", "field", "project", (), id="space-inside"),
        pytest.param("*年度总体绩效目标", "goal", "goal", (), id="required-mark"),
        pytest.param("數(shù)量指標(biāo)", "level2", "数量指标", (), id="traditional-with-pinyin"),
        pytest.param("產(chǎn)出指標(biāo)", "level1", "产出指标", (), id="traditional-level1"),
        pytest.param("数量指标 (必填硬性指标)", "level2", "数量指标", ("(必填硬性指标)",), id="fill-in-note"),
        pytest.param("成本指标(0-20)分", "level1", "成本指标", ("(0-20)分",), id="score-range"),
        pytest.param("年度绩效目标(90分)", "goal", "goal", ("(90分)",), id="score-in-brackets"),
        pytest.param("项目资金（元）", "block", "money", ("(元)",), id="unit-qualifier-full-width"),
        pytest.param("其中：财政拨款", "field", "fiscal", (), id="其中-prefix"),
        pytest.param("年度金额(万元):", "field", "annual_total", ("(万元)",), id="unit-and-colon"),
        pytest.param("项目总体目标(2024 年-2026 年)", "goal", "goal_long_term", ("(2024年-2026年)",), id="years"),
        pytest.param("预期2022年实现值", "column", "value", (), id="year-inside-label"),
        pytest.param("数量指标(或建筑规模指标)", "level2", "数量指标", (), id="alternative-name"),
        pytest.param("⼀级指标", "column", "level1", (), id="kangxi-radical-not-normalised-here"),
    ],
)
def test_a_printed_label_matches_its_term(printed, role, field, qualifiers):
    from budgetkit.model.normalize import normalize_text

    m = lookup(normalize_text(printed))
    assert m is not None, printed
    term = m.role(role)
    assert term is not None and term.field == field
    assert m.qualifiers == qualifiers


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param("职工困难医疗救助", id="an-indicator-name"),
        pytest.param("项目资金使用合规性", id="starts-like-a-block-label"),
        pytest.param("提高经济效益", id="holds-a-level-word"),
        pytest.param("≥90%", id="a-value"),
        pytest.param("", id="empty"),
    ],
)
def test_text_that_is_not_a_label_matches_nothing(printed):
    assert lookup(printed) is None


def test_the_key_drops_inserted_pinyin_and_white_space_but_keeps_other_brackets():
    assert match_key("學(xué)生 資助") == "学生资助"
    assert match_key("部门(单位)名称") == "部门(单位)名称"
    assert match_key("苗木成活率(≥**%)") == "苗木成活率(≥%)"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("资金总额:15其中:财政拨款15其他资金0", ["资金总额:", "其中:财政拨款", "其他资金"], id="money-run"),
        pytest.param("主管部门(单位)名称武夷山市委宣传部", ["主管部门(单位)名称"], id="longest-wins"),
        pytest.param("资金情况(万元)资金总额", ["资金情况(万元)", "资金总额"], id="qualifier-belongs-to-term"),
    ],
)
def test_terms_are_found_inside_run_together_text(text, found):
    hits = find_terms(text, ["field", "block"])
    assert [text[f.start : f.end] for f in hits] == found


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        pytest.param("项目名称学校校舍建设项目", ["项目名称", "学校校舍建设项目"], id="label-glued-to-value"),
        pytest.param("主管部门 某局 实施单位 某中心", ["主管部门", "某局", "实施单位", "某中心"], id="labels-at-spaces"),
        pytest.param("年度资金总额:50万", ["年度资金总额:", "50万"], id="label-colon-value"),
        pytest.param("项目资金使用合规性", ["项目资金使用合规性"], id="a-label-inside-a-word-is-not-cut"),
        pytest.param("部门名称某鉴定中心*实施单位某鉴定所", ["部门名称", "某鉴定中心", "*实施单位", "某鉴定所"],
                     id="a-required-mark-goes-with-the-label-after-it"),
    ],
)
def test_cells_are_cut_at_the_labels_they_run_together(text, pieces):
    tok = Tok(text, (Cell(text, 1),), LINE)
    assert [p.text for p in cut([tok], ["field", "block"])] == pieces


#: A page flattened to one line, glued labels and values (a stray space after its first value or not).
FLAT = "{gap}项目名称乡村道路维修工程主管部门某镇人民政府实施单位某镇村镇建设服务中心项目属性经常性资金总额120万元其中财政拨款120万元"
FLAT_CELLS = ["项目名称", "乡村道路维修工程", "主管部门", "某镇人民政府", "实施单位", "某镇村镇建设服务中心", "项目属性", "经常性",
              "资金总额", "120万元", "其中财政拨款", "120万元"]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        pytest.param(FLAT.format(gap=""), FLAT_CELLS, id="no-space"),
        pytest.param(FLAT.format(gap="填报单位:某镇人民政府 "), ["填报单位:", "某镇人民政府", *FLAT_CELLS], id="a-stray-space"),
        pytest.param(FLAT.format(gap="").replace("某镇人民政府", "某镇 人民 政府 "),
                     [*FLAT_CELLS[:3], "某镇 人民 政府", *FLAT_CELLS[4:]], id="spaces-inside-a-cell-labels-glued"),
        pytest.param("项目名称 专项资金总额核算系统建设 主管部门 某局 实施单位 某中心",
                     ["项目名称", "专项资金总额核算系统建设", "主管部门", "某局", "实施单位", "某中心"],
                     id="labels-apart-a-label-inside-a-word-stays"),
    ],
)
def test_a_flattened_line_is_cut_whatever_stray_spaces_it_keeps(text, pieces):
    tok = Tok(text, (Cell(text, 1),), LINE)
    assert [p.text for p in cut([tok], ["field", "block", "extra"], run_together=True, min_run=3)] == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        pytest.param("=116人该指标值数据合理三级指标指标值", ["=116人该指标值数据合理", "三级指标", "指标值"],
                     id="a-column-named-in-a-sentence-is-no-label"),
        pytest.param("指标名称三级指标指标值", ["指标名称", "三级指标", "指标值"], id="column-labels-run-together"),
    ],
)
def test_column_labels_are_cut_out_of_run_together_text_but_not_out_of_sentences(text, pieces):
    tok = Tok(text, (Cell(text, 1),), LINE)
    assert [p.text for p in cut([tok], ["column"], run_together=True, min_run=2)] == pieces


@pytest.mark.parametrize(
    ("lines", "label", "field"),
    [
        pytest.param(["满意度", "指标"], "满意度指标", "满意度指标", id="two-lines"),
        pytest.param(["经济效益", "指标"], "经济效益指标", "经济效益", id="longest-not-shortest"),
        pytest.param(["服务对象", "满意度指", "标"], "服务对象满意度指标", "服务对象满意度", id="three-lines"),
        pytest.param(["产出指标", "(40-50)分"], "产出指标(40-50)分", "产出指标", id="qualifier-on-next-line"),
        pytest.param(["產(c", "hǎn)出指標(biāo)"], "產(chǎn)出指標(biāo)", "产出指标", id="pinyin-cut-at-the-wrap"),
        pytest.param(["成本指标(0", "-20)分"], "成本指标(0-20)分", "成本指标", id="qualifier-cut-at-the-wrap"),
    ],
)
def test_a_label_wrapped_over_lines_is_joined(lines, label, field):
    toks = [Tok(t, (Cell(t, i),), LINE, match=lookup(t)) for i, t in enumerate(lines, 1)]
    joined = assemble_labels(toks)
    assert [t.text for t in joined] == [label]
    assert joined[0].match.term.field == field


@pytest.mark.parametrize(
    ("text", "role"),
    [
        pytest.param("2025年自治区本级部门项目支出预算绩效目标表", "title", id="title"),
        pytest.param("鲁ICP备06032897号", "furniture", id="licence"),
        pytest.param("扫一扫在手机打开当前页", "furniture", id="share"),
        pytest.param("财政资金管理科室(盖章) 年 月 日", "boilerplate", id="stamp"),
        pytest.param("填报人：张三 联系电话：020-1234", "boilerplate", id="filled-in-by"),
    ],
)
def test_titles_furniture_and_signatures_are_recognised(text, role):
    from budgetkit.model.normalize import normalize_text

    term = scan(normalize_text(text), role)
    assert term is not None and term.role == role


def test_every_vocabulary_row_is_well_formed():
    rows = list(csv.DictReader(VOCABULARY.open(encoding="utf-8")))
    roles = {"title", "unit_label", "field", "extra", "block", "subtable", "row", "goal", "column", "section",
             "level1", "level2", "boilerplate", "furniture", "list"}
    assert {r["role"] for r in rows} <= roles
    assert {r["match"] for r in rows} <= {"exact", "start", "contains"}
    for r in rows:
        if r["role"] == "level2":
            assert r["parent"], r["term"]
            assert any(x["role"] == "level1" and x["field"] == r["parent"] for x in rows), r["term"]
    pairs = [(r["term"], r["role"]) for r in rows]
    assert len(pairs) == len(set(pairs)), "a term appears twice with the same role"
