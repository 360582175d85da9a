"""The reading rules of the passes added on 2026-12-07, one family test each (issue 22: every rule traceable).

Each rule of ``recognise/tiers.py``, ``entry_rows.py``, ``spanning_rows.py``, ``choices.py`` and ``notice_name.py``
has its id in ``metadata/reading_rules.csv`` and here a test of the family it serves, rendered from the hand keys
of ``../shared`` by the family's own generator (``test_stacked_levels``, ``test_incoming_families``,
``test_area_direction``) in the text shape the family was first seen in. The expected values are the keys'
strings; each test fails with its rule switched off (``benchmarks/rules_switch_off.py``). A few keys a family
(the machine is small); skipped, with the reason, where ``../shared`` is not there.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

import test_area_direction as area
import test_incoming_families as incoming
import test_stacked_levels as stacked
from budgetkit.parse import parse_file
from render import SHARED, sample

SCORER = SHARED / "tools/score_corpus.py"

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")


def _nfkc(s: str | None) -> str:
    return unicodedata.normalize("NFKC", s or "").replace(" ", "")


_score = incoming._score  # the text written, read and scored under its key


# --- stacked-levels (A02, 05): recognise/tiers.py -------------------------------------------------------------

@pytest.mark.parametrize("sep", ["lines", "pipe"])
@pytest.mark.parametrize("name,block,key", [
    pytest.param(n, b, k, id=f"stacked-levels/block-label-{b}-{n[:20]}") for n, b, k in sample(stacked._BLOCK, 3)])
def test_stacked_block_label_above_the_level1_labels(tmp_path, sep, name, block, key):
    """levels.stacked-block-label: the block label is level 1, each level-1 label under it the rows' level 2."""
    text = "\n".join(stacked.render_text(key, sep)) + "\n"
    score, findings = _score(tmp_path, stacked._indicators_only(key), text)
    assert score == 1.0, "\n".join(findings) + "\n" + text


@pytest.mark.parametrize("sep", ["lines", "pipe"])
@pytest.mark.parametrize("name,key", [
    pytest.param(n, k, id=f"stacked-levels/level1-repeated-{n[:20]}") for n, k in sample(stacked._REPEATED, 3)])
def test_level1_label_repeated_as_its_level2(tmp_path, sep, name, key):
    """levels.level1-repeated-as-level2: 满意度指标 | 满意度指标 reads as level 1 and level 2 both."""
    text = "\n".join(stacked.render_text(key, sep)) + "\n"
    score, findings = _score(tmp_path, stacked._indicators_only(key), text)
    assert score == 1.0, "\n".join(findings) + "\n" + text


# --- budget-system-export-flattened (B04): recognise/entry_rows.py, recognise/spanning_rows.py --------------

_EXPORT = sample(incoming._EXPORT, 3)


@pytest.mark.parametrize("spelling", sorted(incoming.EXPORT_SPELLINGS))
@pytest.mark.parametrize("name,key", [
    pytest.param(n, k, id=f"budget-system-export-flattened/entry-rows-{n[:20]}") for n, k in _EXPORT])
def test_entry_rows_give_the_project_and_its_total(tmp_path, name, key, spelling):
    """header.entry-rows: the project's name is the last ``code name amount`` row's, its total that row's."""
    path = tmp_path / "page.txt"
    path.write_text(incoming.render_export_text(key, spelling), encoding="utf-8")
    projects = parse_file(path).projects
    want = key["projects"][0]
    assert [_nfkc(p) for p in projects["project"].fillna("")] == [_nfkc(want["name"])]
    totals = projects[["total_wan", "annual_total_wan"]].iloc[0].dropna().tolist()
    assert totals and all(abs(t - want["total_wan"]) <= 1e-6 for t in totals), (totals, want["total_wan"])


@pytest.mark.parametrize("spelling", sorted(incoming.EXPORT_SPELLINGS))
@pytest.mark.parametrize("name,key", [
    pytest.param(n, k, id=f"budget-system-export-flattened/spanning-rows-{n[:20]}") for n, k in _EXPORT])
def test_spanning_rows_cut_into_their_cells(tmp_path, name, key, spelling):
    """run-together.spanning-row: each row run together up to its 定量 reads as the key's name and value."""
    path = tmp_path / "page.txt"
    path.write_text(incoming.render_export_text(key, spelling), encoding="utf-8")
    got = parse_file(path).indicators
    got = [(_nfkc(n), _nfkc(v)) for n, v in zip(got["indicator"].fillna(""), got["value"].fillna(""), strict=True)]
    assert got == [(_nfkc(r["name"]), _nfkc(r["value"])) for r in key["projects"][0]["indicators"]]


