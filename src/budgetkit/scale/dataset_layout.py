"""Where the dataset keeps what: a folder per table, Hive partitions by ``raw_year`` and source file.

Also the record of what each source's partitions were made from, and durable renames.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from budgetkit.model.normalize import file_name
from budgetkit.model.tables import TABLE_NAMES
from budgetkit.project.paths import project_paths

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


#: Folder of the dataset under ``data/processed``.
DATASET_DIR = "dataset"

#: Tables partitioned by year and source file (what the parser writes).
FILE_TABLES: tuple[str, ...] = TABLE_NAMES

#: Tables partitioned by year only (the analyses of a whole year).
YEAR_TABLES: tuple[str, ...] = ("costs", "terms", "audit")

PART = "part-0.parquet"
FILES_DIR = "_files"
STAGING_DIR = "staging_dir"


def dataset_dir(root: str | Path | None = None) -> Path:
    """The dataset folder of the project at ``root`` (found from here when ``None``)."""
    return project_paths(root).processed / DATASET_DIR


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def source_key(path: Path) -> str:
    """The partition key of a file: its stem as its owner wrote it (:func:`budgetkit.model.normalize.file_name`)."""
    return Path(file_name(path)).stem


def partition_dir(base: Path, table: str, year: int, source: str | None = None) -> Path:
    """The folder of a table's year partition (of one source's, when ``source``)."""
    folder = base / table / f"raw_year={year}"
    return folder / f"source={quote(source, safe='')}" if source is not None else folder


def staging_dir(base: Path, year: int) -> Path:
    """Where a year's partitions are written before they are renamed into place."""
    return base / STAGING_DIR / f"raw_year={year}"


def is_whole(base: Path, year: int, source: str, recorded: dict | None, digest: dict) -> bool:
    """Whether ``source`` is recorded from the same bytes and version, with every partition whole.

    Every table's partition must hold the rows recorded (a table with no rows has no partition).
    """
    import pyarrow.parquet as pq  # lazy: pyarrow's metadata reader, only to check a partition

    if not recorded or {k: recorded.get(k) for k in digest} != digest or not isinstance(recorded.get("rows"), dict):
        return False
    for name in FILE_TABLES:
        path = partition_dir(base, name, year, source) / PART
        rows = recorded["rows"].get(name, 0)
        try:
            if (pq.read_metadata(path).num_rows if path.is_file() else 0) != rows:
                return False
        except (OSError, ValueError):  # a torn or foreign file
            return False
    return True


def sweep(base: Path, year: int) -> None:
    """Remove what an interrupted run left: the year's staging folder and temporary files."""
    shutil.rmtree(staging_dir(base, year), ignore_errors=True)
    for name in FILE_TABLES:
        folder = partition_dir(base, name, year)
        if folder.is_dir():
            for stray in folder.glob(f"*/.{PART}.*"):
                stray.unlink(missing_ok=True)
    record_path(base, year).with_suffix(".json.tmp").unlink(missing_ok=True)


def remove_partition(base: Path, year: int, source: str) -> None:
    """Remove every table's partition of one source of the year."""
    for name in FILE_TABLES:
        shutil.rmtree(partition_dir(base, name, year, source), ignore_errors=True)


def sources(base: Path, year: int) -> set[str]:
    """The sources of the year that have a partition in any table (decoded)."""
    from urllib.parse import unquote  # lazy: only when the sources are listed

    found = set()
    for name in FILE_TABLES:
        folder = partition_dir(base, name, year)
        if folder.is_dir():
            found |= {unquote(p.name.removeprefix("source=")) for p in folder.iterdir() if p.is_dir()}
    return found


def record_path(base: Path, year: int) -> Path:
    """The record of the year's sources: what each one's partitions were made from."""
    return base / FILES_DIR / f"raw_year={year}.json"


def read_record(base: Path, year: int) -> dict[str, dict]:
    """The year's record (``{}`` when missing or unreadable: every file is parsed again)."""
    path = record_path(base, year)
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("%s unreadable: every file of %s is parsed again", path, year)
        return {}


def write_record(base: Path, year: int, record: dict[str, dict]) -> None:
    """Write the year's record durably (a staging file renamed into place)."""
    path = record_path(base, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".json.tmp")
    with open(staging, "w", encoding="utf-8") as out:
        out.write(json.dumps(dict(sorted(record.items())), ensure_ascii=False, indent=1) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(staging, path)
    fsync_dir(path.parent)


# --- reading ---------------------------------------------------------------------------------------------
