"""The comparison's run: 05_compare over every processed year, in a staging root, then swapped in."""

from __future__ import annotations

import datetime as dt
import logging
import time

from budgetkit.build.notebook_run import run_notebook
from budgetkit.build.run_manifest import BuildResult, live_path, write_manifest
from budgetkit.build.run_plan import COMPARE_DIR, compare_fingerprint, notebook_parameters, plan_run
from budgetkit.project.paths import ProjectPaths
from budgetkit.project.stage import Stage
from budgetkit.report.params import COMPARE_NOTEBOOK
from budgetkit.report.sitemap import load_manifest

logger = logging.getLogger(__name__)


def build_compare(paths: ProjectPaths, html: bool, site, *, force: bool = False) -> BuildResult:
    """Run 05_compare over every processed year when its inputs changed, write its page, swap it in."""
    import pandas as pd  # lazy: pandas, only when the comparison runs

    from budgetkit import __version__  # lazy: the package's top imports this module's stage
    from budgetkit.build.kernel import Kernel  # lazy: jupyter's client machinery, only for a build

    years = paths.processed_years()
    prints = compare_fingerprint(paths, years)
    live = load_manifest(paths.reports / COMPARE_DIR)
    plan = plan_run(live, {COMPARE_NOTEBOOK: prints}, (COMPARE_NOTEBOOK,), paths, html, force)
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
        write_manifest(out_dir, manifest)
        t0 = time.perf_counter()
        with Kernel(stage.root) as kernel:
            executed, failure = run_notebook(
                COMPARE_NOTEBOOK,
                notebook_parameters(max(years)),
                out_dir,
                paths,
                run_root=stage.root,
                shown_as=f"reports/{COMPARE_DIR}/{COMPARE_NOTEBOOK}.ipynb",
                kernel=kernel,
            )
        result.notebooks[COMPARE_NOTEBOOK] = round(time.perf_counter() - t0, 2)
        result.outputs.append(live_path(stage, executed))
        if failure:
            result.status, result.error = "failed", f"{COMPARE_NOTEBOOK}: {failure}"
            logger.error("[compare] %s", result.error)
        if html:
            from budgetkit.report.site import write_compare_page  # lazy: the pages' imports only when html is asked

            write_manifest(out_dir, {**manifest, "status": result.status, "error": result.error})
            result.outputs += [
                live_path(stage, p) for p in write_compare_page(out_dir, site, [stage.root, paths.root])
            ]
        figures = stage.paths.figures / COMPARE_DIR
        result.outputs += [live_path(stage, p) for p in sorted(figures.glob("*.png"))] if figures.is_dir() else []
        manifest.update(
            {
                "status": result.status,
                "error": result.error,
                "fingerprints": {COMPARE_NOTEBOOK: prints.record()} if result.status == "ok" else {},
                "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
                "outputs": sorted(paths.relative(p) for p in result.outputs),
            }
        )
        write_manifest(out_dir, manifest)
        stage.swap(["figures", "reports"], COMPARE_DIR)
    finally:
        stage.remove()
    return result
