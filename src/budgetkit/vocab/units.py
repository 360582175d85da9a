"""The one unit registry: ``metadata/units.csv`` read once, and what every stage asks of a unit.

Each row of ``units.csv`` is a unit as printed (户, 万元, 个月, ㎡ …) with its kind (money, percent, count),
English name, factor to 元 (money), the time it measures (day, week, month, year), its dimension (户 and
家庭 are both ``household``) and its factor to its dimension's base unit (万人 is 10 000 人). Nothing else in
the package spells a unit's factor or dimension: the value parser (:mod:`budgetkit.vocab.values`), the
amount parser (:mod:`budgetkit.vocab.amounts`), the quantities in names and the cost reconciliation ask here.

Examples:
    >>> load_units()["万元"]["yuan_factor"], money_scale()["亿元"]
    ('10000', 10000.0)
    >>> unit_dimension("户"), unit_dimension("⼾"), unit_dimension("个月"), unit_dimension("吨")
    ('household', 'household', 'month', '吨')
    >>> count_factor("万人"), count_factor("人"), unit_kind("%"), unit_kind("斤斤")
    (10000.0, 1.0, 'percent', '')
"""

from __future__ import annotations

from functools import cache, lru_cache

from budgetkit.model.fields import read_metadata
from budgetkit.model.normalize import normalize_text

__all__ = [
    "DIMENSION",
    "DURATION_DIMENSIONS",
    "UNITS_LONGEST_FIRST",
    "UNIT_DIMENSIONS",
    "VARIANTS",
    "count_factor",
    "load_units",
    "money_scale",
    "norm_unit",
    "unit_dimension",
    "unit_kind",
    "yuan_factor",
]

#: Traditional forms printed in units that NFKC keeps (⼾ → 戶 → 户).
VARIANTS = str.maketrans({"戶": "户"})


@cache
def load_units() -> dict[str, dict[str, str]]:
    """Return the unit vocabulary ``{unit: {kind, en, yuan_factor, time, dimension, count_factor}}``.

    Examples:
        >>> load_units()["万元"]["yuan_factor"]
        '10000'
        >>> load_units()["个月"]["time"]
        'month'
    """
    return {row["unit"]: row for row in read_metadata("units")}


@cache
def money_scale() -> dict[str, float]:
    """Each money unit of ``metadata/units.csv`` with its factor to 万元.

    Examples:
        >>> money_scale()["亿元"], money_scale()["元"]
        (10000.0, 0.0001)
    """
    return {row["unit"]: float(row["yuan_factor"]) / 1e4 for row in read_metadata("units") if row["kind"] == "money"}


def _unit_dimensions() -> tuple[tuple[str, str, str], ...]:
    """``(unit, dimension, English name)`` of every unit of ``metadata/units.csv`` with a dimension."""
    rows = read_metadata("units")
    return tuple((r["unit"], r["dimension"], r["en"]) for r in rows if r.get("dimension"))


#: Unit → dimension (and English name), from ``metadata/units.csv`` (its ``dimension`` column, the one home of
#: unit synonyms: 户/家庭, 次/场/期, 平方米/㎡/平米, 人/名/生 …). A quantity target pairs with a rate whose
#: denominator has the same dimension; a unit not listed is its own dimension.
UNIT_DIMENSIONS: tuple[tuple[str, str, str], ...] = _unit_dimensions()

#: Dimensions that are durations (the ``time`` column of ``units.csv``: day, week, month, year): counts in them
#: multiply rates per day/week/month/year.
DURATION_DIMENSIONS: frozenset[str] = frozenset(r["time"] for r in read_metadata("units") if r.get("time"))

#: Unit → dimension.
DIMENSION: dict[str, str] = {unit: dim for unit, dim, _ in UNIT_DIMENSIONS}

#: The units with a dimension, longest first (for matching a unit at the start of a text).
UNITS_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(DIMENSION, key=len, reverse=True))


@lru_cache(maxsize=1 << 12)
def norm_unit(unit: str) -> str:
    """A unit as ``units.csv`` spells it: NFKC, stripped, 戶 → 户 (``""`` for what is not text).

    Examples:
        >>> norm_unit(" ⼾ "), norm_unit(None)
        ('户', '')
    """
    return normalize_text(unit or "").strip().translate(VARIANTS) if isinstance(unit, str) else ""


def unit_dimension(unit: str) -> str:
    """Return the dimension of a unit (see :data:`UNIT_DIMENSIONS`), or ``unit:<unit>`` if unknown.

    A count unit of ``metadata/units.csv`` with no synonym is its own dimension (吨 → 吨).

    Examples:
        >>> unit_dimension("户"), unit_dimension("⼾"), unit_dimension("个月"), unit_dimension("吨")
        ('household', 'household', 'month', '吨')
    """
    unit = norm_unit(unit)
    return DIMENSION.get(unit, f"unit:{unit}") if unit else ""


def count_factor(unit: str) -> float:
    """How many base units one ``unit`` is (``count_factor`` of units.csv: 万人 → 10000), else 1.

    Examples:
        >>> count_factor("万人"), count_factor("")
        (10000.0, 1.0)
    """
    factor = load_units().get(unit or "", {}).get("count_factor") or ""
    return float(factor) if factor else 1.0


def yuan_factor(unit: str) -> float:
    """How many 元 one money ``unit`` is (``yuan_factor`` of units.csv: 万元 → 10000.0).

    Raises:
        KeyError: ``unit`` is not a money unit of ``units.csv``.

    Examples:
        >>> yuan_factor("万元"), yuan_factor("元")
        (10000.0, 1.0)
    """
    factor = load_units()[unit].get("yuan_factor")
    if not factor:
        raise KeyError(f"metadata/units.csv gives {unit!r} no yuan_factor")
    return float(factor)


def unit_kind(unit: str) -> str:
    """The kind ``metadata/units.csv`` gives ``unit`` (money, percent, count), ``""`` when it is not listed.

    Examples:
        >>> unit_kind("万元"), unit_kind("户")
        ('money', 'count')
    """
    return load_units().get(unit, {}).get("kind", "")
