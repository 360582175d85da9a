"""Linear reading: doubling the input at most about doubles the time (issue 27's quadratic probes).

Usage::

    .venv/bin/python benchmarks/linear.py            # exits 1 when a check is worse than --ratio
    .venv/bin/python benchmarks/linear.py --quick    # smaller inputs

Each check times one piece of reading at sizes ``n`` and ``2n`` (best of three runs) and
requires ``t(2n) / t(n) <= ratio`` (default 2.2, as the issue asks):

1. ``digit-run``: :func:`budgetkit.vocabulary.lookup` of a cell that is one long run of
   digits (the score-qualifier pattern scanned the run again from every digit:
   8/16/32 KB took 3.5/9.4/37 s);
2. ``rows``: :func:`budgetkit.parse.parse_file` of a workbook whose one table has ``n``
   indicator rows, its level labels merged down their blocks (each label's row was found by
   a scan of every row: 10,000 rows took 16.7 s);
3. ``one-line-page``: a web page of ``n`` table rows written on a single line.

A measurement on a shared machine is noisy; the sizes are chosen so each run takes at least
a tenth of a second. This is a check to run by hand or in CI, not a unit test.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    """The best time of ``runs`` calls, the garbage collector held off while each runs.

    Python's full collections walk every live object, so their cost grows with the heap of the
    whole process, not with the reading's own work; they would make linear reading look worse.
    """
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def digit_run(n: int) -> Callable[[], object]:
    from budgetkit.vocabulary import lookup

    texts = iter(f"{k}" + "7" * n for k in range(10))  # a new text each run: lookup is cached
    return lambda: lookup.__wrapped__(next(texts))


def workbook(folder: Path, n: int) -> Path:
    """One sheet: a project header, then ``n`` indicator rows in blocks of 50 under merged level labels."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "职工帮扶项目", None, None])
    ws.append(["主管部门", "总工会", "实施单位", "总工会"])
    ws.append(["项目总额", 100.0, None, None])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    top = ws.max_row + 1
    for i in range(n):
        ws.append(["产出指标" if i % 50 == 0 else None, "数量指标" if i % 50 == 0 else None,
                   f"帮扶人数{i}", f"{i + 1}人"])
    for start in range(top, top + n, 50):
        end = min(start + 49, top + n - 1)
        ws.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
        ws.merge_cells(start_row=start, start_column=2, end_row=end, end_column=2)
    path = folder / f"rows{n}.xlsx"
    wb.save(path)
    return path


def rows(n: int, folder: Path) -> Callable[[], object]:
    from budgetkit.parse import parse_file

    path = workbook(folder, n)
    return lambda: parse_file(path, year=2025)


def one_line_page(n: int, folder: Path) -> Callable[[], object]:
    from budgetkit.parse import parse_file

    body = "".join(f"<tr><td>数量指标</td><td>帮扶人数{i}</td><td>{i + 1}人</td></tr>" for i in range(n))
    path = folder / f"page{n}.html"
    path.write_text("<html><body><table><tr><td>项目名称</td><td colspan=2>职工帮扶项目</td></tr>"
                    "<tr><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>" + body + "</table></body></html>",
                    encoding="utf-8")
    return lambda: parse_file(path, year=2025)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    parser.add_argument("--ratio", type=float, default=2.2, help="largest t(2n)/t(n) allowed")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("budgetkit").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="budgetkit-linear-"))
    scale = 1 if args.quick else 2
    checks = {
        "digit-run": (lambda n: digit_run(n), 100_000 * scale),
        "rows": (lambda n: rows(n, folder), 2_500 * scale),
        "one-line-page": (lambda n: one_line_page(n, folder), 2_500 * scale),
    }
    failed = 0
    for name, (make, n) in checks.items():
        small, large = best_of(make(n)), best_of(make(2 * n))
        ratio = large / small
        ok = ratio <= args.ratio
        failed += not ok
        print(f"{name:14} n={n:>7}: {small:7.3f} s   2n: {large:7.3f} s   ratio {ratio:4.2f} "
              f"{'ok' if ok else f'WORSE than {args.ratio}'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
