"""Where in the year a line's figures fall: award recipients counted at mid-year, the income-tax
settlement in its month, and the top-up per birth for a birth at mid-year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REPO, line_by_year_payer, run_file
from tests.default_city import AREAS
from tests.lines.test_other_clauses_and_national_subsidy import _override_case


def test_award_recipients_are_counted_at_mid_year(write):
    """10,000 rural-reward recipients aged 60 in 2022, none entering, one in five dying each year
    from age 60: at the start of 2025, 10,000 × 0.8³ = 5,120 are alive and 1,024 die during the
    year, half a year each on average: 4,608 recipient-years × 960 yuan (year-end: 4,096)."""
    life = pd.read_csv(REPO / "model" / "data" / "life_table.csv")
    life.loc[(life.age >= 60) & (life.age < 100), "q_both"] = 0.2
    write("life.csv", life.to_csv(index=False))
    write("recipients.csv", "scheme,age,recipients\nrural_reward,60,10000\nspecial_disabled,60,0\n"
                            "special_bereaved,60,0\n")
    path = write("s.toml", """
        [scenario]
        name = "awards at mid-year"
        [data]
        family_planning_recipients = "recipients.csv"
        life_table = "life.csv"
        [lines.family_planning_awards]
        enabled = true
        take_up = 1.0
        [lines.family_planning_awards.schemes.rural_reward]
        entrants_per_year = 0
        [lines.family_planning_awards.schemes.special_disabled]
        entrants_per_year = 0
        [lines.family_planning_awards.schemes.special_bereaved]
        entrants_per_year = 0
        """)
    result = run_file(path, replicates=20)
    cost = line_by_year_payer(result, "family_planning_awards")
    for year, alive_at_start in ((2025, 5_120), (2026, 4_096)):
        total = sum(cost[(year, payer)] for payer in result.payer_ids)
        assert total == pytest.approx(alive_at_start * 0.9 * 960, rel=0.015)


def test_income_tax_settlement_falls_in_its_month(write):
    """Every deduction taken at the settlement in December of the next year: each year's cash is the
    year before's accrual (12 births in 2026: 14,400 yuan of tax in 2026, 28,800 in 2027)."""
    path = _override_case(write, "settlement in December", {(2026, "dongbao", 1): [1] * 12}, """
        [lines.iit_deduction_revenue]
        enabled = true
        take_up = 1.0
        taxable_parent_share = 1.0
        marginal_rate = 0.10
        settlement_share = 1.0
        settlement_month = 12
        """, data="no_history", all_one=False)
    result = run_file(path, replicates=3)
    i = result.line_ids.index("iit_deduction_revenue")
    accrual = result.accrual[:, :, i].sum(axis=-1).mean(axis=0)
    cash = result.cash[:, :, i].sum(axis=-1).mean(axis=0)
    years = list(result.calendar.budget_years)
    assert accrual[years.index(2026)] == pytest.approx(14_400)
    assert cash[years.index(2026)] == 0
    assert cash[years.index(2027)] == pytest.approx(14_400)
    assert cash[years.index(2028)] == pytest.approx(accrual[years.index(2027)]) == pytest.approx(28_800)


def test_income_tax_settled_in_january_falls_in_the_next_year(write):
    """The settlement's month counts from January: settled in January, a year's deductions are cash
    in January of the next year (not in December of the same year)."""
    from model.lines import iit_deduction_revenue
    from model.pipeline import prepare
    from model.pipeline.block import block_entitlements
    from model.scenario import load_scenario

    path = write("s.toml", '[scenario]\nname = "january"\n[lines.iit_deduction_revenue]\nenabled = true\n'
                           "settlement_share = 1.0\nsettlement_month = 1\n")
    drawn = block_entitlements(prepare(load_scenario(path, replicates=2)), 0, 2)
    yuan = np.zeros((2, drawn.context.calendar.n_months, len(AREAS)))
    yuan[:, 24:36] = 100.0  # 2024: 1,200 a replicate and area
    cash = iit_deduction_revenue.cash(drawn.context, drawn.realised.lines.iit_deduction_revenue, yuan)
    assert np.flatnonzero(cash[0, :, 0]).tolist() == [36]  # January 2025
    assert cash[:, 36] == pytest.approx(np.full((2, len(AREAS)), 1200.0))


