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
  its 定量/定性, empty level-2 rows printing ``-定性`` alone;
* ``name-from-the-notice`` (A12): a notice passing funds down (现下达你单位…资金), its allocation list (序号 | 单位名称 |
  …项目名称 | 分配金额(万元)), then a table without 项目名称: the notice names the project, the list's header line
  never does;
* ``money-heads-over-amounts`` (B08): money column heads on one row, their amounts on a row below;
* ``value-of-words-at-a-row-end`` (08): a row run together ending in a value of words (有所减轻, 增加岗位, 长远).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from budgetkit.vocab.vocabulary import find_terms
from render import SHARED, _amount, block_labels, load_tool, table_keys  # noqa: E402  (tests/ is on the path)

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles" / "volumes"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


def _all_keys() -> list[tuple[str, dict]]:
    return table_keys(FOLDERS)


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
    assert len(_NOTICES) >= 6, [n for n, _ in _NOTICES]


# --- family: the name given by the notice above a table that prints none (A12) --------------------------------

#: Words a name of funds ends with (the notice passes them down: 下达…奖励资金).
_FUNDS_END_RE = re.compile(r"(?:资金|经费|补助|补贴)$")
#: How the allocation list above the table heads its name column (a header line, never a project's name).
LIST_NAME_HEADS = ["项目名称", "会展项目名称", "子项目名称"]


def _level_word_inside(name: str) -> bool:
    """Whether a level word stands inside ``name`` (…系统满意度情况), or a header label (绩效目标审核数量): on a
    flattened page that is another family's."""
    return any(f.end < len(name) for f in find_terms(name, ("level1", "level2"))) or bool(
        find_terms(name, ("goal", "field", "column", "section", "title")))


def _notice_key(key: dict) -> dict | None:
    """The key's first project named as funds (…资金, …经费), its rows with both levels and a shaped value."""
    for p in key["projects"]:
        name = _nfkc(p.get("name"))
        if not _FUNDS_END_RE.search(name) or not p.get("total_wan") or re.search(r"[(),,。;:]", name):
            continue
        rows = [r for r in p.get("indicators", [])
                if r.get("level1") and r.get("level2") and not r.get("area") and r["level1"] != r["level2"]
                and r["level1"].endswith("指标") and r["level2"].endswith("指标")
                and _SHAPED_VALUE_RE.match(_nfkc(r["value"])) and _PLAIN_NAME_RE.match(_nfkc(r["name"]))
                and not re.match(r"\d", r["level1"])  # (coded levels, 1-产出指标, are the packed family's)
                and not _level_word_inside(_nfkc(r["name"]))
                and not any(w in _nfkc(r["name"]) for w in _VALUE_WORDS)]
        if len(rows) >= 2:
            return {"projects": [{"name": name, "total_wan": p["total_wan"], "indicators": rows}]}
    return None


def render_notice(key: dict, head: str, flattened: bool) -> str:
    """A notice passing the key's funds down, its allocation list, then its target table without a 项目名称 row;
    ``flattened``: the whole page on one line (a page copied from a site), else a line a row, cells by pipes."""
    p = key["projects"][0]
    total = p["total_wan"]
    half = _amount(round(total / 2, 2))
    rest = _amount(round(total - round(total / 2, 2), 2))
    notice = [f"某某局、某某委:为支持相关工作,经研究,现下达你单位{p['name']}(具体项目及金额详见附件),请按照有关规定"
              "尽快将资金拨付到位,确保年度绩效目标如期实现。", "附件:1.项目资金分配表2.项目绩效目标表",
              "某某省财政厅2022年6月29日(此件主动公开)", "附件1项目资金分配表"]
    listing = [["序号", "单位名称", head, "分配金额(万元)"], ["1", "某某局", "某某第五届博览会", half],
               ["2", "某某委", "某某设计推广周", rest], ["合计", _amount(total)]]
    table = [["附件2项目绩效目标表"], ["主管部门:", "某某局", "资金总额:", _amount(total)],
             ["总体目标", "目标1:完成年度任务"], ["一级指标", "二级指标", "三级指标", "指标值"]]
    for l1, l2, r in block_labels(p["indicators"]):
        table.append([c for c in (l1, l2, _nfkc(r["name"]), _nfkc(r["value"])) if c])
    if flattened:  # the page goes on after the table (its last row is not cut)
        return "".join(notice) + "".join("".join(row) for row in listing + table) + "注:本表由某某局填报。"
    return "\n".join(notice + [" | ".join(row) + " |" for row in listing + table]) + "\n"


