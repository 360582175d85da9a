#!/usr/bin/env python3
"""Gate CI on a scorer's figures: read the scorer's output, fail when a figure is below its floor.

usage: gate.py OUTPUT_FILE NAME>=FLOOR ... [--rule-recall FLOOR --rule-min N]

``NAME>=FLOOR`` reads the last ``NAME=value`` on the output's last line that holds it (``mean_score=0.449``,
``audit_recall=0.976``); a figure that is missing or ``n/a`` fails. ``--rule-recall`` also requires each
per-rule line of score_analyses.py (``  R13: tp=17 fp=0 fn=1``) whose key holds ``--rule-min`` or more
findings (tp + fn) to reach that recall. Prints one line per check and exits 1 when any fails.
"""

from __future__ import annotations

import re
import sys


def main(argv: list[str]) -> int:
    """Check every floor named in ``argv`` against the scorer output file ``argv[1]``; 1 when one fails."""
    text = open(argv[1], encoding="utf-8").read()
    checks = [a for a in argv[2:] if ">=" in a]
    opts = dict(zip(argv[2:-1], argv[3:], strict=True))
    failed = 0
    for check in checks:
        name, floor = check.split(">=")
        found = re.findall(rf"\b{re.escape(name)}=([0-9.]+|n/a)", text)
        value = found[-1] if found else "missing"
        ok = value not in ("missing", "n/a") and float(value) >= float(floor)
        failed += not ok
        print(f"gate {'ok  ' if ok else 'FAIL'} {name}={value} (floor {floor})")
    if "--rule-recall" in opts:
        floor, least = float(opts["--rule-recall"]), int(opts.get("--rule-min", "3"))
        for rule, tp, fn in re.findall(r"^\s+(R\d+): tp=(\d+) fp=\d+ fn=(\d+)$", text, re.M):
            tp, fn = int(tp), int(fn)
            if tp + fn >= least:
                ok = tp / (tp + fn) >= floor
                failed += not ok
                print(f"gate {'ok  ' if ok else 'FAIL'} {rule} recall={tp / (tp + fn):.3f} (floor {floor}, "
                      f"{tp + fn} keyed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
