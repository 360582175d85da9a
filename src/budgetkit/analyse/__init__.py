"""The analyses of one disclosure: the audit, the costs and the achievement of its targets.

``python -m budgetkit analyse FILE --out DIR`` reads ``FILE`` and writes, beside its
parsed tables, one CSV per analysis (:func:`~budgetkit.analyse.run.analyse_file`):

- ``audit.csv``: one row per finding of a rule of 财预〔2021〕101号 (:mod:`budgetkit.analyse.findings`);
- ``costs.csv``: whether quantity × unit cost explains each project's budget (:mod:`budgetkit.analyse.costs`);
- ``achievement.csv``: per row of a 自评表, whether its target was met (:mod:`budgetkit.analyse.achievement`).

The columns are those ``../shared/ANALYSES.md`` names; each module owns one analysis.
"""

from budgetkit.analyse.run import analyse_file, analyse_tables

__all__ = ["analyse_file", "analyse_tables"]
