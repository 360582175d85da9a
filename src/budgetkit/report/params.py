"""Notebook parameters: declared as data, validated in the first cell after papermill's.

papermill only logs ``Passed unknown parameter`` for a misspelt name and goes on
with the default, and it passes values of any type. Every notebook therefore
calls :func:`validate_params` on its namespace right after the parameters
cell: unknown names, wrong types and impossible years raise
:class:`~budgetkit.errors.ParameterError` before any work is done. The runner
(:mod:`budgetkit.build.build`) checks the same declaration before it starts papermill.

Examples:
    >>> p = validate_params({"year": 2025, "root": "/tmp/bk"}, "01_clean")
    >>> p.year, p.paths.processed_year(p.year).as_posix()
    (2025, '/tmp/bk/data/processed/2025')
    >>> validate_params({"yaer": 2025}, "01_clean")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    budgetkit.errors.ParameterError: 01_clean: unknown parameter 'yaer' (known: year, root, raw_dir, ...)
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from budgetkit.errors import ParameterError
from budgetkit.project.paths import YEAR_RANGE, ProjectPaths, project_paths
from budgetkit.report.display import ReadingTable

if TYPE_CHECKING:
    from budgetkit.report.display import ReadingTable

__all__ = [
    "COMPARE_NOTEBOOK",
    "NOTEBOOKS",
    "PARAMETERS",
    "YEAR_NOTEBOOKS",
    "NotebookParams",
    "describe_params",
    "notebook_label",
    "validate_params",
]

#: The parameters every notebook declares: name → (type, default, description).
PARAMETERS: dict[str, tuple[type, object, str]] = {
    "year": (int, 2025, "预算年度 budget year"),
    "root": (str, "", "仓库根目录，空则自动查找 repository root (empty: found from the working folder)"),
    "raw_dir": (str, "data/raw", "原始公开文件目录 raw disclosures, one folder per year"),
    "processed_dir": (str, "data/processed", "整理后表格目录 tidy tables, one folder per year"),
    "figures_dir": (str, "figures", "图表目录 figures, one folder per year"),
}

#: The notebooks, in the order the runner executes them, with what each one does.
NOTEBOOKS: dict[str, str] = {
    "01_clean": "解析原始文件 parse the raw disclosures into tidy tables",
    "02_costs": "成本测算 reconcile quantity × unit-cost targets with the budget",
    "03_audit": "目标质量审查 audit the quality of the targets",
    "04_figures": "图表 figures",
    "05_compare": "跨年度比较 compare years (two or more years)",
}

#: Notebooks run once per year, in order; ``05_compare`` runs across years.
YEAR_NOTEBOOKS: tuple[str, ...] = ("01_clean", "02_costs", "03_audit", "04_figures")
COMPARE_NOTEBOOK = "05_compare"


def notebook_label(name: str) -> str:
    """The short bilingual label of a notebook for links: its number and the Chinese words of its description.

    Examples:
        >>> notebook_label("02_costs")
        '02 成本测算'
    """
    return f"{name[:2]} {NOTEBOOKS[name].split(' ', 1)[0]}"



# Names IPython and the notebook itself put in the namespace; never parameters.
_IGNORED = {"In", "Out", "exit", "quit", "get_ipython", "display"}


@dataclass(frozen=True)
class NotebookParams:
    """Validated parameters of one notebook run.

    Attributes:
        notebook: the notebook's name (``01_clean`` …).
        year: the budget year.
        paths: the project folders, with the directory parameters applied.
    """

    notebook: str
    year: int
    paths: ProjectPaths


def _candidates(namespace: Mapping[str, object]) -> dict[str, object]:
    """The names in ``namespace`` that can be parameters (not modules, functions, classes or IPython's)."""
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in _IGNORED
        and not isinstance(value, types.ModuleType)
        and not callable(value)
    }


def validate_params(namespace: Mapping[str, object], notebook: str) -> NotebookParams:
    """Check the parameters in ``namespace`` (a notebook's ``globals()`` or a dict) and resolve the paths.

    Args:
        namespace: the names defined so far; in a notebook, ``globals()`` right after the parameters.
        notebook: the notebook's name, a key of :data:`NOTEBOOKS`.

    Returns:
        The validated parameters, defaults filled in.

    Raises:
        ParameterError: on an unknown notebook or parameter, a wrong type or a year out of range.

    Examples:
        >>> validate_params({"year": "2025"}, "02_costs")
        Traceback (most recent call last):
        ...
        budgetkit.errors.ParameterError: 02_costs: parameter 'year' must be int, got str: '2025'
        >>> validate_params({"year": 1925}, "02_costs")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        budgetkit.errors.ParameterError: 02_costs: parameter 'year' must be a budget year in 2000–2100, ...
    """
    if notebook not in NOTEBOOKS:
        raise ParameterError(f"unknown notebook {notebook!r} (known: {', '.join(NOTEBOOKS)})")
    given = _candidates(namespace)
    unknown = [name for name in given if name not in PARAMETERS]
    if unknown:
        names = ", ".join(repr(n) for n in unknown)
        plural = "s" if len(unknown) > 1 else ""
        known = ", ".join(PARAMETERS)
        raise ParameterError(f"{notebook}: unknown parameter{plural} {names} (known: {known})")
    values = {}
    for name, (kind, default, _) in PARAMETERS.items():
        value = given.get(name, default)
        if isinstance(value, bool) or not isinstance(value, kind):
            got = f"{type(value).__name__}: {value!r}"
            raise ParameterError(f"{notebook}: parameter {name!r} must be {kind.__name__}, got {got}")
        values[name] = value
    year = values["year"]
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        lo, hi = YEAR_RANGE
        raise ParameterError(f"{notebook}: parameter 'year' must be a budget year in {lo}–{hi}, got {year}")
    paths = project_paths(
        values["root"] or None,
        raw_dir=values["raw_dir"],
        processed_dir=values["processed_dir"],
        figures_dir=values["figures_dir"],
    )
    return NotebookParams(notebook=notebook, year=year, paths=paths)


def describe_params(params: NotebookParams) -> ReadingTable:
    """Return the parameters of a run as a small table (shown at the top of each notebook).

    Examples:
        >>> p = validate_params({"year": 2025, "root": "/tmp/bk"}, "01_clean")
        >>> describe_params(p).frame["parameter"].tolist()
        ['notebook', 'year', 'raw', 'processed', 'figures']
    """
    import pandas as pd  # lazy: pandas only for the parameters table


    def shown(path: Path) -> str:
        root = params.paths.root
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()

    rows = [
        ("notebook", params.notebook, NOTEBOOKS[params.notebook]),
        ("year", str(params.year), PARAMETERS["year"][2]),
        ("raw", shown(params.paths.raw_year(params.year)), PARAMETERS["raw_dir"][2]),
        ("processed", shown(params.paths.processed_year(params.year)), PARAMETERS["processed_dir"][2]),
        ("figures", shown(params.paths.figures_year(params.year)), PARAMETERS["figures_dir"][2]),
    ]
    frame = pd.DataFrame(rows, columns=["parameter", "value", "description"])
    labels = {
        "parameter": ("参数", "parameter"),
        "value": ("值", "value"),
        "description": ("说明", "description"),
    }
    return ReadingTable(
        frame,
        caption="本次运行的参数 parameters of this run",
        name=f"{params.notebook}-parameters",
        labels=labels,
    )
