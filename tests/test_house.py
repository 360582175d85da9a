"""The house rules of the package (issue 22), read from its source with ``ast`` (nothing is imported).

- no import circle (imports at module level and inside functions alike; ``if TYPE_CHECKING`` ones left out);
- no upward import between the stage folders (:data:`ORDER`), once the package is in folders
  (``.ci/restructure.py``); skipped, with the reason, while it is flat;
- an import inside a function says why on its line (``# lazy: <reason>``); today's imports without one are a
  ratchet (:data:`LAZY`): a module may lose them, never gain one;
- knowledge lives in ``metadata/*.csv``: a module's module-level string constants with Chinese in them
  (:data:`CJK`) and its string literals with a comparator sign (≥ ≤ ＞ ＜ …, or ``<``/``>`` in a regex)
  (:data:`COMPARATORS`) may only get fewer.

The allow-lists are keyed by dotted module name, so ``.ci/restructure.py`` moves them with the modules. When a
count goes down, lower it here (the test prints which); ``python tests/test_house.py`` prints today's counts
in the form of the lists, for a new baseline after a merge (review what went up first: it should have gone to
``metadata/`` or have a ``# lazy:`` reason).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "budgetkit"

#: The stages in import order: a module may import from its own stage and the stages before it, never after.
#: Names are folders of the package, or modules that stay on top (errors below everything, parse the
#: orchestration between recognition and the analyses, the command line above everything).
ORDER = ("errors", "model", "vocab", "segment", "read", "recognise", "parse", "analyse", "project", "scale",
         "report", "build", "cli", "__main__")

#: Folders that hold data, not modules of a stage.
NOT_STAGES = {"metadata"}

#: Circles allowed, with why (both ends in one stage folder; to be cut, not to grow).
CIRCLES = {
    frozenset({"budgetkit.analyse.compare", "budgetkit.analyse.links"}):
        "links imports compare.strip_year at the top, compare imports links.name_key inside functions: strip_year "
        "(and its _YEAR pattern) belongs beside name_key in links",
}

#: Circles allowed while the package is flat, with why; none once it is in folders.
CIRCLES_WHILE_FLAT = {
    frozenset({"budgetkit.parse", "budgetkit.scale.batch"}):
        "parse.parse_year calls batch.parse_files and batch's workers call parse: .ci/restructure.py moves "
        "parse_year beside parse_files (scale/batch.py)",
}

#: Imports inside functions without a ``# lazy: <reason>`` comment, per module (the ratchet's ceiling).
LAZY: dict[str, int] = {}  # none: every import inside a function says why

#: Chinese string literals in module-level constants, per module (the ratchet's ceiling).
CJK = {
    "budgetkit.analyse.audit": 8,
    "budgetkit.analyse.compare": 1,
    "budgetkit.analyse.cost_explanations": 3,
    "budgetkit.analyse.goal_amounts": 1,
    "budgetkit.analyse.rules101.checks": 12,
    "budgetkit.analyse.rules101.context": 7,
    "budgetkit.analyse.rules101.run": 4,
    "budgetkit.analyse.rules101.shapes": 5,
    "budgetkit.model.normalize": 118,
    "budgetkit.read.pdf_tables": 1,
    "budgetkit.read.xlsx": 1,
    "budgetkit.recognise.align_shapes": 21,
    "budgetkit.recognise.grid_head": 2,
    "budgetkit.recognise.header": 2,
    "budgetkit.recognise.header_goals": 1,
    "budgetkit.recognise.header_labels": 1,
    "budgetkit.recognise.packed_cells": 1,  # the enumeration comma of a packed item (1、), structure rather than a word
    "budgetkit.recognise.regions": 2,
    "budgetkit.recognise.run_together": 1,
    "budgetkit.recognise.tables": 2,
    "budgetkit.report.figure_base": 1,
    "budgetkit.report.params": 10,
    "budgetkit.report.quality_plots": 3,
    "budgetkit.scale.synthetic": 1,
    "budgetkit.segment.enumerated": 1,
    "budgetkit.segment.term_cuts": 7,
    "budgetkit.segment.token_stream": 1,
    "budgetkit.vocab.deadlines": 13,
    "budgetkit.vocab.name_quantity": 2,
    "budgetkit.vocab.units": 2,
    "budgetkit.vocab.vocabulary": 4,
}

#: String literals with a comparator sign, per module (the ratchet's ceiling).
COMPARATORS = {
    "budgetkit.analyse.achievement": 1,
    "budgetkit.analyse.cost_explanations": 1,
    "budgetkit.analyse.met": 7,
    "budgetkit.analyse.rules101.checks": 1,
    "budgetkit.analyse.rules101.shapes": 4,
    "budgetkit.recognise.align_shapes": 2,
    "budgetkit.recognise.compose": 6,  # the comparators a target opens with, moved from tables
    "budgetkit.recognise.grid_columns": 1,
    "budgetkit.recognise.grid_rows": 1,
    "budgetkit.segment.target_runs": 1,
    "budgetkit.segment.term_cuts": 1,
    "budgetkit.vocab.deadlines": 3,
    "budgetkit.vocab.name_quantity": 2,
    "budgetkit.vocab.values": 8,
}

_CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
#: Comparator signs as printed (NFKC keeps ≥ ≤ ≧ ≦ ⩾ ⩽ ≮ ≯; ＞ ＜ ＝ are full-width forms of > < =).
_COMPARATOR_RE = re.compile(r"[≥≤≧≦⩾⩽≮≯＞＜]")
#: A regex's own use of < and >: named groups, group references, look-behinds; and HTML tags it looks for.
_REGEX_SYNTAX_RE = re.compile(r"\(\?P?<(?:[=!]|\w+>)|\(\?P=\w+\)|\\g<\w+>|</?[A-Za-z][^<>]*>")
_RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


@dataclass(frozen=True)
class Import:
    """One import statement's edge from a module of the package to one of its modules."""

    source: str
    target: str
    lazy: bool
    typing_only: bool
    lineno: int


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _walk(body: list[ast.stmt], lazy: bool, typing_only: bool):
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, lazy, typing_only
        guarded = typing_only or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                yield from _walk(children, inner, guarded if field == "body" else typing_only)
        for case in getattr(node, "cases", []):
            yield from _walk(case.body, inner, typing_only)


