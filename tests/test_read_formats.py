"""The grid readers cell by cell: spans, addresses, encodings, numbers as printed, the token stream over spans."""

from __future__ import annotations

import datetime as dt

import pytest

from budgetkit.model.cells import Cell, Row
from budgetkit.read.html import decode_html, read_html
from budgetkit.read.xlsx import format_number, read_xlsx
from budgetkit.segment.tokens import stream


def cells(doc):
    return [[(c.text, c.col, c.spanned) for c in r.cells] for r in doc.rows if r.grid is not None]


# --- numbers as printed -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "printed"),
    [
        pytest.param(4100000, "#,##0.00", "4,100,000.00", id="thousands"),
        pytest.param(886.8000000000001, "General", "886.8", id="general-float-noise"),
        pytest.param(886.8, None, "886.8", id="no-format"),
        pytest.param(15, "General", "15", id="general-int"),
        pytest.param(0.95, "0%", "95%", id="percent"),
        pytest.param(0.955, "0.0%", "95.5%", id="percent-decimal"),
        pytest.param(2.5, "0", "3", id="round-half-up"),
        pytest.param(-3.5, "0.00;[Red](0.00)", "(3.50)", id="negative-section"),
        pytest.param(-3.5, "0.00", "-3.50", id="negative-sign"),
        pytest.param(0, "0.00;-0.00;\"-\"", "-", id="zero-section"),
        pytest.param(12, '0"万元"', "12万元", id="literal-unit"),
        pytest.param(3250, "\\¥#,##0", "¥3,250", id="escaped-currency"),
        pytest.param(1234.5, "[$¥-804]#,##0.00", "¥1,234.50", id="locale-currency"),
        pytest.param(0.5, "#.00", ".50", id="no-integer-digit"),
        pytest.param(dt.date(2023, 1, 1), "yyyy-mm-dd", "2023-01-01", id="date"),
        pytest.param(dt.date(2023, 12, 31), 'yyyy"年"m"月"d"日"', "2023年12月31日", id="date-chinese"),
        pytest.param(dt.datetime(2023, 1, 31, 9, 5), "yyyy/m/d h:mm", "2023/1/31 9:05", id="datetime-minutes"),
        pytest.param(dt.datetime(2023, 1, 31), "General", "2023-01-31", id="date-general"),
        pytest.param("≥90%", "@", "≥90%", id="text"),
        pytest.param("=100%", "General", "=100%", id="text-starting-equals"),
        pytest.param(True, "General", "TRUE", id="boolean"),
        pytest.param(None, "0.00", "", id="empty"),
        pytest.param(1.5e12, "General", "1.5E+12", id="huge"),
        pytest.param(771325800, "General", "771325800", id="nine-digits"),
    ],
)
def test_numbers_read_as_printed(value, fmt, printed):
    assert format_number(value, fmt) == printed


# --- HTML ------------------------------------------------------------------------------------------------------

PAGE = """<html><head><meta charset="{charset}"><style>td {{}}</style><script>var a = "<td>x</td>";</script></head>
<body><div class="crumb">当前位置：首页 &gt; 公开</div><!-- a comment -->
<table width="100%"><tr><td>
  <table border="1"><caption>项目支出绩效目标表</caption>
    <thead><tr><th>项目名称</th><th colspan="3">测试&nbsp;项目</th></tr></thead>
    <tbody><tr><td rowspan="3">产出
    指标</td><td>数量指标</td><td>户数</td><td>200户</td></tr>
    <tr><td rowspan="9">质量指标</td><td>合格率<br>(年度)</td><td>≥90％</td></tr>
    <tr><td>达标率</td><td><p>100%</p></td></tr></tbody>
  </table>
</td></tr><tr><td style="display:block">【打印本页】</td></tr></table>
<p hidden>隐藏</p><p>主办单位：某局</p></body></html>"""


@pytest.mark.parametrize(
    ("charset", "encoding", "read_as"),
    [
        pytest.param("utf-8", "utf-8", "utf-8", id="utf-8"),
        pytest.param("gbk", "gbk", "gb18030", id="gbk"),
        pytest.param("gb2312", "gb2312", "gb18030", id="gb2312"),
        pytest.param("GB18030", "gb18030", "gb18030", id="gb18030-upper"),
        pytest.param("utf-8", "gbk", "gb18030", id="declared-wrong"),
        pytest.param("x-unknown", "gb18030", "gb18030", id="unknown-charset"),
    ],
)
def test_pages_decode_by_their_charset_then_gb18030(charset, encoding, read_as):
    data = PAGE.format(charset=charset).encode(encoding)
    text, used = decode_html(data)
    assert used == read_as and "项目名称" in text


def test_page_without_charset_in_gb18030():
    data = PAGE.replace('<meta charset="{charset}">', "").encode("gb18030")
    assert decode_html(data)[1] == "gb18030"
    assert decode_html(b"\xef\xbb\xbf" + "<p>指标</p>".encode())[1] == "utf-8-sig"


