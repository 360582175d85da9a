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
