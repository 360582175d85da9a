"""Command line: ``parse RAWFILE --out DIR``, ``analyse RAWFILE --out DIR``, ``trace RAWFILE``, ``build``, ``dataset``.

Logging handlers are set up here and only here. Every
:class:`~budgetkit.errors.BudgetkitError` ends the command with ``error: …``
(file, line and offending text included) and exit status 2, never a traceback.
A build that skipped an unreadable file or an empty year folder exits with 1; a file that was read and
holds no target table (a budget volume without one) is listed, and is no failure.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from budgetkit.errors import BudgetkitError

__all__ = ["main"]

logger = logging.getLogger("budgetkit")


def _parser() -> argparse.ArgumentParser:
    from budgetkit import __version__  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)

    parser = argparse.ArgumentParser(
        prog="budgetkit",
        description="Tidy tables and analysis of Chinese budget performance-target disclosures "
        "(项目支出预算绩效目标表).",
    )
    parser.add_argument("--version", action="version", version=f"budgetkit {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug messages")
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser(
        "parse", help="parse one disclosure (text, PDF, HTML, XLSX, XLS or DOCX) into tidy tables")
    parse.add_argument("rawfile", type=Path, help="the disclosure file")
    parse.add_argument("--out", type=Path, required=True, help="folder to write the CSV/Parquet tables into")
    parse.add_argument(
        "--year", type=int, default=None, help="budget year (default: the parent folder's name)"
    )

    build = sub.add_parser("build", help="rebuild every year under data/raw/ through the notebooks")
    build.add_argument("--year", type=int, action="append", dest="years", help="only this year (repeatable)")
    build.add_argument("--root", type=Path, default=None, help="repository root (default: found from here)")
    build.add_argument("--no-html", action="store_true", help="skip the HTML rendering")
    build.add_argument("--force", action="store_true",
                       help="run every notebook, even those whose inputs did not change")

    analyse = sub.add_parser(
        "analyse", help="parse one disclosure and write its tables with audit.csv, costs.csv and achievement.csv")
    analyse.add_argument("rawfile", type=Path, help="the disclosure file")
    analyse.add_argument("--out", type=Path, required=True, help="folder to write the tables and analyses into")
    analyse.add_argument(
        "--year", type=int, default=None, help="budget year (default: the year the tables print)")

    trace = sub.add_parser(
        "trace", help="which reading rule made which cell: the file read again without each rule that fired")
    trace.add_argument("rawfile", type=Path, help="the disclosure file")
    trace.add_argument("--rule", action="append", dest="rules", metavar="ID",
                       help="only this rule (repeatable; an id of metadata/reading_rules.csv)")
    trace.add_argument("--out", type=Path, default=None, help="write the trace to this CSV (default: print it)")

    dataset = sub.add_parser(
        "dataset", help="parse every year under data/raw/ into the Parquet dataset data/processed/dataset/"
    )
    dataset.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR",
                         help="only this year (repeatable)")
    dataset.add_argument("--root", type=Path, default=None, help="repository root (default: found from here)")
    dataset.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    dataset.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="parse on the Dask cluster at ADDRESS (tcp://host:8786) instead")
    dataset.add_argument("--force", action="store_true", help="parse every file, changed or not")
    return parser


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    for old in [h for h in logger.handlers if getattr(h, "budgetkit_cli", False)]:
        logger.removeHandler(old)  # main() called again in one process (tests, notebooks): one handler
    handler = logging.StreamHandler(sys.stderr)
    handler.budgetkit_cli = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(level)
    # pdfminer logs a FontBBox warning per Type 3 font, dozens per page; papermill logs every cell.
    for noisy in ("pdfminer", "papermill", "traitlets"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _parse(args: argparse.Namespace) -> None:
    from budgetkit.model.tables import (
        write_tables,  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
    )
    from budgetkit.parse import parse_file  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
    from budgetkit.read.limits import LIMITS  # lazy: the command line starts without the readers
    from budgetkit.scale.budget import within_budget  # lazy: the command line starts without the batch

    tables = within_budget(LIMITS.seconds_per_file, args.rawfile, lambda: parse_file(args.rawfile, year=args.year))
    written = write_tables(tables, args.out)
    counts = tables.counts()
    print(
        f"{args.rawfile}: {counts['projects']} projects, {counts['indicators']} indicators, "
        f"{counts['unparsed']} lines not understood → {args.out} ({len(written)} files)"
    )
    if counts["unparsed"]:
        print(f"see {args.out / 'unparsed.csv'} for the lines not understood", file=sys.stderr)


def _analyse(args: argparse.Namespace) -> None:
    from budgetkit.analyse import (
        analyse_file,  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
    )

    frames = analyse_file(args.rawfile, args.out, year=args.year)
    print(f"{args.rawfile}: " + ", ".join(f"{len(f)} {name}" for name, f in frames.items()) + f" → {args.out}")


def _trace(args: argparse.Namespace) -> None:
    from budgetkit.analyse.rule_trace import summary, trace_reading  # lazy: the command line starts without parse
    from budgetkit.model.csvsafe import escape_frame  # lazy: pandas only for this command

    trace = trace_reading(args.rawfile, rules=args.rules)
    if args.out is None:
        print(escape_frame(trace).to_csv(index=False), end="")
    else:
        escape_frame(trace).to_csv(args.out, index=False)
    print(f"{args.rawfile}: {summary(trace)}" + (f" → {args.out}" if args.out else ""), file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from budgetkit.build.build import build  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)

    results = build(years=args.years, root=args.root, html=not args.no_html, force=args.force)
    incomplete = 0
    for result in results:
        seconds = sum(result.notebooks.values())
        if result.status == "skipped":
            print(f"{result.name}: skipped ({result.error})")
            incomplete += 1
            continue
        note = f", {len(result.unreadable)} file(s) skipped" if result.unreadable else ""
        note += f", {len(result.no_table)} file(s) hold no target table" if result.no_table else ""
        if result.up_to_date:
            print(f"{result.name}: up to date, {len(result.current)} notebook(s) skipped "
                  f"({result.reason}){note}")
        else:
            current = f", {len(result.current)} current skipped" if result.current else ""
            print(f"{result.name}: {len(result.notebooks)} notebooks in {seconds:.1f} s{current}{note}")
        incomplete += bool(result.unreadable)  # a file holding no target table is an information
    if incomplete:
        print("warning: not everything was built (see above and reports/index.html)", file=sys.stderr)
        return 1
    return 0


def _dataset(args: argparse.Namespace) -> None:
    from budgetkit.errors import InputError  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
    from budgetkit.project.paths import (
        project_paths,  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
    )
    from budgetkit.scale.dataset import (  # lazy: a subcommand loads only what it runs (budgetkit --help stays fast)
        DATASET_DIR,
        remove_years,
        write_dataset,
    )

    paths = project_paths(args.root)
    years = sorted(args.years) if args.years else paths.years()
    if not years:
        raise InputError("no year to parse: add disclosures under data/raw/<year>/", path=paths.raw)
    if not args.years:  # the partitions of a year whose data/raw folder is gone go too
        for gone in remove_years(paths.processed / DATASET_DIR, years):
            print(f"{gone}: removed from the dataset (no data/raw/{gone}/ any more)")
    for year in years:
        result = write_dataset(paths.disclosures(year), paths.processed / DATASET_DIR, year, jobs=args.jobs,
                               scheduler=args.scheduler, force=args.force)
        rows = ", ".join(f"{n} {table}" for table, n in result.counts.items())
        print(f"{year}: {result.parsed} file(s) parsed ({rows or 'nothing new'}), "
              f"{result.unchanged} unchanged, {len(result.removed)} removed, {len(result.skipped)} skipped")
        for skipped in result.skipped:
            print(f"  skipped {skipped.error}", file=sys.stderr)
        for duplicate, kept in paths.duplicates(year).items():
            print(f"  duplicate {paths.relative(duplicate)}: the same document as {kept.name}, read once",
                  file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0: done; 1: ``build`` skipped a file or a year (the rest was built; the index says what); 2: a
    :class:`~budgetkit.errors.BudgetkitError` (for ``build``: a notebook failed, after the other years), or
    a folder that cannot be written, a full disk, no memory left; 130: interrupted (Ctrl-C). Each ends in
    one line, never a traceback.
    """
    for stream in (sys.stdout, sys.stderr):  # a file name the locale cannot show is escaped, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    _setup_logging(args.quiet, args.verbose)
    try:
        return {"parse": _parse, "analyse": _analyse, "build": _build, "dataset": _dataset,
                "trace": _trace}[args.command](args) or 0
    except BudgetkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only folder, a full disk: what was written before stays as it was
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} (nothing half written was kept; free space or fix the "
              "permissions and run it again)", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory (try fewer --jobs)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: what was finished is kept; run it again to go on", file=sys.stderr)
        return 130
