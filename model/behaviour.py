"""The fertility response: subsidies raise the birth rates of the orders they pay for.

A modifier on the named birth rates (Vivarium's pattern), not an edit of the engine: for
city-hukou families (the ones the plan pays), the rate of a birth of order k is multiplied
by 1 + response × V_k / 10,000 × phase, where V_k is the expected yuan a family receives
for that birth from every enabled line (each line's `benefit_per_birth`), response is the
relative rise per 10,000 yuan (`[behaviour] fertility_response`) and phase rises linearly
from the policy start over `response_phase_in_years`. With a zero response the engine
draws no extra births at all, so induced births are exactly zero.
"""

from __future__ import annotations

import numpy as np

from model.lines import lines_of, section_of
from model.lines.base import ParameterContext
from model.realise import per_replicate
from model.uncertainty import drawn
from model.units import YUAN_PER_WAN

TRANSITION_ORDER = [0, 1, 2, 2]  # contract birth order (0-based) of engine transitions 1st, 2nd, 3rd, 4th+
PER_YUAN = 1 / YUAN_PER_WAN  # the response is given per 10,000 yuan (万元) of benefit


def benefit_per_birth(ctx: ParameterContext, line_ids: list[str]) -> np.ndarray:
    """[rep or 1, year, area or 1, order 1..3] expected yuan per birth from every enabled line."""
    total = np.zeros((1, ctx.calendar.n_years, 1, 3))
    for line in lines_of(ctx.scenario.measures).values():
        if line.id in line_ids and line.benefit_per_birth is not None:
            total = total + line.benefit_per_birth(ctx, section_of(ctx.scenario, line.id))
    return total


def phase_in(ctx: ParameterContext) -> np.ndarray:
    """[year] share of the full response: 0 before the policy, rising linearly to 1."""
    years_in_force = ctx.calendar.years - ctx.scenario.scenario.policy_start_year + 1
    span = ctx.scenario.behaviour.response_phase_in_years
    if span == 0:
        return (years_in_force >= 1).astype(float)
    return np.clip(years_in_force / span, 0.0, 1.0)


def response_multiplier(ctx: ParameterContext, line_ids: list[str]) -> np.ndarray | None:
    """[rep or 1, year, area, transition, group] multiplier of the birth rates, or None."""
    response = drawn(ctx.scenario.behaviour.fertility_response)
    if not isinstance(response, np.ndarray) and float(response) == 0.0:
        return None
    value = benefit_per_birth(ctx, line_ids)
    rise = per_replicate(response, 4) * value * PER_YUAN * phase_in(ctx)[None, :, None, None]
    by_transition = 1 + rise[..., TRANSITION_ORDER]  # [rep or 1, year, area or 1, transition]
    n_areas = len(ctx.base.area_population_share)
    by_transition = np.broadcast_to(by_transition, (*by_transition.shape[:2], n_areas, 4))
    return np.stack([np.ones_like(by_transition), by_transition], axis=-1)  # group 0 is not eligible
