"""The restructure tool (.ci/restructure.py): its rewrites one by one, and a whole run on a small package.

This file is left out of the tool's rewrite: it spells the old module names on purpose.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("restructure", ROOT / ".ci" / "restructure.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["restructure"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


rs = _tool()

MOVES = {"cells": "model.cells", "read_text": "read.text", "segment": "segment.text", "build": "build.build",
         "steps": "build.steps", "plots": "report.plots", "parse_value": "vocab.values"}


def _plan(strict: bool) -> object:
    full = {f"budgetkit.{o}": f"budgetkit.{n}" for o, n in MOVES.items()}
    return rs.Plan(full, strict=set(full) if strict else set())


@pytest.mark.parametrize("before, after", [
    pytest.param("from budgetkit.cells import Cell, Row", "from budgetkit.model.cells import Cell, Row", id="from-import"),
    pytest.param("import budgetkit.read_text as rt", "import budgetkit.read.text as rt", id="import-as"),
    pytest.param('monkeypatch.setattr("budgetkit.parse_value._UNITS", {})',
                 'monkeypatch.setattr("budgetkit.vocab.values._UNITS", {})', id="monkeypatch-string"),
    pytest.param(":func:`~budgetkit.segment.segment_lines` 切分", ":func:`~budgetkit.segment.text.segment_lines` 切分",
                 id="docstring-role-with-chinese"),
    pytest.param("budgetkit.read_textual budgetkit.cellsx", "budgetkit.read_textual budgetkit.cellsx",
                 id="longer-name-is-another-module"),
    pytest.param("mybudgetkit.cells x.budgetkit.cells", "mybudgetkit.cells x.budgetkit.cells", id="not-our-package"),
    pytest.param("from budgetkit.build import YEAR_NOTEBOOKS, build, sha256",
                 "from budgetkit.build.build import YEAR_NOTEBOOKS, build, sha256", id="old-name-is-new-folder"),
    pytest.param('"parse_file": "budgetkit.parse"', '"parse_file": "budgetkit.parse"', id="module-that-stays"),
    pytest.param("budgetkit = \"budgetkit.cli:main\"", "budgetkit = \"budgetkit.cli:main\"", id="entry-point-stays"),
])
def test_rewrite_while_flat(before, after):
    assert rs.rewrite_text(before, _plan(strict=True)) == after


@pytest.mark.parametrize("text", [
    pytest.param("from budgetkit.build import steps", id="module-of-the-new-folder"),
    pytest.param("from budgetkit.build import build as build_module", id="aliased-module-of-the-new-folder"),
    pytest.param("budgetkit.build.build.build and budgetkit.segment.text", id="dotted-new-names"),
    pytest.param("from budgetkit.report import plots", id="from-new-folder"),
])
def test_new_names_are_left_alone_after_the_move(text):
    assert rs.rewrite_text(text, _plan(strict=False)) == text


@pytest.mark.parametrize("before, after", [
    pytest.param("    from budgetkit import errors, plots  # lazy: matplotlib",
                 "    from budgetkit import errors  # lazy: matplotlib\n    from budgetkit.report import plots",
                 id="split-keeps-indent-and-comment"),
    pytest.param("from budgetkit import build as build_module", "from budgetkit.build import build as build_module",
                 id="alias-kept"),
    pytest.param("from budgetkit import cells", "from budgetkit.model import cells", id="same-leaf"),
    pytest.param("from budgetkit import parse_value", "from budgetkit.vocab import values as parse_value",
                 id="renamed-leaf-aliased-to-old-name"),
    pytest.param("from budgetkit import (\n    errors,\n    read_text,\n)",
                 "from budgetkit import errors\nfrom budgetkit.read import text as read_text", id="parenthesised"),
])
def test_from_budgetkit_import(before, after):
    plan = _plan(strict=True)
    assert rs.rewrite_text(before, plan) == after
    assert rs.rewrite_text(after, _plan(strict=False)) == after  # a second run changes nothing


@pytest.mark.parametrize("before, after, markdown", [
    pytest.param("see src/budgetkit/read_text.py", "see src/budgetkit/read/text.py", False, id="source-path"),
    pytest.param("data in .budgetkit/read_text.py", "data in .budgetkit/read_text.py", False, id="dot-folder-no-module"),
    pytest.param("| cells | `cells.py`, `segment.py` |", "| cells | `model/cells.py`, `segment/text.py` |", True,
                 id="markdown-bare-file"),
    pytest.param("`cells.py`", "`cells.py`", False, id="bare-file-outside-markdown"),
])
def test_paths(before, after, markdown):
    assert rs.rewrite_text(before, _plan(strict=True), markdown=markdown) == after


@pytest.mark.parametrize("before, levels, after", [
    pytest.param("Path(__file__).resolve().parent", 1, "Path(__file__).resolve().parents[1]", id="parent"),
    pytest.param("Path(__file__).resolve().parents[2] / 'data'", 1, "Path(__file__).resolve().parents[3] / 'data'",
                 id="parents-n"),
    pytest.param("Path(__file__).parent.name", 2, "Path(__file__).parents[2].name", id="no-resolve"),
    pytest.param("Path(__file__).resolve(), x.parent", 1, "Path(__file__).resolve(), x.parent", id="other-parent"),
])
def test_deepen_file_paths(before, levels, after):
    assert rs.deepen_file_paths(before, levels) == after


def test_notebook_cells():
    raw = ('{\n "cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": [\n'
           '    "from budgetkit import plots\\n",\n    "x = \\"预算\\""\n   ]\n  }\n ],\n "nbformat": 4\n}\n')
    out = rs.rewrite_notebook(raw, lambda t: rs.rewrite_text(t, _plan(strict=True)))
    assert '"from budgetkit.report import plots\\n"' in out and '"x = \\"预算\\""' in out
    assert rs.rewrite_notebook(out, lambda t: rs.rewrite_text(t, _plan(strict=False))) == out


# --- a whole run on a small package ------------------------------------------------------------------------

_FILES = {
    "src/budgetkit/__init__.py": '"""P."""\n\n_EXPORTS = {"Cell": "budgetkit.cells", "parse_year": "budgetkit.parse"}\n',
    "src/budgetkit/errors.py": '"""E."""\n\n\nclass InputError(Exception):\n    """E."""\n',
    "src/budgetkit/cells.py": '"""Cells."""\n\nHERE = __import__("pathlib").Path(__file__).resolve().parent\n',
    "src/budgetkit/batch.py": ('"""B."""\n\nfrom __future__ import annotations\n\nimport logging\n\n'
                               '__all__ = [\n    "parse_files",\n]\n\nlogger = logging.getLogger(__name__)\n\n\n'
                               'def parse_files(files):\n    """Parse."""\n    from budgetkit.parse import parse_file\n\n'
                               '    return [parse_file(f) for f in files]\n'),
    "src/budgetkit/parse.py": ('"""P."""\n\nfrom __future__ import annotations\n\nfrom budgetkit.cells import HERE\n'
                               'from budgetkit.errors import InputError\n\n__all__ = [\n    "parse_file",\n'
                               '    "parse_year",\n]\n\n\ndef parse_file(path):\n    """One file."""\n    return HERE\n\n\n'
                               'def parse_year(year: int, files: list) -> list:\n    """Parse a year (:func:`parse_file`)."""\n'
                               '    from budgetkit.batch import parse_files\n\n    if not files:\n'
                               '        raise InputError(year)\n    return parse_files(files)\n'),
    "src/budgetkit/newcomer.py": '"""Added by someone after the map was written."""\n\nfrom budgetkit import cells\n',
    "tests/test_x.py": "from budgetkit.parse import parse_file, parse_year\nfrom budgetkit import cells\n",
    "README.md": "Cells are in `budgetkit.cells` (`cells.py`).\n",
}


@pytest.fixture
def small(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for rel, text in _FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        subprocess.run(["git", *cmd], cwd=tmp_path, check=True)
    return tmp_path


def test_a_whole_run(small):
    moves = {"cells": "model.cells", "batch": "scale.batch", "gone": "model.gone"}
    res = rs.restructure(small, moves, sort_imports=False)
    assert res.moved == [("batch", "scale.batch"), ("cells", "model.cells")]
    assert res.unmapped == ["newcomer"] and res.absent == ["gone"]
    src = small / "src/budgetkit"
    assert not (src / "cells.py").exists() and (src / "model/cells.py").exists()
    assert (src / "model/__init__.py").read_text(encoding="utf-8").startswith('"""')
    assert "parents[1]" in (src / "model/cells.py").read_text(encoding="utf-8")
    assert (src / "newcomer.py").read_text(encoding="utf-8").endswith("from budgetkit.model import cells\n")
    parse = (src / "parse.py").read_text(encoding="utf-8")
    batch = (src / "scale/batch.py").read_text(encoding="utf-8")
    assert "def parse_year" not in parse and '"parse_year"' not in parse
    assert "def parse_year" in batch and "from budgetkit.errors import InputError" in batch
    assert "from budgetkit.scale.batch import parse_files" not in batch  # its own module
    assert ":func:`~budgetkit.parse.parse_file`" in batch and '"parse_year",' in batch
    init = (src / "__init__.py").read_text(encoding="utf-8")
    assert '"budgetkit.model.cells"' in init and '"parse_year": "budgetkit.scale.batch"' in init
    test = (small / "tests/test_x.py").read_text(encoding="utf-8")
    assert "from budgetkit.scale.batch import parse_year" in test and "from budgetkit.model import cells" in test
    assert (small / "README.md").read_text(encoding="utf-8") == "Cells are in `budgetkit.model.cells` (`model/cells.py`).\n"
    assert (small / ".gitignore").read_text(encoding="utf-8") == "/build/\n"
    staged = subprocess.run(["git", "status", "--porcelain"], cwd=small, capture_output=True, text=True).stdout
    assert "src/budgetkit/cells.py -> src/budgetkit/model/cells.py" in staged  # a rename git knows

    snapshot = {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and ".git" not in p.parts}
    again = rs.restructure(small, moves, sort_imports=False)
    assert again.moved == [] and again.rewritten == [] and sorted(again.already) == ["batch", "cells"]
    assert {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and ".git" not in p.parts} == snapshot


def test_dry_run_changes_nothing(small):
    before = {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and ".git" not in p.parts}
    res = rs.restructure(small, {"cells": "model.cells"}, dry_run=True)
    assert res.moved == [("cells", "model.cells")] and res.rewritten
    assert {p: p.read_bytes() for p in small.rglob("*") if p.is_file() and ".git" not in p.parts} == before


def test_the_map_covers_the_package():
    """Every flat module of today's package is either mapped or stays on top (a new one shows up here)."""
    src = ROOT / "src/budgetkit"
    flat = {p.stem for p in src.glob("*.py")} | {p.name for p in src.iterdir() if (p / "__init__.py").exists()}
    if (src / "model" / "__init__.py").is_file():
        pytest.skip("the package is already in folders")
    left = flat - set(rs.MOVES) - set(rs.TOP) - set(rs.FOLDERS)
    assert not left, f"flat modules .ci/restructure.py has no place for: {sorted(left)} (add them to MOVES)"


def test_the_tools_examples():
    import doctest

    result = doctest.testmod(rs)
    assert result.attempted > 0 and result.failed == 0
