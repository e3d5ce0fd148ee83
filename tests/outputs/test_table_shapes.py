"""Result tables cell by cell: births by mother's age, period totals by line and by payer, the mark
by which `compare --out` knows its own tables, ratios in the impact table (undefined where the
denominator is 0, whatever its size otherwise) and the payables table of a run without cash timing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.compare import TABLE_HEADER, is_compare_table
from model.result_tables import (
    ALL,
    QUANTILES,
    _ratio,
    births_by_age_table,
    impact_table,
    payables_table,
    totals_by,
)
from tests.conftest import BASELINE, REPO, run_file
from tests.default_city import AREAS, PAYERS


@pytest.fixture(scope="module")
def baseline():
    return run_file(BASELINE, replicates=6, seed=3)


def test_births_by_mother_age_table_holds_every_year_area_order_and_age_group(baseline):
    table = births_by_age_table(baseline)
    assert list(table.columns[:4]) == ["year", "area", "birth_order", "mother_age"]
    assert sorted(set(table.year)) == list(range(2022, 2036))
    assert list(dict.fromkeys(table.area)) == [*AREAS, ALL]
    assert list(dict.fromkeys(table.birth_order)) == ["1", "2", "3", ALL]
    assert list(dict.fromkeys(table.mother_age)) == list(baseline.age_group_labels)
    assert len(table) == 14 * (len(AREAS) + 1) * 4 * len(baseline.age_group_labels)
    cube = baseline.births_by_age  # [rep, year, area, order, age group]
    cell = table[(table.year == 2030) & (table.area == AREAS[4]) & (table.birth_order == "2")
                 & (table.mother_age == baseline.age_group_labels[2])]
    assert cell["mean"].iloc[0] == pytest.approx(cube[:, 2030 - 2022, 4, 1, 2].mean())
    every = table[(table.year == 2024) & (table.area == ALL) & (table.birth_order == ALL)]
    assert every["mean"].sum() == pytest.approx(cube[:, 2024 - 2022].sum(axis=(1, 2, 3)).mean())
    one_area = table[(table.year == 2024) & (table.area == AREAS[0]) & (table.birth_order != ALL)]
    both = table[(table.year == 2024) & (table.area == AREAS[0]) & (table.birth_order == ALL)]
    np.testing.assert_allclose(one_area.groupby("mother_age", sort=False)["mean"].sum().to_numpy(),
                               both["mean"].to_numpy())


def test_period_totals_by_line_and_by_payer(baseline):
    by_line = totals_by(baseline, "line")
    assert list(by_line.columns) == ["line", "mean", "p05", "p50", "p95"]
    assert list(by_line.line) == [*baseline.line_ids, ALL]
    period = baseline.accrual.sum(axis=1)  # [rep, line, payer]
    np.testing.assert_allclose(by_line["mean"].iloc[:-1], period.sum(axis=2).mean(axis=0))
    assert by_line["p95"].iloc[-1] == pytest.approx(np.quantile(period.sum(axis=(1, 2)), 0.95))
    by_payer = totals_by(baseline, "payer")
    assert list(by_payer.payer) == [*PAYERS, ALL]
    np.testing.assert_allclose(by_payer["mean"].iloc[:-1], period.sum(axis=1).mean(axis=0))
    assert by_payer["p05"].iloc[-1] == pytest.approx(np.quantile(period.sum(axis=(1, 2)), 0.05))
    assert (by_payer["p05"] <= by_payer["p50"]).all() and (by_payer["p50"] <= by_payer["p95"]).all()
    none = totals_by(baseline, "payer", "memo")
    assert none.empty and list(none.columns) == ["payer", "mean", "p05", "p50", "p95"]


def test_a_compare_table_is_known_by_its_header(tmp_path):
    table = tmp_path / "diff.csv"
    table.write_text(TABLE_HEADER + ",difference_p05\n2025,all,outlay,all,1,2,1,0\n", encoding="utf-8")
    assert is_compare_table(table)
    table.write_text("year,line,kind,payer,mean\n", encoding="utf-8")
    assert not is_compare_table(table)
    table.write_text(TABLE_HEADER[:-1] + "\n", encoding="utf-8")
    assert not is_compare_table(table)
    table.write_bytes(b"\xff\xfe" + TABLE_HEADER.encode("utf-16-le"))
    assert not is_compare_table(table)
    assert not is_compare_table(tmp_path / "missing.csv")
    assert not is_compare_table(tmp_path)  # a folder


def test_period_totals_frame_is_the_budget_table_summed(baseline):
    from model.result_tables import budget_table

    table = budget_table(baseline)
    accrual = table[(table.basis == "accrual") & (table.payer == ALL)]
    means = accrual.groupby("line")["mean"].sum()
    by_line = totals_by(baseline, "line").set_index("line")["mean"]
    pd.testing.assert_series_equal(means.reindex(by_line.index), by_line, check_names=False, rtol=1e-9)
    assert REPO.exists()


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


def test_budget_and_payables_columns_are_in_the_contracts_order(tmp_path):
    """budget.csv: year, line, payer, basis, kind, then the statistics; payables.csv has no basis:
    year, line, payer, kind, then the statistics (DESIGN.md, the results contract)."""
    from model.result_tables import budget_table, payables_table

    result = run_file(REPO / "scenarios" / "full_plan.toml", replicates=3)
    assert list(budget_table(result).columns) == ["year", "line", "payer", "basis", "kind", "mean", "p05", "p50", "p95"]
    assert list(payables_table(result).columns) == ["year", "line", "payer", "kind", "mean", "p05", "p50", "p95"]
