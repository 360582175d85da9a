"""The tidy tables of a disclosure, and how they are written and read back.

A :class:`Tables` holds five DataFrames whose columns are fixed by the field
dictionary (:mod:`budgetkit.model.fields`): ``documents`` (one row per source file),
``projects`` (one per project table), ``indicators`` (one per 三级指标),
``header_extras`` (header labels that map to no field, with their values) and
``unparsed`` (every piece of input that landed in no field). :func:`write_tables` writes
each as UTF-8 CSV and Parquet, plus the field dictionary, all or nothing.

Examples:
    >>> t = Tables.empty()
    >>> [len(t.projects), list(t.unparsed.columns)[:2]]
    [0, ['source_file', 'line']]
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from budgetkit.errors import InputError
from budgetkit.model.csvsafe import escape_frame
from budgetkit.model.fields import columns, dtypes, load_fields

__all__ = [
    "TABLE_NAMES",
    "Tables",
    "concat_tables",
    "conform",
    "indicator_order",
    "read_frame",
    "read_tables",
    "text_of",
    "typed_frame",
    "write_frames",
    "write_tables",
]

logger = logging.getLogger(__name__)

#: The tables of a :class:`Tables`, in writing order.
TABLE_NAMES: tuple[str, ...] = ("documents", "projects", "indicators", "header_extras", "unparsed")

_PANDAS_DTYPES = {"str": "str", "int": "Int64", "float": "float64"}
_RESOLVED_DTYPES = {kind: pd.api.types.pandas_dtype(name) for kind, name in _PANDAS_DTYPES.items()}


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``frame`` with the dictionary's columns of ``table``, in order and typed.

    Missing columns are added empty; columns the dictionary does not know are kept
    at the end (a layout may carry more than the contract).

    Examples:
        >>> conform(pd.DataFrame({"text": ["单位：万元"], "line": [20]}), "unparsed").dtypes["line"]
        Int64Dtype()
    """
    out = frame.copy()
    known = columns(table)
    for name in known:
        if name not in out.columns:
            out[name] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out = out[known + [c for c in out.columns if c not in known]]
    for name, kind in dtypes(table).items():
        if kind == "date":
            out[name] = pd.to_datetime(out[name], errors="coerce")
        elif out[name].dtype != _RESOLVED_DTYPES[kind]:  # a column already of its type is left as it is
            out[name] = out[name].astype(_PANDAS_DTYPES[kind])
    return out.reset_index(drop=True)


