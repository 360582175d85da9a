#!/usr/bin/env python3
"""Move the flat modules of ``src/budgetkit/`` into folders that are the pipeline (issue 22), and fix every reference.

Run it on a clean checkout of merged main, from the repository root::

    python3 .ci/restructure.py            # apply: git mv, rewrite references, sort imports, check every import
    python3 .ci/restructure.py --dry-run  # only say what it would do

It is idempotent (a second run moves and rewrites nothing) and tolerant: a flat module it has no entry for
is listed as unmapped and left where it is (add it to :data:`MOVES`, or pass ``--move OLD=NEW``, and run
again). It never commits: look at ``git status``, run the tests, and commit the move yourself.

What it does, in order:

1. ``git mv src/budgetkit/OLD.py src/budgetkit/FOLDER/NEW.py`` for each entry of :data:`MOVES` whose flat
   file is there, creating each folder with an ``__init__.py`` that names its one job (:data:`FOLDERS`);
   ``Path(__file__)``-relative paths in a moved module get one more ``parents`` step (a module one folder
   deeper); ``.gitignore``'s ``build/`` is anchored to the root (``/build/``), or ``src/budgetkit/build/``
   would be ignored.
2. Rewrites every dotted reference ``budgetkit.OLD`` (imports, ``import budgetkit.OLD as x``, monkeypatch and
   logger-name strings, ``:mod:``/``:func:`` references, ``__init__``'s lazy export map, the pyproject entry
   points, the notebooks' cells, README.md, benchmarks/, tests/, metadata descriptions), every
   ``from budgetkit import OLD`` (split into one statement per moved module, aliased to the old name), and every
   ``src/budgetkit/OLD.py`` path, with word-boundary-safe patterns (``budgetkit.read_text`` is not
   ``budgetkit.read``, ``.budgetkit/stage-1`` is no module). Backticked bare module files (`` `segment.py` ``)
   in the markdown files are rewritten too.
3. Moves the functions of :data:`SYMBOLS` to the module they belong in, with the imports they need, and
   rewrites their references (``parse_year`` into ``scale/batch.py``: it was the one circle left,
   ``parse`` ↔ ``batch``).
4. Sorts the imports it touched (``ruff check --select I --fix``), lists lines it made longer than 120
   characters and references it could not rewrite, and imports every module and every name of
   ``budgetkit.__init__``'s export map in a fresh interpreter.

Three old names become the name of their folder: ``segment`` (→ ``segment.text``), ``recognise`` (→
``recognise.tables``) and ``build`` (→ ``build.build``). While their flat file is there every ``budgetkit.build``
means the module and is rewritten; once moved, a reference followed by a module of the folder
(``budgetkit.build.steps``, ``from budgetkit.build import steps``) is taken as new and left alone.

Why this cut (read from the import graph at main 9cd0931: 43 modules, module-level and in-function imports
both counted). The folders in import order, each importing only from folders before it (and ``errors``)::

    errors · model · vocab · segment · read · recognise · parse · analyse · project · scale · report · build · cli

- ``model/`` (cells, lines, tables, fields, normalize) imports nothing of budgetkit but ``errors``: the forms
  every stage hands on and the NFKC text rule.
- ``vocab/`` (vocabulary, values ← parse_value, amounts, placeholders) imports only ``model``: what printed
  words and values mean.
- ``segment/`` (tokens, text ← segment) comes *before* ``read/`` in import order although a text file's walk
  is read → segment: the text reader cuts its lines with ``segment.text.segment_lines`` and the PDF and grid
  readers join wrapped text with ``segment.tokens.join_text``. Nothing in ``segment/`` reads a file.
- ``read/`` (one module per format, grid, dispatch ← readers, ocr): a file to a Document. ``ocr`` repairs a
  read Document before recognition, so it sits with the readers; ``recognise`` imports it.
- ``recognise/`` (tables ← recognise, regions, header, align): ``align`` is the least-cost row aligner that
  only ``recognise`` calls, a pass of recognition rather than a way of cutting text.
- ``parse.py`` stays on top as the orchestration (read → segment → recognise → Tables) that ``analyse``,
  ``scale`` and the CLI call; it no longer imports ``batch`` once ``parse_year`` (a year of files on every
  core) lives in ``scale/batch.py`` beside ``parse_files``.
- ``analyse/`` (audit, reconcile, compare beside the existing costs, findings, achievement, run).
- ``project/`` (paths, stage, fingerprint) is a folder of its own, not part of ``build/``: ``report/site`` and
  ``report/sitemap`` need the project's folders and atomic writes, ``scale/dataset`` needs paths and
  fingerprints, and ``build`` needs ``report``; with them in ``build/`` the folders would import each other.
- ``scale/`` (batch, dataset, synthetic): many files at once.
- ``report/`` gains plots, fonts and params: ``params`` renders its table with ``report.display`` and
  ``report.site`` lists the notebooks it declares, so in ``build/`` it would be imported upward.
- ``build/`` (build, steps, kernel): the notebook layer on top of everything; ``cli.py`` above it.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "budgetkit"

#: Old flat module → its new dotted name under ``budgetkit`` (the map is the plan; see the module docstring).
MOVES: dict[str, str] = {
    # model/: the forms every stage hands on
    "cells": "model.cells",
    "lines": "model.lines",
    "tables": "model.tables",
    "fields": "model.fields",
    "normalize": "model.normalize",
    # vocab/: what printed words and values mean
    "vocabulary": "vocab.vocabulary",
    "parse_value": "vocab.values",
    "amounts": "vocab.amounts",
    "placeholders": "vocab.placeholders",
    "name_quantity": "vocab.name_quantity",
    # segment/: text cut into cells and tokens
    "tokens": "segment.tokens",
    "segment": "segment.text",
    # read/: a file to a Document, one reader per format
    "read_text": "read.text",
    "read_pdf": "read.pdf",
    "read_xlsx": "read.xlsx",
    "read_html": "read.html",
    "read_docx": "read.docx",
    "read_grid": "read.grid",
    "readers": "read.dispatch",
    "ocr": "read.ocr",
    "limits": "read.limits",
    # recognise/: a Document to table records
    "recognise": "recognise.tables",
    "regions": "recognise.regions",
    "header": "recognise.header",
    "align": "recognise.align",
    "grid_recognise": "recognise.grid",
    # analyse/: questions asked of the tables
    "audit": "analyse.audit",
    "reconcile": "analyse.reconcile",
    "compare": "analyse.compare",
    "links": "analyse.links",
    "rules101": "analyse.rules101",  # a package: moved whole
    # project/: a project on disk
    "paths": "project.paths",
    "stage": "project.stage",
    "fingerprint": "project.fingerprint",
    # scale/: many files at once
    "batch": "scale.batch",
    "dataset": "scale.dataset",
    "dataset_sync": "scale.dataset_sync",
    "synthetic": "scale.synthetic",
    # report/: tables, figures and pages for reading
    "plots": "report.plots",
    "figure_text": "report.figure_text",
    "fonts": "report.fonts",
    "params": "report.params",
    # build/: the notebooks run for a year
    "build": "build.build",
    "steps": "build.steps",
    "kernel": "build.kernel",
}

#: Modules that stay at the top of the package.
TOP = ("__init__", "__main__", "cli", "errors", "parse")

#: Each folder's one job: the docstring of the ``__init__.py`` made for it (an existing one is left as it is).
FOLDERS: dict[str, str] = {
    "model": "The forms every stage hands on: cells and documents, lines, the tables and their fields, NFKC text.",
    "vocab": "What printed words and values mean: the vocabulary, 指标值 values, amounts, placeholders.",
    "segment": "Text cut into cells (text) and cells into vocabulary tokens (tokens).",
    "read": "A file to a Document: one reader per format, the dispatch by content and suffix, OCR repair.",
    "recognise": "A Document to table records: regions, header fields, the indicator rows aligned to their columns.",
    "analyse": "Questions asked of the tables: audit, costs, comparison, achievement.",
    "project": "A project on disk: its folders, fingerprints of its inputs, atomic writes of its outputs.",
    "scale": "Many files at once: batches over processes or Dask, the dataset across years, synthetic volumes.",
    "report": "Tables, figures and pages for reading.",
    "build": "The notebooks run for a year, and the site built from them.",
}


@dataclass(frozen=True)
class SymbolMove:
    """A top-level function moved from one module to another (dotted names after the module moves).

    With ``imports_only``, nothing moves: ``source`` re-exports the name and its imports go to ``target``, the
    module that defines it.
    """

    name: str
    source: str
    target: str
    why: str
    imports_only: bool = False


#: Functions that move to another module, after the module moves.
SYMBOLS: tuple[SymbolMove, ...] = (
    SymbolMove("parse_year", "budgetkit.parse", "budgetkit.scale.batch",
               "a year's files on every core belongs beside parse_files; in parse.py it made parse ↔ batch a circle"),
    SymbolMove("is_placeholder", "budgetkit.parse", "budgetkit.vocab.placeholders",
               "parse only re-exports it; recognise/grid.py importing it from parse was a circle and an upward import",
               imports_only=True),
)

#: Files and folders the rewrite never touches (relative to the root): this tool and its test hold the old
#: names on purpose; ARCHITECTURE.md is written for the new layout (and names the old modules it replaces);
#: fixtures and golden files are reading inputs and outputs.
EXCLUDE = (".ci/restructure.py", "tests/test_restructure.py", "ARCHITECTURE.md", "tests/fixtures", "tests/golden")

#: What is scanned for references (globs relative to the root).
SCAN = ("src/**/*.py", "src/budgetkit/metadata/*.csv", "tests/**/*.py", "benchmarks/**/*.py", ".ci/*",
        "notebooks/*.ipynb", "*.md", "pyproject.toml", "environment.yml")

LINE_LENGTH = 120


# --- the rewrite of one text -----------------------------------------------------------------------------


@dataclass
class Plan:
    """What to rewrite.

    ``moves``: old → new dotted names (full, ``budgetkit.x``); ``strict``: the olds moved in this run (every
    reference to them is old); ``children``: the modules of each folder.
    """

    moves: dict[str, str]
    strict: set[str] = field(default_factory=set)
    children: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for new in self.moves.values():
            parent, _, leaf = new.rpartition(".")
            self.children.setdefault(parent, set()).add(leaf)
        self._dotted = _dotted_pattern(self)

    def target(self, old: str) -> str | None:
        """The new dotted name of ``old``, or ``None`` where it does not move."""
        return self.moves.get(old)


def _lookahead(plan: Plan, old: str) -> str:
    """The guard after ``budgetkit.OLD`` where OLD is now also a folder and was moved before this run."""
    kids = plan.children.get(old, set())
    if old in plan.strict or not kids:
        return ""
    alts = "|".join(sorted(map(re.escape, kids)))
    return rf"(?!\.(?:{alts})(?!\w))(?! import \(?\s*(?:{alts})(?!\w))"


def _dotted_pattern(plan: Plan) -> re.Pattern[str] | None:
    if not plan.moves:
        return None
    alts = [re.escape(old.split(".", 1)[1]) + r"(?!\w)" + _lookahead(plan, old)
            for old in sorted(plan.moves, key=len, reverse=True)]
    return re.compile(rf"(?<![\w.]){PACKAGE}\.(?P<old>{'|'.join(alts)})")


def rewrite_dotted(text: str, plan: Plan) -> str:
    """Rewrite ``budgetkit.OLD`` references.

    Examples:
        >>> plan = Plan({"budgetkit.cells": "budgetkit.model.cells", "budgetkit.segment": "budgetkit.segment.text"},
        ...             strict={"budgetkit.cells"})
        >>> rewrite_dotted("from budgetkit.cells import Cell; budgetkit.cellsx; my.budgetkit.cells", plan)
        'from budgetkit.model.cells import Cell; budgetkit.cellsx; my.budgetkit.cells'
        >>> rewrite_dotted(":mod:`budgetkit.segment` and budgetkit.segment.text", plan)
        ':mod:`budgetkit.segment.text` and budgetkit.segment.text'
    """
    if plan._dotted is None:
        return text
    return plan._dotted.sub(lambda m: plan.moves[f"{PACKAGE}.{m.group('old')}"], text)


_FROM = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#;]*?)(?P<comment>[ \t]*#[^\n]*)?$",
    re.M,
)


def _names(spec: str) -> list[tuple[str, str | None]]:
    spec = spec.strip().strip("()")
    spec = re.sub(r"#[^\n]*", "", spec)
    out = []
    for part in spec.replace("\n", " ").split(","):
        words = part.split()
        if not words:
            continue
        out.append((words[0], words[2] if len(words) == 3 and words[1] == "as" else None))
    return out


def _spell(module: str, names: list[tuple[str, str | None]]) -> str:
    return f"from {module} import " + ", ".join(n if a is None or a == n else f"{n} as {a}" for n, a in names)


def split_from_imports(text: str, where) -> str:
    r"""Rewrite ``from M import a, b as c`` statements one name at a time.

    ``where(module, name)`` gives ``(new_module, new_name)`` for a name that goes elsewhere, else ``None``;
    the names that stay keep their statement, each moved name gets its own (aliased to the name it had).

    Examples:
        >>> moves = {("budgetkit", "plots"): ("budgetkit.report", "plots"),
        ...          ("budgetkit", "build"): ("budgetkit.build", "build")}
        >>> split_from_imports("    from budgetkit import errors, plots  # why", lambda m, n: moves.get((m, n)))
        '    from budgetkit import errors  # why\n    from budgetkit.report import plots'
        >>> split_from_imports("from budgetkit import build as b", lambda m, n: moves.get((m, n)))
        'from budgetkit.build import build as b'
    """
    def one(m: re.Match) -> str:
        names = _names(m.group("names"))
        if not names:
            return m.group(0)
        stay, go = [], []
        for name, alias in names:
            new = where(m.group("module"), name)
            if new is None:
                stay.append((name, alias))
            else:
                go.append((new[0], new[1], alias or name))
        if not go:
            return m.group(0)
        indent, comment = m.group("indent"), m.group("comment") or ""
        lines = [indent + _spell(m.group("module"), stay) + comment] if stay else []
        for module, name, alias in go:
            lines.append(indent + _spell(module, [(name, alias)]) + ("" if lines else comment))
        return "\n".join(lines)

    return _FROM.sub(one, text)


def rewrite_text(text: str, plan: Plan, symbols: tuple[SymbolMove, ...] = (), markdown: bool = False) -> str:
    r"""All the rewrites of one file's text (idempotent).

    Examples:
        >>> plan = Plan({"budgetkit.plots": "budgetkit.report.plots", "budgetkit.read_text": "budgetkit.read.text"},
        ...             strict={"budgetkit.plots", "budgetkit.read_text"})
        >>> rewrite_text("from budgetkit import plots\nsrc/budgetkit/read_text.py, .budgetkit/read_text.py", plan)
        'from budgetkit.report import plots\nsrc/budgetkit/read/text.py, .budgetkit/read_text.py'
    """
    def module_move(module: str, name: str) -> tuple[str, str] | None:
        new = plan.target(f"{PACKAGE}.{name}") if module == PACKAGE else None
        return (new.rsplit(".", 1)[0], new.rsplit(".", 1)[1]) if new else None

    def mixed(module: str, name: str) -> tuple[str, str] | None:
        # a folder named as an old module, moved before this run: a name that is one of its modules stays,
        # the rest is split off (and rewritten by the dotted pattern below)
        if module in plan.moves and module not in plan.strict and plan.children.get(module):
            return None if name in plan.children[module] else (module, name)
        return None

    def symbol_move(module: str, name: str) -> tuple[str, str] | None:
        for s in symbols:
            if name == s.name and module in (s.source, _old_of(plan, s.source)):
                return s.target, name
        return None

    if any(m in plan.moves and m not in plan.strict and plan.children.get(m) for m in plan.moves):
        text = _split_mixed(text, mixed)
    text = rewrite_dotted(text, plan)  # before the split below, whose output may name a folder like an old module
    text = split_from_imports(text, module_move)
    text = split_from_imports(text, symbol_move)
    text = _rewrite_paths(text, plan, markdown)
    for s in (s for s in symbols if not s.imports_only):
        text = re.sub(rf"(?<![\w.]){re.escape(s.source)}\.{s.name}(?!\w)", f"{s.target}.{s.name}", text)
        text = re.sub(rf'("{s.name}"\s*:\s*"){re.escape(s.source)}(")', rf"\g<1>{s.target}\g<2>", text)
    return text


def _old_of(plan: Plan, new: str) -> str:
    for old, target in plan.moves.items():
        if target == new:
            return old
    return new


def _split_mixed(text: str, mixed) -> str:
    def one(m: re.Match) -> str:
        module = m.group("module")
        names = _names(m.group("names"))
        flags = [mixed(module, n) is not None for n, _ in names]
        if all(flags) or not any(flags):
            return m.group(0)
        indent, comment = m.group("indent"), m.group("comment") or ""
        kids = [x for x, f in zip(names, flags, strict=True) if not f]
        rest = [x for x, f in zip(names, flags, strict=True) if f]
        return f"{indent}{_spell(module, kids)}{comment}\n{indent}{_spell(module, rest)}"

    return _FROM.sub(one, text)


def _rewrite_paths(text: str, plan: Plan, markdown: bool) -> str:
    for old, new in plan.moves.items():
        o, n = old.split(".", 1)[1], new.split(".", 1)[1].replace(".", "/")
        text = re.sub(rf"(?<![\w.]){PACKAGE}/{re.escape(o)}\.py(?!\w)", f"{PACKAGE}/{n}.py", text)
        if markdown:
            text = re.sub(rf"(?<=`){re.escape(o)}\.py(?=`)", f"{n}.py", text)
    return text


def deepen_file_paths(text: str, levels: int) -> str:
    """Give ``Path(__file__)``-relative paths ``levels`` more parents (a module moved that much deeper).

    Examples:
        >>> deepen_file_paths("Path(__file__).resolve().parent / 'x'; Path(__file__).parents[2]", 1)
        "Path(__file__).resolve().parents[1] / 'x'; Path(__file__).parents[3]"
    """
    def parents(m: re.Match) -> str:
        return f"{m.group(1)}.parents[{int(m.group(2)) + levels}]"

    text = re.sub(r"(Path\(__file__\)(?:\.resolve\(\))?)\.parents\[(\d+)\]", parents, text)
    return re.sub(r"(Path\(__file__\)(?:\.resolve\(\))?)\.parent(?!\w)", rf"\1.parents[{levels}]", text)


def rewrite_notebook(raw: str, rewrite) -> str:
    """Apply ``rewrite`` to the code and markdown cells of a notebook's JSON text (the rest byte for byte)."""
    nb = json.loads(raw)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") not in ("code", "markdown"):
            continue
        src = cell["source"]
        text = "".join(src) if isinstance(src, list) else src
        new = rewrite(text)
        if new != text:
            changed = True
            cell["source"] = new.splitlines(keepends=True) if isinstance(src, list) else new
    if not changed:
        return raw
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# --- the move of one function ----------------------------------------------------------------------------


