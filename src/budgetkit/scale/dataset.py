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

import json
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
from budgetkit.model.tables import TABLE_NAMES, Tables, conform
from budgetkit.project.fingerprint import file_digest
from budgetkit.project.paths import project_paths
from budgetkit.read import limits
from budgetkit.scale.batch import FileResult, SkippedFile, file_failure, file_progress, log_progress, map_files
from budgetkit.scale.budget import within_budget

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    import pyarrow.dataset as pads

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

#: Folder of the dataset under ``data/processed``.
DATASET_DIR = "dataset"

#: Tables partitioned by year and source file (what the parser writes).
FILE_TABLES: tuple[str, ...] = TABLE_NAMES

#: Tables partitioned by year only (the analyses of a whole year).
YEAR_TABLES: tuple[str, ...] = ("costs", "terms", "audit")

_PART = "part-0.parquet"
_FILES = "_files"
_STAGING = "_staging"
_ARROW = {"str": "large_string", "int": "int64", "float": "float64", "date": "timestamp[ms]"}
_DUCKDB = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "TIMESTAMP"}


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


def dataset_dir(root: str | Path | None = None) -> Path:
    """The dataset folder of the project at ``root`` (found from here when ``None``)."""
    return project_paths(root).processed / DATASET_DIR


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
    from budgetkit import __version__

    base = Path(dataset)
    files = [Path(p) for p in paths]
    stems = [_source(p) for p in files]
    if len(set(stems)) != len(stems):
        dupes = sorted({s for s in stems if stems.count(s) > 1})
        raise InputError("two files of the year share a name (one partition per file stem)", text=dupes[0])
    _sweep(base, year)
    record = _read_record(base, year)
    digests = {_source(p): {"file": file_name(p), "sha256": file_digest(p), "budgetkit": __version__}
               for p in files}
    todo = [p for p in files
            if force or not _is_whole(base, year, _source(p), record.get(_source(p)), digests[_source(p)])]
    result = DatasetResult(unchanged=len(files) - len(todo))
    before = _sources(base, year)
    if todo:  # a file is recorded again only once all its partitions are in place
        for path in todo:
            record.pop(_source(path), None)
        _write_record(base, year, record)
    seconds = limits.LIMITS.seconds_per_file  # read here: a worker process has the defaults
    outcomes = map_files(partial(_parse_and_write, dataset=base, year=year, seconds=seconds), todo, jobs=jobs,
                         scheduler=scheduler, progress=file_progress(progress))
    for path, outcome in zip(todo, outcomes, strict=True):
        if outcome.error is None:
            result.parsed += 1
            for name, n in outcome.tables.items():
                result.counts[name] = result.counts.get(name, 0) + n
            record[_source(path)] = digests[_source(path)] | {"rows": dict(outcome.tables)}
        else:
            result.skipped.append(SkippedFile(path, outcome.error, outcome.kind))
            record.pop(_source(path), None)
    for stem in _sources(base, year) - {_source(p) for p in files if _source(p) in record}:
        _remove_partition(base, year, stem)
        record.pop(stem, None)
    result.removed = sorted(before - _sources(base, year))
    _write_record(base, year, record)
    _sweep(base, year)
    logger.info("[%s] dataset: %d file(s) parsed, %d unchanged, %d removed, %d skipped", year, result.parsed,
                result.unchanged, len(result.removed), len(result.skipped))
    return result


def _parse_and_write(path: Path, dataset: Path, year: int, seconds: float) -> FileResult:
    """In a worker: parse one file (within ``seconds``) and replace its partitions (its old ones go if it fails)."""
    from budgetkit.parse import parse_file

    try:
        tables = within_budget(seconds, path, partial(parse_file, path, year=year))
    except Exception as exc:  # noqa: BLE001 -- the file boundary: any failure is this file's
        _remove_partition(dataset, year, _source(path))
        return file_failure(path, exc)
    return FileResult(write_partition(tables, dataset, year, _source(path)))


def write_partition(tables: Tables, dataset: str | Path, year: int, source: str) -> dict[str, int]:
    """Replace the partitions of one source file with ``tables``; return the rows written per table.

    Every table's file is first written and synced in a staging folder (``_staging/``); only when all
    are there are they renamed into place, so a kill leaves each partition either old or new, never
    half written, and :func:`write_dataset` records the file only after this returns.
    """
    base = Path(dataset)
    staging = _staging(base, year) / f"source={quote(source, safe='')}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    counts = {}
    for name in FILE_TABLES:
        frame = getattr(tables, name)
        counts[name] = len(frame)
        if len(frame):
            _write_parquet(frame, name, staging / name)
    for name in FILE_TABLES:
        folder = _partition(base, name, year, source)
        if counts[name]:
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name / _PART, folder / _PART)
            _fsync_dir(folder)
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
        folder = _partition(Path(dataset), name, year)
        shutil.rmtree(folder, ignore_errors=True)
        if len(frame):
            written.append(_write_parquet(frame, name, folder))
    return written


