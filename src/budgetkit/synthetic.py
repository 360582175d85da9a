"""Synthetic inputs at scale, made from real ones: for benchmarks and scale tests, never for findings.

Two makers, both deterministic:

- :func:`replicate_tables` copies the tables of a real disclosure until there
  are ``n_projects`` projects, each copy with its own ``project_id`` and name
  and, with ``vary=True``, small changes (a budget moved, a unit cost moved,
  an indicator dropped, rows out of order) so that the statuses, pairings and
  audit findings differ from copy to copy;
- :func:`make_year` writes ``n_files`` copies of a year's raw text files into
  a folder, each copy with distinct project names (``项目名称`` lines suffixed),
  as a province's year of disclosures would look to the parser.

Examples:
    >>> import pandas as pd
    >>> from budgetkit.tables import Tables, conform
    >>> t = Tables.empty()
    >>> t.projects = conform(pd.DataFrame({"project_id": ["a#01"], "project": ["甲"], "total_wan": [1.0]}),
    ...                      "projects")
    >>> big = replicate_tables(t, 3, vary=False)
    >>> big.projects[["project_id", "project"]].values.tolist()
    [['a#01', '甲'], ['a#01~1', '甲~1'], ['a#01~2', '甲~2']]
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from budgetkit.errors import InputError
from budgetkit.tables import TABLE_NAMES, Tables, conform

__all__ = ["make_year", "replicate_tables"]

_NAME_LINE = re.compile(r"^(\s*项目名称[ \t\u3000]+)(\S.*?)(\s*)$", re.MULTILINE)


def replicate_tables(tables: Tables, n_projects: int, *, seed: int = 0, vary: bool = True) -> Tables:
    """Copy the projects of ``tables`` (and their indicators) until there are ``n_projects``.

    Copy ``k`` (from 1) of a project gets ``project_id`` ``<id>~k`` and name
    ``<name>~k``; copy 0 is the original. With ``vary``, a random draw (seeded)
    per copy moves the budget (one copy in four, by a factor 0.5–1.5), moves
    one unit cost (one in four), drops one indicator (one in five), repeats one
    (one in seven: a duplicate indicator, a cost priced once), and the
    indicator rows of the whole result are shuffled, so any code that relies on
    rows arriving grouped or in ``seq`` order is caught out.

    Args:
        tables: the tables to copy (needs at least one project).
        n_projects: the number of projects wanted.
        seed: the random seed of the variations.
        vary: apply the variations (off: exact copies, in order).

    Raises:
        InputError: ``tables`` has no project, or ``n_projects`` is below 1.
    """
    if tables.projects.empty or n_projects < 1:
        raise InputError(f"cannot make {n_projects} projects from {len(tables.projects)}")
    rng = np.random.default_rng(seed)
    base_p, base_i = tables.projects, tables.indicators
    copies = math.ceil(n_projects / len(base_p))
    projects, indicators = [], []
    by_project = {pid: g for pid, g in base_i.groupby("project_id", sort=False)}
    for k in range(copies):
        suffix = f"~{k}" if k else ""
        p = base_p.copy()
        p["project_id"] = p["project_id"] + suffix
        p["project"] = p["project"] + suffix
        for pid, new_pid in zip(base_p["project_id"], p["project_id"], strict=True):
            i = by_project.get(pid)
            if i is None:
                continue
            i = i.copy()
            i["project_id"] = new_pid
            if vary and k:
                i = _vary_indicators(i, rng)
            indicators.append(i)
        if vary and k:
            moved = rng.random(len(p)) < 0.25
            factor = rng.uniform(0.5, 1.5, moved.sum())
            p.loc[moved, "total_wan"] = (p.loc[moved, "total_wan"] * factor).round(2)
        projects.append(p)
    out_p = pd.concat(projects, ignore_index=True).iloc[:n_projects]
    out_i = pd.concat(indicators, ignore_index=True) if indicators else base_i.iloc[0:0]
    out_i = out_i[out_i["project_id"].isin(set(out_p["project_id"]))]
    if vary:
        out_i = out_i.sample(frac=1.0, random_state=seed)
    out = Tables(**{name: getattr(tables, name) for name in TABLE_NAMES})
    out.projects = conform(out_p, "projects")
    out.indicators = conform(out_i, "indicators")
    return out


def _vary_indicators(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    if rng.random() < 0.25:
        costs = rows.index[rows["value_yuan"].notna()]
        if len(costs):
            at = costs[rng.integers(len(costs))]
            rows.loc[at, "value_yuan"] = round(float(rows.loc[at, "value_yuan"]) * rng.uniform(0.8, 1.2), 2)
    if rng.random() < 0.2 and len(rows) > 1:
        rows = rows.drop(index=rows.index[rng.integers(len(rows))])
    if rng.random() < 0.15:
        twin = rows.iloc[[rng.integers(len(rows))]].copy()
        twin["seq"] = rows["seq"].max() + 1
        rows = pd.concat([rows, twin])
    return rows


def make_year(raw_dir: str | Path, out_dir: str | Path, n_files: int) -> list[Path]:
    r"""Write ``n_files`` copies of the ``.txt`` disclosures of ``raw_dir`` into ``out_dir``.

    Copies cycle through the source files; copy ``k`` is named
    ``<stem>-<k:05d>.txt`` and every ``项目名称`` line gets ``（副本k）`` appended, so
    project names differ between files as they would across a province's units.

    Returns:
        The files written, in order.

    Raises:
        InputError: ``raw_dir`` holds no ``.txt`` file.

    Examples:
        >>> import tempfile
        >>> src, dst = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
        >>> _ = (src / "a.txt").write_text("单位：万元\n项目名称 测试项目\n", encoding="utf-8")
        >>> [p.name for p in make_year(src, dst, 2)]
        ['a-00000.txt', 'a-00001.txt']
        >>> (dst / "a-00001.txt").read_text(encoding="utf-8").splitlines()[1]
        '项目名称 测试项目（副本1）'
    """
    sources = sorted(Path(raw_dir).glob("*.txt"))
    if not sources:
        raise InputError("no .txt disclosure to copy", path=raw_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts = [s.read_text(encoding="utf-8") for s in sources]
    written = []
    for k in range(n_files):
        source, text = sources[k % len(sources)], texts[k % len(sources)]
        copy = _NAME_LINE.sub(lambda m, k=k: f"{m[1]}{m[2]}（副本{k}）{m[3]}", text) if k else text
        path = out / f"{source.stem}-{k:05d}.txt"
        path.write_text(copy, encoding="utf-8")
        written.append(path)
    return written
