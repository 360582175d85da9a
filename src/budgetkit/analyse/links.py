"""Link the projects of one publisher across years: the same project under a lightly changed name.

Publishers rename projects from year to year: the year in the name moves
(``2024年职工疗休养`` → ``2025年职工疗休养``), a word changes (``经费`` ↔ ``资金``, the
synonyms of ``metadata/compare_words.csv``), one word is added or dropped. :func:`link_projects`
proposes, for each pair of consecutive years and each publisher (``department``), the links between
their projects, scored from

* the **name**: the names without their years and with synonyms folded (:func:`name_key`), compared
  by :func:`difflib.SequenceMatcher` ratio (1 when equal);
* the **implementing unit**: the same unit adds to the score, another takes from it;
* the **budget**: close budgets add to the score (a hint, never enough alone);
* the **targets**, where the indicators are given: a project renamed beyond recognition whose level-3
  names are mostly those of the other is the same project.

Each project is linked at most once per pair of years, best scores first, at or above
:data:`MIN_SCORE`. Every link carries its ``score`` and its ``reason`` in words (名称去掉年份后相同,
经费/资金视为同义, 名称改动 1 处, 实施单位相同, 预算相近 …).

A researcher decides: ``links.csv`` (``from_id``, ``to_id``, ``decision`` = ``confirm`` or ``break``,
``note``) confirms a link the names do not show, or breaks one they show wrongly
(:func:`apply_decisions`).

Examples:
    >>> projects = pd.DataFrame({
    ...     "project_id": ["a#01", "a#02", "b#01", "b#02"], "year": [2024, 2024, 2025, 2025],
    ...     "department": ["总工会"] * 4, "implementing_unit": ["总工会"] * 4,
    ...     "project": ["2024年职工困难帮扶经费", "劳模疗休养", "2025年职工困难帮扶资金", "新项目"],
    ...     "total_wan": [800.0, 20.0, 886.8, 5.0]})
    >>> links = link_projects(projects)
    >>> links[["from_id", "to_id", "reason"]].values.tolist()
    [['a#01', 'b#01', '名称去掉年份后相同（经费/资金视为同义）；实施单位相同；预算相近（+10.8%）']]
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from budgetkit.analyse.compare import name_key, strip_year
from budgetkit.analyse.indicator_names import indicator_key
from budgetkit.model.csvsafe import read_csv

__all__ = ["LINK_COLUMNS", "MIN_SCORE", "apply_decisions", "link_projects", "name_key", "read_decisions"]

#: Links below this score are not proposed (a researcher can still confirm one in ``links.csv``).
MIN_SCORE = 0.65

#: The columns of the links table (and of the ``links.csv`` the comparison writes).
LINK_COLUMNS = ["department", "from_year", "from_id", "from_project", "to_year", "to_id", "to_project",
                "implementing_unit", "from_total_wan", "to_total_wan", "score", "reason", "decision"]

_DECISIONS = ("confirm", "break")


def _edits(a: str, b: str) -> int:
    """How many places two names differ in (runs of characters replaced, added or removed)."""
    return sum(1 for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal")


def _name_part(a: dict, b: dict) -> tuple[float, list[str]]:
    """How alike two projects' names are (0-1), or their targets where the names are not, and why."""
    (ka, fa), (kb, fb) = a["_key"], b["_key"]
    synonym = (fa or fb) and strip_year(a["project"]) != strip_year(b["project"])
    if ka == kb:
        ratio, reasons = 1.0, ["名称去掉年份后相同" + ("（经费/资金视为同义）" if synonym else "")]
    else:
        ratio = difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio()
        edits = _edits(ka, kb)
        reasons = [f"名称相近（相似度 {ratio:.2f}，改动 {edits} 处）" + ("，经费/资金视为同义" if synonym else "")]
        ratio -= 0.1 * max(0, edits - 2)
    targets_a, targets_b = a.get("_targets"), b.get("_targets")
    if isinstance(targets_a, frozenset) and isinstance(targets_b, frozenset) and targets_a and targets_b:
        overlap = len(targets_a & targets_b) / len(targets_a | targets_b)
        if overlap >= 0.6 and 0.6 + 0.3 * overlap > ratio:  # renamed beyond recognition, same targets
            ratio, reasons = 0.6 + 0.3 * overlap, [f"三级指标名称重合 {overlap:.0%}（名称改动较大）"]
    return ratio, reasons


def _score(a: dict, b: dict) -> tuple[float, str]:
    """The score (0-1) of linking project ``a`` (earlier year) to ``b``, and its reason in words.

    0.8 × the name's likeness (:func:`_name_part`), + 0.1 for the same implementing unit (− 0.2 for
    another; 0.05 when either prints none), + 0.1 for budgets within 25% (0.05 when either is missing).
    """
    if not a["_key"][0] or not b["_key"][0]:
        return 0.0, ""
    ratio, reasons = _name_part(a, b)
    score = 0.8 * ratio
    ua, ub = (indicator_key(str(x or "")) for x in (a.get("implementing_unit"), b.get("implementing_unit")))
    if ua and ub and ua == ub:
        score += 0.1
        reasons.append("实施单位相同")
    elif ua and ub:
        score -= 0.2
        reasons.append("实施单位不同")
    else:
        score += 0.05
    ta, tb = a.get("total_wan"), b.get("total_wan")
    if pd.notna(ta) and pd.notna(tb) and ta and tb:
        change = (tb - ta) / ta * 100
        score += 0.1 if abs(change) <= 25 else 0.0
        reasons.append(f"预算相近（{change:+.1f}%）" if abs(change) <= 25 else f"预算变化 {change:+.1f}%")
    else:
        score += 0.05
        reasons.append("预算缺失，未比较")
    return round(max(0.0, min(score, 1.0)), 3), "；".join(reasons)


