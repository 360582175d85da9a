"""Every reading rule traceable (issue 22): ``metadata/reading_rules.csv`` and the guards in the code agree.

- every rule id of the table is guarded somewhere in the package (``rules.enabled("<id>")``), and every
  guard's id is in the table;
- each row names a site (``module.py:function``) that exists, a family, what the rule does, and tests whose
  files exist;
- the switch (:mod:`budgetkit.model.rules`): an unknown id is an error naming it, wherever it comes from.

Whether each rule's tests fail with the rule switched off is ``benchmarks/rules_switch_off.py`` (in ``.ci/run``).
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from budgetkit.errors import ParameterError
from budgetkit.model import rules
from budgetkit.parse import parse_lines

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src/budgetkit"
TABLE = PACKAGE / "metadata/reading_rules.csv"
COLUMNS = ["rule_id", "stage", "site", "family", "what", "reason", "tests"]
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")


def _table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _guards() -> dict[str, list[str]]:
    """Rule ids guarded in the package: ``rules.enabled("<id>")`` calls, by id, with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "model/rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "enabled" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "rules":
                arg = node.args[0] if node.args else None
                assert isinstance(arg, ast.Constant), f"{path}:{node.lineno}: rules.enabled takes a literal rule id"
                found.setdefault(arg.value, []).append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_table_has_its_columns_and_unique_ids():
    with TABLE.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    ids = [r["rule_id"] for r in _table()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert not [i for i in ids if not _ID_RE.match(i)], "rule ids are short slugs: area.what-it-does"


def test_every_rule_is_guarded_and_every_guard_is_listed():
    listed = {r["rule_id"] for r in _table()}
    guarded = _guards()
    assert sorted(listed - set(guarded)) == [], "rules in the table with no rules.enabled(...) guard in the code"
    assert {g: guarded[g] for g in sorted(set(guarded) - listed)} == {}, "guards whose id is not in the table"


@pytest.mark.parametrize("row", _table(), ids=lambda r: r["rule_id"])
def test_row_names_its_site_family_and_tests(row):
    module, _, function = row["site"].partition(":")
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert re.search(rf"^\s*def {re.escape(function)}\(", source, re.M), f"{row['site']}: no such function"
    assert row["stage"] == module.split("/")[0], f"{row['rule_id']}: stage {row['stage']} but site {module}"
    assert row["family"] and row["what"], row["rule_id"]
    assert row["tests"].split(), f"{row['rule_id']}: no test listed"
    for test in row["tests"].split():
        assert (ROOT / test.split("::")[0]).exists(), f"{row['rule_id']}: {test}: no such file"


@pytest.mark.parametrize("rule_ids", [
    pytest.param(("no.such-rule",), id="unknown-id"),
    pytest.param(("value.compose-unit-cell", "表格.结束"), id="one-unknown-among-known-cjk"),
])
def test_unknown_rule_id_is_an_error_naming_it(rule_ids, monkeypatch):
    bad = next(r for r in rule_ids if r not in rules.known())
    with pytest.raises(ParameterError, match=re.escape(bad)):
        with rules.switched_off(*rule_ids):
            pass
    monkeypatch.setenv(rules.ENV, ",".join(rule_ids))
    with pytest.raises(ParameterError, match=re.escape(bad)):
        rules.enabled("value.compose-unit-cell")


@pytest.mark.parametrize("env, rule_id, on", [
    pytest.param("", "table.end-at-signature", True, id="nothing-off"),
    pytest.param("table.end-at-signature", "table.end-at-signature", False, id="one-off"),
    pytest.param(" table.end-at-signature , value.compose-unit-cell ", "value.compose-unit-cell", False,
                 id="two-off-with-spaces"),
    pytest.param("value.compose-unit-cell", "table.end-at-signature", True, id="another-off"),
])
def test_env_switches_rules_off(env, rule_id, on, monkeypatch):
    monkeypatch.setenv(rules.ENV, env)
    assert rules.enabled(rule_id) is on


#: A flattened page: the table's last target with the next notice's signature glued to it (table-ends).
_GLUED = ("项目支出绩效目标表\n项目名称 职工疗休养补助\n一级指标 二级指标 三级指标 指标值\n"
          "产出指标 数量指标 疗休养人次 ≥300人次\n满意度指标 服务对象满意度指标 职工满意度≥90%填报人:张三 联系电话:12345\n")


def test_fired_names_the_rules_a_reading_used():
    with rules.fired() as seen:
        tables = parse_lines(_GLUED.splitlines(), "glued.txt")
    assert seen["table.end-at-signature"] >= 1
    assert "填报人" not in "".join(tables.indicators["value"].fillna(""))
    with rules.switched_off("table.end-at-signature"), rules.fired() as off:
        parse_lines(_GLUED.splitlines(), "glued.txt")
    assert off["table.end-at-signature"] >= 1  # it was reached, and did not act


@pytest.mark.parametrize("reason", sorted({r["reason"] for r in _table() if r["reason"]}))
def test_reasons_name_their_rule(reason):
    assert rules.rule_of_reason(reason) in rules.known()
