"""A project's attribute and period as the header printed them, read into their parts.

``1-新增项目`` gives the attribute's code and kind, a list of boxes (``新增项目□延续项目√``) the kind ticked,
``3年`` the period in years.
"""

from __future__ import annotations

import re
from functools import cache

from budgetkit.model import rules
from budgetkit.recognise.tick_boxes import ticked_option
from budgetkit.vocab.units import load_units

_ATTRIBUTE_RE = re.compile(r"^(\d+)\s*-\s*(.+)$")


@cache
def _period_re() -> re.Pattern[str]:
    """A period as printed (``3年``): a number of the unit of ``metadata/units.csv`` that measures years."""
    years = "|".join(re.escape(u) for u, row in load_units().items() if row["time"] == "year")
    return re.compile(rf"^(\d+(?:\.\d+)?)\s*(?:{years})$")


def split_attribute(p: dict) -> None:
    """Add ``attribute_code``, ``attribute_kind`` and ``period_years`` to a project record, where printed.

    Examples:
        >>> p = {"attribute": "1-新增项目", "period": "3年"}
        >>> split_attribute(p); p["attribute_code"], p["attribute_kind"], p["period_years"]
        ('1', '新增项目', 3.0)
        >>> p = {"attribute": "新增项目□延续项目√"}
        >>> split_attribute(p); p["attribute_kind"]
        '延续项目'
    """
    if (m := _ATTRIBUTE_RE.match(p.get("attribute") or "")) is not None:
        p["attribute_code"], p["attribute_kind"] = m[1], m[2]
    elif (ticked := ticked_option(p.get("attribute") or "")) is not None and rules.enabled("header.ticked-option"):
        p["attribute_kind"] = ticked
    if (m := _period_re().match(p.get("period") or "")) is not None:
        p["period_years"] = float(m[1])
