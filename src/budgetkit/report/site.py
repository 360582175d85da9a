"""The report site under ``reports/``: an index, a summary per year, the notebook pages, a page per project.

::

    reports/index.html                    every year present, with its summary and status
    reports/<year>/index.html             the year's summary, its pages, its projects, skipped files
    reports/<year>/01_clean.html …        the executed notebooks (code hidden)
    reports/<year>/projects/<slug>.html   one project: budget, priced terms, findings, indicators
    reports/compare/05_compare.html       the comparison across years

Every page has the same navigation bar (index, the year's pages, the other
years, the comparison), a title, the department and year, and the time and
inputs of the run (from the year's ``run_manifest.json``). The pages of a year
are written by :func:`write_year_pages` into whatever folder holds the year's
executed notebooks (the build's staging folder), so they are swapped in with
the year's tables.

Each kind of page has a module of its own: :mod:`~budgetkit.report.year_pages` (a year's index and notebook
pages, the comparison's page), :mod:`~budgetkit.report.project_pages` (a page per project),
:mod:`~budgetkit.report.site_index` (the index of years), :mod:`~budgetkit.report.reference_pages` (the field
dictionary and the rules), all framed by :mod:`~budgetkit.report.site_parts` (navigation, run line, banners).
This module gathers their public names.

Examples:
    >>> project_slug("nx-federation-2025#01"), project_slug("宁夏总工会#02")
    ('nx-federation-2025-01', 'p-02-c94892c1')
"""

from __future__ import annotations

from budgetkit.report.project_pages import project_notes as _project_notes
from budgetkit.report.project_pages import source_place
from budgetkit.report.reference_pages import write_reference_pages
from budgetkit.report.site_index import write_index
from budgetkit.report.site_parts import COMPARE_DIR, project_slug
from budgetkit.report.site_parts import skipped_banner as _skipped_banner
from budgetkit.report.sitemap import MANIFEST, SiteMap, load_manifest
from budgetkit.report.year_pages import write_compare_page, write_year_pages

__all__ = [
    "COMPARE_DIR",
    "MANIFEST",
    "SiteMap",
    "_project_notes",
    "_skipped_banner",
    "load_manifest",
    "project_slug",
    "source_place",
    "write_compare_page",
    "write_index",
    "write_reference_pages",
    "write_year_pages",
]
