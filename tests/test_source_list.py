"""Family: a numbered list of sources under a 年度资金总额 that prints no amount (issue 23; 04 of ``../shared/incoming``).

A 项目支出绩效目标申报表 copied from a web page prints its money as a list, a label and its amount one space apart
on each line: ``(一)财政拨款小计 6.30`` / ``1、一般公共预算 6.30`` / ``(二)自有资金小计 0.00`` / ``(三)其他收入 0.00``,
under ``年度资金总额 金额(万元)``. The total is the sum of the sources (the subtotals). Rendered from the hand keys
of ``../shared/corpus`` and ``../shared/incoming`` (name, total, rows are the keys'; the list the family's) as page
text (the shape the family occurs in: in a grid the amounts stand in cells of their own), its rows in the separator
styles real pages use.
"""

from __future__ import annotations

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from render import SHARED, block_labels, load_tool, sample, table_keys
from test_metamorphic import print_rows

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def _keys() -> list[tuple[str, dict]]:
    return table_keys(FOLDERS)


def source_key(key: dict) -> dict | None:
    """The key's projects with a total and plain rows (known levels, one value, no areas)."""
    projects = []
    names = [p["name"] for p in key.get("projects", [])]
    for p in key.get("projects", []):
        rows = [{k: r[k] for k in ("level1", "level2", "name", "value")} for r in p.get("indicators", [])
                if r.get("level1") and r.get("level2") and r.get("value") and not r.get("area") and "actual" not in r]
        if p.get("total_wan") and len(rows) >= 2 and names.count(p["name"]) == 1:
            projects.append({"name": p["name"], "total_wan": p["total_wan"], "indicators": rows})
    return dict(key, projects=projects) if projects else None


def _amount(v: float) -> str:
    """An amount as a page prints it: two decimals at least, every decimal of the key kept."""
    text = f"{v:.6f}".rstrip("0")
    return text + "0" * max(0, 2 - len(text.split(".")[1]))


def render_text(key: dict, sep: str, own: float) -> list[str]:
    """Each project as a 申报表 page: the sources listed a line each (``own`` 万元 of the unit's own funds)."""
    lines: list[str] = []
    for p in key["projects"]:
        fiscal = _amount(p["total_wan"] - own)
        lines += ["项目支出绩效目标申报表", f"({key.get('year') or 2021}年度)", f"项目名称 {p['name']}", "预算单位 某某局",
                  "项目资金(万元) 年度资金总额 金额(万元)", f"   (一)财政拨款小计 {fiscal}",
                  f"       1、一般公共预算 {fiscal}", "       2、政府性基金 0.00", f"   (二)自有资金小计 {_amount(own)}",
                  f"       1、事业收入 {_amount(own)}", "   (三)其他收入 0.00", "", "总体", "目标", "年度目标", "完成年度任务。"]
        rows = [["一级指标", "二级指标", "三级指标", "指标值"]]
        for l1, l2, r in block_labels(p["indicators"]):
            rows.append([l1, l2, r["name"], r["value"]])
        lines += ["绩效指标", *print_rows(rows, sep), ""]
    return lines


_CASES = sample([(n, k) for n, key in _keys() if (k := source_key(key))], 8)


@pytest.mark.parametrize("own", [pytest.param(0.0, id="no-own-funds"), pytest.param(0.5, id="own-funds")])
@pytest.mark.parametrize("sep", ["pipe", "tab"])
@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"numbered-source-list-{n[:24]}") for n, k in _CASES])
def test_the_total_of_a_numbered_source_list(tmp_path, name, key, sep, own):
    key = dict(key, projects=[p for p in key["projects"] if p["total_wan"] > own])
    path = tmp_path / "page.txt"
    path.write_text("\n".join(render_text(key, sep, own)) + "\n", encoding="utf-8")
    try:
        write_tables(parse_file(path), tmp_path / "out")
    except BudgetkitError as e:
        pytest.fail(str(e))
    score, _, findings = load_tool(SCORER).score_doc(key, tmp_path / "out")
    totals = [f for f in findings if f.strip().startswith("total")]
    assert not totals, "\n".join(totals)


def test_the_source_list_family_has_keys_to_render():
    assert len(_CASES) >= 4, len(_CASES)
