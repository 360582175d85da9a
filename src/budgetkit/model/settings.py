"""The reading's thresholds and costs: one validated settings object (issue 22).

Every number a reading rule weighs — how far a rule may sit from a cell side, how many blank lines part two
pages, what the aligner charges for a row with no value — is a row of ``metadata/reading_settings.csv``: its
name, value, kind (``int`` or ``float``), the range it may take, its unit, the module constant it sets
(``site``) and what it means. :func:`reading_settings` reads the file once and checks every row (the kind
parses, the value lies in its range, no name twice); a bad row is a :class:`~budgetkit.errors.ParameterError`
naming its line. A module takes its constants from here by name (``_TOL = setting("pdf.rule-tolerance")``), as
pdfplumber's ``TableSettings`` and PUDL's frozen parameter models hold theirs in one checked place.

Examples:
    >>> setting("pdf.rule-tolerance")
    2.0
    >>> setting("tables.page-break-lines")
    2
    >>> reading_settings()["align.missing-value"].unit
    'cost'
    >>> setting("no.such-setting")
    Traceback (most recent call last):
    ...
    budgetkit.errors.ParameterError: unknown reading setting (not in metadata/reading_settings.csv): 'no.such-setting'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from budgetkit.errors import ParameterError
from budgetkit.model.fields import read_metadata

__all__ = ["FILE", "Setting", "check_settings", "reading_settings", "setting"]

#: Where the settings live, as an error names it.
FILE = "metadata/reading_settings.csv"

_KINDS = {"int": int, "float": float}


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of ``metadata/reading_settings.csv``, checked."""

    name: str
    value: int | float
    kind: str
    low: float
    high: float
    unit: str
    site: str
    what: str


def _number(text: str, kind: str, where: str) -> int | float:
    try:
        return _KINDS[kind](text)
    except (KeyError, ValueError):
        raise ParameterError(f"{where}: {text!r} is not a number of kind {kind!r} (int or float)") from None


def check_settings(rows: Iterable[Mapping[str, str]]) -> dict[str, Setting]:
    """The settings of ``rows`` (the CSV's rows) by name, every row checked.

    Examples:
        >>> row = {"name": "a.b", "value": "3", "kind": "int", "low": "0", "high": "5", "unit": "lines",
        ...        "site": "m.py:_B", "what": "…"}
        >>> check_settings([row])["a.b"].value
        3
        >>> check_settings([dict(row, value="9")])
        Traceback (most recent call last):
        ...
        budgetkit.errors.ParameterError: metadata/reading_settings.csv line 2 (a.b): 9 is outside 0 … 5
        >>> check_settings([row, row])
        Traceback (most recent call last):
        ...
        budgetkit.errors.ParameterError: metadata/reading_settings.csv line 3 (a.b): the name stands twice
    """
    out: dict[str, Setting] = {}
    for line, row in enumerate(rows, 2):
        name = (row.get("name") or "").strip()
        where = f"{FILE} line {line} ({name or 'no name'})"
        if not name or not row.get("site") or not row.get("what"):
            raise ParameterError(f"{where}: a setting needs a name, a site and what it means")
        if name in out:
            raise ParameterError(f"{where}: the name stands twice")
        kind = row.get("kind", "")
        value = _number(row.get("value", ""), kind, where)
        low, high = _number(row.get("low", ""), "float", where), _number(row.get("high", ""), "float", where)
        if not low <= value <= high:
            raise ParameterError(f"{where}: {value} is outside {low:g} … {high:g}")
        out[name] = Setting(name, value, kind, low, high, row.get("unit", ""), row["site"], row["what"])
    return out


@cache
def reading_settings() -> Mapping[str, Setting]:
    """Every reading setting by name, read and checked once."""
    return check_settings(read_metadata("reading_settings"))


def setting(name: str) -> int | float:
    """The value of the reading setting ``name``; an unknown name is an error naming it."""
    try:
        return reading_settings()[name].value
    except KeyError:
        raise ParameterError(f"unknown reading setting (not in {FILE}): {name!r}") from None
