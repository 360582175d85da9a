"""Health report over every file of a folder of volumes, keyed or not, against the tables each is said to hold.

Usage::

    .venv/bin/python benchmarks/health.py [FOLDER] [--csv OUT.csv] [--jobs N]

``FOLDER`` defaults to ``../shared/realfiles/volumes``. For every file (not the keys and notes beside
it) one line of :func:`budgetkit.health.file_health`: pages read, pages whose text shows a target-table
header, tables and rows found, rows with an empty name or value, the unparsed share. Where the
folder's ``README.md`` lists how many tables each file holds (its ``tables`` and ``tables / rows``
columns), that count is the expectation: each line says ``ok``, ``MISSING n`` or ``EXTRA n``, and the
last line counts the files that differ. Exit status 0 always (a report, not a gate).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VOLUMES = ROOT.parent / "shared" / "realfiles" / "volumes"
_SKIP = (".json", ".md", ".py")


def expected_tables(readme: Path) -> dict[str, int]:
    """``file name part → tables`` from the README's tables (a ``tables`` or ``tables / rows`` column)."""
    if not readme.is_file():
        return {}
    out: dict[str, int] = {}
    header: list[str] | None = None
    for line in readme.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(line) <= set("|-: "):
            continue
        col = next((k for k, h in enumerate(header) if h in ("tables", "tables / rows")), None)
        name_col = next((k for k, h in enumerate(header) if h.startswith("file")), None)
        if col is None or name_col is None or col >= len(cells):
            continue
        m = re.match(r"^(\d+)", cells[col])
        name = cells[name_col].strip("`").split("`")[0]
        if name:
            out[name] = int(m.group(1)) if m else 0
    return out


def _matches(part: str, name: str) -> bool:
    """Whether the README's file ``part`` (``…`` standing for an elided middle) names ``name``."""
    pattern = ".*".join(re.escape(p) for p in part.split("…"))
    return re.search(pattern + "$", name) is not None


def _expected_for(name: str, expected: dict[str, int]) -> int | None:
    hits = sorted(((len(k), n) for k, n in expected.items() if k and _matches(k, name)), reverse=True)
    return hits[0][1] if hits else None


def main(argv: list[str] | None = None) -> int:
    from budgetkit.health import HEALTH_COLUMNS, file_health

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=VOLUMES)
    ap.add_argument("--csv", type=Path, help="write the report as CSV too")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}: no such folder", file=sys.stderr)
        return 0
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and not p.name.endswith(_SKIP))
    expected = expected_tables(args.folder / "README.md")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(file_health, files)) if args.jobs > 1 else [file_health(f) for f in files]
    differ = 0
    print("expect tables rows empty unparsed pages header_pages  file")
    for r in rows:
        want = _expected_for(r["file"], expected)
        verdict = ""
        if want is not None:
            diff = (r["tables"] or 0) + (r.get("repeated") or 0) - want
            verdict = "ok" if diff == 0 else (f"EXTRA {diff}" if diff > 0 else f"MISSING {-diff}")
            differ += diff != 0
        r["expected_tables"], r["verdict"] = want, verdict
        print(f"{'' if want is None else want:>6} {r['tables'] or 0:>6} {r['rows'] or 0:>4} {r['empty_rows'] or 0:>5} "
              f"{'' if r['unparsed_share'] is None else r['unparsed_share']:>8} {r['pages'] or '':>5} "
              f"{(r['header_pages'] or '')[:30]:<30} {r['file'][:70]} {verdict}"
              + (f"  [{r['error'][:80]}]" if r.get("error") else ""))
    print(f"files={len(rows)} with_expectation={sum(r['expected_tables'] is not None for r in rows)} "
          f"differ={differ}")
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=[*HEALTH_COLUMNS, "expected_tables", "verdict"])
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
