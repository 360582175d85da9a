"""Layout detection and the rewrites to the seed's shape (issue 6 groundwork)."""

from __future__ import annotations

import pytest

from budgetkit.layouts import REWRITES, detect_layout, fix_ocr, load_layouts
from budgetkit.lines import SourceLine


def lines_of(text: str) -> list[SourceLine]:
    return [SourceLine(t, i) for i, t in enumerate(text.splitlines(), 1)]


@pytest.mark.parametrize(
    ("text", "layout", "rewritten"),
    [
        pytest.param("项目名称 测试\n产出指标 数量指标 户数 200户", "seed", ["项目名称 测试", "产出指标 数量指标 户数 200户"],
                     id="seed-unchanged"),
        pytest.param("|项目名称|测试|\n|产出指标|数量指标|户数|200户|", "pipe", ["项目名称 测试", "产出指标 数量指标 户数 200户"],
                     id="pipe-rows"),
        pytest.param("标题\n|一级指标|二级指标|三级指标|指标值|\n||||\n|||人数|≥30人|", "pipe",
                     ["标题", "一级指标 二级指标 三级指标 指标值", "", "人数 ≥30人"], id="filler-row-blank"),
        pytest.param("|产出指标|数量指标|课程|全年开设60门以上职工|\n||||喜闻乐见的课程|", "pipe",
                     ["产出指标 数量指标 课程 全年开设60门以上职工喜闻乐见的课程", ""], id="value-continuation-joined"),
        pytest.param("|项目名称|测试|\n||||续|", "pipe", ["项目名称 测试", "续"], id="no-indicator-row-above"),
        pytest.param("项目名称学校\n一级指标二级指标三级指标指标值\n产出指标数量指标新建校舍面积≥3000平方米\n人数约30人", "run_together",
                     ["项目名称 学校", "一级指标二级指标三级指标指标值", "产出指标 数量指标 新建校舍面积 ≥3000平方米", "人数 约30人"],
                     id="run-together-split"),
        pytest.param("一级指标二级指标三级指标指标值\n产出指标数量指标课时10课时\n效益指标社会效益环境有所改善\n可持续影响办学条件改善",
                     "run_together",
                     ["一级指标二级指标三级指标指标值", "产出指标 数量指标 课时 10课时", "效益指标 社会效益 环境 有所改善",
                      "可持续影响 办学条件改善"],
                     id="run-together-word-values"),
        pytest.param("a|b 不是表格\n项目名称 测试", "seed", ["a|b 不是表格", "项目名称 测试"], id="stray-pipe-is-seed"),
        pytest.param("项目名称 3D打印设备购置\n产出指标 数量指标 PM2.5监测点 B1级 2个", "seed",
                     ["项目名称 3D打印设备购置", "产出指标 数量指标 PM2.5监测点 B1级 2个"], id="latin-and-digits-are-not-ocr"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n产出指标\n\n数量指\n\n标\n\n维修供水工程\n数量\n\n12处",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "产出指标", "", "数量指标", "", "", "",
                      "维修供水工程数量 12处", "", "", ""],
                     id="one-cell-label-over-blank-and-wrapped-name"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n满意度指标\n\n服务对象满意度\n\n受益群众满意度\n\n≥90%\n\n"
                     "2022年项目支出绩效目标表\n\n单位：万元\n\n项目名称\n\n下一项目",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "满意度指标", "", "服务对象满意度", "",
                      "受益群众满意度 ≥90%", "", "", "", "2022年项目支出绩效目标表", "", "单位：万元", "", "项目名称", "",
                      "下一项目"],
                     id="one-cell-next-title-not-paired"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n产出指标\n\n完成时间\n\n项目名称\n\n下一项目",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "产出指标", "", "完成时间", "", "项目名称",
                      "", "下一项目"],
                     id="one-cell-name-without-value-kept-alone"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n产出指标\n\n养护里程\n\n养护质量\n\n≥95%\n\n质量指标\n\n合格率"
                     "\n\n时效指标\n\n完成时间\n\n2022年底前",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "产出指标", "", "养护里程", "",
                      "养护质量 ≥95%", "", "", "", "质量指标", "", "合格率", "", "时效指标", "", "完成时间 2022年底前", "",
                      ""],
                     id="one-cell-blank-value-cells-do-not-shift-the-pairs"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n成本指标\n\n监测费用\n\n≤0.8\n9万元/年",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "成本指标", "", "监测费用 ≤0.89万元/年", "",
                      "", ""],
                     id="one-cell-number-wrapped-joins-without-space"),
        pytest.param("一级指标\n\n二级指标\n\n三级指标\n\n中长期指标值\n\n年度指标值\n\n产出指标\n\n数量指标\n\n床位\n\n500张",
                     "one_cell",
                     ["一级指标", "", "二级指标", "", "三级指标", "", "中长期指标值", "", "年度指标值", "", "产出指标", "",
                      "数量指标", "", "床位 500张", "", ""],
                     id="one-cell-every-header-word-of-columns-csv"),
        pytest.param("一级指标\n二级指标\n三级指标\n指标值\n产出指标 数量指标 户数 200户", "seed",
                     ["一级指标", "二级指标", "三级指标", "指标值", "产出指标 数量指标 户数 200户"],
                     id="header-words-on-lines-without-blanks-is-seed"),
    ],
)
def test_detect_and_rewrite(text, layout, rewritten):
    got, lines = detect_layout(lines_of(text))
    assert got.name == layout
    assert [ln.text for ln in lines] == rewritten
    assert [ln.lineno for ln in lines] == list(range(1, len(rewritten) + 1))


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        pytest.param("|产出指标|数量指标|课程|全年开设|\n||||60门|", ["medium"], id="pipe-continuation-medium"),
        pytest.param("|产出指标|数量指标|课程|60门|", [None], id="pipe-row-sure"),
        pytest.param("一级指标二级指标三级指标指标值\n产出指标数量指标课时10课时", [None, "medium"], id="run-together-split-medium"),
        pytest.param("一级指标二级指标三级指标指标值\n效益指标社会效益生活有所改善\n可持续影响条件改善", [None, "low", None],
                     id="run-together-word-split-low"),
        pytest.param("项日名称测试\n一级指标二级指标三级指标指标值\n产出指标数量指标课时1O课时", ["low", "low", "low"],
                     id="ocr-all-low"),
    ],
)
def test_rewrites_mark_guessed_rows(text, confidence):
    _, lines = detect_layout(lines_of(text))
    assert [ln.confidence for ln in lines if ln.text] == confidence


