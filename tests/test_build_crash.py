"""Builds killed with SIGKILL at several moments leave every year consistent and every manifest truthful."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from budgetkit.build.build import build
from conftest import SEED, make_project

TABLES = ("documents", "projects", "indicators", "unparsed", "skipped", "costs", "terms", "audit")


def _rows(folder: Path, name: str) -> tuple[int, int]:
    return len(pd.read_csv(folder / f"{name}.csv")), len(pd.read_parquet(folder / f"{name}.parquet"))


def check_consistent(root: Path) -> str:
    """Assert the live 2025 outputs are one whole build; return which (``old``, ``new`` or ``running``)."""
    manifest = json.loads((root / "reports/2025/run_manifest.json").read_text(encoding="utf-8"))
    processed = root / "data/processed/2025"
    if manifest["status"] == "running":  # a swap was cut short: the manifest says so, and the journal is there
        assert (root / ".budgetkit/swap-2025.json").is_file()
        return "running"
    assert manifest["status"] == "ok", manifest
    files = len(manifest["inputs"])
    for name in TABLES:
        csv_rows, parquet_rows = _rows(processed, name)
        assert csv_rows == parquet_rows == manifest["row_counts"][name], name
    assert manifest["row_counts"]["projects"] == manifest["row_counts"]["costs"] == 11 * files
    assert manifest["summary"]["projects"] == 11 * files
    for output in manifest["outputs"]:
        assert (root / output).is_file(), output
    page = (root / "reports/2025/index.html").read_text(encoding="utf-8")
    assert page.count('href="projects/') == 11 * files
    return {1: "old", 2: "new"}[files]


def _kill_at(root: Path, marker: str, delay: float) -> str:
    """Start a build, SIGKILL it ``delay`` seconds after its log shows ``marker``; return the log."""
    proc = subprocess.Popen([sys.executable, "-m", "budgetkit", "build", "--root", str(root)], cwd=root,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True)
    log = []
    try:
        for line in proc.stderr:
            log.append(line)
            if marker in line:
                time.sleep(delay)
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stderr.close()
    # the kernels notice their parent died within a second or two and exit; give them the time
    time.sleep(2)
    return "".join(log)


@pytest.mark.notebooks
def test_builds_killed_at_several_moments_leave_every_year_consistent(tmp_path):
    root = make_project(tmp_path, {2025: SEED.read_bytes()})
    build(root=root)
    assert check_consistent(root) == "old"
    (root / "data/raw/2025/second-copy.txt").write_bytes(SEED.read_bytes())  # 22 projects from now on
    seen = []
    # each moment is a step's own log line, and the delays are short beside the step they fall in, so the kills
    # land where they aim on a fast machine as on a slow one (the pages are written between 04_figures and the swap)
    moments = [("01_clean …", 0.5), ("03_audit …", 0.1), ("04_figures …", 0.5), ("04_figures done", 0.0),
               ("swapped in", 0.0)]
    for marker, delay in moments:
        log = _kill_at(root, marker, delay)
        assert marker in log, log
        seen.append(check_consistent(root))
    assert "old" in seen and "new" in seen, seen
    # the next build finishes any interrupted swap, removes every staging folder and builds the new inputs
    results = build(root=root)
    assert results[0].status == "ok"
    assert check_consistent(root) == "new"
    assert [p.name for p in (root / ".budgetkit").iterdir()] == ["build.lock"]
    leftovers = [p for base in ("data/processed", "figures", "reports") for p in (root / base).iterdir()
                 if p.name.startswith(".")]
    assert not leftovers


def test_the_build_hands_the_interpreter_over_quickly_and_restores_the_interval():
    from budgetkit.build.build import _responsive

    before = sys.getswitchinterval()
    with _responsive():
        assert sys.getswitchinterval() <= 0.0005
        with pytest.raises(KeyError):
            with _responsive(interval=0.001):
                assert sys.getswitchinterval() <= 0.0005, "never made longer"
                raise KeyError("a failed build")
        assert sys.getswitchinterval() <= 0.0005
    assert sys.getswitchinterval() == before
