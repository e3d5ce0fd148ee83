"""Edges of two readings of the plan: the allowance as a top-up of the national subsidy (when the
national subsidy covers fewer months, pays as much as the city, changes over the years or is
indexed), and housing for families whose second or third child was born before the base year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.lines import LINE_BY_ID
from model.pipeline.block import block_entitlements
from model.pipeline.prepare import prepare
from model.scenario import load_scenario
from tests.conftest import BASELINE, REPO, accrual_and_cash, cli, line_by_year_payer, run_file
from tests.default_city import AREA_INDEX, AREAS, DISTRICTS
from tests.lines.test_other_clauses_and_national_subsidy import _override_case

TOP_UP = """
[scenario]
name = "top-up"
[eligibility]
in_city_hospital_share = 1.0
[lines.third_child_allowance]
take_up = 1.0
net_of_national_subsidy = true
[lines.national_childcare_subsidy]
enabled = true
"""


def _per_third_birth(write, extra: str = "") -> dict[int, float]:
    """Expected allowance per third birth by year of birth (a birth at mid-year)."""
    prepared = prepare(load_scenario(write("s.toml", TOP_UP + extra), replicates=2))
    drawn = block_entitlements(prepared, 0, 2)
    per_birth = LINE_BY_ID["third_child_allowance"].benefit_per_birth(
        drawn.context, drawn.realised.lines.third_child_allowance)
    assert (per_birth[..., :2] == 0).all()  # first and second births get nothing
    return {int(year): float(per_birth[0, y, 0, 2]) for y, year in enumerate(prepared.calendar.years)}


def test_national_subsidy_for_fewer_months_leaves_the_rest_to_the_city(write):
    """National subsidy for the first 12 months only: 12 × 200 + 24 × 500 = 14,400 for a 2025 birth."""
    per_birth = _per_third_birth(write, "months = 12\n")
    assert per_birth[2025] == pytest.approx(14_400)


def test_no_top_up_when_the_national_amount_is_as_high(write):
    """The city's 300 a month equals the national 300: a birth from 2025 costs the city nothing, in
    the expected benefit and in what accrues (the default 500 tops up 200 a month)."""
    assert _per_third_birth(write)[2025] == pytest.approx(36 * 200)
    path = write("equal.toml", TOP_UP.replace("net_of_national_subsidy = true",
                                              "net_of_national_subsidy = true\nmonthly_amount = 300"))
    prepared = prepare(load_scenario(path, replicates=2))
    drawn = block_entitlements(prepared, 0, 2)
    line = drawn.realised.lines.third_child_allowance
    per_birth = LINE_BY_ID["third_child_allowance"].benefit_per_birth(drawn.context, line)
    np.testing.assert_array_equal(per_birth[:, 3:, 0, 2], 0)  # births from 2025 on
    yuan = drawn.entitlements["third_child_allowance"].yuan  # [rep, month, area]
    assert yuan[:, prepared.calendar.month_index(2025, 1):].sum() == 0
    assert yuan.sum() > 0  # children born before 2025 are paid 300 a month until then


def test_the_last_year_reads_the_national_amount_of_its_own_year(write):
    """A national amount rising from 3,600 (2025) to 4,800 (2036): a third child born in mid-2035 has
    6 months in 2035 (national 4,690.9 a year) and 30 counted in 2036, the last simulated year."""
    per_birth = _per_third_birth(write, 'annual_amount = { values = { 2025 = 3600, 2036 = 4800 }, '
                                        'before = "hold", after = "hold" }\n')
    monthly_2035 = (3600 + 1200 * 10 / 11) / 12
    assert per_birth[2035] == pytest.approx(6 * (500 - monthly_2035) + 30 * (500 - 400))


def test_an_indexed_national_amount_lowers_the_top_up(write):
    """The national amount indexed at 10% a year after 2025 (330 a month in 2026, 363 in 2027, …):
    a 2026 birth: 6 × 170 + 12 × 137 + 12 × 100.7 + 6 × 60.77 yuan."""
    extra = "[indexation]\ncpi = 0.10\nfrom_year = 2025\nlines = [\"national_childcare_subsidy\"]\n"
    per_birth = _per_third_birth(write, extra)
    assert per_birth[2026] == pytest.approx(6 * 170 + 12 * 137 + 12 * (500 - 399.3) + 6 * (500 - 439.23))


@pytest.mark.parametrize(("birth_year", "scenario"), [
    (2021, ""),
    # the earliest birth year that can be paid: a purchase four years on, in the base year itself
    (2018, 'start_year = 2022\npolicy_start = "2022-01"'),
])
def test_families_with_children_born_before_the_base_year_buy_and_are_paid(write, birth_year, scenario):
    """earlier_births_qualify: 10,000 births in `birth_year` (none in the other years before 2022),
    every family buying four years after the birth, in 掇刀区, half of families with city hukou.
    Second- and third-child families are the base year's order shares (5,276.53 and 670.73 of
    11,679) of those births, split by residents; four years on each is paid 20,000 or 40,000, half
    by the city and half by 掇刀区."""
    history = pd.read_csv(REPO / "model" / "data" / "births_history.csv")
    history.loc[history.year < 2022, "births"] = 0
    history.loc[history.year == birth_year, "births"] = 10_000
    write("history.csv", history.to_csv(index=False))
    destination = pd.read_csv(REPO / "model" / "data" / "housing_destination.csv")
    destination["share"] = (destination.to_area == "duodao").astype(float)
    write("destination.csv", destination.to_csv(index=False))
    path = write("s.toml", f"""
