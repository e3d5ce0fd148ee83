"""A cash benefit per child by birth order: a generic kind of line a package uses any number of
times (`[measures.<id>] kind = "cash_benefit"`).

Eligible births (the orders an instalment names, from `births_from` to `births_until`, to the
day; city-hukou families unless `hukou = "any"`; births in the city's hospitals if asked; mothers
of the ages in `mother_age` if given; times `eligible_share`) claim with `take_up` (drawn per
replicate, per birth month). Each claimant is
paid the schedule: once at an age, or every month or on every birthday between two ages, while
alive (the life table's q_both; the area of birth pays under the line's cost sharing). A
payment under age 3 may meet the national childcare subsidy: `on_top` pays it in full; `top_up`
and `higher_of` pay the difference to the national amount for the same months, never below zero.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import (
    Entitlement,
    Line,
    LineContext,
    ParameterContext,
    birth_months,
    birth_window,
    transitions_of,
)
from model.sections import BirthWindow, MeasureSection, ShareByYear, Strict, Yuan

if TYPE_CHECKING:
    from model.scenario import Scenario


MAX_CHILD_AGE = 18  # instalments are paid until a child's 18th birthday at the latest
# The engine counts births by mother's age in five-year groups from 15 (model/engine.py, AGE_GROUPS):
# a measure's mother's ages are whole groups.
FIRST_MOTHER_AGE, GROUP_YEARS, LAST_MOTHER_AGE = 15, 5, 49


class Instalment(Strict):
    """One payment of a cash benefit's schedule: once at an age, or every month or year between two ages."""

    orders: list[Literal[1, 2, 3]] = Field(min_length=1, description="birth orders paid (3 = third and later)")
    every: Literal["once", "month", "year"] = Field(
        description="once: at `from_age`; month / year: every month / on every birthday from `from_age` until "
                    "`to_age` (exclusive)")
    from_age: Annotated[float, Field(ge=0, le=MAX_CHILD_AGE)] = Field(
        0.0, description="child's age in years at the (first) payment; 0 = the birth month (whole months: 0.5 = "
                         "six months)")
    to_age: Annotated[float, Field(ge=0, le=MAX_CHILD_AGE)] | None = Field(
        None, description="age in years at which monthly or yearly payments stop (not paid at that age)")
    amount: Yuan = Field(description="yuan per payment per child (at most 1e9 yuan)")

    @model_validator(mode="after")
    def _ages(self) -> Instalment:
        for name in ("from_age", "to_age"):
            value = getattr(self, name)
            if value is not None and abs(value * 12 - round(value * 12)) > 1e-9:
                raise ValueError(f"{name}: {value:g} is not a whole number of months (e.g. 0.5 = six months)")
        if self.every == "once" and self.to_age is not None:
            raise ValueError("to_age: a payment made once has no end age; remove to_age or pay every month or year")
        if self.every != "once" and (self.to_age is None or self.to_age <= self.from_age):
            raise ValueError(f"to_age: payments every {self.every} need an end age above from_age "
                             f"({self.from_age:g})")
        return self


NationalRule = Literal["on_top", "top_up", "higher_of"]


class CashBenefitMeasure(MeasureSection, BirthWindow):
    """A cash benefit per child by birth order (model/lines/cash_benefit.py): one-off and periodic
    instalments by the child's age, for births from a given day; a package may hold any number."""

    kind: Literal["cash_benefit"] = Field(description="the measure's kind (cash_benefit)")
    hukou: Literal["any", "city"] = Field(
        "city", description="city: at least one parent holds the city's hukou (the scenario's city_hukou_share); "
                            "any: every birth")
    in_city_hospital: bool = Field(
        False, description="only births in the city's hospitals (eligibility.in_city_hospital_share)")
    eligible_share: ShareByYear = Field(
        1.0, description="share of the births above that meet the measure's other conditions (both parents' hukou, "
                         "the mother's insurance, employment or age, …), by birth year; say why in the source")
    mother_age: tuple[int, int] | None = Field(
        None, description="the mother's ages at the birth that qualify, [first, last] in whole years, on the model's "
                          "five-year groups: first 15, 20, …, 45 and last 19, 24, …, 49 (e.g. [15, 34]: under 35); "
                          "none: any age. Other bounds go into eligible_share")
    schedule: list[Instalment] = Field(min_length=1, max_length=40, description="the payments")
    national: dict[Literal["1", "2", "3"], NationalRule] = Field(
        default_factory=dict, description="how payments under age 3 meet the national childcare subsidy, by birth "
                                          "order: on_top (both paid; the default), top_up (the city tops up to its "
                                          "amount) or higher_of (the family gets the higher); both of the last "
                                          "leave the city the difference, never below zero")

    @model_validator(mode="after")
    def _dates_in_order(self) -> CashBenefitMeasure:
        if self.mother_age is not None:
            first, last = self.mother_age
            firsts = range(FIRST_MOTHER_AGE, LAST_MOTHER_AGE + 1, GROUP_YEARS)
            if first not in firsts or last + 1 - FIRST_MOTHER_AGE not in range(GROUP_YEARS, 36, GROUP_YEARS) \
                    or last < first:
                raise ValueError(f"mother_age: [{first}, {last}] is not whole five-year groups of the mother's age "
                                 "(the model counts births by groups 15-19, 20-24, …, 45-49): the first age must be "
                                 "15, 20, …, 45, the last 19, 24, …, 49 and not below the first; put a bound inside a "
                                 "group into eligible_share (and say why in the source)")
        for order, rule in self.national.items():
            if not any(int(order) in i.orders for i in self.schedule):
                raise ValueError(f"national: order {order} is not paid by the schedule (orders paid: "
                                 f"{', '.join(str(o) for o in sorted({o for i in self.schedule for o in i.orders}))})")
            once = [i for i in self.schedule if int(order) in i.orders and i.every == "once"]
            if rule != "on_top" and once and not any(int(order) in i.orders and i.every != "once"
                                                     for i in self.schedule):
                raise ValueError(f"national: {rule} for order {order}, which has one-off payments only; the national "
                                 "subsidy is yearly, so a one-off grant is paid on top")
        return self


