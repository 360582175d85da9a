"""Rebuild every year through the notebooks and write the report site, never leaving a year half done.

For each budget year under ``data/raw/`` (or the years asked for),
:func:`build` executes ``notebooks/01_clean`` … ``04_figures`` with papermill
in a staging root (:class:`budgetkit.stage.Stage`): the year's tables, figures,
executed notebooks, pages and ``run_manifest.json`` are all written there, the
manifest first as ``running`` and last as ``ok`` (or ``failed``), and then
swapped in together. When two or more years have tidy tables, ``05_compare``
runs once the same way into ``reports/compare/``. Last, ``reports/index.html``
is written; it lists every year present, whatever was built.

A run manifest records the parameters, the sha256 of every input file, the
files skipped (and why), the package version, the row counts, the year's
summary and the time taken. It holds no machine path.

What goes wrong is reported, not hidden:

* an unreadable file is skipped and listed (:func:`budgetkit.steps.read_year`);
* a year folder with no file is skipped with a warning;
* a failing notebook keeps its executed copy (with the traceback); its page says
  in plain words what failed, the year's other notebooks do not run, and
  :func:`build` raises :class:`~budgetkit.errors.NotebookError` once every
  other year is done.

Two builds of one tree do not interleave: the second stops with
:class:`~budgetkit.stage.BuildLockedError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from budgetkit.errors import InputError, NotebookError
from budgetkit.params import COMPARE_NOTEBOOK, PARAMETERS, YEAR_NOTEBOOKS, validate_params
from budgetkit.paths import ProjectPaths, project_paths
from budgetkit.report.failures import describe_error
from budgetkit.stage import Stage, build_lock, recover, write_atomic

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
        manifest: the run manifest written.
    """

    name: str
    status: str = "ok"
    notebooks: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
    skipped: list[dict] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file.

    Examples:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "x.txt"
        >>> _ = p.write_bytes(b"abc")
        >>> sha256(p)[:12]
        'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def run_notebook(
    name: str,
    parameters: dict,
    out_dir: Path,
    paths: ProjectPaths,
    *,
    run_root: Path | None = None,
    shown_as: str = "",
) -> tuple[Path, str]:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``out_dir``, the kernel rooted at ``run_root``.

    Args:
        name: the notebook.
        parameters: its parameters (validated by the caller).
        out_dir: where the executed copy goes.
        paths: the project (the notebooks are read from it).
        run_root: the root the kernel works in (the staging root); ``paths.root`` by default.
        shown_as: the executed copy's path recorded in its metadata (relative; defaults to the file name).

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
    with _kernel_root(run_root):
        try:
            pm.execute_notebook(
                str(source),
                str(executed),
                parameters=parameters,
                cwd=str(run_root),
                progress_bar=False,
                kernel_name="python3",
                log_output=False,
                # The kernel's start-up notices, and the 'KeyboardInterrupt caught in kernel' it logs when
                # jupyter_client interrupts it on shutdown, would print on every build; errors in cells still
                # reach the executed copy and the failure returned here.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            failure = describe_error(exc.ename, exc.evalue, [run_root, paths.root])
    if executed.is_file():
        _tidy_metadata(executed, f"notebooks/{name}.ipynb", shown_as or executed.name)
    return executed, failure


def _tidy_metadata(executed: Path, input_path: str, output_path: str) -> None:
    """Record the notebook's paths as the project sees them, not the staging folder's absolute paths."""
    nb = nbformat.read(executed, as_version=4)
    meta = nb.metadata.get("papermill", {})
    meta["input_path"], meta["output_path"] = input_path, output_path
    nbformat.write(nb, executed)


def _inputs(paths: ProjectPaths, year: int) -> list[dict]:
    try:
        files = paths.disclosures(year)
    except InputError:
        return []
    return [{"file": paths.relative(p), "bytes": p.stat().st_size, "sha256": sha256(p)} for p in files]


def _row_counts(folder: Path) -> dict[str, int]:
    import pandas as pd

    counts = {}
    for name in _COUNTED:
        path = folder / f"{name}.parquet"
        if path.is_file():
            counts[name] = len(pd.read_parquet(path, columns=[]))
    return counts


def _summary(folder: Path) -> dict:
    from budgetkit.report.summarize import summarize_year
    from budgetkit.tables import read_frame

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


def build_year(
    year: int, paths: ProjectPaths, html: bool = True, notebooks: tuple[str, ...] = YEAR_NOTEBOOKS, site=None
) -> BuildResult:
    """Run the year's notebooks in a staging root, write its pages and manifest there, then swap them in.

    A failure is recorded in the result (and the manifest), not raised. Call it holding
    :func:`budgetkit.stage.build_lock` (as :func:`build` does).
    """
    from budgetkit import __version__

    parameters = _parameters(year)
    for name in notebooks:
        validate_params(parameters, name)
    result = BuildResult(str(year))
    started = dt.datetime.now(dt.UTC)
    stage = Stage.create(paths, str(year))
    try:
        out_dir = stage.paths.reports_year(year)
        processed = stage.paths.processed_year(year)
        result.manifest = manifest = {
            "year": year,
            "status": "running",
            "error": "",
            "failed_notebook": "",
            "parameters": parameters,
            "budgetkit_version": __version__,
            "python": platform.python_version(),
            "started_utc": started.isoformat(timespec="seconds"),
            "inputs": _inputs(paths, year),
        }
        _write_manifest(out_dir, manifest)
        for i, name in enumerate(notebooks, 1):
            logger.info("[%s] %d/%d %s …", year, i, len(notebooks), name)
            t0 = time.perf_counter()
            executed, failure = run_notebook(
                name, parameters, out_dir, paths, run_root=stage.root, shown_as=f"reports/{year}/{name}.ipynb"
            )
            result.notebooks[name] = round(time.perf_counter() - t0, 2)
            result.outputs.append(_live(stage, executed))
            if failure:
                result.status, result.error = "failed", f"{name}: {failure}"
                manifest["failed_notebook"] = name
                logger.error("[%s] %s failed: %s", year, name, failure)
                break
            logger.info("[%s] %d/%d %s done in %.1f s", year, i, len(notebooks), name, result.notebooks[name])
        result.skipped = _skipped(processed)
        for s in result.skipped:
            logger.warning("[%s] skipped %s: %s", year, s["source_file"], s["reason"])
        manifest.update(
            {
                "error": result.error,
                "notebook_seconds": result.notebooks,
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
                )
            ]
        figures = stage.paths.figures_year(year)
        result.outputs += [_live(stage, p) for p in sorted(figures.glob("*.png"))] if figures.is_dir() else []
        result.outputs += [_live(stage, p) for p in sorted(processed.glob("*"))] if processed.is_dir() else []
        manifest.update(
            {
                "status": result.status,
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
                "outputs": sorted(paths.relative(p) for p in result.outputs),
            }
        )
        _write_manifest(out_dir, manifest)
        stage.swap(["processed", "figures", "reports"], str(year))
    finally:
        stage.remove()
    return result


def _build_compare(paths: ProjectPaths, html: bool, site) -> BuildResult:
    import pandas as pd

    from budgetkit import __version__

    result = BuildResult(COMPARE_DIR)
    years = paths.processed_years()
    logger.info("[compare] %s over %s …", COMPARE_NOTEBOOK, ", ".join(map(str, years)))
    started = dt.datetime.now(dt.UTC)
    stage = Stage.create(paths, COMPARE_DIR, share_processed=True)
    try:
        out_dir = stage.paths.reports / COMPARE_DIR
        departments = set()
        inputs = []
        for y in years:
            manifest_y = (
                json.loads((paths.reports_year(y) / "run_manifest.json").read_text(encoding="utf-8"))
                if (paths.reports_year(y) / "run_manifest.json").is_file()
                else {}
            )
            inputs += manifest_y.get("inputs", [])
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
        }
        _write_manifest(out_dir, manifest)
        t0 = time.perf_counter()
        executed, failure = run_notebook(
            COMPARE_NOTEBOOK,
            _parameters(max(years)),
            out_dir,
            paths,
            run_root=stage.root,
            shown_as=f"reports/{COMPARE_DIR}/{COMPARE_NOTEBOOK}.ipynb",
        )
        result.notebooks[COMPARE_NOTEBOOK] = round(time.perf_counter() - t0, 2)
        result.outputs.append(_live(stage, executed))
        if failure:
            result.status, result.error = "failed", f"{COMPARE_NOTEBOOK}: {failure}"
            logger.error("[compare] %s", result.error)
        manifest.update(
            {
                "status": result.status,
                "error": result.error,
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
            }
        )
        _write_manifest(out_dir, manifest)
        if html:
            from budgetkit.report.site import write_compare_page

            result.outputs += [
                _live(stage, p) for p in write_compare_page(out_dir, site, [stage.root, paths.root])
            ]
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