def _module_file(src: Path, dotted: str) -> Path:
    rel = Path(*dotted.split(".")[1:])
    return src / (str(rel) + ".py") if (src / (str(rel) + ".py")).exists() or not (src / rel).is_dir() \
        else src / rel / "__init__.py"


def _top_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If):
            names |= _top_names(ast.Module(body=node.body, type_ignores=[]))
    return names


def _bindings(tree: ast.Module) -> dict[str, tuple[str, bool]]:
    """Each imported top-level name → (its import statement, whether under ``if TYPE_CHECKING``)."""
    out: dict[str, tuple[str, bool]] = {}

    def visit(body: list[ast.stmt], guarded: bool) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    out[a.asname or a.name] = (_spell(node.module, [(a.name, a.asname)]), guarded)
            elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                visit(node.body, True)

    visit(tree.body, False)
    return out


def _free_names(func: ast.FunctionDef) -> dict[str, bool]:
    """Names the function reads but does not bind → whether they appear only in annotations."""
    bound = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    annotations: set[int] = set()
    for a in ast.walk(func.args):
        if isinstance(a, ast.arg) and a.annotation is not None:
            annotations.update(id(n) for n in ast.walk(a.annotation))
    if func.returns is not None:
        annotations.update(id(n) for n in ast.walk(func.returns))
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    free: dict[str, bool] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound \
                and not hasattr(builtins, node.id):
            free[node.id] = free.get(node.id, True) and id(node) in annotations
    return free


