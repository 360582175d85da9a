"""Family: one target column per area after a 指标方向 comparator column (issue 23; A08 of ``../shared/incoming``).

The columns 三级指标 | 指标解释 | 指标方向 | <area> | <area>: the comparator printed once in the 指标方向 cell
(``≤`` | ``100%`` | ``100%``), or a choice (``是/否`` | ``否`` | ``否``), the area columns named by their places with
no 区域目标值 above them. Each indicator reads once per area, its value the comparator and the area's target
(``≤100%``), a choice's answer as printed (``否``). Rendered from the hand keys of ``../shared/corpus``,
``../shared/incoming`` and ``../shared/realfiles/volumes`` (the names, levels and values are the keys'; the areas
and explanations the family's), in the formats the family occurs in:

* ``flattened``: the page flattened onto one line, no separator at all (A08): the area names run together
  (``笏石街道办埭头镇``), the comparator glued to the targets (``≤100%100%``, ``≥11``), the explanation glued to
  the name (by its opening word 反映, or restating the name's closing words);
* ``lines`` / ``pipe``: a cell a line, or a row a line;
* ``pdf`` (tests/pdfmaker.py, no explanation column: it draws three columns after the name), ``xlsx``, ``html``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from budgetkit.vocab.values import load_units
from budgetkit.vocab.vocabulary import find_terms, lookup
from grid_families import write_html, write_xlsx
from pdfmaker import Indicator, Project, make_pdf
from render import SHARED, Box, load_tool, sample, table_keys
from test_metamorphic import print_rows

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles/volumes"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")

#: The label roles a name of the family holds no word of.
LABEL_ROLES = ["level1", "level2", "section", "column"]
#: Areas as real tables name them (a sub-district office, a town, a county, a village), in pairs and a triple.
AREAS = [["笏石街道办", "埭头镇"], ["城关镇", "西坪镇尧山村", "大田县"]]
#: A target as comparator and the rest (a unit in brackets, ``6.00(次)``, or a rate, ``620万/月``: other families,
#: left out).
_TARGET_RE = re.compile(r"^(≥|≤|>=|<=|>|<|=)(\d+(?:\.\d+)?(?:%|[^\d\s%()/]{1,3})?)$")


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


def _keys() -> list[tuple[str, dict]]:
    return table_keys(FOLDERS)


def _split(value: str) -> tuple[str, str] | None:
    """``(direction, target)`` of a keyed value: a comparator and a number, or the choice 是/否 and an answer."""
    v = _nfkc(value)
    if v in ("是", "否"):
        return "是/否", v
    m = _TARGET_RE.match(v)
    if m is None or re.sub(r"^\d+(?:\.\d+)?", "", m.group(2)) not in ("", *load_units()):
        return None  # (a unit metadata/units.csv does not know, 分钟 or 村, cannot cut a flattened run: left out)
    return m.group(1), m.group(2)


def _fits(r: dict) -> bool:
    """A keyed row the family can print: known levels, a name of words alone (no number, bracket or label word),
    a value with a comparator or a yes/no answer."""
    name = _nfkc(r.get("name") or "")
    if not (r.get("level1") and r.get("level2") and lookup(r["level1"]) and lookup(r["level2"])):
        return False
    if r["level1"] == r["level2"] or r.get("area") or not re.fullmatch(r"[\u4e00-\u9fff]{4,20}", name):
        return False
    if lookup(name) is not None or "反映" in name or find_terms(name, LABEL_ROLES):
        return False  # (a name holding a label word is cut by the vocabulary on a flattened page: another family)
    return _split(r.get("value") or "") is not None


def area_key(key: dict, areas: list[str]) -> dict | None:
    """The key's projects, each row printed once per area with the key's target in every area column."""
    projects = []
    names = [p["name"] for p in key["projects"]]
    for p in key["projects"]:
        rows = [r for r in p.get("indicators", []) if _fits(r)]
        rows = list({_nfkc(r["name"]): r for r in rows}.values())  # (one row a name: areas repeat the name)
        if len(rows) < 3 or names.count(p["name"]) > 1:
            continue
        inds = [{"level1": r["level1"], "level2": r["level2"], "name": _nfkc(r["name"]), "area": a,
                 "value": "".join(_split(r["value"])) if _split(r["value"])[0] != "是/否" else _split(r["value"])[1]}
                for r in rows for a in areas]
        projects.append({"name": p["name"], "indicators": inds, "areas": areas})
    return dict(key, projects=projects) if projects else None


def _rows(p: dict, restated: bool) -> list[tuple[str, str, str, str, str, list[str]]]:
    """``(level1, level2, name, explanation, direction, targets)`` per indicator, labels on their block's first
    row only."""
    out, last, seen = [], (None, None), set()
    for r in p["indicators"]:
        if r["name"] in seen:
            continue
        seen.add(r["name"])
        direction, target = _split(r["value"]) if r["value"] not in ("是", "否") else ("是/否", r["value"])
        l1 = r["level1"] if r["level1"] != last[0] else ""
        l2 = r["level2"] if (r["level1"], r["level2"]) != last else ""
        last = (r["level1"], r["level2"])
        explanation = f"考察当年{r['name']}" if restated else f"反映{r['name']}情况"
        out.append((l1, l2, r["name"], explanation, direction, [target] * len(p["areas"])))
    return out


def render_text(key: dict, fmt: str, restated: bool = False) -> list[str]:
    lines: list[str] = []
    for p in key["projects"]:
        head = [["项目名称", p["name"]], ["一级指标", "二级指标", "三级指标", "指标解释", "指标方向", *p["areas"]]]
        body = [[l1, l2, n, e, d, *t] for l1, l2, n, e, d, t in _rows(p, restated)]
        if fmt == "flattened":
            lines.append("绩效目标表" + "".join(head[0]) + "主管部门(单位)名称某某局绩效指标"
                         + "".join("".join(row) for row in head[1:] + body))
        else:
            lines += ["项目支出绩效目标表", *print_rows(head + body, fmt), ""]
    return ["".join(lines)] if fmt == "flattened" else lines


def _boxes(p: dict) -> list[Box]:
    areas = p["areas"]
    b = [Box(0, 0, "项目名称", th=True), Box(0, 1, p["name"], cs=4 + len(areas)),
         *[Box(1, c, t, th=True) for c, t in enumerate(["一级指标", "二级指标", "三级指标", "指标解释", "指标方向",
                                                          *areas])]]
    rows = _rows(p, False)
    for k, (l1, l2, n, e, d, targets) in enumerate(rows):
        b += [Box(2 + k, 0, l1), Box(2 + k, 1, l2), Box(2 + k, 2, n), Box(2 + k, 3, e), Box(2 + k, 4, d),
              *[Box(2 + k, 5 + j, t) for j, t in enumerate(targets)]]
    return b


def render_pdf(key: dict, path: Path) -> Path:
    projects = []
    for p in key["projects"]:
        last = (None, None)
        inds = []
        for l1, l2, n, _, d, targets in _rows(p, False):
            last = (l1 or last[0], l2 or last[1])
            inds.append(Indicator(last[0], last[1], n, "", cells=(d, *targets)))
        projects.append(Project(name=p["name"], department="某某局", unit="某某局", attribute="02-经常性项目",
                                period="1年", total="35", goal="完成年度任务。", indicators=tuple(inds),
                                columns=("指标方向", *p["areas"])))
    make_pdf(path, projects, notice=None)
    return path


def _render(key: dict, fmt: str, tmp_path: Path) -> Path:
    if fmt in ("flattened", "restated", "lines", "pipe"):
        path = tmp_path / "page.txt"
        lines = render_text(key, "flattened" if fmt == "restated" else fmt, restated=fmt == "restated")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if fmt == "pdf":
        return render_pdf(key, tmp_path / "page.pdf")
    tables = [([], _boxes(p)) for p in key["projects"]]
    return (write_xlsx if fmt == "xlsx" else write_html)(tables, tmp_path / f"page.{fmt}")


_CASES = [(n, k) for n, key in _keys() for areas in AREAS if (k := area_key(key, areas))]
FORMATS = ["flattened", "restated", "lines", "pipe", "pdf", "xlsx", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,key", [
    pytest.param(n, k, id=f"area-columns-after-a-direction-{len(k['projects'][0]['areas'])}-{n[:24]}")
    for n, k in sample(_CASES, 8)])
def test_area_targets_after_a_direction_column(tmp_path, fmt, name, key):
    if fmt == "pdf" and len(key["projects"][0]["areas"]) > 2:
        pytest.skip("tests/pdfmaker.py draws at most three columns after the name: 指标方向 and two areas")
    if fmt in ("flattened", "restated"):  # (bare numbers run together, 250250, cut only one digit per area)
        key = dict(key, projects=[dict(p, indicators=[r for r in p["indicators"]
                                                      if not re.fullmatch(r"\D*\d[\d.]+", r["value"])])
                                  for p in key["projects"]])
    if fmt == "lines":  # (a known limit: a one-word target printed a cell a line is not told from a name)
        key = dict(key, projects=[dict(p, indicators=[r for r in p["indicators"] if r["value"] not in ("是", "否")])
                                  for p in key["projects"]])
    path = _render(key, fmt, tmp_path)
    folder = tmp_path / "out"
    try:
        write_tables(parse_file(path), folder)
    except BudgetkitError as e:
        pytest.fail(f"{fmt}: {e}")
    score, _, findings = load_tool(SCORER).score_doc(key, folder)
    assert score == 1.0, "\n".join(findings)


def test_the_area_direction_family_has_keys_to_render():
    assert len(_CASES) >= 6, len(_CASES)
