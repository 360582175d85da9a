"""Every reader through parse: answer keys rendered as HTML, XLSX and DOCX read back to the key (score 1.000)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from budgetkit.parse import parse_file
from budgetkit.tables import write_tables
from render import RENDERERS, SHARED, SUFFIX, corpus_keys, seed_key

SCORER = SHARED / "tools" / "score_corpus.py"


def _scorer():
    if not SCORER.exists():
        pytest.skip(f"{SCORER} is absent: the corpus scorer is needed to score renderings")
    spec = importlib.util.spec_from_file_location("score_corpus", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KEYS = corpus_keys()
if not KEYS:
    print(f"tests/test_readers.py: {SHARED / 'corpus'} is absent; only the seed is rendered")
CASES = [("seed", seed_key())] + KEYS


def scorable(key: dict) -> dict:
    """The key with a level printed blank (``""``) read as unconstrained (``None``).

    The scorer matches a level against the printed or canonical labels of the output
    and never matches ``""`` (its label set is empty), so a key row whose level-1 cell
    is printed blank (the jgw26 keys' first row) could not be matched by any output.
    """
    projects = [dict(p, indicators=[{k: (None if k in ("level1", "level2") and v == "" else v)
                                     for k, v in i.items()} for i in p.get("indicators", [])])
                for p in key["projects"]]
    return dict(key, projects=projects)


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize(("name", "key"), CASES, ids=[n for n, _ in CASES])
def test_rendering_reads_back_to_its_key(tmp_path, name, key, fmt):
    score = _scorer()
    path = RENDERERS[fmt](key, tmp_path / f"{name[:40]}{SUFFIX[fmt]}")
    tables = parse_file(path, year=key.get("year"))
    out = tmp_path / "out"
    write_tables(tables, out)
    f1, _, findings = score.score_doc(scorable(key), Path(out))
    assert f1 == 1.0, "\n".join(findings)
