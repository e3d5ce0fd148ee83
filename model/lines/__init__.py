"""Registry of the policy lines: the six core lines in the order of the plan's clauses, then the others.

Adding a line is adding one module with a `LINE` and its table in the scenario schema.
"""

from __future__ import annotations

from typing import Any

from model.lines import (
    art_subsidy,
    childcare_slot_subsidy,
    demonstration_centres,
    family_planning_awards,
    fee_waivers,
    housing_fund_limit,
    housing_subsidy,
    iit_deduction_revenue,
    maternity_insurance_subsidy,
    national_childcare_subsidy,
    nipt,
    third_child_allowance,
)
from model.lines.base import Line, LineContext

LINES: tuple[Line[Any], ...] = (
    nipt.LINE,
    art_subsidy.LINE,
    childcare_slot_subsidy.LINE,
    third_child_allowance.LINE,
    housing_subsidy.LINE,
    maternity_insurance_subsidy.LINE,
    # beyond the six core lines: off by default (scenarios/full_plan.toml turns them on)
    demonstration_centres.LINE,
    fee_waivers.LINE,
    family_planning_awards.LINE,
    national_childcare_subsidy.LINE,
    iit_deduction_revenue.LINE,
    housing_fund_limit.LINE,
)
LINE_IDS: tuple[str, ...] = tuple(line.id for line in LINES)
LINE_BY_ID: dict[str, Line[Any]] = {line.id: line for line in LINES}

__all__ = ["LINES", "LINE_IDS", "LINE_BY_ID", "Line", "LineContext"]
