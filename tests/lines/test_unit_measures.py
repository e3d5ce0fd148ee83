"""The plan's other money clauses (6, 11, 12, 17, 19), priced as cases × cost (issue 14, item 2).

Hand-computed, one per basis of the generic kind: births, second and later births, children
under 3 and aged 3-5 at mid-year, and a yearly count split by residents; then the split of
the outlays into the plan's new measures and the continuing programmes in the summary, the
medium-term plan and the budget table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from model.lines import money_groups
from model.scenario import load_scenario
from tests.conftest import BASELINE, PLAN_MEASURES, REPO, cli, line_by_year_payer, run_file
from tests.default_city import AREAS, PAYERS
from tests.lines.test_other_clauses_and_national_subsidy import _override_case

MONTHLY = [1] * 12  # one birth a month: 12 in the year


def _priced(write, line: str, births: dict, body: str, data: str):
    """A hand case's run (3 replicates) and the line's mean yuan by (year, payer)."""
    result = run_file(_override_case(write, line, births, body, data=data), replicates=3)
    return result, line_by_year_payer(result, line)


def _total(cost: dict, year: int, payers) -> float:
    return sum(cost[(year, payer)] for payer in payers)


def test_every_clause_the_issue_names_has_a_measure_with_its_clause_and_new_or_continuing_mark():
    """The default city's plan prices clauses 6, 11, 12, 17 and 19 as measures of the unit_cost kind in
    its data (not code), each with a source for its numbers and its new-or-continuing mark."""
    measures = load_scenario(BASELINE).scenario.measures
    plan = [m for m, measure in measures.items() if measure.kind == "unit_cost"]
    assert plan == PLAN_MEASURES
    assert {"6", "11", "12", "17", "19"} <= {measures[m].clause for m in plan}
    defaults = pd.read_csv(REPO / "model" / "data" / "sources.csv").set_index("parameter")
    for measure in plan:
        for key in ("unit_cost", "cases_per_unit", "local_share"):
            assert f"measures.{measure}.{key}" in defaults.index, (measure, key)
    assert [m for m in plan if measures[m].new_money] == ["newborn_screening_extension", "childcare_vouchers"]
    assert not any(measures[m].enabled for m in plan)  # off by default


def test_checks_per_birth_split_between_central_province_and_the_county(write):
    """12 births in 京山市 in 2026: 400 a birth; local 40% (province half of it), central 60%."""
    result, cost = _priced(write, "pregnancy_and_newborn_checks", {(2026, "jingshan", 1): MONTHLY}, """
        [measures.pregnancy_and_newborn_checks]
        enabled = true
        """, data="immortal")
    assert _total(cost, 2026, result.payer_ids) == pytest.approx(12 * 400, abs=1e-6)
    assert cost[(2026, "central")] == pytest.approx(0.6 * 4800, abs=1e-6)
    assert cost[(2026, "province")] == pytest.approx(0.2 * 4800, abs=1e-6)
    assert cost[(2026, "jingshan")] == pytest.approx(0.2 * 4800, abs=1e-6)
    assert _total(cost, 2027, result.payer_ids) == 0


def test_second_and_later_births_only_and_the_city_district_rule(write):
    """12 second births and 12 first births in 东宝区 in 2026; a measure of 1,000 per second or later
    birth × 0.5 cases, all local: 6,000, city and district 3,000 each."""
    births = {(2026, "dongbao", 2): MONTHLY, (2026, "dongbao", 1): MONTHLY}
    result, cost = _priced(write, "mothers_reemployment_training", births, """
        [measures.mothers_reemployment_training]
        enabled = true
        basis = "second_and_later_births"
        cases_per_unit = 0.5
        unit_cost = 1000
        local_share = 1.0
        province_share_of_local = 0.0
        """, data="immortal")
    assert cost[(2026, "city")] == pytest.approx(3000, abs=1e-6)
    assert cost[(2026, "dongbao")] == pytest.approx(3000, abs=1e-6)


def test_children_aged_three_to_five_at_mid_year(write):
    """12 births in 京山市 in 2022 (one a month) and none before: children aged 3-5 at mid-year are
    6 in 2025 (half the cohort has turned 3), 12 in 2026 and 2027, 6 in 2028, 0 in 2029;
    × 0.414 in 普惠 private kindergartens × 400 a child-year, the county pays."""
    result, cost = _priced(write, "kindergarten_public_funds", {(2022, "jingshan", 1): MONTHLY}, """
        [measures.kindergarten_public_funds]
        enabled = true
        """, data="no_history")
    for year, children in {2025: 6, 2026: 12, 2027: 12, 2028: 6, 2029: 0}.items():
        assert cost[(year, "jingshan")] == pytest.approx(children * 0.414 * 400, abs=1e-6), year
        assert _total(cost, year, result.payer_ids) == pytest.approx(cost[(year, "jingshan")], abs=1e-6)


def test_children_under_three_at_mid_year_get_vouchers(write):
    """12 births in 沙洋县 in 2025: under 3 at mid-year 6 (2025), 12 (2026, 2027), 6 (2028); vouchers
    of 1,000 for half of them (cases_per_unit 0.5)."""
    result, cost = _priced(write, "childcare_vouchers", {(2025, "shayang", 1): MONTHLY}, """
        [measures.childcare_vouchers]
        enabled = true
        cases_per_unit = 0.5
        """, data="no_history")
    for year, children in {2025: 6, 2026: 12, 2027: 12, 2028: 6}.items():
        assert cost[(year, "shayang")] == pytest.approx(children * 0.5 * 1000, abs=1e-6), year


def test_a_yearly_count_is_split_by_residents_and_by_level(write):
    """11,000 couples × 75% × 240 = 1,980,000 a year; half the province's, the rest by residents
    (the areas' shares of the census units, central split) and the city/district rule."""
    result, cost = _priced(write, "premarital_checks", {}, """
        [measures.premarital_checks]
        enabled = true
        """, data="immortal")
    for year in (2025, 2030, 2035):
        assert _total(cost, year, result.payer_ids) == pytest.approx(1_980_000, rel=1e-9)
        assert cost[(year, "province")] == pytest.approx(990_000, rel=1e-9)
        assert sum(cost[(year, payer)] for payer in PAYERS) == pytest.approx(990_000, rel=1e-9)
    assert set(AREAS) <= {payer for (_, payer), value in cost.items() if value > 0}


def test_a_yearly_count_with_another_basis_is_refused(write):
    path = write("s.toml", f"""
        [scenario]
        name = "wrong"
        extends = "{REPO / 'scenarios' / 'baseline.toml'}"
        [measures.pregnancy_and_newborn_checks]
        enabled = true
        yearly_count = 5000
        """)
    result = cli("validate", path)
    assert result.exit_code == 2
    assert "measures.pregnancy_and_newborn_checks.yearly_count: is used only with basis = \"yearly_count\" (basis " \
           "is 'births')" in " ".join(result.output.split())


@pytest.fixture(scope="module")
def full_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "run"
    result = cli("run", REPO / "scenarios" / "full_plan.toml", "--out", out, "--replicates", 8, "--workers", 1)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_full_plan_prices_every_clause_and_shows_new_measures_apart(full_plan):
    out, output = full_plan
    budget = pd.read_csv(out / "budget.csv")
    priced = set(budget.line) - {"all"}
    assert set(PLAN_MEASURES) - priced == {"childcare_vouchers"}  # optional: off
    assert "其中本方案新增措施" in output and "其中延续项目及国家育儿补贴" in output
    manifest = pd.read_json(out / "manifest.json", typ="series")
    groups = money_groups([line for line in manifest["lines"]], manifest["scenario"]["lines"])
    assert "national_childcare_subsidy" in groups["continuing"] and "fee_waivers" in groups["continuing"]
    assert "third_child_allowance" in groups["new_measures"] and "newborn_screening_extension" in groups["new_measures"]
    assert "iit_deduction_revenue" not in groups["continuing"] + groups["new_measures"]  # revenue forgone


def test_the_medium_term_plan_subtotals_add_up_to_its_outlays(full_plan):
    out, _ = full_plan
    assert cli("mtfp", out, "--budget-year", 2026).exit_code == 0
    table = pd.read_csv(out / "mtfp_2026.csv")
    for payer in ("city", "jingshan", "all"):
        rows = table[table.payer == payer].set_index("line")
        for column in ("2026_mean", "2027_mean", "payables_carried_in"):
            groups = rows.loc["new_measures", column] + rows.loc["continuing", column]
            assert groups == pytest.approx(rows.loc["all", column], abs=0.02), (payer, column)
        assert set(rows.loc[["new_measures", "continuing"], "kind"]) == {"subtotal"}
        assert rows.loc["new_measures", "2026_p05"] <= rows.loc["new_measures", "2026_mean"] \
            <= rows.loc["new_measures", "2026_p95"]


def test_a_continuing_line_made_new_money_moves_to_the_plans_part(write):
    """`new_money` is data: a bureau that counts after-school care as new money of the plan."""
    lines = {"after_school_care": {"new_money": True}, "fee_waivers": {}}
    assert money_groups(["after_school_care", "fee_waivers"], lines) == {
        "new_measures": ["after_school_care"], "continuing": ["fee_waivers"]}
    as_written = {"after_school_care": {"new_money": False}, "fee_waivers": {}}  # the default city's data
    assert money_groups(["after_school_care", "fee_waivers"], as_written) == {
        "new_measures": [], "continuing": ["after_school_care", "fee_waivers"]}
    assert load_scenario(BASELINE).scenario.measures["after_school_care"].new_money is False


def test_newborn_screening_extension_is_paid_by_the_county_alone(write):
    """12 births in 京山市 in 2026 × 95% screened × 175: 1,995, all the county's (new money)."""
    result, cost = _priced(write, "newborn_screening_extension", {(2026, "jingshan", 3): MONTHLY}, """
        [measures.newborn_screening_extension]
        enabled = true
        """, data="immortal")
    assert cost[(2026, "jingshan")] == pytest.approx(12 * 0.95 * 175, abs=1e-6)
    assert _total(cost, 2026, result.payer_ids) == pytest.approx(12 * 0.95 * 175, abs=1e-6)


@pytest.mark.parametrize(("line", "expected"), [
    # pupils 180,000 (2025) → 140,000 (2030) → 95,000 (2035), linear between; × 85% × 120
    ("after_school_care", {2025: 180_000 * 0.85 * 120, 2027: 164_000 * 0.85 * 120, 2030: 140_000 * 0.85 * 120,
                           2035: 95_000 * 0.85 * 120}),
    ("special_families_topup", {2025: 3_000 * 1_000, 2030: 3_000 * 1_000, 2035: 3_000 * 1_000}),
])
def test_yearly_counts_of_pupils_and_recipients(write, line, expected):
    result, cost = _priced(write, line, {}, f"""
        [measures.{line}]
        enabled = true
        """, data="immortal")
    for year, amount in expected.items():
        assert _total(cost, year, result.payer_ids) == pytest.approx(amount, rel=1e-9), year
        if line == "after_school_care":
            assert cost[(year, "city")] == 0  # schools are the districts' and counties' (city_share 0)
        else:
            assert 0 < cost[(year, "city")] < amount / 2  # half of the districts' part (the general rule)


def test_a_yearly_count_basis_without_a_count_is_refused(write):
    path = write("s.toml", f"""
        [scenario]
        name = "no count"
        extends = "{REPO / 'scenarios' / 'baseline.toml'}"
        [measures.pregnancy_and_newborn_checks]
        enabled = true
        basis = "yearly_count"
        """)
    result = cli("validate", path)
    assert result.exit_code == 2
    assert "measures.pregnancy_and_newborn_checks.yearly_count: is 0 with basis = \"yearly_count\", so the line would " \
           "cost nothing" in " ".join(result.output.split())


def test_a_count_line_moved_to_births_says_how(write):
    """The defaults give premarital_checks a count: moving it to births needs yearly_count = 0, and
    the error says so (the user cannot delete a key the defaults set)."""
    path = write("s.toml", f"""
        [scenario]
        name = "per birth"
        extends = "{REPO / 'scenarios' / 'baseline.toml'}"
        [measures.premarital_checks]
        enabled = true
        basis = "births"
        """)
    message = " ".join(cli("validate", path).output.split())
    assert "set yearly_count = 0 (a parent or the defaults may give one) or change the basis" in message
    fixed = write("fixed.toml", path.read_text(encoding="utf-8") + "yearly_count = 0\n")
    assert cli("validate", fixed).exit_code == 0


def test_new_money_set_in_a_scenario_moves_a_line_between_the_parts_and_the_cost_per_induced_birth(write):
    from model.result_tables import impact_table
    from model.scenario import load_scenario

    path = write("s.toml", f"""
        [scenario]
        name = "waivers as new money"
        extends = "{REPO / 'scenarios' / 'full_plan.toml'}"
        [lines.fee_waivers]
        new_money = true
        """)
    lines = load_scenario(path).scenario.model_dump(mode="json")["lines"]
    assert "fee_waivers" in money_groups(["fee_waivers", "nipt"], lines)["new_measures"]
    with_waivers = run_file(path, replicates=4)
    without = run_file(REPO / "scenarios" / "full_plan.toml", replicates=4)
    cost = {name: impact_table(result).set_index(["measure", "year"]).loc[("cost_per_induced_birth", "all"), "mean"]
            for name, result in (("with", with_waivers), ("without", without))}
    waivers = without.accrual[:, :, without.line_ids.index("fee_waivers")].sum(axis=(1, 2)).mean()
    induced = impact_table(without).set_index(["measure", "year"]).loc[("induced_births", "all"), "mean"]
    assert cost["with"] - cost["without"] == pytest.approx(waivers / induced, rel=1e-6)


def test_an_indexed_measure_rises_with_the_price_index(write):
    """Checks per birth indexed from 2025 at 10% a year: 12 births in 2027 cost 400 × 1.1² each."""
    result, cost = _priced(write, "pregnancy_and_newborn_checks", {(2027, "jingshan", 1): MONTHLY}, """
        [measures.pregnancy_and_newborn_checks]
        enabled = true
        local_share = 1.0
        province_share_of_local = 0.0
        [indexation]
        cpi = 0.10
        from_year = 2025
        lines = ["pregnancy_and_newborn_checks"]
        """, data="immortal")
    assert cost[(2027, "jingshan")] == pytest.approx(12 * 400 * 1.1 ** 2, rel=1e-12)


@pytest.mark.parametrize(("table", "where"), [("lines", "[measures.after_school_care]"),
                                              ("disbursement", "[measures.after_school_care.timing]")])
def test_a_plan_measure_written_as_a_line_says_where_its_keys_go(write, table, where):
    """The plan's unit-cost measures were [lines] tables before they became the city's data: a scenario
    written then is told, naming its file and the key, where the table now lives."""
    path = write("old.toml", f'[scenario]\nname = "old"\n[{table}.after_school_care]\nrejection_share = 0.0\n'
                 if table == "disbursement" else f'[scenario]\nname = "old"\n[{table}.after_school_care]\nenabled = true\n')
    result = cli("validate", path)
    assert result.exit_code == 2
    assert (f"{table}.after_school_care: unknown key: after_school_care is a measure of the city's package, not a "
            f"line of the model; write its keys under {where}") in " ".join(result.output.split())
    assert str(path.name) in result.output