_NOTICES = [(n, k) for n, k in ((n, _notice_key(k)) for n, k in _all_keys()) if k]


@pytest.mark.parametrize("flattened", [pytest.param(True, id="one-line"), pytest.param(False, id="a-row-a-line")])
@pytest.mark.parametrize("head", LIST_NAME_HEADS)
@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"name-from-the-notice-{n[:24]}")
                                      for n, k in _NOTICES[::3]])
def test_name_from_the_notice_never_from_a_header_line(tmp_path, name, key, head, flattened):
    """Family name-from-the-notice (A12): one project, named as the notice names the funds, with its total and
    rows; the allocation list's header line is never a project's name."""
    text = render_notice(key, head, flattened)
    score, findings = _score(tmp_path, key, text)
    assert score == 1.0, "\n".join(findings) + "\n" + text


# --- family: money column heads over a row of amounts (B08) -------------------------------------------------

#: A money sub-table as declarations print it: heads on one row, the fiscal funds' parts on the next, the amounts
#: on a row of their own (the first under the first head).
MONEY_HEADS = {
    "declaration": [["专项资金情况", "本年度预计投入(万元)", "财政资金(万元)", "其他"], ["中央", "省级", "市级资金", "本级"]],
    "heads-only": [["资金情况", "年度资金总额(万元)", "财政拨款(万元)", "其他资金(万元)"]],
}


def _money_rows(rows: list[list[str]], variant: str, total: float) -> list[list[str]]:
    out = []
    for row in rows:
        if row[:1] == ["项目总额"]:
            heads = MONEY_HEADS[variant]
            amounts = [_amount(total), _amount(total), "0"] if len(heads) == 1 else \
                [_amount(total), "0", _amount(total), "0", "0", "0"]
            out += [*heads, amounts]
        else:
            out.append(row)
    return out


def _opens_with_a_label(name: str) -> bool:
    """Whether ``name`` opens with a header label (其他运行经费: 其他): printed a cell a line, another family's."""
    return any(f.start == 0 for f in find_terms(name, ("field", "goal", "column", "extra", "block")))


def _money_keys() -> list[tuple[str, dict]]:
    """Every third key of project tables, each project with a name (no space, no label opening it) and a total."""
    return [(n, k) for n, k in _all_keys()[::3]
            if "部门整体" not in (k.get("kind") or "") and all(
                p.get("name") and " " not in _nfkc(p["name"]) and not _opens_with_a_label(_nfkc(p["name"]))
                and p.get("total_wan") for p in k["projects"])]


@pytest.mark.parametrize("variant", sorted(MONEY_HEADS))
@pytest.mark.parametrize("sep", ["pipe", "blank"])
def test_money_heads_over_a_row_of_amounts(tmp_path, variant, sep):
    """Family money-heads-over-amounts (B08): every third key's forms with the total in a money sub-table; names
    and totals read as the key prints them."""
    from test_metamorphic import _heading, print_rows, tables_of

    keys = _money_keys()
    assert len(keys) >= 4
    wrong = []
    for n, key in keys:
        lines = []
        for p, (rows, _) in zip(key["projects"], tables_of(key), strict=True):
            lines += _heading(key) + print_rows(_money_rows(rows, variant, p["total_wan"]), sep)
        path = tmp_path / f"{n}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        projects = parse_file(path).projects
        got = [(_nfkc(p), t) for p, t in zip(projects["project"].fillna(""), projects["total_wan"], strict=True)]
        want = [(_nfkc(p["name"]), p["total_wan"]) for p in key["projects"]]
        if len(got) != len(want) or any(g[0] != w[0] or not abs(g[1] - w[1]) <= 1e-6 for g, w in zip(got, want,
                                                                                                  strict=True)):
            wrong.append(f"{n}: got {got} want {want}")
    assert not wrong, "\n".join(wrong)


