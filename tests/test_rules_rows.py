"""Family tests of the run-together rows' reading rules (issue 22), built from the answer keys.

A page flattened onto one line runs a row's name and its value together. Two families, each read by rules of
``segment/word_values.py`` that ``metadata/reading_rules.csv`` lists with this test:

* **value of words at a row's end** (first seen in ``incoming/text/08_jiayuguan-museum-2023-ocr.txt``): the
  value is words, not a number (``信访工作质量有所提高``, ``为当地提供就业增加岗位``, ``…文化传承影响长远``);
  one rule per shape of such a value: an opening word (``word-value.opens``), a verb and its short object
  (``word-value.verb-object``), a whole word (``word-value.whole``);
* **pre-101 template** (first seen in ``incoming/text/A10_fujian-taibao-2017.txt``): a row a line, its goal
  number before its cells (``目标2 争取台湾民心 100%``) (``rows.goal-numbered``, ``segment/enumerated.py``);
* **area columns after a direction** (``test_area_direction.py``'s family, A08): a row's choice direction and
  one answer per area run together after its name and explanation (``…质量问题是/否否否``)
  (``run-together.choice-answers``), the explanation restating the name's closing words
  (``run-together.restated-explanation``), both ``recognise/run_together.py``;
* **word targets run together between names** (first seen in ``incoming/text/B02_ezhou-jiguanshiwu-binhu-2022.txt``):
  a target of words whole in itself (``成本控制率不超预算``) stands between its name and what follows
  (``run-together.word-targets``).

The rows are the keys' own (every key under ``../shared``'s corpus, incoming texts and real volumes that has
a row of the shape), each rendered as the family prints it: the page on one line, a row's level labels where
they change, its name and value run together, then the key's next row of the project. What must be read is the
key's name and value. The shapes are spelt here, independently of the reader's word list.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

import grid_families  # noqa: E402  (tests/ is on the path)
import test_area_direction  # noqa: E402
from budgetkit.model import rules
from budgetkit.parse import parse_lines
from budgetkit.vocab.vocabulary import find_terms
from render import SHARED, sample, table_keys  # noqa: E402

FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles" / "volumes"]

pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(),
                                reason=f"{SHARED / 'corpus'} not found: the answer keys are not here")

#: Values as the keys print them, by the shape each rule reads (spelt here, not read from word_values.csv).
_SHAPES = {
    "opens": re.compile(r"^(?:有所|逐步|稳步|显著|明显|进一步|不断|持续|大幅|得到)[\u4e00-\u9fff]{1,5}$"),
    "verb-object": re.compile(r"^(?:增加|提高|提升|改善|增强)[\u4e00-\u9fff]{1,2}$"),
    "whole": re.compile(r"^(?:长远|长期)$"),
    "cap": re.compile(r"^(?:不超|不超过|不超出|不高于)(?:预算|标准)$|^控制在预算(?:范围)?内$"),
}
#: A name that is a plain name: no digit, comparator or space.
_PLAIN_NAME_RE = re.compile(r"^[^\d\s≥≤><=%]+$")
#: Words a name must not end with: a value of words' words, which no reader can part from the value after them.
_VALUE_ENDS = ("有所", "逐步", "稳步", "显著", "明显", "进一步", "不断", "持续", "大幅", "得到", "增加", "提高",
               "提升", "改善", "增强", "长远", "长期")


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


def _labels_read(row: dict) -> bool:
    """Whether the row's level labels are printed whole (…指标, or none), as the vocabulary cuts them."""
    return all(not row.get(k) or _nfkc(row[k]).endswith("指标") for k in ("level1", "level2")) \
        and bool(row.get("level2"))


def _plain(row: dict) -> bool:
    """Whether ``row`` is a plain row of its own family: a plain name, no level word or header label inside it,
    not ending in a value's words, no area."""
    name = _nfkc(row.get("name"))
    return bool(_PLAIN_NAME_RE.match(name)) and not row.get("area") and _labels_read(row) \
        and not name.endswith(_VALUE_ENDS) \
        and not find_terms(name, ("level1", "level2", "goal", "field", "column", "section", "title"))


def _rows(shape: str) -> list[tuple[str, str, dict, list[dict]]]:
    """``(key, project, row, page rows)`` of every key row whose value has ``shape``.

    The page rows are the project's, one a level-2 block (labels printed between them, as in the real pages):
    the row itself in its block, the first plain row in each other block. Two rows of one block run together
    with no label between are another family (nothing parts the first one's value from the second one's name).
    The row stands between names, as the family prints it: where it is the page's last, its block comes first.
    """
    out = []
    for name, key in table_keys(FOLDERS):
        for p in key["projects"]:
            rows = p.get("indicators", [])
            for r in rows:
                if not (_SHAPES[shape].match(_nfkc(r.get("value"))) and _plain(r) and p.get("name")):
                    continue
                blocks: dict[tuple[str, str], dict] = {}
                for other in rows:
                    block = (_nfkc(other.get("level1")), _nfkc(other.get("level2")))
                    if other is r or block not in blocks and _plain(other):
                        blocks[block] = other
                page = list(blocks.values())
                if page[-1] is r:  # the family's row stands between names: the last one is printed first
                    page = [r, *page[:-1]]
                out.append((name, _nfkc(p["name"]), r, page))
    return out


