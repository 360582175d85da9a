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
    >>> from budgetkit.model.tables import Tables, conform
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
from budgetkit.model.tables import TABLE_NAMES, Tables, conform

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
    base_p = tables.projects.reset_index(drop=True)
    base_i = tables.indicators.reset_index(drop=True)
    m = len(base_p)
    copies = math.ceil(n_projects / m)
    which = np.tile(np.arange(m), copies)[:n_projects]  # the base project each new one copies
    copy = np.repeat(np.arange(copies), m)[:n_projects]  # and which copy it is (0: the original)
    suffix = pd.Series([f"~{k}" if k else "" for k in copy.tolist()], dtype="str")
    projects = base_p.take(which).reset_index(drop=True)
    projects["project_id"] = projects["project_id"] + suffix
    projects["project"] = projects["project"] + suffix
    if vary:
        moved = (rng.random(n_projects) < 0.25) & (copy > 0)
        factor = rng.uniform(0.5, 1.5, int(moved.sum()))
        projects.loc[moved, "total_wan"] = (projects.loc[moved, "total_wan"] * factor).round(2)

    rows_of = base_i.groupby("project_id", sort=False).indices
    yuan = base_i["value_yuan"].to_numpy(dtype="float64", na_value=np.nan)
    seq = base_i["seq"].to_numpy(dtype="float64", na_value=np.nan)
    take, owner, new_yuan, new_seq = [], [], [], []
    for j, (b, k) in enumerate(zip(which.tolist(), copy.tolist(), strict=True)):
        rows = rows_of.get(base_p.at[b, "project_id"], np.array([], dtype=np.intp))
        row_yuan, row_seq = yuan[rows], seq[rows]
        if vary and k and len(rows):
            rows, row_yuan, row_seq = _vary(rows, row_yuan, row_seq, rng)
        take.append(rows)
        owner.append(np.full(len(rows), j))
        new_yuan.append(row_yuan)
        new_seq.append(row_seq)
    indicators = base_i.take(np.concatenate(take)).reset_index(drop=True) if take else base_i.iloc[0:0]
    if take:
        indicators["project_id"] = projects["project_id"].to_numpy()[np.concatenate(owner)]
        indicators["value_yuan"] = np.concatenate(new_yuan)
        indicators["seq"] = pd.array(np.concatenate(new_seq), dtype="Float64").astype("Int64")
    if vary:
        indicators = indicators.sample(frac=1.0, random_state=seed)
    out = Tables(**{name: getattr(tables, name) for name in TABLE_NAMES})
    out.projects = conform(projects, "projects")
    out.indicators = conform(indicators, "indicators")
    return out


def _vary(
    rows: np.ndarray, yuan: np.ndarray, seq: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One copy's indicator rows with a unit cost moved, a row dropped or a row repeated (at random)."""
    yuan = yuan.copy()
    if rng.random() < 0.25:
        costs = np.flatnonzero(~np.isnan(yuan))
        if len(costs):
            at = costs[rng.integers(len(costs))]
            yuan[at] = round(float(yuan[at]) * rng.uniform(0.8, 1.2), 2)
    if rng.random() < 0.2 and len(rows) > 1:
        keep = np.arange(len(rows)) != rng.integers(len(rows))
        rows, yuan, seq = rows[keep], yuan[keep], seq[keep]
    if rng.random() < 0.15:
        twin = rng.integers(len(rows))
        rows, yuan = np.append(rows, rows[twin]), np.append(yuan, yuan[twin])
        seq = np.append(seq, np.nanmax(seq) + 1 if not np.isnan(seq).all() else np.nan)
    return rows, yuan, seq


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
