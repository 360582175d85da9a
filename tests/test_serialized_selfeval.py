"""Family: a 自评表 whose text layer is written column by column (incoming A16, 上海 普陀 on a document-sharing site).

The PDF's text layer comes out as one line in the order the cells were drawn: the title with the project's name
after it (the name cell written before its 项目名称 label), the money block's column labels then a run of its
amounts (the 年度资金总额 label written after them, the unit in ``项目资金 (元)`` later still), the indicator
column labels, then **every row's values in one run** (年度指标值 实际完成值 分值 得分 of row 1, of row 2 …, then
the 总分 row's two numbers), then the level labels and the names, a wrapped name's one-character tail (``率``)
wherever its line fell, the first name cut before the value column labels.

The generator takes the indicator rows of the hand achievement keys (``tests/keys/achievement`` and the shared
``corpus/analyses``: name, target, actual as the documents print them, keys made by reading) and lays each key's
project out in that order, with the variants the family shows: a first name written before the value columns,
wrapped tails, level-2 labels one per row or not. The reading must give each key row's name, target and actual,
and the analysis the key's ``met``. Adversarial variants: one name fewer than the value groups (no pairing by
order: nothing is paired wrongly), and a table cut before its values (names only: no indicator row).
"""

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.analyse.run import analyse_file
from budgetkit.parse import parse_lines
from budgetkit.recognise.header import name_after_title
from budgetkit.recognise.serialized import NO_VALUES

#: The level-2 labels a generated table prints, in its rows' order (cycled).
LEVEL2 = ["数量指标", "质量指标", "时效指标", "社会效益指标", "服务对象满意度指标"]