def key(measure_id: str) -> str:
    return f"measures.{measure_id}"


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


def ahead(values: np.ndarray, months: int) -> np.ndarray:
    """[rep or 1, month] → the value `months` later (past the calendar's end, its last value)."""
    padded = np.concatenate([values, np.repeat(values[:, -1:], months, axis=1)], axis=1)
    return padded[:, months:months + values.shape[1]]


def paid_per_child(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str, instalment: Instalment,
                   order: int, age: int, national_monthly: np.ndarray) -> np.ndarray:
    """[rep or 1, month] yuan the city pays a claimant of `order` at age `age` months, by payment month
    (indexed by the payment month's prices when [indexation] lists the measure). Netted against the national subsidy (top_up, higher_of): less what the national subsidy pays the
    child for the months of age this payment covers (a month, or the year to the next birthday),
    never below zero. `national_monthly`: national_in_force(ctx), computed once by the caller."""
    amount = float(instalment.amount) * ctx.index_monthly(measure_id)[:, :, 0]
    rule = next((rule for k, rule in measure.national.items() if k == str(order)), "on_top")
    national_months = ctx.scenario.lines.national_childcare_subsidy.months
    if rule == "on_top" or age >= national_months or instalment.every == "once":
        return amount
    covered = 1 if instalment.every == "month" else min(12, national_months - age)
    national = sum(ahead(national_monthly, k) for k in range(covered))  # the national yuan for the same months of age
    return np.maximum(amount - national, 0.0)


def _national(ctx: ParameterContext, measure: CashBenefitMeasure) -> np.ndarray:
    """The national subsidy by month, once per call (only a measure netted against it reads it)."""
    if all(rule == "on_top" for rule in measure.national.values()):
        return np.zeros((1, ctx.calendar.n_months))
    return national_in_force(ctx)


def eligibility(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str) -> np.ndarray:
    """[rep or 1, month, 1] share of births of each month that qualify and claim: the birth-day
    window, the measure's other conditions, the city's hospitals if asked, and take-up."""
    window = birth_window(ctx, measure)
    hospital = ctx.value(ctx.scenario.eligibility.in_city_hospital_share) if measure.in_city_hospital else 1.0
    eligible = ctx.monthly(measure.eligible_share, f"{key(measure_id)}.eligible_share") * hospital
    return window[None, :, None] * eligible * ctx.monthly(measure.take_up, f"{key(measure_id)}.take_up")


