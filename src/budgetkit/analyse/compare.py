"""Compare years: the same project or unit-cost target found in each year, and how it changed.

Names carry their year (``2024年监测费用``, ``2025年度职工疗休养``), so they are
matched after :func:`strip_year` and :func:`budgetkit.analyse.reconcile.indicator_key`
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

import difflib
import re
from functools import cache

import pandas as pd

from budgetkit.analyse.indicator_names import indicator_key
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = ["PUBLISHER_COLUMNS", "TARGET_COLUMNS", "compare_projects", "compare_publishers", "compare_rates",
           "compare_targets", "lineages", "name_key", "strip_year",
           "year_columns"]

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


@cache
def _synonyms() -> tuple[tuple[str, str], ...]:
    """``(word, canonical)`` pairs, longest first (``metadata/compare_words.csv``)."""
    rows = [(r["word"], r["same_as"]) for r in read_metadata("compare_words")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def name_key(name: object) -> tuple[str, bool]:
    """The comparable form of a project or target name, and whether a synonym was folded.

    Years out (:func:`strip_year`), mirror-site pinyin out, synonyms folded
    (``metadata/compare_words.csv``), then :func:`budgetkit.analyse.reconcile.indicator_key` (NFKC, no punctuation).

    Examples:
        >>> name_key("2025年职工困难帮扶资金")
        ('职工困难帮扶经费', True)
        >>> name_key("（2024年度）劳模疗休养")
        ('劳模疗休养', False)
    """
    text = strip_year(PINYIN_RE.sub("", "" if name is None else str(name)))
    folded = False
    for word, same in _synonyms():
        if word in text:
            text, folded = text.replace(word, same), True
    return indicator_key(text), folded


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


def lineages(projects: pd.DataFrame, links: pd.DataFrame | None) -> pd.Series:
    """Per project (by ``project_id``), the id of its line of projects across years: its earliest linked one.

    Without links, projects are lined up by implementing unit and name without its year (and synonyms
    folded, see :func:`budgetkit.analyse.links.name_key`).

    Examples:
        >>> p = pd.DataFrame({"project_id": ["a", "b", "c"], "year": [2024, 2025, 2025],
        ...                   "implementing_unit": ["u"] * 3, "project": ["2024年甲", "2025年甲", "乙"]})
        >>> lineages(p, None).tolist()
        ['a', 'a', 'c']
        >>> lineages(p, pd.DataFrame({"from_id": ["a"], "to_id": ["c"]})).tolist()
        ['a', 'b', 'a']
    """
    ids = projects["project_id"].astype(str)
    parent = dict(zip(ids, ids, strict=True))
    if links is None:
        units = projects.get("implementing_unit", pd.Series("", index=projects.index)).fillna("").map(indicator_key)
        keys = [(u, name_key(n)[0]) for u, n in zip(units, projects["project"], strict=True)]
        first: dict[tuple, str] = {}
        order = projects.assign(_k=keys, _id=ids).sort_values("year", kind="stable")
        for key, pid in zip(order["_k"], order["_id"], strict=True):
            parent[pid] = first.setdefault(key, pid)
        return ids.map(parent)
    for a, b in zip(links["from_id"].astype(str), links["to_id"].astype(str), strict=True):
        if a in parent and b in parent:
            parent[b] = a

    def root(pid: str) -> str:
        seen = set()
        while parent[pid] != pid and pid not in seen:
            seen.add(pid)
            pid = parent[pid]
        return pid

    return ids.map(root)


def _with_ids(projects: pd.DataFrame) -> pd.DataFrame:
    if "project_id" in projects.columns:
        return projects
    return projects.assign(project_id=[f"#{i}" for i in range(len(projects))])


def compare_projects(projects: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Budget (``total_wan``) of each project in each year: linked projects in one row.

    Args:
        projects: the projects of several years.
        links: :func:`budgetkit.analyse.links.link_projects` of them; without, projects are matched by
            implementing unit and name without its year.

    Returns:
        Columns implementing_unit, project (the latest name, year taken out), ``y<year>`` per year (万元;
        blank where the project is absent or prints no budget: never 0), change (万元, last year minus the
        one before), change_pct (% of the one before), and with links ``link`` (the names linked and why);
        largest change first.
    """
    frame = _with_ids(projects)
    frame = frame.assign(_line=lineages(frame, links).to_numpy(), project=frame["project"].map(strip_year))
    years = sorted(int(y) for y in frame["year"].dropna().unique())
    table = frame.pivot_table(index="_line", columns="year", values="total_wan", aggfunc="sum", min_count=1,
                              dropna=False)
    table = table.reindex(columns=years)
    latest = frame.sort_values("year", kind="stable").groupby("_line")[["implementing_unit", "project"]].last()
    table = latest.join(table)
    if links is not None:
        why = {}
        line_of = dict(zip(frame["project_id"].astype(str), frame["_line"], strict=True))
        for r in links.to_dict("records"):
            line = line_of.get(str(r["to_id"]))
            if line is not None and strip_year(r["from_project"]) != strip_year(r["to_project"]):
                why[line] = f"{r['from_project']} → {r['to_project']}（{r['reason']}，{r['score']:.2f}）"
        table["link"] = [why.get(line, "") for line in table.index]
    table = _with_change(table.reset_index(drop=True), years)
    order = table["change"].abs().sort_values(ascending=False, na_position="last").index
    return table.loc[order].reset_index(drop=True)


