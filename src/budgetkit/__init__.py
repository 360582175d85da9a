"""budgetkit: tidy tables and analysis of Chinese budget performance-target disclosures.

The public API, imported explicitly (figures live in :mod:`budgetkit.plots`, which
imports matplotlib, so it is not loaded here; :func:`connect` imports DuckDB only
when called):

Examples:
    >>> import budgetkit
    >>> budgetkit.parse_indicator_value("平均3250元/户").value_yuan
    3250.0
    >>> budgetkit.normalize_text("⼯会")
    '工会'
"""

from budgetkit.audit import audit_targets, summarize_audit
from budgetkit.dataset import connect
from budgetkit.errors import (
    BudgetkitError,
    InputError,
    LayoutError,
    ParameterError,
    ParseError,
    ReconciliationError,
    TruncatedTableError,
)
from budgetkit.fields import load_fields
from budgetkit.normalize import normalize_text
from budgetkit.parse import parse_file, parse_lines, parse_year
from budgetkit.parse_value import parse_indicator_value, parse_indicator_values
from budgetkit.paths import project_paths
from budgetkit.reconcile import price_terms, reconcile_costs
from budgetkit.tables import Tables, read_tables, write_tables

__version__ = "0.1.0"

__all__ = [
    "BudgetkitError",
    "InputError",
    "LayoutError",
    "ParameterError",
    "ParseError",
    "ReconciliationError",
    "Tables",
    "TruncatedTableError",
    "__version__",
    "audit_targets",
    "connect",
    "load_fields",
    "normalize_text",
    "parse_file",
    "parse_indicator_value",
    "parse_indicator_values",
    "parse_lines",
    "parse_year",
    "price_terms",
    "project_paths",
    "read_tables",
    "reconcile_costs",
    "summarize_audit",
    "write_tables",
]
