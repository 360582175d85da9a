"""The tables of every year as one Parquet dataset, read lazily, queried with DuckDB.

A year of a province holds thousands of files and a national collection millions
of tables: more than fits in memory at once. The parsed tables are therefore also
written as a Parquet dataset under ``data/processed/dataset/``, one folder per
table, partitioned Hive-style by the ``data/raw/<year>/`` folder the file came
from and by the file::

    data/processed/dataset/
        projects/raw_year=2025/source=<file stem>/part-0.parquet
        indicators/raw_year=2025/source=<file stem>/part-0.parquet
        documents/…  unparsed/…                      (one partition per source file)
        costs/raw_year=2025/part-0.parquet           (one per year: costs, terms, audit)
        _files/raw_year=2025.json                    (what each source partition was made from)

The partition key is ``raw_year``, not ``year``: ``projects.year`` is the year the
table prints, which may differ from its folder (the parser warns), and a
partition column would hide it. File stems are percent-encoded in folder names
and decoded on reading. Each file's columns are typed by the field dictionary, so
every partition of a table has the same schema. A table with no rows in a file
(``unparsed``, often) has no file there.

- :func:`write_dataset` parses files (on a process pool or Dask, see
  :mod:`budgetkit.scale.batch`) and each worker writes its file's partitions itself,
  so nothing but counts travels back and memory stays bounded whatever the
  number of files. A file parsed from the same bytes by the same budgetkit
  version is not parsed again unless ``force``; the partitions of files gone
  from the year are removed.
- :func:`write_year_tables` writes the per-year analysis tables (``costs``,
  ``terms``, ``audit``).
- :func:`open_dataset` gives a lazy :class:`pyarrow.dataset.Dataset`,
  :func:`read_table` a typed DataFrame of some years or columns.
- :func:`connect` (also ``budgetkit.connect``) returns a DuckDB connection with
  one view per table over the dataset and views for comparisons across years
  and departments.

The layout (partition folders, the per-year record, durable renames) is :mod:`budgetkit.scale.dataset_layout`;
reading and querying is :mod:`budgetkit.scale.dataset_query`. This module writes, and re-exports both's public
names.

Examples:
    >>> import tempfile
    >>> from budgetkit.parse import parse_file
    >>> root = Path(tempfile.mkdtemp())
    >>> seed = Path(__file__).resolve().parents[3] / "data/raw/2025"
    >>> result = write_dataset(sorted(seed.glob("*.txt")), root, 2025, jobs=1, progress=None)
    >>> result.parsed, result.skipped
    (1, [])
    >>> con = connect(dataset=root)
    >>> con.sql("SELECT raw_year, count(*) AS n FROM projects GROUP BY raw_year").fetchall()
    [(2025, 11)]
    >>> con.sql("SELECT count(*) FROM unparsed").fetchall()
    [(0,)]
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd

from budgetkit.errors import InputError, ParameterError
from budgetkit.model.fields import columns as table_columns
from budgetkit.model.fields import dtypes
from budgetkit.model.normalize import file_name
from budgetkit.model.tables import Tables, conform
from budgetkit.project.fingerprint import file_digest
from budgetkit.read import limits
from budgetkit.scale.batch import FileResult, SkippedFile, file_failure, file_progress, log_progress, map_files
from budgetkit.scale.budget import within_budget

if TYPE_CHECKING:
    import pyarrow as pa
from budgetkit.scale.dataset_layout import (
    DATASET_DIR,
    FILE_TABLES,
    PART,
    YEAR_TABLES,
    dataset_dir,
    fsync_dir,
    is_whole,
    partition_dir,
    read_record,
    remove_partition,
    source_key,
    sources,
    staging_dir,
    sweep,
    write_record,
)
from budgetkit.scale.dataset_query import connect, open_dataset, read_table

__all__ = [
    "DATASET_DIR",
    "FILE_TABLES",
    "YEAR_TABLES",
    "DatasetResult",
    "connect",
    "dataset_dir",
    "open_dataset",
    "read_table",
    "remove_years",
    "write_dataset",
    "write_year_tables",
]

logger = logging.getLogger(__name__)

logger = logging.getLogger(__name__)


_ARROW = {"str": "large_string", "int": "int64", "float": "float64", "date": "timestamp[ms]"}


@dataclass
class DatasetResult:
    """What :func:`write_dataset` did for one year.

    Attributes:
        parsed: files parsed and written.
        unchanged: files whose partitions were already made from the same bytes and version.
        removed: sources whose partitions were removed (file gone from the year, or now failing).
        skipped: files whose reading raised anything (their old partitions removed).
        counts: rows written per table, over the files parsed.
    """

    parsed: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# --- writing ------------------------------------------------------------------------------------------------


def write_dataset(
    paths: Sequence[str | Path],
    dataset: str | Path,
    year: int,
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    force: bool = False,
    progress=log_progress,
) -> DatasetResult:
    """Parse the files of ``year`` and write their tables into the dataset at ``dataset``.

    Args:
        paths: every disclosure of the year (partitions of other sources of the year are removed).
        dataset: the dataset folder (see :func:`dataset_dir`).
        year: the ``data/raw/<year>/`` folder year: the ``raw_year`` partition and
            ``parse_file``'s ``year``.
        jobs: worker processes (see :func:`budgetkit.scale.batch.map_files`).
        scheduler: a ``distributed.Client`` or scheduler address, to run on Dask.
        force: parse every file even when its partitions are up to date.
        progress: as in :func:`budgetkit.scale.batch.parse_files`.

    Raises:
        ParameterError: ``year`` is not an int.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise ParameterError(f"year must be an int, not {type(year).__name__}", text=str(year))
    from budgetkit import __version__  # lazy: the package's top imports this module

    base = Path(dataset)
    files = [Path(p) for p in paths]
    stems = [source_key(p) for p in files]
    if len(set(stems)) != len(stems):
        dupes = sorted({s for s in stems if stems.count(s) > 1})
        raise InputError("two files of the year share a name (one partition per file stem)", text=dupes[0])
    sweep(base, year)
    record = read_record(base, year)
    digests = {source_key(p): {"file": file_name(p), "sha256": file_digest(p), "budgetkit": __version__}
               for p in files}
    todo = [p for p in files
            if force or not is_whole(base, year, source_key(p), record.get(source_key(p)), digests[source_key(p)])]
    result = DatasetResult(unchanged=len(files) - len(todo))
    before = sources(base, year)
    if todo:  # a file is recorded again only once all its partitions are in place
        for path in todo:
            record.pop(source_key(path), None)
        write_record(base, year, record)
    seconds = limits.LIMITS.seconds_per_file  # read here: a worker process has the defaults
    outcomes = map_files(partial(_parse_and_write, dataset=base, year=year, seconds=seconds), todo, jobs=jobs,
                         scheduler=scheduler, progress=file_progress(progress))
    for path, outcome in zip(todo, outcomes, strict=True):
        if outcome.error is None:
            result.parsed += 1
            for name, n in outcome.tables.items():
                result.counts[name] = result.counts.get(name, 0) + n
            record[source_key(path)] = digests[source_key(path)] | {"rows": dict(outcome.tables)}
        else:
            result.skipped.append(SkippedFile(path, outcome.error, outcome.kind))
            record.pop(source_key(path), None)
    for stem in sources(base, year) - {source_key(p) for p in files if source_key(p) in record}:
        remove_partition(base, year, stem)
        record.pop(stem, None)
    result.removed = sorted(before - sources(base, year))
    write_record(base, year, record)
    sweep(base, year)
    logger.info("[%s] dataset: %d file(s) parsed, %d unchanged, %d removed, %d skipped", year, result.parsed,
                result.unchanged, len(result.removed), len(result.skipped))
    return result


