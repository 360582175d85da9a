"""Keep the Parquet dataset current from what the build wrote, so ``budgetkit.connect()`` answers at once.

``python -m budgetkit build`` writes each year's tidy tables to ``data/processed/<year>/``;
:func:`sync_year` then writes the same rows into the dataset (``data/processed/dataset/``,
see :mod:`budgetkit.scale.dataset`) without parsing again: each source file's rows as its
partitions (recorded as made from the file's bytes by this budgetkit, so
``budgetkit dataset`` later finds them current), and the year's analyses (``costs``,
``terms``, ``audit``) as the year's partitions. A year whose dataset already holds what
its tables hold is left alone (a build with nothing to do touches no file).

Examples:
    >>> import tempfile, shutil
    >>> from budgetkit.project.paths import ProjectPaths
    >>> repo = Path(__file__).resolve().parents[3]
    >>> paths = ProjectPaths(Path(tempfile.mkdtemp()))
    >>> _ = shutil.copytree(repo / "data/raw/2025", paths.raw_year(2025))
    >>> _ = shutil.copytree(repo / "data/processed/2025", paths.processed_year(2025))
    >>> sync_year(paths, 2025), sync_year(paths, 2025)
    (True, False)
    >>> from budgetkit.scale.dataset import connect
    >>> connect(paths.root).sql("SELECT count(*) FROM projects JOIN costs USING (raw_year, project_id)").fetchall()
    [(11,)]
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from budgetkit.errors import InputError
from budgetkit.model.tables import Tables, read_frame, read_tables
from budgetkit.project.fingerprint import file_digest
from budgetkit.project.paths import ProjectPaths
from budgetkit.scale.dataset import write_partition, write_year_tables
from budgetkit.scale.dataset_layout import (
    DATASET_DIR,
    FILE_TABLES,
    YEAR_TABLES,
    read_record,
    remove_partition,
    sources,
    write_record,
)

__all__ = ["sync_year"]

logger = logging.getLogger(__name__)

_MARK = "_files"


def _tables_mark(processed: Path) -> dict[str, str]:
    """The sha256 of each of the year's table files the dataset is made from."""
    return {p.name: file_digest(p) for name in (*FILE_TABLES, *YEAR_TABLES)
            if (p := processed / f"{name}.parquet").is_file()}


def _mark_path(base: Path, year: int) -> Path:
    return base / _MARK / f"raw_year={year}.tables.json"


def sync_year(paths: ProjectPaths, year: int) -> bool:
    """Write ``data/processed/<year>/``'s tables into the dataset when they changed; return whether it wrote.

    Args:
        paths: the project.
        year: a year whose tidy tables the build wrote.
    """
    from budgetkit import __version__  # lazy: the package's __init__ imports the dataset (budgetkit.connect)

    processed = paths.processed_year(year)
    if not (processed / "projects.parquet").is_file():
        return False
    base = paths.processed / DATASET_DIR
    mark = _tables_mark(processed)
    mark_path = _mark_path(base, year)
    if mark_path.is_file() and json.loads(mark_path.read_text(encoding="utf-8")) == mark:
        return False
    tables = read_tables(processed)
    files = paths.disclosures(year)
    record = read_record(base, year)
    read = set(tables.documents["source_file"]) if "source_file" in tables.documents else set()
    for path in files:
        if path.name not in read:
            remove_partition(base, year, path.stem)
            record.pop(path.stem, None)
            continue
        rows = write_partition(_of_file(tables, path.name), base, year, path.stem)
        record[path.stem] = {"file": path.name, "sha256": file_digest(path), "budgetkit": __version__,
                             "rows": rows}  # what `budgetkit dataset` checks each partition against
    for stem in sources(base, year) - {p.stem for p in files if p.stem in record}:
        remove_partition(base, year, stem)
        record.pop(stem, None)
    write_record(base, year, record)
    frames = {}
    for name in YEAR_TABLES:
        try:
            frames[name] = read_frame(processed, name)
        except InputError:  # an analysis not written this year: its partition goes
            frames[name] = pd.DataFrame()
    write_year_tables(frames, base, year)
    mark_path.parent.mkdir(parents=True, exist_ok=True)
    mark_path.write_text(json.dumps(mark, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    logger.info("[%s] dataset: %d file(s) written to %s", year, len(read), paths.relative(base))
    return True


def _of_file(tables: Tables, name: str) -> Tables:
    """The rows of one source file in every file table."""
    parts = {}
    for table in FILE_TABLES:
        frame = getattr(tables, table)
        parts[table] = (frame[frame["source_file"] == name].reset_index(drop=True)
                        if "source_file" in frame.columns else frame.iloc[:0])
    return Tables(**parts)
