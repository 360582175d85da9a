"""Run every analysis of one file and write the results beside its tables.

Examples:
    >>> from budgetkit.parse import parse_lines
    >>> lines = ["项目支出绩效目标表", "项目名称 测试项目", "实施单位 某单位", "项目总额 10",
    ...          "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 培训人数 100人",
    ...          "满意度指标 服务对象满意度 满意度 ≥90%"]
    >>> frames = analyse_tables(parse_lines(lines, "t.txt", year=2025))
    >>> sorted(frames)
    ['achievement', 'achievement_tables', 'audit', 'costs']
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from budgetkit.analyse.achievement import achievement_frame, achievement_tables
from budgetkit.analyse.costs import costs_frame
from budgetkit.analyse.findings import audit_frame
from budgetkit.model.tables import Tables, write_frames, write_tables
from budgetkit.parse import parse_file

__all__ = ["analyse_file", "analyse_tables"]

logger = logging.getLogger(__name__)

#: The analyses in the order they are written, each a function of the parsed tables.
ANALYSES = {"audit": audit_frame, "costs": costs_frame, "achievement": achievement_frame,
            "achievement_tables": achievement_tables}


def analyse_tables(tables: Tables) -> dict[str, pd.DataFrame]:
    """Every analysis of ``tables``, by name (``audit``, ``costs``, ``achievement``)."""
    return {name: fn(tables) for name, fn in ANALYSES.items()}


def analyse_file(path: str | Path, out_dir: str | Path, year: int | None = None) -> dict[str, pd.DataFrame]:
    """Parse ``path``, write its tables and every analysis (``<name>.csv``) to ``out_dir``; return the analyses.

    Raises:
        BudgetkitError: the file cannot be read (no target table, unreadable …), named in the message.
    """
    tables = parse_file(path, year=year)
    write_tables(tables, out_dir)
    frames = analyse_tables(tables)
    write_frames(frames, out_dir)
    logger.info("analysed %s: %s", path, ", ".join(f"{k} {len(v)}" for k, v in frames.items()))
    return frames
