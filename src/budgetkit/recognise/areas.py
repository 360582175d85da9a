"""Per-area targets: one value per area column, as printed under each or cut from values run together.

A section may print one target column per area (a ``区域目标值`` column over the areas, or place names as column
heads). :func:`_spread_areas` gives each area its value; a comparator printed once for all areas opens each.

Examples:
    >>> from budgetkit.recognise.align import Column
    >>> cols = [Column("area_value", a, 0, a) for a in ("西坪镇", "埭头镇", "笏石街道")]
    >>> _spread_areas([("西坪镇", "1"), ("埭头镇", "2"), ("笏石街道", "3")], cols, None)
    [('西坪镇', '1'), ('埭头镇', '2'), ('笏石街道', '3')]
    >>> _spread_areas([("西坪镇", "≥90%95%100%")], cols, None)
    [('西坪镇', '≥90%'), ('埭头镇', '95%'), ('笏石街道', '100%')]
"""

from __future__ import annotations

from collections.abc import Sequence

from budgetkit.model import rules
from budgetkit.recognise.align import Column
from budgetkit.recognise.compose import _COMPARATOR_ONLY_RE, _COMPARATORS, _VALUE_TOKEN_RE

__all__: list[str] = []


def _spread_areas(areas: list[tuple[str | None, str]], columns: Sequence[Column], nature: str | None,
                  direction: bool = False) -> list[tuple[str, str]]:
    """One value per area: as printed under each area column, or cut from values run together.

    A comparator printed once for all areas (in a 指标方向 column, or glued to the first area's target where the
    section has that column: ``≤100%100%``, ``≥11``) opens every area's target.

    Examples:
        >>> cols = [Column("area_value", a, 0, a) for a in ("笏石街道办", "埭头镇")]
        >>> _spread_areas([("笏石街道办", "≤100%"), ("埭头镇", "100%")], cols, None, direction=True)
        [('笏石街道办', '≤100%'), ('埭头镇', '≤100%')]
        >>> _spread_areas([("笏石街道办", "≥11")], cols, None, direction=True)
        [('笏石街道办', '≥1'), ('埭头镇', '≥1')]
    """
    if direction and not nature:
        nature, areas = _comparator_once(areas, len(columns))
    pairs = _area_pairs([c.area for c in columns], [v for _, v in areas if v])
    if pairs is None:
        return [(a or "", v) for a, v in areas if v]
    return [(name or "", _opened(v, nature)) for name, v in pairs]


def _comparator_once(areas: list[tuple[str | None, str]], n: int
                     ) -> tuple[str | None, list[tuple[str | None, str]]]:
    """The comparator glued to the first area's target alone (``≤100%100%``), cut off it; else ``None``.

    Reading rule ``areas.comparator-once``.

    Examples:
        >>> _comparator_once([("a", ""), ("b", "≥11")], 2)
        ('≥', [('a', ''), ('b', '11')])
        >>> _comparator_once([("a", "≥1"), ("b", "≥1")], 2)
        (None, [('a', '≥1'), ('b', '≥1')])
    """
    printed = [v for _, v in areas if v]
    glued = next((c for c in sorted(_COMPARATORS, key=len, reverse=True) if printed and printed[0].startswith(c)),
                 None)
    if not glued or len(printed) >= n + 1 or any(v.startswith(_COMPARATORS) for v in printed[1:]) \
            or not rules.enabled("areas.comparator-once"):
        return None, areas
    first = next(k for k, (_, v) in enumerate(areas) if v)
    return glued, [(a, v[len(glued) :] if k == first else v) for k, (a, v) in enumerate(areas)]


def _area_pairs(names: Sequence[str | None], printed: Sequence[str]) -> list[tuple[str | None, str]] | None:
    """Each area with its value: one printed under each, else cut from the values run together; else ``None``.

    Reading rules ``areas.cut-run-together``, ``areas.one-digit-each``.
    """
    if len(printed) == len(names):
        return list(zip(names, printed, strict=True))
    joined = "".join(printed)
    found = _VALUE_TOKEN_RE.findall(joined)
    if len(found) == len(names) and "".join(found) == joined and rules.enabled("areas.cut-run-together"):
        return list(zip(names, found, strict=True))
    if joined.isdigit() and len(joined) == len(names) and rules.enabled("areas.one-digit-each"):
        return list(zip(names, list(joined), strict=True))  # one digit per area, run together
    return None


def _opened(v: str, nature: str | None) -> str:
    """``v`` opened by the comparator printed once for all areas (unless it prints its own).

    Reading rule ``areas.comparator-for-all``.
    """
    if nature and _COMPARATOR_ONLY_RE.match(nature) and not v.startswith(_COMPARATORS) \
            and rules.enabled("areas.comparator-for-all"):
        return nature + v
    return v
