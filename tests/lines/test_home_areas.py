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


@pytest.mark.parametrize(("body", "message"), [
    ('home_areas = ["nowhere"]', "lines.housing_subsidy.home_areas: unknown area 'nowhere'"),
    ('home_areas = ["jingshan"]\ncounty_amounts = { jingshan = { second = 1000 } }',
     "'jingshan' is not an area outside the home areas"),
])
def test_home_areas_written_wrong_are_refused(write, body, message) -> None:
    path = write("s.toml", f'[scenario]\nname = "bad"\n[lines.housing_subsidy]\n{body}\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert message in error.value.describe() and error.value.file == str(path)