# --- area-columns (A08): recognise/choices.py ----------------------------------------------------------------

def _flattened_rows(key: dict) -> dict:
    """The key without rows whose target is a bare number (run together over areas, ``250250``: another family)."""
    return dict(key, projects=[dict(p, indicators=[r for r in p["indicators"]
                                                   if not re.fullmatch(r"\D*\d[\d.]+", r["value"])])
                               for p in key["projects"]])


#: The area keys of two areas (three areas run together on a flattened page, 城关镇西坪镇尧山村大田县, do not read
#: yet: a known limit of areas.cut-run-together, not of these rules).
_TWO_AREAS = [(n, k) for n, k in area._CASES if len(k["projects"][0]["areas"]) == 2]
_CHOICES = [(n, k) for n, k in _TWO_AREAS
            if any(r["value"] in ("是", "否") for p in k["projects"] for r in p["indicators"])]


def _choice_case(n: str, k: dict, shape: str = "choice-answers"):
    answers = {r["value"] for p in k["projects"] for r in p["indicators"] if r["value"] in ("是", "否")}
    marks = [pytest.mark.xfail(strict=True, reason="known limit: a row answering 是 in every area (是/否是是) after "
                               "rows of numbers is read into the row before it")] if "是" in answers else []
    return pytest.param(n, k, id=f"area-columns/{shape}-{'-'.join(sorted(answers))}-{n[:20]}", marks=marks)


@pytest.mark.parametrize("name,key", [_choice_case(n, k) for n, k in sample(_CHOICES, 3)])
def test_choice_answers_one_per_area(tmp_path, name, key):
    """areas.choice-answers: …质量问题是/否否否 on a flattened page reads one answer per area, as the key has it."""
    key = _flattened_rows(key)
    text = "\n".join(area.render_text(key, "flattened")) + "\n"
    score, findings = _score(tmp_path, key, text)
    assert score == 1.0, "\n".join(findings) + "\n" + text


def render_restated(key: dict) -> str:
    """The key's projects flattened onto one line (A08), a choice row's explanation restating the name's closing
    words (已建工程是否存在质量问题 | 当年已完工项目是否在检查中发现质量问题), other rows' opening with 反映."""
    lines = []
    for p in key["projects"]:
        head = ["一级指标", "二级指标", "三级指标", "指标解释", "指标方向", *p["areas"]]
        body = [[l1, l2, n, f"当年检查中发现{n[-4:]}" if d == "是/否" else f"反映{n}情况", d, *t]
                for l1, l2, n, _, d, t in area._rows(p, False)]
        lines.append(f"绩效目标表项目名称{p['name']}主管部门(单位)名称某某局绩效指标"
                     + "".join("".join(row) for row in [head, *body]))
    return "".join(lines) + "\n"


@pytest.mark.parametrize("name,key", [_choice_case(n, k, "restated-explanation") for n, k in sample(_CHOICES, 3)])
def test_restated_explanation_cut_off_the_name(tmp_path, name, key):
    """run-together.restated-explanation: a choice row's explanation restating the name's closing words is cut off
    the name (the name and the answers as the key has them)."""
    key = _flattened_rows(key)
    text = render_restated(key)
    score, findings = _score(tmp_path, key, text)
    assert score == 1.0, "\n".join(findings) + "\n" + text


def test_the_area_families_have_keys_with_choices():
    assert len(_CHOICES) >= 2, [n for n, _ in _CHOICES]


# --- project-names (A12): recognise/notice_name.py -----------------------------------------------------------

@pytest.mark.parametrize("flattened", [pytest.param(True, id="one-line"), pytest.param(False, id="a-row-a-line")])
@pytest.mark.parametrize("name,key", [
    pytest.param(n, k, id=f"project-names/name-from-the-notice-{n[:20]}") for n, k in sample(incoming._NOTICES, 2)])
def test_name_from_the_notice(tmp_path, name, key, flattened):
    """name.from-notice: a table printing no name is named as the notice above it names the funds."""
    text = incoming.render_notice(key, incoming.LIST_NAME_HEADS[0], flattened)
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    projects = parse_file(path).projects
    assert [_nfkc(p) for p in projects["project"].fillna("")] == [_nfkc(key["projects"][0]["name"])], text
