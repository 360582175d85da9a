"""Families of 自评表 column layouts, rendered from the hand keys of self-evaluation tables.

1. Columns 指标性质 | 指标方向 | 年度指标值 | 实际完成值 | 计量单位 | 分值 | 得分 (内蒙古, below).
2. A two-row header (绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 over 一级 | 二级 | 三级 | 指标性质 | 指标值 |
   度量单位) flattened into one pipe row with the first indicator row (云南 公开14表, incoming B14), later rows
   printing their level labels only where a block starts: :func:`test_text_two_row_header_flattened`.

The 内蒙古 form (incoming A18) prints 正向 under 指标性质, the comparator in words under 指标方向 (大于等于,
小于等于, 等于), the bare number under 年度指标值 and the unit after the actual. The generator takes the
indicator rows of the hand keys of self-evaluation tables (corpus A17, B15; incoming A16, A18, B14, B16; the
宁德 and 国家信访局 volumes) whose target is a comparator, a number and a unit, lays each key out in that form,
renders it as text one cell per line (``X |``, the A18 page) and as an XLSX sheet, and requires the key's names,
the target read as comparator word + number (the cells side by side, as the A18 key reads them) and the row met.
"""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.analyse.run import analyse_file
from budgetkit.parse import parse_file, parse_lines
from budgetkit.recognise.selfeval import comparator_of, unit_joins
from budgetkit.vocab.vocabulary import lookup
from render import SELF_EVALUATIONS, SHARED

#: Comparators as the 指标方向 column prints them in words.
WORDS = {"≥": "大于等于", "≧": "大于等于", ">=": "大于等于", "≤": "小于等于", "≦": "小于等于", "<=": "小于等于",
         "=": "等于", "═": "等于"}
TARGET = re.compile(r"^(≥|≧|>=|≤|≦|<=|=|═)(\d+(?:\.\d+)?)(%|[\u4e00-\u9fff]{1,2})$")
HEAD = ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值", "计量单位", "分值",
        "得分", "偏差原因分析及改进措施"]


def _shared() -> Path | None:
    return SHARED if SHARED.is_dir() else None  # tests/render.py: $BUDGETKIT_SHARED, else ../shared


def _rows(key: dict) -> list[dict]:
    """The key's rows printable in the form: a name of its own, a target of comparator, number and unit."""
    out = []
    for p in key["projects"]:
        for i in p.get("indicators", []):
            m = TARGET.match(re.sub(r"\s+", "", i["value"]))
            if m and i.get("level2") and not re.match(r"^指标\d", i["name"]):
                out.append({"level1": i.get("level1") or "", "level2": i["level2"], "name": i["name"],
                            "op": m[1], "word": WORDS[m[1]], "num": m[2], "unit": m[3]})
    return out


def _documents() -> list:
    root = _shared()
    if root is None:
        return [pytest.param(None, id="shared-absent")]
    params = []
    for rel in SELF_EVALUATIONS:
        path = root / rel
        if path.exists() and (rows := _rows(json.loads(path.read_text(encoding="utf-8")))):
            params.append(pytest.param(rows, id=path.name.split("__")[-1][:30]))
    return params


def form_rows(rows: list[dict]) -> list[list[str]]:
    """The 内蒙古 自评表 as rows of cells: header block, money block, indicator header and rows."""
    table = [["项目支出绩效自评表 (2024年度)"], ["项目名称", "测试项目"], ["主管部门", "测试局", "实施单位", "测试中心"],
             ["项目资金 (万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"],
             ["年度资金总额", "0", "2.38", "2.38", "10", "100", "10"], ["绩效指标", *HEAD]]
    for r in rows:
        table.append(["", r["level1"], r["level2"], r["name"], "正向", r["word"], r["num"], r["num"], r["unit"], "8",
                      "8", ""])
    return table