def move_symbol(src: Path, move: SymbolMove, report: list[str], dry_run: bool) -> bool:
    """Move one top-level function with the imports it needs; returns whether anything changed."""
    source, target = _module_file(src, move.source), _module_file(src, move.target)
    if not source.exists() or not target.exists():
        report.append(f"symbol {move.name}: {move.source} or {move.target} not found, left alone")
        return False
    stext, ttext = source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")
    stree, ttree = ast.parse(stext), ast.parse(ttext)
    func = next((n for n in stree.body if isinstance(n, ast.FunctionDef) and n.name == move.name), None)
    if func is None:
        if move.name in _top_names(ttree):
            return False
        report.append(f"symbol {move.name}: not defined in {move.source}, left alone")
        return False
    have = _top_names(ttree)
    binds = _bindings(stree)
    runtime, typing_only = [], []
    for name, annotation_only in sorted(_free_names(func).items()):
        if name in have:
            continue
        if name not in binds:
            report.append(f"symbol {move.name}: needs {name!r}, which {move.source} defines itself; not moved")
            return False
        statement, guarded = binds[name]
        (typing_only if guarded or annotation_only else runtime).append(statement)
    lines = stext.splitlines(keepends=True)
    start = min([func.lineno, *(d.lineno for d in func.decorator_list)]) - 1
    body = lines[start:func.end_lineno]
    # an import of the target module inside the function is an import of its own module there
    target_mod = re.escape(move.target)
    body_text = re.sub(rf"^[ \t]*from {target_mod} import [^\n]*\n(?:[ \t]*\n)?", "", "".join(body), flags=re.M)
    # a bare reference in its docstring to a function it leaves behind gets the module it stays in
    left = _top_names(stree) - have - {move.name}
    body_text = re.sub(r":(func|class|data):`(\w+)`",
                       lambda m: f":{m.group(1)}:`~{move.source}.{m.group(2)}`" if m.group(2) in left else m.group(0),
                       body_text)
    if dry_run:
        report.append(f"would move {move.name}: {move.source} → {move.target} ({move.why})")
        return True
    rest = "".join(lines[:start]).rstrip("\n") + "\n"
    after = "".join(lines[func.end_lineno:]).lstrip("\n")
    stext = rest + ("\n\n" + after if after else "")
    stext = re.sub(rf'^[ \t]*"{move.name}",\n', "", stext, flags=re.M)
    source.write_text(stext, encoding="utf-8")
    ttext = _add_imports(ttext, runtime, typing_only)
    ttext = _add_to_all(ttext, move.name)
    ttext = ttext.rstrip("\n") + "\n\n\n" + body_text.rstrip("\n") + "\n"
    target.write_text(ttext, encoding="utf-8")
    report.append(f"moved {move.name}: {move.source} → {move.target} ({move.why})")
    return True