def _page(project: str, rows: list[dict]) -> str:
    """A flattened page of ``project`` with ``rows``: level labels where they change, each name and value run
    together, all on one line."""
    parts = ["省级部门预算项目支出绩效目标表(2023年度)", f"项目名称{project}", "主管部门某某市机关事务服务中心",
             "一级指标二级指标三级指标指标值"]
    last = (None, None)
    for r in rows:
        labels = (_nfkc(r.get("level1")), _nfkc(r.get("level2")))
        parts.append((labels[0] if labels[0] != last[0] else "") + (labels[1] if labels != last else "")
                     + _nfkc(r["name"]) + _nfkc(r["value"]))
        last = labels
    parts.append("注:本表由某某局填报。")
    return "".join(parts)


@pytest.mark.parametrize("shape, rule_id, fewest", [
    pytest.param("opens", "word-value.opens", 4, id="value-of-words-at-a-row-end/word-value.opens"),
    pytest.param("verb-object", "word-value.verb-object", 1, id="value-of-words-at-a-row-end/word-value.verb-object"),
    pytest.param("whole", "word-value.whole", 2, id="value-of-words-at-a-row-end/word-value.whole"),
    pytest.param("cap", "run-together.word-targets", 2, id="word-targets-between-names/run-together.word-targets"),
])
def test_a_flattened_row_reads_its_key(shape, rule_id, fewest):
    """Every key row of the family, run together with its name on a flattened page, reads as the key has it."""
    assert rule_id in rules.known()
    found = _rows(shape)
    assert len(found) >= fewest, f"{shape}: only {[(n, r['name']) for n, _, r, _ in found]} in the keys"
    wrong = []
    for name, project, row, page_rows in found:
        page = _page(project, page_rows)
        got = [(_nfkc(i), _nfkc(v)) for i, v in parse_lines([page], "family.txt").indicators[
            ["indicator", "value"]].fillna("").itertuples(index=False)]
        if (_nfkc(row["name"]), _nfkc(row["value"])) not in got:
            wrong.append(f"{name}: {row['name']} | {row['value']} not among {got}\n  {page}")
    assert not wrong, "\n".join(wrong)


# --- family: pre-101 template, goal-numbered rows (A10) -------------------------------------------------------


@pytest.mark.parametrize("standard", [pytest.param(s, id=f"pre101-template/rows.goal-numbered/{s}")
                                      for s in grid_families.PRE101_STANDARDS])
def test_goal_numbered_rows_read_their_key(standard):
    """Every key's rows in the pre-101 template's text (grid_families.render_pre101_text: a row a line, each
    numbered 目标1, 目标2 … within its block): each reads with the key's name (without its number) and value."""
    keys = [(n, k) for n, k in ((n, grid_families.pre101_key(k)) for n, k in table_keys(FOLDERS)) if k]
    assert len(keys) >= 5, [n for n, _ in keys]
    wrong = []
    for name, key in keys:
        tables = parse_lines(grid_families.render_pre101_text(key, standard), "pre101.txt")
        got = {(_nfkc(i), _nfkc(v)) for i, v in tables.indicators[["indicator", "value"]].fillna("")
               .itertuples(index=False)}
        wrong += [f"{name}: {r['name']} | {r['value']}" for p in key["projects"] for r in p["indicators"]
                  if (_nfkc(r["name"]), _nfkc(r["value"])) not in got]
    assert not wrong, "\n".join(wrong[:20])


# --- family: area columns after a direction, a choice and its answers run together (A08) -----------------------


def _flattened_areas(key: dict, restated: bool) -> list[str]:
    """The key's projects as test_area_direction.render_text flattens them; a ``restated`` explanation is the
    name again after 当年, with no opening word (反映, 考察) to cut it at."""
    lines = []
    for p in key["projects"]:
        body = [[l1, l2, n, f"当年{n}" if restated else e, d, *t]
                for l1, l2, n, e, d, t in test_area_direction._rows(p, False)]
        head = ["一级指标", "二级指标", "三级指标", "指标解释", "指标方向", *p["areas"]]
        lines.append("绩效目标表项目名称" + p["name"] + "主管部门(单位)名称某某局绩效指标" + "".join(head)
                     + "".join("".join(row) for row in body))
    return ["".join(lines)]


@pytest.mark.parametrize("fmt", [
    pytest.param("flattened", id="area-columns-after-a-direction/run-together.choice-answers"),
    pytest.param("restated", id="area-columns-after-a-direction/run-together.restated-explanation"),
])
def test_choice_answers_read_their_key(fmt):
    """Every key's rows of a choice (是/否), printed with their explanation (反映…, or restating the name with no
    opening word: ``restated``), the direction 是/否 and one answer per area, the page flattened onto one line:
    each reads once per area with the key's answer. The cases are those
    test_area_direction samples (on some others, three areas or more, a choice row is not read yet: a limit)."""
    wrong, found = [], 0
    for name, key in sample(test_area_direction._CASES, 8):
        key = dict(key, projects=[dict(p, indicators=[r for r in p["indicators"]
                                                      if not re.fullmatch(r"\D*\d[\d.]+", r["value"])])
                                  for p in key["projects"]])
        lines = _flattened_areas(key, restated=fmt == "restated")
        got = {(_nfkc(i), a, _nfkc(v)) for i, a, v in parse_lines(lines, "areas.txt").indicators[
            ["indicator", "area", "value"]].fillna("").itertuples(index=False)}
        rows = [r for p in key["projects"] for r in p["indicators"] if r["value"] in ("是", "否")]
        found += len(rows)
        wrong += [f"{name}: {r['name']} | {r['area']} | {r['value']}" for r in rows
                  if (_nfkc(r["name"]), r["area"], r["value"]) not in got]
    assert found >= 4, f"only {found} rows of a choice in the keys"
    assert not wrong, "\n".join(wrong[:20])
