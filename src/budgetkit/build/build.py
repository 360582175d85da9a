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
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from budgetkit.build.compare_run import build_compare
from budgetkit.build.notebook_run import run_notebook
from budgetkit.build.run_manifest import BuildResult, sha256
from budgetkit.build.year_run import build_year
from budgetkit.errors import BudgetkitError, InputError, NotebookError
from budgetkit.project.paths import ProjectPaths, project_paths
from budgetkit.project.stage import build_lock, recover
from budgetkit.report.params import COMPARE_NOTEBOOK, YEAR_NOTEBOOKS
from budgetkit.report.sitemap import page_signature, site_map

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
            from budgetkit.report.site import write_year_pages  # lazy: the pages' imports, only for a new navigation

            logger.info("[%s] navigation changed: rewriting its pages", year)
            write_year_pages(year, reports, paths.processed_year(year), site, [paths.root])


def _write_site(paths: ProjectPaths, results: list[BuildResult], skipped: dict[int, str]) -> None:
    """Write the site's pages after the years and the comparison ran.

    The other years' pages are rewritten when their navigation changed; the index and the reference pages
    when anything ran, the navigation changed or a reference page is missing.
    """
    site = site_map(paths, skipped=skipped)
    rebuilt = [int(r.name) for r in results if r.name.isdigit() and (r.notebooks or r.outputs)]
    _refresh_other_years(paths, site, rebuilt)
    ran = any(r.notebooks or r.outputs for r in results)
    references = [paths.reports / "fields.html", paths.reports / "rules.html"]
    if ran or page_signature(paths.reports) != site.signature() or not all(p.is_file() for p in references):
        from budgetkit.report.site import (  # lazy: the pages' imports only when html is asked
            write_index,
            write_reference_pages,
        )

        logger.info("index: %s", paths.relative(write_index(paths, site)))
        write_reference_pages(paths, site)
    else:
        logger.info("index: up to date")


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
            results.append(build_compare(paths, html, site, force=force))
        else:
            logger.info("[compare] skipped: %s needs two or more processed years", COMPARE_NOTEBOOK)
        if html:
            _write_site(paths, results, skipped)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise NotebookError("; ".join(f"{r.name}: {r.error}" for r in failed))
    return results
