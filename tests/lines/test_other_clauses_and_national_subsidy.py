"""The plan's other clauses and the national subsidy (lines off by default, all on in full_plan):
a hand-computed case each, the national subsidy absorbing the city's allowance, and the core
results unchanged when these lines are off.

Hand cases remove chance: births from an override file, take-up and shares of 1, and a
life table without deaths where a line follows people, so every figure is arithmetic.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.lines import LINE_BY_ID, LINES
from model.result_tables import budget_table
from tests.conftest import (
    CORE_LINES,
    NEW_LINES,
    PLAN_MEASURES,
    REPO,
    cli,
    line_by_year_payer,
    override_rows,
    run_file,
)

ALL_ONE = """
[eligibility]
city_hukou_share = 1.0
in_city_hospital_share = 1.0
"""


def _immortal_life_table(write) -> str:
    """The default life table with no deaths before age 100 (q = 1 at 100 ends the table)."""
    life = pd.read_csv(REPO / "model" / "data" / "life_table.csv")
    life.loc[life.age < 100, "q_both"] = 0.0
    write("life.csv", life.to_csv(index=False))
    return 'life_table = "life.csv"'


def _no_history(write) -> str:
    """Births before the base year set to 0, so only the override's births are children."""
    write("history.csv", "year,births,status\n" + "".join(f"{y},0,test\n" for y in range(2010, 2022)))
    return 'births_history = "history.csv"'


def _override_case(write, name: str, births: dict, body: str, data: str, all_one: bool = True,
                   scenario: str = "", file: str = "s.toml") -> Path:
    """A hand case's scenario file: births from an override file (these monthly cells, zero
    elsewhere), the `data` table replaced ("immortal": no deaths before 100; "no_history": no
    births before the base year), every birth eligible unless `all_one` is False, then `body`."""
    write("births.csv", override_rows(births, range(2022, 2036)))
    replaced = _immortal_life_table(write) if data == "immortal" else _no_history(write)
    parts = [f'[scenario]\nname = "{name}"', textwrap.dedent(scenario).strip(),
             '[demography]\nbirths_override = "births.csv"', f"[data]\n{replaced}",
             ALL_ONE.strip() if all_one else "", textwrap.dedent(body).strip()]
    return write(file, "\n".join(part for part in parts if part) + "\n")


def test_new_lines_are_registered_with_their_kind():
    assert {line.id for line in LINES} >= set(NEW_LINES)
    assert LINE_BY_ID["iit_deduction_revenue"].kind == "revenue_forgone"
    assert LINE_BY_ID["housing_fund_limit"].kind == "memo"
    assert all(LINE_BY_ID[line].kind == "outlay" for line in NEW_LINES[:4] + CORE_LINES)


def test_absorption_leaves_the_city_2400_a_year_for_a_child_born_in_2026(write):
    """With the national subsidy absorbing the allowance, the city tops up to 6,000 a year:
    6,000 − 3,600 = 2,400 a year (200 a month) for a third child born in 2026; the national line
    carries the 3,600. Without absorption the city pays the full 6,000."""
    def scenario(name: str, absorb: bool) -> Path:
        return _override_case(write, "absorption hand case", {(2026, "dongbao", 3): [1] * 12}, f"""
            [lines.third_child_allowance]
            take_up = 1.0
            net_of_national_subsidy = {str(absorb).lower()}
            [lines.national_childcare_subsidy]
            enabled = true
            take_up = 1.0
            """, data="immortal", file=name)

    absorbed = run_file(scenario("a.toml", True), replicates=5)
    full = run_file(scenario("b.toml", False), replicates=5)
    city = line_by_year_payer(absorbed, "third_child_allowance")
    national = line_by_year_payer(absorbed, "national_childcare_subsidy")
    children = 12

    def total(cost: dict, year: int, payers) -> float:
        return sum(cost[(year, payer)] for payer in payers)

    assert total(city, 2027, absorbed.payer_ids) == pytest.approx(children * (6_000 - 3_600), abs=1e-6)
    assert total(city, 2027, absorbed.payer_ids) / children == pytest.approx(2_400, abs=1e-9)
    assert total(city, 2026, absorbed.payer_ids) == pytest.approx(78 * 200, abs=1e-6)  # 78 child-months
    assert total(national, 2027, absorbed.payer_ids) == pytest.approx(children * 3_600, abs=1e-6)
    assert total(line_by_year_payer(full, "third_child_allowance"), 2027, full.payer_ids) == \
        pytest.approx(children * 6_000, abs=1e-6)
    assert city[(2027, "city")] == pytest.approx(city[(2027, "dongbao")])  # the 50/50 rule still holds