def _add_imports(text: str, runtime: list[str], typing_only: list[str]) -> str:
    tree = ast.parse(text)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    lines = text.splitlines(keepends=True)
    at = imports[-1].end_lineno if imports else 0
    add = [s + "\n" for s in runtime]
    if typing_only:
        guard = next((n for n in tree.body if isinstance(n, ast.If) and isinstance(n.test, ast.Name)
                      and n.test.id == "TYPE_CHECKING"), None)
        if guard is not None:
            lines[guard.end_lineno:guard.end_lineno] = [f"    {s}\n" for s in typing_only]
        else:
            add += ["from typing import TYPE_CHECKING\n", "\n", "if TYPE_CHECKING:\n",
                    *[f"    {s}\n" for s in typing_only]]
    lines[at:at] = add
    return "".join(lines)


def _add_to_all(text: str, name: str) -> str:
    """Add ``name`` to a one-name-a-line ``__all__``, before the first name of its kind that sorts after it."""
    m = re.search(r"^__all__ = \[\n(?P<body>(?:[ \t]+\"[^\"]+\",\n)*)\]", text, re.M)
    if not m:
        return text
    names = re.findall(r'"([^"]+)"', m.group("body"))
    if name in names:
        return text
    at = next((i for i, n in enumerate(names) if n > name and n[0].islower() == name[0].islower()), len(names))
    names.insert(at, name)
    return text[:m.start("body")] + "".join(f'    "{n}",\n' for n in names) + text[m.end("body"):]