def _write_parquet(frame: pd.DataFrame, table: str, folder: Path) -> Path:
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _PART
    staging = folder / f".{_PART}.{os.getpid()}"
    try:
        with open(staging, "wb") as out:
            pq.write_table(_arrow(frame, table), out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    _fsync_dir(folder)
    return path


def _fsync_dir(folder: Path) -> None:
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


def _arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """``frame`` as an Arrow table whose dictionary columns have the dictionary's types."""
    import pyarrow as pa

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


def _source(path: Path) -> str:
    """The partition key of a file: its stem as its owner wrote it (:func:`budgetkit.model.normalize.file_name`)."""
    return Path(file_name(path)).stem


def _partition(base: Path, table: str, year: int, source: str | None = None) -> Path:
    folder = base / table / f"raw_year={year}"
    return folder / f"source={quote(source, safe='')}" if source is not None else folder


def _staging(base: Path, year: int) -> Path:
    return base / _STAGING / f"raw_year={year}"


def _is_whole(base: Path, year: int, source: str, recorded: dict | None, digest: dict) -> bool:
    """Whether ``source`` is recorded from the same bytes and version, with every partition whole.

    Every table's partition must hold the rows recorded (a table with no rows has no partition).
    """
    import pyarrow.parquet as pq

    if not recorded or {k: recorded.get(k) for k in digest} != digest or not isinstance(recorded.get("rows"), dict):
        return False
    for name in FILE_TABLES:
        path = _partition(base, name, year, source) / _PART
        rows = recorded["rows"].get(name, 0)
        try:
            if (pq.read_metadata(path).num_rows if path.is_file() else 0) != rows:
                return False
        except (OSError, ValueError):  # a torn or foreign file
            return False
    return True


def _sweep(base: Path, year: int) -> None:
    """Remove what an interrupted run left: the year's staging folder and temporary files."""
    shutil.rmtree(_staging(base, year), ignore_errors=True)
    for name in FILE_TABLES:
        folder = _partition(base, name, year)
        if folder.is_dir():
            for stray in folder.glob(f"*/.{_PART}.*"):
                stray.unlink(missing_ok=True)
    _record_path(base, year).with_suffix(".json.tmp").unlink(missing_ok=True)


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


def _remove_partition(base: Path, year: int, source: str) -> None:
    for name in FILE_TABLES:
        shutil.rmtree(_partition(base, name, year, source), ignore_errors=True)


def _sources(base: Path, year: int) -> set[str]:
    from urllib.parse import unquote

    found = set()
    for name in FILE_TABLES:
        folder = _partition(base, name, year)
        if folder.is_dir():
            found |= {unquote(p.name.removeprefix("source=")) for p in folder.iterdir() if p.is_dir()}
    return found


def _record_path(base: Path, year: int) -> Path:
    return base / _FILES / f"raw_year={year}.json"


def _read_record(base: Path, year: int) -> dict[str, dict]:
    path = _record_path(base, year)
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("%s unreadable: every file of %s is parsed again", path, year)
        return {}


def _write_record(base: Path, year: int, record: dict[str, dict]) -> None:
    path = _record_path(base, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".json.tmp")
    with open(staging, "w", encoding="utf-8") as out:
        out.write(json.dumps(dict(sorted(record.items())), ensure_ascii=False, indent=1) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(staging, path)
    _fsync_dir(path.parent)


# --- reading ---------------------------------------------------------------------------------------------


def open_dataset(table: str, dataset: str | Path | None = None) -> pads.Dataset:
    """A lazy :class:`pyarrow.dataset.Dataset` over one table of the dataset (nothing is read yet).

    The partition columns ``raw_year`` (int) and, for per-file tables, ``source``
    come with the table's own columns; filter on them to read only some partitions.

    Raises:
        InputError: the table has no partition yet.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    folder = (Path(dataset) if dataset is not None else dataset_dir()) / table
    parts = sorted(folder.rglob(_PART)) if folder.is_dir() else []
    if not parts:
        raise InputError(f"no {table} in the dataset (write it first)", path=folder)
    keys = [pa.field("raw_year", pa.int32())]
    if table not in YEAR_TABLES:
        keys.append(pa.field("source", pa.string()))
    partitioning = ds.partitioning(pa.schema(keys), flavor="hive")
    schema = pa.unify_schemas([ds.dataset(parts[0], format="parquet").schema, pa.schema(keys)])
    return ds.dataset(folder, format="parquet", partitioning=partitioning, schema=schema,
                      exclude_invalid_files=False)


def read_table(
    table: str,
    dataset: str | Path | None = None,
    *,
    years: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read one table of the dataset (some ``years`` and ``columns`` only, when given), typed.

    Examples:
        >>> import tempfile
        >>> base = Path(tempfile.mkdtemp())
        >>> audit = pd.DataFrame({"project_id": ["a#01"], "rule": ["x"]})
        >>> _ = write_year_tables({"audit": audit}, base, 2024)
        >>> read_table("audit", base, years=[2024], columns=["project_id", "raw_year"]).values.tolist()
        [['a#01', 2024]]
    """
    import pyarrow.dataset as ds

    base = Path(dataset) if dataset is not None else dataset_dir()
    if not (base / table).is_dir() and table_columns(table):
        return conform(pd.DataFrame(), table)  # no file gave the table a row yet (header_extras often)
    data = open_dataset(table, dataset)
    where = ds.field("raw_year").isin(list(years)) if years is not None else None
    frame = data.to_table(columns=list(columns) if columns is not None else None, filter=where).to_pandas()
    frame = frame.astype({c: "str" for c in frame.columns if frame[c].dtype == object})
    return conform(frame, table) if columns is None and table_columns(table) else frame


def connect(
    root: str | Path | None = None, *, dataset: str | Path | None = None, database: str = ":memory:"
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per table of the dataset, and views for comparisons.

    Views: ``documents``, ``projects``, ``indicators``, ``unparsed`` (with the partition
    columns ``raw_year`` and ``source``), ``costs``, ``terms``, ``audit`` (with
    ``raw_year``); a table with no data yet is an empty view with the dictionary's
    columns. Two views join them for comparisons: ``budget_by_unit`` (projects and
    总额 per year, department and implementing unit) and ``unit_costs`` (every
    unit-cost target in 元 with its project, unit and year). Nothing is loaded: a
    query reads only the partitions and columns it needs.

    Args:
        root: the project root (default: found from here); the dataset is its
            ``data/processed/dataset``.
        dataset: the dataset folder, instead of the project's.
        database: DuckDB database (default in memory; a file keeps the views).

    Examples:
        >>> import tempfile
        >>> con = connect(dataset=Path(tempfile.mkdtemp()))
        >>> con.sql("SELECT count(*) FROM indicators").fetchall()
        [(0,)]
        >>> views = con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
        >>> [v for (v,) in views]  # doctest: +NORMALIZE_WHITESPACE
        ['audit', 'budget_by_unit', 'costs', 'documents', 'header_extras', 'indicators', 'projects', 'terms',
         'unit_costs', 'unparsed']
    """
    import duckdb

    base = Path(dataset) if dataset is not None else dataset_dir(root)
    con = duckdb.connect(database)
    for table in (*FILE_TABLES, *YEAR_TABLES):
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {_view_sql(base, table)}")
    con.execute(_BUDGET_BY_UNIT)
    con.execute(_UNIT_COSTS)
    return con


def _view_sql(base: Path, table: str) -> str:
    """The view of one table: its dictionary columns and the partition keys, over every partition.

    Every partition file holds the dictionary's columns with the dictionary's types
    (:func:`_arrow`), so DuckDB reads the schema of one file instead of unifying the
    schemas of thousands; a column outside the dictionary stays in the files (for
    :func:`open_dataset`) but not in the view.
    """
    keys = {"raw_year": "INTEGER"} | ({} if table in YEAR_TABLES else {"source": "VARCHAR"})
    kinds = dtypes(table) or {"project_id": "str"}
    folder = base / table
    if folder.is_dir() and next(folder.rglob(_PART), None) is not None:
        glob = _sql_text((folder / "**" / _PART).as_posix())
        types = ", ".join(f"{_sql_text(k)}: {v}" for k, v in keys.items())
        names = ", ".join(_sql_name(c) for c in [*kinds, *keys])
        return (f"SELECT {names} FROM read_parquet({glob}, hive_partitioning = true, "
                f"hive_types = {{{types}}})")
    cols = [f"CAST(NULL AS {_DUCKDB[k]}) AS {_sql_name(c)}" for c, k in kinds.items()]
    cols += [f"CAST(NULL AS {t}) AS {k}" for k, t in keys.items()]
    return f"SELECT {', '.join(cols)} WHERE false"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_BUDGET_BY_UNIT = """
CREATE OR REPLACE VIEW budget_by_unit AS
SELECT raw_year, year, department, implementing_unit,
       count(*) AS projects, sum(total_wan) AS total_wan
FROM projects
GROUP BY ALL
"""

_UNIT_COSTS = """
CREATE OR REPLACE VIEW unit_costs AS
SELECT i.raw_year, p.year, p.department, i.implementing_unit, i.project_id, i.project,
       i.level2, i.indicator, i.value, i.per_unit, i.value_yuan, i.source_file
FROM indicators AS i
LEFT JOIN projects AS p USING (raw_year, source, project_id)
WHERE i.kind = 'rate' AND i.value_yuan IS NOT NULL
"""
