"""Families of page texts (issue 23), each rendered from the hand keys and required to read as the key says.

A real page that did not read belongs to a family of shapes; each family here has a generator that renders
the answer keys of ``../shared/corpus`` and ``../shared/incoming`` in that family's shape (the strings are
the keys' own, the shape the family's) and requires the key's reading, scored by the scorer's own
``score_doc``. Expected values are the keys', never the parser's. Skipped, with the reason printed, where
``../shared`` is not there. One test per real incoming text holds it to a floor under its key.

Families:

* ``rows-run-together-one-a-line``: a row's cells run together on its line (``产出指标数量指标覆盖率100%``),
  lines that open with no level label are rows too (02);
* ``unknown-label-after-the-name``: the name cell followed by a label the vocabulary does not know
  (``下达地方或单位``, ``专项属性``, ``概况``): the name never swallows it (A02, A10, B08). A value ends where
  the reader saw its row end, or at a cell (or a line's first word) shaped like a label;
* header labels and amounts printed another way: ``专项(项目)名称``, ``854万(…)``, a total printed blank above
  its parts, ``项目预算金额`` (B06, B12, 03, A04);
* ``not-a-target-table``: a 项目名称 | 预算数 | 绩效目标 list of narrative goals, an empty look-alike template:
  no project.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.parse import parse_file
from budgetkit.tables import write_tables
from budgetkit.vocabulary import lookup
from render import SHARED  # noqa: E402  (tests/ is on the path)

SCORER = SHARED / "tools/score_corpus.py"
INCOMING = SHARED / "incoming"
CORPUS = SHARED / "corpus"

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def _scorer():
    spec = importlib.util.spec_from_file_location("score_corpus", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _keys(folder: Path) -> list[tuple[str, dict]]:
    if not folder.is_dir():
        return []
    return [(p.name.removesuffix(".expected.json"), json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(folder.rglob("*.expected.json"))]


def _all_keys() -> list[tuple[str, dict]]:
    return [(n, k) for n, k in _keys(CORPUS) + _keys(INCOMING) if not k.get("no_table") and k.get("projects")]


def _score(tmp_path: Path, key: dict, lines: list[str], name: str = "page.txt") -> float:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / (name + ".out")
    try:
        write_tables(parse_file(path), folder)
    except BudgetkitError as e:
        pytest.fail(f"{name}: {e}\n" + "\n".join(lines))
    score, _, findings = _scorer().score_doc(key, folder)
    return score, findings


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "")


# --- family: rows run together, one a line ---------------------------------------------------------------

#: A value a run-together row can be cut before: it opens with a comparator or a digit and holds no space.
_MEASURABLE_RE = re.compile(r"^(?:>=|<=|[≥≤><=≧≦])?\d+(?:\.\d+)?%$")


def _run_together_key(key: dict) -> dict | None:
    """The key's rows that print both levels and a percent target after a name that ends in a character (the
    rows a line can be cut into by their target alone), as a key of their own."""
    projects = []
    for p in key["projects"]:
        rows = [r for r in p.get("indicators", [])
                if r.get("level1") and r.get("level2") and _MEASURABLE_RE.match(_nfkc(r["value"]).replace(" ", ""))
                and not re.search(r"[\d%)）\s]$", _nfkc(r["name"])) and " " not in _nfkc(r["name"])
                and r["level2"] != r["level1"] and not r.get("area")
                and lookup(r["level1"]) is not None and lookup(r["level2"]) is not None]  # cut by the vocabulary
        if len(rows) >= 3:
            projects.append({"name": p["name"], "indicators": rows})
    return {"projects": projects} if projects else None


def render_run_together(key: dict) -> list[str]:
    """Each project as a page whose rows run their cells together, one row a line (the level labels only on the
    first row of their block)."""
    lines: list[str] = []
    for p in key["projects"]:
        lines += ["项目支出绩效目标表", f"项目名称{p['name']}", "绩效指标一级指标二级指标三级指标指标值"]
        last = (None, None)
        for r in p["indicators"]:
            l1 = r["level1"] if r["level1"] != last[0] else ""
            l2 = r["level2"] if (r["level1"], r["level2"]) != last else ""
            last = (r["level1"], r["level2"])
            lines.append(f"{l1}{l2}{_nfkc(r['name'])}{_nfkc(r['value']).replace(' ', '')}")
        lines.append("")
    return lines


_RUN_TOGETHER = [(n, k) for n, k in ((n, _run_together_key(k)) for n, k in _all_keys()) if k]


@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"rows-run-together-one-a-line-{n[:24]}")
                                      for n, k in _RUN_TOGETHER])
def test_rows_run_together_one_a_line(tmp_path, name, key):
    score, findings = _score(tmp_path, key, render_run_together(key))
    assert score == 1.0, "\n".join(findings)


def test_the_families_have_keys_to_render():
    """The generators are not vacuous: each family renders several keys."""
    assert len(_RUN_TOGETHER) >= 3, [n for n, _ in _RUN_TOGETHER]


# --- family: a label unknown to the vocabulary after the name ---------------------------------------------

#: Labels printed after the name cell that the vocabulary does not hold, as real pages print them, with a value.
UNKNOWN_AFTER_NAME = [("下达地方或单位", "某某区人民政府"), ("专项属性", "新增项目□ 延续项目R"),
                      ("项目概况", "对就读职业技术学校的学生发放补助"), ("概况", "补助包括:困难户每月每人200元")]


def render_unknown_label_after_name(key: dict, sep: str, label: str, value: str) -> list[str]:
    """The key's forms with ``label | value`` printed as a row of its own right after the name row."""
    from test_metamorphic import _heading, print_rows, tables_of

    lines: list[str] = []
    for rows, _ in tables_of(key):
        at = next(i for i, row in enumerate(rows) if row[:1] in (["项目名称"], ["部门名称"])) + 1
        rows = [*rows[:at], [label, value], *rows[at:]]
        if sep == "space":  # a label and its value parted by a space, a row a line
            lines += _heading(key) + [" ".join(c for c in row if c) for row in rows[:at + 1]] \
                + print_rows(rows[at + 1 :], "pipe")
        else:
            lines += _heading(key) + print_rows(rows, sep)
    return lines