def test_html_tables_spans_nesting_and_text_outside(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.format(charset="gbk").encode("gbk"))
    doc = read_html(path)
    assert cells(doc) == [
        [("项目名称", 0, False), ("测试 项目", 1, False), ("测试 项目", 2, True), ("测试 项目", 3, True)],
        [("产出指标", 0, False), ("数量指标", 1, False), ("户数", 2, False), ("200户", 3, False)],
        [("产出指标", 0, True), ("质量指标", 1, False), ("合格率(年度)", 2, False), ("≥90%", 3, False)],
        [("产出指标", 0, True), ("质量指标", 1, True), ("达标率", 2, False), ("100%", 3, False)],
        [("【打印本页】", 0, False)],  # a row of the layout table that holds no table
    ]
    texts = [r.cells[0].text for r in doc.rows if r.grid is None and r.cells]
    assert texts == ["当前位置:首页 > 公开", "项目支出绩效目标表", "主办单位:某局"]
    grid = [r for r in doc.rows if r.grid is not None]
    assert grid[2].cells[1].address == "t2r3c2" and grid[2].cells[1].rowspan == 2  # clipped at the last row
    assert doc.units == 2 and doc.kind == "html"


def test_text_between_rows_of_a_layout_table_keeps_its_order(tmp_path):
    page = ("<table><tr><td>甲</td><td>乙</td></tr><tr><td><table><tr><td>内</td></tr></table></td></tr>"
            "<tr><td>丙</td><td>丁</td></tr></table>")
    path = tmp_path / "p.htm"
    path.write_text(page, encoding="utf-8")
    doc = read_html(path)
    assert [[c.text for c in r.cells] for r in doc.rows if r.cells] == [["甲", "乙"], ["内"], ["丙", "丁"]]
    assert [c.address for r in doc.rows for c in r.cells] == ["t1r1c1", "t1r1c2", "t2r1c1", "t1r3c1", "t1r3c2"]


def test_an_empty_page_is_an_error(tmp_path):
    from budgetkit.errors import InputError

    path = tmp_path / "empty.html"
    path.write_bytes(b"   ")
    with pytest.raises(InputError, match="empty file"):
        read_html(path)


# --- XLSX / DOCX -------------------------------------------------------------------------------------------------


def test_xlsx_every_sheet_merged_ranges_and_addresses(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "封面"
    ws["B2"] = "2025年项目支出绩效目标表"
    second = wb.create_sheet("项目1")
    second.append([None, "一级指标", "三级指标", "指标值"])
    second.append([None, "产出指标", "户数", 0.9])
    second["D2"].number_format = "0%"
    second.append([None, None, "人数", "100人"])
    second.merge_cells("B2:B3")
    second.column_dimensions["H"].width = 30  # formatting beyond the used range is not read
    path = tmp_path / "t.xlsx"
    wb.save(path)
    doc = read_xlsx(path)
    assert cells(doc) == [
        [("2025年项目支出绩效目标表", 0, False)],
        [("一级指标", 0, False), ("三级指标", 1, False), ("指标值", 2, False)],
        [("产出指标", 0, False), ("户数", 1, False), ("90%", 2, False)],
        [("产出指标", 0, True), ("人数", 1, False), ("100人", 2, False)],
    ]
    assert [c.address for r in doc.rows for c in r.cells][:3] == ["封面!B2", "项目1!B1", "项目1!C1"]
    assert (doc.units, doc.unit_name) == (2, "sheets")


def test_docx_vertical_and_horizontal_merges(tmp_path):
    import docx

    from budgetkit.read.docx import read_docx

    d = docx.Document()
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate([["一级指标", "三级指标", "指标值"], ["产出指标", "户数", "200户"],
                             ["", "人数", "100人"], ["说明", "", ""]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(3, 0).merge(t.cell(3, 2))
    _ = d.add_paragraph("填表人：张三")
    path = tmp_path / "t.docx"
    d.save(path)
    doc = read_docx(path)
    assert cells(doc)[1:] == [
        [("产出指标", 0, False), ("户数", 1, False), ("200户", 2, False)],
        [("产出指标", 0, True), ("人数", 1, False), ("100人", 2, False)],
        [("说明", 0, False), ("说明", 1, True), ("说明", 2, True)],
    ]
    assert doc.rows[-1].cells[0].text == "填表人:张三" and doc.rows[-1].grid is None


# --- the stream over spans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "tokens"),
    [
        pytest.param([Row([Cell("项目金额", 1, col=0), Cell("164万元", 1, col=1, colspan=5)]
                          + [Cell("164万元", 1, col=k, spanned=True) for k in range(2, 6)], hard=True, grid=0)],
                     ["项目金额", "164万元"], id="value-across-five-columns"),
        pytest.param([Row([Cell("产出指标", 1, col=0, rowspan=2), Cell("户数", 1, col=1)], hard=True, grid=0),
                      Row([Cell("产出指标", 2, col=0, spanned=True), Cell("人数", 2, col=1)], hard=True, grid=0)],
                     ["产出指标", "户数", "人数"], id="level-label-down-its-block"),
        pytest.param([Row([Cell("甲", 1, col=0, rowspan=2, colspan=2), Cell("甲", 1, col=1, spanned=True)],
                          hard=True, grid=0),
                      Row([Cell("甲", 2, col=0, spanned=True), Cell("甲", 2, col=1, spanned=True)], hard=True, grid=0),
                      Row([Cell("乙", 3, col=0)], hard=True, grid=0)],
                     ["甲", "乙"], id="block-of-copies-only"),
    ],
)
def test_a_merged_cell_is_one_token(rows, tokens):
    toks = stream(rows)
    assert [t.text for t in toks] == tokens
    assert all(not t.cell.spanned for t in toks)
