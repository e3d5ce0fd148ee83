"""The unit_cost kind: a package's measure priced as cases × a cost per case.

Money committed without an amount a family can claim — free checks and screening, kindergarten
funds, after-school care, training, help for special families, vouchers — is a measure of this
kind (`[measures.<id>] kind = "unit_cost"`; the default city's plan has eight, in its defaults):
its cases are a share (`cases_per_unit`, by year) of a basis (births, second and later births,
children under 3 or aged 3-5 at mid-year, or a yearly count that is not a birth, split by
residents), each costing `unit_cost`. The costs fall evenly over the months of the year (births:
in their month). `new_money` says whether the package adds the measure or restates a continuing
programme; the summary, the medium-term plan and the appendix show the two apart. Who pays
follows `local_share` (the central government bears the rest), `province_share_of_local` and
the area's city/area rule.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from model import bounded_numbers as num
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext, birth_months
from model.lines.childcare_slot_subsidy import children_aged
from model.sections import (
    FundedFromAbove,
    LineSection,
    MeasureSection,
    MoneyByYear,
    PerUnitByYear,
    Share,
)

UnitBasis = Literal["births", "second_and_later_births", "children_under_3", "children_3_to_5", "yearly_count"]


class CasesSection(LineSection, FundedFromAbove):
    """A line whose cases are a share of a basis: births, children of an age, or a yearly count that
    is not a birth (couples marrying, recipients, pupils); who pays follows the levels' shares."""

    basis: UnitBasis = Field(description="what the cases are counted from: births (every order), "
                                         "second_and_later_births, children_under_3 or children_3_to_5 (residents "
                                         "at mid-year), or yearly_count")
    cases_per_unit: PerUnitByYear = Field(
        description="cases per unit of the basis (coverage, uptake, items per birth), by year (at most 10)")
    yearly_count: num.CountByYear = Field(
        0.0, description="units a year city-wide when basis = yearly_count (split by residents; at most 2e9)")

    @model_validator(mode="after")
    def _count_only_for_counts(self) -> CasesSection:
        zero = isinstance(self.yearly_count, int | float) and self.yearly_count == 0
        if self.basis == "yearly_count" and zero:
            raise ValueError("yearly_count: is 0 with basis = \"yearly_count\", so the line would cost nothing: give "
                             "the count (or set enabled = false)")
        if self.basis != "yearly_count" and not zero:
            raise ValueError(f"yearly_count: is used only with basis = \"yearly_count\" (basis is {self.basis!r}); "
                             "set yearly_count = 0 (a parent or the defaults may give one) or change the basis")
        return self


class UnitMeasureLine(CasesSection):
    """A measure priced as cases × a cost per case, the cases a share of a basis."""

    unit_cost: MoneyByYear = Field(description="yuan per case paid by the budgets, by year (at most 1e9 yuan)")
    new_money: bool = Field(description="true: a new measure of this plan; false: a continuing programme the plan "
                                        "restates (shown apart from the plan's new measures)")


class UnitCostMeasure(MeasureSection, UnitMeasureLine):
    """A measure priced as cases × a cost per case (model/lines/unit_measures.py), the cases a share
    of births, of children of an age, or of a yearly count that is not a birth (vouchers at
    marriage registration, centres, recipients); a package may hold any number."""

    kind: Literal["unit_cost"] = Field(description="the measure's kind (unit_cost)")
    local_share: Share = Field(1.0, description="share borne by local budgets; the central government bears the rest")
    province_share_of_local: Share = Field(0.0, description="share of the local part borne by the province")
    new_money: bool = Field(True, description="true: a new measure of the package; false: a continuing programme")


SECOND_AND_LATER = [1, 2, 3]  # engine transitions: 2nd, 3rd, 4th+


def cases(ctx: LineContext, line: CasesSection, key: str) -> np.ndarray:
    """[rep, month, area] cases arising: the basis × cases per unit × take-up."""
    if line.basis in ("births", "second_and_later_births"):
        transitions = slice(None) if line.basis == "births" else SECOND_AND_LATER
        units = birth_months(ctx, transitions, slice(None)).astype(float)
    else:
        if line.basis == "yearly_count":
            count = ctx.yearly(line.yearly_count, f"{key}.yearly_count")  # [rep or 1, year, 1]
            yearly = count * ctx.area_share[:, None, :]
        else:
            first, last = (0, 2) if line.basis == "children_under_3" else (3, 5)
            yearly = children_aged(ctx, first, last)
        yearly = np.broadcast_to(yearly, (ctx.replicates, ctx.calendar.n_years, yearly.shape[2]))
        units = ctx.spread_over_year(yearly)
    share = ctx.monthly(line.cases_per_unit, f"{key}.cases_per_unit") * ctx.monthly(line.take_up, f"{key}.take_up")
    return ctx.from_policy_start(units * share)


def accrual(ctx: LineContext, line: UnitMeasureLine, line_id: str, section: str = "lines") -> Entitlement:
    """Cases × the cost per case (indexed when the line is); one claim per case. `section`: where
    the line's table is ([lines.<id>], or [measures.<id>] for a package's measure)."""
    key = f"{section}.{line_id}"
    arising = cases(ctx, line, key)
    cost = ctx.monthly(line.unit_cost, f"{key}.unit_cost") * ctx.index_monthly(line_id)
    return Entitlement(yuan=arising * cost, claims=arising)


def measure_line(measure_id: str, measure: UnitCostMeasure) -> Line[UnitMeasureLine]:
    """The line a package's unit-cost measure becomes, under its own id and names."""
    return Line(measure_id, measure.name_zh, measure.name_en, measure.clause, Kind.OUTLAY,
                partial(accrual, line_id=measure_id, section="measures"), births_history_years=6,
                new_money=measure.new_money, section=UnitCostMeasure)
