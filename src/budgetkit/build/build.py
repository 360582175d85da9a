"""Rebuild every year through the notebooks and write the report site, never leaving a year half done.

For each budget year under ``data/raw/`` (or the years asked for),
:func:`build` executes ``notebooks/01_clean`` … ``04_figures`` with papermill
in a staging root (:class:`budgetkit.project.stage.Stage`): the year's tables, figures,
executed notebooks, pages and ``run_manifest.json`` are all written there, the
manifest first as ``running`` and last as ``ok`` (or ``failed``), and then
swapped in together. When two or more years have tidy tables, ``05_compare``
runs once the same way into ``reports/compare/``. Last, ``reports/index.html``
is written; it lists every year present, whatever was built.

A run manifest records the parameters, the sha256 of every input file, the
files skipped (and why), the package version, the row counts, the year's
summary, the time taken and, per notebook, the fingerprint of its inputs
(:mod:`budgetkit.project.fingerprint`: the raw files, the notebook, budgetkit's code and
the parameters). It holds no machine path.

Incremental: a notebook runs again only when its inputs changed. The build
compares each notebook's fingerprint with the one its last ``ok`` run recorded;
the first notebook that differs, and every notebook after it (they read what it
writes), run again in a staging root holding a copy of the year's current
outputs; what changed and what was skipped is logged. A year whose notebooks are
all current, whose recorded outputs all exist (and pages, when HTML is asked
for), is left alone, and so is the comparison when the tables it reads did not
change; a build with nothing to do touches no file. ``force=True`` (``--force``)
rebuilds everything.

The notebooks of a year run in one kernel (:class:`budgetkit.build.kernel.Kernel`),
its namespace reset between notebooks, so imports are paid once per year; each
notebook's page is rendered in a background thread while the next one runs.

What goes wrong is reported, not hidden:

* an unreadable file is skipped and listed (:func:`budgetkit.build.steps.read_year`);
* a year folder with no file is skipped with a warning;
* a failing notebook keeps its executed copy (with the traceback); its page says
  in plain words what failed, the year's other notebooks do not run, and
  :func:`build` raises :class:`~budgetkit.errors.NotebookError` once every
  other year is done.

Each year built is also written into the Parquet dataset (``data/processed/dataset/``, see
:mod:`budgetkit.scale.dataset_sync`), so ``budgetkit.connect()`` answers after the first build.

Two builds of one tree do not interleave: the second stops with
:class:`~budgetkit.project.stage.BuildLockedError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.errors import BudgetkitError, InputError, NotebookError
from budgetkit.project.fingerprint import Fingerprint, changes, file_digest, fingerprint, is_current
from budgetkit.project.paths import ProjectPaths, project_paths
from budgetkit.project.stage import Stage, build_lock, recover, write_atomic
from budgetkit.report.failures import DUPLICATE, NO_TABLE, describe_error, split_skipped
from budgetkit.report.params import COMPARE_NOTEBOOK, PARAMETERS, YEAR_NOTEBOOKS, validate_params
from budgetkit.report.sitemap import load_manifest, page_signature, site_map

__all__ = [
    "COMPARE_NOTEBOOK",
    "YEAR_NOTEBOOKS",
    "BuildResult",
    "build",
    "build_year",
    "run_notebook",
    "sha256",
]

logger = logging.getLogger(__name__)

COMPARE_DIR = "compare"
_COUNTED = ("documents", "projects", "indicators", "unparsed", "skipped", "costs", "terms", "audit")
#: The tables of each processed year that 05_compare reads (its inputs, for its fingerprint).
_COMPARED = ("projects", "indicators")

#: The hex sha256 of a file (one home: :func:`budgetkit.project.fingerprint.file_digest`).
sha256 = file_digest


@dataclass
class BuildResult:
    """What one year's (or the comparison's) run produced.

    Attributes:
        name: the year, or ``compare``.
        status: ``ok``, ``failed`` or ``skipped`` (a year folder with no file).
        notebooks: ``{notebook: seconds}`` of the notebooks that ran.
        outputs: files written (live paths).
        error: the failure (or skip) in plain words, empty when every notebook ran.
        skipped: the files of the year that could not be read: ``{source_file, error, reason}``.
        manifest: the run manifest written (or, when nothing ran, the one in place).
        current: the notebooks not run because their inputs had not changed.
        reason: why the notebooks that ran had to (``raw file changed: a.txt`` …), or why none did.
    """

    name: str
    status: str = "ok"
    notebooks: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
    skipped: list[dict] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    current: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def no_table(self) -> list[dict]:
        """The skipped files that were read and hold no target table (an information, not a failure)."""
        return [s for s in split_skipped(self.skipped)[0] if s.get("error") == NO_TABLE]

    @property
    def duplicates(self) -> list[dict]:
        """The files not read because another format of the same document was (an information)."""
        return [s for s in split_skipped(self.skipped)[0] if s.get("error") == DUPLICATE]

    @property
    def unreadable(self) -> list[dict]:
        """The skipped files that could not be read."""
        return split_skipped(self.skipped)[1]

    @property
    def up_to_date(self) -> bool:
        """Nothing ran: every notebook was current and its outputs in place."""
        return bool(self.current) and not self.notebooks


@contextlib.contextmanager
def _kernel_root(root: Path) -> Iterator[None]:
    """Make the kernels papermill starts find ``root`` as the project (``$BUDGETKIT_ROOT``), then restore."""
    old = os.environ.get("BUDGETKIT_ROOT")
    os.environ["BUDGETKIT_ROOT"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("BUDGETKIT_ROOT", None)
        else:
            os.environ["BUDGETKIT_ROOT"] = old


@contextlib.contextmanager
def _responsive(interval: float = 0.0005) -> Iterator[None]:
    """Threads of the build hand the interpreter over within ``interval`` seconds (Python's default: 5 ms).

    papermill's client, on the main thread, takes every message of the kernel as it comes, while the page
    thread renders the notebook before (a CPU-bound thread keeps the interpreter up to the switch interval
    each time): at 5 ms, the short notebooks of a year ran half as fast again with pages being rendered.
    """
    old = sys.getswitchinterval()
    sys.setswitchinterval(min(old, interval))
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_notebook(
    name: str,
    parameters: dict,
    out_dir: Path,
    paths: ProjectPaths,
    *,
    run_root: Path | None = None,
    shown_as: str = "",
    kernel=None,
) -> tuple[Path, str]:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``out_dir``, the kernel rooted at ``run_root``.

    Args:
        name: the notebook.
        parameters: its parameters (validated by the caller).
        out_dir: where the executed copy goes.
        paths: the project (the notebooks are read from it).
        run_root: the root the kernel works in (the staging root); ``paths.root`` by default.
        shown_as: the executed copy's path recorded in its metadata (relative; defaults to the file name).
        kernel: a running :class:`budgetkit.build.kernel.Kernel` rooted at ``run_root`` to run in (its namespace
            is reset first when a notebook ran in it before); papermill starts one of its own when ``None``.

    Returns:
        The executed notebook, and the failure in plain words ('' when every cell ran); the executed copy
        keeps the traceback.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = paths.notebooks / f"{name}.ipynb"
    if not source.is_file():
        raise InputError(f"notebook {name} not found", path=source)
    run_root = run_root or paths.root
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{name}.ipynb"
    failure = ""
    extra = {}
    if kernel is not None:
        if kernel.used:
            # waited for: papermill's client sends the notebook's cells on another connection, which the kernel
            # may serve first (a reset not waited for emptied 04_figures' namespace after its import cell)
            kernel.reset()
        kernel.used = True
        extra["km"] = kernel.km
    with _kernel_root(run_root):
        try:
            pm.execute_notebook(
                str(source),
                str(executed),
                parameters=parameters,
                cwd=str(run_root),
                progress_bar=False,
                # saved when it ends (and every 30 s of a long cell), not after every cell: each save writes the
                # whole notebook again, about 6 ms, and the next cell waits for it
                request_save_on_cell_execute=False,
                kernel_name="python3",
                log_output=False,
                # The kernel's start-up notices, and the 'KeyboardInterrupt caught in kernel' it logs when
                # jupyter_client interrupts it on shutdown, would print on every build; errors in cells still
                # reach the executed copy and the failure returned here.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                **extra,
            )
            if kernel is not None:
                kernel.check()
        except PapermillExecutionError as exc:
            failure = describe_error(exc.ename, exc.evalue, [run_root, paths.root])
            if kernel is not None:
                kernel.release()  # the next notebook connects afresh
        except BaseException:
            if kernel is not None:
                kernel.release()
            raise
    if executed.is_file():
        _tidy_metadata(executed, f"notebooks/{name}.ipynb", shown_as or executed.name)
    return executed, failure


def _tidy_metadata(executed: Path, input_path: str, output_path: str) -> None:
    """Record the notebook's paths as the project sees them, not the staging folder's absolute paths."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    meta = nb.metadata.get("papermill", {})
    meta["input_path"], meta["output_path"] = input_path, output_path
    nbformat.write(nb, executed)


def _row_counts(folder: Path) -> dict[str, int]:
    import pandas as pd

    counts = {}
    for name in _COUNTED:
        path = folder / f"{name}.parquet"
        if path.is_file():
            counts[name] = len(pd.read_parquet(path, columns=[]))
    return counts


def _summary(folder: Path) -> dict:
    from budgetkit.model.tables import read_frame
    from budgetkit.report.summarize import summarize_year

    frames = {}
    for name in ("projects", "indicators", "costs", "audit"):
        try:
            frames[name] = read_frame(folder, name)
        except InputError:
            frames[name] = None
    if frames["projects"] is None or frames["indicators"] is None:
        return {}
    return summarize_year(frames["projects"], frames["indicators"], frames["costs"], frames["audit"])


def _skipped(folder: Path) -> list[dict]:
    import pandas as pd

    path = folder / "skipped.parquet"
    return pd.read_parquet(path).fillna("").to_dict("records") if path.is_file() else []


def _parameters(year: int) -> dict:
    # The root is found by the kernel ($BUDGETKIT_ROOT is the staging root), so the executed notebooks and
    # manifests carry no machine-specific path.
    params = {name: default for name, (_, default, _) in PARAMETERS.items()}
    params["year"] = year
    return params


def _write_manifest(folder: Path, manifest: dict) -> None:
    write_atomic(folder / "run_manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def _live(stage: Stage, path: Path) -> Path:
    return stage.live.root / path.relative_to(stage.root)


def _inputs(paths: ProjectPaths, files: list[Path], prints: Fingerprint) -> list[dict]:
    """The manifest's ``inputs``: each file with its size and sha256 (taken from the fingerprint)."""
    return [
        {"file": paths.relative(p), "bytes": p.stat().st_size, "sha256": prints.parts[f"raw:{p.name}"]}
        for p in files
    ]


def _year_fingerprints(
    paths: ProjectPaths, files: list[Path], notebooks: tuple[str, ...], parameters: dict,
    duplicates: dict[Path, Path] | None = None,
) -> dict[str, Fingerprint]:
    """The fingerprint of each notebook of a year (the raw files read once; a duplicate added or removed counts)."""
    inputs = {f"duplicate/{copy.name}": copy for copy in duplicates or {}}
    first = fingerprint(files, paths.notebooks / f"{notebooks[0]}.ipynb", parameters, inputs=inputs)
    return {name: first.for_notebook(paths.notebooks / f"{name}.ipynb") for name in notebooks}


@dataclass
class _Plan:
    """What a part of the build must do: run ``notebooks[start:]`` (none: ``start == len``), and why."""

    start: int
    reason: str
    pages: bool = True  # write the pages (and so stage the part) even when no notebook runs


def _plan(
    live: dict, prints: dict[str, Fingerprint], notebooks: tuple[str, ...], paths: ProjectPaths, html: bool,
    force: bool,
) -> _Plan:
    """Compare the manifest in place (``live``) with the current fingerprints (see the module docstring)."""
    if force:
        return _Plan(0, "forced (--force)")
    if not live:
        return _Plan(0, "no earlier run")
    if live.get("status") != "ok":
        return _Plan(0, f"the last run is {live.get('status') or 'unknown'}")
    missing = [f for f in live.get("outputs", []) if not (paths.root / f).is_file()]
    if missing:
        return _Plan(0, f"{len(missing)} output(s) missing: {missing[0]}")
    recorded = live.get("fingerprints", {})
    for i, name in enumerate(notebooks):
        if not is_current(recorded.get(name), prints[name]):
            return _Plan(i, f"{name}: " + "; ".join(changes(recorded.get(name), prints[name])))
    if html and not live.get("html", False):
        return _Plan(len(notebooks), "the pages were not written (--no-html)")
    return _Plan(len(notebooks), "no input changed", pages=False)


def _copy_current(stage: Stage, year: int, current: tuple[str, ...]) -> None:
    """Copy into the stage what the current notebooks made: the year's tables and their executed copies.

    Copies, not links: papermill and matplotlib rewrite files in place, which would change the live ones.
    """
    if not current:
        return
    live, staged = stage.live, stage.paths
    if live.processed_year(year).is_dir():
        shutil.copytree(live.processed_year(year), staged.processed_year(year))
    if current[-1] == YEAR_NOTEBOOKS[-1] and live.figures_year(year).is_dir():  # 04_figures will not run
        shutil.copytree(live.figures_year(year), staged.figures_year(year))
    staged.reports_year(year).mkdir(parents=True, exist_ok=True)
    for name in current:
        executed = live.reports_year(year) / f"{name}.ipynb"
        if executed.is_file():
            shutil.copy2(executed, staged.reports_year(year) / executed.name)


class _Pages:
    """Renders executed notebooks for their pages in a background thread, while the next notebook runs.

    The thread first imports papermill and the page machinery while the kernel starts.
    """

    def __init__(self, enabled: bool, roots: list[Path]) -> None:
        self.roots = roots
        self.enabled = enabled
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pages")
        self.bodies: dict[str, Future] = {}
        # The kernel needs jupyter_client at once and papermill imports it too: two threads importing
        # one package can each see it half-initialised (ImportError), so it is imported here, first.
        import jupyter_client  # noqa: F401

        self.pool.submit(_warm_up, enabled)

    def render(self, name: str, executed: Path) -> None:
        if self.enabled and executed.is_file():
            from budgetkit.report.render import notebook_body

            self.bodies[name] = self.pool.submit(notebook_body, executed, self.roots)

    def results(self) -> dict[str, Callable]:
        return {name: future.result for name, future in self.bodies.items()}

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _warm_up(pages: bool) -> None:
    """Import papermill, pandas and, for pages, their machinery (nbconvert, jinja2) before they are needed.

    The manifest reads the year's tables with pandas when the notebooks are done.
    """
    import papermill  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    from nbformat.validator import get_validator

    get_validator()  # compiled once a process (papermill validates each notebook it reads and writes)

    from budgetkit.model.tables import read_frame  # noqa: F401
    from budgetkit.report import summarize  # noqa: F401

    if pages:
        from budgetkit.report import render, site  # noqa: F401

        render._exporter()


def build_year(
    year: int,
    paths: ProjectPaths,
    html: bool = True,
    notebooks: tuple[str, ...] = YEAR_NOTEBOOKS,
    site=None,
    *,
    force: bool = False,
) -> BuildResult:
    """Run the year's notebooks whose inputs changed in a staging root, write its pages there, swap them in.

    A failure is recorded in the result (and the manifest), not raised. Call it holding
    :func:`budgetkit.project.stage.build_lock` (as :func:`build` does). A year with nothing to do is left as it
    is (the result lists its notebooks as ``current``).
    """
    from budgetkit import __version__
    from budgetkit.build.kernel import Kernel

    parameters = _parameters(year)
    for name in notebooks:
        validate_params(parameters, name)
    files = paths.disclosures(year)
    duplicates = paths.duplicates(year)
    prints = _year_fingerprints(paths, files, notebooks, parameters, duplicates)
    live = load_manifest(paths.reports_year(year))
    plan = _plan(live, prints, notebooks, paths, html, force)
    current, todo = notebooks[: plan.start], notebooks[plan.start :]
    if not todo and not plan.pages:
        logger.info("[%s] up to date (%s): skipped %s", year, plan.reason, ", ".join(notebooks))
        return BuildResult(str(year), status=live["status"], skipped=live.get("skipped", []), manifest=live,
                           current=list(notebooks), reason=plan.reason)
    if current:
        logger.info("[%s] current, not run again: %s", year, ", ".join(current))
    logger.info("[%s] to run: %s (%s)", year, ", ".join(todo) or "pages only", plan.reason)
    result = BuildResult(str(year), current=list(current), reason=plan.reason)
    started = dt.datetime.now(dt.UTC)
    stage = Stage.create(paths, str(year))
    kernel = pages = None
    try:
        # the kernel first: it starts in its own process while this one goes on (the pages' imports in their
        # thread would slow its start)
        kernel = Kernel(stage.root).start() if todo else None
        pages = _Pages(html, [stage.root, paths.root])
        out_dir = stage.paths.reports_year(year)
        processed = stage.paths.processed_year(year)
        _copy_current(stage, year, current)
        for name in current:
            pages.render(name, out_dir / f"{name}.ipynb")
        result.manifest = manifest = {
            "year": year,
            "status": "running",
            "error": "",
            "failed_notebook": "",
            "parameters": parameters,
            "budgetkit_version": __version__,
            "python": platform.python_version(),
            "started_utc": started.isoformat(timespec="seconds"),
            "inputs": _inputs(paths, files, prints[notebooks[0]]),
            "duplicates": [{"source_file": copy.name, "kept": kept.name}
                           for copy, kept in sorted(duplicates.items())],
            "html": html,
        }
        _write_manifest(out_dir, manifest)
        for i, name in enumerate(todo, plan.start + 1):
            logger.info("[%s] %d/%d %s …", year, i, len(notebooks), name)
            t0 = time.perf_counter()
            executed, failure = run_notebook(name, parameters, out_dir, paths, run_root=stage.root,
                                             shown_as=f"reports/{year}/{name}.ipynb", kernel=kernel)
            result.notebooks[name] = round(time.perf_counter() - t0, 2)
            result.outputs.append(_live(stage, executed))
            pages.render(name, executed)
            if failure:
                result.status, result.error = "failed", f"{name}: {failure}"
                manifest["failed_notebook"] = name
                logger.error("[%s] %s failed: %s", year, name, failure)
                break
            logger.info("[%s] %d/%d %s done in %.1f s", year, i, len(notebooks), name, result.notebooks[name])
        if kernel is not None:
            kernel.stop()  # it ends while the manifest is written
        result.skipped = _skipped(processed)
        for s in result.unreadable:
            logger.warning("[%s] skipped %s: %s", year, s["source_file"], s["reason"])
        for s in result.no_table:
            logger.info("[%s] %s holds no target table: %s", year, s["source_file"], s["reason"])
        for s in result.duplicates:
            logger.info("[%s] %s", year, s["reason"])
        ran = [*current, *result.notebooks] if result.status == "ok" else []
        manifest.update(
            {
                "error": result.error,
                "notebook_seconds": result.notebooks,
                "current": list(current),
                "fingerprints": {name: prints[name].record() for name in ran},
                "skipped": result.skipped,
                "row_counts": _row_counts(processed),
                "summary": _summary(processed),
            }
        )
        _write_manifest(out_dir, manifest)
        if html:  # the pages show the status the swap will publish
            from budgetkit.report.site import write_year_pages

            result.outputs += [
                _live(stage, p)
                for p in write_year_pages(
                    year,
                    out_dir,
                    processed,
                    site,
                    [stage.root, paths.root],
                    {**manifest, "status": result.status},
                    bodies=pages.results(),
                )
            ]
        figures = stage.paths.figures_year(year)
        result.outputs += [_live(stage, p) for p in sorted(figures.glob("*.png"))] if figures.is_dir() else []
        result.outputs += [_live(stage, p) for p in sorted(processed.glob("*"))] if processed.is_dir() else []
        result.outputs += [_live(stage, p) for p in sorted(out_dir.glob("*.ipynb"))
                           if _live(stage, p) not in result.outputs]
        manifest.update(
            {
                "status": result.status,
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
                "outputs": sorted(paths.relative(p) for p in result.outputs if p.is_relative_to(paths.root)),
            }
        )
        _write_manifest(out_dir, manifest)
        stage.swap(["processed", "figures", "reports"], str(year))
    finally:
        if kernel is not None:
            kernel.close()
        if pages is not None:
            pages.close()
        stage.remove()
    return result


def _compare_fingerprint(paths: ProjectPaths, years: list[int]) -> Fingerprint:
    """05_compare's inputs: the tables it reads from every processed year, the notebook, budgetkit's code."""
    tables = {f"{y}/{t}.parquet": paths.processed_year(y) / f"{t}.parquet" for y in years for t in _COMPARED}
    decisions = paths.root / "data" / "links.csv"  # a researcher's links (steps.LINKS_FILE)
    if decisions.is_file():
        tables["links.csv"] = decisions
    return fingerprint([], paths.notebooks / f"{COMPARE_NOTEBOOK}.ipynb", _parameters(max(years)), inputs=tables)


def _build_compare(paths: ProjectPaths, html: bool, site, *, force: bool = False) -> BuildResult:
    import pandas as pd

    from budgetkit import __version__
    from budgetkit.build.kernel import Kernel

    years = paths.processed_years()
    prints = _compare_fingerprint(paths, years)
    live = load_manifest(paths.reports / COMPARE_DIR)
    plan = _plan(live, {COMPARE_NOTEBOOK: prints}, (COMPARE_NOTEBOOK,), paths, html, force)
    if plan.start and not plan.pages:
        logger.info("[compare] up to date (%s): skipped %s", plan.reason, COMPARE_NOTEBOOK)
        return BuildResult(COMPARE_DIR, status=live["status"], manifest=live, current=[COMPARE_NOTEBOOK],
                           reason=plan.reason)
    result = BuildResult(COMPARE_DIR, reason=plan.reason)
    logger.info("[compare] %s over %s (%s) …", COMPARE_NOTEBOOK, ", ".join(map(str, years)), plan.reason)
    started = dt.datetime.now(dt.UTC)
    stage = Stage.create(paths, COMPARE_DIR, share_processed=True)
    try:
        out_dir = stage.paths.reports / COMPARE_DIR
        departments = set()
        inputs = []
        for y in years:
            inputs += load_manifest(paths.reports_year(y)).get("inputs", [])
            projects = pd.read_parquet(paths.processed_year(y) / "projects.parquet", columns=["department"])
            departments |= {str(d) for d in projects["department"].dropna() if str(d)}
        result.manifest = manifest = {
            "name": COMPARE_DIR,
            "status": "running",
            "years": years,
            "departments": sorted(departments),
            "budgetkit_version": __version__,
            "started_utc": started.isoformat(timespec="seconds"),
            "inputs": inputs,
            "html": html,
        }
        _write_manifest(out_dir, manifest)
        t0 = time.perf_counter()
        with Kernel(stage.root) as kernel:
            executed, failure = run_notebook(
                COMPARE_NOTEBOOK,
                _parameters(max(years)),
                out_dir,
                paths,
                run_root=stage.root,
                shown_as=f"reports/{COMPARE_DIR}/{COMPARE_NOTEBOOK}.ipynb",
                kernel=kernel,
            )
        result.notebooks[COMPARE_NOTEBOOK] = round(time.perf_counter() - t0, 2)
        result.outputs.append(_live(stage, executed))
        if failure:
            result.status, result.error = "failed", f"{COMPARE_NOTEBOOK}: {failure}"
            logger.error("[compare] %s", result.error)
        if html:
            from budgetkit.report.site import write_compare_page

            _write_manifest(out_dir, {**manifest, "status": result.status, "error": result.error})
            result.outputs += [
                _live(stage, p) for p in write_compare_page(out_dir, site, [stage.root, paths.root])
            ]
        figures = stage.paths.figures / COMPARE_DIR
        result.outputs += [_live(stage, p) for p in sorted(figures.glob("*.png"))] if figures.is_dir() else []
        manifest.update(
            {
                "status": result.status,
                "error": result.error,
                "fingerprints": {COMPARE_NOTEBOOK: prints.record()} if result.status == "ok" else {},
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
                "outputs": sorted(paths.relative(p) for p in result.outputs),
            }
        )
        _write_manifest(out_dir, manifest)
        stage.swap(["figures", "reports"], COMPARE_DIR)
    finally:
        stage.remove()
    return result


def _buildable(paths: ProjectPaths, todo: list[int]) -> tuple[list[int], dict[int, str]]:
    """The years that have files, and ``{year: reason}`` for those skipped."""
    ok, skipped = [], {}
    for year in todo:
        try:
            paths.disclosures(year)
            ok.append(year)
        except InputError as exc:
            reason = f"{paths.relative(paths.raw_year(year))}: {exc.message}"
            logger.warning("[%s] skipped: %s", year, reason)
            skipped[year] = reason
    return ok, skipped


def _sync_dataset(paths: ProjectPaths, years: list[int]) -> None:
    """Keep ``data/processed/dataset/`` holding what the years' tables hold (:mod:`budgetkit.scale.dataset_sync`)."""
    from budgetkit.scale.dataset_sync import sync_year  # lazy: pyarrow's dataset writer, only once a year was built

    for year in years:
        try:
            sync_year(paths, year)
        except (BudgetkitError, OSError) as exc:
            logger.warning("[%s] the dataset was not updated: %s", year, exc)


def _refresh_other_years(paths: ProjectPaths, site, built: list[int]) -> None:
    """Rewrite the pages of the years not built now when their navigation changed (a year came or went)."""
    for year in sorted(site.built - set(built)):
        reports = paths.reports_year(year)
        if page_signature(reports) != site.signature():
            from budgetkit.report.site import write_year_pages

            logger.info("[%s] navigation changed: rewriting its pages", year)
            write_year_pages(year, reports, paths.processed_year(year), site, [paths.root])


def build(
    years: list[int] | None = None, root: str | Path | None = None, html: bool = True, force: bool = False
) -> list[BuildResult]:
    """Rebuild the given years (default: every year under ``data/raw``), then the comparison and the index.

    Only what changed is run again (see the module docstring); a build with nothing to do says so and
    touches no file.

    Args:
        years: budget years to build; all years found when ``None``.
        root: the repository root (found from the working directory when ``None``).
        html: write the report pages beside the executed notebooks.
        force: run every notebook, changed or not.

    Returns:
        One result per year (``skipped`` for a folder with no file), plus one for the comparison when it ran.

    Raises:
        InputError: when there is no year folder at all.
        BuildLockedError: when another build of the tree is running.
        NotebookError: when any notebook failed (after every year was tried).
    """
    paths = project_paths(root)
    todo = sorted(years) if years else paths.years()
    if not todo:
        raise InputError("no year to build: add disclosures under data/raw/<year>/", path=paths.raw)
    with build_lock(paths), _responsive():
        recover(paths)
        buildable, skipped = _buildable(paths, todo)
        will_compare = len(set(paths.processed_years()) | set(buildable)) >= 2
        site = site_map(paths, buildable, compare=will_compare or None, skipped=skipped)
        logger.info("building %s in %s", ", ".join(map(str, buildable)) or "nothing", paths.root)
        results = [BuildResult(str(y), status="skipped", error=reason) for y, reason in skipped.items()]
        results += [build_year(year, paths, html=html, site=site, force=force) for year in buildable]
        results.sort(key=lambda r: r.name)
        _sync_dataset(paths, [int(r.name) for r in results if r.name.isdigit() and r.status == "ok"])
        if len(paths.processed_years()) >= 2:
            results.append(_build_compare(paths, html, site, force=force))
        else:
            logger.info("[compare] skipped: %s needs two or more processed years", COMPARE_NOTEBOOK)
        if html:
            site = site_map(paths, skipped=skipped)
            rebuilt = [int(r.name) for r in results if r.name.isdigit() and (r.notebooks or r.outputs)]
            _refresh_other_years(paths, site, rebuilt)
            ran = any(r.notebooks or r.outputs for r in results)
            references = [paths.reports / "fields.html", paths.reports / "rules.html"]
            if ran or page_signature(paths.reports) != site.signature() or not all(p.is_file() for p in references):
                from budgetkit.report.site import write_index, write_reference_pages

                logger.info("index: %s", paths.relative(write_index(paths, site)))
                write_reference_pages(paths, site)
            else:
                logger.info("index: up to date")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise NotebookError("; ".join(f"{r.name}: {r.error}" for r in failed))
    return results
