"""Family: one page of separate tables, some of which print no amount (grids over pages; issue 23).

A web page or a Word file holds one table a project, each under the title and unit line printed again. A table
whose header block prints no amount (no 项目总额 / 年度资金总额 row: templates without money, self-evaluations,
tables cut from a budget volume) has its indicator header on its third or fourth row, where a header repeated at
the top of the next page would stand. Read as that, the table went on as the previous table's continuation: its
project was lost and its rows went to the previous project (the 信访局 volume's key as a web page: 3 projects read
as 2). A header repeated over a page has no header field (项目名称, 主管部门 …) above it; a table that prints one
is a new table.

Rendered from the hand keys of ``../shared/corpus``, ``../shared/incoming`` and ``../shared/realfiles/volumes``
(names, rows, amounts are the keys'; every other project's amount left out, as the family prints it), as a web
page, a Word file and a workbook; scored under the rendered key by the scorer's own ``score_doc``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.cells import Cell, Document, Row
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from budgetkit.recognise.grid import recognise_grids
from render import SHARED, load_tool, render_docx, render_html, render_xlsx, sample, table_keys

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles/volumes"]
RENDERERS = {"html": render_html, "docx": render_docx, "xlsx": render_xlsx}


def _grid(tables: list[list[list[str]]]) -> Document:
    """A document of one grid a table, each under a title printed outside the grid."""
    rows: list[Row] = []
    line = 0
    for g, table in enumerate(tables):
        line += 1
        rows.append(Row([Cell("项目支出绩效目标表", line)]))
        for cells in table:
            line += 1
            rows.append(Row([Cell(t, line, col=k) for k, t in enumerate(cells)], hard=True, grid=g))
    return Document("t.html", rows, kind="html")


_HEAD = ["一级指标", "二级指标", "三级指标", "指标值"]
#: The two header rows of a budget-system export, one grid for many projects (长沙), printed again on each page.
_MANY_TOP = ["单位编码", "单位(项目)名称", "资金总额", "绩效指标", "绩效指标", "绩效指标", "绩效指标"]
_MANY = ["单位编码", "单位(项目)名称", "资金总额", "一级指标", "二级指标", "三级指标", "指标值"]
#: A department table's header block above its indicator header, printed again on each page (长沙 教育局): a
#: field (单位名称) beside a label no vocabulary holds (年度预算申请).
_UNIT_TOP = ["单位名称", "年度预算申请", "绩效指标", "绩效指标", "绩效指标", "绩效指标"]
_UNIT = ["单位名称", "资金总额", "一级指标", "二级指标", "三级指标", "指标值"]


@pytest.mark.parametrize(("tables", "projects"), [
    pytest.param([[["项目名称", "甲项目", "", ""], ["项目总额", "10", "", ""], _HEAD, ["产出指标", "数量指标", "培训人次", "≥100人次"]],
                  [["项目名称", "乙项目", "", ""], _HEAD, ["产出指标", "质量指标", "合格率", "≥95%"]]],
                 [("甲项目", ["培训人次"]), ("乙项目", ["合格率"])], id="separate-tables/second-prints-no-amount"),
    pytest.param([[["项目名称", "甲项目", "", ""], _HEAD, ["产出指标", "数量指标", "培训人次", "≥100人次"]],
                  [["项目名称", "乙项目", "", ""], ["主管部门", "某某局", "实施单位", "某某中心"], _HEAD,
                   ["效益指标", "社会效益指标", "群众知晓率", "≥90%"]]],
                 [("甲项目", ["培训人次"]), ("乙项目", ["群众知晓率"])], id="separate-tables/none-prints-an-amount"),
    pytest.param([[["项目名称", "甲项目", "", ""], _HEAD, ["产出指标", "数量指标", "培训人次", "≥100人次"]],
                  [_HEAD, ["产出指标", "质量指标", "合格率", "≥95%"]]],
                 [("甲项目", ["培训人次", "合格率"])], id="grids-over-pages/header-repeated-goes-on"),
    pytest.param([[["项目名称", "甲项目", "", ""], _HEAD, ["产出指标", "数量指标", "培训人次", "≥100人次"]],
                  [["项目名称", "甲项目", "", ""], _HEAD, ["产出指标", "质量指标", "合格率", "≥95%"]]],
                 [("甲项目", ["培训人次", "合格率"])], id="grids-over-pages/own-fields-printed-again-go-on"),
    pytest.param([[_MANY_TOP, _MANY, ["201056", "甲项目", "270.00", "产出指标", "数量指标", "用水量", "92.32"]],
                  [_MANY_TOP, _MANY, ["201056", "甲项目", "270.00", "产出指标", "质量指标", "安全率", "100"]]],
                 [("甲项目", ["用水量", "安全率"])], id="grids-over-pages/column-labels-of-many-projects-go-on"),
    pytest.param([[_UNIT_TOP, _UNIT, ["某某办公室", "656.73", "效益指标", "社会效益指标", "职能正常完成", "无"]],
                  [_UNIT_TOP, _UNIT, ["某某办公室", "656.73", "满意度指标", "服务对象满意度指标", "师生满意度", "≥90%"]]],
                 [("某某办公室", ["职能正常完成", "师生满意度"])], id="grids-over-pages/header-block-printed-again-goes-on"),
])
def test_a_table_with_header_fields_is_a_new_table(tables, projects):
    r = recognise_grids(_grid(tables))
    got = [(p.get("project") or p.get("department"),
            [i["indicator"] for i in r.indicators if i["project_id"] == p["project_id"]])
           for p in r.projects]
    assert got == projects


needs_keys = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def no_amount_key(key: dict) -> dict | None:
    """The key's projects (named once: the scorer pairs projects by name), every other one with no amount."""
    names = [p["name"] for p in key["projects"]]
    projects = [p for p in key["projects"] if names.count(p["name"]) == 1 and p.get("indicators")]
    if len(projects) < 2 or any("actual" in i or i.get("area") for p in projects for i in p["indicators"]):
        return None
    return dict(key, projects=[dict(p, total_wan=None) if k % 2 else p for k, p in enumerate(projects)])


def _cases() -> list:
    cases = [(n, k) for n, key in table_keys(FOLDERS) if (k := no_amount_key(key))]
    return [pytest.param(k, fmt, id=f"separate-tables-no-amount/{n[-40:]}-{fmt}")
            for n, k in sample(cases, 6) for fmt in RENDERERS]


@needs_keys
@pytest.mark.parametrize(("key", "fmt"), _cases())
def test_every_table_of_the_page_reads_as_its_key(key, fmt, tmp_path: Path):
    path = RENDERERS[fmt](key, tmp_path / f"page.{fmt}")
    try:
        tables = parse_file(path)
    except BudgetkitError as e:
        pytest.fail(f"{fmt}: {e}")
    write_tables(tables, tmp_path / "out")
    score, _, findings = load_tool(SCORER).score_doc(key, tmp_path / "out")
    assert len(tables.projects) == len(key["projects"]), "\n".join(findings)
    assert score == 1.0, "\n".join(findings)


@needs_keys
def test_the_family_has_keys_to_render():
    assert len([k for _, key in table_keys(FOLDERS) if (k := no_amount_key(key))]) >= 6
