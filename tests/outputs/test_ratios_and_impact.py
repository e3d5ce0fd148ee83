"""Ratios in the impact table (undefined where the denominator is 0, whatever its size otherwise),
the impact table's measures, and the payables table of a run without cash timing."""

from __future__ import annotations

import numpy as np
import pytest

from model.result_tables import QUANTILES, _ratio, impact_table, payables_table
from tests.conftest import BASELINE, run_file


def test_a_ratio_is_undefined_only_where_the_denominator_is_zero():
    got = _ratio(np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.3]]), np.array([0.0, 0.5, 2.0]))
    np.testing.assert_array_equal(np.isnan(got), [[True, False, False], [True, False, False]])
    np.testing.assert_allclose(got[:, 1:], [[4.0, 1.5], [2.0, 0.15]])


def test_impact_table_measures_and_ranges(write):
    result = run_file(BASELINE, replicates=12, seed=5)
    table = impact_table(result)
    assert list(dict.fromkeys(table.measure)) == ["induced_births", "cost_per_induced_birth", "deadweight_share"]
    assert list(table.columns) == ["year", "measure", "mean", *QUANTILES]
    whole = table[table.year == "all"].set_index("measure")
    induced = result.impact["induced_births"].sum(axis=1)
    plan_spending = result.accrual.sum(axis=(1, 2, 3))  # the baseline prices the plan's own outlays only
    assert whole.loc["cost_per_induced_birth", "mean"] == pytest.approx(plan_spending.mean() / induced.mean())
    per_replicate = plan_spending[induced > 0] / induced[induced > 0]
    assert whole.loc["cost_per_induced_birth", "p95"] == pytest.approx(np.quantile(per_replicate, 0.95))
    assert 0 < whole.loc["deadweight_share", "p05"] <= whole.loc["deadweight_share", "p95"] < 1


def test_a_run_without_cash_timing_has_no_payables_table(write):
    path = write("s.toml", f'[scenario]\nname = "no cash"\nextends = "{BASELINE}"\n[disbursement]\nenabled = false\n')
    with pytest.raises(ValueError, match="^no payables: the run had no disbursement stage$"):
        payables_table(run_file(path, replicates=2))
