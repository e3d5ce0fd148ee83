"""Registry of the policy lines: the six core lines in the order of the plan's clauses, then the others.

Adding a line is adding one module with a `LINE` whose `section` is its table in the scenario (the
schema's [lines] and [disbursement] are gathered from here), and its defaults and sources to the
city's data. A measure of a generic kind (MEASURE_KINDS: cash benefits, unit costs, home purchases,
capped reimbursements, per-person schemes) is data: a [measures.<id>] table, no code.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import Discriminator, Tag, TypeAdapter

from model.kinds import Kind
from model.lines import (
    art_subsidy,
    capped_reimbursement,
    cash_benefit,
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
    per_person_scheme,
    third_child_allowance,
    unit_measures,
)
from model.lines.base import Line, LineContext
from model.sections import MeasureSection

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
# the generic kinds a package's measure may be ([measures.<id>] kind = "..."), by kind: its table
MEASURE_KINDS: dict[str, type[MeasureSection]] = {"cash_benefit": cash_benefit.CashBenefitMeasure,
                                                  "unit_cost": unit_measures.UnitCostMeasure,
                                                  "home_purchase": housing_subsidy.HomePurchaseMeasure,
                                                  "capped_reimbursement": capped_reimbursement.CappedReimbursementMeasure,
                                                  "per_person_scheme": per_person_scheme.PerPersonSchemeMeasure}
# the line a measure of each kind becomes, under its own id and names
LINE_OF_KIND: dict[str, Callable[[str, Any], Line[Any]]] = {"cash_benefit": cash_benefit.line_of,
                                                            "unit_cost": unit_measures.measure_line,
                                                            "home_purchase": housing_subsidy.measure_line,
                                                            "capped_reimbursement": capped_reimbursement.measure_line,
                                                            "per_person_scheme": per_person_scheme.measure_line}


def _kind_of(value: Any) -> str | None:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


if TYPE_CHECKING:
    Measure: TypeAlias = MeasureSection
else:
    # A measure's `kind` picks its table (a callable discriminator: every field has a before-validator).
    Measure = Annotated[functools.reduce(operator.or_, [Annotated[section, Tag(kind)]
                                                        for kind, section in MEASURE_KINDS.items()]),
                        Discriminator(_kind_of)]
LINE_BY_ID: dict[str, Line[Any]] = {line.id: line for line in LINES}


def lines_of(measures: Mapping[str, Any]) -> dict[str, Line[Any]]:
    """Every line a scenario can price, by id: the model's lines, then the package's measures of a
    generic kind (`measures`: the scenario's [measures], as models or as a dump)."""
    out = dict(LINE_BY_ID)
    for measure_id, measure in measures.items():
        section: MeasureSection = (measure if isinstance(measure, MeasureSection)
                                   else TypeAdapter(Measure).validate_python(measure))
        out[measure_id] = LINE_OF_KIND[section.kind](measure_id, section)
    return out


def run_lines(scenario: Any) -> list[Line[Any]]:
    """The lines a scenario prices (enabled), in order: the model's, then the package's measures."""
    return [line for line in lines_of(scenario.measures).values() if section_of(scenario, line.id).enabled]


def section_of(scenario: Any, line_id: str) -> Any:
    """A line's table in a scenario: [lines.<id>], or [measures.<id>] for a package's measure."""
    if line_id in scenario.measures:
        return scenario.measures[line_id]
    return getattr(scenario.lines, line_id)



def is_new_money(line_id: str, lines: Mapping[str, Any]) -> bool:
    """Whether a line is new money of the plan; `lines`: the scenario's [lines] tables (a dump)."""
    own = lines.get(line_id, {})
    if isinstance(own, Mapping) and own.get("new_money") is not None:
        return bool(own["new_money"])
    return LINE_BY_ID[line_id].new_money if line_id in LINE_BY_ID else True  # a package's measure: new


# The two parts of the outlays shown apart, so no total overstates what the plan itself costs.
MONEY_GROUPS: dict[str, tuple[str, str]] = {
    "new_measures": ("本方案新增措施", "new measures of the plan"),
    "continuing": ("延续项目及国家育儿补贴", "continuing programmes and the national subsidy"),
}


def line_tables(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario dump's line tables by line id: [lines.<id>] and the package's [measures.<id>]."""
    return {**scenario["lines"], **scenario.get("measures", {})}


def money_groups(line_ids: Sequence[str], lines: Mapping[str, Any]) -> dict[str, list[str]]:
    """The outlay lines of a run in each group (revenue forgone and memo items are in neither)."""
    outlays = [line for line in line_ids if line not in LINE_BY_ID or LINE_BY_ID[line].kind == Kind.OUTLAY]
    return {"new_measures": [line for line in outlays if is_new_money(line, lines)],
            "continuing": [line for line in outlays if not is_new_money(line, lines)]}


__all__ = ["LINES", "LINE_IDS", "LINE_BY_ID", "LINE_OF_KIND", "MEASURE_KINDS", "MONEY_GROUPS", "Line", "LineContext", "is_new_money", "line_tables", "lines_of",
           "money_groups", "run_lines", "section_of"]
