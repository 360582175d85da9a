"""Table-driven tests of the token stream's repairs of line-by-line PDF text (``tokens.join_vertical_halves``)."""

from __future__ import annotations

import pytest

from budgetkit.model.cells import Cell
from budgetkit.segment.tokens import LINE, Tok, join_vertical_halves


def _lines(*lines: str) -> list[Tok]:
    return [Tok(t, (Cell(t, i),), LINE, whole_line=True) for i, t in enumerate(lines, 1)]


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        pytest.param(["可持续影", "长效管理制度健全性 健全", "响指标"], ["可持续影响指标", "长效管理制度健全性 健全"],
                     id="a-label-in-halves-around-its-row"),
        pytest.param(["服务对象", "满意度指", "满意度指 居民群众满意度 ≥90.00(%)", "标", "标"],
                     ["满意度指标", "服务对象满意度指标", "居民群众满意度 ≥90.00(%)"],
                     id="two-labels-stacked-around-one-row-interleaved"),
        pytest.param(["經濟成本", "成本指標(0-20)分 項目建設成本 ≤65萬元", "指標"],
                     ["成本指標(0-20)分", "經濟成本指標", "項目建設成本 ≤65萬元"],
                     id="level-2-halves-go-after-the-rows-own-level-1-traditional-script"),
        pytest.param(["社會(huì)效益", "效益指標(biāo) 保證單位正常運(yùn)轉(zhuǎn) 應(yīng)保盡保", "指標(biāo)"],
                     ["效益指標(biāo)", "社會(huì)效益指標(biāo)", "保證單位正常運(yùn)轉(zhuǎn) 應(yīng)保盡保"],
                     id="halves-with-inserted-pinyin"),
        pytest.param(["数量指标", "受助人数 200人", "质量指标"], ["数量指标", "受助人数 200人", "质量指标"],
                     id="two-whole-labels-are-not-halves"),
        pytest.param(["项目概况", "主要用于 修缮", "标准"], ["项目概况", "主要用于 修缮", "标准"],
                     id="fragments-that-join-to-no-level-label-stay"),
        pytest.param(["满意", "度指", "居民满意度 ≥90%", "标", "指标"], ["满意", "度指", "居民满意度 ≥90%", "标", "指标"],
                     id="fragments-not-centred-on-the-row-stay"),
    ],
)
def test_labels_printed_around_their_row_are_rejoined(lines, want):
    assert [t.text for t in join_vertical_halves(_lines(*lines))] == want
