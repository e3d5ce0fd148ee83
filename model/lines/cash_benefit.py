"""A cash benefit per child by birth order: a generic kind of line a package uses any number of
times (`[measures.<id>] kind = "cash_benefit"`).

Eligible births (the orders an instalment names, from `births_from` to `births_until`, to the
day; city-hukou families unless `hukou = "any"`; births in the city's hospitals if asked; times
`eligible_share`) claim with `take_up` (drawn per replicate, per birth month). Each claimant is
paid the schedule: once at an age, or every month or on every birthday between two ages, while
alive (the life table's q_both; the area of birth pays under the line's cost sharing). A
payment under age 3 may meet the national childcare subsidy: `on_top` pays it in full; `top_up`
and `higher_of` pay the difference to the national amount for the same months, never below zero.
"""

from __future__ import annotations

import calendar as days
from functools import partial

import numpy as np

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    transitions_of,
)
from model.scenario import CashBenefitMeasure, Instalment, Scenario

NATIONAL_MONTHS = 36  # the national childcare subsidy is paid for a child's first 36 months


def key(measure_id: str) -> str:
    return f"measures.{measure_id}"


def from_day_share(ctx: ParameterContext, day: str) -> np.ndarray:
    """[month] share of each simulated month's births born on or after `day` (births spread evenly
    over the days of their month): 0 before, the remaining days' share in that month, 1 after."""
    year, month, first = map(int, day.split("-"))
    index = (year - ctx.calendar.base_year) * 12 + month - 1
    share = (np.arange(ctx.calendar.n_months) >= index).astype(float)
    if 0 <= index < ctx.calendar.n_months:
        length = days.monthrange(year, month)[1]
        share[index] = (length - first + 1) / length
    return share


def payment_ages(instalment: Instalment) -> np.ndarray:
    """Ages in months at which a claimant is paid."""
    start = round(instalment.from_age * 12)
    if instalment.every == "once":
        return np.array([start])
    stop = round((instalment.to_age or 0) * 12)
    return np.arange(start, stop, 1 if instalment.every == "month" else 12)


