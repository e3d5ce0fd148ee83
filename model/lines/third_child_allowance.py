"""三孩育儿补贴 — clause 13 of the plan.

"对夫妻双方中至少一方为我市户籍、在市内医疗机构生育三孩的家庭，每月发放500元育儿补贴，
直至孩子满3周岁" — families with at least one city-hukou parent whose third child is born in
a city hospital receive 500 yuan a month until the child turns 3. Entitlement accrues from
the birth month for `months` months (36) and stops at the child's death. Third means third
and later (birth order 3 of the contract); `birth_orders = [2, 3]` extends it to second
children. In the three districts city and district pay 50/50.

Children born before the policy start get nothing by default (the plan speaks of families who
give birth); `earlier_children_paid = true` pays them the months from the start until they turn 3.

Since 2025 the national childcare subsidy (育儿补贴, 3,600 a year under 3) is paid on top.
`net_of_national_subsidy = true` makes the city's amount a top-up: 500 − 300 = 200 a month
from the national subsidy's start (the scenario national_subsidy_absorbs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from model import sampling as draw
from model.kinds import Kind
from model.lines import national_childcare_subsidy as national
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    transitions_of,
)
from model.lines.under_three import allowance_by_cohort, calendar_months, per_child_month
from model.sections import LineSection, MoneyByYear

if TYPE_CHECKING:
    from model.run_calendar import Calendar
    from model.scenario import Scenario


class AllowanceLine(LineSection):
    monthly_amount: MoneyByYear = Field(description="yuan per child per month, by year (at most 1e9 yuan)")
    months: Annotated[int, Field(ge=0, le=60)] = Field(
        description="months paid from the birth month (the child life table covers ages 0-4)")
    birth_orders: list[Literal[1, 2, 3]] = Field(
        [3], min_length=1, description="birth orders paid (3 = third and later); [2, 3] extends it to second children")
    net_of_national_subsidy: bool = Field(
        False, description="the city only tops up to `monthly_amount`: from the national childcare subsidy's start it "
                           "pays monthly_amount minus the national monthly amount (never below 0); "
                           "false: both are paid in full")
    earlier_children_paid: bool = Field(
        False, description="children born before the policy start and still young enough are paid their "
                           "remaining months from the start (false: only births from the start qualify); "
                           "children born before the base year are not simulated: their months must fall "
                           "before the first budget year (checked), and their claims are not in the review queue")

CITY_HUKOU = [1]
KEY = "lines.third_child_allowance"


def monthly_amount(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    return ctx.monthly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index_monthly(line_id=LINE.id)


def top_up(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    """[rep or 1, birth month, age month] yuan the city pays per child-month when it only tops up:
    its amount minus the national subsidy of that calendar month, while the child is young
    enough for the national subsidy, never below 0."""
    national_line = ctx.scenario.lines.national_childcare_subsidy
    calendar_month = calendar_months(ctx.calendar.n_months, line.months)
    covered = np.arange(line.months) < national_line.months
    city = monthly_amount(ctx, line)[:, :, 0]
    paid_nationally = national.monthly_amount(ctx, national_line)[:, :, 0]
    return np.maximum(city[:, calendar_month] - paid_nationally[:, calendar_month] * covered, 0.0)


def accrual(ctx: LineContext, line: AllowanceLine) -> Entitlement:
    births = birth_months(ctx, transitions_of(line.birth_orders), CITY_HUKOU)
    eligible = births if line.earlier_children_paid else ctx.from_policy_start(births)
    claim_share = ctx.monthly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    recipients = draw.binomial(ctx.streams("third_child_allowance:claims"), eligible, claim_share)
    amount = (top_up(ctx, line) if line.net_of_national_subsidy
              else per_child_month(monthly_amount(ctx, line)[:, :, 0], line.months))  # [rep or 1, birth month, age]
    claims = recipients.astype(float)
    start = ctx.calendar.policy_start_index
    if line.earlier_children_paid:  # only the months from the start; earlier children claim when it opens
        amount = amount * (calendar_months(ctx.calendar.n_months, line.months) >= start)
        young = max(start - line.months + 1, 0)  # born late enough to be under `months` at the start
        claims[:, start] += claims[:, young:start].sum(axis=1)
        claims[:, :start] = 0.0
    by_cohort, yuan = allowance_by_cohort(recipients, line.months, ctx.base.q_child, ctx.streams, amount,
                                          ctx.calendar.n_months, event="third_child_allowance")
    return Entitlement(yuan=yuan, claims=claims, by_cohort=by_cohort,
                       claims_open=start if line.earlier_children_paid else 0)


def benefit_per_birth(ctx: ParameterContext, line: AllowanceLine) -> np.ndarray:
    claim_share = ctx.yearly(line.take_up, f"{KEY}.take_up") * ctx.value(ctx.scenario.eligibility.in_city_hospital_share)
    monthly = ctx.yearly(line.monthly_amount, f"{KEY}.monthly_amount") * ctx.index(LINE.id)
    if line.net_of_national_subsidy:
        per_birth = yearly_top_up(ctx, line, monthly) * claim_share
    else:
        per_birth = monthly * line.months * claim_share
    orders = np.array([order in line.birth_orders for order in (1, 2, 3)], dtype=float)
    return per_birth[..., None] * orders  # [rep or 1, year, 1, order]


def yearly_top_up(ctx: ParameterContext, line: AllowanceLine, monthly: np.ndarray) -> np.ndarray:
    """[rep or 1, year, 1] top-up over a child's `months` for a birth at mid-year: month k of its
    life falls in the year (6 + k) // 12 later, with that year's national amount."""
    national_line = ctx.scenario.lines.national_childcare_subsidy
    paid_nationally = national.yearly_monthly_amount(ctx, national_line)[:, :, 0]  # [rep or 1, year]
    years = ctx.calendar.n_years
    ages = np.arange(line.months)
    year_of = np.minimum(np.arange(years)[:, None] + (6 + ages[None, :]) // 12, years - 1)  # [year, age]
    deduction = paid_nationally[:, year_of] * (ages < national_line.months)  # [rep or 1, year, age]
    return np.maximum(monthly - deduction, 0.0).sum(axis=2, keepdims=True)


def check(scenario: Scenario, calendar: Calendar) -> tuple[str, str] | None:
    """The top-up is measured against the national subsidy the model prices; children paid from
    the start must have been born in the simulation if they are paid in a budget year."""
    line = scenario.lines.third_child_allowance
    if line.earlier_children_paid and calendar.month_index(calendar.start_year, 1) < line.months:
        return (f"{KEY}.earlier_children_paid", f"true needs every child paid in {calendar.start_year} born in the "
                f"simulation, which starts in {calendar.base_year}: with months = {line.months}, start the budget "
                f"in {calendar.base_year + (line.months + 11) // 12} or later")
    if scenario.lines.third_child_allowance.net_of_national_subsidy and \
            not scenario.lines.national_childcare_subsidy.enabled:
        return (f"{KEY}.net_of_national_subsidy", "true needs [lines.national_childcare_subsidy] enabled = true: the "
                "allowance is reduced by what that line pays, so price it too (its city and district shares "
                "show what the city pays of it)")
    return None


LINE = Line("third_child_allowance", "三孩育儿补贴", "Third-child allowance", "13", Kind.OUTLAY, accrual,
            benefit_per_birth, birth_linked=True, check=check, section=AllowanceLine)