def _name_keys() -> list[tuple[str, dict]]:
    """Every third key (the suite's time) of project tables whose names hold no space (a space-parted rendering
    could not tell)."""
    return [(n, k) for n, k in _all_keys()[::3]
            if "部门整体" not in (k.get("kind") or "") and all(
                p.get("name") and " " not in _nfkc(p["name"]) for p in k["projects"])]


@pytest.mark.parametrize("label,value", [pytest.param(lab, v, id=lab) for lab, v in UNKNOWN_AFTER_NAME])
@pytest.mark.parametrize("sep", ["pipe", "lines", "blank", "space"])
def test_a_name_never_swallows_an_unknown_label_after_it(tmp_path, sep, label, value):
    """Family unknown-label-after-the-name: every key's project names read exactly as the key prints them."""
    keys = _name_keys()
    assert len(keys) >= 5
    wrong = []
    for n, key in keys:
        path = tmp_path / f"{n}.txt"
        path.write_text("\n".join(render_unknown_label_after_name(key, sep, label, value)) + "\n", encoding="utf-8")
        try:
            got = [_nfkc(p).replace(" ", "") for p in parse_file(path).projects["project"].fillna("")]
        except BudgetkitError as e:
            wrong.append(f"{n}: {e}")
            continue
        want = [_nfkc(p["name"]).replace(" ", "") for p in key["projects"]]
        if got != want:
            wrong.append(f"{n}: got {got} want {want}")
    assert not wrong, "\n".join(wrong)


# --- family: header labels and amounts printed another way ------------------------------------------------

def _header_variant(rows: list[list[str]], variant: str, total: float | None) -> list[list[str]]:
    """The form's header rows with the name label or the total printed as a family prints them."""
    from render import _amount

    out = []
    for row in rows:
        if variant == "bracketed-alternative-in-label" and row[:1] == ["项目名称"]:
            out.append(["专项(项目)名称", *row[1:]])
        elif row[:1] == ["项目总额"] and variant == "total-blank-above-its-parts":
            out += [["资金情况(万元)"], ["资金来源"], ["资金总额", ""], ["其中:财政拨款", _amount(total)], ["其他资金", ""]]
        elif row[:1] == ["项目总额"] and variant == "amount-with-a-note":
            out.append(["年度资金总额:", f"{_amount(total)}万(某某建设{_amount(total)}万元,含设备购置)"])
        elif row[:1] == ["项目总额"] and variant == "unknown-budget-label":
            out.append(["项目预算金额 (万元)", _amount(total)])
        else:
            out.append(row)
    return out


