"""Analyses at scale: the whole-frame paths agree with pricing and auditing one project at a time.

The input is the seed's hand-copied tables (see test_reconcile.py) replicated to hundreds of
projects by :func:`budgetkit.scale.synthetic.replicate_tables`, with budgets and unit costs moved,
indicators dropped and repeated and the rows shuffled, so statuses and findings differ from
copy to copy and no code can lean on rows arriving grouped or sorted.
"""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.analyse.audit import RULES, audit_targets
from budgetkit.analyse.reconcile import price_terms, reconcile_and_price, reconcile_costs
from budgetkit.model.tables import Tables, conform
from budgetkit.scale.synthetic import replicate_tables
from test_reconcile import indicators_frame, projects_frame

N_PROJECTS = 120


@pytest.fixture(scope="module")
def big() -> Tables:
    seed = Tables.empty()
    seed.projects = conform(projects_frame(), "projects")
    seed.indicators = conform(indicators_frame(), "indicators")
    return replicate_tables(seed, N_PROJECTS, seed=0)


def one_by_one(big: Tables, analyse, order: str = "projects") -> pd.DataFrame:
    """``analyse(projects, indicators)`` of each project alone, stacked in the order of ``order``'s table."""
    by_project = dict(tuple(big.indicators.groupby("project_id", sort=False)))
    rows = dict(zip(big.projects["project_id"], range(len(big.projects)), strict=True))
    ids = getattr(big, order)["project_id"].unique()
    parts = [
        analyse(big.projects.iloc[[rows[pid]]], by_project.get(pid, big.indicators.iloc[0:0])) for pid in ids
    ]
    return pd.concat(parts, ignore_index=True)


def test_synthetic_input_varies(big):
    assert len(big.projects) == N_PROJECTS and big.projects["project_id"].is_unique
    costs = reconcile_costs(big.projects, big.indicators)
    assert {"closes", "does_not_close", "not_priceable"} <= set(costs["status"])
    findings = audit_targets(big.projects, big.indicators, 2026)
    assert {r.rule for r in RULES} - set(findings["rule"]) == {"percent_over_100"}
    grouped = big.indicators["project_id"].ne(big.indicators["project_id"].shift()).sum()
    assert grouped > len(big.projects)  # rows of a project are not together


@pytest.mark.parametrize(
    ("analyse", "order"),
    [
        pytest.param(lambda p, i: reconcile_costs(p, i), "projects", id="reconcile_costs"),
        pytest.param(lambda p, i: price_terms(i), "indicators", id="price_terms"),
        # 2026: the seed's 2025 deadlines fall outside the year, so every rule but percent_over_100 finds.
        pytest.param(lambda p, i: audit_targets(p, i, 2026), "projects", id="audit_targets"),
    ],
)
def test_whole_frame_equals_one_project_at_a_time(big, analyse, order):
    together = analyse(big.projects, big.indicators)
    assert len(together) > len(big.projects) / 2
    pd.testing.assert_frame_equal(together, one_by_one(big, analyse, order))


def test_reconcile_and_price_prices_once_for_both(big):
    costs, terms = reconcile_and_price(big.projects, big.indicators)
    pd.testing.assert_frame_equal(costs, reconcile_costs(big.projects, big.indicators))
    pd.testing.assert_frame_equal(terms, one_by_one(big, lambda p, i: price_terms(i)))


def test_audit_reuses_the_costs_it_is_given(big):
    costs, terms = reconcile_and_price(big.projects, big.indicators)
    computed = audit_targets(big.projects, big.indicators, 2025)
    given = audit_targets(big.projects, big.indicators, 2025, costs=costs, terms=terms)
    pd.testing.assert_frame_equal(given, computed)
    # Given costs are used as they are, not recomputed: a status changed there shows in the findings.
    closes = costs.index[costs["status"] == "closes"][0]
    edited = costs.copy()
    edited.loc[closes, "status"] = "does_not_close"
    findings = audit_targets(big.projects, big.indicators, 2025, rules=["cost_mismatch"], costs=edited)
    assert costs.loc[closes, "project_id"] in set(findings["project_id"])
    assert len(findings) == (costs["status"] == "does_not_close").sum() + 1


def test_audit_logs_projects_missing_from_given_costs(big, caplog):
    costs = reconcile_costs(big.projects, big.indicators)
    with caplog.at_level("WARNING", logger="budgetkit.analyse.audit"):
        audit_targets(big.projects, big.indicators, 2025, rules=["cost_mismatch"], costs=costs.iloc[1:])
    assert "costs lack 1 project(s)" in caplog.text