[scenario]
name = "earlier families"
{scenario}
[data]
births_history = "history.csv"
housing_destination = "destination.csv"
[eligibility]
city_hukou_share = 0.5
[lines.housing_subsidy]
take_up = 1.0
purchase_probability = 1.0
purchase_profile = [0.0, 0.0, 0.0, 0.0, 1.0]
earlier_births_qualify = true
""")
    result = run_file(path, replicates=3)
    from model.inputs import split_of

    share = (result.prepared.base.unit_share_of_area[None] * split_of(result.prepared.scenario))[0]
    second, third = 5276.53 / 11679.0, 670.73 / 11679.0
    families = {order: np.round(10_000 * share * s * 0.5) for order, s in (("second", second), ("third", third))}
    expected = families["second"].sum() * 20_000 + families["third"].sum() * 40_000
    cost = line_by_year_payer(result, "housing_subsidy")
    paid = birth_year + 4
    assert cost[(paid, "city")] + cost[(paid, "duodao")] == pytest.approx(expected)
    assert cost[(paid, "city")] == pytest.approx(expected / 2)
    assert sum(cost[(paid, area)] for area in AREAS if area != "duodao") == 0
    assert "duodao" in DISTRICTS and AREA_INDEX["duodao"] >= 0


@pytest.mark.parametrize(("start", "months", "before"), [("2024-06", 36, 6), ("2024-06", 30, 0), ("2022-01", 36, 35),
                                                      ("2024-11", 36, 1), ("2024-12", 36, 0),
                                                      ("2021-06", 36, 35), ("2022-11", 36, 25)])
def test_a_national_subsidy_starting_early_pays_children_born_before_the_base_year_from_the_history(
        write, start, months, before) -> None:
    """Children born in the months before the base year 2022 who are still under `months` at the start
    are paid their remaining months: the births history of their year ÷ 12 a month, all city-hukou
    here, split by residents (whole children). Starting in June 2024 (month 29 of the run), a child born
    in December 2021 is 30 months old: it is paid 6 months (June-November 2024), one born in July 2021
    one month (June), so the six earlier cohorts draw 6, 5, …, 1 child-months from June on. No one dies
    before 100 and no birth of 2022-2035 is simulated; every child is claimed, all at the start. A
    subsidy in force before the base year pays the children under `months` when the run starts, who
    claim in its first month."""
    from tests.lines.test_claims_of_each_line import _entitlements
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "earlier children", {}, f"""
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 1.0
        annual_amount = 3600
        start = "{start}"
        months = {months}
        """, data="immortal")
    drawn = _entitlements(path)
    entitlement, ctx = drawn.entitlements["national_childcare_subsidy"], drawn.context
    s = max(0, ctx.calendar.month_index(int(start[:4]), int(start[5:])))
    assert entitlement.cohorts_before == before
    assert entitlement.by_cohort is not None and entitlement.by_cohort.shape[1] == ctx.calendar.n_months + before
    expected = np.zeros_like(entitlement.yuan)
    claims = np.zeros_like(entitlement.claims)
    for j in range(1, before + 1):  # born j months before January 2022
        children = np.round(ctx.base.births_history[2021 - (j - 1) // 12] / 12 * ctx.area_share)  # [1 or rep, area]
        expected[:, s:months - j] += 300.0 * children[:, None, :]  # paid from the start to the month before `months`
        claims[:, s] += children
    budget = slice(0, 12 * (2036 - 2022))  # the override's years (2036, the horizon, is simulated)
    np.testing.assert_allclose(entitlement.yuan[:, budget], expected[:, budget], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(entitlement.claims[:, budget], claims[:, budget], rtol=1e-12, atol=1e-9)
    assert (entitlement.yuan[:, budget].sum() > 0) == (before > 0)


def test_earlier_children_follow_each_replicates_hukou_share_and_claim_from_their_own_stream(write) -> None:
    """With the city-hukou share drawn per replicate (uniform 0.6-0.9) and a take-up of 0.8, the children
    born in the six months before 2022 are the births history's monthly births × each replicate's share
    × the residents' shares (whole children), and those who claim are drawn from the stream named for
    them (so another line or measure in the run leaves them as they are)."""
    from model import sampling as draw
    from model.realise import per_replicate
    from tests.lines.test_claims_of_each_line import _entitlements

    path = _override_case(write, "earlier children's hukou", {}, """
        [eligibility]
        city_hukou_share = { dist = "uniform", low = 0.6, high = 0.9 }
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 0.8
        start = "2024-06"
        """, data="immortal", all_one=False)
    drawn = _entitlements(path, replicates=5)
    ctx = drawn.context
    hukou = np.reshape(per_replicate(drawn.realised.eligibility.city_hukou_share, 1), (-1, 1, 1))
    assert hukou.shape == (5, 1, 1) and len(np.unique(hukou)) == 5
    children = np.round(13_000 / 12 * hukou * ctx.area_share[:, None, :] * np.ones((1, 6, 1))).astype(np.int64)
    claiming = draw.binomial(ctx.streams("national_childcare_subsidy:earlier_claims"), children,
                             np.full(children.shape, 0.8))
    assert 0 < claiming.sum() < children.sum()
    start = ctx.calendar.month_index(2024, 6)
    np.testing.assert_allclose(drawn.entitlements["national_childcare_subsidy"].claims[:, start], claiming.sum(axis=1))


def test_children_born_before_the_base_year_are_paid_in_cash_after_their_claim(write) -> None:
    """The subsidy starts in November 2024 (month 34): children born in December 2021 are 35 months
    old and are owed that one month, 300 yuan each, in 2024. Their claims are filed two months later
    (January 2025) and paid on approval with no queue: 2024's accrual is 2025's cash, and nothing is
    owed after."""
    from tests.lines.test_other_clauses_and_national_subsidy import _override_case

    path = _override_case(write, "earlier cash", {}, """
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 1.0
        annual_amount = 3600
        start = "2024-11"
        [disbursement.national_childcare_subsidy]
        application_lag = [0.0, 0.0, 1.0]
        rejection_share = 0.0
        payment = "monthly"
        """, data="immortal", scenario="start_year = 2024")
    result = run_file(path, replicates=2)
    years = list(result.calendar.budget_years)
    accrual, cash = accrual_and_cash(result, "national_childcare_subsidy")
    owed_2024 = accrual[:, years.index(2024)]
    assert (owed_2024 > 100_000).all()  # about 1,083 children (13,000 births in 2021 ÷ 12) × 300
    np.testing.assert_allclose(cash[:, years.index(2024)], 0.0, atol=1e-9)
    np.testing.assert_allclose(cash[:, years.index(2025)], owed_2024, rtol=1e-12)
    np.testing.assert_allclose(np.delete(accrual, years.index(2024), axis=1), 0.0, atol=1e-9)


def test_a_national_subsidy_reaching_before_the_births_history_is_refused_naming_the_table(write) -> None:
    """Starting in January 2022 with children to 36 months needs births of 2019-2021; a history from
    2020 is refused, naming the table and the year it lacks, before any work (the childcare slots, which
    count children to age 2 from the history as well, are off)."""
    write("history.csv", "year,births,status\n2020,15000,x\n2021,13000,x\n")
    path = write("s.toml", '[scenario]\nname = "early"\n[data]\nbirths_history = "history.csv"\n'
                           "[lines.childcare_slot_subsidy]\nenabled = false\n"
                           '[lines.national_childcare_subsidy]\nenabled = true\nstart = "2022-01"\nmonths = 36\n')
    with pytest.raises(InputError) as error:
        prepare(load_scenario(path, replicates=2))
    assert error.value.file is not None and error.value.file.endswith("history.csv") and error.value.field == "year"
    assert error.value.message.startswith("needs births for 2019 (national_childcare_subsidy counts children born up "
                                          "to 3 years before the base year)")


@pytest.mark.parametrize("paid", [False, True])
def test_third_children_born_before_the_start_are_paid_their_remaining_months_only_when_asked(write, paid):
    """Policy from 2024-01. A third child born in March 2023 is under 3 until February 2026: when
    earlier children are paid it gets 12 months in 2025 and 2 in 2026 (500 a month, 京山市, the
    county pays); otherwise nothing. A child born in March 2024 is paid either way: 12 months in 2025."""
    births = {(2023, "jingshan", 3): [0, 0, 1] + [0] * 9, (2024, "jingshan", 3): [0, 0, 1] + [0] * 9}
    path = _override_case(write, "stock", births, f"""
        [lines.third_child_allowance]
        take_up = 1.0
        monthly_amount = 500
        months = 36
        earlier_children_paid = {str(paid).lower()}
        """, data="immortal", scenario='policy_start = "2024-01"')
    result = run_file(path, replicates=3)
    cost = line_by_year_payer(result, "third_child_allowance")
    earlier = {2025: 12 * 500, 2026: 2 * 500, 2027: 0} if paid else {2025: 0, 2026: 0, 2027: 0}
    later = {2025: 12 * 500, 2026: 12 * 500, 2027: 2 * 500}
    for year in (2025, 2026, 2027):
        assert cost[(year, "jingshan")] == pytest.approx(earlier[year] + later[year], abs=1e-6)
        assert cost[(year, "city")] == 0


def test_paying_earlier_children_needs_them_in_the_simulation(write):
    path = write("s.toml", f"""
        [scenario]
        name = "too early"
        extends = "{BASELINE}"
        start_year = 2023
        [lines.third_child_allowance]
        earlier_children_paid = true
        """)
    result = cli("validate", path)
    assert result.exit_code == 2
    assert ("lines.third_child_allowance.earlier_children_paid: true needs every child paid in 2023 born in the "
            "simulation, which starts in 2022") in " ".join(result.output.split())


@pytest.mark.parametrize(("months", "problem"), [
    (36, None),  # children under 36 months in January 2025 were born from February 2022 on: simulated
    (37, "true needs every child paid in 2025 born in the simulation, which starts in 2022: with months = 37, "
         "start the budget in 2026 or later"),
    (48, "true needs every child paid in 2025 born in the simulation, which starts in 2022: with months = 48, "
         "start the budget in 2026 or later"),  # under 48 months in January 2026: born from February 2022 on
])
def test_earlier_children_paid_from_a_budget_starting_in_2025(write, months, problem):
    path = write("s.toml", f'[scenario]\nname = "x"\nstart_year = 2025\n[lines.third_child_allowance]\n'
                           f"earlier_children_paid = true\nmonths = {months}\n")
    if problem is None:
        prepare(load_scenario(path, replicates=2))
        return
    with pytest.raises(InputError) as caught:
        prepare(load_scenario(path, replicates=2))
    assert (caught.value.field, caught.value.message) == ("lines.third_child_allowance.earlier_children_paid", problem)


def test_a_top_up_needs_the_national_subsidy_priced(write):
    path = write("s.toml", '[scenario]\nname = "x"\n[lines.third_child_allowance]\nnet_of_national_subsidy = true\n')
    with pytest.raises(InputError) as caught:
        prepare(load_scenario(path, replicates=2))
    assert (caught.value.field, caught.value.message) == (
        "lines.third_child_allowance.net_of_national_subsidy",
        "true needs [lines.national_childcare_subsidy] enabled = true: the allowance is reduced by what that line "
        "pays, so price it too (its city and district shares show what the city pays of it)")


@pytest.mark.parametrize(("first_year", "earlier", "problem"), [
    (2018, True, None),  # four years before 2022: the profile's five purchase years
    (2019, True, "needs births for 2018 (housing_subsidy counts children born up to 4 years before the base year)"),
    (2021, False, None),  # no line asks for the history: none of it is needed
    (2022, False, None),
])
def test_the_births_history_a_home_subsidy_needs(write, first_year, earlier, problem):
    """Families of earlier births buy up to four years after the birth (a profile of five years), so
    earlier_births_qualify needs the births of the four years before the base year, and nothing
    otherwise (the lines that count earlier children are off)."""
    write("history.csv", "year,births,status\n2010,100,test\n" + "".join(
        f"{y},9000,test\n" for y in range(first_year, 2022)))
    path = write("s.toml", '[scenario]\nname = "history"\n[data]\nbirths_history = "history.csv"\n'
                           "[lines.childcare_slot_subsidy]\nenabled = false\n[lines.housing_subsidy]\n"
                           f"purchase_profile = [0.2, 0.2, 0.2, 0.2, 0.2]\nearlier_births_qualify = {str(earlier).lower()}\n")
    if problem is None:
        prepare(load_scenario(path, replicates=2))
        return
    with pytest.raises(InputError) as caught:
        prepare(load_scenario(path, replicates=2))
    assert (caught.value.field, caught.value.message) == ("year", problem)
