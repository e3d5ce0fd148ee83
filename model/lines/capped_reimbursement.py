"""A package's reimbursement with a cap per household (the capped_reimbursement kind).

Households start claiming as cases of a basis (births, children of an age, or a yearly count that
is not a birth: the unit_cost kind's cases, model/lines/unit_measures.py); each spends a lognormal
amount a year (`out_of_pocket_mean`, `out_of_pocket_cv`) while still treated (`continuation`), and
is reimbursed until its cumulative `cap_per_household` — the integration the assisted-reproduction
line uses (model/lines/art_subsidy.py). A household's reimbursement for treatment year k falls k
years after its start month; who pays follows the levels' shares and the area's city/area rule.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import numpy as np
from pydantic import Field

from model.kinds import Kind
from model.lines.art_subsidy import CappedSpending, expected_reimbursement_profile
from model.lines.base import Entitlement, Line, LineContext, shift_months
from model.lines.unit_measures import CasesSection, cases
from model.sections import MeasureSection, Share


class CappedReimbursementMeasure(MeasureSection, CasesSection, CappedSpending):
    """Households starting as cases of a basis, reimbursed up to a cap each over their treatment years."""

    kind: Literal["capped_reimbursement"] = Field(description="the measure's kind (capped_reimbursement)")
    local_share: Share = Field(1.0, description="share borne by local budgets; the central government bears the rest")
    province_share_of_local: Share = Field(0.0, description="share of the local part borne by the province")


def accrual(ctx: LineContext, line: CappedReimbursementMeasure, line_id: str) -> Entitlement:
    """Starting households × the expected reimbursement of each treatment year, in the month it falls."""
    starting = cases(ctx, line, f"measures.{line_id}")  # [rep, month, area] households starting
    profile = expected_reimbursement_profile(line)  # [rep or 1, treatment year]
    still_treated = np.concatenate([[1.0], np.cumprod(line.continuation)])
    yuan = np.zeros_like(starting)
    claims = np.zeros_like(starting)
    for year in range(profile.shape[1]):  # a few treatment years: each a shift of the starts
        later = shift_months(starting, -12 * year)
        yuan += later * profile[:, year][:, None, None]
        claims += later * still_treated[year] * (profile[:, year] > 0)[:, None, None]  # households paid that year
    return Entitlement(yuan=yuan * ctx.index_monthly(line_id), claims=claims)


def measure_line(measure_id: str, measure: CappedReimbursementMeasure) -> Line[CappedReimbursementMeasure]:
    """The line a package's capped reimbursement becomes, under its own id and names."""
    return Line(measure_id, measure.name_zh, measure.name_en, measure.clause, Kind.OUTLAY,
                partial(accrual, line_id=measure_id), births_history_years=6,
                new_money=True if measure.new_money is None else measure.new_money, section=CappedReimbursementMeasure)