def _parse_and_write(path: Path, dataset: Path, year: int, seconds: float) -> FileResult:
    """In a worker: parse one file (within ``seconds``) and replace its partitions (its old ones go if it fails)."""
    from budgetkit.parse import parse_file  # lazy: the parser, in the worker process only

    try:
        tables = within_budget(seconds, path, partial(parse_file, path, year=year))
    except Exception as exc:  # noqa: BLE001 -- the file boundary: any failure is this file's
        remove_partition(dataset, year, source_key(path))
        return file_failure(path, exc)
    return FileResult(write_partition(tables, dataset, year, source_key(path)))


def write_partition(tables: Tables, dataset: str | Path, year: int, source: str) -> dict[str, int]:
    """Replace the partitions of one source file with ``tables``; return the rows written per table.

    Every table's file is first written and synced in a staging folder (``staging_dir/``); only when all
    are there are they renamed into place, so a kill leaves each partition either old or new, never
    half written, and :func:`write_dataset` records the file only after this returns.
    """
    base = Path(dataset)
    staging = staging_dir(base, year) / f"source={quote(source, safe='')}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    counts = {}
    for name in FILE_TABLES:
        frame = getattr(tables, name)
        counts[name] = len(frame)
        if len(frame):
            _write_parquet(frame, name, staging / name)
    for name in FILE_TABLES:
        folder = partition_dir(base, name, year, source)
        if counts[name]:
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name / PART, folder / PART)
            fsync_dir(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return counts


def write_year_tables(frames: Mapping[str, pd.DataFrame], dataset: str | Path, year: int) -> list[Path]:
    """Write the year's analysis tables (``costs``, ``terms``, ``audit`` …) as their ``raw_year`` partitions.

    Each frame replaces the year's partition of its table; an empty frame removes it.

    Examples:
        >>> import tempfile
        >>> base = Path(tempfile.mkdtemp())
        >>> [p.relative_to(base).as_posix() for p in write_year_tables({"audit": pd.DataFrame(
        ...     {"project_id": ["a#01"], "rule": ["missing_level1"]})}, base, 2025)]
        ['audit/raw_year=2025/part-0.parquet']
    """
    written = []
    for name, frame in frames.items():
        folder = partition_dir(Path(dataset), name, year)
        shutil.rmtree(folder, ignore_errors=True)
        if len(frame):
            written.append(_write_parquet(frame, name, folder))
    return written


def _write_parquet(frame: pd.DataFrame, table: str, folder: Path) -> Path:
    import pyarrow.parquet as pq  # lazy: pyarrow, only when a table is written

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PART
    staging = folder / f".{PART}.{os.getpid()}"
    try:
        with open(staging, "wb") as out:
            pq.write_table(_arrow(frame, table), out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    fsync_dir(folder)
    return path


def _arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """``frame`` as an Arrow table whose dictionary columns have the dictionary's types."""
    import pyarrow as pa  # lazy: pyarrow, only when a table is written

    if table_columns(table):
        frame = conform(frame, table)
    data = pa.Table.from_pandas(frame, preserve_index=False)
    kinds = dtypes(table)
    schema = pa.schema([
        pa.field(f.name, pa.type_for_alias(_ARROW[kinds[f.name]])) if f.name in kinds else f
        for f in data.schema
    ])
    return data.cast(schema)


# --- layout ----------------------------------------------------------------------------------------------


def remove_years(dataset: str | Path, keep: Sequence[int]) -> list[int]:
    """Remove every partition of the years not in ``keep`` (their ``data/raw`` folder is gone).

    Examples:
        >>> import tempfile
        >>> base = Path(tempfile.mkdtemp())
        >>> _ = write_year_tables({"audit": pd.DataFrame({"project_id": ["a#01"], "rule": ["x"]})}, base, 2023)
        >>> remove_years(base, [2025]), sorted(p.name for p in (base / "audit").iterdir())
        ([2023], [])
    """
    base = Path(dataset)
    gone = set()
    for folder in base.glob("*/raw_year=*"):  # every table's, the staging folder's and the records
        year = re.match(r"raw_year=(\d*)", folder.name).group(1)
        if year and int(year) not in keep:
            gone.add(int(year))
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink(missing_ok=True)
    for year in sorted(gone):
        logger.info("dataset: removed the partitions of %s (no data/raw/%s any more)", year, year)
    return sorted(gone)