@pytest.mark.parametrize(
    ("text", "fixed", "fixes"),
    [
        pytest.param("项日名称农村环境整治", "项目名称农村环境整治", ["项日名称 → 项目名称"], id="label-one-char-off"),
        pytest.param("质量指际合格率≥9O%", "质量指标合格率≥90%", ["质量指际 → 质量指标", "9O → 90"], id="label-and-digit"),
        pytest.param("项目总额5O其中:年度资金总额5O", "项目总额50其中:年度资金总额50", ["5O → 50", "5O → 50"], id="letter-o"),
        pytest.param("2024年l2月底前", "2024年12月底前", ["l2 → 12"], id="letter-l"),
        pytest.param("数量指标质量指标", "数量指标质量指标", [], id="exact-labels-untouched"),
        pytest.param("數量指标", "數量指标", [], id="one-off-from-two-labels-left"),
        pytest.param("Wi-Fi 6 覆盖 USB3O", "Wi-Fi 6 覆盖 USB3O", [], id="latin-words-untouched"),
        pytest.param("3D打印设备2台 B1级", "3D打印设备2台 B1级", [], id="3d-and-b1-are-not-misreadings"),
        pytest.param("", "", [], id="empty"),
    ],
)
def test_fix_ocr(text, fixed, fixes):
    assert fix_ocr(text) == (fixed, fixes)


def test_joined_line_covers_both_line_numbers():
    _, lines = detect_layout(lines_of("|产出指标|数量指标|课程|全年开设|\n||||60门|"))
    assert (lines[0].lineno, lines[0].last_lineno) == (1, 2)


def test_every_layout_names_a_known_rewrite_and_the_last_matches_all():
    layouts = load_layouts()
    assert all(layout.rewrite in REWRITES for layout in layouts)
    assert layouts[-1].detect is None


def test_detection_is_logged(caplog):
    with caplog.at_level("INFO", logger="budgetkit.layouts"):
        detect_layout(lines_of("|项目名称|测试|"))
    assert "layout pipe" in caplog.text
