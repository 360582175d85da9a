"""Tables end where their rows end (issue 23).

Family **text after the last row**: the next document's covering notice (title, paragraphs, 附件: line,
publisher and date), a note under the table (注:…) or an attachment line (附件:) printed after a table's last
row is never read as rows of it, nor glued to its last value: it lands in ``unparsed``.

Expected counts come from the hand-checked golden tables of the seed (``tests/golden``), never from the
parser's output on the concatenation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from budgetkit.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"
GOLDEN = ROOT / "tests/golden/2025-nx-federation-of-trade-unions"


def _golden() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(GOLDEN / "projects.csv", dtype=str), pd.read_csv(GOLDEN / "indicators.csv", dtype=str))


@pytest.mark.parametrize("copies", [pytest.param(2, id="two-copies"), pytest.param(100, id="hundred-copies")])
def test_concatenated_seed_reads_every_copy_exactly(tmp_path: Path, copies: int) -> None:
    """N copies of the seed one after the other: N × its projects and indicators, each copy's notice unparsed."""
    projects, indicators = _golden()
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "concatenated.txt"
    path.write_text(text * copies, encoding="utf-8")
    tables = parse_file(path)
    assert len(tables.projects) == copies * len(projects)
    assert len(tables.indicators) == copies * len(indicators)
    # the last row of every copy reads as the golden last row, not as the next copy's title
    last = indicators.iloc[-1]
    lasts = tables.indicators[tables.indicators["project_id"].isin(
        tables.projects["project_id"][len(projects) - 1 :: len(projects)])].groupby("project_id").tail(1)
    assert list(lasts["indicator"]) == [last["indicator"]] * copies
    assert list(lasts["value"]) == [last["value"]] * copies
    # the covering notice of every copy after the first is in unparsed, attachment line included
    attachments = tables.unparsed[tables.unparsed["text"].str.startswith("附件")]
    assert len(attachments) == copies - 1


#: A table's last rows, then what a publisher prints after them: (text after, the last row's value as printed).
_TAILS = [
    pytest.param(["", "注:各地请根据实际情况选择适合的指标填报。"], id="note-line-after-last-row"),
    pytest.param(["", "", "附件:"], id="attachment-line-after-last-row"),
    pytest.param(["", "", "", "某某单位2026年部门预算绩效目标", "", "根据有关要求,现将绩效目标予以公开。", "",
                  "附件:2026年部门预算绩效目标表", "", "某某单位", "2026年2月1日"],
                 id="next-documents-covering-notice"),
]


@pytest.mark.parametrize("tail", _TAILS)
def test_text_after_the_last_row_is_unparsed(tmp_path: Path, tail: list[str]) -> None:
    """The seed's text with a tail after its last row: the same rows, the tail's text in ``unparsed``."""
    projects, indicators = _golden()
    path = tmp_path / "tail.txt"
    path.write_text(SEED.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(tail) + "\n",
                    encoding="utf-8")
    tables = parse_file(path)
    assert len(tables.indicators) == len(indicators)
    assert tables.indicators.iloc[-1]["value"] == indicators.iloc[-1]["value"]
    unparsed = "".join(tables.unparsed["text"])
    for line in tail:
        assert line.replace(" ", "") in unparsed.replace(" ", "")
