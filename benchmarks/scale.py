"""Benchmark at scale: analyses at thousands of projects, parsing on all cores, Dask, the dataset and DuckDB.

Usage::

    .venv/bin/python benchmarks/scale.py            # 1,000 and 10,000 projects; 200-file year
    .venv/bin/python benchmarks/scale.py --quick    # 1,000 and 2,000 projects; 20-file year (for CI)

Every input is synthetic and made in a temporary folder from the 2025 seed
(:mod:`budgetkit.scale.synthetic`): projects copied with distinct ids and varied
budgets, unit costs and indicators for the analyses; the seed disclosure copied
into N files with distinct project names for a year. Each measurement runs in
a fresh process so that its peak RSS (``ru_maxrss`` of the process and of its
worker processes) is its own:

1. ``analyses``: :func:`~budgetkit.analyse.reconcile.reconcile_and_price` and
   :func:`~budgetkit.analyse.audit.audit_targets` (given the costs and terms, as 03_audit
   reads them; and computing them itself), ms per project;
2. ``parse``: one year parsed in one process (``jobs=1``) and on a process pool
   of every core (:func:`~budgetkit.scale.batch.map_files`, as ``parse_files`` does, with
   each task timing its own CPU): wall time and tables per second, tables per
   CPU-second (what one core parses when it is not shared: on a busy machine the
   wall-clock speed-up of the pool says less than this), and ``parse_files``'s
   own wall time, stacking included;
3. ``dask``: the same year on a Dask ``LocalCluster`` (one single-threaded worker
   process per core) against the process pool, for ``parse_files`` and for
   :func:`~budgetkit.scale.dataset.write_dataset` (workers write their partitions);
4. ``duckdb``: :func:`budgetkit.connect` over that dataset and two queries;
5. ``figures``: each figure of 04_figures drawn and saved at 10,000 projects (2,000 with ``--quick``).

This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025"


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _best(fn, repeat: int) -> tuple[float, float]:
    """The best wall time of ``repeat`` runs of ``fn``, and the CPU time of this process in that run."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
    return best


def _synthetic_projects(n: int):
    from budgetkit.parse import parse_file
    from budgetkit.scale.synthetic import replicate_tables

    seed = parse_file(next(SEED.glob("*.txt")), year=2025)
    return replicate_tables(seed, n, seed=1)


def measure_analyses(n: int, repeat: int) -> dict:
    from budgetkit.analyse.audit import audit_targets
    from budgetkit.analyse.reconcile import reconcile_and_price

    big = _synthetic_projects(n)
    p, i = big.projects, big.indicators
    costs, terms = reconcile_and_price(p, i)
    rss_before = _peak_rss_mb()
    rec, rec_cpu = _best(lambda: reconcile_and_price(p, i), repeat)
    given, given_cpu = _best(lambda: audit_targets(p, i, 2025, costs=costs, terms=terms), repeat)
    alone, _ = _best(lambda: audit_targets(p, i, 2025), repeat)
    return {"projects": n, "indicators": len(i), "reconcile_s": rec, "audit_given_costs_s": given,
            "audit_computing_costs_s": alone, "cpu_ms_per_project": 1000 * (rec_cpu + given_cpu) / n,
            "input_rss_mb": rss_before, "peak_rss_mb": _peak_rss_mb(), "load": os.getloadavg()[0]}


