"""The build's lock, staging and journalled swap (budgetkit.project.stage): a crash at any point is recoverable."""

from __future__ import annotations

import json
import os

import pytest

from budgetkit.project.paths import ProjectPaths
from budgetkit.project.stage import BuildLockedError, Stage, build_lock, recover


def _year(paths: ProjectPaths, base, version: str) -> None:
    """Write a fake year's outputs (one file per folder, and a manifest) under ``base`` (a ProjectPaths)."""
    for kind in ("processed", "figures", "reports"):
        folder = getattr(base, kind) / "2025"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{kind}.txt").write_text(version, encoding="utf-8")
    (base.reports / "2025/run_manifest.json").write_text(json.dumps({"status": "ok", "version": version}))


def _versions(paths: ProjectPaths) -> set[str]:
    return {(getattr(paths, k) / "2025" / f"{k}.txt").read_text(encoding="utf-8")
            for k in ("processed", "figures", "reports")}


@pytest.fixture
def paths(tmp_path):
    p = ProjectPaths(tmp_path)
    (tmp_path / "data/raw/2025").mkdir(parents=True)
    _year(p, p, "old")
    return p


def test_swap_moves_every_folder_and_leaves_nothing_behind(paths):
    with build_lock(paths):
        stage = Stage.create(paths, "2025")
        _year(paths, stage.paths, "new")
        stage.swap(["processed", "figures", "reports"], "2025")
        stage.remove()
    assert _versions(paths) == {"new"}
    assert sorted(p.name for p in paths.state.iterdir()) == ["build.lock"]


@pytest.mark.parametrize("moves_before_crash", [
    pytest.param(0, id="before-any-move"),
    pytest.param(1, id="old-processed-moved-aside"),
    pytest.param(2, id="new-processed-in"),
    pytest.param(4, id="new-figures-in"),
    pytest.param(5, id="old-reports-moved-aside"),
])
def test_a_swap_killed_midway_says_running_and_is_finished_by_the_next_build(paths, monkeypatch,
                                                                              moves_before_crash):
    real_replace = os.replace
    calls = {"n": 0}

    def crashing_replace(src, dst):
        if os.path.basename(src).startswith("."):
            return real_replace(src, dst)  # write_atomic's temporary files (the journal, the manifest)
        if calls["n"] == moves_before_crash:
            raise KeyboardInterrupt("killed")
        calls["n"] += 1
        return real_replace(src, dst)

    with build_lock(paths):
        stage = Stage.create(paths, "2025")
        _year(paths, stage.paths, "new")
        monkeypatch.setattr(os, "replace", crashing_replace)
        with pytest.raises(KeyboardInterrupt):
            stage.swap(["processed", "figures", "reports"], "2025")
        monkeypatch.setattr(os, "replace", real_replace)
    live = paths.reports / "2025/run_manifest.json"
    if live.is_file():  # the old reports are still in place: their manifest must not claim ok
        assert json.loads(live.read_text())["status"] == "running"
    with build_lock(paths):
        done = recover(paths)
    assert any("interrupted swap" in line for line in done)
    assert _versions(paths) == {"new"}
    assert json.loads(live.read_text()) == {"status": "ok", "version": "new"}
    assert sorted(p.name for p in paths.state.iterdir()) == ["build.lock"]


def test_recover_removes_stale_staging_folders(paths):
    (paths.state / "stage-2025-123/data").mkdir(parents=True)
    (paths.state / "trash-2025-123").mkdir()
    (paths.processed / ".2025-abc123").mkdir()
    (paths.processed / ".compare-x").mkdir()
    with build_lock(paths):
        done = recover(paths)
    assert len(done) == 4
    assert sorted(p.name for p in paths.state.iterdir()) == ["build.lock"]
    assert sorted(p.name for p in paths.processed.iterdir()) == ["2025"]


def test_two_builds_of_one_tree_do_not_interleave(paths):
    with build_lock(paths):
        with pytest.raises(BuildLockedError, match=f"another build of this tree is running \\(pid {os.getpid()}\\)"):
            with build_lock(paths):
                pass
    with build_lock(paths):  # released
        pass
