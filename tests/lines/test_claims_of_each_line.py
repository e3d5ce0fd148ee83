"""The claims a line files: the cases a review office works through, which set the claims queue and
so when the cash moves. Each is counted as its clause counts cases, checked by hand (mutation
testing found these unchecked; issue 18)."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import InputError
from model.lines import lines_of
from model.lines.family_planning_awards import recipients
from model.pipeline import prepare
from model.pipeline.block import block_entitlements
from model.scenario import load_scenario
from tests.conftest import PLAN_MEASURES, REPO, cash_benefit_header
from tests.default_city import AREA_INDEX
from tests.lines.test_other_clauses_and_national_subsidy import _override_case, fee_waiver_case

MONTHS_BEFORE_2025 = 36  # the base year is 2022


def _entitlements(path, replicates: int = 2):
    prepared = prepare(load_scenario(path, replicates=replicates))
    return block_entitlements(prepared, 0, replicates)


def _yearly(monthly: np.ndarray) -> np.ndarray:
    """[rep, month, area] → [rep, year, area]."""
    return monthly.reshape(monthly.shape[0], -1, 12, monthly.shape[-1]).sum(axis=2)


def test_national_subsidy_claims_of_children_born_before_the_opening_queue_at_it(write):
    """10 births a month in 京山市 in 2024 and 5 a month in 2025, every one claimed; the subsidy opens
    in January 2025. The 120 children of 2024 and the 5 of January 2025 claim in January 2025, the
    others in their birth month; none claims before the opening."""
    path = _override_case(write, "national claims", {(2024, "jingshan", 1): [10] * 12, (2025, "jingshan", 1): [5] * 12},
                          '[lines.national_childcare_subsidy]\nenabled = true\ntake_up = 1.0\nstart = "2025-01"\n',
                          data="immortal")
    claims = _entitlements(path).entitlements["national_childcare_subsidy"].claims
    jingshan = claims[..., AREA_INDEX["jingshan"]]
    assert (claims[:, :MONTHS_BEFORE_2025] == 0).all()
    assert (jingshan[:, MONTHS_BEFORE_2025] == 125).all()
    assert (jingshan[:, MONTHS_BEFORE_2025 + 1:MONTHS_BEFORE_2025 + 12] == 5).all()
    assert claims[:, :(2036 - 2022) * 12].sum() == 2 * 180  # the override ends with 2035


def test_fee_waiver_claims_are_the_children_waived(write):
    """The hand case of test_fee_waivers_for_nursery_and_kindergarten_children: 120 births in 京山市
    in 2025, every child enrolled and in hardship. A claim per child waived, nursery and kindergarten
    alike: 60 in 2025 (mid-year), 120 in 2026, 60 + 60 in 2028, 120 in 2029, spread over the months."""
    path = fee_waiver_case(write)
    claims = _yearly(_entitlements(path).entitlements["fee_waivers"].claims)[..., AREA_INDEX["jingshan"]]
    first = 2022
    assert claims[:, [2025 - first, 2026 - first, 2028 - first, 2029 - first]] == pytest.approx(
        np.array([[60, 120, 120, 120]] * 2))
    assert (claims >= 0).all()


def test_award_claims_are_one_a_year_per_recipient_in_january(write):
    """Every recipient household of every scheme that claims (80%) files once a year, in January, in
    its area."""
    drawn = _entitlements(write("s.toml", f'[scenario]\nname = "awards"\nextends = "{REPO / "scenarios" / "full_plan.toml"}"\n'
                                          "[lines.family_planning_awards]\ntake_up = 0.8\n"))
    ctx, line = drawn.context, drawn.realised.lines.family_planning_awards
    claims = drawn.entitlements["family_planning_awards"].claims
    people = sum(recipients(ctx, scheme, ctx.base.award_recipients[scheme_id] * ctx.value(line.recipients_scale),
                            f"lines.family_planning_awards.schemes.{scheme_id}",
                            f"family_planning_awards:{scheme_id}:deaths").sum(axis=2)
                 for scheme_id, scheme in line.schemes.items())  # [rep, year]
    take_up = ctx.yearly(line.take_up, "lines.family_planning_awards.take_up")[:, :, 0]
    expected = (people * take_up)[:, :, None] * ctx.area_share[:, None, :]
    started = np.arange(ctx.calendar.n_years) * 12 >= ctx.calendar.policy_start_index
    assert claims[:, ::12][:, started] == pytest.approx(expected[:, started])
    assert (np.delete(claims, np.s_[::12], axis=1) == 0).all()


def test_a_unit_line_files_a_claim_per_case_at_its_cost():
    """yuan = claims × the cost per case, for each of the plan's unit-cost measures."""
    drawn = _entitlements(REPO / "scenarios" / "full_plan.toml")
    for measure in PLAN_MEASURES:
        section = drawn.realised.measures[measure]
        if not section.enabled:
            continue
        cost = drawn.context.monthly(section.unit_cost, f"measures.{measure}.unit_cost")
        entitlement = drawn.entitlements[measure]
        assert entitlement.claims.sum() > 0, measure
        assert entitlement.yuan == pytest.approx(entitlement.claims * cost * drawn.context.index_monthly(measure)), measure


