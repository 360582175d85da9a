"""Rewrite the golden files from the current parser. Check every changed cell by hand before committing.

Usage: .venv/bin/python tests/update_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    """Parse every golden case and write its CSV tables over the expected ones."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from budgetkit.model.csvsafe import read_csv
    from budgetkit.model.tables import write_tables
    from budgetkit.parse import parse_file
    from test_golden import CASES, GOLDEN

    for case in CASES:
        name, source = case.values
        out = GOLDEN / name
        write_tables(parse_file(source), out)
        for path in out.glob("*.parquet"):
            path.unlink()
        for path in out.glob("*.csv"):  # the values as printed: golden files hold no formula escape
            read_csv(path, dtype=str, keep_default_na=False).to_csv(path, index=False)
        (out / "fields.csv").unlink()
        print(f"{name}: rewrote {out}")


if __name__ == "__main__":
    main()