def statements(path: Path):
    """Every import statement of a module: ``(node, inside a function, under if TYPE_CHECKING)``."""
    yield from _walk(ast.parse(path.read_text(encoding="utf-8")).body, False, False)


def imports(known: dict[str, Path] | None = None) -> list[Import]:
    """The package's imports of its own modules."""
    known = known or modules()
    out = []
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        for node, lazy, typing_only in statements(path):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            for target in targets:
                resolved = _resolve(target, known) if target.split(".")[0] == "budgetkit" else None
                if resolved and resolved != name:
                    out.append(Import(name, resolved, lazy, typing_only, node.lineno))
    return out


def circles(edges: list[Import]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if not e.typing_only:
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def is_flat() -> bool:
    """Whether the package is still flat (no stage folder yet: ``.ci/restructure.py`` has not run)."""
    return not (PACKAGE / "model" / "__init__.py").is_file()


def stage(module: str) -> str:
    """The stage a module belongs to: its folder under the package, or its own name on top."""
    return module.split(".")[1] if "." in module else "__init__"


def lazy_without_reason(path: Path) -> int:
    """Imports inside functions of a module with no ``# lazy: <reason>`` comment on their lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(
        1 for node, lazy, _ in statements(path)
        if lazy and not any(re.search(r"#\s*lazy:\s*\S", ln) for ln in lines[node.lineno - 1: node.end_lineno])
    )


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            out.add(id(body[0].value))
    return out


def _module_level(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            yield node.value
        elif isinstance(node, (ast.If, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(node, field, []))


def knowledge(path: Path) -> tuple[int, int]:
    """``(Chinese literals in module-level constants, string literals with a comparator sign)`` of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    cjk = sum(1 for value in _module_level(tree.body) for n in ast.walk(value)
              if isinstance(n, ast.Constant) and isinstance(n.value, str) and _CJK_RE.search(n.value))
    docs = _docstrings(tree)
    regexes = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and n.args and isinstance(n.func, ast.Attribute) and n.func.attr in _RE_FUNCS \
                and isinstance(n.func.value, ast.Name) and n.func.value.id == "re":
            regexes.update(id(c) for c in ast.walk(n.args[0]) if isinstance(c, ast.Constant))
    comparators = 0
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            text = n.value
            if _COMPARATOR_RE.search(text) or (id(n) in regexes and re.search(r"[<>]", _REGEX_SYNTAX_RE.sub("", text))):
                comparators += 1
    return cjk, comparators


@cache
def counts() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Today's ``(LAZY, CJK, COMPARATORS)`` counts, modules with none left out."""
    lazy, cjk, comp = {}, {}, {}
    for name, path in modules().items():
        if "metadata" in path.relative_to(PACKAGE).parts:
            continue
        n = lazy_without_reason(path)
        c, k = knowledge(path)
        for table, value in ((lazy, n), (cjk, c), (comp, k)):
            if value:
                table[name] = value
    return lazy, cjk, comp


# --- the checks -----------------------------------------------------------------------------------------


def test_no_import_circle():
    edges = imports()
    statements = {(e.source, e.lineno, e.lazy) for e in edges}
    print(f"{len(modules())} modules, {len({(e.source, e.target) for e in edges})} import arrows from "
          f"{sum(not lazy for *_, lazy in statements)} module-level import statements and "
          f"{sum(lazy for *_, lazy in statements)} inside functions")
    found = circles(edges)
    allowed = {**CIRCLES, **CIRCLES_WHILE_FLAT} if is_flat() else CIRCLES
    for group in found:
        if group in allowed:
            print(f"allowed: {' <-> '.join(sorted(group))}: {allowed[group]}")
    new = [sorted(g) for g in found if g not in allowed]
    assert not new, f"import circles (module-level and in-function imports): {new}"


def test_no_upward_import_between_stages():
    if is_flat():
        pytest.skip("the package is still flat (no src/budgetkit/model/): run .ci/restructure.py to put it in "
                    "stage folders; the stage order is checked from then on")
    rank = {name: i for i, name in enumerate(ORDER)}
    known = modules()
    homeless = sorted({stage(m) for m in known} - set(rank) - {"__init__"} - NOT_STAGES)
    assert not homeless, (f"modules or folders in no stage of ORDER: {homeless}; put a module in the stage "
                          "folder of its job (or add a new stage to ORDER, in import order)")
    upward = sorted(
        f"{e.source} ({stage(e.source)}) imports {e.target} ({stage(e.target)}), line {e.lineno}"
        for e in imports(known)
        if stage(e.source) != "__init__" and stage(e.target) != "__init__"
        and rank[stage(e.target)] > rank[stage(e.source)]
    )
    assert not upward, "upward imports (a stage imports a later one):\n" + "\n".join(upward)


def _ratchet(found: dict[str, int], allowed: dict[str, int], what: str) -> None:
    lower = {m: (allowed[m], found.get(m, 0)) for m in allowed if found.get(m, 0) < allowed[m]}
    if lower:
        print(f"{what}: fewer than allowed, lower the allow-list: {lower}")
    more = {m: (allowed.get(m, 0), n) for m, n in found.items() if n > allowed.get(m, 0)}
    assert not more, f"{what} went up (module: (allowed, found)): {more}"


def test_imports_inside_functions_say_why():
    lazy, _, _ = counts()
    _ratchet(lazy, LAZY, "imports inside functions without a '# lazy: <reason>' comment")


def test_knowledge_lives_in_metadata():
    _, cjk, comp = counts()
    _ratchet(cjk, CJK, "Chinese string literals in module-level constants (put the words in metadata/*.csv)")
    _ratchet(comp, COMPARATORS, "string literals with a comparator sign (comparators belong in metadata/)")


#: Metadata files with one registry module: only it reads the file; every other module asks the registry.
REGISTRIES = {
    "units": "budgetkit.vocab.units",
    "comparators": "budgetkit.vocab.comparators",
    "cost_words": "budgetkit.analyse.cost_words",
}


def metadata_readers(path: Path) -> set[str]:
    """The metadata files a module reads itself: the literal names of its ``read_metadata("…")`` calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.args[0].value for n in ast.walk(tree)
        if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant)
        and isinstance(n.args[0].value, str)
        and (getattr(n.func, "id", None) or getattr(n.func, "attr", None)) == "read_metadata"
    }


@pytest.mark.parametrize("name, registry", [pytest.param(n, m, id=n) for n, m in REGISTRIES.items()])
def test_one_registry_reads_each_kind_of_knowledge(name, registry):
    readers = sorted(m for m, path in modules().items() if name in metadata_readers(path))
    assert readers == [registry], (f"metadata/{name}.csv is read by {readers}; only {registry} may read it "
                                   f"(ask it, or add what you need to it)")


@pytest.mark.parametrize("source, expected", [
    pytest.param('read_metadata("units")\n', {"units"}, id="call"),
    pytest.param('fields.read_metadata("comparators")\n', {"comparators"}, id="attribute-call"),
    pytest.param('read_metadata(name)\n', set(), id="not-a-literal"),
    pytest.param('"read_metadata(\'units\')"\n', set(), id="in-a-string"),
])
def test_metadata_readers_counting(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert metadata_readers(path) == expected


def _comparator_rows() -> list[dict[str, str]]:
    import csv

    with (PACKAGE / "metadata" / "comparators.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_comparators_registry_is_consistent():
    """Each sign has one bound; the canonical signs are printed signs of their own; a role numbers its rows 1…n."""
    rows = _comparator_rows()
    printed = [r["printed"] for r in rows]
    assert len(printed) == len(set(printed)), "a comparator printed twice in comparators.csv"
    bounds = {}
    for r in rows:
        assert bounds.setdefault(r["op"], r["bound"]) == r["bound"], f"{r['op']} has two bounds ({r['printed']})"
    assert set(bounds) <= {r["printed"] for r in rows if r["value_sign"] and r["op"] == r["printed"]}
    roles = [c for c in rows[0] if c not in {"printed", "op", "bound", "note"}]
    for role in roles:
        order = sorted(int(r[role]) for r in rows if r[role])
        assert order == list(range(1, len(order) + 1)), f"role {role} is not numbered 1..n: {order}"


# --- the house checks check what they say ---------------------------------------------------------------


@pytest.mark.parametrize("source, expected", [
    pytest.param("def f():\n    import os  # lazy: only the CLI needs it\n", 0, id="reason-on-the-line"),
    pytest.param("def f():\n    import os\n", 1, id="no-reason"),
    pytest.param("def f():\n    from a import (\n        b,  # lazy: circle with a\n    )\n", 0,
                 id="reason-inside-a-wrapped-import"),
    pytest.param("def f():\n    import os  # lazy:\n", 1, id="empty-reason"),
    pytest.param("import os\nif True:\n    import re\n", 0, id="module-level-is-not-lazy"),
    pytest.param("class A:\n    def m(self):\n        import os\n", 1, id="method"),
])
def test_lazy_counting(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert lazy_without_reason(path) == expected


@pytest.mark.parametrize("source, expected", [
    pytest.param('WORDS = ("其中", "含")\n', (2, 0), id="cjk-tuple"),
    pytest.param('"""项目名称 in a docstring."""\n', (0, 0), id="docstring-is-not-knowledge"),
    pytest.param('def f(x):\n    return x == "其中"\n', (0, 0), id="in-a-function-is-not-a-constant"),
    pytest.param('import re\nOP = re.compile(r"(?P<op>≥|＞)")\n', (0, 1), id="comparator-sign-in-a-regex"),
    pytest.param('import re\nR = re.compile(r"(?P<num>\\d+)(?<=1)")\n', (0, 0), id="regex-named-group-no-sign"),
    pytest.param('import re\nR = re.compile(r"[<>]=?\\d")\n', (0, 1), id="ascii-comparator-in-a-regex"),
    pytest.param('HTML = "<td>"\n', (0, 0), id="ascii-angle-outside-a-regex"),
    pytest.param('X: dict = {"不低于": "≥"}\n', (1, 1), id="annotated-constant"),
])
def test_knowledge_counting(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert knowledge(path) == expected


def test_circles_found():
    edges = [Import("a", "b", False, False, 1), Import("b", "c", True, False, 1), Import("c", "a", False, False, 1),
             Import("c", "d", False, False, 1), Import("d", "e", False, True, 1), Import("e", "d", False, False, 1)]
    assert circles(edges) == [frozenset({"a", "b", "c"})]


if __name__ == "__main__":
    for title, table in zip(("LAZY", "CJK", "COMPARATORS"), counts(), strict=True):
        print(f"{title} = {{")
        for name in sorted(table):
            print(f'    "{name}": {table[name]},')
        print("}")