MEASURE = """
[measures.school_grant]
kind = "unit_cost"
enabled = true
take_up = 1.0
name_zh = "入园补贴"
name_en = "kindergarten grant"
clause = "第九条"
source = "a test"
basis = "children_3_to_5"
cases_per_unit = 0.5
unit_cost = 1000
new_money = false
"""


def test_a_package_s_unit_cost_measure_is_a_line_under_its_own_names(write):
    loaded = load_scenario(write("s.toml", '[scenario]\nname = "m"\n' + MEASURE))
    line = lines_of(loaded.scenario.measures)["school_grant"]
    assert (line.id, line.name_zh, line.name_en, line.clause, line.kind.value, line.new_money) == (
        "school_grant", "入园补贴", "kindergarten grant", "第九条", "outlay", False)
    assert line.births_history_years == 6  # children aged 3-5 in the first budget years


def test_a_unit_cost_measure_of_children_aged_3_to_5_needs_six_years_of_births(write):
    write("history.csv", "year,births,status\n" + "".join(f"{y},9000,test\n" for y in range(2019, 2022)))
    path = write("s.toml", '[scenario]\nname = "m"\n[data]\nbirths_history = "history.csv"\n' + MEASURE)
    with pytest.raises(InputError) as caught:
        prepare(load_scenario(path, replicates=2))
    assert caught.value.message == "needs births for 2018 (school_grant counts children born up to 6 years before " \
                                   "the base year)"


def test_an_indexed_unit_cost_measure_grows_with_prices(write):
    body = '[scenario]\nname = "m"\n' + MEASURE
    plain = _entitlements(write("plain.toml", body)).entitlements["school_grant"]
    indexed = _entitlements(write("indexed.toml", body + '[indexation]\nlines = ["school_grant"]\ncpi = 0.1\n'
                                  'from_year = 2025\n')).entitlements["school_grant"]
    years = [2025 - 2022, 2027 - 2022]
    ratio = _yearly(indexed.yuan).sum(axis=(0, 2))[years] / _yearly(plain.yuan).sum(axis=(0, 2))[years]
    assert ratio == pytest.approx([1.0, 1.1 ** 2])


def test_centre_claims_are_the_centres_and_pilots_paid_each_year(write):
    """Three centres in 掇刀区, one paid by the city (open 2026) and two by the area rule (open 2027
    and 2028), none closing: each files a claim a year from its opening, with the pilots running."""
    from model.lines.demonstration_centres import pilots

    centre = ('[[lines.demonstration_centres.centres]]\nname = "{name}"\narea = "duodao"\nopens = {opens}\n'
              "construction_subsidy = 100\noperating_subsidy = 10\n")
    path = write("s.toml", '[scenario]\nname = "centres"\n[lines.demonstration_centres]\nenabled = true\n'
                           "take_up = 1.0\npilots_per_year = 10\npilot_years = 2\n"
                 + centre.format(name="city", opens=2026) + 'paid_by = "city"\n'
                 + centre.format(name="second", opens=2027) + centre.format(name="third", opens=2028))
    drawn = _entitlements(path)
    claims = _yearly(drawn.entitlements["demonstration_centres"].claims)
    running = np.broadcast_to(pilots(drawn.context, drawn.realised.lines.demonstration_centres)[1], claims.shape)
    duodao = AREA_INDEX["duodao"]
    for year, centres in ((2025, 0), (2026, 1), (2027, 2), (2028, 3), (2035, 3)):
        assert claims[:, year - 2022, duodao] - running[:, year - 2022, duodao] == pytest.approx(centres), year
    assert claims[:, 2030 - 2022, AREA_INDEX["dongbao"]] == pytest.approx(running[:, 2030 - 2022, AREA_INDEX["dongbao"]])  # 东宝区: pilots only