def _pairs(earlier: pd.DataFrame, later: pd.DataFrame) -> list[dict]:
    """The best one-to-one links between two years' projects of one publisher (greedy, best score first)."""
    a_rows, b_rows = earlier.to_dict("records"), later.to_dict("records")
    scored = []
    for i, a in enumerate(a_rows):
        for j, b in enumerate(b_rows):
            score, reason = _score(a, b)
            if score >= MIN_SCORE:
                scored.append((score, i, j, reason))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_a, used_b, links = set(), set(), []
    for score, i, j, reason in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        links.append(_link(a_rows[i], b_rows[j], score, reason, ""))
    return links


def _link(a: dict, b: dict, score: float, reason: str, decision: str) -> dict:
    return {
        "department": a.get("department") or b.get("department") or "",
        "from_year": int(a["year"]), "from_id": a["project_id"], "from_project": a["project"],
        "to_year": int(b["year"]), "to_id": b["project_id"], "to_project": b["project"],
        "implementing_unit": b.get("implementing_unit") or a.get("implementing_unit") or "",
        "from_total_wan": a.get("total_wan"), "to_total_wan": b.get("total_wan"),
        "score": score, "reason": reason, "decision": decision,
    }


def _prepared(projects: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = projects.copy()
    for col in ("department", "implementing_unit", "total_wan"):
        if col not in frame.columns:
            frame[col] = None
    frame["department"] = frame["department"].fillna("")
    frame["_key"] = frame["project"].map(name_key)
    targets: dict[str, frozenset] = {}
    if indicators is not None and len(indicators) and "project_id" in frame.columns:
        keys = indicators["indicator"].map(lambda n: name_key(n)[0])
        targets = {pid: frozenset(k for k in group if k) for pid, group in keys.groupby(indicators["project_id"])}
    frame["_targets"] = frame["project_id"].map(targets) if "project_id" in frame.columns else None
    return frame[frame["year"].notna()]


def link_projects(projects: pd.DataFrame, decisions: pd.DataFrame | None = None,
                  indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Links between the projects of consecutive years of each publisher (see the module docstring).

    Args:
        projects: the ``projects`` of several years (project_id, year, project; department,
            implementing_unit and total_wan where known).
        decisions: a researcher's ``links.csv`` (:func:`read_decisions`), applied last.
        indicators: their indicators: two projects of one unit whose level-3 names are mostly the same
            (≥ 60% of them) are linked even when the project was renamed beyond recognition.

    Returns:
        One row per link (:data:`LINK_COLUMNS`), by publisher, year and score.
    """
    frame = _prepared(projects, indicators)
    years = sorted(int(y) for y in frame["year"].unique())
    links: list[dict] = []
    for before, after in zip(years, years[1:], strict=False):
        for department, later in frame[frame["year"] == after].groupby("department", sort=True):
            earlier = frame[(frame["year"] == before) & (frame["department"] == department)]
            links += _pairs(earlier, later)
    table = pd.DataFrame(links, columns=LINK_COLUMNS)
    if decisions is not None and len(decisions):
        table = apply_decisions(table, frame, decisions)
    return table.sort_values(["department", "from_year", "score"], ascending=[True, True, False],
                             kind="stable").reset_index(drop=True)


def read_decisions(path: str | Path) -> pd.DataFrame:
    """A researcher's ``links.csv``: rows of ``from_id``, ``to_id``, ``decision`` (confirm or break), ``note``.

    The file the comparison writes (every proposed link) is a valid start: fill in ``decision`` where
    you disagree or agree. Rows without a decision are ignored; a missing file is no decision.

    Examples:
        >>> read_decisions("no-such-file.csv").columns.tolist()
        ['from_id', 'to_id', 'decision', 'note']
    """
    path = Path(path)
    empty = pd.DataFrame(columns=["from_id", "to_id", "decision", "note"])
    if not path.is_file():
        return empty
    frame = read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")  # as written: escape taken off
    for col in empty.columns:
        if col not in frame.columns:
            frame[col] = ""
    frame["decision"] = frame["decision"].str.strip().str.lower()
    return frame[frame["decision"].isin(_DECISIONS)][list(empty.columns)].reset_index(drop=True)


def apply_decisions(links: pd.DataFrame, projects: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``links`` with a researcher's decisions: ``break`` drops a link, ``confirm`` keeps or adds one.

    A confirmed link takes the place of any other link of either project in that pair of years.
    """
    table = links.copy()
    by_id = {r["project_id"]: r for r in _prepared(projects).to_dict("records")}
    for d in decisions.to_dict("records"):
        pair = (table["from_id"] == d["from_id"]) & (table["to_id"] == d["to_id"])
        if d["decision"] == "break":
            table = table[~pair]
            continue
        if pair.any():
            table.loc[pair, ["decision", "reason"]] = ["confirm", table.loc[pair, "reason"].iloc[0] + "；人工确认"]
            continue
        a, b = by_id.get(d["from_id"]), by_id.get(d["to_id"])
        if a is None or b is None:
            continue
        table = table[(table["from_id"] != d["from_id"]) & (table["to_id"] != d["to_id"])]
        reason = "人工确认" + (f"：{d['note']}" if d.get("note") else "")
        table = pd.concat([table, pd.DataFrame([_link(a, b, 1.0, reason, "confirm")])], ignore_index=True)
    return table.reset_index(drop=True)


