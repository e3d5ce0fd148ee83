"""三孩育儿补贴 — clause 13 of the plan.

"对夫妻双方中至少一方为我市户籍、在市内医疗机构生育三孩的家庭，每月发放500元育儿补贴，
直至孩子满3周岁" — families with at least one city-hukou parent whose third child is born in
a city hospital receive 500 yuan a month until the child turns 3. Entitlement accrues from
the birth month for `months` months (36) and stops at the child's death. Third means third
and later (birth order 3 of the contract); `birth_orders = [2, 3]` extends it to second
children. In the three districts city and district pay 50/50.
"""

from __future__ import annotations

import numpy as np

from model import sampling as draw
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    transitions_of,
)
from model.rng import Streams
from model.scenario import AllowanceLine

CITY_HUKOU = [1]
KEY = "lines.third_child_allowance"


def recipients_alive(recipients: np.ndarray, months: int, q_child: np.ndarray,
                     streams: Streams) -> np.ndarray:
    """Children alive in each month of age: [rep, birth month, area, age month].

    Deaths are drawn per year of age; those who die in a year are counted alive for half
    of it on average (deaths spread evenly over the year's months).
    """
    alive = np.zeros((*recipients.shape, months))
    survivors = recipients.copy()
    for age_year in range((months + 11) // 12):
        deaths = draw.binomial(streams(f"third_child_allowance:deaths_at_age_{age_year}"), survivors, q_child[age_year])
        first, stop = age_year * 12, min(months, age_year * 12 + 12)
        within = (np.arange(first, stop) - first + 0.5) / 12.0
        alive[..., first:stop] = survivors[..., None] - deaths[..., None] * within
        survivors = survivors - deaths
    return alive


def by_calendar_month(by_age: np.ndarray, n_months: int) -> np.ndarray:
    """Sum [rep, birth month, area, age month] by calendar month (birth month + age) → [rep, month, area]."""
    replicates, births, areas, ages = by_age.shape
    out = np.zeros((replicates, n_months, areas))
    for age in range(min(ages, n_months)):
        out[:, age:, :] += by_age[:, : n_months - age, :, age]
    return out


def monthly_amount(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    return ctx.monthly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index_monthly(line_id=LINE.id)


def accrual(ctx: LineContext, line: AllowanceLine) -> Entitlement:
    eligible = ctx.from_policy_start(birth_months(ctx, transitions_of(line.birth_orders), CITY_HUKOU))
    claim_share = ctx.monthly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    recipients = draw.binomial(ctx.streams("third_child_allowance:claims"), eligible, claim_share)
    alive = recipients_alive(recipients, line.months, ctx.base.q_child, ctx.streams)
    # yuan by birth month and age month: the amount is that of the calendar month paid
    amount = monthly_amount(ctx, line)[:, :, 0]  # [rep or 1, month]
    months = ctx.calendar.n_months
    calendar_month = np.minimum(np.arange(months)[:, None] + np.arange(line.months)[None, :], months - 1)
    by_cohort = alive * amount[:, calendar_month][:, :, None, :]
    return Entitlement(yuan=by_calendar_month(by_cohort, months), claims=recipients.astype(float),
                       by_cohort=by_cohort)


def benefit_per_birth(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    claim_share = ctx.yearly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    per_birth = ctx.yearly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index(LINE.id) * line.months * claim_share
    orders = np.array([order in line.birth_orders for order in (1, 2, 3)], dtype=float)
    return per_birth[..., None] * orders  # [rep or 1, year, 1, order]


LINE = Line("third_child_allowance", "三孩育儿补贴", "Third-child allowance", "13", "outlay", accrual,
            benefit_per_birth, birth_linked=True)
