"""What a rule may know about a project besides its rows: year, kind of table, completeness, template, class.

- ``year``: the year the table prints (``projects.year``), not the folder's; ``None`` when unknown.
- ``kind``: ``project`` (target table), ``self_evaluation`` (自评表), ``department`` (部门整体) or
  ``regional`` (区域 table of a transfer payment).
- ``partial``: the table stops early (``projects.status == 'partial'``); a rule needing the whole
  table is not run.
- ``template``: ``2021`` (a level-1 成本指标 or 经济/社会/生态环境成本 groups), ``older`` (成本 under
  产出, or 可持续影响), ``mixed`` (both) or ``''`` (neither shows; 满意度 under 效益 is what R6 judges,
  not a sign of the template).
- ``klass``: ``construction``, ``repair``, ``purchase`` or ``other``, from the project's name and a
  printed 项目类别 (the R4 word lists), never from its goal.

Examples:
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["p"], "project": ["办公楼维修改造"], "year": [2025],
    ...                          "kind": ["project"], "status": ["complete"]})
    >>> inds = pd.DataFrame({"project_id": ["p"], "seq": [1], "level1": ["产出指标"], "level2": ["成本指标"],
    ...                      "indicator": ["维修费用"], "value": ["≤20万元"]})
    >>> ctx = project_contexts(projects, inds)[0]
    >>> ctx.year, ctx.klass, ctx.klass_word, ctx.template, ctx.rows[0].level2
    (2025, 'repair', '维修改造', 'older', '成本指标')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from budgetkit.rules101.catalogue import match_word
from budgetkit.rules101.shapes import Shape, clean, shape, text_key
from budgetkit.vocabulary import lookup

__all__ = ["KLASS_ZH", "ProjectContext", "Row", "level_label", "project_contexts"]

#: The classes of R4 and their Chinese names.
KLASS_ZH = {"construction": "工程基建", "repair": "修缮", "purchase": "购置", "other": "其他"}

_COST_2021 = frozenset({"经济成本指标", "社会成本指标", "生态环境成本指标"})


@dataclass(frozen=True)
class Row:
    """One indicator row, its labels canonical (vocabulary fields) and its value read (:class:`Shape`)."""

    seq: int
    name: str
    value: str
    name_key: str
    value_key: str
    level1: str
    level1_printed: str
    level2: str
    area: str
    kind: str
    op: str
    unit_cell: str
    explanation: str
    standard: str
    weight: float
    shape: Shape


@dataclass(frozen=True)
class ProjectContext:
    """One project table and what the rules may use about it (see the module docstring)."""

    project_id: object
    name: str
    implementing_unit: str
    name_key: str
    unit_key: str
    goal: str
    year: int | None
    kind: str
    partial: bool
    template: str
    klass: str
    klass_word: str
    unit_label: str
    total_wan: float
    annual_wan: float
    columns: str
    rows: tuple[Row, ...]


def level_label(text: object, role: str) -> str:
    """The canonical label (``vocabulary.csv`` field) of a printed level-1 or level-2 cell, else the text.

    Examples:
        >>> level_label("社会效益指标", "level2"), level_label("产出值", "level1"), level_label("", "level1")
        ('社会效益', '产出指标', '')
        >>> level_label("经济成本", "level2"), level_label("质量", "level2"), level_label("成本", "level1")
        ('经济成本指标', '质量指标', '成本指标')
    """
    key = clean(text)
    if not key:
        return ""
    for candidate in (key, key + "指标"):  # 质量 and 经济成本 are printed without 指标 too
        found = lookup(candidate)
        term = found.role(role) if found else None
        if term:
            return term.field
    return key


def _get(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _row(r: dict) -> Row:
    printed1 = _get(r, "level1_printed") if "level1_printed" in r else _get(r, "level1")
    value = _get(r, "value")
    read = shape(text_key(value))
    return Row(
        seq=int(_number(r.get("seq")) if not math.isnan(_number(r.get("seq"))) else 0),
        name=clean(_get(r, "indicator")), value=clean(value),
        name_key=text_key(_get(r, "indicator")), value_key=read.text,
        level1=level_label(_get(r, "level1"), "level1"), level1_printed=level_label(printed1, "level1"),
        level2=level_label(_get(r, "level2_printed") or _get(r, "level2"), "level2"),
        area=_get(r, "area"), kind=_get(r, "kind"), op=clean(_get(r, "op")) or read.op,
        unit_cell=clean(_get(r, "measure_unit")), explanation=clean(_get(r, "explanation")),
        standard=clean(_get(r, "standard")), weight=shape(_get(r, "score")).number, shape=read,
    )


def template_of(rows: tuple[Row, ...]) -> str:
    """``2021``, ``older``, ``mixed`` or ``''`` from the level labels the rows print (see the module)."""
    new = any(r.level1_printed == "成本指标" or r.level2 in _COST_2021 for r in rows)
    old = any((r.level2 == "成本指标" and r.level1 == "产出指标") or r.level2 == "可持续影响" for r in rows)
    return "mixed" if new and old else "2021" if new else "older" if old else ""


def project_class(name: str, category: str = "") -> tuple[str, str]:
    """The R4 class of a project and the word that decided it, from its name and printed 项目类别.

    Examples:
        >>> project_class("兰溪路-真南路下立交工程"), project_class("各类工作经费", "特定目标类")
        (('construction', '工程'), ('other', ''))
    """
    text = text_key(name) + " " + text_key(category)
    for klass in ("construction", "repair", "purchase"):
        word = match_word(klass, text)
        if word:
            return klass, word
    return "other", ""


def project_contexts(projects: pd.DataFrame, indicators: pd.DataFrame,
                     categories: dict[object, str] | None = None) -> list[ProjectContext]:
    """One :class:`ProjectContext` per row of ``projects``, its indicator rows in ``seq`` order.

    Args:
        projects: the projects table (``project_id``; ``year``, ``kind``, ``status``, ``goal`` … when present).
        indicators: the indicators table.
        categories: a printed 项目类别 per project id (from ``header_extras``), if any.
    """
    by_project: dict[object, list[dict]] = {}
    if len(indicators):
        order = indicators.assign(_seq=pd.to_numeric(indicators.get("seq"), errors="coerce"))
        for r in order.sort_values(["_seq"], kind="stable").to_dict("records"):
            by_project.setdefault(r["project_id"], []).append(r)
    out = []
    for p in projects.to_dict("records"):
        rows = tuple(_row(r) for r in by_project.get(p["project_id"], ()))
        year = _number(p.get("year"))
        klass, word = project_class(_get(p, "project"), (categories or {}).get(p["project_id"], ""))
        out.append(ProjectContext(
            project_id=p["project_id"], name=_get(p, "project"), implementing_unit=_get(p, "implementing_unit"),
            name_key=text_key(_get(p, "project")), unit_key=text_key(_get(p, "implementing_unit")),
            goal=clean(_get(p, "goal")), year=None if math.isnan(year) else int(year),
            kind=_get(p, "kind") or "project", partial=_get(p, "status") == "partial",
            template=template_of(rows), klass=klass, klass_word=word, unit_label=_get(p, "unit_label"),
            total_wan=_number(p.get("total_wan")), annual_wan=_number(p.get("annual_total_wan")),
            columns=_get(p, "indicator_columns"), rows=rows,
        ))
    return out
