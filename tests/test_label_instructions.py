"""Family: a template's instruction printed in a column label (issue 23; 04 of ``../shared/incoming``).

Templates print what to fill in beside a column label: ``指标值(包含数字及文字描述)``. The instruction is part of
the label (``metadata/qualifiers.csv``, kind ``fill``), never a row of the table. Rendered from the hand keys of
``../shared/corpus`` and ``../shared/incoming`` (their strings; the instruction the family's), as page text in
the separator styles real pages use and as a web page; every key must read as it reads without the instruction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file
from render import SHARED, load_tool, render_html, sample, table_keys
from test_metamorphic import render_text

SCORER = SHARED / "tools/score_corpus.py"
FOLDERS = [SHARED / "corpus", SHARED / "incoming"]

pytestmark = pytest.mark.skipif(not SCORER.is_file(), reason=f"{SCORER} not found: the real keys are not here")

#: Instructions real templates print in the value label: the one of 04 and look-alikes.
INSTRUCTIONS = ["(包含数字及文字描述)", "(请按实际情况填写)", "（定量指标须填列数值，定性指标文字说明）"]


def _keys() -> list[tuple[str, dict]]:
    # the plain shape: one value column, no areas, no actuals (the renderers print those otherwise)
    return [(n, k) for n, k in table_keys(FOLDERS) if not any(
        i.get("area") or "actual" in i for p in k["projects"] for i in p.get("indicators", []))]


def _read(path: Path, tmp_path: Path, folder: str):
    out = tmp_path / folder
    try:
        write_tables(parse_file(path), out)
    except BudgetkitError as e:
        pytest.fail(str(e))
    return load_tool(SCORER).score_doc


def _score(key: dict, path: Path, tmp_path: Path, folder: str) -> float:
    score_doc = _read(path, tmp_path, folder)
    return score_doc(key, tmp_path / folder)[0]


_CASES = sample(_keys(), 8)


@pytest.mark.parametrize("instruction", INSTRUCTIONS)
@pytest.mark.parametrize("fmt", ["pipe", "lines", "tab", "html"])
@pytest.mark.parametrize("name,key", [pytest.param(n, k, id=f"instruction-in-the-value-label-{n[:24]}")
                                      for n, k in _CASES])
def test_an_instruction_in_a_label_is_no_row(tmp_path, name, key, fmt, instruction):
    """The key reads as well with the instruction in its value label as without it (never a row more)."""
    paths = []
    for k, label in enumerate(("指标值", "指标值" + instruction)):
        if fmt == "html":
            path = render_html(key, tmp_path / f"{k}.html")
            path.write_text(path.read_text(encoding="utf-8").replace(">指标值<", f">{label}<"), encoding="utf-8")
        else:
            path = tmp_path / f"{k}.txt"
            path.write_text("\n".join(render_text(key, fmt, rename={"指标值": label})) + "\n", encoding="utf-8")
        paths.append(path)
    plain, instructed = (_score(key, p, tmp_path, f"out{k}") for k, p in enumerate(paths))
    assert instructed >= plain, (plain, instructed)
    indicators = [(tmp_path / f"out{k}" / "indicators.csv").read_text(encoding="utf-8").count("\n") for k in (0, 1)]
    assert indicators[1] == indicators[0], indicators