def test_shipped_absorption_scenario_lowers_only_the_allowance(tmp_path):
    full = run_file(REPO / "scenarios" / "full_plan.toml", replicates=10)
    absorbed = run_file(REPO / "scenarios" / "national_subsidy_absorbs.toml", replicates=10)
    i = full.line_ids.index("third_child_allowance")
    ratio = absorbed.accrual[:, 2:, i].sum() / full.accrual[:, 2:, i].sum()  # 2027 on: every child after 2025
    assert ratio == pytest.approx(2_400 / 6_000, rel=0.03)  # births respond a little to the smaller benefit
    j = full.line_ids.index("national_childcare_subsidy")
    assert absorbed.accrual[:, :, j].sum() == pytest.approx(full.accrual[:, :, j].sum(), rel=0.03)


def test_income_tax_deduction_is_revenue_forgone_shared_60_40(write):
    """12 births in 东宝区 in 2026; every parent taxable at 10%: 2,000 × 10% = 200 yuan of tax a
    child-month. Children under 3 are counted at mid-year: 6 in 2026, 12 in 2027 → 2027: 144
    child-months → 28,800: central 60%, province 10% (25% of the local 40%), city and 东宝区 15%
    each. Cash: half at withholding, half at next May's settlement (of 2026's 14,400)."""
    path = _override_case(write, "iit hand case", {(2026, "dongbao", 1): [1] * 12}, """
        [lines.iit_deduction_revenue]
        enabled = true
        take_up = 1.0
        taxable_parent_share = 1.0
        marginal_rate = 0.10
        local_share = 0.40
        province_share_of_local = 0.25
        settlement_share = 0.5
        settlement_month = 5
        """, data="no_history", all_one=False)
    result = run_file(path, replicates=5)
    cost = line_by_year_payer(result, "iit_deduction_revenue")
    assert cost[(2027, "central")] == pytest.approx(0.60 * 28_800, abs=1e-6)
    assert cost[(2027, "province")] == pytest.approx(0.10 * 28_800, abs=1e-6)
    assert cost[(2027, "city")] == pytest.approx(0.15 * 28_800, abs=1e-6)
    assert cost[(2027, "dongbao")] == pytest.approx(0.15 * 28_800, abs=1e-6)
    i = result.line_ids.index("iit_deduction_revenue")
    cash_2027 = result.cash[:, 2027 - 2025, i].sum(axis=-1).mean()
    assert cash_2027 == pytest.approx(0.5 * 28_800 + 0.5 * 14_400, abs=1e-6)
    table = budget_table(result)
    assert set(table[table.line == "iit_deduction_revenue"].kind) == {"revenue_forgone"}


def fee_waiver_case(write) -> Path:
    """120 births in 京山市 in 2025 (10 a month), no earlier children, every child enrolled and in
    hardship, half the fee waived (nursery 10,000 a year, kindergarten 4,000)."""
    return _override_case(write, "fee waiver hand case", {(2025, "jingshan", 1): [10] * 12}, """
        [lines.childcare_slot_subsidy]
        enrolment_rate = 1.0
        [lines.fee_waivers]
        enabled = true
        take_up = 1.0
        hardship_share = 1.0
        waived_share = 0.5
        nursery_fee = 10000
        kindergarten_fee = 4000
        kindergarten_enrolment_rate = 1.0
        """, data="no_history", all_one=False)


