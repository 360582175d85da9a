"""Normalisation: NFKC, radicals to ideographs, (cid:NNN) artefacts kept and found."""

from __future__ import annotations

import unicodedata

import pytest

from budgetkit.model.normalize import RADICAL_BLOCKS, RADICAL_FIXES, find_cid_artefacts, normalize_text

KANGXI = range(0x2F00, 0x2FD6)
SUPPLEMENT = [cp for cp in range(0x2E80, 0x2F00) if unicodedata.category(chr(cp)) != "Cn"]

#: Where an ideograph may live: CJK Unified Ideographs, Extension A, Extensions B–F (and later
#: planes), and the Compatibility Ideographs blocks.
IDEOGRAPH_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2FA1F),  # Extensions B–F, Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # Extensions G–H
)


def is_ideograph(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in IDEOGRAPH_RANGES) and unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
    )


def in_radical_blocks(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in RADICAL_BLOCKS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("⼯会", "工会", id="kangxi-work"),
        pytest.param("200⼾", "200户", id="kangxi-door-not-traditional"),
        pytest.param("职⼯困难帮扶 2225⼾", "职工困难帮扶 2225户", id="kangxi-in-row"),
        pytest.param("≥９０％", "≥90%", id="fullwidth-digits-percent"),
        pytest.param("（区）", "(区)", id="fullwidth-parens"),
        pytest.param("转移市县（区）资金", "转移市县(区)资金", id="parens-in-label"),
        pytest.param("其中：\u3000其他资金", "其中: 其他资金", id="ideographic-space"),
        pytest.param("\u3000\u3000根据", "  根据", id="leading-ideographic-spaces"),
        pytest.param("ABC职⼯abc 123 ⼈均6000元", "ABC职工abc 123 人均6000元", id="mixed-ascii-cjk"),
        pytest.param("ＰＤＦ文件ｖ２", "PDF文件v2", id="fullwidth-latin"),
        pytest.param("⻔诊", "门诊", id="supplement-gate"),
        pytest.param("⻓期 ⻢⻋ ⻅⾯ ⻉", "长期 马车 见面 贝", id="supplement-c-simplified"),
        pytest.param("⺅⺡⺘⻌", "亻氵扌辶", id="supplement-components"),
        pytest.param("⻘年 ⾭年", "青年 青年", id="blue-both-blocks"),
        pytest.param("⿈河 ⻩河", "黄河 黄河", id="yellow-both-blocks"),
        pytest.param("⾨诊", "門诊", id="kangxi-gate-stays-traditional"),
        pytest.param("⺟亲 ⻳", "母亲 龟", id="supplement-with-nfkc-mapping"),
        pytest.param("⺮", "\U00025ad7", id="supplement-extension-b"),
        pytest.param("平均３２５０元／⼾", "平均3250元/户", id="unit-cost"),
        pytest.param("项目(cid:123)名称", "项目(cid:123)名称", id="cid-kept"),
        pytest.param("", "", id="empty"),
        pytest.param("工会 户 门诊 青", "工会 户 门诊 青", id="already-clean"),
    ],
)
def test_normalize_text(raw, expected):
    out = normalize_text(raw)
    assert out == expected
    assert normalize_text(out) == out  # idempotent
    assert not any(in_radical_blocks(c) for c in out)


@pytest.mark.parametrize("cp", [*KANGXI, *SUPPLEMENT], ids=lambda cp: f"U+{cp:04X}")
def test_no_radical_survives(cp):
    out = normalize_text(chr(cp))
    assert len(out) == 1, f"U+{cp:04X} {unicodedata.name(chr(cp))} -> {out!r}"
    assert not in_radical_blocks(out)
    assert is_ideograph(out), f"U+{cp:04X} {unicodedata.name(chr(cp))} -> U+{ord(out):04X}"


def test_block_sizes():
    assert len(KANGXI) == 214
    assert len(SUPPLEMENT) == 115


def test_fixes_cover_the_supplement_and_three_kangxi_radicals():
    assert all(in_radical_blocks(k) for k in RADICAL_FIXES)
    assert {ord(k) for k in RADICAL_FIXES if ord(k) < 0x2F00} == set(SUPPLEMENT)
    kangxi = {k: v for k, v in RADICAL_FIXES.items() if ord(k) >= 0x2F00}
    assert kangxi == {"\u2f3e": "户", "\u2fad": "青", "\u2fc8": "黄"}
    for k, v in kangxi.items():  # each is needed: NFKC alone gives another code point
        assert unicodedata.normalize("NFKC", k) != v


def test_kangxi_follows_nfkc_elsewhere():
    for cp in KANGXI:
        if chr(cp) not in RADICAL_FIXES:
            assert normalize_text(chr(cp)) == unicodedata.normalize("NFKC", chr(cp))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("(cid:1)", ["(cid:1)"], id="one"),
        pytest.param("项目(cid:12)称 (cid:7)(cid:7)", ["(cid:12)", "(cid:7)", "(cid:7)"], id="repeats"),
        pytest.param("(cid:)", [], id="no-number"),
        pytest.param("(cid 12) cid:12", [], id="not-artefacts"),
        pytest.param("职工 (CID:12)", [], id="upper-case-is-text"),
        pytest.param("", [], id="empty"),
    ],
)
def test_find_cid_artefacts(text, found):
    assert find_cid_artefacts(text) == found
    assert find_cid_artefacts(normalize_text(text)) == found


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("项目名称\n\u0301职工\n", id="combining-mark-starts-a-line"),
        pytest.param("⼀级指标\r\n⼆级指标\u2028三级\u2029指标值", id="kangxi-radicals-and-unicode-line-ends"),
        pytest.param("ｐｉｐｅ｜１００％\x85≥９０％\x0b\x0c㎡", id="full-width-and-c0-c1-line-ends"),
        pytest.param("e\n\u0308x  \n", id="diaeresis-after-a-line-end"),
    ],
)
def test_a_text_normalised_whole_has_the_lines_of_each_line_normalised(text):
    # read_text normalises a file's text whole, then splits it: NFKC composes nothing across a line end
    assert [normalize_text(line) for line in text.splitlines()] == normalize_text(text).splitlines()


def test_no_character_normalises_to_or_from_a_line_end():
    import unicodedata

    changed = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF
               and len(unicodedata.normalize("NFKC", chr(cp)).splitlines()) != len(chr(cp).splitlines())]
    assert changed == []
