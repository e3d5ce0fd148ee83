"""A line is one plug-in (issue 13): its module declares its scenario table beside its code, and
the scenario's [lines] and [disbursement] tables are gathered from the registry, so adding a line
never means editing the schema."""

from __future__ import annotations

import pytest

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
    assert set(MEASURE_KINDS) == set(LINE_OF_KIND) == {"cash_benefit", "unit_cost", "home_purchase", "capped_reimbursement",
                                                             "per_person_scheme"}
    for kind, section in MEASURE_KINDS.items():
        assert issubclass(section, MeasureSection), kind
        assert section.model_fields["kind"].annotation.__args__ == (kind,)  # the discriminator's tag


def test_the_plans_allowance_written_as_a_package_measure_prices_the_same(write) -> None:
    """The third-child allowance (500 a month from birth to age 3, third and later births of city
    hukou born in the city's hospitals) is also a cash_benefit measure of a package: with the same
    births (no child dies) both give the same yuan by year and payer."""
    from tests.conftest import line_by_year_payer, run_file
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    births = {(2025, "dongbao", 3): [2] * 12, (2026, "jingshan", 3): [1] * 6 + [3] * 6, (2027, "duodao", 2): [5] * 12}
    line = run_file(_override_case(write, "as a line", births, "[lines.third_child_allowance]\ntake_up = 1.0\n",
                                   data="immortal", file="line.toml"), replicates=3)
    measure = run_file(_override_case(write, "as data", births, """
        [lines.third_child_allowance]
        enabled = false
        [measures.allowance]
        kind = "cash_benefit"
        enabled = true
        take_up = 1.0
        name_zh = "三孩育儿补贴"
        name_en = "third-child allowance"
        clause = "13"
        source = "the plan, clause 13"
        births_from = "2023-01-01"
        hukou = "city"
        in_city_hospital = true
        schedule = [{ orders = [3], every = "month", from_age = 0, to_age = 3, amount = 500 }]
        """, data="immortal", file="measure.toml"), replicates=3)
    as_line, as_data = line_by_year_payer(line, "third_child_allowance"), line_by_year_payer(measure, "allowance")
    assert as_line.keys() == as_data.keys() and sum(as_line.values()) == 36 * 500 * (24 + 24)
    for key, yuan in as_line.items():
        assert as_data[key] == pytest.approx(yuan, abs=1e-6), key