def _groups(ages: tuple[int, int]) -> slice:
    """The mother's age groups of births_by_age that a [first, last] range covers."""
    return slice((ages[0] - FIRST_MOTHER_AGE) // GROUP_YEARS, (ages[1] + 1 - FIRST_MOTHER_AGE) // GROUP_YEARS)


def mothers_in_ages(ctx: LineContext, ages: tuple[int, int]) -> np.ndarray:
    """[rep, month, area, order 1..3] share of each year's simulated births of an order in an area whose
    mother's age is in `ages` (every family, whatever its hukou; 0 where there is no birth), repeated
    over the year's months: the births the measure's other conditions select are thinned by it."""
    by_age = ctx.demography.births_by_age  # [rep, year, area, order, age group]
    total = by_age.sum(axis=4)
    inside = by_age[..., _groups(ages)].sum(axis=4)
    share = inside / np.maximum(total, 1)  # whole births: no birth of the order (0 inside too) gives 0
    return np.repeat(share, 12, axis=1)


def expected_mothers_in_ages(ctx: ParameterContext, ages: tuple[int, int]) -> np.ndarray:
    """[order 1..3] share of the base year's expected births of each order whose mother's age is in
    `ages` (women by age × the fertility table's age pattern): what a birth is worth to the fertility
    response is averaged over the mothers' ages before any birth is simulated."""
    women = ctx.base.women.sum(axis=0)  # [age]
    shape = ctx.base.fertility_shape  # [age, order 1..4]
    births = women[:, None] * shape
    births = np.concatenate([births[:, :2], births[:, 2:].sum(axis=1, keepdims=True)], axis=1)  # third and later
    inside = births[ages[0]:ages[1] + 1].sum(axis=0)
    total = births.sum(axis=0)
    return np.divide(inside, total, out=np.zeros(3), where=total > 0)


def accrual(ctx: LineContext, measure: CashBenefitMeasure, measure_id: str) -> Entitlement:
    months = ctx.calendar.n_months
    groups = [1] if measure.hukou == "city" else slice(None)
    chance = eligibility(ctx, measure, measure_id)
    alive = survival(ctx.base.q_young, months)
    national = _national(ctx, measure)
    orders = sorted({order for instalment in measure.schedule for order in instalment.orders})
    yuan = np.zeros((ctx.replicates, months, ctx.area_share.shape[-1]))
    claims = np.zeros_like(yuan)
    for order in orders:
        births = birth_months(ctx, transitions_of([order]), groups)
        by_age = 1.0 if measure.mother_age is None else mothers_in_ages(ctx, measure.mother_age)[..., order - 1]
        claimants = draw.binomial(ctx.streams(f"measure:{measure_id}:claims:{order}"), births,
                                  np.broadcast_to(chance * by_age, births.shape))
        claims += claimants
        for instalment in (i for i in measure.schedule if order in i.orders):
            for age in payment_ages(instalment):
                if age >= months:
                    break
                paid = paid_per_child(ctx, measure, measure_id, instalment, order, int(age), national)  # by payment month
                shifted = np.zeros_like(yuan)
                shifted[:, age:] = claimants[:, : months - age] * alive[age]
                yuan += shifted * paid[:, :, None]
    return Entitlement(yuan=yuan, claims=claims)


def benefit_per_birth(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str) -> np.ndarray:
    """[rep or 1, year, 1, order] expected yuan a birth of each order in each year brings its family:
    what the city pays (net of the national subsidy where the measure is), discounted by survival,
    for the births that qualify and claim, averaged over the birth months of the year."""
    months = ctx.calendar.n_months
    alive = survival(ctx.base.q_young, 12 * 18 + 1)
    chance = eligibility(ctx, measure, measure_id)[:, :, 0]  # [rep or 1, birth month]
    national = _national(ctx, measure)
    out = np.zeros((chance.shape[0], ctx.calendar.n_years, 1, 3))
    for order in (1, 2, 3):
        by_birth_month = np.zeros((1, months))
        for instalment in (i for i in measure.schedule if order in i.orders):
            for age in payment_ages(instalment):
                paid = paid_per_child(ctx, measure, measure_id, instalment, order, int(age), national)  # by payment month
                by_birth_month = by_birth_month + ahead(paid, int(age)) * alive[age]
        value = by_birth_month * chance  # [rep or 1, birth month]
        out[:, :, 0, order - 1] = ctx.calendar.by_year(value[:, :, None])[:, :, 0] / 12
    if measure.mother_age is not None:
        out = out * expected_mothers_in_ages(ctx, measure.mother_age)
    return out


def check(scenario: Scenario, calendar_: object, measure_id: str) -> tuple[str, str] | None:
    measure = scenario.measures[measure_id]
    assert isinstance(measure, CashBenefitMeasure)  # the line of a cash_benefit measure
    base = scenario.demography.base_year
    if int(measure.births_from[:4]) > scenario.scenario.end_year:
        return (f"{key(measure_id)}.births_from", f"{measure.births_from} is after the last year of the run "
                f"({scenario.scenario.end_year}): the measure would cost nothing; set enabled = false or check the date")
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
        check=partial(_check, measure_id=measure_id), section=CashBenefitMeasure)


def _accrual(ctx: LineContext, measure: CashBenefitMeasure, measure_id: str) -> Entitlement:
    return accrual(ctx, measure, measure_id)


def _benefit(ctx: ParameterContext, measure: CashBenefitMeasure, measure_id: str) -> np.ndarray:
    return benefit_per_birth(ctx, measure, measure_id)


def _check(scenario: Scenario, calendar_: object, measure_id: str) -> tuple[str, str] | None:
    return check(scenario, calendar_, measure_id)
