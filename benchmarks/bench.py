"""Benchmark: parse time per table, one year's full rebuild, the cost of the notebook layer, builds at scale.

Usage::

    .venv/bin/python benchmarks/bench.py [--year 2025] [--repeat 20]
    .venv/bin/python benchmarks/bench.py --files 1,100,1000     # cold builds of synthetic years
    .venv/bin/python benchmarks/bench.py --quick                # small sizes, for CI
    .venv/bin/python benchmarks/bench.py --parse-only           # the parse measurements alone

Prints these measurements, on throw-away copies of the repository (the real
``data/processed``, ``figures`` and ``reports`` are not touched):

1. parse time per project table from text (``parse_file`` repeated, best of ``--repeat``), and the parse
   rate in tables per CPU-second on one core over a synthetic year of ``--rate-files`` files (the year's
   files copied with distinct names; process time, so other work on the machine counts less), each round
   beside the machine's pace then (:func:`machine_pace`);
2. a cold build of one year through papermill (``budgetkit build --year Y``),
   with and without HTML, in a fresh process as a user runs it;
3. the same work as a plain script in a fresh process: the notebooks' code cells run one after another
   with ``exec`` (a namespace per notebook, the parameters set after the parameters cell as papermill
   does; what a cell shows is computed but not rendered), and the ratio papermill / plain script: the
   price of the notebook layer (kernel, papermill, rendering what cells show). Also against the
   computing steps alone (:data:`COMPUTING_STEPS`, the ``show_`` calls left out). Pairs of runs are
   interleaved (``--pairs``) as the machine's speed drifts; the median ratio is given;
4. the rebuild with nothing changed (every notebook current: skipped);
5. with ``--files``: the cold build (with HTML) of a year of N copies of the seed
   (:func:`budgetkit.scale.synthetic.make_year`), wall time, CPU time (of the build and every
   process under it: kernel, pool workers) and the peak RSS of the largest process
   (the build, its kernel or a worker), then the cost ratio
   from the smallest to the largest size against the ratio of files.

This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLAIN_SCRIPT = """
import json
from pathlib import Path
injected = {{"year": {year}, "root": {root!r}}}
only = {only!r}  # the step calls kept ('' keeps every line)
for name in {notebooks!r}:
    namespace = {{"__name__": "__main__"}}
    cells = json.loads(Path({root!r}, "notebooks", name + ".ipynb").read_text(encoding="utf-8"))["cells"]
    for k, cell in enumerate(c for c in cells if c["cell_type"] == "code"):
        source = "".join(cell["source"])
        if only:
            source = "\\n".join(line for line in source.splitlines()
                                 if not line.startswith("steps.") or line.split("(")[0] in only)
        exec(compile(source, f"{{name}}[{{k}}]", "exec"), namespace)
        if "parameters" in cell["metadata"].get("tags", []):
            namespace.update(injected)
