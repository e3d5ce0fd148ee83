"""A person-level reference engine: one row per woman, plain and obviously right (tests only).

Same rules as the cohort engine (model/engine.py), written the other way round: every woman
is a row; each year she gives birth if her own uniform falls under her cell's hazard, moves
up a parity, may die or leave, and ages; arrivals copy a woman of the same cell; girls born
enter at age 0. The numbers come from numpy's plain `random`, not the cohort engine's
inverse-CDF draws, so agreement in distribution checks both.
"""

from __future__ import annotations

import numpy as np

from model.engine import AGE_GROUPS, TRANSITION_ORDER, Demography, EngineInputs
from model.inputs import AGES
from model.run_calendar import Calendar


def simulate_people(inputs: EngineInputs, calendar: Calendar, replicates: int, seed: int) -> Demography:
    rng = np.random.default_rng(seed)
    n_areas = inputs.women.shape[1]
    # one row per woman: replicate, area, age, parity, group
    counts = np.broadcast_to(inputs.women, (replicates, *inputs.women.shape[1:])).astype(np.int64)
    cells = np.argwhere(counts > 0)
    repeat = counts[tuple(cells.T)]
    rep, area, age, parity, group = (np.repeat(cells[:, k], repeat) for k in range(5))

    births = np.zeros((replicates, calendar.n_months, n_areas, 4, 2), dtype=np.int64)
    induced = None if inputs.response is None else np.zeros_like(births)
    by_age = np.zeros((replicates, calendar.n_years, n_areas, 3, AGE_GROUPS), dtype=np.int64)
    childless = np.zeros((replicates, calendar.n_years, n_areas, AGES), dtype=np.int64)
    fertile = np.zeros((replicates, calendar.n_years, n_areas), dtype=np.int64)
    leave = inputs.q_female[None, :] + np.maximum(-inputs.migration, 0.0)
    arrive = np.maximum(inputs.migration, 0.0)
    shape = (replicates, n_areas, AGES, 4, 2)

    for y in range(calendar.n_years):
        cell = np.ravel_multi_index((rep, area, age, parity, group), shape)
        in_cell = np.bincount(cell, minlength=np.prod(shape)).reshape(shape)
        np.add.at(childless[:, y], (rep[(parity == 0) & (group == 1)], area[(parity == 0) & (group == 1)],
                                    age[(parity == 0) & (group == 1)]), 1)
        np.add.at(fertile[:, y], (rep[age >= 15], area[age >= 15]), 1)

        # her cell's hazard: births of her order per woman of her age, over the share at risk
        rate_rep = rep if inputs.rates.shape[0] > 1 else np.zeros_like(rep)
        rate = inputs.rates[rate_rep, y, age, parity, group]
        women_here = in_cell.sum(axis=3)[rep, area, age, group]
        at_risk = in_cell[rep, area, age, parity, group]
        hazard = np.minimum(rate * women_here / at_risk, 1.0)
        u = rng.random(rep.size)
        gives_birth = u < hazard
        extra = np.zeros(rep.size, dtype=bool)
        if inputs.response is not None:
            response_rep = rep if inputs.response.shape[0] > 1 else np.zeros_like(rep)
            raised = np.minimum(hazard * inputs.response[response_rep, y, area, parity, group], 1.0)
            extra = ~gives_birth & (u < raised)  # the same uniform: extra births on top of the baseline
        mothers = gives_birth | extra
        month = rng.integers(0, 12, size=rep.size)
        index = (rep[mothers], y * 12 + month[mothers], area[mothers], parity[mothers], group[mothers])
        np.add.at(births, index, 1)
        if induced is not None:
            np.add.at(induced, (rep[extra], y * 12 + month[extra], area[extra], parity[extra], group[extra]), 1)
        fertile_mothers = mothers & (age >= 15)
        np.add.at(by_age[:, y], (rep[fertile_mothers], area[fertile_mothers],
                                 TRANSITION_ORDER[parity[fertile_mothers]], (age[fertile_mothers] - 15) // 5), 1)
        parity = np.where(mothers, np.minimum(parity + 1, 3), parity)

        # girls born this year take their mother's replicate, area and group
        girl_share = inputs.girl_share[rep[mothers]] if inputs.girl_share.size > 1 else inputs.girl_share[0]
        girls = mothers.nonzero()[0][rng.random(mothers.sum()) < girl_share]
        girl_rep, girl_area, girl_group = rep[girls], area[girls], group[girls]

        # deaths and net out-migration; arrivals copy a woman who stays, with her cell
        stays = rng.random(rep.size) >= leave[area, age]
        copies = stays & (rng.random(rep.size) < arrive[area, age])
        keep = np.concatenate([stays.nonzero()[0], copies.nonzero()[0]])
        rep, area, age, parity, group = (a[keep] for a in (rep, area, age, parity, group))
        age = age + 1
        rep = np.concatenate([rep, girl_rep])
        area = np.concatenate([area, girl_area])
        group = np.concatenate([group, girl_group])
        age = np.concatenate([age, np.zeros(girls.size, dtype=age.dtype)])
        parity = np.concatenate([parity, np.zeros(girls.size, dtype=parity.dtype)])
        alive = age < AGES
        rep, area, age, parity, group = (a[alive] for a in (rep, area, age, parity, group))
    return Demography(births=births, induced=induced, births_by_age=by_age, childless_city=childless,
                      women_fertile=fertile)

