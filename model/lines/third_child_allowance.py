"""三孩育儿补贴 — clause 13 of the plan.

"对夫妻双方中至少一方为我市户籍、在市内医疗机构生育三孩的家庭，每月发放500元育儿补贴，
直至孩子满3周岁" — families with at least one city-hukou parent whose third child is born in
a city hospital receive 500 yuan a month until the child turns 3. Entitlement accrues from
the birth month for `months` months (36) and stops at the child's death. Third means third
and later (birth order 3 of the contract). In the three districts city and district pay 50/50.
"""

from __future__ import annotations

import numpy as np

from model.lines.base import Line, LineContext, birth_months
from model.rng import Streams
from model.scenario import AllowanceLine

CITY_HUKOU = [1]
THIRD_AND_LATER = [2, 3]


def recipients_alive(recipients: np.ndarray, months: int, q_child: np.ndarray,
                     streams: Streams) -> np.ndarray:
    """Children alive in each month of age: [rep, birth month, area, age month].

    Deaths are drawn per year of age; those who die in a year are counted alive for half
    of it on average (deaths spread evenly over the year's months).
    """
    alive = np.zeros((*recipients.shape, months))
    survivors = recipients.copy()
    for age_year in range((months + 11) // 12):
        deaths = streams(f"third_child_allowance:deaths_at_age_{age_year}").binomial(
            survivors, q_child[age_year])
        first, stop = age_year * 12, min(months, age_year * 12 + 12)
        within = (np.arange(first, stop) - first + 0.5) / 12.0
        alive[..., first:stop] = survivors[..., None] - deaths[..., None] * within
        survivors = survivors - deaths
    return alive


def paid_child_months(alive: np.ndarray, n_months: int) -> np.ndarray:
    """Sum children alive by calendar month: birth month + age month → [rep, month, area]."""
    replicates, births, areas, ages = alive.shape
    out = np.zeros((replicates, n_months, areas))
    for age in range(ages):
        out[:, age:, :] += alive[:, : n_months - age, :, age]
    return out


def accrual(ctx: LineContext, line: AllowanceLine) -> np.ndarray:
    eligible = ctx.from_policy_start(birth_months(ctx, THIRD_AND_LATER, CITY_HUKOU))
    claim_share = ctx.scenario.eligibility.in_city_hospital_share * line.take_up
    recipients = ctx.streams("third_child_allowance:claims").binomial(eligible, claim_share)
    alive = recipients_alive(recipients, line.months, ctx.base.q_child, ctx.streams)
    child_months = paid_child_months(alive, ctx.calendar.n_months)
    amount = ctx.monthly(line.monthly_amount, "lines.third_child_allowance.monthly_amount")
    return child_months * amount[None, :, None]


LINE = Line("third_child_allowance", "三孩育儿补贴", "Third-child allowance", "13", "outlay", accrual)