def compare_rates(indicators: pd.DataFrame, lines: pd.Series | None = None) -> pd.DataFrame:
    """Unit-cost targets (元 per 户, 人 …) in each year, matched by unit, name without year and denominator.

    Args:
        indicators: indicators of several years with a ``year`` column.
        lines: per ``project_id``, its line across years (:func:`lineages`): a target is then matched
            within its project's line (two same-name unit costs of two projects of one unit stay apart,
            and a renamed project keeps its targets' history); without it, by implementing unit.

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
    if lines is not None and "project_id" in rates.columns:
        rates["_unit"] = rates["_unit"] + "|" + rates["project_id"].map(lines).fillna(rates["project_id"]).astype(str)
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


@cache
def _change_words() -> dict[str, str]:
    """What changed in a target, by the target's kind (``codes.csv``, table ``compare_targets``)."""
    return {r["code"]: r["zh"] for r in read_metadata("codes") if r["table"] == "compare_targets"}

#: The columns of :func:`compare_targets`.
TARGET_COLUMNS = ["implementing_unit", "project", "level2", "indicator", "kind", "what", "from_year",
                  "from_value", "to_year", "to_value", "from_num", "to_num", "unit", "num_change",
                  "from_indicator", "to_indicator", "from_id", "to_id"]


def _indicator_match(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int | None, int | None]]:
    """Pairs of row positions of the same indicator in two years of one project (``None``: absent).

    Same name without years and synonyms folded first; then the closest name of the same level-2 group
    (similarity ≥ 0.75); the rest are new or dropped.
    """
    keys_a = [name_key(n)[0] for n in before["indicator"]]
    keys_b = [name_key(n)[0] for n in after["indicator"]]
    pairs, used_b, free_a = _same_name_pairs(keys_a, keys_b)
    used_a = set()
    for i, j in _close_name_pairs(keys_a, keys_b, free_a, used_b, _levels(before), _levels(after)):
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j))
    pairs += [(i, None) for i in free_a if i not in used_a]
    pairs += [(None, j) for j in range(len(keys_b)) if j not in used_b]
    return pairs


def _levels(frame: pd.DataFrame) -> list[str]:
    return frame["level2"].fillna("").tolist() if "level2" in frame else [""] * len(frame)


def _same_name_pairs(keys_a: list[str], keys_b: list[str]) -> tuple[list[tuple[int, int]], set[int], list[int]]:
    """Rows of the two years whose keys are equal, in order: ``(pairs, rows of b used, rows of a left)``."""
    pairs, used_b, free_a = [], set(), []
    for i, k in enumerate(keys_a):
        j = next((j for j, kb in enumerate(keys_b) if kb == k and j not in used_b), None)
        if j is None:
            free_a.append(i)
        else:
            used_b.add(j)
            pairs.append((i, j))
    return pairs, used_b, free_a


