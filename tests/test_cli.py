"""The command line: ``parse`` writes the output contract; bad input exits 2 naming the file, writing nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from budgetkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"


LAYOUT_FIXTURES = sorted((ROOT / "tests/fixtures/layouts").glob("*.txt"))

@pytest.mark.parametrize("fixture", LAYOUT_FIXTURES, ids=[p.stem for p in LAYOUT_FIXTURES])
def test_every_layout_fixture_parses_to_the_same_contract(tmp_path, fixture):
    from budgetkit.model.fields import columns

    out = tmp_path / "out"
    assert main(["-q", "parse", str(fixture), "--out", str(out)]) == 0
    for table in ("documents", "projects", "indicators", "header_extras", "unparsed"):
        assert list(pd.read_csv(out / f"{table}.csv").columns) == columns(table)
    indicators = pd.read_csv(out / "indicators.csv")
    assert len(indicators) > 0 and indicators["confidence"].isin(["high", "medium", "low"]).all()
    assert indicators["value"].notna().all()  # a row without a value is reported, not counted
    assert pd.read_csv(out / "documents.csv").loc[0, "reader"] == "text"


def test_every_layout_fixture_has_a_golden_case():
    from test_golden import CASES

    sources = {Path(case.values[1]).name for case in CASES}
    assert {p.name for p in LAYOUT_FIXTURES} <= sources


def test_parse_writes_the_output_contract(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["-q", "parse", str(SEED), "--out", str(out)]) == 0
    assert "11 projects, 144 indicators, 0 lines not understood" in capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    for table in ("documents", "projects", "indicators", "unparsed"):
        assert {f"{table}.csv", f"{table}.parquet"} <= names
    assert "fields.csv" in names
    projects = pd.read_csv(out / "projects.csv")
    need = {"project", "department", "implementing_unit", "attribute", "period", "total_wan", "fiscal_wan",
            "goal", "source_file", "line_start", "line_end"}
    assert need <= set(projects.columns)
    indicators = pd.read_csv(out / "indicators.csv")
    need = {"project", "implementing_unit", "level1", "level2", "indicator", "value", "op", "num", "unit",
            "per_unit", "kind", "deadline", "value_yuan", "source_file", "line_start", "line_end"}
    assert need <= set(indicators.columns)
    fields = pd.read_csv(out / "fields.csv")
    assert {"zh", "en", "unit", "description"} <= set(fields.columns)
    assert fields.loc[fields["name"].eq("total_wan"), "unit"].iloc[0] == "万元"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "bad.txt: empty file", id="empty"),
        pytest.param("说明\n没有表格\n".encode(), "bad.txt: no performance-target table found (2 lines read; no anchor seen)", id="no-project-name"),
        pytest.param("项目名称 半张表\n主管部门 某厅\n".encode(),
                     "bad.txt: no performance-target table found (2 lines read; nearest anchors: '项目名称', '主管部门'",
                     id="a-name-without-any-indicator"),
        pytest.param(b"\xff\xfe\x00\x81\x30", "bad.txt:1: not UTF-8 nor GB18030", id="undecodable"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out"
    assert main(["-q", "parse", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.txt"]  # no staging folder left behind


def test_missing_file(tmp_path, capsys):
    assert main(["-q", "parse", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_build_without_years_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data/raw").mkdir(parents=True)
    assert main(["-q", "build", "--root", str(tmp_path)]) == 2
    assert "no year to build" in capsys.readouterr().err


def test_build_of_a_year_without_input_skips_it_with_a_warning(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data/raw/2031").mkdir(parents=True)
    assert main(["-q", "build", "--root", str(tmp_path), "--year", "2031"]) == 1
    captured = capsys.readouterr()
    assert "2031" in captured.err and "no .txt/.pdf/" in captured.err
    assert "2031: skipped" in captured.out
    index = (tmp_path / "reports/index.html").read_text(encoding="utf-8")
    assert "2031" in index and "跳过 skipped" in index
