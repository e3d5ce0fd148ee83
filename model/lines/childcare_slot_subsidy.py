"""普惠托位补贴 — clause 11 of the plan (with clause 7's slot target).

"对普惠性托育机构根据招收情况给予每个托位每年600元的补贴" — inclusive (普惠) childcare
institutions receive 600 yuan a year for each slot, according to enrolment. Clause 7 sets
the supply: 4.5 slots per 1,000 residents by the end of 2025. Subsidised slots are the
enrolled children in inclusive slots: the smaller of the inclusive slots and the children
under 3 whose families use inclusive care, so the line follows births.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext, ParameterContext, births_before_base
from model.sections import LineSection, MoneyByYear, PerThousandByYear, Share, ShareByYear


class ChildcareLine(LineSection):
    amount_per_slot: MoneyByYear = Field(description="yuan per enrolled inclusive slot per year (at most 1e9 yuan)")
    slots_per_1000: PerThousandByYear = Field(description="childcare slots per 1,000 residents, by year "
                                                         "(at most 1,000: a slot per resident)")
    inclusive_share: Share = Field(description="share of slots that are 普惠 (inclusive)")
    enrolment_rate: ShareByYear = Field(description="share of children under 3 in formal care, by year")

KEY = "lines.childcare_slot_subsidy"


def residents(ctx: ParameterContext) -> np.ndarray:
    """Residents by replicate, simulated year and area: base population × share × growth."""
    demography = ctx.scenario.demography
    years = (ctx.calendar.years - ctx.calendar.base_year)[None, :, None]
    growth = (1 + ctx.value(demography.population_growth)) ** years
    return ctx.value(demography.resident_population) * growth * ctx.area_share[:, None, :]


def children_aged(ctx: LineContext, first: int, last: int) -> np.ndarray:
    """Mid-year children aged first..last by replicate, year and area (born between mid-year
    y−last−1 and mid-year y−first): ½B(y−last−1) + B(y−last) + … + B(y−first−1) + ½B(y−first).
    Ages 0-2 are ½B(y−3) + B(y−2) + B(y−1) + ½B(y).

    Births before the base year come from the births history, split by residents' shares.
    """
    calendar = ctx.calendar
    simulated = calendar.by_year(ctx.demography.births.sum(axis=(3, 4)))  # [rep, year, area]
    depth = last + 1
    earlier = births_before_base(ctx, depth)
    history = np.broadcast_to(earlier[None, :, None] * ctx.area_share[:, None, :],
                              (ctx.replicates, depth, simulated.shape[2]))
    births = np.concatenate([history, simulated], axis=1)  # years base−depth … horizon
    n = simulated.shape[1]
    at = [births[:, depth - k: depth - k + n] for k in range(depth, first - 1, -1)]  # B(y−k), oldest first
    total = 0.5 * at[0]
    for part in at[1:-1]:
        total = total + part
    return total + 0.5 * at[-1]


def children_under_three(ctx: LineContext) -> np.ndarray:
    return children_aged(ctx, 0, 2)


def accrual(ctx: LineContext, line: ChildcareLine) -> Entitlement:
    slots = residents(ctx) / 1000 * ctx.yearly(line.slots_per_1000, f"{KEY}.slots_per_1000")
    inclusive_slots = np.floor(slots * ctx.value(line.inclusive_share))
    enrolment = ctx.yearly(line.enrolment_rate, f"{KEY}.enrolment_rate")
    wanting = draw.binomial(ctx.streams("childcare_slot_subsidy:enrolment"), np.round(children_under_three(ctx)).astype(np.int64), enrolment * ctx.value(line.inclusive_share))
    enrolled = np.minimum(wanting, inclusive_slots).astype(np.int64)
    claimed = draw.binomial(ctx.streams("childcare_slot_subsidy:claims"), enrolled, ctx.yearly(line.take_up, f"{KEY}.take_up"))
    amount = ctx.yearly(line.amount_per_slot, f"{KEY}.amount_per_slot") * ctx.index(LINE.id)
    yuan = ctx.from_policy_start(ctx.spread_over_year(claimed * amount))
    return Entitlement(yuan=yuan, claims=ctx.from_policy_start(ctx.spread_over_year(claimed.astype(float))))


LINE = Line("childcare_slot_subsidy", "普惠托位补贴", "Childcare slot subsidy", "11", Kind.OUTLAY, accrual,
            births_history_years=3, section=ChildcareLine)
