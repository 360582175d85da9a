"""The indicators of a project as the pricing strategies see them: normalised once, with their dimensions.

An indicator row of the indicators table becomes an :class:`Indicator`: its unit and denominator with their
dimensions (``metadata/units.csv``), the quantity its name prints, whether it is a cost target (a money or
rate value under a cost label, :data:`COST_LABELS`) or a count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from budgetkit.analyse.indicator_names import indicator_key
from budgetkit.analyse.wan import as_text, fmt_num, isnan, to_float
from budgetkit.model.normalize import normalize_text
from budgetkit.model.tables import indicator_order
from budgetkit.vocab.name_quantity import quantity_in_name, value_unit_first, value_with_name_unit
from budgetkit.vocab.units import (
    DIMENSION,
    DURATION_DIMENSIONS,
    UNITS_LONGEST_FIRST,
    count_factor,
    norm_unit,
    unit_dimension,
)

__all__ = ["COST_LABELS", "Indicator", "indicators_by_project"]


#: Level-2 labels (and the level-1 label of newer templates) that hold cost targets.
COST_LABELS: frozenset[str] = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})


_APPROXIMATE_QUALIFIERS = frozenset({"约", "以上", "以下", "不少于", "不超过", "大于", "小于"})


_INDICATOR_TEXT = ("indicator", "value", "kind", "op", "qualifier", "unit", "per_unit", "level1", "level2")


@dataclass(frozen=True)
class Indicator:
    """One indicator row, normalised for pricing; ``pos`` (order in the project) identifies it."""

    pos: int
    seq: int | None
    level1: str
    level2: str
    name: str
    value: str
    kind: str
    op: str
    qualifier: str
    num: float
    unit: str
    unit_dim: str
    per_unit: str
    per_dim: str
    value_yuan: float
    per_capita: bool
    item_dim: str
    #: The time part of a compound denominator (``780元/生/年`` → ``year``), else ``""``.
    per_time: str = ""
    #: The quantity the name prints (``防疫室84平米`` → 84, 平米, area), else NaN and ``""``.
    name_num: float = math.nan
    name_unit: str = ""
    name_dim: str = ""
    #: How many of its dimension's base unit one ``unit`` / ``per_unit`` is (万人 → 10000 人), from units.csv.
    unit_factor: float = 1.0
    per_factor: float = 1.0
    #: A cost target with an amount in 元 (under a cost label, kind ``rate``/``money``, ``value_yuan`` set).
    is_cost: bool = field(init=False)
    #: A count with a number.
    is_count: bool = field(init=False)

    def __post_init__(self) -> None:
        in_cost = self.level2 in COST_LABELS or self.level1 in COST_LABELS
        is_cost = in_cost and self.kind in {"rate", "money"} and not isnan(self.value_yuan)
        object.__setattr__(self, "is_cost", is_cost)
        object.__setattr__(self, "is_count", self.kind == "count" and not isnan(self.num))

    @property
    def shown(self) -> str:
        """Number and unit as used in the arithmetic, e.g. ``200户``."""
        return f"{fmt_num(self.num)}{self.unit}"

    @property
    def approximate(self) -> bool:
        """Whether the number is a bound or an approximation (≥, ≤, >, <, ≈, 约, 以上 …)."""
        return bool(self.op and self.op != "=") or self.qualifier in _APPROXIMATE_QUALIFIERS


def indicators_by_project(indicators: pd.DataFrame) -> dict[object, list[Indicator]]:
    """Every project's indicators as the strategies see them, in one pass over the frame.

    Projects come in order of first appearance, each project's rows sorted by ``seq``
    (stable, missing ``seq`` last), ``pos`` counting from 0 in that order. Text columns
    are normalised once per distinct value, not once per row.
    """
    if indicators.empty:
        return {}
    codes, uniques = pd.factorize(indicators["project_id"], use_na_sentinel=False)
    seq = _floats(indicators, "seq")
    order = indicator_order(indicators)
    text = {name: _texts(indicators, name) for name in _INDICATOR_TEXT}
    numbers = {name: _floats(indicators, name).tolist() for name in ("num", "value_yuan")}
    seqs = seq.tolist()
    keys = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    out: dict[object, list[Indicator]] = {}
    for i in order.tolist():
        inds = out.setdefault(keys[codes[i]], [])
        inds.append(_indicator(
            len(inds), seqs[i], text["indicator"][i], text["value"][i], text["kind"][i], text["op"][i],
            text["qualifier"][i], numbers["num"][i], text["unit"][i], text["per_unit"][i],
            numbers["value_yuan"][i], text["level1"][i], text["level2"][i],
        ))
    return out


def _indicator(
    pos: int, seq: float, name: str, value: str, kind: str, op: str, qualifier: str, num: float,
    unit: str, per_unit: str, value_yuan: float, level1: str, level2: str,
) -> Indicator:
    if kind not in {"money", "rate"}:
        first = value_unit_first(value)
        if first is not None:  # 万元≤184.94: the unit printed before the number
            kind, op, qualifier, num, unit = first.kind, first.op or "", first.qualifier or "", first.num, first.unit
            per_unit, value_yuan = first.per_unit or "", to_float(first.value_yuan)
    if not norm_unit(unit):
        named = value_with_name_unit(name, value)
        if named is not None:  # 开展培训(次) | 4: the unit is the name's
            kind, op, qualifier, num, unit = named.kind, named.op or "", named.qualifier or "", named.num, named.unit
            per_unit, value_yuan = named.per_unit or "", to_float(named.value_yuan)
            num = to_float(num)
    qualifier = _norm_strip(qualifier)
    unit = norm_unit(unit)
    per_unit = norm_unit(per_unit)
    key = indicator_key(name)
    per_capita = qualifier == "人均" or "人均" in key
    per_first, per_time = _split_per(per_unit)
    per_dim = unit_dimension(per_first) if per_first else ""
    if not per_dim and qualifier == "人均":
        per_dim = "person"
    in_name = quantity_in_name(name)
    return Indicator(
        pos=pos,
        seq=None if math.isnan(seq) else int(seq),
        level1=_label(level1),
        level2=_label(level2),
        name=name,
        value=value,
        kind=kind.strip(),
        op=_norm_strip(op),
        qualifier=qualifier,
        num=num,
        unit=unit,
        unit_dim=unit_dimension(unit) if unit else "",
        per_unit=per_unit,
        per_dim=per_dim,
        value_yuan=value_yuan,
        per_capita=per_capita,
        item_dim=_item_dim(key, qualifier),
        per_time=per_time,
        name_num=in_name[0] if in_name else math.nan,
        name_unit=in_name[1] if in_name else "",
        name_dim=unit_dimension(in_name[1]) if in_name else "",
        unit_factor=count_factor(unit),
        per_factor=count_factor(per_first),
    )


@lru_cache(maxsize=1 << 12)
def _split_per(per_unit: str) -> tuple[str, str]:
    """A denominator and the duration it is per: ``生/年`` → ``('生', 'year')``, ``人*月`` → ``('人', 'month')``.

    A plain denominator is its own first part (``户`` → ``('户', '')``); a bare duration stays one (``年``).
    """
    parts = [p for p in re.split(r"[/*·×]", per_unit or "") if p]
    if len(parts) == 1 and per_unit not in DIMENSION:  # 人月, 人天 printed without a separator
        head = next((u for u in UNITS_LONGEST_FIRST if per_unit.startswith(u) and per_unit[len(u):] in DIMENSION), "")
        parts = [head, per_unit[len(head):]] if head else parts
    if len(parts) < 2:
        return per_unit or "", ""
    time = unit_dimension(parts[-1])
    return parts[0], time if time in DURATION_DIMENSIONS else ""


@lru_cache(maxsize=1 << 17)
def _item_dim(key: str, qualifier: str) -> str:
    """The dimension X of a 每X… name or qualifier (每项 → item), or ``""``."""
    for word, unit in (("人均", "人"), ("户均", "户"), ("生均", "生")):  # 人均培训成本 ≤1947元: per head
        if word in key or qualifier == word:
            return DIMENSION[unit]
    for source in (key, qualifier):
        if source.startswith("每"):
            rest = source[1:]
            unit_word = next((u for u in UNITS_LONGEST_FIRST if rest.startswith(u)), "")
            if unit_word:
                return DIMENSION[unit_word]
    return ""


def _texts(frame: pd.DataFrame, name: str) -> list[str]:
    """Column ``name`` as text (``""`` for missing values or a missing column), one conversion per value."""
    if name not in frame.columns:
        return [""] * len(frame)
    codes, uniques = pd.factorize(frame[name])
    table = [as_text(u) for u in uniques] + [""]  # code -1 (missing) → ""
    return [table[c] for c in codes.tolist()]


def _floats(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as floats (NaN for what is not a number, or a missing column)."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    return np.array([to_float(v) for v in column], dtype="float64")


@lru_cache(maxsize=1 << 12)
def _label(value: str) -> str:
    return re.sub(r"\s+", "", normalize_text(value))


@lru_cache(maxsize=1 << 12)
def _norm_strip(value: str) -> str:
    return normalize_text(value).strip()
