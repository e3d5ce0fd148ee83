"""Accounts: the payers, higher levels included, add up to each line, and totals never mix kinds
(outlays are summed; revenue forgone and memo items are left out, also of the cost per induced birth)."""

from __future__ import annotations

import numpy as np
import pytest

from model.result_tables import budget_table, impact_table
from tests.conftest import CORE_LINES, REPO, run_file


@pytest.fixture(scope="module")
def full_plan_result():
    return run_file(REPO / "scenarios" / "full_plan.toml", replicates=20)


def test_totals_never_mix_kinds(full_plan_result):
    result = full_plan_result
    table = budget_table(result)
    assert set(table.kind) == {"outlay", "revenue_forgone", "memo"}
    assert set(table[table.line == "all"].kind) == {"outlay"}
    outlay = [i for i, kind in enumerate(result.line_kinds) if kind == "outlay"]
    for basis, cube in (("accrual", result.accrual), ("cash", result.cash)):
        rows = table[(table.basis == basis) & (table.line == "all") & (table.payer == "all")].set_index("year")
        per_replicate = cube[:, :, outlay].sum(axis=(2, 3))  # [rep, year]
        for y, year in enumerate(result.calendar.budget_years):
            assert rows.loc[year, "mean"] == pytest.approx(per_replicate[:, y].mean(), rel=1e-12)
            assert rows.loc[year, "p95"] == pytest.approx(np.quantile(per_replicate[:, y], 0.95), rel=1e-12)
            everything = cube[:, y].sum(axis=(1, 2)).mean()
            assert everything > rows.loc[year, "mean"] * 1.05  # the memo and the tax are really left out
    means = table[(table.basis == "accrual") & (table.payer == "all")].pivot_table(
        index="year", columns="line", values="mean")
    outlay_lines = [line for line, kind in zip(result.line_ids, result.line_kinds, strict=True) if kind == "outlay"]
    np.testing.assert_allclose(means[outlay_lines].sum(axis=1), means["all"], rtol=1e-9)
    impact = impact_table(result)
    induced = impact[(impact.measure == "induced_births") & (impact.year == "all")]["mean"].iloc[0]
    cost = impact[(impact.measure == "cost_per_induced_birth") & (impact.year == "all")]["mean"].iloc[0]
    plan = [result.line_by_id[line].kind == "outlay" and result.line_by_id[line].new_money for line in result.line_ids]
    # the centres and the screening extension; not the national subsidy, the awards, the fee waivers, the
    # continuing programmes of clauses 6, 12, 17 and 19
    assert sum(plan) == len(CORE_LINES) + 2
    assert cost == pytest.approx(result.accrual[:, :, plan].sum(axis=(1, 2, 3)).mean() / induced, rel=1e-9)


def test_payers_add_up_to_each_line_with_higher_levels(full_plan_result):
    table = budget_table(full_plan_result)
    means = table[table.basis == "accrual"].pivot_table(index=["year", "line"], columns="payer", values="mean")
    payers = [p for p in means.columns if p != "all"]
    np.testing.assert_allclose(means[payers].sum(axis=1), means["all"], rtol=1e-9)
