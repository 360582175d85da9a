"""Families of where a table's rows end and which budget column is its total, rendered from the real keys.

1. **cut-inside-the-last-closed-cell** (incoming B16): a page whose cells are each closed by a pipe (``>=80人 |``)
   ends, at the file's 2,000-byte cap, on a cell with no pipe (``>=9``): the file was cut inside that cell, so its
   row is reported, not read with a value it never printed in full. The generator lays every key's rows out one cell
   a line (the B16 page) and cuts the file inside the value of an extra last row.
2. **form-question-after-rows** (incoming A06, 浙江 项目库): a question of the form the table sits in, printed after
   the indicator rows with tick boxes for its answers (``最近年度绩效评价情况 | 优秀□ 良好□ 合格□ …``), is no
   indicator row: the rows end before it.
3. **first-budget-column-zero** (incoming A18): a 自评表 money row prints 年初预算数 and 全年预算数; the year's total
   is the first (as the B15 and 国家信访局 keys read it), except where it prints 0 (all of the year's budget came
   during the year, the A18 key): then the 全年预算数.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_lines
from budgetkit.vocab.vocabulary import lookup
from render import SHARED, load_tool  # tests/ is on the path

SCORER = SHARED / "tools" / "score_corpus.py"


def _keys() -> list[tuple[str, dict]]:
    out = []
    for folder in (SHARED / "corpus", SHARED / "incoming"):
        for p in sorted(folder.rglob("*.expected.json")) if folder.is_dir() else []:
            out.append((p.name.removesuffix(".expected.json"), json.loads(p.read_text(encoding="utf-8"))))
    return out


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "")


def _pipe_key(key: dict) -> dict | None:
    """The key's projects whose rows print both levels and a value with no pipe or line break, as a key."""
    projects = []
    for p in key.get("projects", []):
        rows = [r for r in p.get("indicators", []) if r.get("level1") and r.get("level2") and not r.get("area")
                and r["value"] and not re.search(r"[|\n]", r["value"] + r["name"]) and len(_nfkc(r["value"])) >= 2
                and lookup(r["value"]) is None]  # a value that is itself a label (满意度) reads as one
        if len(rows) >= 3:
            projects.append({"name": p["name"], "indicators": rows})
    return {"projects": projects[:1]} if projects else None


_PIPE_KEYS = [(n, k) for n, k in ((n, _pipe_key(k)) for n, k in _keys()) if k][:8]


def one_cell_a_line(key: dict, cut_value: str | None = None, after: list[str] = ()) -> list[str]:
    """The key's project one cell a line, each closed by a pipe (B16); ``cut_value`` opens a last row cut inside it."""
    p = key["projects"][0]
    lines = ["项目支出绩效目标表 |", "项目名称 |", f"{p['name']} |", "一级指标 |", "二级指标 |", "三级指标 |", "指标值 |"]
    last = (None, None)
    for r in p["indicators"]:
        cells = [r["level1"] if r["level1"] != last[0] else "", r["level2"] if (r["level1"], r["level2"]) != last
                 else "", r["name"], r["value"]]
        last = (r["level1"], r["level2"])
        lines += [f"{c} |" if c else "|" for c in cells]
    lines += list(after)
    if cut_value is not None:
        lines += ["|", "|", "受助对象满意度(≥**%) |", cut_value]  # a last row under the last labels
    return lines


def _score(tmp_path: Path, key: dict, lines: list[str]) -> tuple[float, list[str]]:
    tables = parse_lines(lines, "page.txt", year=2024)
    write_tables(tables, tmp_path / "out")
    score, _, findings = load_tool(SCORER).score_doc(key, tmp_path / "out")
    return score, findings


pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"cut-inside-the-last-closed-cell-{n[:24]}")
                                      for n, k in _PIPE_KEYS])
@pytest.mark.parametrize("cut", [pytest.param(">=9", id="ascii-comparator"), pytest.param("≥9", id="sign"),
                                 pytest.param("9", id="digit-only")])
def test_a_file_cut_inside_its_last_closed_cell(tmp_path, name, key, cut):
    score, findings = _score(tmp_path, key, one_cell_a_line(key, cut_value=cut))
    assert score == 1.0, "\n".join(findings)


@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"adversarial-last-cell-closed-{n[:24]}")
                                      for n, k in _PIPE_KEYS[:3]])
def test_adversarial_a_closed_last_cell_is_read(tmp_path, name, key):
    """The same page whose last cell is closed (``>=95% |``): its row is read."""
    lines = one_cell_a_line(key, cut_value=">=95% |")
    tables = parse_lines(lines, "page.txt", year=2024)
    assert list(tables.indicators["value"])[-1] == ">=95%"


#: Form questions printed after the indicator rows, as 项目库 forms print them.
QUESTIONS = [("最近年度绩效评价情况", "优秀□ 良好□ 合格□ 不合格□未评价□", "evaluation-grade-A06"),
             ("项目完成情况", "已完成☑ 未完成□ 部分完成□", "one-ticked"),
             ("是否开展事前评估", "是□ 否□ 不适用□", "yes-no-boxes")]


@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"form-question-after-rows-{n[:24]}")
                                      for n, k in _PIPE_KEYS])
@pytest.mark.parametrize("question", [pytest.param(q[:2], id=q[2]) for q in QUESTIONS])
def test_a_form_question_after_the_rows_is_no_row(tmp_path, name, key, question):
    label, options = question
    score, findings = _score(tmp_path, key, one_cell_a_line(key, after=[f"{label} |", f"{options} |",
                                                                       "附上一年度评价报告列示的主要问题 |"]))
    assert score == 1.0, "\n".join(findings)


def test_the_families_have_keys_to_render():
    assert len(_PIPE_KEYS) >= 5, [n for n, _ in _PIPE_KEYS]


@pytest.mark.parametrize(
    ("start", "year", "total"),
    [
        pytest.param("0", "2.38", 2.38, id="first-budget-column-zero-A18"),
        pytest.param("238.93", "251.89", 238.93, id="first-budget-column-printed-B15"),
        pytest.param("0", "0", 0.0, id="adversarial-both-zero"),
        pytest.param("0.00", "12.5", 12.5, id="zero-with-decimals"),
    ],
)
def test_first_budget_column_zero(start, year, total):
    rows = [["项目支出绩效自评表 (2024年度)"], ["项目名称", "测试项目"], ["主管部门", "测试局"],
            ["项目资金 (万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"],
            ["年度资金总额", start, year, year, "10", "100", "10"], ["其中:财政拨款", "0", "0.58", "0.58", "——", "100", "——"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "测试人数", "≥10人", "12人", "90", "90"]]
    lines = [f"{cell} |" if cell else "|" for row in rows for cell in ["", *row]]
    tables = parse_lines(lines, "selfeval.txt", year=2024)
    assert list(tables.projects["total_wan"]) == [pytest.approx(total)]
