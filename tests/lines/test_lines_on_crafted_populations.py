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
