"""计划生育奖励扶助和特别扶助 — clauses 2 and 19 of the plan.

Clause 2: "对全面两孩政策调整前的独生子女家庭和农村计划生育双女家庭，继续实行现行各项奖励
扶助制度和优惠政策" — the reward and assistance payments to only-child and rural two-daughter
families continue. Clause 19: support for 计划生育特殊家庭 (families whose only child died or
is disabled), the 特别扶助 payments.

Each scheme is a cohort of recipients by age: the base-year recipients (the table
family_planning_recipients, replaceable by the bureau's roster) age a year at a time, die
by the life table (both sexes), and new recipients enter at the scheme's entry age each
year. Cost = recipients × the scheme's yearly amount. The schemes are co-funded by the
central government; the province's part of the local share is a parameter, the rest
follows the area rule. Recipients are split between areas by residents.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from model import bounded_numbers as num
from model import sampling as draw
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.sections import FundedFromAbove, LineSection, MoneyByYear, Scale, Strict


class AwardScheme(Strict):
    name_zh: str = Field(description="Chinese name of the scheme")
    entry_age: Annotated[int, Field(ge=0, le=100)] = Field(description="age at which recipients enter")
    annual_amount: MoneyByYear = Field(description="yuan per recipient per year, by year (at most 1e9 yuan)")
    entrants_per_year: num.CountByYear = Field(description="new recipients a year, city-wide, by year (at most 2e9)")


class AwardsLine(LineSection, FundedFromAbove):
    schemes: dict[str, AwardScheme] = Field(
        description="schemes by id; their base-year recipients by age are the table family_planning_recipients")
    recipients_scale: Scale = Field(
        description="multiplier of the base-year recipients table (its uncertainty; 1 = the table as it is)")

KEY = "lines.family_planning_awards"


def recipients(ctx: LineContext, scheme: AwardScheme, base_stock: np.ndarray | float, key: str,
               stream: str) -> np.ndarray:
    """[rep, year, age 0..100] recipients of one scheme at mid-year: those alive at the start of
    the year less half of those who die during it (deaths fall evenly over the year).
    `base_stock`: base-year recipients by age ([age] or [rep, age]); `key`: the scheme's dotted key."""
    q = ctx.base.q_both_all_ages  # [age]
    if q is None:  # load_base_data reads it whenever a scheme is priced
        raise ValueError("the both-sexes life table to age 100 is not loaded")
    ages, years = q.shape[-1], ctx.calendar.n_years
    entrants = np.broadcast_to(ctx.yearly(scheme.entrants_per_year, f"{key}.entrants_per_year"),
                               (ctx.replicates, years, 1))[:, :, 0]
    current = np.broadcast_to(np.round(np.reshape(base_stock, (-1, ages))).astype(np.int64),
                              (ctx.replicates, ages)).copy()
    out = np.zeros((ctx.replicates, years, ages))
    for y in range(years):
        deaths = draw.binomial(ctx.streams(stream, y), current, q[None, :])
        out[:, y] = current - 0.5 * deaths
        survivors = current - deaths
        current = np.zeros_like(survivors)
        current[:, 1:] = survivors[:, :-1]  # a year older; the life table ends everyone at its last age
        if y + 1 < years:
            current[:, scheme.entry_age] += np.round(entrants[:, y + 1]).astype(np.int64)
    return out


def yearly_payments(ctx: LineContext, scheme: AwardScheme, base_stock: np.ndarray | float, key: str,
                    index_id: str, stream: str) -> tuple[np.ndarray, np.ndarray]:
    """[rep, year, 1] yuan owed to one scheme's mid-year recipients (indexed as the line `index_id`),
    and the recipients."""
    count = recipients(ctx, scheme, base_stock, key, stream).sum(axis=2, keepdims=True)
    amount = ctx.yearly(scheme.annual_amount, f"{key}.annual_amount") * ctx.index(index_id)
    return count * amount, count


def by_month_and_area(ctx: LineContext, yearly: np.ndarray, people: np.ndarray, take_up: np.ndarray) -> Entitlement:
    """[rep, year, 1] yuan and recipients → by month and area (residents' shares), from the policy start;
    one claim a year per recipient household, filed at the start of the year."""
    by_area = ctx.area_share[:, None, :]
    yuan = ctx.from_policy_start(ctx.spread_over_year(yearly * take_up * by_area))
    claims = np.zeros_like(yuan)
    claims[:, ::12] = people * take_up * by_area
    return Entitlement(yuan=yuan, claims=ctx.from_policy_start(claims))


def accrual(ctx: LineContext, line: AwardsLine) -> Entitlement:
    yearly = np.zeros((ctx.replicates, ctx.calendar.n_years, 1))
    people = np.zeros_like(yearly)
    for scheme_id, scheme in line.schemes.items():
        stock = ctx.base.award_recipients[scheme_id] * ctx.value(line.recipients_scale)  # [age] or [rep, age]
        paid, count = yearly_payments(ctx, scheme, stock, f"{KEY}.schemes.{scheme_id}", LINE.id,
                                      stream=f"family_planning_awards:{scheme_id}:deaths")
        yearly = yearly + paid
        people = people + count
    return by_month_and_area(ctx, yearly, people, ctx.yearly(line.take_up, f"{KEY}.take_up"))


LINE = Line("family_planning_awards", "计划生育奖励扶助和特别扶助", "Family-planning reward and special assistance",
            "2, 19", Kind.OUTLAY, accrual, new_money=False, section=AwardsLine)
