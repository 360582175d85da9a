"""Families of the incoming page texts (issue 23, second round), each rendered from the hand keys.

Each family is named after the shape a real page of ``../shared/incoming`` showed; its generator renders the
answer keys of ``../shared/corpus``, ``../shared/incoming`` and ``../shared/realfiles/volumes`` in that shape
(the strings are the keys' own) and the test requires the key's reading, scored by the scorer's own
``score_doc`` or compared with the key's own strings. Skipped, with the reason printed, where ``../shared`` is not
there.

Families:

* ``budget-system-export-flattened`` (B04): the Hunan budget-system export (单位代码 | 单位(专项)名称 | 资金总额 |
  实施期绩效目标 | 绩效指标, then 一级 | 二级 | 三级 | 指标值 | 指标值内容 | 评(扣)分标准 | 度量单位 | 指标值类型 | 备注)
  flattened to text: each header row its labels glued together, the unit's row and the project's row as
  ``code name amount`` under the name column, each indicator row one line with its cells run together up to
  its 定量/定性, empty level-2 rows printing ``-定性`` alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from render import SHARED, _amount, load_tool  # noqa: E402  (tests/ is on the path)

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles" / "volumes"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


def _all_keys() -> list[tuple[str, dict]]:
    out = []
    for folder in FOLDERS:
        if folder.is_dir():
            out += [(p.name.removesuffix(".expected.json"), json.loads(p.read_text(encoding="utf-8")))
                    for p in sorted(folder.rglob("*.expected.json"))]
    return [(n, k) for n, k in out if not k.get("no_table") and k.get("projects")]


def _score(tmp_path: Path, key: dict, text: str, name: str = "page.txt") -> tuple[float, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / (name + ".out")
    try:
        write_tables(parse_file(path), folder)
    except BudgetkitError as e:
        pytest.fail(f"{name}: {e}\n{text}")
    score, _, findings = load_tool(SCORER).score_doc(key, folder)
    return score, findings


# --- family: the budget-system export flattened to text (B04) ----------------------------------------------

#: Targets whose end a reader can tell from their shape alone: a comparator (sign or word), a number, a unit the
#: vocabulary holds, a closing word; or a date. (Independent of the reader's own grammar.)
_SHAPED_VALUE_RE = re.compile(
    r"^(?:(?:>=|<=|[≥≤><=]|大于|不低于|不少于|小于|不超过)?\d+(?:\.\d+)?(?:%|人次|人|户|个|次|天|所|项|万元|元)?"
    r"(?:以上|以下)?|\d{4}年\d{1,2}月(?:\d{1,2}日)?)$")
#: A name a row can be cut after: no digit, no comparator word, no vague word (which would open a value).
_PLAIN_NAME_RE = re.compile(r"^[^\d\s≥≤><=%]+$")
_VALUE_WORDS = ("大于", "小于", "不低于", "不少于", "不超过", "达到", "有所", "逐步", "稳步", "显著", "明显", "进一步",
                "不断", "持续", "大幅", "约", "平均", "人均", "全年", "累计", "共", "至少", "最多", "超过", "高于",
                "低于", "少于", "多于", "控制在", "户均", "年均")


def _export_key(key: dict) -> dict | None:
    """The key's projects with a total, their rows with both levels, a shaped value and a plain name."""
    projects = []
    for p in key["projects"]:
        if not p.get("total_wan") or not p.get("name") or re.search(r"\d", p["name"]):
            continue
        rows = [r for r in p.get("indicators", [])
                if r.get("level1") and r.get("level2") and not r.get("area") and r["level1"] != r["level2"]
                and r["level1"].endswith("指标") and r["level2"].endswith("指标")  # as the export prints them
                and _SHAPED_VALUE_RE.match(_nfkc(r["value"])) and _PLAIN_NAME_RE.match(_nfkc(r["name"]))
                and not any(w in _nfkc(r["name"]) for w in _VALUE_WORDS)]
        if len(rows) >= 3:
            projects.append({"name": _nfkc(p["name"]), "total_wan": p["total_wan"], "indicators": rows})
    return {"projects": projects[:1]} if projects else None


#: How the export's header labels are spelt on real pages (湘西 2023, 长沙 2026).
EXPORT_SPELLINGS = {
    "xiangxi": ("单位代码", "单位(专项)名称", "实施期绩效目标", "评(扣分标准) "),
    "changsha": ("单位编码", "单位(项目)名称", "绩效目标", "评(扣)分标准"),
}


#: A level-2 row the export prints empty under its level 1 (its unit and type alone on a line below).
_EMPTY_LEVEL2 = {"成本指标": "生态环境成本指标", "效益指标": "可持续影响指标", "效益": "可持续影响指标"}


def render_export_text(key: dict, spelling: str) -> str:
    """The key's first project as the export's page flattened to text (see the module's docstring)."""
    code, name_label, goal_label, standard = EXPORT_SPELLINGS[spelling]
    p = key["projects"][0]
    total = _amount(p["total_wan"])
    lines = ["→ 您的位置: 首页 >> 通知公告", "某某学校2023项目支出绩效目标表公开", "",
             "部门:505_某某局金额单位:万元", f"{code}{name_label}资金总额{goal_label}绩效指标",
             f"一级指标二级指标三级指标指标值指标值内容{standard}度量单位指标值类型备注",
             f"505006某某学校{total}", "", f"  505006  {p['name']}{total}"]
    last = (None, None)
    for r in p["indicators"]:
        if r["level1"] != last[0] and r["level1"] in _EMPTY_LEVEL2:
            lines += [f"{r['level1']}{_EMPTY_LEVEL2[r['level1']]}", "", "-定性"]  # an empty level-2 row
        l1 = r["level1"] if r["level1"] != last[0] else ""
        l2 = r["level2"] if (r["level1"], r["level2"]) != last else ""
        last = (r["level1"], r["level2"])
        lines.append(f"{l1}{l2}{_nfkc(r['name'])}{_nfkc(r['value'])}反映{_nfkc(r['name'])}的情况"
                     f"达到目标得10分,每少1%扣1分-定量")
    lines += ["", "", "返回】"]
    return "\n".join(lines) + "\n"


_EXPORT = [(n, k) for n, k in ((n, _export_key(k)) for n, k in _all_keys()) if k]


@pytest.mark.parametrize("spelling", sorted(EXPORT_SPELLINGS))
@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"budget-system-export-flattened-{n[:24]}")
                                      for n, k in _EXPORT[::2]])
def test_budget_system_export_flattened(tmp_path, name, key, spelling):
    """Family budget-system-export-flattened (B04): the project, its total and every row as the key has them."""
    score, findings = _score(tmp_path, key, render_export_text(key, spelling))
    assert score == 1.0, "\n".join(findings) + "\n" + render_export_text(key, spelling)


def test_the_incoming_families_have_keys_to_render():
    """The generators are not vacuous: each family renders several keys."""
    assert len(_EXPORT) >= 6, [n for n, _ in _EXPORT]