def test_fee_waivers_for_nursery_and_kindergarten_children(write):
    """120 births in 京山市 in 2025 (10 a month), no earlier children. Mid-year children aged 0-2:
    60 in 2025, 120 in 2026-27, 60 in 2028; aged 3-5: 60 in 2028, 120 in 2029-30. All enrolled and
    in hardship, half the fee waived: nursery 10,000 a year → 2026: 120 × 5,000 = 600,000;
    kindergarten 4,000 a year with 2 of 3 years still charged from 2026 → 2029: 120 × 4,000 × ⅔ × ½
    = 160,000. 京山市 is a county: it pays all."""
    path = fee_waiver_case(write)
    cost = line_by_year_payer(run_file(path, replicates=5), "fee_waivers")
    assert cost[(2025, "jingshan")] == pytest.approx(60 * 5_000)
    assert cost[(2026, "jingshan")] == pytest.approx(600_000)
    assert cost[(2028, "jingshan")] == pytest.approx(60 * 5_000 + 60 * 4_000 * 2 / 3 * 0.5)
    assert cost[(2029, "jingshan")] == pytest.approx(160_000)
    assert cost[(2032, "jingshan")] == 0 and cost[(2029, "city")] == 0


def test_demonstration_centres_follow_their_schedule_and_payer(write):
    """A city centre in 掇刀区 paid by the city (1,000,000 to build in 2026, 200,000 a year), a
    district centre paid by the 50/50 rule (500,000 in 2027, then 100,000 a year), and 10 pilots a
    year city-wide at 100,000 once and 10,000 a year for two years: 1,200,000 a year of pilots."""
    path = write("s.toml", """
        [scenario]
        name = "centres hand case"
        [lines.demonstration_centres]
        enabled = true
        take_up = 1.0
        pilots_per_year = 10
        pilot_construction_subsidy = 100000
        pilot_operating_subsidy = 10000
        pilot_years = 2
        [[lines.demonstration_centres.centres]]
        name = "city centre"
        area = "duodao"
        opens = 2026
        construction_subsidy = 1000000
        operating_subsidy = 200000
        paid_by = "city"
        [[lines.demonstration_centres.centres]]
        name = "district centre"
        area = "duodao"
        opens = 2027
        construction_subsidy = 500000
        operating_subsidy = 100000
        """)
    result = run_file(path, replicates=5)
    cost = line_by_year_payer(result, "demonstration_centres")

    def pilots(year: int) -> float:
        return sum(cost[(year, payer)] for payer in result.payer_ids) - centres[year]

    centres = {2025: 0, 2026: 1_200_000, 2027: 200_000 + 600_000, 2028: 300_000}
    for year in centres:
        assert pilots(year) == pytest.approx(1_200_000)
    assert cost[(2026, "duodao")] == pytest.approx(1_200_000 * result_share(result, "duodao") / 2)
    # the city's own centre is all the city's; the district one is shared 50/50, as are the
    # pilots in the three districts (the city's half of those in 东宝 and 漳河 has no 掇刀 match)
    other_districts = result_share(result, "dongbao") + result_share(result, "zhanghe")
    assert cost[(2027, "city")] - cost[(2027, "duodao")] == pytest.approx(200_000 + 600_000 * other_districts)


def result_share(result, area: str) -> float:
    """The area's share of residents (pilots are split by residents)."""
    from model.inputs import split_of
    from tests.default_city import AREA_INDEX

    base = result.prepared.base
    split = split_of(result.prepared.scenario)
    return float((base.unit_share_of_area[None] * split)[0, AREA_INDEX[area]])


def _awards_run(write, roster: str, rural_entrants: int):
    """The awards line alone, with this roster of rural-reward recipients (``age,recipients`` rows),
    no deaths before 100, half local (half of it the province's), and only rural entrants."""
    rows = "".join(f"rural_reward,{row}\n" for row in roster.split())
    write("recipients.csv", "scheme,age,recipients\n" + rows + "special_disabled,60,0\nspecial_bereaved,60,0\n")
    path = write("s.toml", f"""
        [scenario]
        name = "awards hand case"
        [data]
        family_planning_recipients = "recipients.csv"
        {_immortal_life_table(write)}
        [lines.family_planning_awards]
        enabled = true
        take_up = 1.0
        local_share = 0.5
        province_share_of_local = 0.5
        [lines.family_planning_awards.schemes.rural_reward]
        entrants_per_year = {rural_entrants}
        [lines.family_planning_awards.schemes.special_disabled]
        entrants_per_year = 0
        [lines.family_planning_awards.schemes.special_bereaved]
        entrants_per_year = 0
        """)
    return run_file(path, replicates=5)


