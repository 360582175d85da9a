"""The audit of performance-target tables by the rules of 财预〔2021〕101号 (``../shared/RULES-101.md``).

The rules are data (``metadata/rules.csv``, ``rule_cases.csv``, ``rule_words.csv``, ``rule_levels.csv``;
:mod:`~budgetkit.analyse.rules101.catalogue`); each rule that runs on one table is one function of
:mod:`~budgetkit.analyse.rules101.checks`, applied in the context of its table
(:mod:`~budgetkit.analyse.rules101.context`) by :func:`~budgetkit.analyse.rules101.run.audit_projects`.
"""

from budgetkit.analyse.rules101.run import FINDING_COLUMNS, SKIPPED_COLUMNS, AuditResult, audit_projects

__all__ = ["FINDING_COLUMNS", "SKIPPED_COLUMNS", "AuditResult", "audit_projects"]
