"""The pages a reviewer reads (issues 24 and 25), from a small year built end to end: each finding beside the
row it concerns with its rule, clause and the clause's words; a self-evaluation's target | actual | met | rate;
the year's missed targets by department; findings by department in 03_audit; the field dictionary's
achievement table.

The expected rule, clause and words are those of RULES-101.md (R13, C:1588 for the seed's 有所改善), the
expected met and rate hand arithmetic on the self-evaluation below.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from budgetkit.report.site import project_slug
from conftest import SEED, make_project

pytestmark = pytest.mark.notebooks

#: A 2025 自评表 of one 水利局 project: 维修养护工程数量 ≥30处 with 25处 done (missed: 25 ÷ 30 = 83.3%),
#: 验收合格率 100% with 100% (met).
SELF_EVALUATION = """2025年度项目支出绩效自评表
项目名称 | 农村饮水安全维修养护 | |||
主管部门 | 某县水利局 | 实施单位 | 某县农村供水站 | |||
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | |||
年度资金总额 | 120 | 120 | 118.5 | 10 | 98.75% | 9.9 | |||
年度总体目标 | 预期目标 | 实际完成情况 | |||
总体目标 | 完成农村供水工程维修养护30处。 | 完成维修养护25处。 | |||
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | |||
产出指标 | 数量指标 | 维修养护工程数量 | ≥30处 | 25处 | 20 | 16 | 汛期延误 | |||
| 质量指标 | 维修工程验收合格率 | 100% | 100% | 20 | 20 | |||
满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 10 | 10 | |||
"""


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    from budgetkit.build.build import build

    root = make_project(tmp_path_factory.mktemp("review"), {2025: SEED.read_bytes()})
    (root / "data/raw/2025/self-evaluation-2025.txt").write_text(SELF_EVALUATION, encoding="utf-8")
    build(root=root)
    return root


def _rows(page: str) -> list[str]:
    """The text of each table row of a page, tags dropped."""
    return [html.unescape(re.sub(r"<[^>]+>", " ", tr)) for tr in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S)]


def _projects(root: Path) -> dict[str, str]:
    with (root / "data/processed/2025/projects.csv").open(encoding="utf-8-sig") as fh:
        return {row["project"]: row["project_id"] for row in csv.DictReader(fh)}


def _page(root: Path, project: str) -> str:
    slug = project_slug(_projects(root)[project])
    return (root / "reports/2025/projects" / f"{slug}.html").read_text(encoding="utf-8")


def test_a_finding_sits_beside_its_row_with_rule_clause_and_words(year):
    rows = [r for r in _rows(_page(year, "职工困难帮扶资金项目")) if "职工家庭生活" in r and "有所改善" in r]
    assert rows, "the row 职工家庭生活 | 有所改善 is on the page"
    row = rows[0]
    assert "R13" in row and "C:1588" in row
    assert "确难以量化的，可采用定性表述，但应具有可衡量性" in row, "the clause's words beside the finding"


def test_no_finding_is_shown_without_its_rule_and_clause(year):
    with (year / "data/processed/2025/audit.csv").open(encoding="utf-8-sig") as fh:
        findings = list(csv.DictReader(fh))
    assert findings, "the seed raises findings (有所改善, 有所缓解 …)"
    for f in findings:
        slug = project_slug(f["project_id"])
        page = (year / "reports/2025/projects" / f"{slug}.html").read_text(encoding="utf-8")
        items = [html.unescape(re.sub(r"<[^>]+>", " ", li))
                 for li in re.findall(r'<li class="bk-finding.*?</li>', page, re.S)]
        assert any(f["rule"] in li and f["clause"] in li and f["message_zh"] in li for li in items), f


def test_a_self_evaluation_shows_target_actual_met_and_rate(year):
    rows = _rows(_page(year, "农村饮水安全维修养护"))
    missed = [r.split() for r in rows if "维修养护工程数量" in r and "≥30处" in r and "25处" in r]
    assert missed and "未完成" in missed[0] and "83.3%" in missed[0]
    met = [r.split() for r in rows if "维修工程验收合格率" in r and "完成" in r]
    assert met and "100.0%" in met[0]


def test_the_year_page_lists_the_targets_missed_by_department(year):
    page = (year / "reports/2025/index.html").read_text(encoding="utf-8")
    assert "未完成的目标" in page
    rows = [r for r in _rows(page) if "维修养护工程数量" in r]
    assert rows and "某县水利局" in rows[0] and "83.3%" in rows[0]
    assert not [r for r in _rows(page) if "维修工程验收合格率" in r], "a met target is not listed as missed"


def test_03_audit_shows_findings_by_department_and_rule(year):
    page = (year / "reports/2025/03_audit.html").read_text(encoding="utf-8")
    assert "各部门问题" in page
    assert any("R13" in r and "C:1588" in r for r in _rows(page[page.index("各部门问题"):]))


def test_the_field_dictionary_has_the_achievement_table(year):
    page = (year / "reports/fields.html").read_text(encoding="utf-8")
    assert 'id="achievement"' in page and "实际完成值" in page