def _close_name_pairs(
    keys_a: list[str], keys_b: list[str], free_a: list[int], used_b: set[int], level_a: list[str], level_b: list[str],
) -> list[tuple[int, int]]:
    """The rows left paired by the closest name of the same level-2 group (ratio ≥ 0.75), best first."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, keys_a[i], keys_b[j], autojunk=False).ratio(), i, j)
         for i in free_a for j in range(len(keys_b)) if j not in used_b and level_a[i] == level_b[j]),
        reverse=True)
    pairs, done_a, done_b = [], set(), set(used_b)
    for ratio, i, j in scored:
        if ratio >= 0.75 and i not in done_a and j not in done_b:
            done_a.add(i)
            done_b.add(j)
            pairs.append((i, j))
    return pairs


def _same_target(a: str, year_a: object, b: str, year_b: object) -> bool:
    """Whether two printed values say the same, each year's own year aside (``2024年12月底前`` = ``2025年12月底前``).

    Examples:
        >>> _same_target("2024年12月底前", 2024, "2025年12月底前", 2025), _same_target("≥85%", 2024, "≥90%", 2025)
        (True, False)
    """
    return a.replace(str(year_a), "{year}") == b.replace(str(year_b), "{year}")


def _side(record: dict | None) -> dict:
    """One year's side of a target pair: its printed value and name (``""`` when absent), number and unit."""
    if record is None:
        return {"value": "", "indicator": "", "num": None, "unit": None}
    return {"value": str(record.get("value") or ""), "indicator": str(record.get("indicator") or ""),
            "num": record.get("num"), "unit": record.get("unit")}


def _num_change(a: dict | None, b: dict | None, side_a: dict, side_b: dict) -> object:
    """``to_num - from_num`` when both years print a number in the same unit, else ``None``."""
    same_unit = a is not None and b is not None and (side_a["unit"] or "") == (side_b["unit"] or "")
    num_a, num_b = side_a["num"], side_b["num"]
    return (num_b - num_a) if same_unit and pd.notna(num_a) and pd.notna(num_b) else None


def _target_row(link: dict, a: dict | None, b: dict | None) -> dict | None:
    """One changed target of a linked project (``None`` when it did not change)."""
    side_a, side_b = _side(a), _side(b)
    value_a, value_b, name_a, name_b = side_a["value"], side_b["value"], side_a["indicator"], side_b["indicator"]
    if a is not None and b is not None and _same_target(value_a, link["from_year"], value_b, link["to_year"]):
        return None
    ref = b if b is not None else a
    kind = str(ref.get("kind") or "")
    words = _change_words()
    what = words["added"] if a is None else words["dropped"] if b is None else words.get(kind, words["other"])
    return {
        "implementing_unit": link.get("implementing_unit"), "project": strip_year(link["to_project"]),
        "level2": ref.get("level2"), "indicator": strip_year(name_b or name_a), "kind": kind, "what": what,
        "from_year": link["from_year"], "from_value": value_a or None, "to_year": link["to_year"],
        "to_value": value_b or None, "from_num": side_a["num"], "to_num": side_b["num"],
        "unit": side_b["unit"] or side_a["unit"], "num_change": _num_change(a, b, side_a, side_b),
        "from_indicator": name_a or None, "to_indicator": name_b or None,
        "from_id": link["from_id"], "to_id": link["to_id"],
    }


