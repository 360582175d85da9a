"""Benchmark: reading a whole PDF budget volume, against pdfplumber's own table extraction of the same pages.

Usage::

    .venv/bin/python benchmarks/bench_pdf.py [PDF] [--repeat 3] [--only reader|plumber]

``PDF`` defaults to the 35-page 2023 volume of ``../shared/realfiles/`` (five target
tables on pp. 31–35). Prints, best of ``--repeat`` runs in this process:

1. ``budgetkit.read.pdf.read_pdf``: page text of every page (pdfium), tables only on the
   pages the vocabulary marks (and pages their tables run on to);
2. pdfplumber's ``page.extract_tables()`` on every page of the same file, the
   plain way to get the tables out;
3. pages per second of each and their ratio, and pdfplumber's extraction of only the
   pages budgetkit reads tables on (what the rest of the reading costs beside it).

``--only`` runs one of the two once and prints nothing, for timing whole processes
(``/usr/bin/time -v``, or any tool that runs a command several times). This is a
measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VOLUME = ROOT.parent / "shared" / "realfiles" / "zxj6827111-blip__tianbaoxitong__1770007475548-818404804.pdf"


def read_with_budgetkit(path: Path) -> int:
    from budgetkit.read.pdf import read_pdf

    return read_pdf(path).units


def table_pages(path: Path) -> list[int]:
    """The pages budgetkit reads tables on."""
    from budgetkit.read.pdf import read_pdf

    return sorted({c.page for r in read_pdf(path).rows if r.grid is not None for c in r.cells})


def read_with_pdfplumber(path: Path, pages: list[int] | None = None) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        chosen = [pdf.pages[n - 1] for n in pages] if pages else pdf.pages
        for page in chosen:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def best(call, path: Path, repeat: int) -> tuple[int, float]:
    times = []
    pages = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages = call(path)
        times.append(time.perf_counter() - t0)
    return pages, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path, nargs="?", default=VOLUME)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["reader", "plumber"])
    args = parser.parse_args()
    if args.only:
        (read_with_budgetkit if args.only == "reader" else read_with_pdfplumber)(args.pdf)
        return
    import pdfplumber  # noqa: F401 -- imported once, outside the timings
    import pypdfium2  # noqa: F401

    pages, ours = best(read_with_budgetkit, args.pdf, args.repeat)
    _, plumber = best(read_with_pdfplumber, args.pdf, args.repeat)
    tabled = table_pages(args.pdf)
    _, some = best(lambda p: read_with_pdfplumber(p, tabled), args.pdf, args.repeat)
    print(f"{args.pdf.name}: {pages} pages, tables read on {tabled}")
    print(f"budgetkit read_pdf, the volume:                 {ours:6.2f} s  {pages / ours:6.1f} pages/s")
    print(f"pdfplumber extract_tables(), every page:        {plumber:6.2f} s  {pages / plumber:6.1f} pages/s")
    print(f"ratio (pages/s, budgetkit / pdfplumber):        {plumber / ours:.1f}x")
    print(f"pdfplumber extract_tables(), the table pages:   {some:6.2f} s  (budgetkit's whole reading: "
          f"{ours / some:.2f}x of it)")


if __name__ == "__main__":
    main()