def measure_figures(n: int) -> dict:
    """Seconds to draw and save each year figure of ``n`` projects (as 04_figures does)."""
    from budgetkit.analyse.audit import audit_targets
    from budgetkit.analyse.reconcile import reconcile_and_price
    from budgetkit.report import plots
    from budgetkit.report.summarize import qualitative_shares

    big = _synthetic_projects(n)
    costs, terms = reconcile_and_price(big.projects, big.indicators)
    findings = audit_targets(big.projects, big.indicators, 2025, costs=costs, terms=terms)
    shares = qualitative_shares(big.projects, big.indicators)
    folder = Path(tempfile.mkdtemp(prefix="budgetkit-figures-"))
    plots.use_cjk_font()
    out = {"projects": n, "load": os.getloadavg()[0]}
    for name, make in [
        ("budget_by_project", lambda: plots.plot_budget_by_project(big.projects)),
        ("implied_vs_budget", lambda: plots.plot_implied_vs_budget(costs)),
        ("unit_costs", lambda: plots.plot_unit_costs(big.indicators)),
        ("qualitative_share", lambda: plots.plot_qualitative_shares(shares)),
        ("audit_summary", lambda: plots.plot_audit_summary(findings)),
    ]:
        t0 = time.perf_counter()
        plots.save_figure(make(), folder / f"{name}.png")
        out[name] = time.perf_counter() - t0
    return out


def _year(n_files: int) -> list[Path]:
    from budgetkit.scale.synthetic import make_year

    folder = Path(tempfile.mkdtemp(prefix="budgetkit-scale-")) / "2025"
    return make_year(SEED, folder, n_files)


def _timed_parse(path: Path) -> tuple[int, float]:
    """Parse one file; return its tables and the CPU seconds the parse took (in whichever process ran it)."""
    from budgetkit.parse import parse_file

    cpu = time.process_time()
    tables = parse_file(path, year=2025)
    return len(tables.projects), time.process_time() - cpu


def measure_parse(n_files: int, jobs: int) -> dict:
    from budgetkit.scale.batch import map_files, parse_files

    files = _year(n_files)
    t0 = time.perf_counter()
    timed = map_files(_timed_parse, files, jobs=jobs)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    parse_files(files, 2025, jobs=jobs, progress=None)
    stacked = time.perf_counter() - t0
    n, cpu = sum(t for t, _ in timed), sum(c for _, c in timed)
    return {"files": n_files, "jobs": jobs, "tables": n, "wall_s": wall, "parse_files_s": stacked,
            "tables_per_s": n / wall, "tables_per_cpu_s": n / cpu, "cpu_ms_per_table": 1000 * cpu / n,
            "load": os.getloadavg()[0], "peak_rss_mb": _peak_rss_mb()}


