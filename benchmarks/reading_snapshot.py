"""Snapshot the reading of every real source, and compare two snapshots table by table.

A refactor that should not change behaviour is checked with it (issue 22: "every corpus text, real file and
fixture reads byte for byte as before the move")::

    git stash; python benchmarks/reading_snapshot.py take /tmp/before; git stash pop
    python benchmarks/reading_snapshot.py take /tmp/after
    python benchmarks/reading_snapshot.py diff /tmp/before /tmp/after

``take`` parses every source below the given folders (default: ``../shared``'s corpus, incoming texts, real
volumes and the seed, plus ``tests/fixtures``) and writes, per source, its tables as CSV (or the error it
raised) under the snapshot folder. ``diff`` lists the sources whose tables differ, with the first differing
lines, and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".txt", ".pdf", ".html", ".htm", ".xlsx", ".xls", ".docx"}
TABLES = ("projects", "indicators", "header_extras", "unparsed")


def _shared() -> Path:
    import os

    for candidate in (os.environ.get("BUDGETKIT_SHARED"), ROOT.parent / "shared", Path("/work/shared")):
        if candidate and (Path(candidate) / "tools" / "score_corpus.py").is_file():
            return Path(candidate)
    raise SystemExit("no ../shared found: set BUDGETKIT_SHARED")


def _sources(folders: list[Path]) -> list[Path]:
    return sorted(p for f in folders for p in f.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def _reading(path: Path) -> str:
    from budgetkit.errors import BudgetkitError
    from budgetkit.parse import parse_file

    try:
        tables = parse_file(path)
    except BudgetkitError as exc:
        return f"error: {type(exc).__name__}: {exc}\n"
    parts = []
    for name in TABLES:
        frame = getattr(tables, name)
        parts.append(f"## {name}\n" + frame.to_csv(index=False))
    return "".join(parts)


def take(out: Path, folders: list[Path]) -> None:
    import logging

    logging.disable(logging.WARNING)
    out.mkdir(parents=True, exist_ok=True)
    sources = _sources(folders)
    for n, path in enumerate(sources, 1):
        key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
        (out / f"{key}.csv").write_text(f"# {path}\n" + _reading(path), encoding="utf-8")
        print(f"[{n}/{len(sources)}] {path.name}", file=sys.stderr)


def diff(a: Path, b: Path) -> int:
    changed = 0
    for left in sorted(a.glob("*.csv")):
        right = b / left.name
        old = left.read_text(encoding="utf-8").splitlines()
        new = right.read_text(encoding="utf-8").splitlines() if right.exists() else []
        if old != new:
            changed += 1
            print(old[0])
            print("\n".join(list(difflib.unified_diff(old, new, lineterm="", n=0))[2:12]))
    print(f"{changed} source(s) read differently")
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("take")
    t.add_argument("out", type=Path)
    t.add_argument("folders", type=Path, nargs="*")
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "diff":
        return diff(args.a, args.b)
    shared = _shared()
    folders = args.folders or [shared / "corpus", shared / "incoming", shared / "realfiles" / "volumes",
                               shared / "seed", ROOT / "tests" / "fixtures"]
    take(args.out, folders)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
