"""The field dictionary: every output column with its Chinese and English name, type and unit.

The dictionary is data (``metadata/fields.csv``), the single source of truth for
column order, types, the data dictionary written beside the tables and the
Chinese headers shown in the notebooks.

Every CSV budgetkit writes holds the values of its Parquet twin, except that a text cell a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR; ``=100%``, ``=116人``, the
comparator ``=``) is written after a tab (:mod:`budgetkit.model.csvsafe`, ``metadata/csv_formula.csv``);
plain numbers and numeric columns are not touched, and :func:`budgetkit.model.csvsafe.read_csv` reads the
values back as printed.

Examples:
    >>> fields = load_fields()
    >>> fields.loc[fields["name"] == "total_wan", ["zh", "unit"]].iloc[0].tolist()
    ['项目总额', '万元']
    >>> columns("unparsed")
    ['source_file', 'line', 'page', 'address', 'project_id', 'text', 'reason']
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["columns", "dtypes", "load_fields", "read_metadata", "zh_headers"]


@cache
def read_metadata(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``metadata/<name>.csv``, the vocabularies the package reads as data.

    Examples:
        >>> read_metadata("vocabulary")[0]["term"]
        '绩效目标表'
    """
    with resources.files("budgetkit").joinpath(f"metadata/{name}.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@cache
def _fields() -> pd.DataFrame:
    with resources.files("budgetkit").joinpath("metadata/fields.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_fields() -> pd.DataFrame:
    """Return the field dictionary: columns table, name, zh, en, dtype, unit, description."""
    return _fields().copy()


def columns(table: str) -> list[str]:
    """Return the columns of ``table`` (documents, projects, indicators, unparsed) in order."""
    return [name for name, _ in _schema(table)]


def dtypes(table: str) -> dict[str, str]:
    """Return ``{column: dtype}`` of ``table`` as named in the dictionary (str, int, float, date)."""
    return dict(_schema(table))


@cache
def _schema(table: str) -> tuple[tuple[str, str], ...]:
    """``(name, dtype)`` of the columns of ``table``, read once (the tables are conformed thousands of times)."""
    fields = _fields()
    sub = fields[fields["table"] == table]
    return tuple(zip(sub["name"], sub["dtype"], strict=True))


def zh_headers(table: str) -> dict[str, str]:
    """Return ``{column: "中文名 (unit)"}`` for showing ``table`` with Chinese headers.

    Examples:
        >>> zh_headers("projects")["total_wan"]
        '项目总额（万元）'
    """
    fields = _fields()
    sub = fields[fields["table"] == table]
    return {
        name: f"{zh}（{unit}）" if unit else zh
        for name, zh, unit in zip(sub["name"], sub["zh"], sub["unit"], strict=True)
    }