def measure_dask(n_files: int, jobs: int) -> dict:
    from distributed import Client, LocalCluster

    from budgetkit.scale.batch import parse_files
    from budgetkit.scale.dataset import write_dataset

    files = _year(n_files)
    out: dict = {"files": n_files, "workers": jobs}
    t0 = time.perf_counter()
    parse_files(files, 2025, jobs=jobs, progress=None)
    out["pool_parse_s"] = time.perf_counter() - t0
    base = Path(tempfile.mkdtemp(prefix="budgetkit-dataset-"))
    t0 = time.perf_counter()
    write_dataset(files, base / "pool", 2025, jobs=jobs, progress=None)
    out["pool_dataset_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        out["dask_start_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        parse_files(files, 2025, scheduler=client, progress=None)
        out["dask_parse_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_dataset(files, base / "dask", 2025, scheduler=client, progress=None)
        out["dask_dataset_s"] = time.perf_counter() - t0
    out["dask_over_pool_parse"] = out["dask_parse_s"] / out["pool_parse_s"]
    t0 = time.perf_counter()
    again = write_dataset(files, base / "pool", 2025, jobs=jobs, progress=None)
    out["dataset_no_change_s"] = time.perf_counter() - t0
    out["dataset_no_change_parsed"] = again.parsed
    out["dataset_mb"] = sum(p.stat().st_size for p in (base / "pool").rglob("*")) / 1e6
    out["dataset_files"] = sum(1 for _ in (base / "pool").rglob("*.parquet"))
    out.update(_duckdb(base / "pool"))
    return out


def _duckdb(base: Path) -> dict:
    import budgetkit

    t0 = time.perf_counter()
    con = budgetkit.connect(dataset=base)
    out = {"duckdb_connect_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    con.sql("SELECT level2, count(*), avg(value_yuan) FROM indicators GROUP BY level2").fetchall()
    out["duckdb_indicators_by_level2_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    con.sql("SELECT * FROM budget_by_unit ORDER BY total_wan DESC LIMIT 10").fetchall()
    out["duckdb_budget_by_unit_s"] = time.perf_counter() - t0
    return out


def _in_fresh_process(what: str, *args: object) -> dict:
    cmd = [sys.executable, __file__, "--one", what, *map(str, args)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run every measurement, each in a fresh process, and print one line of figures per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--files", type=int, default=None, help="files in the synthetic year")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers (default: cores)")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        what, *rest = args.one
        fn = {"analyses": measure_analyses, "parse": measure_parse, "dask": measure_dask,
              "figures": measure_figures}[what]
        print(json.dumps(fn(*map(int, rest))))
        return
    sizes = (1000, 2000) if args.quick else (1000, 10000)
    files = args.files or (20 if args.quick else 200)
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for n in sizes:
        r = _in_fresh_process("analyses", n, 1 if args.quick else 3)
        print(f"analyses {n} projects ({r['indicators']} indicators): reconcile+terms "
              f"{r['reconcile_s']:.2f} s, audit {r['audit_given_costs_s']:.2f} s given the costs "
              f"({r['audit_computing_costs_s']:.2f} s pricing itself); {r['cpu_ms_per_project']:.2f} ms CPU "
              f"per project for both; peak RSS {r['peak_rss_mb']:.0f} MB ({r['input_rss_mb']:.0f} MB with "
              f"the input made), load {r['load']:.1f}")
    r = _in_fresh_process("figures", sizes[-1])
    shown = ", ".join(f"{k} {v:.2f} s" for k, v in r.items() if k not in {"projects", "load"})
    print(f"figures at {r['projects']} projects (draw and save): {shown}; load {r['load']:.1f}")
    for jobs in (1, args.jobs):
        r = _in_fresh_process("parse", files, jobs)
        print(f"parse {files} files, jobs={jobs}: {r['tables']} tables in {r['wall_s']:.1f} s "
              f"({r['tables_per_s']:.0f} tables/s; parse_files {r['parse_files_s']:.1f} s), "
              f"{r['tables_per_cpu_s']:.0f} tables per CPU-second ({r['cpu_ms_per_table']:.1f} ms a table), "
              f"load {r['load']:.1f}, peak RSS {r['peak_rss_mb']:.0f} MB")
    try:
        r = _in_fresh_process("dask", files, args.jobs)
    except subprocess.CalledProcessError as exc:
        print(f"dask: not measured ({exc.stderr.strip().splitlines()[-1] if exc.stderr else exc})")
        return
    print(f"{files} files on {args.jobs} workers: parse_files pool {r['pool_parse_s']:.1f} s, "
          f"Dask LocalCluster {r['dask_parse_s']:.1f} s ({r['dask_over_pool_parse']:.2f}x; cluster start "
          f"{r['dask_start_s']:.1f} s); write_dataset pool {r['pool_dataset_s']:.1f} s, Dask "
          f"{r['dask_dataset_s']:.1f} s; no-change rewrite {r['dataset_no_change_s']:.2f} s "
          f"({r['dataset_no_change_parsed']} parsed)")
    ms = {k[7:-2]: v * 1000 for k, v in r.items() if k.startswith("duckdb_")}  # duckdb_<what>_s → <what>
    print(f"dataset {r['dataset_files']} Parquet files, {r['dataset_mb']:.1f} MB; DuckDB connect "
          f"{ms['connect']:.0f} ms, indicators by level2 {ms['indicators_by_level2']:.0f} ms, "
          f"top units {ms['budget_by_unit']:.0f} ms")


if __name__ == "__main__":
    main()