# --- family: a value of words ending a flattened row (08) ---------------------------------------------------

#: Values of words a row may end with, as the keys print them: a vague opening (有所提升), a verb with its object
#: (增加岗位), a lasting effect (长远). (Independent of the reader's own word list.)
_WORD_VALUE_RE = re.compile(r"^(?:(?:有所|逐步|稳步|显著|明显|进一步|不断|持续|大幅|得到)[\u4e00-\u9fff]{1,5}"
                            r"|(?:增加|提高|提升|改善|增强)[\u4e00-\u9fff]{1,2}|长远|长期)$")


def _word_value_key(key: dict) -> dict | None:
    """The key's rows ending in a value of words, after a plain name, both levels printed."""
    projects = []
    for p in key["projects"]:
        rows = [r for r in p.get("indicators", [])
                if r.get("level1") and r.get("level2") and not r.get("area") and r["level1"] != r["level2"]
                and _WORD_VALUE_RE.match(_nfkc(r["value"])) and _PLAIN_NAME_RE.match(_nfkc(r["name"]))
                and not _level_word_inside(_nfkc(r["name"])) and not _WORD_VALUE_RE.search(_nfkc(r["name"])[-6:])
                and not any(w in _nfkc(r["name"]) for w in _VALUE_WORDS)]
        # one row of words a level-2 block, its labels printed whole (效益指标): two rows of words run together
        # with no label between leave nothing to part them (a known limit, not this family)
        rows = [r for r in rows if r["level1"].endswith("指标") and r["level2"].endswith("指标")]
        rows = list({(r["level1"], r["level2"]): r for r in reversed(rows)}.values())[::-1]
        if rows and p.get("name"):
            projects.append({"name": _nfkc(p["name"]), "indicators": rows})
    return {"projects": projects} if projects else None


def render_word_values(key: dict, flattened: bool) -> str:
    """The key's projects with their rows' cells run together, the page on one line (``flattened``, as OCR or a
    copied page gives it) or a row a line."""
    lines: list[str] = []
    for p in key["projects"]:
        lines += ["省级部门预算项目支出绩效目标表(2023年度)", f"项目名称{p['name']}", "主管部门某某市文化和旅游局",
                  "项目实施单位某某市博物馆", "一级指标二级指标三级指标指标值"]
        for l1, l2, r in block_labels(p["indicators"]):
            lines.append(f"{l1}{l2}{_nfkc(r['name'])}{_nfkc(r['value'])}")
        lines.append("注:本表由某某局填报。")
    return ("".join(lines) if flattened else "\n".join(lines)) + "\n"


_WORD_VALUES = [(n, k) for n, k in ((n, _word_value_key(k)) for n, k in _all_keys()) if k]


@pytest.mark.parametrize("flattened", [pytest.param(True, id="one-line"), pytest.param(False, id="a-row-a-line")])
def test_a_value_of_words_ends_a_flattened_row(tmp_path, flattened):
    """Family value-of-words-at-a-row-end (08): every key's rows whose value is words (有所提升, 增加岗位, 长远),
    their cells run together: each reads as the key has it."""
    assert len(_WORD_VALUES) >= 4, [n for n, _ in _WORD_VALUES]
    wrong = []
    for k, (n, key) in enumerate(_WORD_VALUES):
        text = render_word_values(key, flattened)
        try:
            score, findings = _score(tmp_path, key, text, name=f"{k}.txt")
        except pytest.fail.Exception as e:
            score, findings = 0.0, [str(e)]
        if score < 1.0:
            wrong.append(f"{n}: {score:.3f}\n" + "\n".join(findings) + "\n" + text)
    assert not wrong, "\n".join(wrong)
