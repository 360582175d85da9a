"""Input fingerprints: each kind of change changes the digest and is named; nothing else does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetkit.errors import InputError
from budgetkit.project.fingerprint import changes, fingerprint, is_current, notebook_digest, package_fingerprint

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 01 清洗 clean\n"]},
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "source": ["year: int = 2025  # 预算年度\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["tables = steps.clean_year(params)"]},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}
PARAMS = {"year": 2025, "root": "", "raw_dir": "data/raw"}


@pytest.fixture
def inputs(tmp_path):
    raw = tmp_path / "data/raw/2025"
    raw.mkdir(parents=True)
    files = []
    for name, text in [("甲单位.txt", "项目名称 职工困难帮扶资金项目\n项目总额 886.8"), ("b.txt", "项目名称 乙\n≥90％")]:
        (raw / name).write_text(text, encoding="utf-8")
        files.append(raw / name)
    notebook = tmp_path / "01_clean.ipynb"
    notebook.write_text(json.dumps(NOTEBOOK, ensure_ascii=False), encoding="utf-8")
    return files, notebook


def take(inputs, **kw):
    files, notebook = inputs
    return fingerprint(kw.get("files", files), notebook, kw.get("params", PARAMS), version=kw.get("version", "0.1.0"))


def edit_notebook(notebook: Path, change) -> None:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    change(data)
    notebook.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def append_text(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


CHANGES = [
    pytest.param(lambda f, nb: append_text(f[0], "\n指标值 ≥95%"), {}, ["raw file changed: 甲单位.txt"],
                 id="raw-file-edited"),
    pytest.param(lambda f, nb: f[1].write_bytes(f[1].read_bytes().replace("％".encode(), b"%")), {},
                 ["raw file changed: b.txt"], id="raw-file-full-width-to-half-width"),
    pytest.param(lambda f, nb: f.append(_new(f[0].parent / "c.txt")), {}, ["raw file added: c.txt"],
                 id="raw-file-added"),
    pytest.param(lambda f, nb: f.pop(0), {}, ["raw file removed: 甲单位.txt"], id="raw-file-removed"),
    pytest.param(lambda f, nb: f.__setitem__(1, f[1].rename(f[1].with_name("b2.txt"))), {},
                 ["raw file removed: b.txt", "raw file added: b2.txt"], id="raw-file-renamed"),
    pytest.param(lambda f, nb: edit_notebook(nb, lambda d: d["cells"][2].update(source="tables = 1")), {},
                 ["notebook changed"], id="notebook-code"),
    pytest.param(lambda f, nb: edit_notebook(nb, lambda d: d["metadata"]["kernelspec"].update(name="python2")),
                 {}, ["notebook changed"], id="notebook-kernel"),
    pytest.param(lambda f, nb: None, {"version": "0.2.0"}, ["budgetkit changed"], id="package-version"),
    pytest.param(lambda f, nb: None, {"params": {**PARAMS, "year": 2026}}, ["parameters changed"],
                 id="parameter-value"),
    pytest.param(lambda f, nb: None, {"params": {**PARAMS, "figures_dir": "figs"}}, ["parameters changed"],
                 id="parameter-added"),
]


def _new(path: Path) -> Path:
    path.write_text("项目名称 丙", encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "kwargs", "said"), CHANGES)
def test_a_change_changes_the_digest_and_is_named(inputs, change, kwargs, said):
    before = take(inputs)
    files = list(inputs[0])
    change(files, inputs[1])
    after = take(inputs, files=files, **kwargs)
    assert after.digest != before.digest
    assert not is_current(before.record(), after)
    assert changes(before.record(), after) == said


SAME = [
    pytest.param(lambda f, nb: f.reverse(), {}, id="files-in-another-order"),
    pytest.param(lambda f, nb: f.append(f[0]), {}, id="file-listed-twice"),
    pytest.param(lambda f, nb: f[0].touch(), {}, id="modification-time-only"),
    pytest.param(lambda f, nb: edit_notebook(nb, lambda d: d["cells"][2].update(execution_count=3,
                                             outputs=[{"output_type": "stream", "text": "x"}])), {},
                 id="notebook-outputs-and-counts"),
    pytest.param(lambda f, nb: edit_notebook(nb, lambda d: d["metadata"].update(widgets={})), {},
                 id="notebook-other-metadata-and-indent"),
    pytest.param(lambda f, nb: None, {"params": dict(reversed(list(PARAMS.items())))}, id="parameter-order"),
]


@pytest.mark.parametrize(("change", "kwargs"), SAME)
def test_what_does_not_change_the_outputs_keeps_the_digest(inputs, change, kwargs):
    before = take(inputs)
    files = list(inputs[0])
    change(files, inputs[1])
    after = take(inputs, files=files, **kwargs)
    assert after == before
    assert is_current(before.record(), after) and changes(before.record(), after) == []


def test_moving_the_project_keeps_the_digest(inputs, tmp_path):
    before = take(inputs)
    moved = tmp_path / "elsewhere"
    (tmp_path / "data").rename(moved)
    files = [moved / "raw/2025" / p.name for p in inputs[0]]
    assert fingerprint(files, inputs[1], PARAMS, version="0.1.0") == before


@pytest.mark.parametrize(
    "recorded",
    [pytest.param(None, id="none"), pytest.param({}, id="empty"), pytest.param({"digest": 5}, id="wrong-type"),
     pytest.param("abc", id="a-string"), pytest.param({"parts": {}}, id="parts-without-digest")],
)
def test_no_usable_record_is_not_current(inputs, recorded):
    current = take(inputs)
    assert not is_current(recorded, current)
    assert changes(recorded, current)


def test_record_round_trips_through_json(inputs):
    current = take(inputs)
    recorded = json.loads(json.dumps({"01_clean": current.record()}, ensure_ascii=False))["01_clean"]
    assert is_current(recorded, current) and changes(recorded, current) == []


def test_errors_name_the_file(inputs, tmp_path):
    files, notebook = inputs
    with pytest.raises(InputError, match="missing.txt"):
        fingerprint([*files, tmp_path / "missing.txt"], notebook, PARAMS)
    other = tmp_path / "other" / "b.txt"
    other.parent.mkdir()
    other.write_text("不同的内容", encoding="utf-8")
    with pytest.raises(InputError, match="share a name"):
        fingerprint([*files, other], notebook, PARAMS)
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="bad.ipynb"):
        notebook_digest(bad)


def test_package_fingerprint_has_the_version_and_a_code_digest():
    from budgetkit import __version__

    version, _, code = package_fingerprint().partition("+")
    assert version == __version__ and len(code) == 16 and int(code, 16) >= 0


def test_the_real_notebooks_have_distinct_digests():
    root = Path(__file__).resolve().parents[1]
    digests = {notebook_digest(p) for p in (root / "notebooks").glob("*.ipynb")}
    assert len(digests) == len(list((root / "notebooks").glob("*.ipynb"))) >= 5