def compare_targets(indicators: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Every target that changed between two linked projects: counts, percents, deadlines, wording.

    Indicators of a linked pair are matched by name without years (synonyms folded), then by the
    closest name within their level-2 group; a target whose printed value differs is a row (with the
    numbers and their difference where the unit is the same), and so is a target added or dropped.

    Args:
        indicators: the indicators of the years linked (``project_id``, ``indicator``, ``value``, ``kind``,
            ``num``, ``unit``, ``level2``).
        links: :func:`budgetkit.analyse.links.link_projects`.

    Examples:
        >>> inds = pd.DataFrame({"project_id": ["a", "a", "b", "b"], "level2": ["数量指标", "质量指标"] * 2,
        ...     "indicator": ["2024年帮扶户数", "满意度", "2025年帮扶户数", "满意度"],
        ...     "value": ["180户", "≥85%", "200户", "≥90%"], "kind": ["count", "percent"] * 2,
        ...     "num": [180.0, 85.0, 200.0, 90.0], "unit": ["户", "%", "户", "%"]})
        >>> links = pd.DataFrame([{"from_id": "a", "to_id": "b", "from_year": 2024, "to_year": 2025,
        ...     "from_project": "甲", "to_project": "甲", "implementing_unit": "u"}])
        >>> compare_targets(inds, links)[["indicator", "what", "from_value", "to_value", "num_change"]].values.tolist()
        [['帮扶户数', '数量变化', '180户', '200户', 20.0], ['满意度', '百分比变化', '≥85%', '≥90%', 5.0]]
    """
    rows = []
    by_project = {pid: frame.reset_index(drop=True) for pid, frame in indicators.groupby("project_id", sort=False)}
    empty = indicators.iloc[:0]
    for link in links.to_dict("records"):
        before = by_project.get(link["from_id"], empty)
        after = by_project.get(link["to_id"], empty)
        records_a, records_b = before.to_dict("records"), after.to_dict("records")
        for i, j in sorted(_indicator_match(before, after), key=lambda p: (p[1] is None, p[1] or 0, p[0] or 0)):
            row = _target_row(link, None if i is None else records_a[i], None if j is None else records_b[j])
            if row is not None:
                rows.append(row)
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


#: The columns of :func:`compare_publishers`.
PUBLISHER_COLUMNS = ["family", "department", "implementing_unit", "project", "indicator", "value", "value_num",
                     "year", "n", "publishers", "median", "rank_pct"]


def _families(indicators: pd.DataFrame) -> pd.DataFrame:
    """The targets comparable across publishers, with their family and the number compared.

    Satisfaction targets (a 满意 name, a percentage: the number) and unit costs (元 per 人, 户, 次 …: the
    amount in 元, compared only within one denominator).
    """
    kind = indicators.get("kind", pd.Series("", index=indicators.index)).fillna("")
    name = indicators["indicator"].fillna("").astype(str)
    satisfied = kind.eq("percent") & name.str.contains("满意") & indicators["num"].notna()
    rates = kind.eq("rate") & indicators["value_yuan"].notna() & indicators["per_unit"].fillna("").ne("")
    parts = [
        indicators[satisfied].assign(family="满意度目标（%）", value_num=indicators.loc[satisfied, "num"]),
        indicators[rates].assign(family="单位成本（元/" + indicators.loc[rates, "per_unit"].astype(str) + "）",
                                 value_num=indicators.loc[rates, "value_yuan"]),
    ]
    return pd.concat(parts, ignore_index=True)


def compare_publishers(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The same indicator across publishers: each target's place among all targets of its family.

    Families: satisfaction targets (%) and unit costs per denominator (元/人, 元/户, 元/次 …). Each row
    is one target, with how many targets its family holds (``n``), of how many publishers, the
    family's median and the target's place (``rank_pct``: the share of the family at or below it).

    Examples:
        >>> projects = pd.DataFrame({"project_id": ["a", "b", "c"], "department": ["甲局", "乙局", "乙局"],
        ...                          "year": [2025] * 3})
        >>> inds = pd.DataFrame({"project_id": ["a", "b", "c"], "project": ["培训", "慰问", "救助"],
        ...     "implementing_unit": ["甲", "乙", "乙"], "indicator": ["学员满意度", "群众满意度", "救助标准"],
        ...     "value": ["≥90%", "≥95%", "3000元/人"], "kind": ["percent", "percent", "rate"],
        ...     "num": [90.0, 95.0, 3000.0], "value_yuan": [None, None, 3000.0], "per_unit": [None, None, "人"]})
        >>> compare_publishers(projects, inds)[["family", "department", "value_num", "n", "publishers",
        ...                                     "rank_pct"]].values.tolist()
        [['单位成本（元/人）', '乙局', 3000.0, 1, 1, 100.0], ['满意度目标（%）', '甲局', 90.0, 2, 2, 50.0], \
['满意度目标（%）', '乙局', 95.0, 2, 2, 100.0]]
    """
    meta = [c for c in ("project_id", "department", "year") if c in projects.columns]
    targets = _families(indicators.drop(columns=[c for c in ("department", "year") if c in indicators.columns]))
    targets = targets.merge(projects[meta], on="project_id", how="left") if "project_id" in targets else targets
    if targets.empty:
        return pd.DataFrame(columns=PUBLISHER_COLUMNS)
    targets["department"] = targets.get("department", pd.Series("", index=targets.index)).fillna("")
    group = targets.groupby("family")["value_num"]
    targets["n"] = group.transform("size")
    targets["publishers"] = targets.groupby("family")["department"].transform("nunique")
    targets["median"] = group.transform("median")
    targets["rank_pct"] = group.rank(method="max", pct=True) * 100
    return (targets.reindex(columns=PUBLISHER_COLUMNS)
            .sort_values(["family", "value_num"], kind="stable").reset_index(drop=True))
