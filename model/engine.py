"""The cohort engine: women by area × age × parity × eligibility group, one block of replicates.

Each simulated year, per cell and replicate: births (binomial on the women at risk of
each birth order), deaths and net out-migration (one binomial on the women leaving), net
in-migration (binomial: arrivals in proportion to the women there), then ageing by a
year with newborn girls entering at age 0. Draws are by inverse CDF (model/sampling.py).
Births move mothers to the next parity and are split over the 12 months. Replicates
are the leading array axis; no Python loop runs over women, cells or replicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model import sampling as draw
from model.engine_kernels import birth_chances, move_mothers
from model.inputs import AGES, FERTILE
from model.overrides import UNSPECIFIED_AGE, BirthsOverride
from model.rng import Streams
from model.run_calendar import Calendar

AGE_GROUPS = 7  # mother's age 15-19, 20-24, …, 45-49
AGE_GROUP_LABELS = tuple(f"{15 + 5 * i}-{19 + 5 * i}" for i in range(AGE_GROUPS))
FERTILE_AGES = np.arange(FERTILE.start, FERTILE.stop)
TRANSITION_ORDER = np.array([0, 1, 2, 2])  # contract birth order (0-based) of each transition


@dataclass
class Demography:
    """Simulated events for one block of replicates (leading axis = replicate)."""

    births: np.ndarray  # [rep, month, area, transition 1st..4th+, group] births
    induced: np.ndarray | None  # same axes: births added by the fertility response (None: no response)
    births_by_age: np.ndarray  # [rep, year, area, order 1..3, mother's age group]
    childless_city: np.ndarray  # [rep, year, area, age] childless city-hukou women at the start of the year
    women_fertile: np.ndarray  # [rep, year, area] women aged 15-49 at the start of the year
    capped_births: float = 0.0  # expected births the rates asked for beyond the women at risk (all replicates)


@dataclass(frozen=True)
class EngineInputs:
    """One block's inputs; a leading axis of length 1 is shared by every replicate."""

    women: np.ndarray  # [rep, area, age, parity, group] whole numbers at the start of the base year
    rates: np.ndarray  # [rep or 1, year, age, transition, group] births of each order per woman-year
    response: np.ndarray | None  # [rep or 1, year, area, transition, group] rate multiplier ≥ 1, or None
    q_female: np.ndarray  # [age]
    migration: np.ndarray  # [area, age] net migrants per woman-year
    girl_share: np.ndarray  # [rep or 1] share of births that are girls


def simulate_block(inputs: EngineInputs, calendar: Calendar, streams: Streams, replicates: int,
                   override: BirthsOverride | None = None) -> Demography:
    n_areas = inputs.women.shape[1]
    women = np.broadcast_to(inputs.women.astype(np.int64), (replicates, *inputs.women.shape[1:])).copy()
    leave_rate = inputs.q_female[None, :] + np.maximum(-inputs.migration, 0.0)  # [area, age]
    arrive_rate = np.maximum(inputs.migration, 0.0)
    arriving_areas = np.flatnonzero(arrive_rate.max(axis=1) > 0)
    uniform_months = np.full(12, 1 / 12)

    births = np.zeros((replicates, calendar.n_months, n_areas, 4, 2), dtype=np.int64)
    induced = None if inputs.response is None else np.zeros_like(births)
    births_by_age = np.zeros((replicates, calendar.n_years, n_areas, 3, AGE_GROUPS), dtype=np.int64)
    childless_city = np.zeros((replicates, calendar.n_years, n_areas, AGES), dtype=np.int64)
    women_fertile = np.zeros((replicates, calendar.n_years, n_areas), dtype=np.int64)
    limited = 0.0

    for y, year in enumerate(calendar.years):
        childless_city[:, y] = women[:, :, :, 0, 1]
        women_fertile[:, y] = women[:, :, FERTILE].sum(axis=(2, 3, 4))
        # Births by (area, age, parity, group): [rep, area, age, transition, group]. The
        # order-k rate per woman becomes a hazard for the women at parity k-1 in the cell.
        at_risk = women[:, :, FERTILE]
        hazard, extra_chance, capped = birth_chances(inputs.rates[:, y], women,
                                                     None if inputs.response is None else inputs.response[:, y],
                                                     FERTILE.start)
        limited += capped
        cell_births = draw.binomial(streams("births", year), at_risk, hazard)
        month_births = draw.multinomial_sequential(streams("birth_months", year), _over_ages(cell_births), uniform_months)  # [rep, area, transition, group, month]
        if induced is not None and extra_chance is not None:  # (both only with a response)
            # The response adds births among the women who would not have given birth anyway:
            # P(birth) = h·m = h + (1 − h)·q, so extra births ~ Binomial(n − births, q).
            extra = draw.binomial(streams("induced_births", year), at_risk - cell_births, extra_chance)
            extra_months = draw.multinomial_sequential(streams("induced_birth_months", year), _over_ages(extra), uniform_months)
            induced[:, y * 12:(y + 1) * 12] = extra_months.transpose(0, 4, 1, 2, 3)
            cell_births += extra
            month_births += extra_months
        if override is not None:
            _apply_override(override, year, at_risk, hazard, cell_births, month_births, streams)
            if induced is not None:  # an analyst's forecast already contains any response
                for (o_year, area) in override.counts:
                    if o_year == year:
                        induced[:, y * 12:(y + 1) * 12, area] = 0

        # Mothers move to the next parity (the 3+ group stays 3+); births by order and mother's age.
        move_mothers(women, cell_births, FERTILE.start, births_by_age[:, y])
        births[:, y * 12:(y + 1) * 12] = month_births.transpose(0, 4, 1, 2, 3)

        # Deaths and net out-migration, then net in-migration.
        women -= draw.binomial(streams("leavers", year), women, leave_rate[None, :, :, None, None])
        if arriving_areas.size:
            women[:, arriving_areas] += draw.binomial(streams("arrivals", year), women[:, arriving_areas],
                                                      arrive_rate[arriving_areas][None, :, :, None, None])

        # Ageing: everyone is a year older; newborn girls enter at age 0 with parity 0.
        girls = draw.binomial(streams("girls", year), month_births.sum(axis=(2, 4)), inputs.girl_share.reshape(-1, 1, 1))
        women[:, :, 1:] = women[:, :, :-1]
        women[:, :, 0] = 0
        women[:, :, 0, 0] = girls
    return Demography(births=births, induced=induced, births_by_age=births_by_age, childless_city=childless_city,
                      women_fertile=women_fertile, capped_births=limited)


