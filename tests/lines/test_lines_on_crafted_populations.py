"""Lines priced on populations made by hand (the drawn demography replaced by chosen counts), where
a rule matters that the city's own numbers never test: a pool of one, a policy starting mid-year,
a pool that empties, childcare slots that run out, residents that grow (mutation testing found
these unchecked; issue 18)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from model.lines import art_subsidy, childcare_slot_subsidy
from model.pipeline import prepare
from model.pipeline.block import block_entitlements
from model.scenario import load_scenario

BASE = 2022


def _drawn(write, body: str, replicates: int = 4):
    path = write("s.toml", f'[scenario]\nname = "crafted"\n{body}\n')
    prepared = prepare(load_scenario(path, replicates=replicates))
    return block_entitlements(prepared, 0, replicates)


def _yearly(monthly: np.ndarray) -> np.ndarray:
    return monthly.reshape(monthly.shape[0], -1, 12, monthly.shape[-1]).sum(axis=2)


def test_art_starters_from_a_pool_of_one_a_half_year_and_a_pool_that_empties(write):
    """One childless woman aged 35+ in the base year and one household treated then: the start rate
    is 1. The plan starts in July 2025, so 2025 counts half a year: of 1,000 childless women about
    500 start. In 2026 every one still in the pool starts (1,000 less those treated in 2025 and still
    childless); in 2027 the pool is empty and nobody new starts, so that year's claims are only the
    households continuing (35% of the 2026 starters, 35% × 15% of the 2025 ones)."""
    drawn = _drawn(write, 'policy_start = "2025-07"\n[lines.art_subsidy]\ntake_up = 1.0\nhouseholds_base_year = 1\n'
                          "continuation = [0.35, 0.15]")
    ctx, line = drawn.context, drawn.realised.lines.art_subsidy
    childless = np.zeros((ctx.replicates, ctx.calendar.n_years, ctx.area_share.shape[-1], 50))
    childless[:, 0, 0, line.min_age] = 1
    childless[:, 2025 - BASE:2027 - BASE, 0, line.min_age] = 1000
    crafted = dataclasses.replace(ctx, demography=SimpleNamespace(childless_city=childless))
    claims = _yearly(art_subsidy.accrual(crafted, line).claims)[:, :, 0]
    started_2025 = claims[:, 2025 - BASE]
    assert ((started_2025 > 400) & (started_2025 < 600)).all(), started_2025
    started_2026 = claims[:, 2026 - BASE] - 0.35 * started_2025
    assert started_2026 == pytest.approx(1000 - np.round(started_2025 * art_subsidy.STILL_CHILDLESS_AND_UNDER_50))
    assert claims[:, 2027 - BASE] == pytest.approx(0.35 * started_2026 + 0.35 * 0.15 * started_2025)
    assert (claims[:, :2025 - BASE] == 0).all()


def test_residents_grow_each_year_from_the_base_year(write):
    drawn = _drawn(write, "[demography]\npopulation_growth = 0.02\nresident_population = 1000000")
    ctx = drawn.context
    residents = childcare_slot_subsidy.residents(ctx)
    years = np.arange(ctx.calendar.n_years)
    expected = 1_000_000 * 1.02 ** years[None, :, None] * ctx.area_share[:, None, :]
    assert residents == pytest.approx(np.broadcast_to(expected, residents.shape), rel=1e-12)


def test_childcare_slots_cap_the_children_subsidised(write):
    """Far fewer inclusive slots than children who want one: every slot is filled and claimed, so the
    claims are the slots, ⌊residents ÷ 1000 × slots per 1000 × inclusive share⌋ in each area."""
    drawn = _drawn(write, "[demography]\npopulation_growth = 0.0\nresident_population = 2000000\n"
                          "[lines.childcare_slot_subsidy]\nslots_per_1000 = 0.2\ninclusive_share = 0.5\n"
                          "enrolment_rate = 1.0\ntake_up = 1.0")
    ctx = drawn.context
    claims = _yearly(drawn.entitlements["childcare_slot_subsidy"].claims)
    slots = np.floor(2_000_000 / 1000 * 0.2 * 0.5 * ctx.area_share)  # [rep, area]
    for year in (2025, 2030, 2035):
        assert claims[:, year - BASE] == pytest.approx(np.broadcast_to(slots, claims[:, 0].shape)), year


@pytest.mark.parametrize(("months", "expected"), [(13, {2025: 60_000, 2026: 5_000}), (0, {})])
def test_an_allowance_paid_for_a_year_and_a_month_or_for_none(write, months, expected):
    """10 third births in 京山市 in January 2025, no child dying, 500 a month for `months` months of
    age: 13 months are 12 payments in 2025 and one in 2026; 0 months pay nothing."""
    from tests.conftest import line_by_year_payer, run_file
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "allowance months", {(2025, "jingshan", 3): [10] + [0] * 11},
                          f"[lines.third_child_allowance]\ntake_up = 1.0\nmonthly_amount = 500\nmonths = {months}\n",
                          data="immortal")
    cost = line_by_year_payer(run_file(path, replicates=2), "third_child_allowance")
    assert {key: value for key, value in cost.items() if value} == {(year, "jingshan"): yuan
                                                                    for year, yuan in expected.items()}


def _art_line(**update):
    from tests.conftest import BASELINE

    return load_scenario(BASELINE).scenario.lines.art_subsidy.model_copy(update=update)


def _monte_carlo_profile(mean: float, cv: float, cap: float, continuation: list[float]) -> np.ndarray:
    """The expected payment in each treatment year by simulation: lognormal spending each year,
    reimbursed until the cumulative cap, weighted by the share still treated."""
    sigma = np.sqrt(np.log1p(cv ** 2))
    spending = np.random.default_rng(7).lognormal(np.log(mean) - sigma ** 2 / 2, sigma, (400_000, len(continuation) + 1))
    paid = art_subsidy.reimbursements(spending, cap).mean(axis=0)
    return paid * np.concatenate([[1.0], np.cumprod(continuation)])


def test_art_one_year_profile_is_the_expected_capped_lognormal():
    """E[min(X, cap)] of a lognormal X with mean m: m·Φ((ln cap − μ − σ²)/σ) + cap·(1 − Φ((ln cap − μ)/σ))."""
    from scipy.stats import norm

    mean, cv, cap = 25_000.0, 0.4, 30_000.0
    sigma = np.sqrt(np.log1p(cv ** 2))
    mu = np.log(mean) - sigma ** 2 / 2
    exact = mean * norm.cdf((np.log(cap) - mu - sigma ** 2) / sigma) + cap * norm.sf((np.log(cap) - mu) / sigma)
    line = _art_line(out_of_pocket_mean=mean, out_of_pocket_cv=cv, cap_per_household=cap, continuation=[0.0])
    profile = art_subsidy.expected_reimbursement_profile(line)
    assert profile.shape == (1, 2)
    assert profile[0] == pytest.approx([exact, 0.0], rel=1e-3, abs=1e-6)


@pytest.mark.parametrize("continuation", [[0.6, 0.3], [0.9, 0.8, 0.7]])  # three and four treatment years
def test_art_profile_over_several_years_agrees_with_simulation(continuation):
    line = _art_line(out_of_pocket_mean=6_000.0, out_of_pocket_cv=0.5, cap_per_household=10_000.0,
                     continuation=continuation)
    profile = art_subsidy.expected_reimbursement_profile(line)[0]
    simulated = _monte_carlo_profile(6_000.0, 0.5, 10_000.0, continuation)
    # the quadrature is within about 2% of the first year's payment in every year (the cap's kink
    # slows its convergence), and within 1% over the whole treatment
    assert profile == pytest.approx(simulated, abs=0.02 * simulated[0])
    assert profile.sum() == pytest.approx(simulated.sum(), rel=0.01)


def test_art_profile_per_replicate_and_for_nothing_spent():
    drawn = _art_line(out_of_pocket_mean=np.array([5_000.0, 20_000.0]), out_of_pocket_cv=0.3,
                      cap_per_household=10_000.0, continuation=[0.5])
    profile = art_subsidy.expected_reimbursement_profile(drawn)
    for row, mean in zip(profile, (5_000.0, 20_000.0), strict=True):
        single = _art_line(out_of_pocket_mean=mean, out_of_pocket_cv=0.3, cap_per_household=10_000.0,
                           continuation=[0.5])
        assert row == pytest.approx(art_subsidy.expected_reimbursement_profile(single)[0], rel=1e-12)
    assert (art_subsidy.expected_reimbursement_profile(_art_line(out_of_pocket_mean=0.0))[0] == 0).all()


def test_art_profile_per_replicate_spread_and_cap():
    """A drawn spread (cv) and a drawn cap give each replicate the profile of its own values."""
    drawn = _art_line(out_of_pocket_mean=5_000.0, out_of_pocket_cv=np.array([0.2, 0.9]),
                      cap_per_household=np.array([4_000.0, 30_000.0]), continuation=[0.5])
    profile = art_subsidy.expected_reimbursement_profile(drawn)
    assert profile.shape == (2, 2)
    for row, cv, cap in zip(profile, (0.2, 0.9), (4_000.0, 30_000.0), strict=True):
        single = _art_line(out_of_pocket_mean=5_000.0, out_of_pocket_cv=cv, cap_per_household=cap, continuation=[0.5])
        assert row == pytest.approx(art_subsidy.expected_reimbursement_profile(single)[0], rel=1e-12)
    assert profile[0, 0] < 4_000.0 < profile[1, 0]  # the low cap binds; the high one barely does


def test_art_profile_of_less_than_a_yuan_is_still_reimbursed():
    """Half a yuan spent on average, far below the cap, is reimbursed in full: 0.5 in year one."""
    line = _art_line(out_of_pocket_mean=0.5, out_of_pocket_cv=0.3, cap_per_household=10_000.0, continuation=[0.0])
    assert art_subsidy.expected_reimbursement_profile(line)[0] == pytest.approx([0.5, 0.0], rel=1e-9)


@pytest.mark.parametrize(("years", "nodes"), [(1, 12), (2, 12), (3, 12), (4, 6), (5, 5), (6, 5), (10, 5)])
def test_art_quadrature_keeps_its_grid_near_twelve_cubed(years, nodes):
    """12 nodes a year up to three treatment years (1,728 points); then 12^(3/years) rounded, so
    four years take 6 (1,296 points), and never fewer than 5 nodes a year."""
    assert art_subsidy.nodes_per_year(years) == nodes
