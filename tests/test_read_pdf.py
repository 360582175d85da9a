"""The PDF reader: PDFs drawn by tests/pdfmaker.py from seed projects, read back into seed-shaped lines."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest

from budgetkit.errors import InputError
from budgetkit.model.lines import SourceLine
from budgetkit.model.normalize import normalize_text
from budgetkit.parse import parse_file
from budgetkit.read.grid import Placed
from budgetkit.read.pdf import PdfText, read_pdf_lines
from budgetkit.read.pdf_tables import PdfTable as _Table
from budgetkit.read.pdf_tables import combine_parts as _combine
from pdfmaker import (
    SEED_PROJECTS,
    Indicator,
    Project,
    make_blank_pdf,
    make_cid_pdf,
    make_encrypted_pdf,
    make_pdf,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "2025" / "nx-federation-of-trade-unions-2025-project-performance-targets.txt"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make_pdf(tmp_path_factory.mktemp("pdf") / "seed.pdf")


@pytest.fixture(scope="module")
def read(made) -> PdfText:
    return read_pdf_lines(made.path)


def texts(pdf: PdfText) -> list[str]:
    return [line.text for line in pdf.lines if line.text]


def line_of(pdf: PdfText, text: str) -> SourceLine:
    return next(line for line in pdf.lines if line.text == text)


# --- the shape of the lines -------------------------------------------------------------------------------------


def test_lines_are_what_the_maker_drew(made, read):
    assert read.pages == made.pages == 5
    assert [(ln.text, ln.page) for ln in read.lines if ln.text] == [(e.text, e.page) for e in made.lines]
    assert read.unreadable == []


def test_rows_look_like_seed_lines(read):
    got = texts(read)
    for line in [
        "项目名称 职工困难帮扶资金项目",
        "主管部门 自治区总工会 实施单位 宁夏回族自治区总工会",
        "项目属性 02-经常性项目 项目期 99年",
        "一级指标 二级指标 三级指标 指标值",
        "产出指标 数量指标 职工困难医疗救助 200户",  # merged level-1/level-2 cells in their first row
        "职工困难保障性住房 179户",  # ... and left out of the rows they also cover
        "职工困难医疗救助 平均3500元/户",
        "满意度指标 服务对象满意度 受帮扶救助困难职工满意度 ≥90%",  # 满意度指/标 wrapped in its cell
        "社会效益 对劳模群体的影响力 提高劳模荣誉感和获得感",
    ]:
        assert line in got
    assert "其中:本级资金 资金总额 886.8 其中:转移市县(区)资金 资金总额" in got  # labels wrapped in narrow cells
    assert "其中:财政拨款 886.8 其中:中央资金" in got


def test_wrapped_cells_are_joined_without_spaces(read):
    goal = next(t for t in texts(read) if t.startswith("年度总体绩效目标 职工困难帮扶"))
    assert goal.count(" ") == 1  # label and text; the text wrapped over four lines in the PDF
    assert goal.endswith("促进企业和社会的和谐稳定发展。")
    long_value = "提高服务职工群众的能力 通过问卷调查、座谈会等方式了解职工意见建议,每年不少于2次"
    assert long_value in texts(read)


def test_text_outside_tables_in_reading_order(read):
    got = texts(read)
    assert got[:2] == ["宁夏回族自治区总工会2025年自治区", "本级部门项目支出预算绩效目标"]
    head = got.index("项目名称 职工困难帮扶资金项目")
    assert got[head - 3 : head] == ["2025年自治区本级部门项目支出预算绩效目标表", "(2025年度)", "单位:万元"]
    assert got.count("单位:万元") == len(SEED_PROJECTS)


def test_pages_and_line_numbers(read):
    assert [ln.lineno for ln in read.lines] == list(range(1, len(read.lines) + 1))
    assert line_of(read, "2025年2月21日").page == 1
    assert line_of(read, "项目名称 职工困难帮扶资金项目").page == 2
    assert line_of(read, "项目名称 党委政府慰问经费").page == 3
    assert line_of(read, "项目名称 宁夏工人文化宫公益文体服务活动补助").page == 4
    assert line_of(read, "满意度指标 服务对象满意度 参与学员满意度 ≥90%").page == 5


def test_row_split_by_page_break_is_stitched(made, read):
    assert made.splits, "the maker must split a row over a page break"
    (split_text, page), *_ = made.splits
    assert split_text == (
        "可持续影响 提升公共文化服务水平 在基层社区开设不少于20门公益课程,让职工群众在家门口享受丰富的文化服务"
    )
    line = line_of(read, split_text)
    assert line.page == page == 4
    after = read.lines[line.lineno]  # the next line: the table goes on, no blank line at the break
    assert (after.text, after.page) == ("满足职工群众对工会工作的新期待、新要求 全年开设60门以上职工群众喜闻乐见的公益课程", 5)
    with pdfplumber.open(made.path) as pdf:  # the raw PDF has the row in two parts
        page4, page5 = pdf.pages[3].extract_text(), pdf.pages[4].extract_text()
    assert "在基层社区开设" in page4 and "在基层社区开设" not in page5
    assert "享受丰富的文化服务" in page5 and "享受丰富的文化服务" not in page4


def test_blank_lines_mark_paragraphs(read):
    lines = [ln.text for ln in read.lines]
    notice = lines[: lines.index("2025年自治区本级部门项目支出预算绩效目标表")]
    paragraphs = "\n".join(notice).strip().split("\n\n")
    assert [p.split("\n")[0][:4] for p in paragraphs] == ["宁夏回族", "根据《中", "附件:2", "宁夏回族"]
    assert paragraphs[-1].split("\n") == ["宁夏回族自治区总工会", "2025年2月21日"]
    start = lines.index("一级指标 二级指标 三级指标 指标值")
    assert "" not in lines[start : lines.index("满意度指标 服务对象满意度 受帮扶救助困难职工满意度 ≥90%")]


# --- radicals, unreadable glyphs ---------------------------------------------------------------------------------


def test_kangxi_radicals_are_normalised(tmp_path, read):
    made = make_pdf(tmp_path / "radicals.pdf", radicals=True)
    with pdfplumber.open(made.path) as pdf:
        raw = pdf.pages[1].extract_text()
    assert "职\u2f2f困难" in raw and "200\u2f3e" in raw and "部\u2ed4" in raw  # ⼯ ⼾ ⻔ really in the PDF
    radical = read_pdf_lines(made.path)
    assert [(ln.text, ln.page) for ln in radical.lines] == [(ln.text, ln.page) for ln in read.lines]


def test_cid_artefacts_are_reported(tmp_path, caplog):
    path = make_cid_pdf(tmp_path / "cid.pdf")
    with caplog.at_level(logging.WARNING, logger="budgetkit.read.pdf"):
        pdf = read_pdf_lines(path)
    assert texts(pdf)[0] == "Budget 2025"
    (page, lineno, text), *rest = pdf.unreadable
    assert rest == [] and page == 1 and text.startswith("(cid:")
    assert pdf.lines[lineno - 1].text == text  # the line is passed on, and reported
    assert "cid.pdf: 1 lines hold glyphs without Unicode" in caplog.text


def test_pdfminer_is_quiet_while_reading_and_restored(made, monkeypatch):
    import budgetkit.read.pdf as rp

    pdfminer = logging.getLogger("pdfminer")
    monkeypatch.setattr(pdfminer, "level", logging.DEBUG)
    seen = []
    original = rp.page_items

    def spy(page, number):
        seen.append(pdfminer.level)
        return original(page, number)

    monkeypatch.setattr(rp, "page_items", spy)
    rp.read_pdf_lines(made.path)
    assert set(seen) == {logging.ERROR}
    assert pdfminer.level == logging.DEBUG


# --- the page-break rule on its own ------------------------------------------------------------------------------


def parts(open_break: bool, spanned: bool = False) -> list[_Table]:
    upper = _Table(1, 600.0, 715.0, [10.0, 60.0],
                   [Placed(0, 0, "年度总体绩效目标", page=1), Placed(0, 1, "项目安排资金50万元,用于", page=1)], 1,
                   open_bottom=open_break)
    lower = _Table(2, 50.0, 65.0, [10.0, 60.0],
                   [Placed(0, 0, "", rowspan=2 if spanned else 1, page=2), Placed(0, 1, "召开会议。", page=2)]
                   + ([Placed(1, 1, "下一行", page=2)] if spanned else []), 2 if spanned else 1, open_top=open_break)
    return [upper, lower]


def test_open_parts_are_joined():
    assert _combine(parts(open_break=True)) == [
        Placed(0, 0, "年度总体绩效目标", page=1), Placed(0, 1, "项目安排资金50万元,用于召开会议。", page=1)]


def test_closed_parts_stay_two_rows():
    assert [(c.row, c.text, c.page) for c in _combine(parts(open_break=False))] == [
        (0, "年度总体绩效目标", 1), (0, "项目安排资金50万元,用于", 1), (1, "", 2), (1, "召开会议。", 2)]


def test_a_merged_cell_cut_by_the_break_spans_on():
    cells = _combine(parts(open_break=True, spanned=True))
    assert cells[0] == Placed(0, 0, "年度总体绩效目标", rowspan=2, page=1)
    assert cells[-1] == Placed(1, 1, "下一行", page=2)


# --- bad input ------------------------------------------------------------------------------------------------------


def nothing(path: Path) -> None:
    pass


def empty(path: Path) -> None:
    path.write_bytes(b"")


def text_file(path: Path) -> None:
    path.write_text("项目名称 职工困难帮扶资金项目\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(nothing, "no such file", id="missing"),
        pytest.param(empty, "empty file", id="empty"),
        pytest.param(text_file, "not a PDF file", id="text-named-pdf"),
        pytest.param(make_encrypted_pdf, "encrypted PDF", id="encrypted"),
        pytest.param(lambda p: make_blank_pdf(p, pages=3), "no text layer on any of its 3 pages", id="no-text"),
    ],
)
def test_bad_input_names_the_file(tmp_path, make, message):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(InputError, match=message) as err:
        read_pdf_lines(path)
    assert err.value.path == str(path)
    assert str(err.value).startswith(str(path))


def test_damaged_pdf(tmp_path, made):
    path = tmp_path / "cut.pdf"
    data = made.path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match="damaged PDF"):
        read_pdf_lines(path)


def test_page_errors_name_the_page(made, monkeypatch):
    import budgetkit.read.pdf as rp

    original = rp.page_items

    def broken(page, number):
        if number == 3:
            raise ValueError("bad content stream")
        return original(page, number)

    monkeypatch.setattr(rp, "page_items", broken)
    with pytest.raises(InputError, match=r"seed\.pdf: page 3: cannot read the page \(ValueError: bad content"):
        rp.read_pdf_lines(made.path)


# --- acceptance: the parser gives the same tables from the PDF as from the text -----------------------------------

PROJECT_COLUMNS = [
    "project", "department", "implementing_unit", "attribute_code", "attribute_kind", "period_years",
    "total_wan", "annual_total_wan", "own_level_wan", "transfer_wan", "fiscal_wan", "central_wan",
    "regional_wan", "other_wan", "carryover_wan", "goal", "year", "unit_label", "indicator_count",
]
INDICATOR_COLUMNS = ["project", "implementing_unit", "level1", "level2", "indicator", "value"]


def test_parser_gives_the_same_tables_as_from_the_text(read):
    parse = pytest.importorskip("budgetkit.parse", reason="the parser is not there yet")
    from budgetkit.read.text import read_text_lines

    names = [p.name for p in SEED_PROJECTS]
    from_pdf = parse.parse_lines(read.lines, "seed.pdf", year=2025)
    from_text = parse.parse_lines(read_text_lines(SEED), SEED.name, year=2025)

    def projects(tables):
        frame = tables.projects
        frame = frame[frame["project"].isin(names)].set_index("project", drop=False)
        return frame.loc[names, PROJECT_COLUMNS].reset_index(drop=True)

    def indicators(tables):
        frame = tables.indicators
        cols = INDICATOR_COLUMNS + [c for c in ("op", "num", "unit", "kind", "value_yuan") if c in frame.columns]
        return frame[frame["project"].isin(names)][cols].reset_index(drop=True)

    pd.testing.assert_frame_equal(projects(from_pdf), projects(from_text))
    got, want = indicators(from_pdf), indicators(from_text)
    pd.testing.assert_frame_equal(got, want)
    drawn = [
        [p.name, *(normalize_text(t) for t in (i.level1, i.level2, i.name, i.value))]
        for p in SEED_PROJECTS
        for i in p.indicators
    ]
    assert got[["project", "level1", "level2", "indicator", "value"]].values.tolist() == drawn
    assert len(got) == sum(len(p.indicators) for p in SEED_PROJECTS)
    assert from_pdf.unparsed.empty, from_pdf.unparsed.to_string()
    doc = from_pdf.documents.iloc[0]
    assert (doc["publisher"], str(doc["publish_date"])[:10]) == ("宁夏回族自治区总工会", "2025-02-21")


def test_parse_file_reads_pdfs(made):
    parse = pytest.importorskip("budgetkit.parse", reason="the parser is not there yet")
    tables = parse.parse_file(made.path, year=2025)
    assert tables.projects["project"].tolist() == [p.name for p in SEED_PROJECTS]
    assert tables.projects["page_start"].tolist() == [2, 3, 4]
    assert tables.projects["page_end"].tolist() == [2, 3, 5]


def test_unreadable_cells_reach_the_unparsed_report(tmp_path):
    made = make_pdf(tmp_path / "partly.pdf", SEED_PROJECTS[:1], notice=None, unreadable=("职工家庭生活",))
    pdf = read_pdf_lines(made.path)
    (page, lineno, text), *rest = pdf.unreadable
    assert rest == [] and page == 1
    assert text.startswith("(cid:") and text.endswith(" 有所改善")  # the value cell is readable
    assert pdf.lines[lineno - 1].text == text
    parse = pytest.importorskip("budgetkit.parse", reason="the parser is not there yet")
    tables = parse.parse_file(made.path, year=2025)
    reported = tables.unparsed[tables.unparsed["reason"] == "unreadable PDF text"]
    assert reported[["line", "page", "text"]].values.tolist() == [[lineno, 1, text]]


def test_whole_disclosure_as_pdf_parses_like_the_text(tmp_path):
    """All 11 tables of the seed drawn as a PDF (with radicals, as browsers print) read back as from the text."""
    from budgetkit.parse import parse_file
    from pdfmaker import projects_from_tables

    from_text = parse_file(SEED)
    made = make_pdf(tmp_path / "nx-2025.pdf", projects_from_tables(from_text), radicals=True)
    from_pdf = parse_file(made.path, year=2025)
    assert len(from_pdf.projects) == 11
    assert from_pdf.unparsed.empty, from_pdf.unparsed.to_string()
    pd.testing.assert_frame_equal(from_pdf.projects[PROJECT_COLUMNS], from_text.projects[PROJECT_COLUMNS])
    cols = [*INDICATOR_COLUMNS, "seq", "op", "num", "unit", "per_unit", "kind", "deadline", "value_yuan"]
    pd.testing.assert_frame_equal(from_pdf.indicators[cols], from_text.indicators[cols])
    assert from_pdf.indicators["page_start"].notna().all()
    pages = from_pdf.projects[["page_start", "page_end"]]
    assert pages["page_start"].is_monotonic_increasing and (pages["page_end"] >= pages["page_start"]).all()
    assert pages["page_start"].iloc[0] == 2  # page 1 holds the notice


def test_a_year_of_pdfs_is_parsed_and_a_pdf_beside_its_text_is_skipped(tmp_path, made, caplog):
    from budgetkit.project.paths import ProjectPaths
    from budgetkit.scale.batch import parse_year

    paths = ProjectPaths(tmp_path)
    folder = paths.raw_year(2025)
    folder.mkdir(parents=True)
    shutil.copy(made.path, folder / "only-pdf.pdf")
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(made.path, folder / f"{SEED.stem}.pdf")
    with caplog.at_level("INFO", logger="budgetkit"):  # whichever module parse_year lives in (issue 22 moves it)
        tables = parse_year(2025, paths)
    assert sorted(tables.documents["source_file"]) == sorted(["only-pdf.pdf", SEED.name])
    assert len(tables.projects) == 11 + len(SEED_PROJECTS)
    assert f"{SEED.stem}.pdf: skipped" in caplog.text


# --- blank cells: a PDF row knows them, text does not ------------------------------------------------------

LONG_TERM = Project(
    name="养老服务体系建设补助", department="某市民政局", unit="某市养老服务中心", attribute="02-经常性项目",
    period="3年", total="800", goal="新增养老床位500张，提升养老服务供给能力。",
    columns=("中长期指标值", "年度指标值", "备注"),
    indicators=(
        Indicator("产出指标", "数量指标", "新增养老床位", "", ("2000张", "500张", "")),
        Indicator("产出指标", "质量指标", "床位使用率", "", ("", "≥80%", "")),
        Indicator("产出指标", "时效指标", "完成时间", "", ("", "2023年12月底前", "以验收为准")),
        Indicator("效益指标", "社会效益", "养老服务供给", "", ("持续增加", "明显增加", "")),
        Indicator("效益指标", "社会效益", "服务质量", "", ("", "明显提升", "按年度考核")),
        Indicator("满意度指标", "服务对象满意度", "入住老人满意度", "", ("≥90%", "≥90%", "")),
    ),
)

#: (indicator, long-term, annual, note) as printed in the cells.
LONG_TERM_CELLS = [(i.name, *(c or None for c in i.cells)) for i in LONG_TERM.indicators]


def test_blank_cells_of_a_pdf_row_place_the_values_exactly(tmp_path):
    made = make_pdf(tmp_path / "long-term.pdf", [LONG_TERM], notice=None)
    inds = parse_file(made.path, year=2023).indicators
    got = [tuple(None if pd.isna(v) else v for v in row)
           for row in inds[["indicator", "value_long_term", "value", "note"]].values.tolist()]
    assert got == LONG_TERM_CELLS
    assert inds["confidence"].eq("high").all()


def test_the_same_rows_as_text_are_guessed_and_the_doubtful_ones_marked_low(tmp_path):
    made = make_pdf(tmp_path / "long-term.pdf", [LONG_TERM], notice=None)
    text = tmp_path / "long-term.txt"
    text.write_text("\n".join(line.text for line in made.lines), encoding="utf-8")
    inds = parse_file(text, year=2023).indicators.set_index("indicator")
    assert inds.loc["新增养老床位", ["value_long_term", "value", "confidence"]].tolist() == ["2000张", "500张", "high"]
    assert inds.loc["养老服务供给", "confidence"] == "low"  # long-term + annual, or annual + note?
    assert inds.loc["完成时间", "confidence"] == "low"
