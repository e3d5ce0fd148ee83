"""Sums hold in every output, and the same scenario and seed give the same files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.result_tables import births_table, births_total_table, budget_table
from tests.conftest import BASELINE, REPO, cli, run_file


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


def test_output_files_follow_the_contract(tmp_path):
    out = tmp_path / "run"
    result = cli("run", BASELINE, "--out", out, "--replicates", "10", "--quiet")
    assert result.exit_code == 0, result.output
    budget = pd.read_csv(out / "budget.csv")
    assert list(budget.columns) == ["year", "line", "payer", "basis", "kind", "mean", "p05", "p50", "p95"]
    assert set(budget.kind) == {"outlay"}  # the six core lines are all spending
    assert budget.year.min() == 2025 and budget.year.max() == 2035
    assert set(budget.basis) == {"accrual", "cash"}
    payables = pd.read_csv(out / "payables.csv")
    assert list(payables.columns) == ["year", "line", "payer", "kind", "mean", "p05", "p50", "p95"]
    assert payables.year.min() == 2024 and payables.year.max() == 2035  # opening payables, then each year end
    assert set(budget.line) == {"nipt", "art_subsidy", "childcare_slot_subsidy", "third_child_allowance",
                                "housing_subsidy", "maternity_insurance_subsidy", "all"}
    assert set(budget.payer) == {"city", "dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang",
                                 "shayang", "qujialing", "all"}
    births = pd.read_csv(out / "births.csv")
    assert list(births.columns) == ["year", "area", "birth_order", "mean", "p05", "p50", "p95"]
    assert births.year.min() == 2022 and births.year.max() == 2035  # base year of the data → end_year
    assert set(births.birth_order) == {1, 2, 3}
    assert set(births.area) == {"dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang", "shayang", "qujialing"}
    assert (births.p05 <= births.p50).all() and (births.p50 <= births.p95).all()
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    for key in ("input_checksums_sha256", "seed", "replicates", "package_version", "start_time", "wall_seconds"):
        assert f'"{key}"' in manifest


def test_same_seed_gives_byte_identical_files(tmp_path):
    for name in ("a", "b"):
        assert cli("run", BASELINE, "--out", tmp_path / name, "--replicates", "12", "--seed", "7",
                   "--quiet").exit_code == 0
    for file in ("budget.csv", "births.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_results_do_not_depend_on_processes_or_on_the_replicate_count():
    # 160 replicates: blocks of 50, 50, 50 and 10; with two workers this process runs blocks 0 and 3
    one = run_file(BASELINE, replicates=160, workers=1)
    two = run_file(BASELINE, replicates=160, workers=2)
    for name in ("accrual", "births", "births_by_age", "cash", "payables"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    assert all(np.array_equal(one.impact[key], two.impact[key]) for key in one.impact)
    assert one.diagnostics == two.diagnostics
    fewer = run_file(BASELINE, replicates=70)  # replicate r draws the same numbers in any run
    assert np.array_equal(fewer.accrual, one.accrual[:70])
    full_one = run_file(REPO / "scenarios" / "full_plan.toml", replicates=60, workers=1)
    full_two = run_file(REPO / "scenarios" / "full_plan.toml", replicates=60, workers=2)
    assert np.array_equal(full_one.accrual, full_two.accrual) and np.array_equal(full_one.cash, full_two.cash)


def test_a_different_seed_gives_different_draws():
    a, b = run_file(BASELINE, replicates=5, seed=1), run_file(BASELINE, replicates=5, seed=2)
    assert not np.array_equal(a.births, b.births)
