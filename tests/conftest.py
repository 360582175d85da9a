"""Shared fixtures: a throw-away project tree, and one build of it that several test modules read."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt"
#: The name the 2024 fixture gives its first project: pages must show it as text.
ATTACK = "<img src=x onerror=alert(1)>"
#: A budget volume of 2024 without a target table: read, listed as holding none, no failure.
NO_TABLE_VOLUME = "某某市民政局2024年部门预算.txt"
NO_TABLE_TEXT = ("某某市民政局2024年部门预算\n\n目录\n第一部分 部门概况\n一、主要职能\n负责全市民政工作。\n"
                 "二、部门预算单位构成\n本部门预算包括局本级。\n第二部分 2024年部门预算表\n收支总表\n单位：万元\n")


def make_project(root: Path, years: dict[int, bytes]) -> Path:
    """A throw-away copy of the repository layout with the given raw files."""
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    for year, content in years.items():
        folder = root / "data/raw" / str(year)
        folder.mkdir(parents=True)
        (folder / SEED.name).write_bytes(content)
    return root


def seed_as_2024(tables):
    """The seed's tables as a 2024 document: years in names and values moved back, 职工困难帮扶标准 3000元/户
    instead of 3250, and the first project named :data:`ATTACK`."""
    projects, indicators = tables.projects.copy(), tables.indicators.copy()
    for col in ("project", "goal"):
        projects[col] = projects[col].str.replace("2025", "2024")
    projects.loc[0, "project"] = ATTACK
    indicators["indicator"] = indicators["indicator"].str.replace("2025", "2024")
    indicators["value"] = indicators["value"].str.replace("2025", "2024").str.replace("3250元", "3000元")
    return dataclasses.replace(tables, projects=projects, indicators=indicators)


def make_pdf_2024(path: Path) -> None:
    """Draw :func:`seed_as_2024` as a PDF (tests/pdfmaker.py), titled 2024."""
    import pdfmaker
    from budgetkit.parse import parse_file

    saved = pdfmaker.TABLE_TITLE, pdfmaker.TABLE_YEAR
    pdfmaker.TABLE_TITLE, pdfmaker.TABLE_YEAR = saved[0].replace("2025", "2024"), saved[1].replace("2025", "2024")
    try:
        notice = dataclasses.replace(pdfmaker.NOTICE, title=tuple(t.replace("2025", "2024")
                                                                   for t in pdfmaker.NOTICE.title))
        pdfmaker.make_pdf(path, pdfmaker.projects_from_tables(seed_as_2024(parse_file(SEED))), notice=notice)
    finally:
        pdfmaker.TABLE_TITLE, pdfmaker.TABLE_YEAR = saved


def tree_digest(root: Path, folders: tuple[str, ...] = ("data/processed", "figures")) -> dict[str, str]:
    """sha256 of every file under ``folders`` (what git would see change)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build a tree as a reader finds it: 2025 from the seed text plus a damaged PDF (skipped), 2024 from a PDF
    of the seed moved to 2024 (so the build reads PDFs, compares two years and shows an attacker's project
    name) beside a budget volume without a target table (listed as such), and an empty 2030 folder (skipped). Returns (root, results, digest of the tracked outputs)."""
    from budgetkit.build.build import build

    root = make_project(tmp_path_factory.mktemp("project"), {2025: SEED.read_bytes()})
    (root / "data/raw/2025/damaged.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    (root / "data/raw/2024").mkdir()
    make_pdf_2024(root / "data/raw/2024/nx-2024-as-pdf.pdf")
    (root / f"data/raw/2024/{NO_TABLE_VOLUME}").write_text(NO_TABLE_TEXT, encoding="utf-8")
    (root / "data/raw/2030").mkdir()
    results = build(root=root)
    return root, results, tree_digest(root)