def wrap_long_line(line: str, width: int = LINE_LENGTH) -> list[str] | None:
    """Cut a prose line of a docstring or a comment that a longer module name made too long; ``None`` if not prose.

    Examples:
        >>> cut = wrap_long_line("    # see :func:`budgetkit.analyse.reconcile.price`" + " word" * 16, 80)
        >>> [len(x) <= 80 and x.startswith("    # ") for x in cut], " ".join(cut).count("word")
        ([True, True], 16)
        >>> wrap_long_line("    x = 1  # " + "a" * 200, 80) is None
        True
    """
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith(">>>") or stripped.startswith("..."):
        return None
    if stripped.startswith("#"):
        cont = indent + "# "
    elif re.match(r"[\w*]+(?: \([^)]*\))?: ", stripped):
        cont = indent + "    "
    else:
        cont = indent
    cut = line.rfind(" ", len(indent) + 1, width + 1)
    if cut <= len(cont) + 10:
        return None
    head, tail = line[:cut].rstrip(), line[cut + 1:].strip()
    if stripped.startswith("#") and not head.lstrip().startswith("#"):
        return None
    rest = cont + tail
    more = [rest] if len(rest) <= width else wrap_long_line(rest, width)
    return None if more is None else [head, *more]


def _prose_lines(text: str) -> set[int]:
    """The line numbers (1-based) inside docstrings and comment-only lines of a module."""
    lines: set[int] = {n for n, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith("#")}
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return lines
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            lines.update(range(body[0].lineno + 1, body[0].end_lineno))
    return lines


