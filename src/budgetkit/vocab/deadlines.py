"""The shapes a deadline target is printed in (2025年12月底前, 2025年1-12月, 12月初, 2024.12.31前, 每月20日前).

Each shape is a pattern and how its date is read: the last day of a month for 底/末 and for a month alone, the
10th and 20th for 初/上旬 and 中/中旬, the 31 December for a year; a word of before (前, 以内, 为止), a range
or an end of period makes the comparator ``≤``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re

__all__ = ["deadline_fields"]

logger = logging.getLogger(__name__)

_BEFORE = r"(?P<before>前|之前|以前|内|之内|为止)?"
_DEADLINE_RES = (
    # 2025年12月20日前
    ("day", re.compile(rf"^(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})[日号]{_BEFORE}$")),
    # 2025年1-12月, 2025年1月至12月
    (
        "range",
        re.compile(
            rf"^(?P<y>\d{{4}})年(?P<m0>\d{{1,2}})月?(?:-|—|~|至|到)(?P<m>\d{{1,2}})月(?P<part>底|末)?{_BEFORE}$"
        ),
    ),
    # 2025年12月底前, 2025年12月, 2025年12月中旬
    (
        "month",
        re.compile(
            rf"^(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月(?:份)?(?P<part>底|末|初|中|上旬|中旬|下旬)?{_BEFORE}$"
        ),
    ),
    # 2025年底前, 2025年内, 2025年度
    ("year", re.compile(rf"^(?P<y>\d{{4}})年(?:度)?(?P<part>底|末|内|年底|年内)?{_BEFORE}$")),
    # 12月底前, 12月初 (the budget year)
    (
        "month_no_year",
        re.compile(rf"^(?P<m>\d{{1,2}})月(?:份)?(?P<part>底|末|初|中|上旬|中旬|下旬)?{_BEFORE}$"),
    ),
    # 年底前, 本年度内, 当年
    ("this_year", re.compile(rf"^(?:本|当|当年|本年)?(?:年度?)(?P<part>底|末|内)?{_BEFORE}$")),
    # 2023.07-2024.01, 2024.1.1-2024.12.31, 2024-01至2024-12: a period given by dates, ending on its last
    (
        "dated_range",
        re.compile(
            r"^\d{4}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?(?:-|—|~|至|到)"
            rf"(?P<y>\d{{4}})[.\-/](?P<m>\d{{1,2}})(?:[.\-/](?P<d>\d{{1,2}}))?{_BEFORE}$"
        ),
    ),
    # 2024.12.31前, 2024-12-31: a date with dots or dashes
    ("dated_day", re.compile(rf"^(?P<y>\d{{4}})[.\-/](?P<m>\d{{1,2}})[.\-/](?P<d>\d{{1,2}}){_BEFORE}$")),
    # 每月20日前: recurring, no single date
    ("monthly", re.compile(rf"^每(?:个)?月(?P<d>\d{{1,2}})[日号]{_BEFORE}$")),
)

#: Day of the month a part of a month stands for (底/末/下旬: the last day).
_MONTH_PART_DAY = {"初": 10, "上旬": 10, "中": 20, "中旬": 20}


def _month_day(year: int, month: int, part: str | None) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, _MONTH_PART_DAY.get(part or "", last))


def deadline_fields(raw: str, s: str, year: int | None) -> dict | None:
    """The fields of a deadline target (op, deadline; a monthly one's day and per_unit), ``None`` when ``s`` is none.

    ``s`` is ``raw`` normalised (see :func:`budgetkit.vocab.values.parse_indicator_value`); ``year`` dates a
    deadline printed without one (``12月底前``).

    Examples:
        >>> deadline_fields("2025年12月底前", "2025年12月底前", None)
        {'op': '≤', 'deadline': datetime.date(2025, 12, 31)}
        >>> deadline_fields("每月20日前", "每月20日前", None)["per_unit"], deadline_fields("200户", "200户", None)
        ('月', None)
    """
    for shape, pattern in _DEADLINE_RES:
        m = pattern.match(s)
        if m is None:
            continue
        groups = m.groupdict()
        before = groups.get("before")
        op = (
            "≤"
            if before or shape in {"range", "dated_range"} or groups.get("part") in {"底", "末", "内", "年底", "年内"}
            else "="
        )
        try:
            if shape in {"day", "dated_day"} or shape == "dated_range" and m["d"]:
                date = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            elif shape == "dated_range":
                date = _month_day(int(m["y"]), int(m["m"]), None)
            elif shape in {"range", "month"}:
                date = _month_day(int(m["y"]), int(m["m"]), groups.get("part"))
            elif shape == "year":
                date, op = dt.date(int(m["y"]), 12, 31), "≤"
            elif shape == "month_no_year":
                date = _month_day(year, int(m["m"]), groups.get("part")) if year else None
            elif shape == "this_year":
                date, op = (dt.date(year, 12, 31) if year else None), "≤"
            else:  # monthly
                return {"op": op, "qualifier": "每月", "num": float(m["d"]), "unit": "日", "per_unit": "月"}
        except ValueError:  # 2025年13月, 2月30日
            logger.debug("not a calendar date: %r", raw)
            return None
        return {"op": op, "deadline": date}
    return None
