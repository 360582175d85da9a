"""Rows: a table as plain Python values (names, records, kinds), what the pages are made of by the thousand."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

_NA, _NAT = pd.NA, pd.NaT


def is_missing(value: object) -> bool:
    """Whether a value is missing: ``None``, ``pd.NA``, ``NaT`` or NaN (a page asks once a cell: text first)."""
    if value.__class__ is str:
        return False
    if value is None or value is _NA or value is _NAT:
        return True
    return isinstance(value, float) and math.isnan(value)


def records_of(frame: pd.DataFrame) -> list[list]:
    """The rows of ``frame`` as lists of Python values (ten times faster than ``itertuples`` on small frames)."""
    return frame.to_numpy(dtype=object).tolist()


def column_kind(dtype: object) -> str:
    """``int``, ``float`` or '' for a column's dtype: how its numbers show when the dictionary does not say."""
    kind = getattr(dtype, "kind", "")
    return "int" if kind in ("i", "u") else "float" if kind == "f" else ""


@dataclass(frozen=True)
class Rows:
    """A table as plain Python values: column names, one sequence of values per row, each column's kind.

    What a :class:`ReadingTable` is made of; pages made by the thousand give it these directly (slicing and
    reading a small DataFrame costs more than writing its page).

    Attributes:
        columns: the column names.
        records: the rows, each a sequence of values in the order of ``columns``.
        kinds: per column ``int``, ``float`` or '' (see :func:`column_kind`); empty: '' for every column.

    Examples:
        >>> rows = Rows.of(pd.DataFrame({"project": ["甲", "乙"], "indicator_count": [14, 3]}))
        >>> rows.kinds, rows.column("indicator_count"), len(rows.select(["project"]).records[0])
        (('', 'int'), [14, 3], 1)
    """

    columns: tuple[str, ...]
    records: Sequence[Sequence[object]]
    kinds: tuple[str, ...] = ()

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Rows:
        """The rows of ``frame`` (its index left out)."""
        return cls(tuple(frame.columns), records_of(frame), tuple(column_kind(t) for t in frame.dtypes))

    @classmethod
    def of_columns(cls, frame: pd.DataFrame) -> Rows:
        """The rows of ``frame``, converted column by column (cheaper than :meth:`of` on wide frames)."""
        values = [frame[c].tolist() for c in frame.columns]
        return cls(tuple(frame.columns), list(zip(*values, strict=True)) if values else [()] * len(frame),
                   tuple(column_kind(t) for t in frame.dtypes))

    def kind(self, k: int) -> str:
        """The kind of column ``k``."""
        return self.kinds[k] if self.kinds else ""

    def column(self, name: str) -> list:
        """The values of one column."""
        k = self.columns.index(name)
        return [record[k] for record in self.records]

    def select(self, names: Sequence[str]) -> Rows:
        """These columns, in this order."""
        at = [self.columns.index(c) for c in names]
        return Rows(tuple(names), [[record[k] for k in at] for record in self.records],
                    tuple(self.kind(k) for k in at))

    def __len__(self) -> int:
        return len(self.records)