def survival(q_young: np.ndarray, months: int) -> np.ndarray:
    """[age month] probability that a newborn is alive at each age in months (deaths spread evenly
    over each year of age, compounding monthly)."""
    ages = np.arange(months)
    monthly = 1 - (1 - q_young[np.minimum(ages // 12, len(q_young) - 1)]) ** (1 / 12)
    return np.concatenate([[1.0], np.cumprod(1 - monthly)[:-1]])


def national_in_force(ctx: ParameterContext) -> np.ndarray:
    """[rep or 1, month] the national subsidy's yuan per child-month (0 where it is not in force)."""
    from model.lines.national_childcare_subsidy import monthly_amount

    scenario = ctx.scenario
    return monthly_amount(ctx, scenario.lines.national_childcare_subsidy)[:, :, 0]


def paid_per_child(ctx: ParameterContext, measure: CashBenefitMeasure, instalment: Instalment, order: int,
                   age: int) -> np.ndarray:
    """[rep or 1, month] yuan the city pays a claimant of `order` at age `age` months, by payment month."""
    amount = np.full((1, ctx.calendar.n_months), float(instalment.amount))
    rule = next((rule for k, rule in measure.national.items() if k == str(order)), "on_top")
    if rule == "on_top" or age >= NATIONAL_MONTHS or instalment.every == "once":
        return amount
    covered = 1 if instalment.every == "month" else min(12, NATIONAL_MONTHS - age)
    national = national_in_force(ctx) * covered  # the national yuan for the same months of age
    return np.maximum(amount - national, 0.0)


def accrual(ctx: LineContext, measure: CashBenefitMeasure, measure_id: str) -> Entitlement:
    months = ctx.calendar.n_months
    window = from_day_share(ctx, measure.births_from)
    if measure.births_until is not None:
        window = window - from_day_share(ctx, measure.births_until)
    groups = [1] if measure.hukou == "city" else slice(None)
    hospital = ctx.value(ctx.scenario.eligibility.in_city_hospital_share) if measure.in_city_hospital else 1.0
    eligible = ctx.monthly(measure.eligible_share, f"{key(measure_id)}.eligible_share") * hospital
    take_up = ctx.monthly(measure.take_up, f"{key(measure_id)}.take_up")
    alive = survival(ctx.base.q_young, months)
    orders = sorted({order for instalment in measure.schedule for order in instalment.orders})
    yuan = np.zeros((ctx.replicates, months, ctx.area_share.shape[-1]))
    claims = np.zeros_like(yuan)
    for order in orders:
        births = birth_months(ctx, transitions_of([order]), groups)
        chance = window[None, :, None] * eligible * take_up  # the birth day's window, eligibility and take-up
        claimants = draw.binomial(ctx.streams(f"measure:{measure_id}:claims:{order}"), births,
                                  np.broadcast_to(chance, births.shape))
        claims += claimants
        for instalment in (i for i in measure.schedule if order in i.orders):
            for age in payment_ages(instalment):
                if age >= months:
                    break
                paid = paid_per_child(ctx, measure, instalment, order, int(age))  # by payment month
                shifted = np.zeros_like(yuan)
                shifted[:, age:] = claimants[:, : months - age] * alive[age]
                yuan += shifted * paid[:, :, None]
    return Entitlement(yuan=yuan, claims=claims)


def benefit_per_birth(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str) -> np.ndarray:
    """[rep or 1, year, 1, order] expected yuan a birth of each order in each year brings its family
    (the schedule's payments, discounted by survival only), for the fertility response."""
    alive = survival(ctx.base.q_young, 12 * 18 + 1)
    out = np.zeros((1, ctx.calendar.n_years, 1, 3))
    for order in (1, 2, 3):
        total = sum(float(instalment.amount) * alive[age] for instalment in measure.schedule
                    if order in instalment.orders for age in payment_ages(instalment))
        out[..., order - 1] = total
    in_window = from_day_share(ctx, measure.births_from)
    if measure.births_until is not None:
        in_window = in_window - from_day_share(ctx, measure.births_until)
    window = ctx.calendar.by_year(in_window[None, :, None]) / 12
    return out * window[..., None] * ctx.yearly(measure.take_up, f"{key(measure_id)}.take_up")[..., None]


def check(scenario: Scenario, calendar_: object, measure_id: str) -> tuple[str, str] | None:
    measure = scenario.measures[measure_id]
    assert isinstance(measure, CashBenefitMeasure)  # the line of a cash_benefit measure
    base = scenario.demography.base_year
    if int(measure.births_from[:4]) < base:
        return (f"{key(measure_id)}.births_from", f"{measure.births_from} is before the base year {base}: births "
                "are simulated from the base year on, so earlier children cannot be paid; start on or after "
                f"{base}-01-01")
    if any(rule != "on_top" for rule in measure.national.values()) and \
            not scenario.lines.national_childcare_subsidy.enabled:
        return (f"{key(measure_id)}.national", "top_up and higher_of need [lines.national_childcare_subsidy] "
                "enabled = true (the city pays the difference to what that line pays); price it too")
    return None


def line_of(measure_id: str, measure: CashBenefitMeasure) -> Line[CashBenefitMeasure]:
    """The line a package's cash benefit becomes, under its own id and names."""
    return Line(
        id=measure_id, name_zh=measure.name_zh, name_en=measure.name_en, clause=measure.clause, kind=Kind.OUTLAY,
        accrual=partial(_accrual, measure_id=measure_id), benefit_per_birth=partial(_benefit, measure_id=measure_id),
        birth_linked=True, new_money=True if measure.new_money is None else measure.new_money,
        check=partial(_check, measure_id=measure_id))


def _accrual(ctx: LineContext, measure: CashBenefitMeasure, measure_id: str) -> Entitlement:
    return accrual(ctx, measure, measure_id)


def _benefit(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str) -> np.ndarray:
    return benefit_per_birth(ctx, measure, measure_id)


def _check(scenario: Scenario, calendar_: object, measure_id: str) -> tuple[str, str] | None:
    return check(scenario, calendar_, measure_id)
