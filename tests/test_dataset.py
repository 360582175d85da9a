"""The Parquet dataset: what goes in comes back, incrementally, the same from Dask, queryable with DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import budgetkit
from budgetkit.analyse.reconcile import reconcile_and_price
from budgetkit.errors import InputError
from budgetkit.model.tables import TABLE_NAMES
from budgetkit.scale.batch import parse_files
from budgetkit.scale.dataset import (
    FILE_TABLES,
    connect,
    open_dataset,
    read_table,
    write_dataset,
    write_year_tables,
)
from budgetkit.scale.synthetic import make_year

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "tests/fixtures/layouts"
SORT = {"documents": ["source_file"], "projects": ["project_id"], "indicators": ["project_id", "seq"],
        "header_extras": ["project_id", "line"],
        "unparsed": ["source_file", "line"]}


def a_year(folder: Path) -> list[Path]:
    """Seed copies, two other layouts (one with unparsed lines), a Chinese file name with % and =."""
    files = make_year(ROOT / "data/raw/2025", folder, 2)
    for name in ("pipe.txt", "older-template.txt"):
        files.append(Path(shutil.copy(LAYOUTS / name, folder / name)))
    files.append(Path(shutil.copy(LAYOUTS / "split-value.txt", folder / "宁夏 总工会=100%.txt")))
    return files


@pytest.fixture
def year(tmp_path) -> list[Path]:
    return a_year(tmp_path / "raw" / "2025")


def parquet_files(base: Path) -> dict[str, pd.DataFrame]:
    return {p.relative_to(base).as_posix(): pq.read_table(p).to_pandas() for p in sorted(base.rglob("*.parquet"))}


def comparable(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    frame = frame.drop(columns=["raw_year", "source"], errors="ignore")
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    frame = frame.astype(dict.fromkeys(dates, "datetime64[ms]"))  # the dataset stores dates in ms
    return frame.sort_values(SORT[table], kind="stable").reset_index(drop=True)


def test_dataset_holds_what_was_parsed(year, tmp_path):
    base = tmp_path / "dataset"
    result = write_dataset(year, base, 2025, jobs=2, progress=None)
    assert (result.parsed, result.unchanged, result.skipped) == (len(year), 0, [])
    parsed = parse_files(year, 2025, jobs=1, progress=None)
    assert result.counts == parsed.counts()
    for table in TABLE_NAMES:
        got = read_table(table, base)
        assert list(got.columns[-2:]) == ["raw_year", "source"] or got.empty
        pd.testing.assert_frame_equal(comparable(got, table), comparable(getattr(parsed, table), table), obj=table)


def test_partitions_by_year_and_file(year, tmp_path):
    base = tmp_path / "dataset"
    write_dataset(year, base, 2025, jobs=1, progress=None)
    folders = {p.parent.relative_to(base).as_posix() for p in base.rglob("part-0.parquet")}
    assert "projects/raw_year=2025/source=%E5%AE%81%E5%A4%8F%20%E6%80%BB%E5%B7%A5%E4%BC%9A%3D100%25" in folders
    assert {f.split("/")[0] for f in folders} == {"documents", "projects", "indicators", "unparsed"}
    sources = set(read_table("projects", base)["source"])
    assert sources == {p.stem for p in year}
    assert set(open_dataset("unparsed", base).to_table().column("source").to_pylist()) < sources


def test_dask_writes_the_same_dataset(year, tmp_path):
    distributed = pytest.importorskip("distributed")
    write_dataset(year, tmp_path / "pool", 2025, jobs=2, progress=None)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = write_dataset(year, tmp_path / "dask", 2025, scheduler=client, progress=None)
    assert result.parsed == len(year)
    pool, dask = parquet_files(tmp_path / "pool"), parquet_files(tmp_path / "dask")
    assert list(pool) == list(dask) and len(pool) >= 3 * len(year)
    for name in pool:
        pd.testing.assert_frame_equal(dask[name], pool[name], obj=name)


def test_rebuild_parses_only_what_changed(year, tmp_path):
    base = tmp_path / "dataset"
    write_dataset(year, base, 2025, jobs=1, progress=None)
    again = write_dataset(year, base, 2025, jobs=1, progress=None)
    assert (again.parsed, again.unchanged, again.removed) == (0, len(year), [])
    changed = year[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("职工困难帮扶资金项目", "职工帮扶项目"),
                       encoding="utf-8")
    third = write_dataset(year, base, 2025, jobs=1, progress=None)
    assert (third.parsed, third.unchanged) == (1, len(year) - 1)
    assert "职工帮扶项目" in set(read_table("projects", base)["project"])
    forced = write_dataset(year, base, 2025, jobs=1, force=True, progress=None)
    assert forced.parsed == len(year)


def test_files_gone_or_broken_leave_the_dataset(year, tmp_path):
    base = tmp_path / "dataset"
    write_dataset(year, base, 2025, jobs=1, progress=None)
    gone, broken = year[1], year[2]
    broken.write_text("不是绩效目标表\n", encoding="utf-8")
    result = write_dataset([p for p in year if p != gone], base, 2025, jobs=1, progress=None)
    assert result.removed == sorted([gone.stem, broken.stem])
    assert [s.path for s in result.skipped] == [broken]
    assert set(read_table("documents", base)["source"]) == {p.stem for p in year} - {gone.stem, broken.stem}


def test_years_are_partitions(tmp_path):
    base = tmp_path / "dataset"
    write_dataset(a_year(tmp_path / "raw" / "2025")[:2], base, 2025, jobs=1, progress=None)
    write_dataset(a_year(tmp_path / "raw" / "2024")[:1], base, 2024, jobs=1, progress=None)
    assert read_table("projects", base, years=[2024])["raw_year"].unique().tolist() == [2024]
    con = connect(dataset=base)
    rows = con.sql("SELECT raw_year, count(*) FROM projects GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(2024, 11), (2025, 22)]
    # The year a table prints stays what it printed: 2025 in a file filed under 2024.
    assert con.sql("SELECT DISTINCT year FROM projects WHERE raw_year = 2024").fetchall() == [(2025,)]


def test_connect_gives_a_view_per_table(year, tmp_path):
    base = tmp_path / "dataset"
    write_dataset(year, base, 2025, jobs=1, progress=None)
    parsed = parse_files(year, 2025, jobs=1, progress=None)
    costs, terms = reconcile_and_price(parsed.projects, parsed.indicators)
    write_year_tables({"costs": costs, "terms": terms}, base, 2025)
    con = connect(dataset=base)
    for table in (*FILE_TABLES, "costs", "terms"):
        expected = len(getattr(parsed, table)) if table in FILE_TABLES else len(locals()[table])
        assert con.sql(f"SELECT count(*) FROM {table}").fetchall() == [(expected,)], table
    assert con.sql("SELECT count(*) FROM audit").fetchall() == [(0,)]  # no audit written: an empty view
    closes = con.sql("""
        SELECT p.implementing_unit, count(*) FROM costs c JOIN projects p USING (raw_year, project_id)
        WHERE c.status = 'closes' GROUP BY 1""").fetchall()
    assert sum(n for _, n in closes) == (costs["status"] == "closes").sum()
    by_unit = con.sql("SELECT sum(total_wan) FROM budget_by_unit").fetchall()[0][0]
    assert by_unit == pytest.approx(parsed.projects["total_wan"].sum())
    rates = con.sql("SELECT count(*) FROM unit_costs").fetchall()[0][0]
    assert rates == (parsed.indicators["kind"].eq("rate") & parsed.indicators["value_yuan"].notna()).sum()


def test_connect_on_the_project_root(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    files = a_year(tmp_path / "data" / "raw" / "2025")[:1]
    write_dataset(files, tmp_path / "data" / "processed" / "dataset", 2025, jobs=1, progress=None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BUDGETKIT_ROOT", raising=False)
    con = budgetkit.connect()
    assert con.sql("SELECT count(*) FROM indicators").fetchall() == [(144,)]


def test_empty_dataset(tmp_path):
    with pytest.raises(InputError, match="no projects in the dataset"):
        open_dataset("projects", tmp_path)
    con = connect(dataset=tmp_path)
    columns = [r[0] for r in con.sql("DESCRIBE projects").fetchall()]
    assert columns[:3] == ["project_id", "kind", "year"] and columns[-2:] == ["raw_year", "source"]


def test_two_files_with_one_stem(tmp_path):
    a = tmp_path / "2025" / "x.txt"
    a.parent.mkdir()
    a.write_text("", encoding="utf-8")
    b = a.with_suffix(".pdf")
    b.write_bytes(b"")
    with pytest.raises(InputError, match="share a name"):
        write_dataset([a, b], tmp_path / "dataset", 2025, jobs=1)
