"""育儿补贴 — the national childcare subsidy (2025), paid on top of the plan's measures.

中办国办《育儿补贴制度实施方案》(July 2025): 3,600 yuan a year for every child under 3 from
2025-01-01; children born earlier and still under 3 receive it pro rata for the months they
are under 3 from then on. It is a shared central-local responsibility: the central
government bears most (≈90% nationally); the province's local share and how the province, the city
and the districts/counties divide it are not published, so they are parameters
(`local_share`, `province_share_of_local`, then the area rule). The plan's clause 13
allowance is the city's own top-up; see third_child_allowance.net_of_national_subsidy.

Counted: children of city-hukou families (the subsidy is claimed where the child's hukou
is), born in the simulation (from the base year), followed until `months` of age or death.
Births do not respond to it: the fertility response is to the city's own measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field, field_validator

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext, ParameterContext, birth_months
from model.lines.under_three import allowance_by_cohort, per_child_month
from model.sections import FundedFromAbove, LineSection, MoneyByYear, month_string

if TYPE_CHECKING:
    from model.run_calendar import Calendar
    from model.scenario import Scenario


class NationalSubsidyLine(LineSection, FundedFromAbove):
    annual_amount: MoneyByYear = Field(
        description="yuan per child under 3 per year, paid pro rata by month (at most 1e9)")
    start: str = Field(description="first month of the subsidy, YYYY-MM; children born earlier get the months "
                                   "they are under 3 from then on")
    months: Annotated[int, Field(ge=1, le=60)] = Field(description="months of age covered from birth (36: under 3)")

    _start_month = field_validator("start", mode="before")(month_string)

    @property
    def start_year(self) -> int:
        return int(self.start[:4])

    @property
    def start_month(self) -> int:
        return int(self.start[5:])

CITY_HUKOU = [1]
KEY = "lines.national_childcare_subsidy"


def _in_force(ctx: ParameterContext, line: NationalSubsidyLine) -> np.ndarray:
    """[month] 1 from the subsidy's first month on."""
    start = ctx.calendar.month_index(line.start_year, line.start_month)
    return (np.arange(ctx.calendar.n_months) >= start).astype(float)


def monthly_amount(ctx: ParameterContext, line: NationalSubsidyLine) -> np.ndarray:
    """[rep or 1, month, 1] yuan per child-month: the annual amount ÷ 12, zero before the start."""
    annual = ctx.monthly(line.annual_amount, f"{KEY}.annual_amount") * ctx.index_monthly(LINE.id)
    return annual / 12.0 * _in_force(ctx, line)[None, :, None]


def yearly_monthly_amount(ctx: ParameterContext, line: NationalSubsidyLine) -> np.ndarray:
    """[rep or 1, year, 1] yuan per child-month in force in each year (0 before the start year)."""
    annual = ctx.yearly(line.annual_amount, f"{KEY}.annual_amount") * ctx.index(LINE.id)
    return annual / 12.0 * (ctx.calendar.years >= line.start_year)[None, :, None]


def accrual(ctx: LineContext, line: NationalSubsidyLine) -> Entitlement:
    births = birth_months(ctx, slice(None), CITY_HUKOU)  # every birth order
    claimants = draw.binomial(ctx.streams("national_childcare_subsidy:claims"), births,
                              ctx.monthly(line.take_up, f"{KEY}.take_up"))
    by_cohort, yuan = allowance_by_cohort(claimants, line.months, ctx.base.q_child, ctx.streams,
                                          per_child_month(monthly_amount(ctx, line)[:, :, 0], line.months),
                                          ctx.calendar.n_months, event="national_childcare_subsidy")
    # children born before the start claim when the subsidy opens (their claims queue then)
    start = ctx.calendar.month_index(line.start_year, line.start_month)
    claims = claimants.astype(float)
    claims[:, start] += claims[:, :start].sum(axis=1)
    claims[:, :start] = 0.0
    return Entitlement(yuan=yuan, claims=claims,
                       by_cohort=by_cohort, claims_open=start)


def check(scenario: Scenario, calendar: Calendar) -> tuple[str, str] | None:
    """Children under `months` at the start must have been born in the simulation."""
    line = scenario.lines.national_childcare_subsidy
    if calendar.month_index(line.start_year, line.start_month) < line.months:
        earliest = f"{calendar.base_year + line.months // 12}-{line.months % 12 + 1:02d}"
        return (f"{KEY}.start", f"{line.start} is too early: children under {line.months} months then were born "
                f"before the base year {calendar.base_year}, which the model does not follow; the start must be "
                f"{earliest} or later")
    return None


LINE = Line("national_childcare_subsidy", "国家育儿补贴", "National childcare subsidy", "national (2025)",
            Kind.OUTLAY, accrual, new_money=False, check=check, section=NationalSubsidyLine)
