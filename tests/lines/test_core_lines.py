"""Hand-computed cases of the core lines that need more than a case file gives (the cases that
are births in and yuan out are data beside the lines: model/lines/cases/<line>.toml).

Births come from an override file, so the expected figures are arithmetic on the
plan's amounts, written out here independently of the line modules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.lines.art_subsidy import expected_reimbursement_profile, reimbursements
from model.scenario import load_scenario
from tests.conftest import REPO, line_by_year_payer, override_rows, run_file

ALL_ONE = """
[eligibility]
city_hukou_share = 1.0
in_city_hospital_share = 1.0
"""


def _destination(write, rows: dict[str, dict[str, float]]):
    default = pd.read_csv(REPO / "model" / "data" / "housing_destination.csv")
    for origin, targets in rows.items():
        mask = default.from_area == origin
        default.loc[mask, "share"] = [targets.get(t, 0.0) for t in default.loc[mask, "to_area"]]
    return write("destination.csv", default.to_csv(index=False))


def test_art_household_receives_the_cap_once():
    """Clause 9: 据实报销, 每户累计不超过1万元 — spending beyond the cap over several years is
    reimbursed once up to 10,000 in total, not 10,000 a year."""
    assert reimbursements(np.array([8_000.0, 7_000.0, 6_000.0]), 10_000).tolist() == [8_000, 2_000, 0]
    assert reimbursements(np.array([12_000.0, 12_000.0, 12_000.0]), 10_000).tolist() == [10_000, 0, 0]
    assert reimbursements(np.array([3_000.0, 4_000.0]), 10_000).tolist() == [3_000, 4_000]


def test_art_expected_profile_never_exceeds_the_cap():
    line = load_scenario(REPO / "scenarios" / "baseline.toml").scenario.lines.art_subsidy
    certain = line.model_copy(update={"out_of_pocket_cv": 0.0, "out_of_pocket_mean": 25_000.0})
    assert expected_reimbursement_profile(certain)[0].tolist() == pytest.approx([10_000, 0, 0])
    small = line.model_copy(update={"out_of_pocket_cv": 0.0, "out_of_pocket_mean": 4_000.0,
                                    "continuation": [0.5, 0.5]})
    # 4,000 in year 1; half continue: 4,000 × 0.5; a quarter reach year 3 with 2,000 of cap left.
    assert expected_reimbursement_profile(small)[0].tolist() == pytest.approx([4_000, 2_000, 500])
    assert expected_reimbursement_profile(line)[0].sum() <= 10_000 + 1e-6


def test_childcare_slot_subsidy_600_per_enrolled_inclusive_slot(write):
    """Clause 11: with one slot per 1,000 residents, all inclusive and all filled, 东宝区
    (2,547,700 × 15% × 80% = 305,724 residents) has 305 slots → 305 × 600 yuan, half paid
    by 东宝区; the city pays half of the three districts' slots (掇刀 331, 漳河 76)."""
    path = write("s.toml", """
        [scenario]
        name = "childcare hand case"
        [demography]
        population_growth = 0.0
        [lines.childcare_slot_subsidy]
        take_up = 1.0
        amount_per_slot = 600
        slots_per_1000 = 1.0
        inclusive_share = 1.0
        enrolment_rate = 1.0
        """)
    cost = line_by_year_payer(run_file(path, replicates=5), "childcare_slot_subsidy")
    assert cost[(2025, "dongbao")] == pytest.approx(305 * 600 / 2)
    assert cost[(2025, "duodao")] == pytest.approx(331 * 600 / 2)  # 2,547,700 × 13%
    assert cost[(2025, "zhanghe")] == pytest.approx(76 * 600 / 2)  # 2,547,700 × 15% × 20%
    assert cost[(2025, "city")] == pytest.approx((305 + 331 + 76) * 600 / 2)
    # 钟祥市 (33%): 840,741 residents → 840 slots, paid by the county alone.
    assert cost[(2025, "zhongxiang")] == pytest.approx(840 * 600)


