"""A line is one plug-in (issue 13): its module declares its scenario table beside its code, and
the scenario's [lines] and [disbursement] tables are gathered from the registry, so adding a line
never means editing the schema."""

from __future__ import annotations

from model.lines import LINE_OF_KIND, LINES, MEASURE_KINDS
from model.scenario import DisbursementSection, LinesSection
from model.sections import LineSection, LineTiming, MeasureSection


def test_every_line_declares_its_own_table_and_the_schema_is_gathered_from_them() -> None:
    assert list(LinesSection.model_fields) == [line.id for line in LINES]
    for line in LINES:
        assert issubclass(line.section, LineSection) and line.section is not LineSection, line.id
        assert LinesSection.model_fields[line.id].annotation is line.section, line.id
        assert LinesSection.model_fields[line.id].is_required(), line.id  # its defaults come from the city's data


def test_every_line_with_claims_has_a_timing_and_the_others_say_their_own_cash() -> None:
    timed = {name for name, field in DisbursementSection.model_fields.items() if field.annotation is LineTiming}
    assert timed == {line.id for line in LINES if line.cash is None} | {"measures"}
    assert {line.id for line in LINES if line.cash is not None} == {"iit_deduction_revenue", "housing_fund_limit"}


def test_a_package_measure_kind_is_a_table_with_names_clause_source_and_timing() -> None:
    assert set(MEASURE_KINDS) == set(LINE_OF_KIND) == {"cash_benefit", "unit_cost", "home_purchase", "capped_reimbursement"}
    for kind, section in MEASURE_KINDS.items():
        assert issubclass(section, MeasureSection), kind
        assert section.model_fields["kind"].annotation.__args__ == (kind,)  # the discriminator's tag