def _shared() -> Path | None:
    for candidate in (os.environ.get("BUDGETKIT_SHARED"), Path(__file__).parents[1] / ".." / "shared", "/work/shared"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def _norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _printable(row: dict) -> bool:
    """A row this layout prints as one piece per cell: no space inside a cell, a target and an actual printed."""
    cells = [row["name"], row["target"], row.get("actual") or ""]
    return all(c and not re.search(r"\s", c) for c in cells) and len(row["target"]) <= 16 \
        and len(row["actual"]) <= 16 and len(row["name"]) >= 4 and not re.match(r"^指标\d", row["name"])


def _projects() -> list:
    paths = sorted((Path(__file__).parent / "keys" / "achievement").glob("*.achievement.json"))
    if (root := _shared()) is not None:
        paths += sorted((root / "corpus" / "analyses").glob("*.achievement.json"))
    params = []
    for path in paths:
        key = json.loads(path.read_text(encoding="utf-8"))
        for n, p in enumerate(key["projects"]):
            rows = [r for r in p["indicators"] if _printable(r)]
            if len(rows) >= 2:
                params.append(pytest.param(rows, id=f"{key['source'].split('__')[-1][:24]}-{n}"))
    return params


def serialized(rows: list[dict], *, first_cut: bool = True, tails: bool = True, labels: bool = True,
               drop_name: bool = False) -> list[str]:
    """The table as its text layer writes it, column by column, on one line (after a file-name line)."""
    values = []
    for k, r in enumerate(rows):
        values += [r["target"], r["actual"], str(10 + k), str(10 + k)]
    names = [r["name"] for r in rows]
    pieces = [n[:-1] + " " + n[-1] if tails and k % 2 == 0 else n for k, n in enumerate(names)]
    if drop_name:
        pieces = pieces[:-1]
    head, lead = pieces[0].split(" ") if first_cut and " " in pieces[0] else (None, None)
    total = sum(10 + k for k in range(len(rows)))
    line = ["财政项目支出绩效自评表 (2022 年度) 某某中心与运营方结 算费用 项目名称 主管部门 某某局",
            "年初预算数 全年预算数 全年执行数 分值 执行率 得分 250000.00 250000.00 215,457.6 10 8.62",
            "— 上年结转资金 0 0 — 年度资金总额 项目资金 (元) 某某 中心 实施单位 预期目标 年度 总体 目标 86.19%",
            "实际完成情况 已完成年度任务。 一级指标 二级指标 数量指标 三级指标"]
    if head is not None:
        line.append(head)
    line += ["年度 指标值 实际 完成值 分值 得分", " ".join(values), f"{total} {total - 1}"]
    if lead is not None:
        line.append(lead)
        pieces = pieces[1:]
    line.append("产出指标 绩 效 指 标")
    if labels:
        line += [LEVEL2[k % len(LEVEL2)] for k in range(1, len(rows))]
    line += [*pieces, "满意度指标 总分 -1- 偏差原因分析及 改进措施"]
    return ["某某中心2022年度项目自评价.pdf", " ".join(line)]


def _read(rows: list[dict], **variant):
    return parse_lines(serialized(rows, **variant), "selfeval.txt", year=2022)


@pytest.mark.parametrize("rows", _projects())
@pytest.mark.parametrize(
    "variant",
    [
        pytest.param({}, id="first-name-cut-before-the-value-columns"),
        pytest.param({"first_cut": False}, id="names-after-the-values"),
        pytest.param({"tails": False, "first_cut": False}, id="no-wrapped-tails"),
        pytest.param({"labels": False}, id="level-2-labels-not-one-per-row"),
    ],
)
def test_column_by_column_rows_pair_by_order(rows, variant, tmp_path):
    tables = _read(rows, **variant)
    assert list(tables.projects["project"]) == ["某某中心与运营方结算费用"], "the name written before its label"
    assert list(tables.projects["total_wan"]) == [25.0], "the first money row, in 元 by its block's (元)"
    got = [(_norm(r.indicator), _norm(r.value), _norm(r.value_actual)) for r in tables.indicators.itertuples()]
    want = [(_norm(r["name"]), _norm(r["target"]), _norm(r["actual"])) for r in rows]
    assert got == want
    source = tmp_path / "selfeval.txt"
    source.write_text("\n".join(serialized(rows, **variant)), encoding="utf-8")
    achieved = analyse_file(source, tmp_path / "out")["achievement"]
    assert [(_norm(n), m) for n, m in zip(achieved["indicator"], achieved["met"], strict=True)] == \
        [(_norm(r["name"]), r["met"]) for r in rows]


@pytest.mark.parametrize("rows", _projects()[:3])
def test_adversarial_one_name_short_is_not_paired(rows):
    """Names and value groups that do not pair one to one are read as printed: no name takes another's values."""
    tables = _read(rows, drop_name=True)
    wrong = [(r.indicator, r.value) for r in tables.indicators.itertuples()
             if any(_norm(r.indicator) == _norm(w["name"]) and _norm(r.value) == _norm(w["target"])
                    and _norm(r.value_actual) == _norm(w["actual"]) for w in rows[1:])
             and _norm(r.indicator) != _norm(rows[0]["name"])]
    assert len(wrong) < len(rows) - 1, "a shortened name run was paired by order"


@pytest.mark.parametrize("rows", _projects()[:3])
def test_cut_before_the_values_gives_names_only(rows):
    """The table cut inside its indicator header (the value column labels after the names, no value printed)."""
    line = ["财政项目支出绩效自评表 (2022 年度) 项目名称 某某帮扶经费 主管部门 某某局",
            "年初预算数 全年预算数 全年执行数 分值 执行率 得分 20000.00 20000.00 4.52 项目资金 (元)",
            "一级指标 二级指标 三级指标 数量指标 产出指标 绩 效 指 标",
            *[f"{LEVEL2[k % len(LEVEL2)]} {r['name']}" for k, r in enumerate(rows) if not re.search(r"\d", r["name"])],
            "总分 -2- 年度 指标值"]
    tables = parse_lines(["x.pdf", " ".join(line)], "cut.txt", year=2022)
    assert list(tables.projects["project"]) == ["某某帮扶经费"]
    assert list(tables.projects["total_wan"]) == [2.0]
    assert tables.indicators.empty, tables.indicators[["indicator", "value"]].to_string()
    reported = _norm(" ".join(tables.unparsed.loc[tables.unparsed["reason"] == NO_VALUES, "text"]))
    names = [r["name"] for r in rows if not re.search(r"\d", r["name"])]
    assert all(_norm(n) in reported for n in names), reported


@pytest.mark.parametrize(
    ("title", "name"),
    [
        pytest.param("财政项目支出绩效自评表 (2022 年度) 普陀体育中心与委托运营方结 算费用", "普陀体育中心与委托运营方结算费用",
                     id="name-wrapped-after-the-bracketed-year"),
        pytest.param("项目支出绩效自评表 援滇对口支援经费", "援滇对口支援经费", id="no-year"),
        pytest.param("2022年度项目支出绩效自评表", None, id="adversarial-year-before-the-title"),
        pytest.param("项目支出绩效自评表 (2022年度)", None, id="adversarial-year-only"),
        pytest.param("项目支出绩效自评表 (2022 年度) 甲", None, id="adversarial-one-character"),
        pytest.param("某某情况说明", None, id="adversarial-no-title"),
    ],
)
def test_name_after_title(title, name):
    assert name_after_title(title) == name


@pytest.mark.parametrize(
    ("goal_cell", "goal"),
    [
        pytest.param("86.19%", None, id="execution-rate-written-in-the-goal-cell"),
        pytest.param("10 45.17%", None, id="score-and-rate-written-in-the-goal-cell"),
        pytest.param("9,034", None, id="amount-with-thousands-separator"),
        pytest.param("完成率达到95%", "完成率达到95%", id="adversarial-goal-with-a-percent"),
        pytest.param("2025年完成100户", "2025年完成100户", id="adversarial-goal-with-numbers"),
    ],
)
def test_numbers_in_the_goal_cell_are_no_goal(goal_cell, goal):
    lines = ["项目支出绩效自评表 (2022年度) |", "| 项目名称 | 测试项目 |", "| 主管部门 | 测试局 |",
             f"| 年度总体目标 | {goal_cell} |",
             "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |",
             "| 产出指标 | 数量指标 | 测试户数 | ≥10户 | 12户 |"]
    tables = parse_lines(lines, "goal.txt", year=2022)
    got = tables.projects["goal"].iloc[0]
    assert (None if got is None or got != got or got == "" else got) == goal
