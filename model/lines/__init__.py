"""Registry of the policy lines, in the order of the plan's clauses.

Adding a line is adding one module with a `LINE` and its table in the scenario schema.
"""

from __future__ import annotations

from model.lines import (
    art_subsidy,
    childcare_slot_subsidy,
    housing_subsidy,
    maternity_insurance_subsidy,
    nipt,
    third_child_allowance,
)
from model.lines.base import Line, LineContext

LINES: tuple[Line, ...] = (
    nipt.LINE,
    art_subsidy.LINE,
    childcare_slot_subsidy.LINE,
    third_child_allowance.LINE,
    housing_subsidy.LINE,
    maternity_insurance_subsidy.LINE,
)
LINE_IDS: tuple[str, ...] = tuple(line.id for line in LINES)
LINE_BY_ID: dict[str, Line] = {line.id: line for line in LINES}

__all__ = ["LINES", "LINE_IDS", "LINE_BY_ID", "Line", "LineContext"]
