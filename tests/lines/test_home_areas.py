"""Where a home qualifies for the home-purchase subsidy is data: `home_areas` (default: the
city's districts), so a city without districts, or with other rules, is written without code."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import load_scenario
from tests.conftest import line_by_year_payer, run_file
from tests.default_city import DISTRICTS


def test_the_subsidy_arises_only_where_a_home_qualifies(write) -> None:
    path = write("s.toml", """
        [scenario]
        name = "homes in one county"

        [lines.housing_subsidy]
        home_areas = ["jingshan"]
        """)
    default = run_file(write("d.toml", '[scenario]\nname = "default"\n'), replicates=20)
    moved = run_file(path, replicates=20)
    cost = line_by_year_payer(moved, "housing_subsidy")
    assert sum(cost.values()) > 0
    # only 京山市 pays (a county bears its own costs in full); no district pays any more
    assert {payer for (_, payer), value in cost.items() if value > 0} == {"jingshan"}
    assert all(line_by_year_payer(default, "housing_subsidy")[(2030, area)] > 0 for area in DISTRICTS)


ALL_AREAS = "dongbao, duodao, zhanghe, jingshan, zhongxiang, shayang, qujialing"


@pytest.mark.parametrize(("body", "message"), [
    ('home_areas = ["nowhere"]', f"lines.housing_subsidy.home_areas: unknown area 'nowhere'; areas are {ALL_AREAS}"),
    ('home_areas = ["jingshan"]\ncounty_amounts = { jingshan = { second = 1000 } }',
     "lines.housing_subsidy.county_amounts: 'jingshan' is not an area outside the home areas; county_amounts takes "
     "dongbao, duodao, zhanghe, zhongxiang, shayang, qujialing"),
    (f'home_areas = ["{ALL_AREAS.replace(", ", chr(34) + ", " + chr(34))}"]\ncounty_amounts = {{ shayang = {{ third = 1 }} }}',
     "lines.housing_subsidy.county_amounts: 'shayang' is not an area outside the home areas; county_amounts takes "
     "no area"),
    ('[[lines.demonstration_centres.centres]]\nname = "x"\narea = "nowhere"\nopens = 2025\nconstruction_subsidy = 1\n'
     "operating_subsidy = 1", f"lines.demonstration_centres.centres.0.area: unknown area 'nowhere'; areas are {ALL_AREAS}"),
])
def test_home_areas_written_wrong_are_refused(write, body, message) -> None:
    path = write("s.toml", f'[scenario]\nname = "bad"\n[lines.housing_subsidy]\n{body}\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert message in error.value.describe() and error.value.file == str(path)


@pytest.mark.parametrize("uncertain", ["amount_second_child", "amount_third_child"])
def test_uncertain_amounts_are_drawn_per_replicate_for_each_home_area(write, uncertain) -> None:
    """An amount given as a distribution (the other a number): each replicate pays its own draw in
    every home area, and the counties without amounts of their own nothing."""
    import numpy as np

    from model.lines.housing_subsidy import amount_by_home_area
    from model.pipeline import prepare
    from model.pipeline.block import block_entitlements
    from tests.default_city import AREA_INDEX, AREAS

    path = write("s.toml", '[scenario]\nname = "uncertain homes"\n[lines.housing_subsidy]\n'
                           f'{uncertain} = {{ dist = "uniform", low = 10000, high = 50000 }}\n')
    drawn = block_entitlements(prepare(load_scenario(path, replicates=4)), 0, 4)
    line = drawn.realised.lines.housing_subsidy
    amounts = amount_by_home_area(line, drawn.realised.city)
    given = [np.broadcast_to(line.amount_second_child, 4), np.broadcast_to(line.amount_third_child, 4)]
    assert amounts.shape == (4, 2, len(AREAS)) and len(set(given[uncertain == "amount_third_child"])) == 4
    for area in DISTRICTS:
        assert amounts[:, 0, AREA_INDEX[area]] == pytest.approx(given[0])
        assert amounts[:, 1, AREA_INDEX[area]] == pytest.approx(given[1])
    assert (amounts[:, :, AREA_INDEX["jingshan"]] == 0).all()


def test_an_area_outside_the_home_areas_pays_its_own_amounts_or_nothing(write) -> None:
    """Counties with amounts of their own: 京山市 pays 1,000 for a second child and, giving none for
    a third, nothing; 钟祥市 pays 3,000 for a third child only; 沙洋县, with none, nothing."""
    from model.lines.housing_subsidy import amount_by_home_area
    from tests.default_city import AREA_INDEX

    loaded = load_scenario(write("s.toml", '[scenario]\nname = "county amounts"\n[lines.housing_subsidy]\n'
                                           "county_amounts = { jingshan = { second = 1000 }, "
                                           "zhongxiang = { third = 3000 } }\n"))
    amounts = amount_by_home_area(loaded.scenario.lines.housing_subsidy, loaded.scenario.city)
    assert amounts[0, :, AREA_INDEX["jingshan"]].tolist() == [1000.0, 0.0]
    assert amounts[0, :, AREA_INDEX["zhongxiang"]].tolist() == [0.0, 3000.0]
    assert amounts[0, :, AREA_INDEX["shayang"]].tolist() == [0.0, 0.0]
    assert amounts[0, :, AREA_INDEX["dongbao"]].tolist() == [20000.0, 40000.0]  # a district: the plan's amounts


HOME_MEASURE = """[measures.home]
kind = "home_purchase"
enabled = true
name_zh = "购房补贴"
name_en = "home subsidy"
clause = "test"
source = "test"
take_up = 1.0
births_from = "2025-01-01"
amount_second_child = 10000
amount_third_child = 20000
purchase_probability = 0.5
purchase_profile = [1.0]
"""


@pytest.mark.parametrize(("extra", "field", "message"), [
    ('home_areas = ["nowhere"]', "measures.home.home_areas", "unknown area 'nowhere'"),
    ('births_until = "2024-12-31"', "measures.home.births_until", "2024-12-31 is not after births_from (2025-01-01)"),
    ("earlier_births_qualify = true", "measures.home.earlier_births_qualify",
     "a measure's families qualify by births_from and births_until"),
    ('births_from = "2025-02-30"', "measures.home.births_from", "2025-02-30 is not a day of the calendar"),
])
def test_a_home_purchase_measure_written_wrong_is_refused(write, extra, field, message) -> None:
    text = HOME_MEASURE.replace('births_from = "2025-01-01"\n', "") if extra.startswith("births_from") else HOME_MEASURE
    path = write("s.toml", f'[scenario]\nname = "bad"\n{text}{extra}\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert error.value.field == field and message in error.value.message and error.value.file == str(path)


def test_the_kind_is_used_twice_under_its_own_ids_and_the_plans_line_is_unchanged(write) -> None:
    """Two home-purchase measures (second and third children apart) beside the plan's line: each is
    its own line with its own names and streams, and the plan's line prices as it does alone (no
    fertility response, which the measures' worth per birth would move)."""
    second = HOME_MEASURE.replace("[measures.home]", "[measures.home_second]").replace(
        "amount_third_child = 20000", "amount_third_child = 0")
    third = HOME_MEASURE.replace("[measures.home]", "[measures.home_third]").replace(
        "amount_second_child = 10000", "amount_second_child = 0").replace('name_zh = "购房补贴"', 'name_zh = "三孩购房补贴"')
    still = "[behaviour]\nfertility_response = 0.0\n"
    both = run_file(write("b.toml", f'[scenario]\nname = "both"\n{still}{second}{third}'), replicates=20)
    alone = run_file(write("a.toml", f'[scenario]\nname = "alone"\n{still}'), replicates=20)
    assert {"home_second", "home_third", "housing_subsidy"} <= set(both.line_ids)
    for line in ("home_second", "home_third"):
        assert sum(line_by_year_payer(both, line).values()) > 0, line
    assert line_by_year_payer(both, "housing_subsidy") == line_by_year_payer(alone, "housing_subsidy")
