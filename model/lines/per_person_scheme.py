"""A package's continuing per-person scheme (the per_person_scheme kind): yearly payments to a
roll of recipients that ages, dies and is joined by new recipients, like the family-planning
reward and special assistance (model/lines/family_planning_awards.py, whose cohort it uses).

The base-year recipients by age are the rows of the city's family_planning_recipients table whose
`scheme` is the measure's id (`base_recipients = "table"`), or none for a scheme that starts empty
(`"none"`); `entrants_per_year` join at `entry_age` each year; everyone ages a year at a time and
dies by the life table (both sexes, to age 100). Cost = mid-year recipients × take-up ×
`annual_amount`, split between areas by residents; who pays follows the levels' shares and the
area's city/area rule. Recipients are not births: the scheme is not a per-birth benefit.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import numpy as np
from pydantic import Field

from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.lines.family_planning_awards import AwardScheme, by_month_and_area, yearly_payments
from model.sections import FundedFromAbove, MeasureSection, Scale, Share


class PerPersonSchemeMeasure(MeasureSection, AwardScheme, FundedFromAbove):
    """A continuing scheme paying each recipient a yearly amount while alive (model/lines/per_person_scheme.py);
    a package may hold any number."""

    kind: Literal["per_person_scheme"] = Field(description="the measure's kind (per_person_scheme)")
    name_zh: str = Field(min_length=1, max_length=40, description="the measure's name in reports (Chinese)")
    base_recipients: Literal["table", "none"] = Field(
        "table", description="table: the base-year recipients by age are the rows of the city's "
                             "family_planning_recipients table whose scheme is the measure's id; none: a new scheme "
                             "with no recipients in the base year")
    recipients_scale: Scale = Field(
        1.0, description="multiplier of the base-year recipients (their uncertainty; 1 = the table as it is)")
    local_share: Share = Field(1.0, description="share borne by local budgets; the central government bears the rest")
    province_share_of_local: Share = Field(0.0, description="share of the local part borne by the province")


def accrual(ctx: LineContext, measure: PerPersonSchemeMeasure, measure_id: str) -> Entitlement:
    """Mid-year recipients × the yearly amount, spread over the year's months; one claim a year each."""
    q, rolls = ctx.base.q_both_all_ages, ctx.base.award_recipients
    if q is None or (measure.base_recipients == "table" and measure_id not in rolls):  # load_base_data reads them
        raise ValueError(f"the life table to age 100 or the base-year recipients of measures.{measure_id} are not loaded")
    stock = rolls[measure_id] if measure.base_recipients == "table" else np.zeros(q.shape)
    key = f"measures.{measure_id}"
    yearly, people = yearly_payments(ctx, measure, stock * ctx.value(measure.recipients_scale), key, measure_id,
                                     stream=f"{measure_id}:deaths")
    return by_month_and_area(ctx, yearly, people, ctx.yearly(measure.take_up, f"{key}.take_up"))


def measure_line(measure_id: str, measure: PerPersonSchemeMeasure) -> Line[PerPersonSchemeMeasure]:
    """The line a package's per-person scheme becomes, under its own id and names."""
    return Line(measure_id, measure.name_zh, measure.name_en, measure.clause, Kind.OUTLAY,
                partial(accrual, measure_id=measure_id),
                new_money=True if measure.new_money is None else measure.new_money, section=PerPersonSchemeMeasure)
