"""Engine details that no budget figure before 2035 shows: newborn girls enter the population at
the girls' share of births, and a births override of third-and-later births moves mothers who
already have three children too (their births are fourth and later)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.engine import EngineInputs, simulate_block
from model.inputs import AGES
from model.overrides import UNSPECIFIED_AGE, BirthsOverride
from model.pipeline.block import block_entitlements, block_inputs
from model.pipeline.prepare import prepare
from model.rng import Streams
from model.run_calendar import Calendar
from model.scenario import load_scenario
from tests.conftest import BASELINE

CALENDAR = Calendar(base_year=2022, horizon=2023, start_year=2022, end_year=2022, policy_start_index=0)


def _inputs(women: np.ndarray, rates_by_transition: list[float], girl_share: float) -> EngineInputs:
    """One area; the rate of each transition the same at every age and year, city-hukou and not."""
    rates = np.zeros((1, CALENDAR.n_years, AGES, 4, 2))
    rates[..., 15:, :, :] = np.asarray(rates_by_transition)[:, None]
    return EngineInputs(women=women, rates=rates, response=None, q_female=np.zeros(AGES),
                        migration=np.zeros((1, AGES)), girl_share=np.array([girl_share]))


def test_newborn_girls_enter_at_the_girls_share():
    """20,000 first-birth-ready women aged 25 with a rate of 0.5: about 10,000 births in the base year;
    at the start of the next year the childless city-hukou women aged 0 are the girls among them."""
    women = np.zeros((1, 1, AGES, 4, 2), dtype=np.int64)  # [rep, area, age, parity, group]
    women[0, 0, 25, 0, 1] = 20_000
    for girl_share in (0.3, 0.48):
        demography = simulate_block(_inputs(women, [0.5, 0, 0, 0], girl_share), CALENDAR, Streams(3, 0), 8)
        born = demography.births[:, :12, 0, :, 1].sum(axis=(1, 2))  # city-hukou births of the base year
        girls = demography.childless_city[:, 1, 0, 0]
        assert born.min() > 9_000
        np.testing.assert_allclose(girls.sum() / born.sum(), girl_share, atol=0.01)


def test_the_pipeline_gives_the_engine_the_girls_share(tmp_path):
    """sex_ratio_at_birth is boys per girl: 1.1528 → 1 / 2.1528 of births are girls."""
    loaded = load_scenario(BASELINE, replicates=2)
    prepared = prepare(loaded)
    drawn = block_entitlements(prepared, 0, 2)
    inputs = block_inputs(prepared, drawn.realised, drawn.context, 2)
    np.testing.assert_allclose(inputs.girl_share, 1 / (1 + 1.1528))


def test_overridden_third_births_go_to_mothers_of_two_and_of_three_or_more():
    """1,000 mothers of two and 1,000 of three or more at age 30, the same chance of another birth:
    120 overridden third-and-later births fall about half to each, and the births of mothers who
    had three are fourth-and-later births; their parity stays 3+ while the others move to 3."""
    women = np.zeros((1, 1, AGES, 4, 2), dtype=np.int64)  # [rep, area, age, parity, group]
    women[0, 0, 30, 2, 1] = 1_000
    women[0, 0, 30, 3, 1] = 1_000
    counts = np.zeros((3, 12, UNSPECIFIED_AGE + 1), dtype=np.int64)
    counts[2, :, UNSPECIFIED_AGE] = 10
    override = BirthsOverride(path=Path("births.csv"), counts={(2022, 0): counts})
    demography = simulate_block(_inputs(women, [0, 0, 0.05, 0.05], 0.5), CALENDAR, Streams(5, 0), 40, override)
    year = demography.births[:, :12, 0, :, :].sum(axis=(1, 3))  # [rep, transition]
    assert (year[:, :2] == 0).all()
    assert (year[:, 2] + year[:, 3] == 120).all()
    fourth_share = year[:, 3].sum() / year.sum()
    assert 0.4 < fourth_share < 0.6
    assert demography.births_by_age[:, 0, 0, 2].sum() == 40 * 120  # all counted as order 3 (third and later)
