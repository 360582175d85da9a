"""Family: level labels stacked in the level-1 column (issue 23; A02, 05 of ``../shared/incoming``).

Two shapes, rendered from the hand keys of ``../shared/corpus``, ``../shared/incoming`` and
``../shared/realfiles/volumes`` (the strings are the keys' own, the shape the family's), in every format the
family occurs in (a page text one cell a line or one row a line, a ruled PDF, a workbook, a web page):

* ``block-label-above-level1``: a block label the vocabulary does not know (实施效果指标) in the 一级 column
  above the standard level-1 labels, which stand in the 二级 column (A02): level 1 is the block label,
  level 2 the level-1 label;
* ``level1-repeated-as-level2``: a level-1 label printed again as its own level 2 (满意度指标 | 满意度指标, 05).

The reading is scored under the rendered key by the scorer's own ``score_doc``; expected values are the keys'.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from budgetkit.vocab.vocabulary import lookup
from pdfmaker import Indicator, Project, make_pdf
from render import SHARED, block_labels, load_tool, render_html, render_xlsx, sample, table_keys
from test_metamorphic import print_rows

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming", SHARED / "realfiles/volumes"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")

#: Block labels above the level-1 labels: the real one (A02) and look-alikes no vocabulary holds, each shaped
#: like a label (…指标). A block label not shaped like one (项目实施成效) reads as a name on a page text that prints
#: one cell a line: a known limit.
BLOCK_LABELS = ["实施效果指标", "项目实施成效指标", "绩效目标完成情况指标"]


def _keys() -> list[tuple[str, dict]]:
    return table_keys(FOLDERS)


def _level1(label: str | None) -> bool:
    m = lookup(label) if label else None
    return m is not None and m.role("level1") is not None and m.role("level2") is None


def _plain_rows(p: dict) -> list[dict] | None:
    """The project's rows when every one prints a known level 1, a known level 2, a name that is no label and a
    value, without areas."""
    rows = p.get("indicators", [])
    if len(rows) < 3 or any(r.get("area") or r.get("actual") or not r.get("level2") or not _level1(r.get("level1"))
                            or not r.get("value") or not r.get("name") for r in rows):
        return None
    if any(lookup(r["name"]) is not None for r in rows):  # a label word as the name: another family
        return None
    if any(lookup(r["level2"]) is None for r in rows):
        # a level 2 printed short (产出 | 数量, without 指标) is read in a level column only, never in text
        # (grid_words.csv short_level): the grid's family, not this one
        return None
    if len({r["level1"] for r in rows}) < 2:
        return None
    return rows


def _named_once(key: dict) -> list[dict]:
    """The key's projects whose name no other project of the key bears (the renderings print no unit)."""
    names = [p["name"] for p in key["projects"]]
    return [p for p in key["projects"] if names.count(p["name"]) == 1]


def block_label_key(key: dict, block: str) -> dict | None:
    """The key's projects with ``block`` above their level-1 labels, which take the level-2 column."""
    projects = []
    for p in _named_once(key):
        rows = _plain_rows(p)
        if rows:
            inds = [{"level1": block, "level2": r["level1"], "name": r["name"], "value": r["value"]} for r in rows]
            projects.append({"name": p["name"], "total_wan": p.get("total_wan"), "indicators": inds})
    return dict(key, projects=projects) if projects else None


def repeated_label_key(key: dict) -> dict | None:
    """The key's projects with their last level-1 block printing its level-1 label again as its level 2."""
    projects = []
    for p in _named_once(key):
        rows = _plain_rows(p)
        if rows:
            last = rows[-1]["level1"]
            inds = [dict(r, level2=last) if r["level1"] == last else dict(r) for r in rows]
            inds = [{k: r[k] for k in ("level1", "level2", "name", "value")} for r in inds]
            projects.append({"name": p["name"], "total_wan": p.get("total_wan"), "indicators": inds})
    return dict(key, projects=projects) if projects else None


def render_text(key: dict, sep: str) -> list[str]:
    """The key's tables as page text: labels printed once, on the first row of their block."""
    lines: list[str] = []
    for p in key["projects"]:
        rows = [["项目名称", p["name"]], ["一级指标", "二级指标", "三级指标", "指标值"]]
        for l1, l2, r in block_labels(p["indicators"]):
            rows.append([l1, l2, r["name"], r["value"]])
        lines += ["项目支出绩效目标表", *print_rows(rows, sep), ""]
    return lines


def render_pdf(key: dict, path: Path) -> Path:
    projects = [Project(name=p["name"], department="某某局", unit="某某局", attribute="02-经常性项目", period="1年",
                        total="" if p.get("total_wan") is None else f"{p['total_wan']:g}", goal="完成年度任务。",
                        indicators=tuple(Indicator(r["level1"], r["level2"], r["name"], r["value"])
                                         for r in p["indicators"]))
                for p in key["projects"]]
    make_pdf(path, projects, notice=None)
    return path


def _render(key: dict, fmt: str, tmp_path: Path) -> Path:
    if fmt in ("lines", "pipe"):
        path = tmp_path / "page.txt"
        path.write_text("\n".join(render_text(key, fmt)) + "\n", encoding="utf-8")
        return path
    if fmt == "pdf":
        return render_pdf(key, tmp_path / "page.pdf")
    return (render_xlsx if fmt == "xlsx" else render_html)(key, tmp_path / f"page.{fmt}")


def _indicators_only(key: dict) -> dict:
    """The key without its totals: the family is about the levels."""
    return dict(key, projects=[{k: v for k, v in p.items() if k != "total_wan"} for p in key["projects"]])


def _score(key: dict, fmt: str, tmp_path: Path) -> tuple[float, list[str]]:
    path = _render(key, fmt, tmp_path)
    folder = tmp_path / "out"
    try:
        write_tables(parse_file(path), folder)
    except BudgetkitError as e:
        pytest.fail(f"{fmt}: {e}")
    score, _, findings = load_tool(SCORER).score_doc(_indicators_only(key), folder)
    return score, findings


_BLOCK = [(n, b, k) for n, key in _keys() for b in BLOCK_LABELS if (k := block_label_key(key, b))]
_REPEATED = [(n, k) for n, key in _keys() if (k := repeated_label_key(key))]
FORMATS = ["lines", "pipe", "pdf", "xlsx", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,block,key", [pytest.param(n, b, k, id=f"block-label-above-level1-{b}-{n[:24]}")
                                            for n, b, k in sample(_BLOCK, 9)])
def test_block_label_above_the_level1_labels(tmp_path, fmt, name, block, key):
    score, findings = _score(key, fmt, tmp_path)
    assert score == 1.0, "\n".join(findings)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"level1-repeated-as-level2-{n[:24]}")
                                      for n, k in sample(_REPEATED, 6)])
def test_level1_label_repeated_as_its_level2(tmp_path, fmt, name, key):
    score, findings = _score(key, fmt, tmp_path)
    assert score == 1.0, "\n".join(findings)


def test_the_stacked_families_have_keys_to_render():
    assert len(_BLOCK) >= 3 * len(BLOCK_LABELS) and len(_REPEATED) >= 3, (len(_BLOCK), len(_REPEATED))
