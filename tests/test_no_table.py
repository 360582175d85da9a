"""A file that was read and holds no performance-target table is an information, not a failure (issue 26, item 1).

The year builds, the command exits 0 (also on a rebuild with nothing to do), and the pages list the file as
holding no target table, in Chinese, without advice meant for developers.
"""

from __future__ import annotations

import re

import pytest

from budgetkit.report.failures import reader_reason, split_skipped
from conftest import SEED, make_project

#: Budget volumes without a target table, as their text reaches the reader (the families seen in real years).
VOLUMES = {
    "volume-text": "某某市民政局2025年部门预算\n\n目录\n第一部分 部门概况\n一、主要职能\n负责全市民政工作。\n"
                   "二、部门预算单位构成\n本部门预算包括局本级。\n第二部分 2025年部门预算表\n收支总表\n单位：万元\n",
    "notice-text": "关于公开2025年部门预算的说明\n\n根据《预算法》规定，现将本单位2025年部门预算公开如下。\n"
                   "一、收入预算 二、支出预算 三、“三公”经费\n",
}


@pytest.mark.parametrize(
    ("kind", "reason", "expected"),
    [
        pytest.param("NoTableError", "x.pdf: no performance-target table found (33 pages read; nearest anchors: "
                     "'项目'); a table needs …; to read a new template, add its labels to "
                     "src/budgetkit/metadata/vocabulary.csv", "已读取 33 页，不含项目支出绩效目标表", id="pdf-volume"),
        pytest.param("NoTableError", "x.txt: no performance-target table found (7 lines read; no anchor seen)",
                     "已读取 7 行，不含项目支出绩效目标表", id="text-notice"),
        pytest.param("NoTableError", "x.xlsx: no performance-target table found (2 sheets read; no anchor seen)",
                     "已读取 2 个工作表，不含项目支出绩效目标表", id="workbook"),
        pytest.param("NoTableError", "x.html: no performance-target table found", "已读取，不含项目支出绩效目标表",
                     id="no-count"),
        pytest.param("InputError", "data/raw/2025/坏.pdf: damaged PDF", "data/raw/2025/坏.pdf: damaged PDF",
                     id="unreadable-kept-as-given"),
    ],
)
def test_reader_reason(kind, reason, expected):
    assert reader_reason(kind, reason) == expected
    if kind == "NoTableError":
        assert "vocabulary" not in reader_reason(kind, reason)


def test_a_file_without_a_table_alone_exits_0(monkeypatch, capsys):
    from budgetkit.build import build as build_module
    from budgetkit.build.build import BuildResult
    from budgetkit.cli import main

    no_table = {"source_file": "部门预算.pdf", "error": "NoTableError", "reason": "no performance-target table"}
    broken = {"source_file": "坏.pdf", "error": "InputError", "reason": "damaged"}
    results = [BuildResult("2025", notebooks={"01_clean": 1.0}, skipped=[no_table])]
    monkeypatch.setattr(build_module, "build", lambda **kwargs: results)
    assert main(["-q", "build"]) == 0
    out = capsys.readouterr()
    assert "1 file(s) hold no target table" in out.out and "warning" not in out.err
    results[0].skipped = [no_table, broken]
    assert main(["-q", "build"]) == 1
    assert split_skipped(results[0].skipped) == ([no_table], [broken])


@pytest.mark.notebooks
def test_a_year_with_a_volume_without_tables_builds_and_lists_it(tmp_path):
    from budgetkit.cli import main

    root = make_project(tmp_path, {2025: SEED.read_bytes()})
    for name, text in VOLUMES.items():
        (root / f"data/raw/2025/{name}.txt").write_text(text, encoding="utf-8")
    assert main(["-q", "build", "--root", str(root)]) == 0
    assert main(["-q", "build", "--root", str(root)]) == 0, "a rebuild with nothing to do is no failure either"
    year = (root / "reports/2025/index.html").read_text(encoding="utf-8")
    clean = (root / "reports/2025/01_clean.html").read_text(encoding="utf-8")
    index = (root / "reports/index.html").read_text(encoding="utf-8")
    for page in (year, clean):
        page = re.sub(r"<[^>]+>", "", page)  # the text a reader sees (tooltips hold the dictionary's English)
        for name in VOLUMES:
            assert f"{name}.txt" in page
        assert "不含项目支出绩效目标表" in page
        assert "could not be read" not in page and "vocabulary.csv" not in page and "无法读取，已跳过" not in page
    assert "未完整构建" not in index
