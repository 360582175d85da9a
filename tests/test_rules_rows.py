"""Family tests of the run-together rows' reading rules (issue 22), built from the answer keys.

A page flattened onto one line runs a row's name and its value together. Two families, each read by rules of
``segment/word_values.py`` that ``metadata/reading_rules.csv`` lists with this test:

* **value of words at a row's end** (first seen in ``incoming/text/08_jiayuguan-museum-2023-ocr.txt``): the
  value is words, not a number (``信访工作质量有所提高``, ``为当地提供就业增加岗位``, ``…文化传承影响长远``);
  one rule per shape of such a value: an opening word (``word-value.opens``), a verb and its short object
  (``word-value.verb-object``), a whole word (``word-value.whole``);
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

from budgetkit.model import rules
from budgetkit.parse import parse_lines
from budgetkit.vocab.vocabulary import find_terms
from render import SHARED, table_keys  # noqa: E402  (tests/ is on the path)

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