def _norm(text: str) -> str:
    """As the corpus scorer compares strings: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _check(indicators, rows: list[dict]) -> None:
    got = {(_norm(n), _norm(v)) for n, v in zip(indicators["indicator"], indicators["value"], strict=True)}
    want = {(_norm(r["name"]), r["word"] + r["num"]) for r in rows}
    assert want <= got, sorted(want - got)


@pytest.mark.parametrize("rows", _documents())
def test_text_one_cell_per_line(rows):
    if rows is None:
        pytest.skip("../shared is absent: no self-evaluation keys to render")
    lines = [f"{cell} |" if cell else "|" for row in form_rows(rows) for cell in ["", *row]]
    tables = parse_lines(lines, "selfeval.txt", year=2024)
    _check(tables.indicators, rows)


@pytest.mark.parametrize("rows", _documents())
def test_xlsx_grid(rows, tmp_path):
    if rows is None:
        pytest.skip("../shared is absent: no self-evaluation keys to render")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in form_rows(rows):
        book.active.append(row)
    path = tmp_path / "selfeval.xlsx"
    book.save(path)
    _check(parse_file(path, year=2024).indicators, rows)
    achieved = analyse_file(path, tmp_path / "out")["achievement"]
    assert set(achieved["met"]) == {"yes"}, achieved[["indicator", "target", "actual", "met", "why"]].to_string()


def flattened_two_row_header(rows: list[dict]) -> list[str]:
    """The 云南 公开14表 as pipe rows: the header block, then both header rows and the first row in one run."""
    head = ["绩效指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "一级指标", "二级指标",
            "三级指标", "指标性质", "指标值", "度量单位"]
    lines = ["2022年度项目支出绩效自评表 | 部门:测试中学 |", "| 项目名称 | 测试项目 | 主管部门 | 测试局 | 实施单位 | 测试中学 |"]
    run, prev = list(head), (None, None)
    for r in rows:
        labels = [r["level1"] or "产出指标", r["level2"]]
        shown = labels if labels[0] != prev[0] else labels[1:] if labels[1] != prev[1] else []
        prev = tuple(labels)
        run += [*shown, r["name"], r["op"], r["num"], r["unit"], r["num"] + r["unit"], "10", "10"]
        lines.append("| " + " | ".join(run) + " |")
        run = []
    lines.append("| 其他需要说明事项 | 无 | 总分 | 100 | 100 | 优 |")
    return lines


def _labelled(rows: list[dict]) -> list[dict]:
    """The rows whose level labels the vocabulary knows: in a run of pipe cells only a known label is a label.

    (宁德's 部门整体 labels ``一般性支出情况`` are not known; where a run prints them, they read as names.)
    """
    def known(text: str, role: str) -> bool:
        match = lookup(text) if text else None
        return match is not None and any(t.role == role for t in match.terms)

    return [r for r in rows if known(r["level1"] or "产出指标", "level1") and known(r["level2"], "level2")]


@pytest.mark.parametrize("rows", _documents())
def test_text_two_row_header_flattened(rows):
    if rows is None:
        pytest.skip("../shared is absent: no self-evaluation keys to render")
    rows = _labelled(rows)
    tables = parse_lines(flattened_two_row_header(rows), "selfeval.txt", year=2022)
    got = {(_norm(n), _norm(v), _norm(a)) for n, v, a in
           zip(tables.indicators["indicator"], tables.indicators["value"], tables.indicators["value_actual"],
               strict=True)}
    want = {(_norm(r["name"]), _norm(r["op"] + r["num"] + r["unit"]), _norm(r["num"] + r["unit"])) for r in rows}
    assert want <= got, sorted(want - got)
    assert len(tables.indicators) == len(rows), "the 总分 row and the closing block are no indicators"


@pytest.mark.parametrize(
    ("order", "joins"),
    [
        pytest.param(["indicator", "nature", "direction", "value", "value_actual", "measure_unit"], {"value_actual"},
                     id="内蒙古-unit-after-the-actual"),
        pytest.param(["indicator", "nature", "value", "measure_unit", "value_actual"],
                     {"value", "value_actual", "value_long_term"}, id="云南-unit-between-target-and-actual"),
        pytest.param(["indicator", "value", "value_long_term", "measure_unit"],
                     {"value", "value_actual", "value_long_term"}, id="unit-after-the-long-term-target"),
        pytest.param(["indicator", "value", "value_actual", "score", "measure_unit"],
                     {"value", "value_actual", "value_long_term"}, id="unit-beside-no-value"),
        pytest.param(["indicator", "value", "value_actual"], {"value", "value_actual", "value_long_term"},
                     id="no-unit-column"),
    ],
)
def test_unit_joins(order, joins):
    assert unit_joins(order) == joins


@pytest.mark.parametrize(
    ("cells", "comparator"),
    [
        pytest.param({"nature": "正向", "direction": "大于等于"}, "大于等于", id="words"),
        pytest.param({"direction": "≥"}, "≥", id="symbol"),
        pytest.param({"direction": "═"}, "═", id="box-drawing-equals"),
        pytest.param({"direction": "正向"}, None, id="adversarial-direction-word"),
        pytest.param({"direction": "大于等于90%"}, None, id="adversarial-target-in-the-cell"),
        pytest.param({"direction": "等于说"}, None, id="adversarial-等于-inside-words"),
        pytest.param({}, None, id="no-direction-cell"),
    ],
)
def test_comparator_of(cells, comparator):
    assert comparator_of(cells) == comparator