def test_a_cash_benefit_files_a_claim_per_child_of_every_order_it_pays(write):
    """A grant at birth for first and second births: 10 first and 5 second births in 京山市 in January
    2025 file 15 claims that month; at age 1, the children alive then are paid (the default life
    table: each child's chance of living to its first birthday)."""
    from model.lines.cash_benefit import survival

    path = _override_case(write, "grant claims", {(2025, "jingshan", 1): [10] + [0] * 11,
                                                  (2025, "jingshan", 2): [5] + [0] * 11},
                          cash_benefit_header("g")
                          + 'schedule = [{ orders = [1, 2], every = "once", from_age = 0, amount = 1000 },\n'
                            '            { orders = [1], every = "once", from_age = 1, amount = 500 }]\n',
                          data="no_history")
    drawn = _entitlements(path)
    entitlement, jingshan = drawn.entitlements["g"], AREA_INDEX["jingshan"]
    january_2025 = MONTHS_BEFORE_2025
    assert entitlement.claims[:, january_2025, jingshan] == pytest.approx([15, 15])
    assert entitlement.claims[:, :(2036 - 2022) * 12].sum() == 2 * 15
    alive_at_one = survival(drawn.context.base.q_young, 13)[12]
    assert 0.99 < alive_at_one < 1
    assert entitlement.yuan[:, january_2025 + 12, jingshan] == pytest.approx([10 * 500 * alive_at_one] * 2)


def test_allowance_claims_of_earlier_third_children_queue_at_the_start(write):
    """Policy from January 2025, earlier third children paid their remaining months: 10 born in
    January 2022 are 36 months old then (too old: no claim), 5 born in February 2022 claim in January
    2025 with the 3 born that month; nobody claims before."""
    path = _override_case(write, "allowance claims", {(2022, "jingshan", 3): [10, 5] + [0] * 10,
                                                      (2025, "jingshan", 3): [3] + [0] * 11}, """
        [lines.third_child_allowance]
        take_up = 1.0
        monthly_amount = 500
        months = 36
        earlier_children_paid = true
        """, data="immortal", scenario='policy_start = "2025-01"')
    entitlement = _entitlements(path).entitlements["third_child_allowance"]
    claims, jingshan = entitlement.claims, AREA_INDEX["jingshan"]
    assert (claims[:, :MONTHS_BEFORE_2025] == 0).all()
    assert claims[:, MONTHS_BEFORE_2025, jingshan] == pytest.approx([8, 8])
    assert entitlement.claims_open == MONTHS_BEFORE_2025
    assert (entitlement.yuan[:, :MONTHS_BEFORE_2025] == 0).all()  # nothing is paid for months before the start
    assert entitlement.yuan[:, MONTHS_BEFORE_2025, jingshan] == pytest.approx([8 * 500] * 2)  # the last month of 5
    assert entitlement.yuan[:, MONTHS_BEFORE_2025 + 1, jingshan] == pytest.approx([3 * 500] * 2)


def test_housing_claims_are_the_purchases_paid_where_the_home_is(write):
    """Second births only, every family buying a home in its birth year: each purchase paid is a
    claim, 20,000 each in a district (the plan's amount); a home bought in a county without amounts
    of its own is neither paid nor claimed."""
    from tests.default_city import DISTRICTS

    path = _override_case(write, "housing claims", {(2025, area, 2): [20] * 12 for area in AREA_INDEX}, """
        [lines.housing_subsidy]
        take_up = 1.0
        purchase_probability = 1.0
        purchase_profile = [1.0]
        """, data="immortal")
    entitlement = _entitlements(path).entitlements["housing_subsidy"]
    claims, yuan = _yearly(entitlement.claims)[:, 2025 - 2022], _yearly(entitlement.yuan)[:, 2025 - 2022]
    for area, index in AREA_INDEX.items():
        if area in DISTRICTS:
            assert claims[:, index] == pytest.approx(yuan[:, index] / 20_000) and (claims[:, index] > 0).all()
        else:
            assert (claims[:, index] == 0).all() and (yuan[:, index] == 0).all(), area
    assert claims.sum(axis=1) == pytest.approx(yuan.sum(axis=1) / 20_000)


COUNTIES_PAY_TOO = "county_amounts = { " + ", ".join(
    f"{area} = {{ second = 20000, third = 40000 }}" for area in AREA_INDEX if area not in ("dongbao", "duodao", "zhanghe")
) + " }\n"


