"""What every page's navigation needs, and the run manifests: light (no pandas), for a no-change rebuild.

A build that finds nothing to do decides so from the manifests and this map
alone, without importing the page machinery of :mod:`budgetkit.report.site`.

Examples:
    >>> SiteMap(years=(2024, 2025), built=frozenset({2025}), compare=False).signature()
    '2024-,2025'
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.project.paths import ProjectPaths
from budgetkit.report.params import COMPARE_NOTEBOOK

__all__ = ["MANIFEST", "SiteMap", "load_manifest", "page_signature", "site_map"]

#: The file of a year's (or the comparison's) run manifest.
MANIFEST = "run_manifest.json"
COMPARE_DIR = "compare"
_SITE_META = re.compile(r'<meta name="budgetkit-site" content="([^"]*)">')


@dataclass(frozen=True)
class SiteMap:
    """What every page's navigation needs.

    Attributes:
        years: every year present (a raw folder or reports), ascending.
        built: the years with pages (a manifest under ``reports/<year>/``).
        compare: whether the comparison page exists (or is being built).
        skipped: ``{year: reason}`` for the years not built (an empty folder).
    """

    years: tuple[int, ...]
    built: frozenset[int]
    compare: bool = False
    skipped: dict[int, str] = field(default_factory=dict)

    def signature(self) -> str:
        """A short text that changes when the navigation would."""
        return ",".join(str(y) + ("" if y in self.built else "-") for y in self.years) + (
            ";compare" if self.compare else ""
        )


def load_manifest(folder: Path) -> dict:
    """The ``run_manifest.json`` in ``folder``, or ``{}``."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def site_map(
    paths: ProjectPaths,
    building: list[int] | None = None,
    compare: bool | None = None,
    skipped: dict[int, str] | None = None,
) -> SiteMap:
    """The navigation of the tree: every year with a raw folder or reports, and those being built."""
    building = building or []
    built = set(paths.report_years()) | set(building)
    years = tuple(sorted(set(paths.years()) | built))
    has_compare = (
        (paths.reports / COMPARE_DIR / f"{COMPARE_NOTEBOOK}.html").is_file() if compare is None else compare
    )
    return SiteMap(years=years, built=frozenset(built), compare=has_compare, skipped=dict(skipped or {}))


def page_signature(reports: Path) -> str:
    """The :meth:`SiteMap.signature` a year's pages were written with ('' when unknown)."""
    index = reports / "index.html"
    if not index.is_file():
        return ""
    found = _SITE_META.search(index.read_text(encoding="utf-8", errors="replace"))
    return html.unescape(found.group(1)) if found else ""