# einsum rather than .sum(axis=2): numpy's reduction over a middle axis of this shape is several
# times slower, and whole-number sums are exact in any order.
def _over_ages(births: np.ndarray) -> np.ndarray:
    """[rep, area, age, transition, group] → [rep, area, transition, group]."""
    return np.einsum("rkatg->rktg", births)


def _apply_override(override: BirthsOverride, year: int, at_risk: np.ndarray, hazard: np.ndarray,
                    cell_births: np.ndarray, month_births: np.ndarray, streams: Streams) -> None:
    """Replace one year's births in the overridden areas, in place.

    The file fixes births by order and month (and mother's age when given); they are
    allocated to the women at risk in proportion to the expected births of each cell
    (age × parity × group), so the parity state stays consistent with the override.
    """
    replicates = at_risk.shape[0]
    n_ages = len(FERTILE_AGES)
    for (o_year, area), counts in override.counts.items():
        if o_year != year:
            continue
        expected = at_risk[:, area] * hazard[:, area]  # [rep, age, transition, group]
        cell_births[:, area] = 0
        month_births[:, area] = 0
        for order in range(3):
            transitions = [order] if order < 2 else [2, 3]
            weights = expected[:, :, transitions, :]  # [rep, age, t, group]
            for age_index in np.flatnonzero(counts[order].sum(axis=0)):
                monthly = counts[order][:, age_index]  # [month]
                if age_index == UNSPECIFIED_AGE:
                    cell_weights = weights.reshape(replicates, -1)
                else:
                    only_age = np.zeros_like(weights)
                    only_age[:, age_index - FERTILE_AGES[0]] = weights[:, age_index - FERTILE_AGES[0]]
                    cell_weights = only_age.reshape(replicates, -1)
                cell_weights = _fallback_weights(cell_weights, weights.shape[1:], age_index)
                rng = streams(f"override:{area}:{order}:{age_index}", year)  # one call per stream
                drawn = rng.multinomial(monthly, cell_weights[:, None, :])  # [rep, month, cells]
                drawn = drawn.reshape(replicates, 12, n_ages, len(transitions), 2)
                cell_births[:, area][:, :, transitions, :] += drawn.sum(axis=1)
                month_births[:, area][:, transitions, :, :] += drawn.sum(axis=2).transpose(0, 2, 3, 1)


def _fallback_weights(weights: np.ndarray, cell_shape: tuple[int, ...], age_index: int | np.integer) -> np.ndarray:
    """Normalised allocation weights; where no woman is at risk, spread over the cells evenly.

    The births still count as given (they are the analyst's forecast); only the parity
    update is limited to the women actually there (see `moved` in simulate_block).
    """
    totals = weights.sum(axis=1, keepdims=True)
    even = np.zeros(cell_shape)
    if age_index == UNSPECIFIED_AGE:
        even[:] = 1
    else:
        even[age_index - FERTILE_AGES[0]] = 1
    even = (even / even.sum()).reshape(1, -1)
    return np.where(totals > 0, weights / np.where(totals > 0, totals, 1), even)