def test_allowance_stock_of_recipients_born_before_the_budget_years(write):
    """Clause 13: children born since the policy and before start_year are still paid: 120 third
    births in 东宝区 in 2024 (10 a month) are 120 children × 12 months × 500 in 2025."""
    write("births.csv", override_rows({(2024, "dongbao", 3): [10] * 12}, range(2023, 2029)))
    path = write("s.toml", f"""
        [scenario]
        name = "stock"
        [demography]
        births_override = "births.csv"
        {ALL_ONE}
        [lines.third_child_allowance]
        take_up = 1.0
        """)
    cost = line_by_year_payer(run_file(path, replicates=30), "third_child_allowance")
    paid = {year: cost[(year, "city")] + cost[(year, "dongbao")] for year in (2025, 2026, 2027, 2028)}
    assert paid[2025] == pytest.approx(120 * 12 * 500, rel=0.01)  # child deaths (≈0.5%) aside
    assert paid[2026] == pytest.approx(120 * 12 * 500, rel=0.01)
    assert paid[2027] == pytest.approx(10 * sum(m - 1 for m in range(1, 13)) * 500, rel=0.01)  # 330,000
    assert paid[2028] == 0


def test_art_households_are_paid_the_cap_once_end_to_end(write):
    """Clause 9: 100 households a year start ART in the base year; each spends 25,000 (more
    than the cap) and is reimbursed 10,000 once: ≈ 1,000,000 yuan in 2022, in whole caps."""
    path = write("s.toml", """
        [scenario]
        name = "art"
        start_year = 2022
        policy_start = "2022-01"
        [lines.art_subsidy]
        take_up = 1.0
        households_base_year = 100
        out_of_pocket_mean = 25000
        out_of_pocket_cv = 0.0
        continuation = [0.5, 0.5]
        """)
    result = run_file(path, replicates=40)
    art = result.accrual[:, :, result.line_ids.index("art_subsidy"), :].sum(axis=2)  # [rep, year]
    assert art[:, 0].mean() == pytest.approx(1_000_000, rel=0.05)
    households = art[:, 0] / 10_000
    np.testing.assert_allclose(households, np.round(households), atol=1e-6)  # whole caps, never more
    # The continuing households of 2022 get nothing more in 2023: the cap is used up in year one.
    # 2023's cost is new starters only, again whole caps.
    np.testing.assert_allclose(art[:, 1] / 10_000, np.round(art[:, 1] / 10_000), atol=1e-6)


def test_childcare_follows_children_under_three_when_slots_do_not_bind(write):
    """Clause 11: with slots to spare, subsidised slots = children under 3 × 10% in inclusive
    care; children under 3 at mid-2025 = ½ births 2022 + births 2023 + births 2024 + ½ births 2025."""
    path = write("s.toml", """
        [scenario]
        name = "childcare demand"
        [lines.childcare_slot_subsidy]
        take_up = 1.0
        amount_per_slot = 600
        slots_per_1000 = 1000.0
        inclusive_share = 1.0
        enrolment_rate = 0.1
        """)
    result = run_file(path, replicates=30)
    births = result.births[:, :, 0].sum(axis=2).mean(axis=0)  # 东宝区 by year from 2022
    children = 0.5 * births[0] + births[1] + births[2] + 0.5 * births[3]
    cost = line_by_year_payer(result, "childcare_slot_subsidy")
    assert 2 * cost[(2025, "dongbao")] == pytest.approx(600 * 0.1 * children, rel=0.05)


def test_housing_purchases_follow_the_profile_over_five_years(write):
    """Clause 14: 100 second-child families from 京山 in 2025, all buying in 掇刀区 within five
    years with the default profile 30/25/20/15/10%: ≈ 600,000 yuan in 2025, 500,000 in 2026 …"""
    write("births.csv", override_rows({(2025, "jingshan", 2): [9] * 4 + [8] * 8}, range(2023, 2031)))
    _destination(write, {"jingshan": {"duodao": 1.0}})
    path = write("s.toml", f"""
        [scenario]
        name = "housing profile"
        [demography]
        births_override = "births.csv"
        [data]
        housing_destination = "destination.csv"
        {ALL_ONE}
        [lines.housing_subsidy]
        take_up = 1.0
        purchase_probability = 1.0
        """)
    cost = line_by_year_payer(run_file(path, replicates=100), "housing_subsidy")
    for year, share in zip(range(2025, 2030), (0.30, 0.25, 0.20, 0.15, 0.10), strict=True):
        assert cost[(year, "city")] + cost[(year, "duodao")] == pytest.approx(100 * share * 20_000, rel=0.06)
        assert cost[(year, "jingshan")] == 0
    assert cost[(2030, "city")] == 0
