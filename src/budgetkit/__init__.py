"""budgetkit: tidy tables and analysis of Chinese budget performance-target disclosures.

The public API, imported explicitly (figures live in :mod:`budgetkit.report.plots`, which
imports matplotlib, so it is not loaded here; :func:`connect` imports DuckDB only
when called). Each name is imported from its module the first time it is used,
so that ``import budgetkit`` (and the command line, which finds a no-change
rebuild without pandas) stays light.

Examples:
    >>> import budgetkit
    >>> budgetkit.parse_indicator_value("平均3250元/户").value_yuan
    3250.0
    >>> budgetkit.normalize_text("⼯会")
    '工会'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_EXPORTS: dict[str, str] = {
    "BudgetkitError": "budgetkit.errors",
    "InputError": "budgetkit.errors",
    "ParameterError": "budgetkit.errors",
    "ParseError": "budgetkit.errors",
    "ReconciliationError": "budgetkit.errors",
    "Tables": "budgetkit.model.tables",
    "read_tables": "budgetkit.model.tables",
    "write_tables": "budgetkit.model.tables",
    "audit_targets": "budgetkit.analyse.audit",
    "summarize_audit": "budgetkit.analyse.audit",
    "connect": "budgetkit.scale.dataset",
    "load_fields": "budgetkit.model.fields",
    "normalize_text": "budgetkit.model.normalize",
    "parse_file": "budgetkit.parse",
    "parse_lines": "budgetkit.parse",
    "parse_year": "budgetkit.scale.batch",
    "parse_indicator_value": "budgetkit.vocab.values",
    "parse_indicator_values": "budgetkit.vocab.values",
    "project_paths": "budgetkit.project.paths",
    "price_terms": "budgetkit.analyse.reconcile",
    "reconcile_costs": "budgetkit.analyse.reconcile",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'budgetkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
