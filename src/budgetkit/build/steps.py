"""The steps of the notebooks: one function per cell, so the notebooks stay thin.

Each function takes the validated :class:`~budgetkit.report.params.NotebookParams`
(or the table an earlier step returned), does one thing, writes what it
produces under the year's folders and returns something a notebook shows: a
:class:`~budgetkit.report.display.ReadingTable` (full text, Chinese headers from
the field dictionary, every column the dictionary defines that holds a value)
or a :class:`~budgetkit.report.plots.SavedFigure` (the figure, shown as the PNG it was
saved to). This module gathers them in one namespace (``from budgetkit.build import steps``);
each notebook's steps live in a module of their own (:mod:`~budgetkit.build.clean_steps`,
:mod:`~budgetkit.build.cost_steps`, :mod:`~budgetkit.build.audit_steps`,
:mod:`~budgetkit.build.figure_steps`, :mod:`~budgetkit.build.compare_steps`; the paths they share in
:mod:`~budgetkit.build.step_io`). A plain script can call the same functions in the same order
(``benchmarks/bench.py`` does, to measure what the notebook layer costs).

=============  =====================================================================
notebook       steps
=============  =====================================================================
01_clean       :func:`clean_year`, :func:`show_counts`, :func:`show_skipped`,
               :func:`show_quality`, :func:`show_projects`, :func:`show_indicators`,
               :func:`show_unparsed`
02_costs       :func:`reconcile_year`, :func:`show_cost_status`, :func:`show_costs`,
               :func:`show_terms`, :func:`achievement_year`, :func:`show_achievement`
03_audit       :func:`audit_year`, :func:`show_audit_summary`, :func:`show_qualitative`,
               :func:`show_findings`
04_figures     :func:`figure_budget`, :func:`figure_costs`, :func:`figure_unit_costs`,
               :func:`figure_qualitative`, :func:`figure_audit`
05_compare     :func:`compare_budgets`, :func:`compare_unit_costs`, :func:`figure_compare`,
               :func:`figure_compare_unit_costs`
=============  =====================================================================

Examples:
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> from budgetkit.report.params import validate_params
    >>> root = Path(tempfile.mkdtemp())
    >>> seed = Path(__file__).resolve().parents[3] / "data/raw/2025"
    >>> _ = shutil.copytree(seed, root / "data/raw/2025")
    >>> params = validate_params({"year": 2025, "root": str(root)}, "01_clean")
    >>> tables = clean_year(params)
    >>> show_counts(tables).frame["rows"].tolist()
    [1, 11, 144, 0, 0]
    >>> costs = reconcile_year(params)
    >>> costs.loc[0, ["implied_wan", "budget_wan"]].astype(float).tolist(), costs.loc[0, "status"]
    ([886.86, 886.8], 'closes')
"""

from __future__ import annotations

from budgetkit.build.audit_steps import (  # noqa: F401  (the notebooks call steps.<name>)
    audit_year,
    partial_note,
    show_audit_summary,
    show_findings,
    show_findings_by_department,
    show_qualitative,
)
from budgetkit.build.clean_steps import (  # noqa: F401  (the notebooks call steps.<name>)
    clean_year,
    duplicate_reason,
    file_progress,
    log_progress,
    read_year,
    reader_columns,
    show_counts,
    show_indicators,
    show_projects,
    show_quality,
    show_skipped,
    show_unparsed,
)
from budgetkit.build.compare_steps import (  # noqa: F401  (the notebooks call steps.<name>)
    LINKS_FILE,
    compare_across_publishers,
    compare_budgets,
    compare_target_changes,
    compare_unit_costs,
    figure_compare,
    figure_compare_unit_costs,
    show_links,
)
from budgetkit.build.cost_steps import (  # noqa: F401  (the notebooks call steps.<name>)
    achievement_year,
    reconcile_year,
    show_achievement,
    show_cost_status,
    show_costs,
    show_terms,
)
from budgetkit.build.figure_steps import (  # noqa: F401  (the notebooks call steps.<name>)
    draw_figure,
    figure_audit,
    figure_budget,
    figure_costs,
    figure_qualitative,
    figure_unit_costs,
)
from budgetkit.build.step_io import (  # noqa: F401  (the notebooks call steps.<name>)
    COMPARE_DIR,
    downloads,
    load_year,
)

__all__ = [
    "achievement_year",
    "audit_year",
    "clean_year",
    "compare_budgets",
    "compare_unit_costs",
    "downloads",
    "figure_audit",
    "figure_budget",
    "figure_compare",
    "figure_compare_unit_costs",
    "figure_costs",
    "figure_qualitative",
    "figure_unit_costs",
    "file_progress",
    "load_year",
    "read_year",
    "reconcile_year",
    "show_achievement",
    "show_audit_summary",
    "show_cost_status",
    "show_costs",
    "show_counts",
    "show_findings",
    "show_findings_by_department",
    "show_indicators",
    "show_projects",
    "show_qualitative",
    "show_quality",
    "show_skipped",
    "show_terms",
    "show_unparsed",
]
