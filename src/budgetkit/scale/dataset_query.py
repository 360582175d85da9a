"""Reading the dataset: a lazy Arrow dataset per table, a typed DataFrame, a DuckDB connection with views."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from budgetkit.errors import InputError
from budgetkit.model.fields import columns as table_columns
from budgetkit.model.fields import dtypes
from budgetkit.model.tables import conform

if TYPE_CHECKING:
    import duckdb
    import pyarrow.dataset as pads
from budgetkit.scale.dataset_layout import FILE_TABLES, PART, YEAR_TABLES, dataset_dir

_DUCKDB = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "TIMESTAMP"}


def open_dataset(table: str, dataset: str | Path | None = None) -> pads.Dataset:
    """A lazy :class:`pyarrow.dataset.Dataset` over one table of the dataset (nothing is read yet).

    The partition columns ``raw_year`` (int) and, for per-file tables, ``source``
    come with the table's own columns; filter on them to read only some partitions.

    Raises:
        InputError: the table has no partition yet.
    """
    import pyarrow as pa  # lazy: pyarrow, only when the dataset is read
    import pyarrow.dataset as ds  # lazy: pyarrow, only when the dataset is read

    folder = (Path(dataset) if dataset is not None else dataset_dir()) / table
    parts = sorted(folder.rglob(PART)) if folder.is_dir() else []
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
        >>> from budgetkit.scale.dataset import write_year_tables
        >>> base = Path(tempfile.mkdtemp())
        >>> audit = pd.DataFrame({"project_id": ["a#01"], "rule": ["x"]})
        >>> _ = write_year_tables({"audit": audit}, base, 2024)
        >>> read_table("audit", base, years=[2024], columns=["project_id", "raw_year"]).values.tolist()
        [['a#01', 2024]]
    """
    import pyarrow.dataset as ds  # lazy: pyarrow, only when the dataset is read

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
    import duckdb  # lazy: duckdb, only when a connection is asked for

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
    (:mod:`budgetkit.scale.dataset` writes them so), so DuckDB reads the schema of one file instead of unifying the
    schemas of thousands; a column outside the dictionary stays in the files (for
    :func:`open_dataset`) but not in the view.
    """
    keys = {"raw_year": "INTEGER"} | ({} if table in YEAR_TABLES else {"source": "VARCHAR"})
    kinds = dtypes(table) or {"project_id": "str"}
    folder = base / table
    if folder.is_dir() and next(folder.rglob(PART), None) is not None:
        glob = _sql_text((folder / "**" / PART).as_posix())
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
