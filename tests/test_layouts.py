"""Layout detection and the rewrites to the seed's shape (issue 6 groundwork)."""

from __future__ import annotations

import pytest

from budgetkit.layouts import REWRITES, detect_layout, load_layouts
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
        pytest.param("一级指标二级指标三级指标指标值\n产出指标数量指标课时10课时\n效益指标社会效益环境有所改善", "run_together",
                     ["一级指标二级指标三级指标指标值", "产出指标 数量指标 课时 10课时", "效益指标 社会效益 环境有所改善"],
                     id="run-together-words-stay-whole"),
        pytest.param("a|b 不是表格\n项目名称 测试", "seed", ["a|b 不是表格", "项目名称 测试"], id="stray-pipe-is-seed"),
    ],
)
def test_detect_and_rewrite(text, layout, rewritten):
    got, lines = detect_layout(lines_of(text))
    assert got.name == layout
    assert [ln.text for ln in lines] == rewritten
    assert [ln.lineno for ln in lines] == list(range(1, len(rewritten) + 1))


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