_HEADER_VARIANTS = ["bracketed-alternative-in-label", "total-blank-above-its-parts", "amount-with-a-note",
                    "unknown-budget-label"]


@pytest.mark.parametrize("variant", [pytest.param(v, id=v) for v in _HEADER_VARIANTS])
@pytest.mark.parametrize("sep", ["pipe", "blank"])
def test_header_labels_and_amounts_printed_another_way(tmp_path, variant, sep):
    """Every third key's forms with the variant header: names and totals read as the key prints them."""
    from test_metamorphic import _heading, print_rows, tables_of

    keys = [(n, k) for n, k in _name_keys() if all(p.get("total_wan") for p in k["projects"])]
    assert len(keys) >= 4
    wrong = []
    for n, key in keys:
        lines = []
        for p, (rows, _) in zip(key["projects"], tables_of(key), strict=True):
            lines += _heading(key) + print_rows(_header_variant(rows, variant, p["total_wan"]), sep)
        path = tmp_path / f"{n}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        projects = parse_file(path).projects
        got = [(_nfkc(p).replace(" ", ""), t) for p, t in zip(projects["project"].fillna(""), projects["total_wan"],
                                                              strict=True)]
        want = [(_nfkc(p["name"]).replace(" ", ""), p["total_wan"]) for p in key["projects"]]
        if len(got) != len(want) or any(g[0] != w[0] or abs(g[1] - w[1]) > 1e-6 for g, w in zip(got, want, strict=True)):
            wrong.append(f"{n}: got {got} want {want}")
    assert not wrong, "\n".join(wrong)


# --- family: not a target table -----------------------------------------------------------------------------

def render_narrative_list(key: dict) -> list[str]:
    """The key's projects as a volume's list of narrative goals: 项目名称 | 预算数 | 绩效目标, no indicator."""
    from render import _amount

    lines = ["部门项目支出绩效目标表", "单位:万元", "| 项目名称 | 预算数 | 绩效目标 | |||"]
    for p in key["projects"]:
        goal = (p.get("goal") or f"完成{p['name']}的年度任务。").replace("\n", "")
        lines.append(f"| {p['name']} | {_amount(p.get('total_wan') or 0)} | {goal} | |||")
    return lines


def render_empty_template(key: dict) -> list[str]:
    """The key's forms with every value left blank: the template's labels alone (header labels, indicator
    columns, level labels), areas' names blank as well."""
    from render import form
    from test_metamorphic import _heading

    lines: list[str] = []
    for p in key["projects"]:
        boxes, nrows, _ = form(p, key)
        section = next(x.r for x in boxes if x.text == "一级指标")
        rows = [[b.text if b.th and lookup(b.text) is not None or b.c < 2 and b.r > section else ""
                 for b in sorted(boxes, key=lambda b: b.c) if b.r == r] for r in range(nrows)]
        lines += [_heading(key)[0]] + [" | ".join(row) + " | |||" for row in rows]
    return lines


@pytest.mark.parametrize("render", [pytest.param(render_narrative_list, id="narrative-goals-without-indicators"),
                                    pytest.param(render_empty_template, id="empty-look-alike-template")])
def test_a_look_alike_is_not_a_target_table(tmp_path, render):
    """Family not-a-target-table: alone, the file holds no table; before a real table, it adds no project."""
    from test_metamorphic import render_text

    keys = _name_keys()
    assert len(keys) >= 5
    wrong = []
    for n, key in keys:
        alone = tmp_path / f"{n}_alone.txt"
        alone.write_text("\n".join(render(key)) + "\n", encoding="utf-8")
        try:
            got = list(parse_file(alone).projects["project"])
            wrong.append(f"{n}: read projects {got} from a look-alike")
        except BudgetkitError:
            pass
        both = tmp_path / f"{n}_both.txt"
        both.write_text("\n".join(render(key) + [""] + render_text(key)) + "\n", encoding="utf-8")
        got = [_nfkc(p).replace(" ", "") for p in parse_file(both).projects["project"].fillna("")]
        want = [_nfkc(p["name"]).replace(" ", "") for p in key["projects"]]
        if got != want:
            wrong.append(f"{n}: got {got} want {want}")
    assert not wrong, "\n".join(wrong)
