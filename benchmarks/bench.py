"""Benchmark: parse time per table, one year's full rebuild, and the cost of the notebook layer.

Usage::

    .venv/bin/python benchmarks/bench.py [--year 2025] [--repeat 20]

Prints three measurements, on a throw-away copy of the repository (the real
``data/processed``, ``figures`` and ``reports`` are not touched):

1. parse time per project table from text (``parse_file`` repeated, best of ``--repeat``);
2. a full rebuild of one year through papermill (``budgetkit build --year Y``),
   with and without HTML, in a fresh process as a user runs it;
3. the same work as a plain script calling the same step functions in a fresh
   process, and the ratio papermill / plain script: the price of the notebook layer.

This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLAIN_SCRIPT = """
from budgetkit import steps
from budgetkit.params import validate_params
year = {year}
for name, calls in [
    ("01_clean", [steps.clean_year]),
    ("02_costs", [steps.reconcile_year]),
    ("03_audit", [steps.audit_year]),
    ("04_figures", [steps.figure_budget, steps.figure_costs, steps.figure_unit_costs,
                    steps.figure_qualitative, steps.figure_audit]),
]:
    params = validate_params({{"year": year, "root": {root!r}}}, name)
    for call in calls:
        call(params)
"""


def _project_copy(year: int) -> Path:
    root = Path(tempfile.mkdtemp(prefix="budgetkit-bench-"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data/raw" / str(year), root / "data/raw" / str(year))
    return root


def _timed(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bench_parse(year: int, repeat: int) -> tuple[int, float]:
    """Return (tables, best seconds per table) over every raw file of ``year``."""
    from budgetkit.parse import parse_file
    from budgetkit.paths import project_paths

    files = project_paths(ROOT).raw_files(year)
    best = float("inf")
    tables = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        tables = sum(len(parse_file(f).projects) for f in files)
        best = min(best, time.perf_counter() - t0)
    return tables, best / max(tables, 1)


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    python = sys.executable

    tables, per_table = bench_parse(args.year, args.repeat)
    print(f"parse from text: {tables} tables, {per_table * 1000:.1f} ms per table (best of {args.repeat})")

    root = _project_copy(args.year)
    try:
        build = [python, "-m", "budgetkit", "-q", "build", "--root", str(root), "--year", str(args.year)]
        with_html = _timed(build, root)
        without_html = _timed([*build, "--no-html"], root)
        plain = _timed([python, "-c", PLAIN_SCRIPT.format(year=args.year, root=str(root))], root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"rebuild {args.year} with papermill: {with_html:.1f} s with HTML, {without_html:.1f} s without")
    print(f"same steps as a plain script: {plain:.1f} s")
    print(f"notebook layer overhead: papermill / plain = {without_html / plain:.1f}x "
          f"({with_html / plain:.1f}x with HTML)")


if __name__ == "__main__":
    main()
