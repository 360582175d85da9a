"""A project's money in 万元: its total and the basis of it, and the budget of a list row printed without a unit.

The header reads each amount printed (:mod:`budgetkit.recognise.header`); :func:`finish_amounts` makes the
total from them where none is printed, and :func:`list_amount` puts a list row's bare number in 万元.
"""

from __future__ import annotations

from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.vocab.values import parse_indicator_value

#: The amounts by level of government a total is the sum of (中央, 省级, 市县 …, 其他).
_LEVEL_SOURCES = ("central_wan", "regional_wan", "local_wan")
#: This year's amounts a year's total is the sum of (本级, 上级转移支付).
_ANNUAL_PARTS = ("own_level_wan", "transfer_wan")
#: The parts a total printed blank above 其中:财政拨款 | 其他资金 is the sum of.
_FISCAL_PARTS = ("fiscal_wan", "other_wan")


def list_amount(amount: tuple[float, float | None], indicators: Sequence[dict], scale: list) -> dict:
    """The budget of a list row, whose list prints no unit: the unit its own money target shows.

    ``1681680`` beside a cost target ``<1681680元`` is in 元. Where no target shows it, the
    unit found for an earlier row of the same list is used (``scale`` carries it), else 万元.

    Examples:
        >>> scale = []
        >>> list_amount((1681680.0, None), [{"value": "<1681680元"}], scale), scale
        ({'annual_total_wan': 168.168, 'unit_label': '元'}, [0.0001])
        >>> list_amount((20.0, None), [{"value": "≥95%"}], scale)  # the unit of the row before
        {'annual_total_wan': 0.002, 'unit_label': '元'}
        >>> list_amount((20.0, None), [], [])
        {'annual_total_wan': 20.0, 'unit_label': '万元'}
    """
    number, own = amount
    found = own
    if found is None:
        for row in indicators:
            v = parse_indicator_value(row.get("value") or "")
            if v.num is not None and v.unit in ("元", "万元") and abs(v.num - number) <= 0.005 * number \
                    and rules.enabled("amounts.list-unit-from-target"):
                found = 1e-4 if v.unit == "元" else 1.0
                break
    if found is not None:
        scale[:] = [found]
    factor = found if found is not None else (scale[0] if scale else 1.0)
    return {"annual_total_wan": round(number * factor, 6), "unit_label": "元" if factor == 1e-4 else "万元"}


def finish_amounts(p: dict) -> None:
    """``total_wan``: the project total as printed, else this year's total, else the sum of the sources.

    The sources are the levels of government (中央, 省级, 市县 …, 其他), else the fiscal funds and the others
    (其中:财政拨款, 其他资金). ``total_basis`` says which; a total printed but not an amount stays empty.

    Examples:
        >>> p = {"central_wan": 10.0, "local_wan": 5.5}
        >>> finish_amounts(p); p["total_wan"], p["total_basis"], p["annual_total_wan"]
        (15.5, 'sum of sources', 15.5)
        >>> p = {"total_wan": None, "_total_unreadable": True, "central_wan": 10.0}
        >>> finish_amounts(p); p["total_wan"], "total_basis" in p
        (None, False)
        >>> p = {"fiscal_wan": 8.0, "other_wan": 2.0}
        >>> finish_amounts(p); p["total_wan"], p["total_basis"]
        (10.0, 'sum of sources')
    """
    if p.get("annual_total_wan") is None:
        parts = [p[k] for k in _ANNUAL_PARTS if p.get(k) is not None]
        if parts:
            p["annual_total_wan"] = round(sum(parts), 6)
    unreadable = p.pop("_total_unreadable", False)
    for key in [k for k in p if k.startswith("_") and k.endswith("_unreadable")]:
        p.pop(key)
    if p.get("total_wan") is not None:
        p["total_basis"] = "printed"
    elif unreadable:
        p["total_wan"] = None  # a total is printed but is not an amount: no other amount stands in for it
    elif p.get("annual_total_wan") is not None:
        p["total_wan"], p["total_basis"] = p["annual_total_wan"], "annual total"
    else:
        _total_from_sources(p)


def _total_from_sources(p: dict) -> None:
    """The total of a project that prints none, nor this year's: the sum of its sources (:func:`_sources`)."""
    sources = _sources(p)
    if sources and any(sources) and rules.enabled("amounts.total-from-sources"):
        p["total_wan"], p["total_basis"] = round(sum(sources), 6), "sum of sources"
        p.setdefault("annual_total_wan", p["total_wan"])
        if p["annual_total_wan"] is None:
            p["annual_total_wan"] = p["total_wan"]


def _sources(p: dict) -> list[float]:
    """The amounts a total is the sum of: by level of government and 其他, else 其中:财政拨款 and 其他资金."""
    sources = [p[k] for k in (*_LEVEL_SOURCES, "other_wan") if p.get(k) is not None]
    if not any(p.get(k) for k in _LEVEL_SOURCES) and p.get("fiscal_wan") \
            and rules.enabled("amounts.total-from-fiscal-parts"):
        # the total printed blank above its parts 其中:财政拨款 | 其他资金: the parts make it
        sources = [p[k] for k in _FISCAL_PARTS if p.get(k) is not None]
    return sources