# --- the whole tree --------------------------------------------------------------------------------------


@dataclass
class Result:
    """What one run did and found."""

    moved: list[tuple[str, str]] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _run(cmd: list[str], cwd: Path, dry_run: bool) -> None:
    if not dry_run:
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)


def _scanned(root: Path) -> list[Path]:
    seen: set[Path] = set()
    for pattern in SCAN:
        for p in root.glob(pattern):
            rel = p.relative_to(root).as_posix()
            if p.is_file() and not any(rel == e or rel.startswith(e + "/") for e in EXCLUDE) \
                    and ".egg-info" not in rel and "/.venv/" not in f"/{rel}":
                seen.add(p)
    return sorted(seen)


def restructure(root: Path, moves: dict[str, str] = MOVES, symbols: tuple[SymbolMove, ...] = SYMBOLS,
                dry_run: bool = False, sort_imports: bool = True) -> Result:
    """Move the modules of ``moves`` under ``root/src/budgetkit`` and rewrite the references (see the docstring)."""
    res = Result()
    src = root / "src" / PACKAGE
    full = {f"{PACKAGE}.{o}": f"{PACKAGE}.{n}" for o, n in moves.items()}
    strict: set[str] = set()
    for old, new in moves.items():
        flat, dest = _where(src, old, new)
        if flat.exists() and dest.exists():
            res.notes.append(f"both {flat.relative_to(root)} and {dest.relative_to(root)} exist: left alone")
        elif flat.exists():
            strict.add(f"{PACKAGE}.{old}")
        elif dest.exists():
            res.already.append(old)
        else:
            res.absent.append(old)
    known = set(moves) | set(TOP)
    folders = set(FOLDERS) | {n.split(".")[0] for n in moves.values()} | {"metadata"}
    res.unmapped = sorted([p.stem for p in src.glob("*.py") if p.stem not in known]
                          + [p.name + "/" for p in src.iterdir() if (p / "__init__.py").exists()
                             and p.name not in folders and p.name not in moves])
    on_disk = {f"{PACKAGE}.{d.relative_to(src).as_posix().replace('/', '.')}":
               {p.stem for p in d.glob("*.py") if p.stem != "__init__"} | {p.name for p in d.iterdir() if p.is_dir()}
               for d in src.rglob("*") if (d / "__init__.py").exists()}
    plan = Plan(full, strict=strict, children=on_disk)

    # 1. the moves
    for old in sorted(moves):
        if f"{PACKAGE}.{old}" not in strict:
            continue
        new = moves[old]
        folder = src.joinpath(*new.split(".")[:-1])
        if not dry_run:
            _make_folder(root, src, folder)
        flat, dest = _where(src, old, new)
        _run(["git", "mv", str(flat.relative_to(root)), str(dest.relative_to(root))], root, dry_run)
        if not dry_run:
            depth = len(new.split(".")) - len(old.split("."))
            for path in sorted(dest.rglob("*.py")) if dest.is_dir() else [dest]:
                text = path.read_text(encoding="utf-8")
                deeper = deepen_file_paths(text, depth)
                if deeper != text:
                    path.write_text(deeper, encoding="utf-8")
                    res.notes.append(f"{path.relative_to(root)}: Path(__file__) paths {depth} folder(s) deeper")
        res.moved.append((old, new))
    if strict and not dry_run:
        _anchor_gitignore(root, res)

    # 2. the references; 3. the symbols
    lengths: dict[Path, set[str]] = {}
    for path in _scanned(root):
        raw = path.read_text(encoding="utf-8")
        lengths[path] = {ln for ln in raw.splitlines() if len(ln) > LINE_LENGTH}
        md = path.suffix == ".md"
        if path.suffix == ".ipynb":
            new_text = rewrite_notebook(raw, lambda t: rewrite_text(t, plan, symbols, markdown=True))
        else:
            new_text = rewrite_text(raw, plan, symbols, markdown=md)
        if new_text != raw:
            res.rewritten.append(path.relative_to(root).as_posix())
            if not dry_run:
                path.write_text(new_text, encoding="utf-8")
    touched = {root / r for r in res.rewritten}
    for move in (m for m in symbols if not m.imports_only):
        if move_symbol(src, move, res.notes, dry_run) and not dry_run:
            touched |= {_module_file(src, move.source), _module_file(src, move.target)}
            _ruff(root, ["--select", "F401", "--fix"], [_module_file(src, move.source)], res)
            _ruff(root, ["--select", "F401", "--fix"], [_module_file(src, move.source)], res)
            _drop_empty_guard(_module_file(src, move.source))

    # 4. tidy and check
    if dry_run:
        return res
    moved = [_where(src, o, n)[1] for o, n in res.moved]
    py = sorted(p for p in touched | {q for d in moved for q in (d.rglob("*.py") if d.is_dir() else [d])}
                if p.suffix == ".py" and p.exists())
    if sort_imports and py:
        _ruff(root, ["--select", "I", "--fix"], py, res)
    for path in py:
        before = lengths.get(path, set())
        text = path.read_text(encoding="utf-8")
        prose, out, changed = _prose_lines(text), [], False
        for n, ln in enumerate(text.splitlines(), 1):
            if len(ln) > LINE_LENGTH and ln not in before:
                cut = wrap_long_line(ln) if n in prose else None
                if cut is None:
                    res.notes.append(f"{path.relative_to(root)}:{n}: longer than {LINE_LENGTH} after the rewrite")
                else:
                    out += cut
                    changed = True
                    continue
            out.append(ln)
        if changed:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    strict_plan = Plan(full, strict=set(full))
    for path in _scanned(root):
        text = path.read_text(encoding="utf-8")
        for m in strict_plan._dotted.finditer(text) if strict_plan._dotted else ():
            old = f"{PACKAGE}.{m.group('old')}"
            after = text[m.end():m.end() + 40]
            kids = plan.children.get(old, set())
            if kids and re.match(rf"(?:\.| import \(?\s*)(?:{'|'.join(map(re.escape, kids))})(?!\w)", after):
                continue
            line = text.count("\n", 0, m.start()) + 1
            res.notes.append(f"{path.relative_to(root)}:{line}: still names {old}")
    return res


