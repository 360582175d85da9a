"""One year's run: its notebooks in one kernel in a staging root, their pages rendered alongside, then swapped in."""

from __future__ import annotations

import datetime as dt
import logging
import platform
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.build.notebook_run import run_notebook
from budgetkit.build.run_manifest import (
    BuildResult,
    live_path,
    manifest_inputs,
    row_counts,
    skipped_files,
    write_manifest,
    year_summary,
)
from budgetkit.build.run_plan import notebook_parameters, plan_run, year_fingerprints
from budgetkit.project.fingerprint import Fingerprint
from budgetkit.project.paths import ProjectPaths
from budgetkit.project.stage import Stage
from budgetkit.report.params import YEAR_NOTEBOOKS, validate_params
from budgetkit.report.sitemap import load_manifest

logger = logging.getLogger(__name__)


def copy_current(stage: Stage, year: int, current: tuple[str, ...]) -> None:
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


class PageRenderer:
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
        import jupyter_client  # noqa: F401 # lazy: imported here first, before the thread

        self.pool.submit(warm_up, enabled)

    def render(self, name: str, executed: Path) -> None:
        """Render an executed notebook's page body in the background (when pages are asked for)."""
        if self.enabled and executed.is_file():
            from budgetkit.report.render import notebook_body  # lazy: nbconvert, only when pages are asked

            self.bodies[name] = self.pool.submit(notebook_body, executed, self.roots)

    def results(self) -> dict[str, Callable]:
        """The page bodies being rendered, each a callable that waits for its body."""
        return {name: future.result for name, future in self.bodies.items()}

    def close(self) -> None:
        """Wait for the pages being rendered, then stop the thread."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def warm_up(pages: bool) -> None:
    """Import papermill, pandas and, for pages, their machinery (nbconvert, jinja2) before they are needed.

    The manifest reads the year's tables with pandas when the notebooks are done.
    """
    import papermill  # noqa: F401 # lazy: warm-up in the pages' thread
    import pyarrow.parquet  # noqa: F401 # lazy: warm-up in the pages' thread
    from nbformat.validator import get_validator  # lazy: warm-up in the pages' thread

    get_validator()  # compiled once a process (papermill validates each notebook it reads and writes)

    from budgetkit.model.tables import read_frame  # noqa: F401 # lazy: warm-up in the pages' thread
    from budgetkit.report import summarize  # noqa: F401 # lazy: warm-up in the pages' thread

    if pages:
        from budgetkit.report import render, site  # noqa: F401 # lazy: warm-up of the pages' imports

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
    parameters = notebook_parameters(year)
    for name in notebooks:
        validate_params(parameters, name)
    files = paths.disclosures(year)
    duplicates = paths.duplicates(year)
    prints = year_fingerprints(paths, files, notebooks, parameters, duplicates)
    live = load_manifest(paths.reports_year(year))
    plan = plan_run(live, prints, notebooks, paths, html, force)
    current, todo = notebooks[: plan.start], notebooks[plan.start :]
    if not todo and not plan.pages:
        logger.info("[%s] up to date (%s): skipped %s", year, plan.reason, ", ".join(notebooks))
        return BuildResult(str(year), status=live["status"], skipped=live.get("skipped", []), manifest=live,
                           current=list(notebooks), reason=plan.reason)
    if current:
        logger.info("[%s] current, not run again: %s", year, ", ".join(current))
    logger.info("[%s] to run: %s (%s)", year, ", ".join(todo) or "pages only", plan.reason)
    result = BuildResult(str(year), current=list(current), reason=plan.reason)
    run = YearRun(year, paths, parameters, notebooks, plan.start, result, Stage.create(paths, str(year)))
    try:
        # the kernel first: it starts in its own process while this one goes on (the pages' imports in their
        # thread would slow its start)
        run.start(html, with_kernel=bool(todo))
        result.manifest = run.open_manifest(
            html, manifest_inputs(paths, files, prints[notebooks[0]]),
            [{"source_file": copy.name, "kept": kept.name} for copy, kept in sorted(duplicates.items())],
        )
        run.run_notebooks()
        run.close_notebooks(prints)
        if html:  # the pages show the status the swap will publish
            run.write_pages(site)
        run.finish()
    finally:
        run.close()
    return result


@dataclass
class YearRun:
    """One year's build in its staging root: the kernel, the pages, the manifest and what was written."""

    year: int
    paths: ProjectPaths
    parameters: dict
    notebooks: tuple[str, ...]
    start_at: int
    result: BuildResult
    stage: Stage
    kernel: object = None
    pages: object = None
    manifest: dict = field(default_factory=dict)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def out_dir(self) -> Path:
        """The year's reports folder in the staging root."""
        return self.stage.paths.reports_year(self.year)

    @property
    def processed(self) -> Path:
        """The year's tidy tables folder in the staging root."""
        return self.stage.paths.processed_year(self.year)

    @property
    def current(self) -> tuple[str, ...]:
        """The notebooks not run again (their inputs unchanged)."""
        return self.notebooks[: self.start_at]

    def start(self, html: bool, *, with_kernel: bool) -> None:
        """Start the kernel (when notebooks run) and the pages; copy the current notebooks and render them."""
        from budgetkit.build.kernel import Kernel  # lazy: jupyter's client machinery, only for a build

        self.kernel = Kernel(self.stage.root).start() if with_kernel else None
        self.pages = PageRenderer(html, [self.stage.root, self.paths.root])
        copy_current(self.stage, self.year, self.current)
        for name in self.current:
            self.pages.render(name, self.out_dir / f"{name}.ipynb")

    def open_manifest(self, html: bool, inputs: list[dict], duplicates: list[dict]) -> dict:
        """Write the manifest of a running build (status ``running``) and return it."""
        from budgetkit import __version__  # lazy: the package's top imports this module's stage

        self.manifest = {
            "year": self.year,
            "status": "running",
            "error": "",
            "failed_notebook": "",
            "parameters": self.parameters,
            "budgetkit_version": __version__,
            "python": platform.python_version(),
            "started_utc": self.started.isoformat(timespec="seconds"),
            "inputs": inputs,
            "duplicates": duplicates,
            "html": html,
        }
        write_manifest(self.out_dir, self.manifest)
        return self.manifest

    def run_notebooks(self) -> None:
        """Run the notebooks to do in order; the first that fails stops the run and is recorded."""
        result, year, total = self.result, self.year, len(self.notebooks)
        for i, name in enumerate(self.notebooks[self.start_at :], self.start_at + 1):
            logger.info("[%s] %d/%d %s …", year, i, total, name)
            t0 = time.perf_counter()
            executed, failure = run_notebook(name, self.parameters, self.out_dir, self.paths,
                                             run_root=self.stage.root, shown_as=f"reports/{year}/{name}.ipynb",
                                             kernel=self.kernel)
            result.notebooks[name] = round(time.perf_counter() - t0, 2)
            result.outputs.append(live_path(self.stage, executed))
            self.pages.render(name, executed)
            if failure:
                result.status, result.error = "failed", f"{name}: {failure}"
                self.manifest["failed_notebook"] = name
                logger.error("[%s] %s failed: %s", year, name, failure)
                break
            logger.info("[%s] %d/%d %s done in %.1f s", year, i, total, name, result.notebooks[name])

    def close_notebooks(self, prints: dict[str, Fingerprint]) -> None:
        """Stop the kernel; record the files skipped, the fingerprints of what ran, the row counts."""
        result = self.result
        if self.kernel is not None:
            self.kernel.stop()  # it ends while the manifest is written
        result.skipped = skipped_files(self.processed)
        for s in result.unreadable:
            logger.warning("[%s] skipped %s: %s", self.year, s["source_file"], s["reason"])
        for s in result.no_table:
            logger.info("[%s] %s holds no target table: %s", self.year, s["source_file"], s["reason"])
        for s in result.duplicates:
            logger.info("[%s] %s", self.year, s["reason"])
        ran = [*self.current, *result.notebooks] if result.status == "ok" else []
        self.manifest.update(
            {
                "error": result.error,
                "notebook_seconds": result.notebooks,
                "current": list(self.current),
                "fingerprints": {name: prints[name].record() for name in ran},
                "skipped": result.skipped,
                "row_counts": row_counts(self.processed),
                "summary": year_summary(self.processed),
            }
        )
        write_manifest(self.out_dir, self.manifest)

    def write_pages(self, site) -> None:
        """The year's pages, showing the status the swap will publish."""
        from budgetkit.report.site import write_year_pages  # lazy: the pages' imports only when html is asked

        result, stage = self.result, self.stage
        result.outputs += [
            live_path(stage, p)
            for p in write_year_pages(
                self.year,
                self.out_dir,
                self.processed,
                site,
                [stage.root, self.paths.root],
                {**self.manifest, "status": result.status},
                bodies=self.pages.results(),
            )
        ]

    def finish(self) -> None:
        """List every output, write the final manifest and swap the staged year in."""
        result, stage, processed = self.result, self.stage, self.processed
        figures = stage.paths.figures_year(self.year)
        result.outputs += [live_path(stage, p) for p in sorted(figures.glob("*.png"))] if figures.is_dir() else []
        result.outputs += [live_path(stage, p) for p in sorted(processed.glob("*"))] if processed.is_dir() else []
        result.outputs += [live_path(stage, p) for p in sorted(self.out_dir.glob("*.ipynb"))
                           if live_path(stage, p) not in result.outputs]
        self.manifest.update(
            {
                "status": result.status,
                "seconds": round((dt.datetime.now(dt.UTC) - self.started).total_seconds(), 2),
                "outputs": sorted(self.paths.relative(p) for p in result.outputs if p.is_relative_to(self.paths.root)),
            }
        )
        write_manifest(self.out_dir, self.manifest)
        stage.swap(["processed", "figures", "reports"], str(self.year))

    def close(self) -> None:
        """Close the kernel and the pages, remove the staging root (whatever happened)."""
        if self.kernel is not None:
            self.kernel.close()
        if self.pages is not None:
            self.pages.close()
        self.stage.remove()
