"""A time budget per file (issue 27, per-file limits): a file read past ``seconds_per_file`` is skipped, the
limit named in one line, and the batch goes on, in this process and in the pool's workers."""

from __future__ import annotations

import math
import shutil
import signal
import threading
import time
from functools import partial
from pathlib import Path

import pytest

import budgetkit.parse
from budgetkit.errors import LimitError, ParameterError
from budgetkit.read import limits
from budgetkit.read.limits import Limits
from budgetkit.scale.batch import file_task, map_files, parse_files
from budgetkit.scale.budget import within_budget
from budgetkit.scale.dataset import write_dataset
from conftest import SEED

BUDGET = 4  # seconds: a warm reading of the seed takes about 0.4 s, on a busy machine a few times that
SLOW = 30.0  # seconds a slow reader would take: far past every budget below, so finishing in time proves the stop


@pytest.mark.parametrize("seconds", [
    pytest.param(0, id="zero"), pytest.param(-1, id="negative"), pytest.param(math.nan, id="nan"),
    pytest.param(math.inf, id="infinite"), pytest.param(True, id="bool"), pytest.param("5", id="text"),
])
def test_seconds_per_file_must_be_a_positive_number(seconds):
    with pytest.raises(ParameterError, match="seconds_per_file"):
        Limits(seconds_per_file=seconds)


@pytest.mark.parametrize("seconds", [pytest.param(0.25, id="fraction"), pytest.param(3, id="int")])
def test_seconds_per_file_is_a_setting(seconds):
    assert Limits(seconds_per_file=seconds).seconds_per_file == seconds
    assert limits.LIMITS.seconds_per_file >= 300, "the default is far above any real file (2,000 pages: ~100 s)"


def _swallowing_reader() -> str:
    """A reader that keeps every Exception (as some libraries do) and would run for SLOW seconds."""
    end = time.monotonic() + SLOW
    while time.monotonic() < end:
        try:
            time.sleep(0.01)
        except Exception:  # noqa: BLE001, S110 -- the point: a reader that keeps errors
            pass
    return "done"


def _raises() -> None:
    raise KeyError("表头")


@pytest.mark.parametrize(("work", "error"), [
    pytest.param(lambda: time.sleep(SLOW), LimitError, id="sleeping-reader"),
    pytest.param(_swallowing_reader, LimitError, id="reader-that-swallows-exceptions"),
    pytest.param(_raises, KeyError, id="own-error-kept"),
])
def test_within_budget_stops_the_reading(work, error):
    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(error) as caught:
        within_budget(0.3, "data/raw/2025/慢.pdf", work)
    assert time.monotonic() - started < SLOW / 3
    if error is LimitError:
        assert str(caught.value) == ("data/raw/2025/慢.pdf: reading took more than 0.3 s "
                                     "(past the limit seconds_per_file = 0.3)")
        assert caught.value.limit == "seconds_per_file"
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_file_read_in_time_keeps_its_result():
    assert within_budget(5.0, "a.txt", lambda: "表") == "表"
    time.sleep(0.1)  # no timer left to ring


def test_outside_the_main_thread_a_late_file_is_still_skipped():
    got: list = []

    def run() -> None:
        try:
            got.append(within_budget(0.05, "a.txt", lambda: time.sleep(0.2)))
        except LimitError as exc:
            got.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert isinstance(got[0], LimitError) and got[0].limit == "seconds_per_file"


@pytest.fixture
def year_of_three(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "2025"
    folder.mkdir()
    names = ("甲.txt", "slow 慢.txt", "丙.txt")
    for name in names:
        shutil.copy(SEED, folder / name)
    return [folder / n for n in names]


@pytest.fixture
def slow_reader(monkeypatch):
    """``read_document`` slow for a file whose name starts with ``slow``; a budget of BUDGET s.

    The seed is read once first: a first reading in a process loads the vocabulary and may take a second.
    """
    budgetkit.parse.parse_file(SEED)
    read = budgetkit.parse.read_document

    def slow(path, *args, **kwargs):
        if Path(path).name.startswith("slow"):
            time.sleep(SLOW)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(budgetkit.parse, "read_document", slow)
    monkeypatch.setattr(limits, "LIMITS", Limits(seconds_per_file=BUDGET))


def _one_line_past_the_limit(skipped, name: str) -> None:
    assert [s.path.name for s in skipped] == [name]
    assert skipped[0].kind == "LimitError"
    assert skipped[0].error.endswith(f"(past the limit seconds_per_file = {BUDGET})")
    assert "\n" not in skipped[0].error and "Traceback" not in skipped[0].error


def test_serial_batch_skips_the_slow_file_and_goes_on(year_of_three, slow_reader):
    started = time.monotonic()
    tables = parse_files(year_of_three, 2025, jobs=1, progress=None)
    assert time.monotonic() - started < SLOW
    _one_line_past_the_limit(tables.skipped, "slow 慢.txt")
    assert tables.counts()["projects"] == 22, "the two other copies of the seed read"


def test_dataset_skips_the_slow_file_and_goes_on(tmp_path, year_of_three, slow_reader):
    result = write_dataset(year_of_three, tmp_path / "dataset", 2025, jobs=1, progress=None)
    _one_line_past_the_limit(result.skipped, "slow 慢.txt")
    assert result.parsed == 2


def test_pool_workers_keep_the_callers_budget(year_of_three, monkeypatch):
    monkeypatch.setattr(limits, "LIMITS", Limits(seconds_per_file=0.001))
    tables = parse_files(year_of_three, 2025, jobs=2, progress=None)
    assert len(tables.skipped) == 3 and {s.kind for s in tables.skipped} == {"LimitError"}
    assert all("seconds_per_file = 0.001" in s.error for s in tables.skipped)


def slow_or_quick(path: Path) -> str:
    """A task for the workers: SLOW seconds for a file named slow*, else at once."""
    if path.name.startswith("slow"):
        time.sleep(SLOW)
    return path.name


def test_pool_stops_slow_files_and_its_workers_go_on(tmp_path):
    paths = [tmp_path / n for n in ("slow1.txt", "a.txt", "slow2.txt", "b.txt", "c.txt")]
    started = time.monotonic()
    results = map_files(partial(file_task, work=slow_or_quick, seconds=1.0), paths, jobs=2)
    assert time.monotonic() - started < SLOW
    assert [r.kind for r in results] == ["LimitError", "", "LimitError", "", ""]
    assert [r.tables for r in results] == [None, "a.txt", None, "b.txt", "c.txt"]
    assert results[0].error == f"{paths[0]}: reading took more than 1 s (past the limit seconds_per_file = 1)"