def _refresh_other_years(paths: ProjectPaths, site, built: list[int]) -> None:
    """Rewrite the pages of the years not built now when their navigation changed (a year came or went)."""
    from budgetkit.report.site import page_signature, write_year_pages

    for year in sorted(site.built - set(built)):
        reports = paths.reports_year(year)
        if page_signature(reports) != site.signature():
            logger.info("[%s] navigation changed: rewriting its pages", year)
            write_year_pages(year, reports, paths.processed_year(year), site, [paths.root])


def build(
    years: list[int] | None = None, root: str | Path | None = None, html: bool = True
) -> list[BuildResult]:
    """Rebuild the given years (default: every year under ``data/raw``), then the comparison and the index.

    Args:
        years: budget years to build; all years found when ``None``.
        root: the repository root (found from the working directory when ``None``).
        html: write the report pages beside the executed notebooks.

    Returns:
        One result per year (``skipped`` for a folder with no file), plus one for the comparison when it ran.

    Raises:
        InputError: when there is no year folder at all.
        BuildLockedError: when another build of the tree is running.
        NotebookError: when any notebook failed (after every year was tried).
    """
    from budgetkit.report.site import site_map, write_index

    paths = project_paths(root)
    todo = sorted(years) if years else paths.years()
    if not todo:
        raise InputError("no year to build: add disclosures under data/raw/<year>/", path=paths.raw)
    with build_lock(paths):
        recover(paths)
        buildable, skipped = _buildable(paths, todo)
        will_compare = len(set(paths.processed_years()) | set(buildable)) >= 2
        site = site_map(paths, buildable, compare=will_compare or None, skipped=skipped)
        logger.info("building %s in %s", ", ".join(map(str, buildable)) or "nothing", paths.root)
        results = [BuildResult(str(y), status="skipped", error=reason) for y, reason in skipped.items()]
        results += [build_year(year, paths, html=html, site=site) for year in buildable]
        results.sort(key=lambda r: r.name)
        if len(paths.processed_years()) >= 2:
            results.append(_build_compare(paths, html, site))
        else:
            logger.info("[compare] skipped: %s needs two or more processed years", COMPARE_NOTEBOOK)
        if html:
            site = site_map(paths, skipped=skipped)
            _refresh_other_years(paths, site, buildable)
            logger.info("index: %s", paths.relative(write_index(paths, site)))
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise NotebookError("; ".join(f"{r.name}: {r.error}" for r in failed))
    return results
