"""Rebuild every year: execute the notebooks with papermill, render HTML, write a run manifest.

For each budget year under ``data/raw/`` (or the years asked for),
:func:`build` executes ``notebooks/01_clean`` … ``04_figures`` with papermill
in this process (one kernel per notebook, started in the repository root),
writes the executed copies to ``reports/<year>/`` and renders each to HTML with
the code hidden and the figures embedded. When two or more years have tidy
tables, ``05_compare`` runs once into ``reports/compare/``. A
``run_manifest.json`` per year records the parameters, the sha256 of every
input file, the package version, the row counts and the time taken, and
``reports/index.html`` links every page.

A failing notebook keeps its executed copy (and HTML) with the error visible,
stops that year and makes :func:`build` raise
:class:`~budgetkit.errors.NotebookError` once the other years are done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from budgetkit.errors import InputError, NotebookError
from budgetkit.params import NOTEBOOKS, PARAMETERS, validate_params
from budgetkit.paths import ProjectPaths, find_root, project_paths
from budgetkit.tables import TABLE_NAMES

__all__ = [
    "YEAR_NOTEBOOKS",
    "BuildResult",
    "build",
    "build_year",
    "render_html",
    "run_notebook",
    "sha256",
    "write_index",
]

logger = logging.getLogger(__name__)

#: Notebooks run once per year, in order; ``05_compare`` runs across years.
YEAR_NOTEBOOKS: tuple[str, ...] = ("01_clean", "02_costs", "03_audit", "04_figures")
COMPARE_NOTEBOOK = "05_compare"
COMPARE_DIR = "compare"


@dataclass
class BuildResult:
    """What one year's (or the comparison's) run produced.

    Attributes:
        name: the year, or ``compare``.
        notebooks: ``{notebook: seconds}`` of the notebooks that ran.
        outputs: executed notebooks and HTML pages written.
        error: the failure message, empty when every notebook ran.
        manifest: the run manifest written for a year.
    """

    name: str
    notebooks: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
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


def render_html(notebook_path: Path, html_path: Path | None = None) -> Path:
    """Render an executed notebook to HTML for readers: code hidden, outputs and figures embedded."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    nb = nbformat.read(notebook_path, as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook_path.stem}})
    out = html_path or notebook_path.with_suffix(".html")
    out.write_text(body, encoding="utf-8")
    return out


def run_notebook(
    name: str, parameters: dict, out_dir: Path, paths: ProjectPaths, html: bool = True
) -> list[Path]:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``out_dir`` (and its HTML).

    Raises:
        NotebookError: when a cell fails; the executed copy (and HTML) is written first.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source = paths.notebooks / f"{name}.ipynb"
    if not source.is_file():
        raise InputError(f"notebook {name} not found", path=source)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{name}.ipynb"
    failure = None
    try:
        pm.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            cwd=str(paths.root),
            progress_bar=False,
            kernel_name="python3",
            log_output=False,
            # The kernel's own start-up notices (ipykernel 7 warns that local TCP is unencrypted) would
            # print once per notebook; errors in cells still reach the executed copy and NotebookError.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as exc:
        failure = f"{exc.ename}: {exc.evalue}"
    outputs = [executed]
    if html and executed.is_file():
        outputs.append(render_html(executed))
    if failure:
        page = outputs[-1]
        raise NotebookError(f"notebook {name} failed ({failure}); the error is shown in {page}", path=source)
    return outputs


def _inputs(paths: ProjectPaths, year: int) -> list[dict]:
    return [
        {
            "file": p.relative_to(paths.root).as_posix() if p.is_relative_to(paths.root) else str(p),
            "bytes": p.stat().st_size,
            "sha256": sha256(p),
        }
        for p in paths.raw_files(year)
    ]


def _row_counts(folder: Path) -> dict[str, int]:
    import pandas as pd

    counts = {}
    for name in (*TABLE_NAMES, "costs", "audit"):
        path = folder / f"{name}.parquet"
        if path.is_file():
            counts[name] = len(pd.read_parquet(path))
    return counts


def _parameters(year: int, paths: ProjectPaths) -> dict:
    # An empty root lets the kernel find the root from its working folder (papermill starts it there),
    # so the executed notebooks and manifests carry no machine-specific path.
    params = {
        "year": year,
        "root": "" if find_root(paths.root) == paths.root else str(paths.root),
        "raw_dir": str(paths.raw_dir),
        "processed_dir": str(paths.processed_dir),
        "figures_dir": str(paths.figures_dir),
    }
    assert set(params) == set(PARAMETERS)
    return params