def typed_schema(table: str, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """``{column: pandas dtype}`` of ``table`` in the field dictionary (``metadata/fields.csv``).

    For :func:`typed_frame`; ``drop`` leaves out columns another step adds.

    Examples:
        >>> typed_schema("costs")["n_terms"], typed_schema("costs")["gap_wan"]
        ('Int64', 'float64')
        >>> "project" in typed_schema("terms", drop=("project", "implementing_unit"))
        False
    """
    return {name: _PANDAS_DTYPES[kind] for name, kind in dtypes(table).items() if name not in drop}


def indicator_order(indicators: pd.DataFrame) -> np.ndarray:
    """Return the row positions that put ``indicators`` in reading order: by project, then ``seq``.

    Projects in order of first appearance, each project's rows by ``seq`` (stable;
    a missing or non-numeric ``seq`` last): what ``groupby("project_id", sort=False)``
    and a stable ``sort_values("seq")`` per group give, in one sort of the whole frame.

    Examples:
        >>> frame = pd.DataFrame({"project_id": ["b", "a", "b", "a"], "seq": [2, 1, None, 0]})
        >>> indicator_order(frame).tolist()
        [0, 2, 3, 1]
    """
    codes, _ = pd.factorize(indicators["project_id"], use_na_sentinel=False)
    seq = pd.to_numeric(indicators["seq"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    order = np.argsort(np.where(np.isnan(seq), np.inf, seq), kind="stable")
    return order[np.argsort(codes[order], kind="stable")]


def text_of(value: object) -> str:
    """A frame cell as text: ``""`` for a missing value (None, NaN, pd.NA, NaT), else ``str(value)``.

    Examples:
        >>> [text_of(v) for v in (None, float("nan"), pd.NA, pd.NaT, "≥90%", 3)]
        ['', '', '', '', '≥90%', '3']
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # a list or array is no missing value
        pass
    return str(value)


def typed_frame(rows: list[dict[str, object]], schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame of ``rows`` (dicts) with the columns and pandas dtypes of ``schema``, in its order.

    Text columns (``str``) keep missing values missing and turn other values into text;
    a key a row lacks is missing.

    Examples:
        >>> schema = {"a": "str", "n": "int64", "x": "float64"}
        >>> frame = typed_frame([{"a": "甲", "n": 1}, {"a": None, "n": 2}], schema)
        >>> frame["a"].tolist(), frame["n"].dtype.name, frame["x"].isna().all()
        (['甲', nan], 'int64', np.True_)
    """
    data = {}
    for name, dtype in schema.items():
        values = [row.get(name) for row in rows]
        if dtype == "str":
            values = [v if isinstance(v, str) else None if _missing(v) else str(v) for v in values]
        data[name] = pd.array(values, dtype=dtype)
    return pd.DataFrame(data)


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


@dataclass
class Tables:
    """The tidy tables of one or more disclosures.

    Attributes:
        documents: one row per source file (title, notice, publisher, date).
        projects: one row per project table.
        indicators: one row per level-3 indicator, with the parsed 指标值.
        header_extras: header labels not mapped to a field (and second printings), with their values.
        unparsed: every piece of input that landed in no field, with the reason.
    """

    documents: pd.DataFrame
    projects: pd.DataFrame
    indicators: pd.DataFrame
    header_extras: pd.DataFrame
    unparsed: pd.DataFrame

    @classmethod
    def empty(cls) -> Tables:
        """Return tables with the contract's columns and no rows."""
        return cls(**{name: conform(pd.DataFrame(), name) for name in TABLE_NAMES})

    def counts(self) -> dict[str, int]:
        """Return ``{table: number of rows}``."""
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}


def concat_tables(parts: list[Tables]) -> Tables:
    """Stack several :class:`Tables` (e.g. all files of one year) into one.

    Examples:
        >>> concat_tables([Tables.empty(), Tables.empty()]).counts()["projects"]
        0
    """
    if not parts:
        return Tables.empty()
    return Tables(
        **{
            name: conform(pd.concat([getattr(p, name) for p in parts], ignore_index=True), name)
            for name in TABLE_NAMES
        }
    )


def write_tables(tables: Tables, out_dir: str | Path) -> list[Path]:
    """Write ``tables`` to ``out_dir`` as ``<table>.csv`` and ``<table>.parquet``, plus ``fields.csv``.

    Everything is written to a temporary folder first and then moved in file by
    file, so a failure while serialising leaves ``out_dir`` as it was (and does
    not create it). Other files in ``out_dir`` are left alone.

    Args:
        tables: the tables to write.
        out_dir: the folder to write into; created when missing.

    Returns:
        The paths written, in order.
    """
    written = write_frames({name: getattr(tables, name) for name in TABLE_NAMES}, out_dir)
    logger.info("wrote %s to %s", ", ".join(f"{k} {v}" for k, v in tables.counts().items()), out_dir)
    return written


def write_frames(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each frame as ``<name>.csv`` (UTF-8) and ``<name>.parquet`` plus ``fields.csv``, all or nothing.

    Frames named in the field dictionary (``costs``, ``audit`` …) are conformed to it first.

    Examples:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "2025"
        >>> [p.name for p in write_frames({"audit": pd.DataFrame()}, out)]
        ['audit.csv', 'audit.parquet', 'fields.csv']
    """
    out = Path(out_dir)
    parent = out.parent if out.parent != Path("") else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    try:
        names: list[str] = []
        for name, frame in frames.items():
            if columns(name):
                frame = conform(frame, name)
            escape_frame(frame).to_csv(staging / f"{name}.csv", index=False, encoding="utf-8",
                                       date_format="%Y-%m-%d")
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            names += [f"{name}.csv", f"{name}.parquet"]
        escape_frame(load_fields()).to_csv(staging / "fields.csv", index=False, encoding="utf-8")
        names.append("fields.csv")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            os.replace(staging / name, out / name)
            written.append(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def read_frame(out_dir: str | Path, name: str) -> pd.DataFrame:
    """Read back one frame written by :func:`write_frames` (Parquet, types intact).

    Raises:
        InputError: when the file is missing.
    """
    path = Path(out_dir) / f"{name}.parquet"
    if not path.is_file():
        raise InputError(f"no {name} table (run the step that writes it first)", path=path)
    frame = pd.read_parquet(path)
    return conform(frame, name) if columns(name) else frame


def read_tables(out_dir: str | Path) -> Tables:
    """Read back what :func:`write_tables` wrote (from the Parquet files, types intact).

    Raises:
        InputError: when a table file is missing.
    """
    folder = Path(out_dir)
    frames = {}
    for name in TABLE_NAMES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise InputError(f"no {name} table (run the parse step first)", path=path)
        frames[name] = conform(pd.read_parquet(path), name)
    return Tables(**frames)
