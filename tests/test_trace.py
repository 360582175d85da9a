"""The reading trace (``analyse/rule_trace.py``, ``budgetkit trace``): which reading rule made which cell.

Each case is a literal page and, worked out by hand from the page and the rule's ``what`` in
``metadata/reading_rules.csv``, the cells the rule makes: the value as printed with the rule, and what is left
of it without the rule. The trace must name the rule on exactly those cells.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from budgetkit.analyse.rule_trace import CHANGED, NO_CHANGE, NOT_FIRED, ONLY_WITH, _pairs, changes, summary, trace_lines
from budgetkit.cli import main
from budgetkit.errors import ParameterError
from budgetkit.model import rules
from budgetkit.model.fields import columns
from budgetkit.parse import parse_lines

#: A flattened page (every cell run together on one line): the head, then the indicator section.
FLAT = ("专项资金绩效目标表(2026年度)项目名称宣传文化专项资金主管部门(单位)名称市委宣传部资金情况(万元)资金总额:15"
        "总体目标开展对外文化交流活动,绩效指标一级指标二级指标三级指标指标值"
        "产出指标数量指标交流活动场次≥3场满意度指标服务对象满意度指标")

#: A pipe table whose comparator and unit are printed in cells of their own (指标性质, 度量单位).
SPLIT = ["项目名称：职工技能培训（“金蓝领”）", "一级指标|二级指标|三级指标|指标性质|指标值|度量单位",
         "产出指标|数量指标|培训人次|≥|150|人次", "满意度指标|服务对象满意度指标|学员满意度（%）|≥|90|%"]


def _made(trace: pd.DataFrame, rule_id: str) -> set[tuple]:
    """What the trace says ``rule_id`` made: indicator rows and values, and lines set apart from the table.

    (Not the cells that follow from them: counts, statuses, confidence reasons, what is left unparsed without.)
    """
    mine = trace[(trace["rule_id"] == rule_id)
                 & ((trace["table"] == "indicators") & trace["column"].isin(["", "value"])
                    | (trace["table"] == "unparsed") & (trace["change"] == ONLY_WITH))]
    return {(r.change, r.table, r.row, r.column, r.with_rule, r.without_rule) for r in mine.itertuples()}


@pytest.mark.parametrize(
    ("lines", "rule_id", "expected"),
    [
        pytest.param(
            [FLAT + "观众满意度≥90%填报人:张三 联系电话:88886666"], "table.end-at-signature",
            {(ONLY_WITH, "indicators", 2, "", "满意度指标 | 服务对象满意度 | 观众满意度 | ≥90%", ""),
             (ONLY_WITH, "unparsed", 1, "", "填报人:张三 联系电话:88886666", "")},
            id="table-ends/signature-glued-to-the-last-row",
        ),
        pytest.param(
            [FLAT + "观众满意度≥90%财政资金管理科室(盖章) 年 月 日"], "table.end-at-signature",
            {(ONLY_WITH, "indicators", 2, "", "满意度指标 | 服务对象满意度 | 观众满意度 | ≥90%", ""),
             (ONLY_WITH, "unparsed", 1, "", "财政资金管理科室(盖章) 年 月 日", "")},
            id="table-ends/seal-line-glued-to-the-last-row",
        ),
        pytest.param(
            SPLIT, "value.compose-unit-cell",
            {(CHANGED, "indicators", 1, "value", "≥150人次", "≥150"),
             (CHANGED, "indicators", 2, "value", "≥90%", "≥90")},
            id="split-values/unit-in-its-own-cell",
        ),
        pytest.param(
            SPLIT, "value.compose-comparator-cell",
            {(CHANGED, "indicators", 1, "value", "≥150人次", "150人次"),
             (CHANGED, "indicators", 2, "value", "≥90%", "90%")},
            id="split-values/comparator-in-its-own-cell",
        ),
    ],
)
def test_the_trace_names_the_rule_on_the_cells_it_made(lines, rule_id, expected):
    trace = trace_lines(lines, "page.txt", rules=[rule_id])
    assert _made(trace, rule_id) == expected
    mine = trace[trace["rule_id"] == rule_id]
    row = rules.known()[rule_id]
    assert (mine["family"] == row["family"]).all() and (mine["what"] == row["what"]).all()
    assert (mine["fired"] >= 1).all()


def test_a_rule_that_fired_is_traced_whole_and_each_once():
    trace = trace_lines(SPLIT, "page.txt")
    with rules.fired() as seen:
        parse_lines(SPLIT, "page.txt")
    assert list(trace.columns) == columns("rule_trace")
    assert set(trace["rule_id"]) == set(seen)
    assert {r: int(trace.loc[trace["rule_id"] == r, "fired"].iloc[0]) for r in seen} == dict(seen)


@pytest.mark.parametrize(
    ("lines", "rule_id", "change"),
    [
        pytest.param(SPLIT, "grid.header-repeated", NOT_FIRED, id="grids-over-pages/a-grid-rule-on-a-pipe-text"),
        pytest.param(SPLIT, "table.end-at-signature", NOT_FIRED, id="table-ends/no-signature-on-the-page"),
    ],
)
def test_a_rule_asked_for_that_did_not_fire_says_so(lines, rule_id, change):
    trace = trace_lines(lines, "page.txt", rules=[rule_id])
    assert trace[["rule_id", "change", "fired"]].values.tolist() == [[rule_id, change, 0]]


def test_a_rule_that_changed_nothing_has_one_row_saying_so():
    trace = trace_lines(SPLIT, "page.txt", rules=["value.compose-unit-cell"])
    with rules.switched_off("value.compose-unit-cell"):  # the reading without it is the same: no change
        same = trace_lines(SPLIT, "page.txt", rules=["value.compose-unit-cell"])
    assert (trace["change"] == CHANGED).any()
    assert same[["rule_id", "change"]].values.tolist() == [["value.compose-unit-cell", NO_CHANGE]]
    assert summary(same) == "1 rule traced: value.compose-unit-cell (fired 2 times) changed nothing"


def test_an_unknown_rule_is_an_error_naming_it():
    with pytest.raises(ParameterError, match="no.such-rule"):
        trace_lines(SPLIT, "page.txt", rules=["no.such-rule"])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(["甲", "乙", "丙"], ["甲", "乙", "丙"], [(0, 0), (1, 1), (2, 2)], id="same-rows"),
        pytest.param(["甲", "乙", "丙"], ["甲", "丙"], [(0, 0), (1, None), (2, 1)], id="a-row-dropped-without"),
        pytest.param(["甲", "丙"], ["甲", "乙", "丙"], [(0, 0), (None, 1), (1, 2)], id="a-row-added-without"),
        pytest.param(["培训人次 | ≥150人次", "满意度 | ≥90%"], ["培训人次 | ≥150", "满意度 | ≥90"],
                     [(0, 0), (1, 1)], id="rows-that-differ-paired-in-order"),
        pytest.param(["甲", "乙"], ["甲乙"], [(0, 0), (1, None)], id="a-row-cut-in-two-by-the-rule"),
        pytest.param([], ["填报人:张三"], [(None, 0)], id="no-row-with-the-rule"),
    ],
)
def test_rows_are_paired_by_order_and_text(a, b, expected):
    assert _pairs(a, b) == expected


def test_changes_between_two_readings_name_the_cell_and_both_values():
    a = parse_lines(SPLIT, "page.txt")
    b = parse_lines([*SPLIT[:3], SPLIT[3].replace("|90|", "|95|")], "page.txt")
    assert changes(a, a) == []
    found = [(c["table"], c["row"], c["column"], c["with_rule"], c["without_rule"]) for c in changes(a, b)]
    assert found == [("indicators", 2, "value", "≥90%", "≥95%")]  # op, num … follow the value: not named again


def test_cli_trace_writes_the_trace_and_says_what_each_rule_did(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("\n".join(SPLIT) + "\n", encoding="utf-8")
    out = tmp_path / "trace.csv"
    assert main(["trace", str(page), "--rule", "value.compose-unit-cell", "--out", str(out)]) == 0
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns) == columns("rule_trace")
    assert written[["rule_id", "column", "with_rule", "without_rule"]].values.tolist() == [
        ["value.compose-unit-cell", "value", "≥150人次", "≥150"], ["value.compose-unit-cell", "value", "≥90%", "≥90"]]
    err = capsys.readouterr().err
    assert "value.compose-unit-cell (fired 2 times) changed 2 cells" in err and "rule 1 of 1" in err


def test_cli_trace_of_an_unknown_rule_exits_2_naming_it(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("\n".join(SPLIT) + "\n", encoding="utf-8")
    assert main(["trace", str(page), "--rule", "no.such-rule"]) == 2
    assert "no.such-rule" in capsys.readouterr().err


# --- the notebook view (report/rule_trace_view.py) ----------------------------------------------------------

@pytest.mark.parametrize(
    ("lines", "rule_id", "marked", "without"),
    [
        pytest.param(SPLIT, "value.compose-unit-cell", ["≥150人次", "≥90%"], ["≥150", "≥90"],
                     id="split-values/unit-in-its-own-cell"),
        pytest.param([SPLIT[0].replace("职工技能培训", "<b>职工&技能培训</b>"), *SPLIT[1:]],
                     "value.compose-comparator-cell", ["≥150人次", "≥90%"], ["150人次", "90%"],
                     id="split-values/markup-in-the-name-shown-as-text"),
        pytest.param([FLAT + "观众满意度≥90%填报人:张三 联系电话:88886666"], "table.end-at-signature", ["观众满意度"], [],
                     id="table-ends/a-row-read-only-with-the-rule"),
    ],
)
def test_the_view_marks_each_cell_with_the_rules_that_made_it(lines, rule_id, marked, without):
    from budgetkit.analyse.rule_trace import traced
    from budgetkit.report.rule_trace_view import trace_view

    page = trace_view(traced(lambda: parse_lines(lines, "page.txt"), [rule_id])).html
    assert page == trace_view(traced(lambda: parse_lines(lines, "page.txt"), [rule_id]))._repr_html_()
    for text in marked:
        assert f"<mark>{text}</mark><sup>{rule_id}</sup>" in page or \
            re.search(rf"<mark title=\"[^\"]*\">{re.escape(text)}</mark><sup>{re.escape(rule_id)}</sup>", page), text
    for text in without:
        assert f"<small>无此规则 without {rule_id}: {text}</small>" in page
    assert "<b>" not in page.replace("<b>page.txt</b>", "") and "NaN" not in page and "&lt;NA&gt;" not in page


@pytest.mark.parametrize(("max_bytes", "shown"), [
    pytest.param(60_000, "page.txt", id="the-smallest-document-traced"),
    pytest.param(10, "No document of the year that reads is that small", id="none-small-enough"),
])
def test_the_notebook_traces_the_years_smallest_document(tmp_path, max_bytes, shown):
    from budgetkit.report.params import validate_params
    from budgetkit.report.rule_trace_view import trace_year_sample

    folder = tmp_path / "data/raw/2025"
    folder.mkdir(parents=True)
    (folder / "page.txt").write_text("\n".join(SPLIT) + "\n", encoding="utf-8")
    (folder / "longer.txt").write_text("\n".join(SPLIT + SPLIT[2:] * 20) + "\n", encoding="utf-8")
    (folder / "damaged.pdf").write_bytes(b"%PDF-1.4 not a pdf")  # smaller, and passed over: it does not read
    (folder / "目录.txt").write_text("某某局2025年部门预算\n目录\n", encoding="utf-8")  # no target table
    page = trace_year_sample(validate_params({"year": 2025, "root": str(tmp_path)}, "01_clean"), max_bytes).html
    assert "Which reading rule made which cell" in page and shown in page and "longer.txt" not in page
    assert str(tmp_path) not in page


def test_cli_trace_without_out_prints_the_csv(tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text("\n".join(SPLIT) + "\n", encoding="utf-8")
    assert main(["-q", "trace", str(page), "--rule", "value.compose-comparator-cell"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split(",") == columns("rule_trace")
    assert len(out) == 3 and all("value.compose-comparator-cell" in line for line in out[1:])