def build_year(
    year: int, paths: ProjectPaths, html: bool = True, notebooks: tuple[str, ...] = YEAR_NOTEBOOKS
) -> BuildResult:
    """Run the year's notebooks into ``reports/<year>/`` and write its ``run_manifest.json``.

    A failure is recorded in the result (and the manifest), not raised.
    """
    from budgetkit import __version__

    parameters = _parameters(year, paths)
    for name in notebooks:
        validate_params(parameters, name)
    result = BuildResult(str(year))
    started = dt.datetime.now(dt.UTC)
    out_dir = paths.reports_year(year)
    inputs = _inputs(paths, year)
    for i, name in enumerate(notebooks, 1):
        logger.info("[%s] %d/%d %s …", year, i, len(notebooks), name)
        t0 = time.perf_counter()
        try:
            result.outputs += run_notebook(name, parameters, out_dir, paths, html=html)
        except NotebookError as exc:
            result.error = str(exc)
            logger.error("[%s] %s", year, exc)
            break
        finally:
            result.notebooks[name] = round(time.perf_counter() - t0, 2)
        logger.info("[%s] %d/%d %s done in %.1f s", year, i, len(notebooks), name, result.notebooks[name])
    result.manifest = {
        "year": year,
        "status": "failed" if result.error else "ok",
        "error": result.error,
        "parameters": parameters,
        "budgetkit_version": __version__,
        "python": platform.python_version(),
        "started_utc": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
        "notebook_seconds": result.notebooks,
        "inputs": inputs,
        "row_counts": _row_counts(paths.processed_year(year)),
        "outputs": [
            p.relative_to(paths.root).as_posix() if p.is_relative_to(paths.root) else str(p)
            for p in result.outputs
        ],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "run_manifest.json").write_text(
        json.dumps(result.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result


def _build_compare(paths: ProjectPaths, html: bool) -> BuildResult:
    result = BuildResult(COMPARE_DIR)
    years = paths.processed_years()
    logger.info("[compare] %s over %s …", COMPARE_NOTEBOOK, ", ".join(map(str, years)))
    t0 = time.perf_counter()
    try:
        result.outputs += run_notebook(
            COMPARE_NOTEBOOK, _parameters(max(years), paths), paths.reports / COMPARE_DIR, paths, html=html
        )
    except NotebookError as exc:
        result.error = str(exc)
        logger.error("[compare] %s", exc)
    result.notebooks[COMPARE_NOTEBOOK] = round(time.perf_counter() - t0, 2)
    return result


def write_index(paths: ProjectPaths, results: list[BuildResult]) -> Path:
    """Write ``reports/index.html``: one section per year with links to its pages and its status."""
    rows = []
    for result in results:
        pages = [p for p in result.outputs if p.suffix == ".html"]
        links = " · ".join(
            f'<a href="{html.escape(p.relative_to(paths.reports).as_posix())}">{html.escape(p.stem)}</a>'
            for p in pages
        )
        status = "失败 failed: " + html.escape(result.error) if result.error else "完成 ok"
        rows.append(f"<tr><td>{html.escape(result.name)}</td><td>{links}</td><td>{status}</td></tr>")
    descriptions = "".join(f"<li><b>{k}</b>: {html.escape(v)}</li>" for k, v in NOTEBOOKS.items())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>budgetkit 报告 reports</title>
<style>body{{font-family:"Noto Sans SC","Microsoft YaHei",sans-serif;margin:2em}}
td,th{{padding:.3em 1em}}</style>
</head><body>
<h1>项目支出预算绩效目标 分析报告 / Budget performance-target reports</h1>
<table><tr><th>年度 year</th><th>页面 pages</th><th>状态 status</th></tr>
{"".join(rows)}
</table>
<ul>{descriptions}</ul>
</body></html>
"""
    paths.reports.mkdir(parents=True, exist_ok=True)
    out = paths.reports / "index.html"
    out.write_text(page, encoding="utf-8")
    return out


def build(
    years: list[int] | None = None, root: str | Path | None = None, html: bool = True
) -> list[BuildResult]:
    """Rebuild the given years (default: every year under ``data/raw``), then the comparison.

    Args:
        years: budget years to build; all years found when ``None``.
        root: the repository root (found from the working directory when ``None``).
        html: render HTML beside the executed notebooks.

    Returns:
        One result per year, plus one for the comparison when it ran.

    Raises:
        InputError: when there is no year to build, or a year asked for has no raw folder.
        NotebookError: when any notebook failed (after every year was tried).
    """
    paths = project_paths(root)
    found = paths.years()
    todo = sorted(years) if years else found
    if not todo:
        raise InputError("no year to build: add disclosures under data/raw/<year>/", path=paths.raw)
    for year in todo:
        paths.raw_files(year)  # fails early, naming the folder, when a year has no input
    logger.info("building %s in %s", ", ".join(map(str, todo)), paths.root)
    results = [build_year(year, paths, html=html) for year in todo]
    if len(paths.processed_years()) >= 2:
        results.append(_build_compare(paths, html))
    else:
        logger.info("[compare] skipped: %s needs two or more processed years", COMPARE_NOTEBOOK)
    if html:
        index = write_index(paths, results)
        logger.info("index: %s", index)
    failed = [r for r in results if r.error]
    if failed:
        raise NotebookError("; ".join(f"{r.name}: {r.error}" for r in failed))
    return results
