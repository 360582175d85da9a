"""The reconciliation statuses have one spelling, the codes of ANALYSES.md, in every table; the pages show the
Chinese labels of ``metadata/codes.csv`` beside them."""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.analyse.costs import costs_frame
from budgetkit.analyse.reconcile import STATUSES, reconcile_costs
from budgetkit.parse import parse_lines
from budgetkit.report.codes import code_label, code_words
from budgetkit.report.summarize import PRICED_STATUSES

#: The four statuses as ANALYSES.md §2 spells them, with the Chinese a reader of 绩效目标表 uses.
ANALYSES_CODES = {"closes": "吻合", "does_not_close": "不吻合", "stated_only": "仅列明金额",
                  "not_priceable": "无法测算"}


def test_reconcile_statuses_are_the_analysis_codes():
    assert STATUSES == ANALYSES_CODES


@pytest.mark.parametrize(("code", "label"), [
    pytest.param("closes", "吻合 closes", id="closes"),
    pytest.param("does_not_close", "不吻合 does not close", id="does-not-close"),
    pytest.param("stated_only", "仅列明金额 stated only", id="stated-only"),
    pytest.param("not_priceable", "无法测算 cannot be priced", id="not-priceable"),
    pytest.param("does not close", "does not close", id="old-spelling-is-no-code"),
    pytest.param("吻合", "吻合", id="chinese-label-is-no-code"),
    pytest.param("not_priceable ", "not_priceable ", id="trailing-space-is-no-code"),
])
def test_status_labels_come_from_metadata(code, label):
    assert code_label("costs", "status", code) == label


@pytest.mark.parametrize("code", list(ANALYSES_CODES))
def test_status_words_are_chinese_then_english(code):
    zh, en = code_words("costs", "status", code)
    assert zh == ANALYSES_CODES[code] and en.replace(" ", "_") != "" and "_" not in en


def test_priced_statuses_are_codes():
    assert set(PRICED_STATUSES) == {"closes", "does_not_close"}


def _table(lines: list[str]) -> list[str]:
    return ["项目支出绩效目标表", "项目名称 测试项目（甲）", "项目总额 50", "一级指标 二级指标 三级指标 指标值", *lines]


@pytest.mark.parametrize(("rows", "status"), [
    pytest.param(["产出指标 成本指标 控制在预算成本内 50万元"], "stated_only", id="restates-the-budget"),
    pytest.param(["产出指标 数量指标 培训人数 100人", "产出指标 成本指标 人均培训费 5000元/人"], "closes",
                 id="100人x5000元=50万"),
    pytest.param(["产出指标 数量指标 培训人数 100人", "产出指标 成本指标 人均培训费 8000元/人"], "does_not_close",
                 id="100人x8000元=80万-vs-50万"),
    pytest.param(["产出指标 数量指标 培训人数 100人", "产出指标 质量指标 合格率 ≥95%"], "not_priceable",
                 id="no-money-row"),
])
def test_year_build_and_analyse_write_the_same_status(rows, status):
    tables = parse_lines(_table(rows), "t.txt", year=2025)
    year = reconcile_costs(tables.projects, tables.indicators)
    assert year["status"].tolist() == [status]
    assert costs_frame(tables)["status"].tolist() == [status]
    assert isinstance(year, pd.DataFrame)