def test_top_up_per_birth_assumes_a_birth_at_mid_year(write):
    """The allowance as a top-up of the national subsidy (300 a month from January 2025): a third
    child born at mid-2024 has its first 6 months in 2024 (500 each) and 30 from 2025 (200 each):
    9,000 yuan; born in 2025: 36 × 200 = 7,200; in 2023: 18 × 500 + 18 × 200 = 12,600."""
    from tests.lines.test_edges_of_the_top_up_and_earlier_families import _per_third_birth

    per_birth = _per_third_birth(write)  # also checks that first and second births get nothing
    for year, expected in ((2023, 12_600), (2024, 9_000), (2025, 7_200)):
        assert per_birth[year] == pytest.approx(expected)


def test_award_entrants_follow_their_yearly_path_and_the_roster_its_scale(write):
    """No deaths before 100; the roster doubled (recipients_scale = 2): 1,000 aged 70 and 500 aged 59
    in 2022 → 3,000 people, the 59-year-olds joining the entrants' age at 60; entrants 100 in 2023,
    200 in 2024, 300 from 2025: 3,600 recipients in 2025 and 3,900 in 2026, at 960 yuan."""
    from tests.lines.test_other_clauses_and_national_subsidy import _immortal_life_table

    write("recipients.csv", "scheme,age,recipients\nrural_reward,70,1000\nrural_reward,59,500\n"
                            "special_disabled,60,0\nspecial_bereaved,60,0\n")
    path = write("s.toml", f"""
        [scenario]
        name = "awards path"
        [data]
        family_planning_recipients = "recipients.csv"
        {_immortal_life_table(write)}
        [lines.family_planning_awards]
        enabled = true
        take_up = 1.0
        recipients_scale = 2.0
        [lines.family_planning_awards.schemes.rural_reward]
        entrants_per_year = {{ values = {{ 2023 = 100, 2024 = 200, 2025 = 300 }}, before = "hold", after = "hold" }}
        [lines.family_planning_awards.schemes.special_disabled]
        entrants_per_year = 0
        [lines.family_planning_awards.schemes.special_bereaved]
        entrants_per_year = 0
        """)
    result = run_file(path, replicates=2)
    cost = line_by_year_payer(result, "family_planning_awards")
    for year, people in ((2025, 3_600), (2026, 3_900)):
        assert sum(cost[(year, payer)] for payer in result.payer_ids) == pytest.approx(people * 960)


@pytest.mark.parametrize("births", [14, 38, 2])
def test_override_rows_without_month_keep_the_mean_birth_month_at_mid_year(write, births):
    """Third births in 京山市 in 2025 given as one yearly row (no `month`): 500 a month from the
    birth month, so evenly spread births get 6.5 months each in 2025. The counts do not divide
    by 12; an even remainder must still give exactly births × 6.5 × 500 (the old split put the
    remainder in January–April: 14 births were paid 93 months, not 91)."""
    path = _override_case(write, "spread", {}, """
        [lines.third_child_allowance]
        take_up = 1.0
        monthly_amount = 500
        months = 36
        """, data="immortal")
    rows = ["year,area,birth_order,births"]
    rows += [f"{year},{area},{order},{births if (year, area, order) == (2025, 'jingshan', 3) else 0}"
             for year in range(2022, 2036) for area in AREAS for order in (1, 2, 3)]
    write("births.csv", "\n".join(rows) + "\n")
    result = run_file(path, replicates=3)
    cost = line_by_year_payer(result, "third_child_allowance")
    first_year = sum(cost[(2025, payer)] for payer in result.payer_ids)
    assert first_year == pytest.approx(births * 6.5 * 500, abs=1e-6)
    assert sum(cost[(2028, payer)] for payer in result.payer_ids) == pytest.approx(births * 5.5 * 500, abs=1e-6)


def test_an_odd_remainder_stays_within_half_a_month_over_the_births_of_mid_year():
    """13 births: one a month and the thirteenth in June; 15: June, May and August (a pair summing to
    mid-year): the mean month is within 0.5 / births of 6.5, exactly 6.5 for an even remainder."""
    from model.overrides import even_months

    assert even_months(13).tolist() == [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1]
    assert even_months(15).tolist() == [1, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1, 1]
    assert even_months(2).tolist() == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    for total in range(0, 60):
        months = even_months(total)
        assert months.sum() == total and months.max() - months.min() <= 1
        if total:
            mean = (months * (np.arange(12) + 1)).sum() / total
            assert abs(mean - 6.5) <= (0.5 / total if total % 2 else 0) + 1e-12, total