def _where(src: Path, old: str, new: str) -> tuple[Path, Path]:
    """The old and new place of a module (``x.py``) or of a package (``x/``), whichever the old one is.

    A module file wins over a folder of the same name (``build.py`` beside the new ``build/``).
    """
    o, n = old.replace(".", "/"), new.replace(".", "/")
    if (src / f"{o}.py").exists() or (src / f"{n}.py").exists():
        return src / f"{o}.py", src / f"{n}.py"
    if (src / o / "__init__.py").exists() or (src / n / "__init__.py").exists():
        return src / o, src / n
    return src / f"{o}.py", src / f"{n}.py"


def _make_folder(root: Path, src: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    init = folder / "__init__.py"
    if not init.exists():
        job = FOLDERS.get(folder.name, f"The {folder.name} stage.")
        init.write_text(f'"""{job}"""\n', encoding="utf-8")
        subprocess.run(["git", "add", "-f", str(init.relative_to(root))], cwd=root, check=True)


def _anchor_gitignore(root: Path, res: Result) -> None:
    path = root / ".gitignore"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"^build/$", "/build/", text, flags=re.M)
    if new != text:
        path.write_text(new, encoding="utf-8")
        res.notes.append(".gitignore: build/ anchored to the root (/build/), so src/budgetkit/build/ is not ignored")