def test_family_planning_awards_age_enter_and_die(write):
    """1,000 rural-reward recipients aged 70 and 50 aged 99 in 2022, 100 new at 60 each year, no
    deaths before 100: in 2025 the 99-year-olds are gone (100 in 2023, the table's end) and
    1,000 + 3 × 100 remain at 960 yuan: 1,248,000; central 50%, province 25%, Jingmen 25%."""
    result = _awards_run(write, "70,1000 99,50", rural_entrants=100)
    cost = line_by_year_payer(result, "family_planning_awards")
    total = sum(cost[(2025, payer)] for payer in result.payer_ids)
    assert total == pytest.approx(1_300 * 960)
    assert cost[(2025, "central")] == pytest.approx(0.5 * total)
    assert cost[(2025, "province")] == pytest.approx(0.25 * total)
    assert sum(cost[(2026, payer)] for payer in result.payer_ids) == pytest.approx(1_400 * 960)


def test_housing_fund_limit_is_a_memo_of_extra_loan_volume(write):
    """1,000 purchases a year, half capped by a 500,000 limit, raised 1.2×: 1,000 × 0.5 × 100,000 =
    50,000,000 yuan of extra loans a year, a memo item under the city, cash equal to accrual."""
    path = write("s.toml", """
        [scenario]
        name = "hpf hand case"
        [lines.housing_fund_limit]
        enabled = true
        take_up = 1.0
        purchases_per_year = 1000
        at_limit_share = 0.5
        loan_limit = 500000
        limit_multiplier = 1.2
        """)
    result = run_file(path, replicates=5)
    cost = line_by_year_payer(result, "housing_fund_limit")
    assert cost[(2030, "city")] == pytest.approx(50_000_000)
    assert sum(cost[(2030, payer)] for payer in result.payer_ids) == pytest.approx(50_000_000)
    i = result.line_ids.index("housing_fund_limit")
    np.testing.assert_array_equal(result.cash[:, :, i], result.accrual[:, :, i])
    table = budget_table(result)
    assert set(table[table.line == "housing_fund_limit"].kind) == {"memo"}
    outlays = table[(table.line == "all") & (table.payer == "all") & (table.basis == "accrual")]
    assert outlays["mean"].max() < 50_000_000  # the memo is not in the total of spending


def test_new_lines_off_reproduce_the_core_results_to_the_yuan(write):
    """full_plan with every new line turned off gives baseline's budget.csv byte for byte; with
    them on, every core line's figures are still the same to the yuan."""
    off = "".join(f"[lines.{line}]\nenabled = false\n" for line in NEW_LINES) + "".join(
        f"[measures.{measure}]\nenabled = false\n" for measure in PLAN_MEASURES)
    path = write("off.toml", f'[scenario]\nname = "off"\nextends = "{REPO / "scenarios" / "full_plan.toml"}"\n{off}')
    baseline = budget_table(run_file(REPO / "scenarios" / "baseline.toml", replicates=60))
    without = budget_table(run_file(path, replicates=60))
    pd.testing.assert_frame_equal(without, baseline, check_exact=True)
    with_all = budget_table(run_file(REPO / "scenarios" / "full_plan.toml", replicates=60))
    core = with_all[with_all.line.isin(CORE_LINES) & ~with_all.payer.isin(["province", "central"])]
    pd.testing.assert_frame_equal(core.reset_index(drop=True),
                                  baseline[baseline.line.isin(CORE_LINES)].reset_index(drop=True), check_exact=True)
    assert (with_all[with_all.line.isin(CORE_LINES) & with_all.payer.isin(["province", "central"])]["mean"] == 0).all()


