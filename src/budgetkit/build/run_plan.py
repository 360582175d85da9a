"""What a run must do: each notebook's fingerprint against the manifest in place, the parameters it runs with."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from budgetkit.project.fingerprint import Fingerprint, changes, fingerprint, is_current
from budgetkit.project.paths import ProjectPaths
from budgetkit.report.params import COMPARE_NOTEBOOK, PARAMETERS

logger = logging.getLogger(__name__)


COMPARE_DIR = "compare"


#: The tables of each processed year that 05_compare reads (its inputs, for its fingerprint).
COMPARED = ("projects", "indicators")


def notebook_parameters(year: int) -> dict:
    """The notebooks' parameters for ``year``: every default, the year set."""
    # The root is found by the kernel ($BUDGETKIT_ROOT is the staging root), so the executed notebooks and
    # manifests carry no machine-specific path.
    params = {name: default for name, (_, default, _) in PARAMETERS.items()}
    params["year"] = year
    return params


def year_fingerprints(
    paths: ProjectPaths, files: list[Path], notebooks: tuple[str, ...], parameters: dict,
    duplicates: dict[Path, Path] | None = None,
) -> dict[str, Fingerprint]:
    """The fingerprint of each notebook of a year (the raw files read once; a duplicate added or removed counts)."""
    inputs = {f"duplicate/{copy.name}": copy for copy in duplicates or {}}
    first = fingerprint(files, paths.notebooks / f"{notebooks[0]}.ipynb", parameters, inputs=inputs)
    return {name: first.for_notebook(paths.notebooks / f"{name}.ipynb") for name in notebooks}


@dataclass
class RunPlan:
    """What a part of the build must do: run ``notebooks[start:]`` (none: ``start == len``), and why."""

    start: int
    reason: str
    pages: bool = True  # write the pages (and so stage the part) even when no notebook runs


def plan_run(
    live: dict, prints: dict[str, Fingerprint], notebooks: tuple[str, ...], paths: ProjectPaths, html: bool,
    force: bool,
) -> RunPlan:
    """Compare the manifest in place (``live``) with the current fingerprints (see the module docstring)."""
    if force:
        return RunPlan(0, "forced (--force)")
    if not live:
        return RunPlan(0, "no earlier run")
    if live.get("status") != "ok":
        return RunPlan(0, f"the last run is {live.get('status') or 'unknown'}")
    missing = [f for f in live.get("outputs", []) if not (paths.root / f).is_file()]
    if missing:
        return RunPlan(0, f"{len(missing)} output(s) missing: {missing[0]}")
    recorded = live.get("fingerprints", {})
    for i, name in enumerate(notebooks):
        if not is_current(recorded.get(name), prints[name]):
            return RunPlan(i, f"{name}: " + "; ".join(changes(recorded.get(name), prints[name])))
    if html and not live.get("html", False):
        return RunPlan(len(notebooks), "the pages were not written (--no-html)")
    return RunPlan(len(notebooks), "no input changed", pages=False)


def compare_fingerprint(paths: ProjectPaths, years: list[int]) -> Fingerprint:
    """05_compare's inputs: the tables it reads from every processed year, the notebook, budgetkit's code."""
    tables = {f"{y}/{t}.parquet": paths.processed_year(y) / f"{t}.parquet" for y in years for t in COMPARED}
    decisions = paths.root / "data" / "links.csv"  # a researcher's links (steps.LINKS_FILE)
    if decisions.is_file():
        tables["links.csv"] = decisions
    return fingerprint([], paths.notebooks / f"{COMPARE_NOTEBOOK}.ipynb", notebook_parameters(max(years)),
                       inputs=tables)
