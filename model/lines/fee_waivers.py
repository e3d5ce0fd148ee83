"""入托、入园费用减免 — clause 13 ("减免经济困难家庭入托、入园、入学等费用").

Fees waived for children of families in economic hardship: children in nurseries (under 3,
enrolled as in the childcare line) and in kindergarten (aged 3-5) × hardship share × the
fee × the share waived. School fees (入学) are left out: compulsory education charges no
tuition. Since autumn 2025 the last kindergarten year is free nationwide, so fewer
kindergarten years carry a fee (`kindergarten_fee_years`).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from model import sampling as draw
from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.lines.childcare_slot_subsidy import children_aged
from model.sections import LineSection, MoneyByYear, Share, ShareByYear, YearsByYear


class FeeWaiverLine(LineSection):
    hardship_share: Share = Field(description="share of children in care from families in economic hardship")
    waived_share: Share = Field(description="share of the fee waived for them")
    nursery_fee: MoneyByYear = Field(description="yuan a year for a nursery (托育) place, by year (at most 1e9 yuan)")
    kindergarten_fee: MoneyByYear = Field(
        description="yuan a year of kindergarten (保教费) fees, by year (at most 1e9 yuan)")
    kindergarten_enrolment_rate: ShareByYear = Field(description="share of children aged 3-5 in kindergarten")
    kindergarten_fee_years: YearsByYear = Field(
        description="years of the three kindergarten years that still carry a fee, by year")

KEY = "lines.fee_waivers"
KINDERGARTEN_YEARS = 3


def accrual(ctx: LineContext, line: FeeWaiverLine) -> Entitlement:
    hardship = ctx.value(line.hardship_share) * ctx.yearly(line.take_up, f"{KEY}.take_up")
    nursery_rate = ctx.yearly(ctx.scenario.lines.childcare_slot_subsidy.enrolment_rate,
                              "lines.childcare_slot_subsidy.enrolment_rate")
    in_nursery = draw.binomial(ctx.streams("fee_waivers:nursery"), np.round(children_aged(ctx, 0, 2)).astype(np.int64),
                               nursery_rate * hardship)
    kindergarten_rate = ctx.yearly(line.kindergarten_enrolment_rate, f"{KEY}.kindergarten_enrolment_rate")
    in_kindergarten = draw.binomial(ctx.streams("fee_waivers:kindergarten"),
                                    np.round(children_aged(ctx, 3, 5)).astype(np.int64), kindergarten_rate * hardship)
    fee_paying = ctx.yearly(line.kindergarten_fee_years, f"{KEY}.kindergarten_fee_years") / KINDERGARTEN_YEARS
    waived = ctx.value(line.waived_share)
    yuan = (in_nursery * ctx.yearly(line.nursery_fee, f"{KEY}.nursery_fee")
            + in_kindergarten * fee_paying * ctx.yearly(line.kindergarten_fee, f"{KEY}.kindergarten_fee")) * waived
    yuan = ctx.from_policy_start(ctx.spread_over_year(yuan * ctx.index(LINE.id)))
    claims = ctx.from_policy_start(ctx.spread_over_year((in_nursery + in_kindergarten).astype(float)))
    return Entitlement(yuan=yuan, claims=claims)


LINE = Line("fee_waivers", "困难家庭入托入园费用减免", "Nursery and kindergarten fee waivers", "13", Kind.OUTLAY, accrual,
            births_history_years=6, new_money=False, section=FeeWaiverLine)  # 学前教育资助 for poor families predates the plan
