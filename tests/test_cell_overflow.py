"""Family: labels printed over their cell's right rule (glyphs overflowing a cell), read back whole.

The generator lays out the indicator rows of the hand keys of self-evaluation tables (自评表: corpus A17,
B15; incoming A16, A18, B14, B16; the 宁德 and 国家信访局 volumes) as glyph boxes in a ruled row
``一级指标 | 二级指标 | 三级指标 | 指标值``, with each label's cell one or two glyphs too narrow (the 宁德 shape:
``一般性支出情|况``), and requires :func:`budgetkit.read.cell_overflow.cell_texts` to give every key string back.
Literal adversarial rows check that a right cell's own text that merely starts near the rule stays put.
"""

import json
from pathlib import Path

import pytest
from pdfplumber.table import Table

from budgetkit.read.cell_overflow import cell_texts
from render import SELF_EVALUATIONS, SHARED

GLYPH = 7.2  # pt, one CJK glyph (宁德: 7.2 pt text)
PAD = 1.6  # pt, the gap before a cell's own text



def _shared() -> Path | None:
    return SHARED if SHARED.is_dir() else None  # tests/render.py: $BUDGETKIT_SHARED, else ../shared


class _Page:
    """The two things ``pdfplumber.table.Table`` asks of a page: its glyphs and its number."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars
        self.page_number = 1


def _glyphs(text: str, x: float, top: float) -> list[dict]:
    return [{"text": ch, "x0": x + i * GLYPH, "x1": x + (i + 1) * GLYPH, "top": top, "bottom": top + GLYPH,
             "upright": True, "size": GLYPH, "fontname": "F", "adv": GLYPH, "height": GLYPH, "width": GLYPH,
             "matrix": (1, 0, 0, 1, x + i * GLYPH, 0), "doctop": top, "y0": 0, "y1": GLYPH,
             "object_type": "char"} for i, ch in enumerate(text)]


def overflowing_row(cells: list[str], spill: list[int]) -> Table:
    """One ruled row whose cell ``k`` is ``spill[k]`` glyphs (and a half) too narrow for its text."""
    chars, boxes, x = [], [], 10.0
    for text, over in zip(cells, spill, strict=True):
        chars += _glyphs(text, x + PAD, 4.0)
        width = PAD + (len(text) - over) * GLYPH + (GLYPH / 2 if over else PAD)
        boxes.append((x, 0.0, x + width, 16.0))
        x += width
    return Table(_Page(chars), boxes)


def _key_rows() -> list:
    root = _shared()
    if root is None:
        return [pytest.param(None, id="shared-absent")]
    params = []
    for rel in SELF_EVALUATIONS:
        path = root / rel
        if not path.exists():
            continue
        key = json.loads(path.read_text(encoding="utf-8"))
        rows = [i for p in key["projects"] for i in p.get("indicators", [])]
        for n, row in enumerate(rows):
            labels = [row.get("level1") or "", row.get("level2") or "", row["name"], row["value"]]
            if all(len(t) >= 2 for t in labels[:3]):
                params.append(pytest.param(labels, id=f"overflow-{path.name[:24]}-{n}"))
    return params


@pytest.mark.parametrize("labels", _key_rows())
@pytest.mark.parametrize("spill", [pytest.param([1, 1, 0, 0], id="levels-one-glyph"),
                                   pytest.param([1, 0, 1, 0], id="level1-and-name"),
                                   pytest.param([0, 0, 0, 0], id="nothing-overflows")])
def test_key_labels_overflowing_their_cells_read_whole(labels, spill):
    if labels is None:
        pytest.skip("../shared is absent: no self-evaluation keys to render")
    texts = cell_texts(overflowing_row(labels, spill))
    assert texts == [labels]


@pytest.mark.parametrize(
    ("cells", "spill", "want"),
    [
        pytest.param(["一般性支出情况", "一般性支出情况", "“三公”经费控制率", "≤100%"], [1, 1, 0, 0],
                     ["一般性支出情况", "一般性支出情况", "“三公”经费控制率", "≤100%"], id="ningde-wrapped-label"),
        pytest.param(["满意度指标", "服务对象满意度", "12345平台座席满意率", "≥95%"], [0, 1, 0, 0],
                     ["满意度指标", "服务对象满意度", "12345平台座席满意率", "≥95%"], id="digits-after-spilled-度"),
        pytest.param(["产出指标", "数量指标", "培训人数", "≥100人"], [0, 0, 0, 0],
                     ["产出指标", "数量指标", "培训人数", "≥100人"], id="adversarial-fitting-cells-untouched"),
    ],
)
def test_overflow_literal_rows(cells, spill, want):
    assert cell_texts(overflowing_row(cells, spill)) == [want]


def test_adversarial_own_text_starting_on_the_rule_stays():
    """A right cell's glyph that straddles the rule but does not touch the left cell's text is its own."""
    chars = _glyphs("产出", 11.6, 4.0) + _glyphs("数量", 10.0 + 2 * GLYPH + 8.0 - GLYPH / 2, 4.0)
    boxes = [(10.0, 0.0, 10.0 + 2 * GLYPH + 8.0, 16.0), (10.0 + 2 * GLYPH + 8.0, 0.0, 80.0, 16.0)]
    assert cell_texts(Table(_Page(chars), boxes)) == [["产出", "数量"]]
