"""Issue 27's probes: a year no file can break (a kill, a hostile or huge file, an odd folder or locale).

Each test is one probe of the issue, named by it; the timing probes (linear reading) are in
``benchmarks/linear.py``, not here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import budgetkit.dataset as dataset_module
from budgetkit.cli import main
from budgetkit.dataset import connect, read_table, write_dataset

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"


def seed_year(folder: Path, names: tuple[str, ...] = ("a.txt", "b.txt")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SEED, folder / name)) for name in names]


# --- 1. crash-safe dataset -----------------------------------------------------------------------------------


class Killed(BaseException):
    """Stands for a kill: nothing after it runs (not an Exception, so nothing catches it)."""


@pytest.mark.parametrize("tables_written", [
    pytest.param(1, id="killed-after-documents-partition"),
    pytest.param(2, id="killed-after-projects-partition"),
])
def test_dataset_killed_while_writing_a_file_is_whole_after_rerun(tmp_path, monkeypatch, tables_written):
    files = seed_year(tmp_path / "raw/2025")
    base = tmp_path / "dataset"
    write_dataset(files, base, 2025, jobs=1, progress=None)
    real, calls = dataset_module._write_parquet, []

    def dying(frame, table, folder):
        if len(calls) == tables_written:
            (folder.mkdir(parents=True, exist_ok=True), (folder / ".part-0.parquet.4242").write_bytes(b"PAR1"))
            raise Killed
        calls.append(table)
        return real(frame, table, folder)

    monkeypatch.setattr(dataset_module, "_write_parquet", dying)
    with pytest.raises(Killed):
        write_dataset(files, base, 2025, jobs=1, force=True, progress=None)
    monkeypatch.setattr(dataset_module, "_write_parquet", real)
    again = write_dataset(files, base, 2025, jobs=1, progress=None)
    assert again.skipped == []
    counts = read_table("projects", base)["source"].value_counts().to_dict()
    assert counts == {"a": 11, "b": 11}
    assert read_table("indicators", base)["source"].value_counts().to_dict() == {"a": 144, "b": 144}
    left = [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file() and p.name.startswith(".")]
    assert left == [], "temporary files stayed"


def test_dataset_rerun_checks_every_tables_partition(tmp_path):
    files = seed_year(tmp_path / "raw/2025")
    base = tmp_path / "dataset"
    write_dataset(files, base, 2025, jobs=1, progress=None)
    shutil.rmtree(base / "indicators/raw_year=2025/source=a")  # the documents partition is still there
    again = write_dataset(files, base, 2025, jobs=1, progress=None)
    assert (again.parsed, again.unchanged) == (1, 1)
    assert read_table("indicators", base)["source"].value_counts().to_dict() == {"a": 144, "b": 144}


def test_dataset_drops_the_partitions_of_a_removed_year(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    for year in (2024, 2025):
        seed_year(tmp_path / f"data/raw/{year}", ("a.txt",))
    assert main(["-q", "dataset", "--root", str(tmp_path), "--jobs", "1"]) == 0
    shutil.rmtree(tmp_path / "data/raw/2024")
    assert main(["-q", "dataset", "--root", str(tmp_path), "--jobs", "1"]) == 0
    assert "2024: removed" in capsys.readouterr().out
    con = connect(tmp_path)
    assert con.sql("SELECT raw_year, count(*) FROM projects GROUP BY 1").fetchall() == [(2025, 11)]
    assert not list((tmp_path / "data/processed/dataset").glob("*/raw_year=2024*"))


# --- 2. tables never dropped silently; 3. bounded work per file ---------------------------------------------

RUN_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from budgetkit.readers import read_document
from budgetkit.errors import BudgetkitError
try:
    doc = read_document(sys.argv[1])
except BudgetkitError as err:
    print("skipped", getattr(err, "limit", type(err).__name__))
else:
    print("read", sum(len(r.cells) for r in doc.rows))
"""


def read_bounded(path: Path, seconds: float = 60) -> str:
    """Read ``path`` in a child process held to 1.5 GB and ``seconds``: what it printed, or why it died."""
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", RUN_LIMITED, str(path)], capture_output=True, text=True,
                              timeout=seconds)
    except subprocess.TimeoutExpired:
        return f"killed after {seconds} s"
    return done.stdout.strip() or f"died: {done.stderr.strip().splitlines()[-1:]}"


