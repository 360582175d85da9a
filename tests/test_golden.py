"""Golden-file tests: whole documents parsed and compared with hand-checked expected tables.

``tests/golden/<case>/`` holds the expected CSV files, written once by
``python tests/update_golden.py`` and then checked by hand line by line against the
source text (see ``tests/golden/README.md``). A change in the parser's output shows
here as a cell-level difference.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from budgetkit.model import csvsafe
from budgetkit.model.tables import TABLE_NAMES, write_tables
from budgetkit.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"

#: (case folder under tests/golden, source file)
CASES = [
    pytest.param(
        "2025-nx-federation-of-trade-unions",
        ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt",
        id="seed-2025",
    ),
    pytest.param(
        "layout-pipe",
        ROOT / "tests/fixtures/layouts/pipe.txt",
        id="layout-pipe",
    ),
    pytest.param(
        "layout-run-together",
        ROOT / "tests/fixtures/layouts/run-together.txt",
        id="layout-run-together",
    ),
    pytest.param(
        "layout-one-cell-per-line",
        ROOT / "tests/fixtures/layouts/one-cell-per-line.txt",
        id="layout-one-cell-per-line",
    ),
    pytest.param(
        "layout-split-value",
        ROOT / "tests/fixtures/layouts/split-value.txt",
        id="layout-split-value",
    ),
    pytest.param(
        "layout-older-template",
        ROOT / "tests/fixtures/layouts/older-template.txt",
        id="layout-older-template",
    ),
    pytest.param(
        "layout-seven-column",
        ROOT / "tests/fixtures/layouts/seven-column.txt",
        id="layout-seven-column",
    ),
    pytest.param(
        "layout-ocr",
        ROOT / "tests/fixtures/layouts/ocr.txt",
        id="layout-ocr",
    ),
    pytest.param(
        "layout-stops-mid-table",
        ROOT / "tests/fixtures/layouts/stops-mid-table.txt",
        id="layout-stops-mid-table",
    ),
]


def read_csv(path: Path) -> pd.DataFrame:
    """A table's values as printed (the formula escape of the CSV, :mod:`budgetkit.model.csvsafe`, taken off)."""
    return csvsafe.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(("case", "source"), CASES)
@pytest.mark.parametrize("table", TABLE_NAMES)
def test_document_matches_golden(tmp_path, case, source, table):
    write_tables(parse_file(source), tmp_path)
    got, expected = read_csv(tmp_path / f"{table}.csv"), read_csv(GOLDEN / case / f"{table}.csv")
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    diffs = [
        (i, col, expected.at[i, col], got.at[i, col])
        for col in expected.columns
        for i in expected.index
        if got.at[i, col] != expected.at[i, col]
    ]
    assert not diffs, f"{len(diffs)} cells differ (row, column, expected, got): {diffs[:10]}"


def test_seed_has_eleven_tables_and_nothing_unparsed():
    tables = parse_file(ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt")
    source = (ROOT / "data/raw/2025" / tables.projects.loc[0, "source_file"]).read_text(encoding="utf-8")
    assert len(tables.projects) == source.count("项目名称") == 11
    assert tables.unparsed.empty
    assert tables.projects["project_id"].is_unique
    basic = tables.projects[tables.projects["project"] == "基本支出项目"]
    assert sorted(basic["implementing_unit"]) == ["宁夏工人文化宫", "宁夏工人疗养院"]
    assert tables.indicators["kind"].notna().all()
    assert (tables.indicators.groupby("project_id").size() == tables.projects.set_index("project_id")["indicator_count"]).all()
