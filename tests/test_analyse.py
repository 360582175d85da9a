"""``budgetkit analyse FILE --out DIR``: the parsed tables plus one CSV per analysis, columns as ANALYSES.md names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from budgetkit.cli import main

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "2025"


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        pytest.param("audit.csv", {"project", "implementing_unit", "rule", "indicator", "severity", "clause",
                                   "message_zh", "message_en"}, id="audit-columns-of-score-analyses"),
        pytest.param("costs.csv", {"project", "implementing_unit", "status", "implied_wan", "budget_wan"},
                     id="costs-columns-of-score-analyses"),
        pytest.param("achievement.csv", {"project", "implementing_unit", "indicator", "target", "actual", "met",
                                         "rate"}, id="achievement-columns-of-score-analyses"),
        pytest.param("projects.csv", {"project_id", "project"}, id="parsed-tables-beside-the-analyses"),
    ],
)
def test_analyse_writes_each_analysis(tmp_path: Path, name: str, columns: set[str]) -> None:
    source = next(SEED.glob("*.txt"))
    assert main(["-q", "analyse", str(source), "--out", str(tmp_path)]) == 0
    assert columns <= set(_header(tmp_path / name))


def test_analyse_names_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "空白.txt"
    bad.write_text("这不是绩效目标表\n", encoding="utf-8")
    assert main(["-q", "analyse", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "空白.txt" in capsys.readouterr().err