def seed_page(tmp_path: Path, depth: int) -> Path:
    """The seed's first two projects on one page, the second inside ``depth`` nested ``<div>``s."""
    import render

    key = render.seed_key()
    one = render.render_html(dict(key, projects=key["projects"][:1]), tmp_path / "one.html").read_text()
    two = render.render_html(dict(key, projects=key["projects"][1:2]), tmp_path / "two.html").read_text()
    body = two.split('<div class="content">')[1].split('<div class="tools">')[0]
    page = one.replace('<div class="tools">', "<div>" * depth + body + "</div>" * depth + '<div class="tools">')
    path = tmp_path / "深页.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.parametrize("depth", [
    pytest.param(300, id="html-nested-past-libxml2-depth"),
    pytest.param(2000, id="html-nested-far-past-libxml2-depth"),
])
def test_html_nested_too_deep_is_skipped_with_its_limit_not_cut(tmp_path, depth):
    from budgetkit.batch import parse_files

    page = seed_page(tmp_path, depth)
    tables = parse_files([page], 2025, jobs=1, progress=None)
    assert tables.counts()["projects"] == 0, "part of the page was read as if it were all of it"
    [skipped] = tables.skipped
    assert skipped.kind == "LimitError" and "max_html_depth" in skipped.error and page.name in skipped.error


def test_html_shallow_page_reads_both_projects(tmp_path):
    from budgetkit.parse import parse_file

    assert parse_file(seed_page(tmp_path, 20), year=2025).counts()["projects"] == 2


def test_parse_of_a_too_deep_page_ends_in_one_line(tmp_path, capsys):
    assert main(["parse", str(seed_page(tmp_path, 300)), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "max_html_depth" in err and "\n" not in err


def span_html(path: Path) -> Path:
    path.write_bytes(b'<html><body><table><tr><td rowspan="65534" colspan="1000">x</td></tr></table></body></html>')
    return path


def span_xlsx(path: Path) -> Path:
    """A workbook of one cell whose sheet merges A1:XFD1048576 (written into the XML: openpyxl would
    make the merge's millions of edge cells)."""
    import zipfile

    import openpyxl

    small = path.with_name("one-cell.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(small)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                    b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')
            out.writestr(item, data)
    return path


def span_docx(path: Path) -> Path:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    table = d.add_table(rows=200, cols=2)
    for row in table.rows:
        tc = row.cells[0]._tc
        span = tc.get_or_add_tcPr().makeelement(qn("w:gridSpan"), {qn("w:val"): "30000"})
        tc.get_or_add_tcPr().append(span)
    d.save(path)
    return path


@pytest.mark.parametrize("make", [
    pytest.param(span_html, id="html-rowspan65534-colspan1000"),
    pytest.param(span_xlsx, id="xlsx-merge-whole-sheet"),
    pytest.param(span_docx, id="docx-gridspan-30000"),
], )
def test_a_span_costs_no_more_than_its_table(tmp_path, make):
    from budgetkit.limits import LIMITS

    path = make(tmp_path / f"span{ {'span_html': '.html', 'span_xlsx': '.xlsx', 'span_docx': '.docx'}[make.__name__] }")
    outcome = read_bounded(path)
    assert outcome == "skipped max_cells" or outcome.startswith("read "), outcome
    if outcome.startswith("read "):
        assert int(outcome.split()[1]) <= 200 * 2 * (2 + LIMITS.span_overhang) ** 2


def test_xlsx_that_unzips_past_the_limit_is_skipped(tmp_path):
    import zipfile

    import openpyxl

    from budgetkit.limits import LIMITS

    small = tmp_path / "small.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(small)
    bomb = tmp_path / "bomb.xlsx"
    row = "".join(f'<c r="{c}1" t="inlineStr"><is><t>项目名称项目名称</t></is></c>' for c in "ABCDEFGH")
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, src.read(item))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = (f"<row>{row}</row>" * 1000).encode()
            for _ in range(LIMITS.max_unzipped_bytes // len(chunk) + 2):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 8 * 2**20
    assert read_bounded(bomb) == "skipped max_unzipped_bytes"


def test_a_cell_longer_than_the_limit_is_skipped(tmp_path):
    from budgetkit.limits import LIMITS

    page = tmp_path / "长.html"
    page.write_text(f"<table><tr><td>项目名称</td><td>{'职工帮扶' * (LIMITS.max_cell_chars // 4 + 1)}</td></tr></table>",
                    encoding="utf-8")
    assert read_bounded(page) == "skipped max_cell_chars"


@pytest.mark.parametrize("kwargs", [
    pytest.param({"max_cells": 0}, id="zero"),
    pytest.param({"max_cell_chars": -5}, id="negative"),
    pytest.param({"max_unzipped_bytes": 1.5}, id="float"),
    pytest.param({"max_zip_entries": True}, id="bool"),
    pytest.param({"max_html_depth": 300}, id="deeper-than-libxml2"),
])
def test_limits_are_validated(kwargs):
    from budgetkit.errors import ParameterError
    from budgetkit.limits import Limits

    with pytest.raises(ParameterError, match=next(iter(kwargs))):
        Limits(**kwargs)
