"""Parsing many files at once: a process pool and Dask give what a loop over the files gives."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from budgetkit.errors import ParameterError
from budgetkit.model.tables import TABLE_NAMES, concat_tables
from budgetkit.parse import parse_file
from budgetkit.scale.batch import SkippedFile, map_files, parse_files
from budgetkit.scale.synthetic import make_year

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "tests/fixtures/layouts"


@pytest.fixture(scope="module")
def year_files(tmp_path_factory) -> list[Path]:
    """A year of seven files: seed copies, other layouts, a file that is no disclosure in the middle, an empty one."""
    folder = tmp_path_factory.mktemp("raw") / "2025"
    files = make_year(ROOT / "data/raw/2025", folder, 2)
    for name in ("pipe.txt", "stops-mid-table.txt", "older-template.txt"):
        files.append(Path(shutil.copy(LAYOUTS / name, folder / name)))
    broken = folder / "通知 notice only.txt"
    broken.write_text("关于公开2025年部门预算的通知\n\n各单位：现将有关事项通知如下。\n", encoding="utf-8")
    files.insert(1, broken)
    empty = folder / "empty.txt"
    empty.write_text("", encoding="utf-8")
    files.append(empty)
    return files


@pytest.fixture(scope="module")
def looped(year_files):
    return serial(year_files)


@pytest.fixture(scope="module")
def pooled(year_files):
    """parse_files on two worker processes, and what its progress reports said."""
    seen = []
    tables = parse_files(year_files, 2025, jobs=2, progress=lambda *args: seen.append(args))
    return tables, seen


def serial(files, year=2025):
    """What a loop over the files gives, with the files it could not parse."""
    parts, skipped = [], []
    for path in files:
        try:
            parts.append(parse_file(path, year=year))
        except Exception as exc:  # noqa: BLE001 - the loop a user would write
            skipped.append(SkippedFile(path, str(exc), type(exc).__name__))
    return concat_tables(parts), skipped


def assert_same_tables(got, expected):
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)


@pytest.mark.parametrize("jobs", [pytest.param(1, id="in-process"), pytest.param(2, id="pool-2")])
def test_parse_files_equals_a_loop(year_files, looped, pooled, jobs):
    expected, skipped = looped
    got = parse_files(year_files, 2025, jobs=1, progress=None) if jobs == 1 else pooled[0]
    assert_same_tables(got, expected)
    assert got.skipped == skipped
    assert [s.path.name for s in got.skipped] == ["通知 notice only.txt", "empty.txt"]
    assert got.counts()["documents"] == len(year_files) - 2
    assert got.projects["source_file"].drop_duplicates().tolist() == [
        p.name for p in year_files if p.name not in {"通知 notice only.txt", "empty.txt"}
    ]


def test_skipped_error_names_the_file(pooled):
    assert all(s.path.name in s.error for s in pooled[0].skipped)


def test_progress_once_per_file(year_files, pooled):
    seen = pooled[1]
    assert [done for done, *_ in seen] == list(range(1, len(year_files) + 1))
    assert {total for _, total, _, _ in seen} == {len(year_files)}
    assert sorted(p.name for _, _, p, _ in seen) == sorted(p.name for p in year_files)
    assert {p.name for _, _, p, error in seen if error} == {"通知 notice only.txt", "empty.txt"}


def test_default_progress_logs_each_file(year_files, caplog):
    with caplog.at_level(logging.INFO, logger="budgetkit"):
        parse_files(year_files[:3], 2025, jobs=2)
    lines = [r.getMessage() for r in caplog.records if r.name == "budgetkit.scale.batch"]
    assert sum(m.startswith("parsed ") and "/3 " in m for m in lines) == 2
    assert any(m.startswith("skipped ") and "通知 notice only.txt" in m for m in lines)


def log_and_return(path: Path) -> str:
    """A task for the workers: logs as the parser would, returns the name."""
    logging.getLogger("budgetkit.test").warning("seen %s", path.name)
    logging.getLogger("budgetkit.test").debug("not shown at INFO: %s", path.name)
    return path.name


def test_worker_logs_are_logged_here(tmp_path, caplog):
    paths = [tmp_path / f"{n}.txt" for n in range(4)]
    with caplog.at_level(logging.INFO, logger="budgetkit"):
        names = map_files(log_and_return, paths, jobs=2)
    assert names == [p.name for p in paths]
    seen = sorted(r.getMessage() for r in caplog.records if r.name == "budgetkit.test")
    assert seen == [f"seen {p.name}" for p in paths]


@pytest.mark.parametrize("jobs", [pytest.param(0, id="zero"), pytest.param(-1, id="negative"),
                                  pytest.param(1.5, id="float"), pytest.param(True, id="bool")])
def test_jobs_must_be_a_positive_int(year_files, jobs):
    with pytest.raises(ParameterError, match="jobs must be a positive int"):
        parse_files(year_files, 2025, jobs=jobs)


def test_no_files():
    got = parse_files([], 2025)
    assert got.counts() == {name: 0 for name in TABLE_NAMES} and got.skipped == []


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_equals_the_pool(year_files, pooled, dask_client):
    expected = pooled[0]
    got = parse_files(year_files, 2025, scheduler=dask_client, progress=None)
    assert_same_tables(got, expected)
    assert got.skipped == expected.skipped


def test_dask_scheduler_address(year_files, dask_client):
    address = dask_client.scheduler.address
    got = parse_files(year_files[:2], 2025, scheduler=address, progress=None)
    assert_same_tables(got, serial(year_files[:2])[0])
