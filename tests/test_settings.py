"""The reading's thresholds and costs in one validated settings object (issue 22: ``model/settings.py``).

Each row of ``metadata/reading_settings.csv`` is checked (kind, range, name once); each names the module
constant it sets, and that constant reads it by name; a reading module defines no numeric constant of its own
outside the allow-list below (which may only shrink).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from budgetkit.errors import ParameterError
from budgetkit.model.settings import check_settings, reading_settings, setting

SRC = Path(__file__).resolve().parents[1] / "src" / "budgetkit"
#: The stages whose numbers are reading rules' thresholds.
READING = ("read", "segment", "recognise", "vocab")
#: Numeric module constants of the reading stages that are no threshold (a format's fixed number), by module.
ALLOWED: dict[str, set[str]] = {"read/limits.py": {"LIBXML2_DEPTH"}}  # libxml2's own nesting limit

_ROW = {"name": "t.lines", "value": "2", "kind": "int", "low": "1", "high": "20", "unit": "lines",
        "site": "recognise/t.py:_LINES", "what": "blank lines that part two pages"}


@pytest.mark.parametrize(("change", "message"), [
    pytest.param({"value": "二"}, "'二' is not a number of kind 'int'", id="chinese-numeral"),
    pytest.param({"value": "2.5"}, "'2.5' is not a number of kind 'int'", id="float-for-int"),
    pytest.param({"value": ""}, "'' is not a number", id="empty-value"),
    pytest.param({"kind": "整数"}, "of kind '整数'", id="unknown-kind"),
    pytest.param({"value": "21"}, "21 is outside 1 … 20", id="above-range"),
    pytest.param({"value": "-1"}, "-1 is outside 1 … 20", id="below-range"),
    pytest.param({"low": "一"}, "'一' is not a number of kind 'float'", id="chinese-bound"),
    pytest.param({"name": ""}, "needs a name, a site and what it means", id="no-name"),
    pytest.param({"site": ""}, "needs a name, a site and what it means", id="no-site"),
])
def test_a_bad_row_is_an_error_naming_its_line(change, message):
    with pytest.raises(ParameterError, match=re.escape(message)) as e:
        check_settings([dict(_ROW, **change)])
    assert "metadata/reading_settings.csv line 2" in str(e.value)


@pytest.mark.parametrize(("value", "kind", "expected"), [
    pytest.param("2", "int", 2, id="int"),
    pytest.param("０.5", "float", 0.5, id="fullwidth-digit-float"),
    pytest.param(" 3 ", "int", 3, id="padded"),
    pytest.param("1e1", "float", 10.0, id="exponent"),
])
def test_a_good_row_reads_its_value(value, kind, expected):
    got = check_settings([dict(_ROW, value=value, kind=kind, low="0")])["t.lines"].value
    assert got == expected and type(got) is type(expected)


def test_a_name_twice_is_an_error():
    with pytest.raises(ParameterError, match="line 3 .*stands twice"):
        check_settings([_ROW, dict(_ROW, value="3")])


def test_an_unknown_setting_is_an_error_naming_it():
    with pytest.raises(ParameterError, match="'align.no-such'"):
        setting("align.no-such")


def _module_constants(path: Path) -> dict[str, ast.expr]:
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        for t in targets:
            if isinstance(t, ast.Name) and t.id.lstrip("_").isupper():
                out[t.id] = node.value
    return out


@pytest.mark.parametrize("name", sorted(reading_settings()))
def test_each_setting_sets_the_constant_its_site_names(name):
    module, const = reading_settings()[name].site.split(":")
    value = _module_constants(SRC / module).get(const)
    assert value is not None, f"{module} defines no {const}"
    assert (isinstance(value, ast.Call) and getattr(value.func, "id", None) == "setting"
            and [a.value for a in value.args if isinstance(a, ast.Constant)] == [name]), \
        f"{module}: {const} should read setting({name!r})"


def test_reading_modules_define_no_threshold_of_their_own():
    found = {}
    for stage in READING:
        for path in sorted((SRC / stage).rglob("*.py")):
            module = str(path.relative_to(SRC))
            numbers = {n for n, v in _module_constants(path).items() if isinstance(v, ast.Constant)
                       and isinstance(v.value, int | float) and not isinstance(v.value, bool)}
            if numbers - ALLOWED.get(module, set()):
                found[module] = sorted(numbers - ALLOWED.get(module, set()))
    assert not found, f"numbers a reading rule weighs belong in metadata/reading_settings.csv: {found}"
