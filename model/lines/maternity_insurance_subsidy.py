"""产假社保补贴 — clause 18 of the plan.

"对企业在女职工产假期间支付的社会保险费用，给予50%的补贴" — half of the social-insurance
contributions an enterprise pays for an employee while she is on maternity leave (158 days
in Hubei). Priced as births to mothers in enterprise employee insurance × the employer's
contributions (base × employer rate) over the leave, accruing month by month from the
birth month. Employer share only (the plan says 企业…支付的); no hukou condition.
"""

from __future__ import annotations

import numpy as np

from model.lines.base import Line, LineContext, birth_months, shift_months
from model.scenario import MaternityLine

ALL = slice(None)
DAYS_PER_MONTH = 365.25 / 12


def leave_profile(leave_days: int) -> np.ndarray:
    """Months of leave falling in the birth month, the next month, …: e.g. 158 days → 1,1,1,1,1,0.19."""
    months = leave_days / DAYS_PER_MONTH
    full = int(np.floor(months))
    profile = np.ones(full + (1 if months > full else 0))
    if months > full:
        profile[-1] = months - full
    return profile


def accrual(ctx: LineContext, line: MaternityLine) -> np.ndarray:
    births = ctx.from_policy_start(birth_months(ctx, ALL, ALL))
    subsidised = ctx.streams("maternity_insurance_subsidy:claims").binomial(
        births, line.enterprise_insured_share * line.take_up)
    monthly_contribution = ctx.monthly(line.contribution_base, "lines.maternity_insurance_subsidy.contribution_base")
    monthly_subsidy = monthly_contribution * line.employer_rate * line.subsidy_rate
    on_leave = np.zeros(subsidised.shape)
    for months_after_birth, share in enumerate(leave_profile(line.leave_days)):
        on_leave += shift_months(subsidised, -months_after_birth) * share
    return on_leave * monthly_subsidy[None, :, None]


LINE = Line("maternity_insurance_subsidy", "产假社保补贴", "Maternity-leave social-insurance subsidy", "18",
            "outlay", accrual)
