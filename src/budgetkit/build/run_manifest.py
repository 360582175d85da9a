"""What a run records: its result, the manifest's parts (inputs, row counts, summary, files skipped)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from budgetkit.errors import InputError
from budgetkit.project.fingerprint import Fingerprint, file_digest
from budgetkit.project.paths import ProjectPaths
from budgetkit.project.stage import Stage, write_atomic
from budgetkit.report.failures import DUPLICATE, NO_TABLE, split_skipped

logger = logging.getLogger(__name__)


sha256 = file_digest


COUNTED = ("documents", "projects", "indicators", "unparsed", "skipped", "costs", "terms", "audit")


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
        manifest: the run manifest written (or, when nothing ran, the one in place).
        current: the notebooks not run because their inputs had not changed.
        reason: why the notebooks that ran had to (``raw file changed: a.txt`` …), or why none did.
    """

    name: str
    status: str = "ok"
    notebooks: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
    skipped: list[dict] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    current: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def no_table(self) -> list[dict]:
        """The skipped files that were read and hold no target table (an information, not a failure)."""
        return [s for s in split_skipped(self.skipped)[0] if s.get("error") == NO_TABLE]

    @property
    def duplicates(self) -> list[dict]:
        """The files not read because another format of the same document was (an information)."""
        return [s for s in split_skipped(self.skipped)[0] if s.get("error") == DUPLICATE]

    @property
    def unreadable(self) -> list[dict]:
        """The skipped files that could not be read."""
        return split_skipped(self.skipped)[1]

    @property
    def up_to_date(self) -> bool:
        """Nothing ran: every notebook was current and its outputs in place."""
        return bool(self.current) and not self.notebooks


def row_counts(folder: Path) -> dict[str, int]:
    """Rows of each counted table of the year's folder (the manifest's ``row_counts``)."""
    import pandas as pd  # lazy: pandas, only once a year ran

    counts = {}
    for name in COUNTED:
        path = folder / f"{name}.parquet"
        if path.is_file():
            counts[name] = len(pd.read_parquet(path, columns=[]))
    return counts


def year_summary(folder: Path) -> dict:
    """The year's summary for the manifest (:func:`~budgetkit.report.summarize.summarize_year`); ``{}`` if none."""
    from budgetkit.model.tables import read_frame  # lazy: the tables' readers, only once a year ran
    from budgetkit.report.summarize import summarize_year  # lazy: pandas, only once a year ran

    frames = {}
    for name in ("projects", "indicators", "costs", "audit"):
        try:
            frames[name] = read_frame(folder, name)
        except InputError:
            frames[name] = None
    if frames["projects"] is None or frames["indicators"] is None:
        return {}
    return summarize_year(frames["projects"], frames["indicators"], frames["costs"], frames["audit"])


def skipped_files(folder: Path) -> list[dict]:
    """The files of the year not read, as 01_clean wrote them (``skipped.parquet``)."""
    import pandas as pd  # lazy: pandas, only once a year ran

    path = folder / "skipped.parquet"
    return pd.read_parquet(path).fillna("").to_dict("records") if path.is_file() else []


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``run_manifest.json`` into ``folder`` atomically."""
    write_atomic(folder / "run_manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def live_path(stage: Stage, path: Path) -> Path:
    """Where a file of the staging root will be once the stage is swapped in."""
    return stage.live.root / path.relative_to(stage.root)


def manifest_inputs(paths: ProjectPaths, files: list[Path], prints: Fingerprint) -> list[dict]:
    """The manifest's ``inputs``: each file with its size and sha256 (taken from the fingerprint)."""
    return [
        {"file": paths.relative(p), "bytes": p.stat().st_size, "sha256": prints.parts[f"raw:{p.name}"]}
        for p in files
    ]
