"""Every reader through parse: answer keys rendered as HTML, XLSX and DOCX read back to the key (score 1.000)."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from render import RENDERERS, SHARED, SUFFIX, corpus_keys, load_tool, seed_key

SCORER = SHARED / "tools" / "score_corpus.py"


def _scorer():
    if not SCORER.exists():
        pytest.skip(f"{SCORER} is absent: the corpus scorer is needed to score renderings")
    return load_tool(SCORER)


KEYS = corpus_keys()
if not KEYS:
    print(f"tests/test_readers.py: {SHARED / 'corpus'} is absent; only the seed is rendered")
CASES = [("seed", seed_key())] + KEYS


def scorable(key: dict) -> dict:
    """The key with a level printed blank (``""``) read as unconstrained (``None``).

    The scorer matches a level against the printed or canonical labels of the output
    and never matches ``""`` (its label set is empty), so a key row whose level-1 cell
    is printed blank (the jgw26 keys' first row) could not be matched by any output.
    """
    projects = [dict(p, indicators=[{k: (None if k in ("level1", "level2") and v == "" else v)
                                     for k, v in i.items()} for i in p.get("indicators", [])])
                for p in key["projects"]]
    return dict(key, projects=projects)


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize(("name", "key"), CASES, ids=[n for n, _ in CASES])
def test_rendering_reads_back_to_its_key(tmp_path, name, key, fmt):
    score = _scorer()
    path = RENDERERS[fmt](key, tmp_path / f"{name[:40]}{SUFFIX[fmt]}")
    tables = parse_file(path, year=key.get("year"))
    out = tmp_path / "out"
    write_tables(tables, out)
    f1, _, findings = score.score_doc(scorable(key), Path(out))
    assert f1 == 1.0, "\n".join(findings)


# --- real PDF volumes ------------------------------------------------------------------------------------------

REAL = SHARED / "realfiles"
VOLUME = "zxj6827111-blip__tianbaoxitong__1770007475548-818404804.pdf"
NO_TABLE = [
    ("zxj6827111-blip__GovBudgetChecker__上海市普陀区人民政府万里街道办事处25年预算.pdf", 31),
    ("zxj6827111-blip__tianbaoxitong__上海市财政局25年预算.pdf", 21),
    ("ae86jack__open-budget__2019年度部门预算公开.pdf", 33),
    ("ae86jack__open-budget__江苏省委办公厅2019年度部门预算公开表格.pdf", 12),
]


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real files live in ../shared/realfiles")
    return path


def test_the_real_volume_gives_its_five_tables_as_keyed(tmp_path):
    import json

    score = _scorer()
    key = json.loads((SHARED / "corpus" / "keys" / f"{VOLUME}.expected.json").read_text(encoding="utf-8"))
    tables = parse_file(real(VOLUME))
    write_tables(tables, tmp_path)
    f1, _, findings = score.score_doc(key, tmp_path)
    assert f1 == 1.0, "\n".join(findings)
    assert tables.projects["page_start"].tolist() == [31, 32, 33, 34, 35]
    assert set(tables.indicators["page_start"]) == {31, 32, 33, 34, 35}


@pytest.mark.parametrize(("name", "pages"), [pytest.param(n, k, id=n.split("__")[-1]) for n, k in NO_TABLE])
def test_a_real_volume_without_target_tables_says_so(name, pages):
    from budgetkit.errors import NoTableError

    with pytest.raises(NoTableError, match=rf"no performance-target table found \({pages} pages read") as err:
        parse_file(real(name))
    assert err.value.path == str(REAL / name)


def test_only_candidate_pages_are_read_for_tables(monkeypatch):
    import budgetkit.read.pdf as rp

    seen = []
    original = rp.page_items
    monkeypatch.setattr(rp, "page_items", lambda page, number: seen.append(number) or original(page, number))
    doc = rp.read_pdf(real(VOLUME))
    assert seen == [31, 32, 33, 34, 35]
    assert doc.units == 35 and {c.page for r in doc.rows for c in r.cells} == set(range(1, 36))


@pytest.mark.parametrize(
    ("lines", "candidate"),
    [
        pytest.param(["财政项目支出绩效目标填报表", "(2023年度)"], True, id="title"),
        pytest.param(["项目支出績效目標表"], True, id="title-traditional"),
        pytest.param(["一级指标 二级指标 三级指标 指标值"], True, id="columns"),
        pytest.param(["一級指標", "三級指標"], True, id="columns-traditional"),
        pytest.param(["三级指标"], False, id="one-column"),
        pytest.param(["建筑耐火等级地上部分为二级,地下部分为一级,抗震设防烈度为7度"], False, id="narrative"),
        pytest.param(["项目名称 项目金额 项目内容"], False, id="budget-list"),
        pytest.param([], False, id="blank-page"),
    ],
)
def test_candidate_pages(lines, candidate):
    from budgetkit.read.pdf import is_candidate

    assert is_candidate(lines) is candidate


# --- the format chosen by content ------------------------------------------------------------------------------


def test_an_html_page_served_as_xls_is_read_as_html(tmp_path):
    from render import render_html

    score = _scorer()
    key = seed_key()
    path = render_html(key, tmp_path / "附件1.项目支出绩效目标表.xls")
    tables = parse_file(path, year=2025)
    assert set(tables.documents["reader"]) == {"html"}
    write_tables(tables, tmp_path / "out")
    assert score.score_doc(key, tmp_path / "out")[0] == 1.0


def test_tab_separated_text_served_as_xls_is_read_as_text(tmp_path):
    from budgetkit.parse import read_document

    path = tmp_path / "export.xls"
    path.write_text("项目名称\t测试项目\n一级指标\t二级指标\t三级指标\t指标值\n", encoding="gb18030")
    doc = read_document(path)
    assert doc.kind == "text" and [c.text for c in doc.rows[1].cells] == ["一级指标", "二级指标", "三级指标", "指标值"]


def _ole(stream: str) -> bytes:
    from budgetkit.read.dispatch import OLE_MAGIC

    return OLE_MAGIC + b"\0" * 504 + stream.encode("utf-16-le") + b"\0" * 64


def _zip(member: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("表.doc", _ole("WordDocument"), r"legacy Word file \(\.doc\).*soffice --headless --convert-to docx 表\.doc",
                     id="doc"),
        pytest.param("表.docx", _ole("WordDocument"), "legacy Word file", id="doc-named-docx"),
        pytest.param("表.ppt", _ole("PowerPoint Document"), "legacy Office file that is not an Excel workbook",
                     id="ppt"),
        pytest.param("表.xlsx", _zip("content.xml"), "zip archive that is not an Excel or Word file", id="zip"),
        pytest.param("表.pptx", _zip("ppt/presentation.xml"), "PowerPoint file", id="pptx"),
        pytest.param("表.xlsx", b"PK\x03\x04 cut short", "damaged zip archive", id="cut-zip"),
        pytest.param("表.bin", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a binary file cannot be read", id="image"),
        pytest.param("表.xls", _ole("Workbook"), "cannot open the legacy .xls workbook", id="damaged-xls"),
    ],
)
def test_files_no_reader_takes_fail_with_one_line_naming_them(tmp_path, name, data, message):
    from budgetkit.errors import InputError

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        parse_file(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_build_picks_up_every_supported_file(tmp_path):
    from budgetkit.project.paths import ProjectPaths
    from budgetkit.scale.batch import parse_year
    from render import render_docx, render_xlsx

    key = seed_key()
    one = dict(key, projects=key["projects"][:1])
    two = dict(key, projects=key["projects"][1:2])
    three = dict(key, projects=key["projects"][2:3])
    folder = tmp_path / "data" / "raw" / "2025"
    folder.mkdir(parents=True)
    RENDERERS["html"](one, folder / "a.html")
    render_xlsx(two, folder / "b.xlsx")
    render_docx(three, folder / "c.docx")
    (folder / "notes.md").write_text("not a disclosure")
    paths = ProjectPaths(tmp_path)
    assert [p.name for p in paths.raw_files(2025)] == ["a.html", "b.xlsx", "c.docx"]
    tables = parse_year(2025, paths)
    assert tables.projects["project"].tolist() == [p["name"] for p in key["projects"][:3]]
    assert tables.documents["reader"].tolist() == ["html", "xlsx", "docx"]


@pytest.mark.parametrize(
    ("fmt", "project", "indicator", "label"),
    [
        pytest.param("html", "t2r1c1", "t2r6c3", "t2r2c1", id="html"),
        pytest.param("xlsx", "表1!A1", "表1!C9", "表1!A5", id="xlsx"),
        pytest.param("xls", "表1!A1", "表1!C9", "表1!A5", id="xls"),
        pytest.param("docx", "t1r1c1", "t1r6c3", "t1r2c1", id="docx"),
    ],
)
def test_rows_carry_the_address_of_their_cell(tmp_path, fmt, project, indicator, label):
    key = seed_key()
    key = dict(key, projects=key["projects"][:1])
    tables = parse_file(RENDERERS[fmt](key, tmp_path / f"t{SUFFIX[fmt]}"), year=2025)
    assert tables.projects["address"].tolist() == [project]
    first = tables.indicators.iloc[0]
    assert (first["indicator"], first["address"]) == ("职工困难医疗救助", indicator)
    assert tables.header_extras["address"].notna().all()  # the chosen department is a field, not an extra
    del label  # the header's labels all map to fields here: header_extras is empty
    assert tables.indicators["address"].notna().all()
