"""Gate on the analysis scorer's audit figures (../shared/tools/score_analyses.py output on stdin).

Passes when audit_precision >= 0.90, audit_recall >= 0.85, and every core rule the keys hold at least
3 findings of has recall >= 0.75 (issue 24). Prints the scorer's lines through, then the verdict.
"""

import re
import sys

MIN_PRECISION, MIN_RECALL, MIN_RULE_RECALL, MIN_RULE_KEYED = 0.90, 0.85, 0.75, 3


def main() -> int:
    """Read the scorer's output, print it, and return 0 when the audit figures meet the targets."""
    text = sys.stdin.read()
    print(text, end="")
    totals = re.search(r"audit_precision=([\d.]+|n/a) audit_recall=([\d.]+|n/a)", text)
    if not totals or "n/a" in totals.groups():
        print("audit gate: no audit figures in the scorer's output")
        return 1
    precision, recall = (float(x) for x in totals.groups())
    failures = []
    if precision < MIN_PRECISION or recall < MIN_RECALL:
        failures.append(f"audit precision {precision:.3f} / recall {recall:.3f} below "
                        f"{MIN_PRECISION} / {MIN_RECALL}")
    for rule, tp, fn in re.findall(r"^\s+(R\d+): tp=(\d+) fp=\d+ fn=(\d+)$", text, flags=re.M):
        keyed = int(tp) + int(fn)
        if keyed >= MIN_RULE_KEYED and int(tp) / keyed < MIN_RULE_RECALL:
            failures.append(f"{rule} recall {int(tp) / keyed:.3f} below {MIN_RULE_RECALL} ({keyed} keyed)")
    print("audit gate: " + ("; ".join(failures) if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
