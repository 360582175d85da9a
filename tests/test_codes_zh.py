"""Every code shown to readers has Chinese words (issue 26, item 4): ``metadata/codes.csv`` and the patterns in it.

The values below are those the parser and the analyses write (seen in the real corpus), including the ones
built from a template (a line number, a column name) and the ones joined from several codes.
"""

from __future__ import annotations

import re

import pytest

from budgetkit.model.fields import read_metadata
from budgetkit.report.codes import code_label, has_codes

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("table", "column", "code"),
    [pytest.param(r["table"], r["column"], r["code"], id=f"{r['table']}.{r['column']}:{r['code']}")
     for r in read_metadata("codes") if "{" not in r["code"]],
)
def test_every_code_of_codes_csv_reads_in_chinese(table, column, code):
    assert has_codes(table, column)
    label = code_label(table, column, code)
    assert CJK.search(label) or label.isupper() or label in {"Excel", "Word", "PDF"}


@pytest.mark.parametrize(
    ("table", "column", "code", "expected"),
    [
        pytest.param("projects", "status_reason", "the file ends at line 126, on an indicator without a value",
                     "文件在第 126 行结束，停在一个没有指标值的指标上", id="status-reason-with-a-line"),
        pytest.param("unparsed", "reason", "annual_total_wan: not an amount", "年度资金总额：不是金额",
                     id="reason-naming-a-column"),
        pytest.param("indicators", "confidence_reasons",
                     "cell boundary inferred from the vocabulary; label matched through script conversion",
                     "单元格边界由词表推断；标签经繁简转换后匹配", id="two-reasons-joined"),
        pytest.param("terms", "basis", "headcount by name; assumed 12个月", "按名称对应人数；假定 12个月",
                     id="basis-with-an-assumption"),
        pytest.param("terms", "basis", "个月 count", "按个月数", id="basis-count-of-a-unit"),
        pytest.param("costs", "method", "monthly+quantity×unit_cost", "月标准×月数 + 数量×单位成本",
                     id="methods-joined"),
        pytest.param("projects", "kind", "self_evaluation", "绩效自评表", id="identifier"),
        pytest.param("skipped", "error", "NoTableError", "不含绩效目标表（仅供参考）", id="error-kind"),
    ],
)
def test_codes_built_from_templates_read_in_chinese_alone(table, column, code, expected):
    assert code_label(table, column, code) == expected


def test_an_unknown_code_is_shown_as_given():
    assert code_label("unparsed", "reason", "新的原因 new reason") == "新的原因 new reason"