"""

#: The step calls that compute and write the year's tables and figures (not the ``show_`` cells, which
#: build what a notebook shows): the plain script of earlier figures.
COMPUTING_STEPS = ("steps.clean_year", "steps.reconcile_year", "steps.audit_year", "steps.figure_budget",
                   "steps.figure_costs", "steps.figure_unit_costs", "steps.figure_qualitative",
                   "steps.figure_audit")


def _project_copy(year: int, files: int | None = None) -> Path:
    """A throw-away project: the year's raw files, or ``files`` synthetic copies of them."""
    root = Path(tempfile.mkdtemp(prefix="budgetkit-bench-"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    if files is None:
        shutil.copytree(ROOT / "data/raw" / str(year), root / "data/raw" / str(year))
    else:
        from budgetkit.scale.synthetic import make_year

        make_year(ROOT / "data/raw" / str(year), root / "data/raw" / str(year), files)
    return root


def _adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    The build's process pools run under a multiprocessing fork server that the build never waits for: when
    the build exits, the server and its workers are orphaned, and their CPU time would count nowhere. Adopted
    by this process and waited for (:func:`_reap_orphans`), it counts in ``RUSAGE_CHILDREN``. False where
    the call is not available (then the CPU time leaves the pools' workers out).
    """
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_orphans(timeout: float = 30.0) -> None:
    """Wait for the adopted descendants still running (a fork server stops once its build has gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def _measured(cmd: list[str], cwd: Path) -> dict:
    """Wall and CPU seconds of a fresh process and all its descendants, and the peak RSS of the largest one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:  # a figure of a failed build is no figure: say so, with the build's last words
        tail = "\n".join(done.stderr.splitlines()[-15:])
        print(f"  !! {' '.join(cmd[2:])} exited {done.returncode}:\n{tail}", flush=True)
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": after.ru_maxrss / 1024, "load": os.getloadavg()[0],
            "returncode": done.returncode}


def bench_scale(year: int, sizes: list[int]) -> None:
    """Cold builds (with HTML) of synthetic years of each size, one fresh process each."""
    python = sys.executable
    if not _adopt_orphans():
        print("  (CPU time without the process pools' workers: no PR_SET_CHILD_SUBREAPER here)")
    results = {}
    for n in sizes:
        root = _project_copy(year, files=n)
        try:
            cmd = [python, "-m", "budgetkit", "-q", "build", "--root", str(root), "--year", str(year)]
            r = results[n] = _measured(cmd, root)
            pages = sum(1 for _ in (root / "reports").rglob("*.html"))
            biggest = max((p.stat().st_size for p in (root / "reports").rglob("*.html")), default=0)
            again = _measured(cmd, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"build {n} file(s) ({11 * n} tables): {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB (largest process; load {r['load']:.1f}); {pages} pages, "
              f"largest {biggest / 1e6:.2f} MB; rebuild with no change {again['wall_s']:.2f} s", flush=True)
    small, large = min(results), max(results)
    if large > small:
        wall = results[large]["wall_s"] / results[small]["wall_s"]
        cpu = results[large]["cpu_s"] / results[small]["cpu_s"]
        print(f"{large / small:.0f}x the files: {wall:.1f}x the wall time, {cpu:.1f}x the CPU time")


def _timed(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bench_parse(year: int, repeat: int) -> tuple[int, float]:
    """Return (tables, best seconds per table) over every raw file of ``year``."""
    from budgetkit.parse import parse_file
    from budgetkit.project.paths import project_paths

    files = project_paths(ROOT).raw_files(year)
    best = float("inf")
    tables = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        tables = sum(len(parse_file(f).projects) for f in files)
        best = min(best, time.perf_counter() - t0)
    return tables, best / max(tables, 1)


def machine_pace(repeat: int = 2) -> float:
    """CPU seconds of a fixed pure-Python workload (best of ``repeat``): how fast the machine runs just now.

    Strings, dicts, lists and small objects, as parsing uses them, and nothing of budgetkit: on a machine
    whose speed drifts, a parse rate read beside it says whether a low figure is the code or the machine.
    """
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        seen: dict[str, list[str]] = {}
        for i in range(200_000):
            text = f"指标{i % 977}值{i}"
            seen.setdefault(text[:4], []).append(text.replace("值", ":"))
        rows = sorted((len(v), k) for k, v in seen.items())
        _ = [tuple(k.split("标")) for _, k in rows]
        best = min(best, time.process_time() - t0)
    return best


def bench_parse_rate(year: int, files: int, rounds: int = 1) -> list[tuple[int, float, float, float]]:
    """Tables parsed per CPU-second on one core: ``rounds`` synthetic years of ``files`` files, in process time.

    The files are copies of the year's raw files with distinct names (:func:`budgetkit.scale.synthetic.make_year`),
    every round's its own (so no round reads a name an earlier one cached); each is read and recognised
    (:func:`budgetkit.parse.file_records`) and the frames are built once for all
    (:func:`budgetkit.parse.tables_of`), as ``parse_year`` does on each core. Returns, for each round,
    ``(tables, seconds for the records, seconds for the frames, the machine's pace)`` (the mean of
    :func:`machine_pace` before and after the round).
    """
    from budgetkit.parse import file_records, tables_of
    from budgetkit.scale.synthetic import make_year

    folder = Path(tempfile.mkdtemp(prefix="budgetkit-bench-")) / str(year)
    out = []
    try:
        paths = make_year(ROOT / "data/raw" / str(year), folder, files * rounds)
        for k in range(rounds):
            pace = machine_pace()
            t0 = time.process_time()
            records = [file_records(f, year=year) for f in paths[k * files:(k + 1) * files]]
            t1 = time.process_time()
            tables = len(tables_of(records).projects)
            t2 = time.process_time()
            out.append((tables, t1 - t0, t2 - t1, (pace + machine_pace()) / 2))
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    return out


def main() -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--files", default="", help="comma-separated sizes of synthetic years to build")
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats, for CI")
    parser.add_argument("--rate-files", type=int, default=40, help="files of the synthetic year the parse rate reads")
    parser.add_argument("--rate-rounds", type=int, default=5, help="rounds of the parse rate, each on new files")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved runs of the build and the plain script")
    parser.add_argument("--parse-only", action="store_true", help="only the parse measurements, no builds")
    args = parser.parse_args()
    python = sys.executable
    if args.quick:
        args.repeat, args.files, args.pairs = 3, args.files or "1,10", 1
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load {os.getloadavg()[0]:.1f}")

    tables, per_table = bench_parse(args.year, args.repeat)
    print(f"parse from text: {tables} tables, {per_table * 1000:.1f} ms per table (best of {args.repeat})")
    rounds = bench_parse_rate(args.year, 4 if args.quick else args.rate_files, 1 if args.quick else args.rate_rounds)
    rates = sorted(t / (r + f) for t, r, f, _ in rounds)
    tables, records_s, frames_s, _ = min(rounds, key=lambda x: x[1] + x[2])
    paces = sorted(x[3] for x in rounds)
    print(f"parse rate: {tables} tables of a synthetic year in {records_s + frames_s:.2f} CPU s "
          f"({records_s / tables * 1000:.2f} ms a table to records, {frames_s / tables * 1000:.2f} ms to frames): "
          f"{rates[-1]:.0f} tables/s/core, best of {len(rates)} rounds (median {rates[len(rates) // 2]:.0f}, "
          f"worst {rates[0]:.0f})")
    print(f"machine pace (a fixed pure-Python workload before and after each round): {paces[0] * 1000:.0f}–"
          f"{paces[-1] * 1000:.0f} ms; rounds (tables/s, pace ms): "
          + ", ".join(f"{t / (r + f):.0f} at {p * 1000:.0f}" for t, r, f, p in rounds))
    if args.parse_only:
        return

    root = _project_copy(args.year)
    try:
        build = [python, "-m", "budgetkit", "-q", "build", "--root", str(root), "--year", str(args.year)]
        with_html = _timed(build, root)
        unchanged = _timed(build, root)
        from budgetkit.build.build import YEAR_NOTEBOOKS

        script_of = partial(PLAIN_SCRIPT.format, year=args.year, root=str(root), notebooks=YEAR_NOTEBOOKS)
        script, computing = ([python, "-c", script_of(only=only)] for only in ("", COMPUTING_STEPS))
        runs = [(_timed([*build, "--no-html", "--force"], root), _timed(script, root), _timed(computing, root))
                for _ in range(args.pairs)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    without_html, plain, steps_only = (statistics.median(r[i] for r in runs) for i in range(3))
    ratio = statistics.median(b / p for b, p, _ in runs)
    ratio_steps = statistics.median(b / c for b, _, c in runs)
    print(f"cold build {args.year} with papermill: {with_html:.1f} s with HTML, {without_html:.1f} s without "
          f"(median of {args.pairs})")
    print(f"the notebooks' code as a plain script: {plain:.1f} s; their computing steps alone: {steps_only:.1f} s")
    print(f"notebook layer overhead: papermill / plain = {ratio:.2f}x median of {args.pairs} interleaved runs "
          f"({with_html / plain:.2f}x with HTML); {ratio_steps:.2f}x against the computing "
          f"steps alone")
    print(f"rebuild with nothing changed: {unchanged:.2f} s")
    if args.files:
        bench_scale(args.year, [int(n) for n in args.files.split(",")])


if __name__ == "__main__":
    main()