def test_top_up_follows_the_childs_age_and_needs_the_national_line(write):
    """If the national subsidy covered only the first 12 months of age, the city would pay 200 a month
    for those and the full 500 after; absorbing without pricing the national line is refused."""
    path = _override_case(write, "top-up by age", {(2026, "dongbao", 3): [12] + [0] * 11}, """
        [lines.third_child_allowance]
        take_up = 1.0
        net_of_national_subsidy = true
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 1.0
        months = 12
        """, data="immortal")
    result = run_file(path, replicates=3)
    city = line_by_year_payer(result, "third_child_allowance")
    # born January 2026: ages 0-11 in 2026 (200 a month), 12-23 in 2027 and 24-35 in 2028 (500 a month)
    assert sum(city[(2026, p)] for p in result.payer_ids) == pytest.approx(12 * 12 * 200, abs=1e-6)
    assert sum(city[(2027, p)] for p in result.payer_ids) == pytest.approx(12 * 12 * 500, abs=1e-6)
    alone = write("alone.toml", '[scenario]\nname = "absorbed alone"\n'
                                "[lines.third_child_allowance]\nnet_of_national_subsidy = true\n")
    refused = cli("run", alone, "--out", alone.parent / "out")
    message = refused.output.replace("\n", "")  # the console wraps long lines
    assert refused.exit_code != 0 and "net_of_national_subsidy" in message
    assert "[lines.national_childcare_subsidy] enabled = true" in message and not (alone.parent / "out").exists()


def test_national_claims_open_at_the_start(write):
    """Children born before 2025 claim when the subsidy opens: no cash before 2025, and the
    claims queue's lag counts from January 2025."""
    path = _override_case(write, "claims open", {(2023, "dongbao", 1): [10] * 12}, """
        [lines.national_childcare_subsidy]
        enabled = true
        take_up = 1.0
        [disbursement.national_childcare_subsidy]
        application_lag = [0.0, 0.0, 0.0, 1.0]
        payment = "monthly"
        """, data="immortal", scenario="start_year = 2024")
    result = run_file(path, replicates=3)
    i = result.line_ids.index("national_childcare_subsidy")
    accrual, cash = result.accrual[:, :, i].sum(axis=-1).mean(axis=0), result.cash[:, :, i].sum(axis=-1).mean(axis=0)
    assert accrual[0] == 0 and cash[0] == 0  # 2024: nothing yet
    # 2025: the 120 children are under 3 all year (born 2023) → 120 × 3,600 accrue; claims filed in
    # January are approved in April, with the arrears of January-March: all of 2025 is paid in 2025
    assert accrual[1] == pytest.approx(120 * 3_600)
    assert cash[1] == pytest.approx(accrual[1])
    payables = result.payables[:, :, i].sum(axis=-1).mean(axis=0)
    assert payables[0] == 0 and payables[1] == pytest.approx(0, abs=1e-6)


def test_awards_split_between_city_and_districts_after_the_higher_levels(write):
    """Local half (50%), the province half of it: Jingmen bears 25%, split by residents; in the
    three districts half of that goes to the city."""
    result = _awards_run(write, "70,1000", rural_entrants=0)
    cost = line_by_year_payer(result, "family_planning_awards")
    jingmen = 0.25 * 1_000 * 960
    districts = sum(result_share(result, a) for a in ("dongbao", "duodao", "zhanghe"))
    assert cost[(2025, "city")] == pytest.approx(jingmen * districts / 2)
    assert cost[(2025, "zhongxiang")] == pytest.approx(jingmen * result_share(result, "zhongxiang"))
    assert cost[(2025, "dongbao")] == pytest.approx(jingmen * result_share(result, "dongbao") / 2)


def test_a_centre_paid_by_its_district_is_not_shared(write):
    path = write("s.toml", """
        [scenario]
        name = "district centre"
        [lines.demonstration_centres]
        enabled = true
        take_up = 1.0
        pilots_per_year = 0
        [[lines.demonstration_centres.centres]]
        name = "东宝区 centre"
        area = "dongbao"
        opens = 2026
        construction_subsidy = 800000
        operating_subsidy = 100000
        paid_by = "area"
        """)
    result = run_file(path, replicates=3)
    cost = line_by_year_payer(result, "demonstration_centres")
    assert cost[(2026, "dongbao")] == pytest.approx(900_000) and cost[(2026, "city")] == 0
    i = result.line_ids.index("demonstration_centres")
    cash = result.cash[:, :, i].mean(axis=0)  # paid in June of the next year, by 东宝区 alone
    assert cash[2027 - 2025, result.payer_ids.index("dongbao")] == pytest.approx(900_000)
    assert cash[:, result.payer_ids.index("city")].sum() == 0
