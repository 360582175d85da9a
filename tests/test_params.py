"""Notebook parameters: unknown names, wrong types and impossible years fail fast with ParameterError."""

from __future__ import annotations

import types

import pytest

from budgetkit.errors import BudgetkitError, ParameterError
from budgetkit.report.params import NOTEBOOKS, PARAMETERS, describe_params, validate_params


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        pytest.param({"yaer": 2025}, "unknown parameter 'yaer'", id="misspelt-year"),
        pytest.param({"year": 2025, "年度": 2025}, "unknown parameter '年度'", id="chinese-name"),
        pytest.param({"a": 1, "b": 2}, "unknown parameters 'a', 'b'", id="two-unknown"),
        pytest.param({"year": "2025"}, "'year' must be int, got str: '2025'", id="year-as-text"),
        pytest.param({"year": 2025.0}, "'year' must be int, got float", id="year-as-float"),
        pytest.param({"year": True}, "'year' must be int, got bool", id="year-as-bool"),
        pytest.param({"year": 25}, "budget year in 2000–2100, got 25", id="two-digit-year"),
        pytest.param({"year": 20255}, "got 20255", id="five-digit-year"),
        pytest.param({"year": 2025, "root": 0}, "'root' must be str", id="root-not-text"),
        pytest.param({"year": 2025, "raw_dir": None}, "'raw_dir' must be str, got NoneType", id="raw-dir-none"),
    ],
)
def test_bad_parameters_raise(namespace, message):
    with pytest.raises(ParameterError, match=message) as err:
        validate_params(namespace, "01_clean")
    assert isinstance(err.value, BudgetkitError)
    assert str(err.value).startswith("01_clean: ")


def test_unknown_notebook():
    with pytest.raises(ParameterError, match="unknown notebook '06_more'"):
        validate_params({}, "06_more")


@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_notebook_namespace_is_accepted(tmp_path, notebook):
    """A notebook's globals hold modules, functions, IPython names and _private ones besides the parameters."""
    namespace = {
        "year": 2024,
        "root": str(tmp_path),
        "figures_dir": "out/fig",
        "steps": types.ModuleType("steps"),
        "validate_params": validate_params,
        "In": [""],
        "Out": {},
        "get_ipython": lambda: None,
        "_": None,
        "__name__": "__main__",
    }
    params = validate_params(namespace, notebook)
    assert params.year == 2024
    assert params.paths.root == tmp_path.resolve()
    assert params.paths.figures_year(2024) == tmp_path.resolve() / "out/fig/2024"
    assert params.paths.raw_year(2024) == tmp_path.resolve() / "data/raw/2024"


def test_defaults_and_description(tmp_path):
    params = validate_params({"root": str(tmp_path)}, "03_audit")
    assert params.year == PARAMETERS["year"][1]
    table = describe_params(params)
    assert table.frame["parameter"].tolist() == ["notebook", "year", "raw", "processed", "figures"]
    assert table.frame.iloc[0, 1] == "03_audit"
