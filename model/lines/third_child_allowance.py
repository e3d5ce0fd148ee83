"""三孩育儿补贴 — clause 13 of the plan.

"对夫妻双方中至少一方为我市户籍、在市内医疗机构生育三孩的家庭，每月发放500元育儿补贴，
直至孩子满3周岁" — families with at least one city-hukou parent whose third child is born in
a city hospital receive 500 yuan a month until the child turns 3. Entitlement accrues from
the birth month for `months` months (36) and stops at the child's death. Third means third
and later (birth order 3 of the contract); `birth_orders = [2, 3]` extends it to second
children. In the three districts city and district pay 50/50.

Since 2025 the national childcare subsidy (育儿补贴, 3,600 a year under 3) is paid on top.
`net_of_national_subsidy = true` makes the city's amount a top-up: 500 − 300 = 200 a month
from the national subsidy's start (the scenario national_subsidy_absorbs).
"""

from __future__ import annotations

import numpy as np

from model import sampling as draw
from model.lines import national_childcare_subsidy as national
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    transitions_of,
)
from model.lines.under_three import at_calendar_month, by_calendar_month, recipients_alive
from model.scenario import AllowanceLine

CITY_HUKOU = [1]
KEY = "lines.third_child_allowance"


def monthly_amount(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    """[rep or 1, month, 1] yuan the city pays per child-month."""
    amount = ctx.monthly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index_monthly(line_id=LINE.id)
    if line.net_of_national_subsidy:
        amount = np.maximum(amount - national.monthly_amount(ctx, ctx.scenario.lines.national_childcare_subsidy), 0.0)
    return amount


def accrual(ctx: LineContext, line: AllowanceLine) -> Entitlement:
    eligible = ctx.from_policy_start(birth_months(ctx, transitions_of(line.birth_orders), CITY_HUKOU))
    claim_share = ctx.monthly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    recipients = draw.binomial(ctx.streams("third_child_allowance:claims"), eligible, claim_share)
    alive = recipients_alive(recipients, line.months, ctx.base.q_child, ctx.streams)
    by_cohort = at_calendar_month(alive, monthly_amount(ctx, line)[:, :, 0])  # [rep, birth month, area, age]
    return Entitlement(yuan=by_calendar_month(by_cohort, ctx.calendar.n_months), claims=recipients.astype(float),
                       by_cohort=by_cohort)


def benefit_per_birth(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    claim_share = ctx.yearly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    monthly = ctx.yearly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index(LINE.id)
    if line.net_of_national_subsidy:  # the top-up in force in the birth year
        monthly = np.maximum(monthly - national.yearly_monthly_amount(ctx, ctx.scenario.lines.national_childcare_subsidy), 0.0)
    per_birth = monthly * line.months * claim_share
    orders = np.array([order in line.birth_orders for order in (1, 2, 3)], dtype=float)
    return per_birth[..., None] * orders  # [rep or 1, year, 1, order]


LINE = Line("third_child_allowance", "三孩育儿补贴", "Third-child allowance", "13", "outlay", accrual,
            benefit_per_birth, birth_linked=True)