def _drop_empty_guard(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"\nif TYPE_CHECKING:\n(?:[ \t]*pass\n)?(?=\n|\Z)", "\n", text)
    if "TYPE_CHECKING" not in new.replace("from typing import TYPE_CHECKING", ""):
        new = re.sub(r"^from typing import TYPE_CHECKING\n", "", new, flags=re.M)
        new = re.sub(r"^(from typing import .*?)TYPE_CHECKING, ", r"\1", new, flags=re.M)
        new = re.sub(r"^(from typing import .*?), TYPE_CHECKING\n", r"\1\n", new, flags=re.M)
    new = re.sub(r"\n{4,}", "\n\n\n", new)
    if new != text:
        path.write_text(new, encoding="utf-8")


#: Where ruff is looked for besides PATH: the project's venv, and beside the interpreter given with --python.
RUFF_PLACES: list[Path] = []


def _ruff(root: Path, args: list[str], files: list[Path], res: Result) -> None:
    places = [root / ".venv/bin/ruff", *RUFF_PLACES]
    ruff = next((str(p) for p in places if p.exists()), None) or shutil.which("ruff")
    if ruff is None:
        res.notes.append(f"ruff not found: run `ruff check {' '.join(args)}` on the moved files yourself")
        return
    subprocess.run([ruff, "check", "--quiet", *args, *map(str, files)], cwd=root, capture_output=True, text=True)


def verify(root: Path, python: str) -> tuple[bool, str]:
    """Import every module of the package and every name of its lazy export map in a fresh interpreter."""
    code = (
        "import importlib, pkgutil, budgetkit, sys\n"
        "bad = []\n"
        "for m in pkgutil.walk_packages(budgetkit.__path__, 'budgetkit.'):\n"
        "    if m.name.endswith('__main__'): continue\n"
        "    try: importlib.import_module(m.name)\n"
        "    except Exception as e: bad.append(f'{m.name}: {type(e).__name__}: {e}')\n"
        "for name, mod in budgetkit._EXPORTS.items():\n"
        "    try: getattr(importlib.import_module(mod), name)\n"
        "    except Exception as e: bad.append(f'export {name} from {mod}: {type(e).__name__}: {e}')\n"
        "print('\\n'.join(bad) or 'every module and export imports'); sys.exit(1 if bad else 0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    done = subprocess.run([python, "-c", code], cwd=root, capture_output=True, text=True, env=env)
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    parser.add_argument("--move", action="append", default=[], metavar="OLD=NEW",
                        help="one more (or another) move, e.g. --move units=vocab.units")
    parser.add_argument("--no-verify", action="store_true", help="skip importing every module afterwards")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that imports the package")
    args = parser.parse_args(argv)
    RUFF_PLACES.append(Path(args.python).parent / "ruff")
    moves = dict(MOVES)
    for spec in args.move:
        old, _, new = spec.partition("=")
        moves[old.strip()] = new.strip()
    res = restructure(args.root.resolve(), moves, dry_run=args.dry_run)
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {len(res.moved)} module(s); {len(res.already)} already in place; "
          f"{len(res.absent)} in the map but not in the package; "
          f"{'would rewrite' if args.dry_run else 'rewrote'} references in {len(res.rewritten)} file(s)")
    for old, new in res.moved:
        print(f"  {old} → {new}")
    if res.absent:
        print("in the map, not found (gone or renamed?): " + ", ".join(res.absent))
    if res.unmapped:
        print("unmapped, left on top (add to MOVES or pass --move OLD=NEW, and run again): " + ", ".join(res.unmapped))
    for note in res.notes:
        print(f"note: {note}")
    if args.dry_run or args.no_verify:
        return 0
    ok, out = verify(args.root.resolve(), args.python)
    print(out)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