def test_housing_claims_are_city_hukou_families_only(write):
    """Half the births are to city-hukou families; every one of those buys a home in the birth year,
    in an area that pays: the claims of each year are the city-hukou second and later births."""
    path = write("s.toml", '[scenario]\nname = "hukou"\n[eligibility]\ncity_hukou_share = 0.5\n'
                           "[lines.housing_subsidy]\ntake_up = 1.0\npurchase_probability = 1.0\npurchase_profile = [1.0]\n"
                 + COUNTIES_PAY_TOO)
    drawn = _entitlements(path)
    claims = _yearly(drawn.entitlements["housing_subsidy"].claims).sum(axis=2)
    hukou_births = _yearly(drawn.demography.births[:, :, :, 1:, 1].sum(axis=3)).sum(axis=2)  # 2nd, 3rd, 4th+
    all_births = _yearly(drawn.demography.births[:, :, :, 1:, :].sum(axis=(3, 4))).sum(axis=2)
    years = slice(2025 - 2022, 2036 - 2022)
    assert claims[:, years] == pytest.approx(hukou_births[:, years])
    assert (claims[:, years] < 0.7 * all_births[:, years]).all()


@pytest.mark.parametrize("earlier", [True, False])
def test_a_home_bought_after_the_start_by_a_family_of_a_birth_before_it(write, earlier):
    """Policy from January 2025; 10 second births in 京山市 in January 2024 buy a home a year later:
    paid (200,000 in 2025) when births before the start qualify, not otherwise."""
    path = _override_case(write, "earlier births", {(2024, "jingshan", 2): [10] + [0] * 11},
                          "[lines.housing_subsidy]\ntake_up = 1.0\npurchase_probability = 1.0\n"
                          f"purchase_profile = [0.0, 1.0]\nearlier_births_qualify = {str(earlier).lower()}\n"
                          + COUNTIES_PAY_TOO, data="immortal", scenario='policy_start = "2025-01"')
    yuan = _yearly(_entitlements(path).entitlements["housing_subsidy"].yuan).sum(axis=2)
    assert yuan[:, 2025 - 2022] == pytest.approx([200_000.0 if earlier else 0.0] * 2)


def test_allowance_claims_are_city_hukou_third_births_only(write):
    path = write("s.toml", '[scenario]\nname = "hukou"\n[eligibility]\ncity_hukou_share = 0.5\n'
                           "in_city_hospital_share = 1.0\n[lines.third_child_allowance]\ntake_up = 1.0\n")
    drawn = _entitlements(path)
    claims = _yearly(drawn.entitlements["third_child_allowance"].claims)
    hukou_third = _yearly(drawn.demography.births[:, :, :, 2:, 1].sum(axis=3))  # 3rd and 4th+, city hukou
    years = slice(2025 - 2022, 2036 - 2022)
    assert claims[:, years] == pytest.approx(hukou_third[:, years])
    assert claims[:, years].sum() > 0


def test_a_home_in_a_county_paying_one_yuan_is_claimed(write):
    """Any amount above nothing is a claim an office handles, however small."""
    path = _override_case(write, "one yuan", {(2025, "jingshan", 2): [10] + [0] * 11},
                          "[lines.housing_subsidy]\ntake_up = 1.0\npurchase_probability = 1.0\npurchase_profile = [1.0]\n"
                          "home_areas = []\ncounty_amounts = { " + ", ".join(
                              f"{area} = {{ second = 1 }}" for area in AREA_INDEX) + " }\n", data="immortal")
    entitlement = _entitlements(path).entitlements["housing_subsidy"]
    claims, yuan = _yearly(entitlement.claims).sum(axis=2), _yearly(entitlement.yuan).sum(axis=2)
    assert claims[:, 2025 - 2022] == pytest.approx([10, 10]) and yuan[:, 2025 - 2022] == pytest.approx([10, 10])


def test_allowance_claims_of_children_born_in_the_base_year_s_first_month_queue_at_an_early_start(write):
    """Policy from January 2023, earlier third children paid: the 4 born in January 2022 (11 months
    old at the start) claim in January 2023."""
    path = _override_case(write, "early start", {(2022, "jingshan", 3): [4] + [0] * 11}, """
        [lines.third_child_allowance]
        take_up = 1.0
        months = 36
        earlier_children_paid = true
        """, data="immortal", scenario='policy_start = "2023-01"')
    claims = _entitlements(path).entitlements["third_child_allowance"].claims[..., AREA_INDEX["jingshan"]]
    assert claims[:, 12] == pytest.approx([4, 4]) and (claims[:, :12] == 0).all()
