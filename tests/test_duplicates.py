"""One document in two formats (same name, same tables) is read once, and the year says so (issue 27 probe 4):
the year's ``skipped`` list and the build manifest name the duplicate and the file kept."""

from __future__ import annotations

import json

import pytest

import render
from budgetkit.build.build import build_year
from budgetkit.build.steps import read_year
from budgetkit.project.paths import project_paths
from budgetkit.project.stage import build_lock
from budgetkit.report.params import validate_params
from budgetkit.report.site import _skipped_banner
from conftest import make_project

FORMATS = [
    # (formats written, the one read: READ_FIRST's order, by hand)
    pytest.param(("xlsx", "docx"), "xlsx", id="xlsx-and-docx"),
    pytest.param(("docx", "html"), "docx", id="docx-and-html"),
    pytest.param(("html", "xlsx"), "xlsx", id="html-and-xlsx"),
]


def _year(root, formats) -> dict[str, str]:
    folder = root / "data/raw/2025"
    folder.mkdir(parents=True, exist_ok=True)
    return {f: render.RENDERERS[f](render.seed_key(), folder / f"附件{render.SUFFIX[f]}").name for f in formats}


@pytest.mark.parametrize(("formats", "kept"), FORMATS)
def test_the_years_skipped_list_names_the_duplicate_and_the_file_kept(tmp_path, formats, kept):
    root = make_project(tmp_path, {})
    names = _year(root, formats)
    [other] = [names[f] for f in formats if f != kept]
    tables, skipped = read_year(validate_params({"year": 2025, "root": str(root)}, "01_clean"))
    assert len(tables.projects) == 11, "the seed's 11 tables, read once"
    assert skipped.to_dict("records") == [{
        "source_file": other, "error": "DuplicateFile",
        "reason": f"{other}: the same document as {names[kept]} (same name, another format), which is read instead",
    }]


def _build(root):
    paths = project_paths(root)
    with build_lock(paths):
        result = build_year(2025, paths, html=False, notebooks=("01_clean",))
    return result, json.loads((paths.reports_year(2025) / "run_manifest.json").read_text(encoding="utf-8"))


def test_the_build_manifest_names_the_duplicate_and_the_file_kept(tmp_path):
    root = make_project(tmp_path, {})
    _year(root, ("xlsx",))
    result, manifest = _build(root)
    assert result.status == "ok" and manifest["duplicates"] == [] and result.duplicates == []
    _year(root, ("docx",))  # the same document added in another format: the year is built again
    result, manifest = _build(root)
    assert result.status == "ok" and not result.up_to_date
    assert manifest["duplicates"] == [{"source_file": "附件.docx", "kept": "附件.xlsx"}]
    assert [s["source_file"] for s in manifest["skipped"] if s["error"] == "DuplicateFile"] == ["附件.docx"]
    assert result.unreadable == [] and result.no_table == [] and len(result.duplicates) == 1
    assert manifest["row_counts"]["projects"] == 11


@pytest.mark.parametrize(("skipped", "banners"), [
    pytest.param([{"source_file": "附件.docx", "error": "DuplicateFile", "reason": "附件.docx: the same document as 附件.xlsx"}],
                 [("info", "1 个文件是已读文件的另一格式")], id="a-duplicate-is-an-information"),
    pytest.param([{"source_file": "预算.pdf", "error": "NoTableError", "reason": "预算.pdf: no table"},
                  {"source_file": "附件.docx", "error": "DuplicateFile", "reason": "附件.docx: the same document"},
                  {"source_file": "坏.pdf", "error": "InputError", "reason": "坏.pdf: damaged"}],
                 [("warn", "1 个文件无法读取"), ("info", "1 个文件不含"), ("info", "1 个文件是已读文件的另一格式")],
                 id="duplicate-beside-no-table-and-broken"),
])
def test_pages_say_a_duplicate_was_read_once(skipped, banners):
    got = _skipped_banner({"skipped": skipped})
    assert [(b.kind, b.title[:len(t)]) for b, (_, t) in zip(got, banners, strict=True)] == banners
