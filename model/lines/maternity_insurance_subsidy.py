"""产假社保补贴 — clause 18 of the plan.

"对企业在女职工产假期间支付的社会保险费用，给予50%的补贴" — half of the social-insurance
contributions an enterprise pays for an employee while she is on maternity leave (`leave_days`:
the province's maternity leave). Priced as births to mothers in enterprise employee insurance × the employer's
contributions (base × employer rate) over the leave, accruing month by month from the
birth month. Employer share only (the plan says 企业…支付的); no hukou condition.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    all_orders,
    birth_months,
    shift_months,
)
from model.sections import LineSection, MoneyByYear, Share


class MaternityLine(LineSection):
    subsidy_rate: Share = Field(description="share of the employer's contributions subsidised")
    enterprise_insured_share: Share = Field(description="share of births to mothers in enterprise employee insurance")
    employer_rate: Share = Field(description="employer social-insurance rate (share of the base)")
    contribution_base: MoneyByYear = Field(description="monthly contribution base in yuan, by year (at most 1e9)")
    leave_days: Annotated[int, Field(ge=0, le=730)] = Field(description="maternity leave in calendar days")

ALL = slice(None)
DAYS_PER_MONTH = 365.25 / 12
KEY = "lines.maternity_insurance_subsidy"


def leave_profile(leave_days: int) -> np.ndarray:
    """Months of leave falling in the birth month, the next month, …: e.g. 158 days → 1,1,1,1,1,0.19."""
    months = leave_days / DAYS_PER_MONTH
    full = int(np.floor(months))
    profile = np.ones(full + (1 if months > full else 0))
    if months > full:
        profile[-1] = months - full
    return profile


def monthly_subsidy(ctx: ParameterContext, line: MaternityLine, by_month: bool) -> np.ndarray:
    base = (ctx.monthly if by_month else ctx.yearly)(line.contribution_base, f"{KEY}.contribution_base")
    return base * ctx.value(line.employer_rate) * ctx.value(line.subsidy_rate)


def accrual(ctx: LineContext, line: MaternityLine) -> Entitlement:
    births = ctx.from_policy_start(birth_months(ctx, ALL, ALL))
    share = ctx.value(line.enterprise_insured_share) * ctx.monthly(line.take_up, f"{KEY}.take_up")
    subsidised = draw.binomial(ctx.streams("maternity_insurance_subsidy:claims"), births, share)
    on_leave = np.zeros(subsidised.shape)
    for months_after_birth, part in enumerate(leave_profile(line.leave_days)):
        on_leave += shift_months(subsidised, -months_after_birth) * part
    # one claim per mother, counted over her leave months like the yuan
    claims = on_leave / max(leave_profile(line.leave_days).sum(), 1e-9)
    return Entitlement(yuan=on_leave * monthly_subsidy(ctx, line, by_month=True), claims=claims)


def benefit_per_birth(ctx: ParameterContext, line: MaternityLine) -> np.ndarray:
    """The subsidy goes to the employer; counted as a benefit to the family all the same
    (it lowers the cost of a birth to the mother's job), at its full value."""
    share = ctx.value(line.enterprise_insured_share) * ctx.yearly(line.take_up, f"{KEY}.take_up")
    months = line.leave_days / DAYS_PER_MONTH
    return all_orders(monthly_subsidy(ctx, line, by_month=False) * months * share)


LINE = Line("maternity_insurance_subsidy", "产假社保补贴", "Maternity-leave social-insurance subsidy", "18",
            Kind.OUTLAY, accrual, benefit_per_birth, birth_linked=True, section=MaternityLine)
