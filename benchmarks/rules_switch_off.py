"""Switch each reading rule off in turn and require that one of its listed tests fails (issue 22).

Every rule of ``src/budgetkit/metadata/reading_rules.csv`` names the tests that guard it (``tests``: pytest node
ids, separated by spaces). For each rule this runs those tests with the rule switched off
(``BUDGETKIT_RULES_OFF=<rule_id>``) and expects at least one to fail. A rule whose tests all still pass is
reported: either its tests assert nothing about it, or the rule no longer acts (dead). A rule with no test
listed is reported as untested. Exit status 1 when any rule is reported.

Usage::

    python benchmarks/rules_switch_off.py                 # every rule, two at a time
    python benchmarks/rules_switch_off.py --jobs 1 table.end-at-signature value.compose-unit-cell
    python benchmarks/rules_switch_off.py --every 3 --offset 1   # a third of the rules (a CI subset)

Each rule's tests run in a fresh ``pytest -x`` (stop at the first failure), so a rule costs one interpreter
start and its tests up to the first that fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src/budgetkit/metadata/reading_rules.csv"
ENV = "BUDGETKIT_RULES_OFF"


def read_rules(path: Path = TABLE) -> list[dict[str, str]]:
    """The rows of the reading-rules table."""
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check(rule: dict[str, str], python: str = sys.executable) -> tuple[str, str, float]:
    """``(verdict, detail, seconds)`` for one rule: ``caught``, ``not caught``, ``untested`` or ``error``."""
    tests = rule["tests"].split()
    if not tests:
        return "untested", "no test listed", 0.0
    env = {**os.environ, ENV: rule["rule_id"]}
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--no-header",
                           *tests], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode == 1:
        failed = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("FAILED ")), tail)
        return "caught", failed, seconds
    if done.returncode == 0:
        return "not caught", tail, seconds
    return "error", f"pytest exit {done.returncode}: {tail} {done.stderr.strip()[-300:]}", seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rules", nargs="*", help="rule ids to check (default: every rule of the table)")
    ap.add_argument("--jobs", type=int, default=2, help="rules checked at once (default 2)")
    ap.add_argument("--every", type=int, default=1, help="check every N-th rule of the table (a subset)")
    ap.add_argument("--offset", type=int, default=0, help="which of the N subsets (0 .. N-1)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that runs pytest")
    args = ap.parse_args(argv)
    table = read_rules()
    known = {r["rule_id"] for r in table}
    unknown = [r for r in args.rules if r not in known]
    if unknown:
        print(f"unknown rule ids (not in {TABLE.relative_to(ROOT)}): {', '.join(unknown)}", file=sys.stderr)
        return 2
    chosen = [r for r in table if r["rule_id"] in args.rules] if args.rules else table
    chosen = chosen[args.offset :: args.every]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda r: check(r, args.python), chosen))
    bad = 0
    for rule, (verdict, detail, seconds) in zip(chosen, results, strict=True):
        bad += verdict != "caught"
        print(f"{verdict:>10}  {rule['rule_id']:<36} {seconds:5.1f}s  {detail}")
    total = time.perf_counter() - started
    print(f"{len(chosen) - bad} of {len(chosen)} rules caught by their tests when switched off; "
          f"{bad} reported; {total:.0f}s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
