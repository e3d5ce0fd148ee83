"""Cash basis: claims, review and payment runs turn entitlements into cash; payables between (the
MTFP built on it: tests/outputs/test_compare_and_mtfp.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.disbursement import approval_profile, payment_month
from model.sections import LineTiming
from tests.conftest import REPO, accrual_and_cash, override_rows, run_file

LINES = ("nipt", "art_subsidy", "childcare_slot_subsidy", "third_child_allowance", "housing_subsidy",
         "maternity_insurance_subsidy")
IMMEDIATE = "".join(f"""
[disbursement.{line}]
application_lag = [1.0]
rejection_share = 0.0
payment = "monthly"
""" for line in LINES)


def _by_line_year(cube: np.ndarray) -> np.ndarray:
    return cube.sum(axis=3).mean(axis=0)  # [year, line]


def test_without_lags_or_queues_cash_equals_accrual(write):
    path = write("now.toml", f'[scenario]\nname = "immediate"\n{IMMEDIATE}')
    result = run_file(path, replicates=10)
    np.testing.assert_allclose(result.cash, result.accrual, rtol=1e-9, atol=1e-6)
    assert np.abs(result.payables).max() < 1e-6


def test_two_month_lag_moves_november_and_december_into_next_year(write):
    """Housing purchases of 2025 spread evenly over the months: with a two-month lag and payment
    on approval, the November and December tenth-sixths arrive in 2026."""
    write("births.csv", override_rows({(2025, "jingshan", 2): [10] * 12}, range(2023, 2027)))
    destination = pd.read_csv(REPO / "model" / "data" / "housing_destination.csv")
    mask = destination.from_area == "jingshan"
    destination.loc[mask, "share"] = (destination.loc[mask, "to_area"] == "duodao").astype(float)
    write("destination.csv", destination.to_csv(index=False))
    path = write("lag.toml", """
        [scenario]
        name = "two-month lag"
        end_year = 2026
        [demography]
        births_override = "births.csv"
        [data]
        housing_destination = "destination.csv"
        [eligibility]
        city_hukou_share = 1.0
        [lines.housing_subsidy]
        take_up = 1.0
        purchase_probability = 1.0
        purchase_profile = [1.0]
        [disbursement.housing_subsidy]
        application_lag = [0.0, 0.0, 1.0]
        rejection_share = 0.0
        payment = "on_approval"
        """)
    result = run_file(path, replicates=5)
    i = result.line_ids.index("housing_subsidy")
    accrual, cash = accrual_and_cash(result, "housing_subsidy")  # [rep, 2025..2026]
    np.testing.assert_allclose(accrual[:, 0], 120 * 20_000)
    np.testing.assert_allclose(cash[:, 0], 120 * 20_000 * 10 / 12)
    np.testing.assert_allclose(cash[:, 1], 120 * 20_000 * 2 / 12)
    np.testing.assert_allclose(result.payables[:, 1, i].sum(axis=1), 120 * 20_000 * 2 / 12)  # end of 2025


def test_november_third_child_is_first_paid_with_arrears(write):
    """Ten third children born in 东宝区 in November 2025, claims filed two months later and
    approved in January 2026, paid quarterly in arrears: nothing in 2025 (10,000 payable),
    November 2025 to September 2026 (11 months × 10 × 500 = 55,000) in 2026."""
    months = [0] * 10 + [10, 0]
    write("births.csv", override_rows({(2025, "dongbao", 3): months}, range(2023, 2030)))
    path = write("arrears.toml", """
        [scenario]
        name = "arrears"
        [demography]
        births_override = "births.csv"
        [eligibility]
        city_hukou_share = 1.0
        in_city_hospital_share = 1.0
        [lines.third_child_allowance]
        take_up = 1.0
        [disbursement.third_child_allowance]
        application_lag = [0.0, 0.0, 1.0]
        rejection_share = 0.0
        payment = "quarterly"
        """)
    result = run_file(path, replicates=20)
    i = result.line_ids.index("third_child_allowance")
    accrual, cash = (basis.mean(axis=0) for basis in accrual_and_cash(result, "third_child_allowance"))
    assert accrual[0] == pytest.approx(10 * 2 * 500, rel=0.01)
    assert cash[0] == 0
    assert cash[1] == pytest.approx(10 * 11 * 500, rel=0.01)
    payables = result.payables[:, :, i].sum(axis=2).mean(axis=0)  # from the end of 2024
    assert payables[1] == pytest.approx(10_000, rel=0.01) and payables[2] == pytest.approx(15_000, rel=0.01)


@pytest.mark.parametrize("scenario", ["baseline", "slow_review", "full_plan"])
def test_cash_never_runs_ahead_and_payables_are_the_gap(scenario):
    result = run_file(REPO / "scenarios" / f"{scenario}.toml", replicates=10)
    first_budget = 1 if result.payables.shape[1] == result.accrual.shape[1] + 1 else 0
    opening = result.payables[:, 0] if first_budget else np.zeros_like(result.accrual[:, 0])
    gap = opening[:, None] + np.cumsum(result.accrual - result.cash, axis=1)
    np.testing.assert_allclose(result.payables[:, first_budget:], gap, rtol=1e-9, atol=1e-4)
    assert (result.payables > -1e-4).all()  # cumulative cash never exceeds cumulative accrual
    assert (result.cash >= -1e-9).all()


def test_backlog_grows_below_capacity_and_clears_above():
    claims = np.concatenate([np.full(24, 100.0), np.zeros(36)])
    timing = LineTiming(application_lag=[1.0], review_capacity=80, rejection_share=0.0, payment="monthly")
    profile = approval_profile(claims, timing)
    approved = (profile * claims[:, None]).sum(axis=0)  # claims approved each month
    backlog = np.cumsum(claims - approved)
    assert (np.diff(backlog[:24]) > 0).all()  # 100 arrive, 80 are reviewed: the queue grows
    assert backlog[23] == pytest.approx(24 * 20)
    assert (np.diff(backlog[23:30]) == -80).all() and backlog[-1] == pytest.approx(0)  # 480 clear in 6 months
    ample = approval_profile(claims, timing.model_copy(update={"review_capacity": 150.0}))
    assert np.allclose(np.diag(ample[:24]), 1.0)  # enough capacity: approved the month they arrive


def test_refused_claims_use_review_time():
    claims = np.full(12, 90.0)
    timing = LineTiming(application_lag=[1.0], review_capacity=95, rejection_share=0.1, payment="monthly")
    profile = approval_profile(claims, timing)
    assert profile[11].sum() < 1  # 100 claims a month for 95 reviews: the queue grows


def test_slow_review_raises_payables():
    base = run_file(REPO / "scenarios" / "baseline.toml", replicates=10)
    slow = run_file(REPO / "scenarios" / "slow_review.toml", replicates=10)
    i = base.line_ids.index("housing_subsidy")
    np.testing.assert_allclose(slow.accrual, base.accrual)  # the accrual basis does not change
    base_payables, slow_payables = base.payables[:, :, i].sum(axis=2), slow.payables[:, :, i].sum(axis=2)
    assert (slow_payables[:, -1] > 3 * base_payables[:, -1]).all()
    assert (np.diff(slow_payables.mean(axis=0)[1:]) > 0).all()


def test_payment_runs():
    quarterly = LineTiming(application_lag=[1.0], rejection_share=0.0, payment="quarterly")
    # January (0) → April (3); November (10) and December (11) → January of the next year (12)
    assert payment_month(quarterly, 24)[[0, 2, 3, 10, 11]].tolist() == [3, 3, 6, 12, 12]
    annual = LineTiming(application_lag=[1.0], rejection_share=0.0, payment="annual", annual_payment_month=3)
    assert payment_month(annual, 24)[[0, 11, 12]].tolist() == [14, 14, 26]


def test_block_zero_serves_as_the_claims_pilot():
    """A run's block 0 (50 replicates) gives exactly the approval profiles of the 20-replicate pilot,
    so a run draws its pilot only when it has fewer replicates than the pilot."""
    from model.pipeline import prepare
    from model.pipeline.block import block_entitlements
    from model.pipeline.claims_pilot import approval_profiles
    from model.scenario import load_scenario

    prepared = prepare(load_scenario(REPO / "scenarios" / "slow_review.toml", replicates=50))
    from_pilot = approval_profiles(prepared)
    from_block = approval_profiles(prepared, block_entitlements(prepared, 0, 50))
    assert from_pilot.keys() == from_block.keys() and from_pilot
    for line_id, profile in from_pilot.items():
        assert np.array_equal(profile, from_block[line_id]), line_id


def test_children_born_before_claims_open_queue_from_the_opening(write):
    """The national subsidy opens in January 2025; ten children born in July 2023 file a year after
    their claims can arise. Their claims arise at the opening, not at birth: filed January 2026,
    paid then with the arrears of 2025, so nothing is paid in 2025 and 18 months each in 2026
    (January 2025 to June 2026, when they turn 3). Had their claims arisen at birth, they would be
    filed in July 2024 and every 2025 month paid in 2025."""
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "claims open", {(2023, "dongbao", 1): [0] * 6 + [10] + [0] * 5}, """
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 1.0
        [disbursement.national_childcare_subsidy]
        application_lag = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
        payment = "on_approval"
        """, data="immortal", scenario="start_year = 2024")
    result = run_file(path, replicates=2)
    i = result.line_ids.index("national_childcare_subsidy")
    accrual = result.accrual[:, :, i].sum(axis=-1).mean(axis=0)
    cash = result.cash[:, :, i].sum(axis=-1).mean(axis=0)
    payables = result.payables[:, :, i].sum(axis=-1).mean(axis=0)
    assert list(accrual[:3]) == pytest.approx([0, 10 * 3_600, 10 * 6 * 300])  # 2024, 2025, 2026
    assert list(cash[:3]) == pytest.approx([0, 0, 10 * 18 * 300])
    owed_end_of_2025 = payables[list(result.calendar.payable_years).index(2025)]
    assert owed_end_of_2025 == pytest.approx(10 * 3_600)


def test_allowance_claims_of_children_born_in_the_opening_month_arise_at_birth(write):
    """Policy and budget from January 2022, the base year's first month; ten third children born
    then file eleven months later. Their claims arise at birth, so they are approved in December
    2022 with twelve months of arrears (60,000 yuan paid in 2022); had they arisen a month later,
    nothing would be paid before January 2023."""
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "claims at the opening", {(2022, "dongbao", 3): [10] + [0] * 11}, """
        [lines.third_child_allowance]
        take_up = 1.0
        [disbursement.third_child_allowance]
        application_lag = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
        payment = "on_approval"
        """, data="immortal", scenario='start_year = 2022\npolicy_start = "2022-01"')
    result = run_file(path, replicates=2)
    i = result.line_ids.index("third_child_allowance")
    accrual = result.accrual[:, :, i].sum(axis=-1).mean(axis=0)
    cash = result.cash[:, :, i].sum(axis=-1).mean(axis=0)
    assert list(accrual[:4]) == pytest.approx([60_000, 60_000, 60_000, 0])  # 2022-2025
    assert list(cash[:4]) == pytest.approx([60_000, 60_000, 60_000, 0])
