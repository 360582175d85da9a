"""Compare years: the same project or unit-cost target found in each year, and how it changed.

Names carry their year (``2024年监测费用``, ``2025年度职工疗休养``), so they are
matched after :func:`strip_year` and :func:`budgetkit.reconcile.indicator_key`
(NFKC, no punctuation). Projects are matched by implementing unit and name,
unit costs by implementing unit, indicator name and denominator (元/户 is never
compared with 元/人). The change is that between the last two years present.

Examples:
    >>> projects = pd.DataFrame({"year": [2024, 2025], "implementing_unit": ["总工会", "总工会"],
    ...                          "project": ["2024年监测费用", "2025年监测费用"], "total_wan": [10.0, 12.5]})
    >>> table = compare_projects(projects)
    >>> table[["project", "y2024", "y2025", "change", "change_pct"]].values.tolist()
    [['监测费用', 10.0, 12.5, 2.5, 25.0]]
"""

from __future__ import annotations

import re

import pandas as pd

from budgetkit.reconcile import indicator_key

__all__ = ["compare_projects", "compare_rates", "strip_year", "year_columns"]

_YEAR = re.compile(r"[（(]?(?:19|20)\d{2}\s*(?:[-—~～至]\s*(?:19|20)?\d{2,4}\s*)?(?:年度|年)?[）)]?")


def strip_year(name: object) -> str:
    """The name without the years in it, so one project or target is found in every year.

    Examples:
        >>> strip_year("2024年监测费用"), strip_year("2025年度职工疗休养（2025）")
        ('监测费用', '职工疗休养')
        >>> strip_year("2021-2025年规划")
        '规划'
        >>> strip_year("培训200人次")
        '培训200人次'
    """
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name)
    stripped = _YEAR.sub("", text).strip(" 　-—_·、，,")
    return stripped or text


def year_columns(years: list[int]) -> list[str]:
    """Column names of the per-year values (``y2024`` …).

    Examples:
        >>> year_columns([2024, 2025])
        ['y2024', 'y2025']
    """
    return [f"y{y}" for y in years]


def _with_change(table: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    cols = year_columns(years)
    table = table.rename(columns=dict(zip(years, cols, strict=True)))
    if len(cols) >= 2:
        before, after = table[cols[-2]], table[cols[-1]]
        table["change"] = after - before
        table["change_pct"] = (after - before) / before.where(before != 0) * 100
    else:
        table["change"] = float("nan")
        table["change_pct"] = float("nan")
    return table


def compare_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """Budget (``total_wan``) of each project in each year, matched by unit and name without its year.

    Returns:
        Columns implementing_unit, project (year taken out), ``y<year>`` per year (万元), change (万元,
        last year minus the one before) and change_pct (% of the one before); largest change first.
    """
    frame = projects.assign(
        project=projects["project"].map(strip_year),
        _unit=projects["implementing_unit"].fillna("").map(indicator_key),
    )
    frame["_key"] = frame["project"].map(indicator_key)
    years = sorted(int(y) for y in frame["year"].dropna().unique())
    table = frame.pivot_table(index=["_unit", "_key"], columns="year", values="total_wan", aggfunc="sum")
    names = frame.groupby(["_unit", "_key"])[["implementing_unit", "project"]].last()
    table = names.join(table).reset_index(drop=True)
    table = _with_change(table, years)
    order = table["change"].abs().sort_values(ascending=False, na_position="last").index
    return table.loc[order].reset_index(drop=True)


def compare_rates(indicators: pd.DataFrame) -> pd.DataFrame:
    """Unit-cost targets (元 per 户, 人 …) in each year, matched by unit, name without year and denominator.

    Args:
        indicators: indicators of several years with a ``year`` column.

    Returns:
        Columns implementing_unit, indicator (year taken out), per_unit, ``y<year>`` per year (元),
        change (元) and change_pct.

    Examples:
        >>> inds = pd.DataFrame({"year": [2024, 2025, 2025], "implementing_unit": ["甲"] * 3,
        ...                      "indicator": ["2024年补助标准", "2025年补助标准", "慰问标准"],
        ...                      "kind": ["rate"] * 3, "value_yuan": [3000.0, 3250.0, 500.0],
        ...                      "per_unit": ["户", "户", "人"]})
        >>> compare_rates(inds)[["indicator", "per_unit", "y2024", "y2025", "change"]].values.tolist()
        [['补助标准', '户', 3000.0, 3250.0, 250.0], ['慰问标准', '人', nan, 500.0, nan]]
    """
    rates = indicators[indicators["kind"].eq("rate") & indicators["value_yuan"].notna()]
    rates = rates.assign(
        indicator=rates["indicator"].map(strip_year),
        per_unit=rates["per_unit"].fillna(""),
        _unit=rates["implementing_unit"].fillna("").map(indicator_key),
    )
    rates["_key"] = rates["indicator"].map(indicator_key)
    years = sorted(int(y) for y in rates["year"].dropna().unique())
    keys = ["_unit", "_key", "per_unit"]
    table = rates.pivot_table(index=keys, columns="year", values="value_yuan", aggfunc="first")
    names = rates.groupby(keys)[["implementing_unit", "indicator"]].last()
    table = names.join(table).reset_index()
    table = table[["implementing_unit", "indicator", "per_unit", *years]]
    table = _with_change(table, years)
    order = table["change"].abs().sort_values(ascending=False, na_position="last").index
    return table.loc[order].reset_index(drop=True)
