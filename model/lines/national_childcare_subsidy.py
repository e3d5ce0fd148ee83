"""育儿补贴 — the national childcare subsidy (2025), paid on top of the plan's measures.

中办国办《育儿补贴制度实施方案》(July 2025): 3,600 yuan a year for every child under 3 from
2025-01-01; children born earlier and still under 3 receive it pro rata for the months they
are under 3 from then on. It is a shared central-local responsibility: the central
government bears most (≈90% nationally); the province's local share and how the province, the city
and the districts/counties divide it are not published, so they are parameters
(`local_share`, `province_share_of_local`, then the area rule). The plan's clause 13
allowance is the city's own top-up; see third_child_allowance.net_of_national_subsidy.

Counted: children of city-hukou families (the subsidy is claimed where the child's hukou
is), followed until `months` of age or death: those born in the simulation (from the base year),
and, when the subsidy starts less than `months` after the base year's first month, those born
in the months before it who are still under `months` then (the births history, spread evenly
over the months of each year, × the city-hukou share, split by residents; they claim at the
start). Births do not respond to it: the fertility response is to the city's own measures.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, field_validator

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    births_before_base,
)
from model.lines.under_three import allowance_by_cohort, per_child_month
from model.realise import per_replicate
from model.sections import FundedFromAbove, LineSection, MoneyByYear, month_string


class NationalSubsidyLine(LineSection, FundedFromAbove):
    annual_amount: MoneyByYear = Field(
        description="yuan per child under 3 per year, paid pro rata by month (at most 1e9)")
    start: str = Field(description="first month of the subsidy, YYYY-MM; children born earlier get the months "
                                   "they are under 3 from then on")
    months: Annotated[int, Field(ge=1, le=60)] = Field(description="months of age covered from birth (36: under 3)")

    _start_month = field_validator("start", mode="before")(month_string)

    def months_before(self, base_year: int) -> int:
        """Months of birth before the base year whose children are under `months` at the start, or at the
        base year's first month when the subsidy started earlier (older children left before the run)."""
        start = max(0, (self.start_year - base_year) * 12 + self.start_month - 1)
        return max(0, self.months - 1 - start)

    def history_years(self, base_year: int) -> int:
        return -(-self.months_before(base_year) // 12)

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


def earlier_claimants(ctx: LineContext, line: NationalSubsidyLine, start: int) -> np.ndarray:
    """[rep, month of birth before the base year, area] children born in the line's months before the
    base year (oldest first) who claim at the start: the births history spread evenly over each year's
    months × the city-hukou share × the residents' shares (whole children), then the start's take-up."""
    months = line.months_before(ctx.calendar.base_year)
    years = line.history_years(ctx.calendar.base_year)
    history = births_before_base(ctx, years)
    monthly = np.repeat(history / 12.0, 12)[len(history) * 12 - months:]
    hukou = np.reshape(per_replicate(ctx.scenario.eligibility.city_hukou_share, 1), (-1, 1, 1))
    children = np.round(monthly[None, :, None] * hukou * ctx.area_share[:, None, :]).astype(np.int64)
    children = np.broadcast_to(children, (ctx.replicates, *children.shape[1:]))
    take_up = ctx.monthly(line.take_up, f"{KEY}.take_up")[:, start:start + 1]  # [rep or 1, 1, 1]
    return draw.binomial(ctx.streams("national_childcare_subsidy:earlier_claims"), children,
                         np.broadcast_to(take_up, children.shape))


def accrual(ctx: LineContext, line: NationalSubsidyLine) -> Entitlement:
    births = birth_months(ctx, slice(None), CITY_HUKOU)  # every birth order
    claimants = draw.binomial(ctx.streams("national_childcare_subsidy:claims"), births,
                              ctx.monthly(line.take_up, f"{KEY}.take_up"))
    # a subsidy in force before the base year: the children it already pays claim in the first month
    start = max(0, ctx.calendar.month_index(line.start_year, line.start_month))
    amount = monthly_amount(ctx, line)[:, :, 0]
    before = line.months_before(ctx.calendar.base_year)
    recipients = claimants
    earlier = np.zeros((ctx.replicates, 0, claimants.shape[2]), dtype=np.int64)
    if before:  # children born before the base year and still young enough at the start
        earlier = earlier_claimants(ctx, line, start)
        recipients = np.concatenate([earlier, claimants], axis=1)
        amount = np.concatenate([np.zeros((amount.shape[0], before)), amount], axis=1)  # before the run: not budgeted
    by_cohort, yuan = allowance_by_cohort(recipients, line.months, ctx.base.q_child, ctx.streams,
                                          per_child_month(amount, line.months),
                                          ctx.calendar.n_months + before, event="national_childcare_subsidy")
    # children born before the start claim when the subsidy opens (their claims queue then)
    claims = claimants.astype(float)
    claims[:, start] += claims[:, :start].sum(axis=1) + earlier.sum(axis=1)
    claims[:, :start] = 0.0
    return Entitlement(yuan=np.ascontiguousarray(yuan[:, before:]), claims=claims,
                       by_cohort=by_cohort, claims_open=start, cohorts_before=before)


LINE = Line("national_childcare_subsidy", "国家育儿补贴", "National childcare subsidy", "national (2025)",
            Kind.OUTLAY, accrual, new_money=False, section=NationalSubsidyLine)
