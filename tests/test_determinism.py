"""A file reads the same whatever the process read before it (batch workers read hundreds in a row).

Recognition marks the tokens it has read by ``id()``; a token made and dropped along the way freed its id for
the next one, which then counted as read and vanished from ``unparsed`` — how often depended on the memory the
earlier files left. :func:`budgetkit.segment.tokens.kept_alive` keeps every token of one recognition alive.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from budgetkit.parse import parse_file
from render import SHARED  # tests/ is on the path

VOLUMES = SHARED / "realfiles" / "volumes"
#: Workbooks whose 20 sheets make and drop many tokens: the family where ids were reused most.
WORKBOOKS = sorted(VOLUMES.glob("*申报表 (*).xlsx"))


def _unparsed_alone(path) -> str:
    code = ("import sys; from budgetkit.parse import parse_file; "
            "sys.stdout.write(parse_file(sys.argv[1]).unparsed.to_csv(index=False))")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(len(WORKBOOKS) < 3, reason=f"the real workbooks are not under {VOLUMES}")
@pytest.mark.parametrize("last", [pytest.param(i, id=f"workbook-{i}-after-the-others") for i in range(3)])
def test_a_file_reads_alike_alone_and_after_others(last: int) -> None:
    target = WORKBOOKS[last]
    for other in WORKBOOKS[:3]:
        if other != target:
            parse_file(other)
    assert parse_file(target).unparsed.to_csv(index=False) == _unparsed_alone(target)
