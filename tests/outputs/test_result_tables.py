"""Result tables: payers add up to each line and lines to `all`, `all` rows are quantiles of
per-replicate sums, and births by order and area add up to the total."""

from __future__ import annotations

import numpy as np
import pytest

from model.result_tables import births_table, births_total_table, budget_table
from tests.conftest import BASELINE, run_file


@pytest.fixture(scope="module")
def baseline():
    return run_file(BASELINE, replicates=20)


def test_payers_add_up_to_each_line_and_lines_to_all(baseline):
    table = budget_table(baseline).set_index(["basis", "year", "line", "payer"])["mean"]
    assert set(table.index.get_level_values("basis")) == {"accrual", "cash"}
    parts = table.drop(index="all", level="payer").groupby(level=["basis", "year", "line"]).sum()
    whole = table.xs("all", level="payer")
    np.testing.assert_allclose(parts.loc[whole.index], whole, rtol=1e-9)
    lines = table.drop(index="all", level="line").groupby(level=["basis", "year", "payer"]).sum()
    total = table.xs("all", level="line")
    np.testing.assert_allclose(lines.loc[total.index], total, rtol=1e-9)
    assert (table >= 0).all()


def test_all_rows_are_quantiles_of_per_replicate_sums(baseline):
    """`all` is summed per replicate before the quantiles: p95 of the total is not the sum of p95s."""
    table = budget_table(baseline)
    table = table[table.basis == "accrual"].set_index(["year", "line", "payer"])
    totals = baseline.accrual[:, 0].sum(axis=(1, 2))  # 2025, every line and payer, per replicate
    row = table.loc[(2025, "all", "all")]
    assert row["p95"] == pytest.approx(np.quantile(totals, 0.95), rel=1e-12)
    assert row["p05"] == pytest.approx(np.quantile(totals, 0.05), rel=1e-12)
    summed_p95 = table.xs((2025, "all"), level=["year", "payer"]).drop(index="all")["p95"].sum()
    assert row["p95"] < summed_p95


def test_births_by_order_and_area_add_up_to_the_total(baseline):
    table = births_table(baseline)
    assert set(table.birth_order) == {1, 2, 3} and "all" not in set(table.area)
    by_year = table.groupby("year")["mean"].sum()
    total = births_total_table(baseline).set_index("year")["mean"]
    np.testing.assert_allclose(by_year, total.loc[by_year.index], rtol=1e-9)
    replicate_totals = baseline.births.sum(axis=(2, 3))
    np.testing.assert_allclose(total.to_numpy(), replicate_totals.mean(axis=0), rtol=1e-12)
