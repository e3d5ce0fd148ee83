"""Scenario files: inheritance through `extends`, the resolved view, the reference generated from
the schema, and each replicate's own parameter draws."""

from __future__ import annotations

import numpy as np
import pytest

from model.realise import realise
from model.reference import scenario_reference
from model.rng import Streams
from model.scenario import load_scenario
from tests.conftest import REPO, cash_benefit_header, cli, run_file

SCENARIOS = REPO / "scenarios"


def test_extends_chain_overrides_only_what_the_child_sets(write):
    write("grandparent.toml", """
        [scenario]
        name = "grandparent"
        [lines.nipt]
        price = 900
        take_up = 0.7
        """)
    write("parent.toml", """
        [scenario]
        name = "parent"
        extends = "grandparent.toml"
        [lines.nipt]
        take_up = 0.8
        """)
    child = write("child.toml", """
        [scenario]
        name = "child"
        extends = "parent.toml"
        replicates = 7
        """)
    loaded = load_scenario(child)
    nipt = loaded.scenario.lines.nipt
    assert (nipt.price, nipt.take_up, loaded.scenario.scenario.replicates) == (900, 0.8, 7)
    assert loaded.origin["lines.nipt.price"].endswith("grandparent.toml")
    assert loaded.origin["lines.nipt.take_up"].endswith("parent.toml")
    assert loaded.scenario.lines.housing_subsidy.amount_second_child == 20_000  # from the defaults


def test_validate_shows_the_resolved_scenario():
    result = cli("validate", SCENARIOS / "low_uptake.toml", "--show")
    assert result.exit_code == 0, result.output
    assert '"triangular"' in result.output and "low_uptake.toml" in result.output and "valid" in result.output


def test_scenario_reference_is_generated_from_the_schema():
    committed = (REPO / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == scenario_reference(), "run: birthbudget reference --out docs/scenario-reference.md"
    for key in ("lines.third_child_allowance.monthly_amount", "behaviour.fertility_response", "indexation.cpi"):
        assert f"`{key}`" in committed


def test_each_replicate_draws_its_own_parameter_values(write):
    path = write("draws.toml", """
        [scenario]
        name = "draws"
        [lines.nipt]
        price = { dist = "uniform", low = 600, high = 1500 }
        take_up = { dist = "beta", mean = 0.75, sd = 0.05 }
        [demography]
        population_growth = { dist = "normal", mean = -0.009, sd = 0.01 }
        """)
    scenario = load_scenario(path).scenario
    drawn = realise(scenario, Streams(1, 0), 20_000)
    price, take_up = drawn.lines.nipt.price, drawn.lines.nipt.take_up
    assert price.min() >= 600 and price.max() <= 1500
    assert price.mean() == pytest.approx(1050, rel=0.01) and price.std() == pytest.approx(900 / 12**0.5, rel=0.02)
    assert take_up.mean() == pytest.approx(0.75, abs=0.002) and take_up.std() == pytest.approx(0.05, rel=0.03)
    growth = drawn.demography.population_growth
    assert growth.mean() == pytest.approx(-0.009, abs=0.0005) and growth.min() >= -0.5


def test_fixed_distribution_equals_the_plain_number(write):
    plain = write("plain.toml", '[scenario]\nname = "plain"\n[lines.nipt]\nprice = 900\n')
    fixed = write("fixed.toml", '[scenario]\nname = "fixed"\n[lines.nipt]\nprice = { dist = "fixed", value = 900 }\n')
    a, b = run_file(plain, replicates=10), run_file(fixed, replicates=10)
    assert np.array_equal(a.accrual, b.accrual)


def test_a_child_replaces_a_table_of_values_whole_and_merges_a_measure_s_timing(write):
    """A child's county_amounts replaces the parent's table (it is one value: the counties that have
    amounts of their own); a child's [measures.<id>.timing] changes only the keys it gives."""
    write("parent.toml", '[scenario]\nname = "parent"\n[lines.housing_subsidy]\n'
                         "county_amounts = { jingshan = { second = 1000, third = 2000 } }\n" + cash_benefit_header("g")
                         + 'schedule = [{ orders = [1], every = "once", from_age = 0, amount = 1000 }]\n' + """
        [measures.g.timing]
        application_lag = [0.5, 0.5]
        rejection_share = 0.1
        payment = "monthly"
        """)
    child = write("child.toml", """
        [scenario]
        name = "child"
        extends = "parent.toml"
        [lines.housing_subsidy]
        county_amounts = { zhongxiang = { third = 3000 } }
        [measures.g.timing]
        payment = "quarterly"
        """)
    scenario = load_scenario(child).scenario
    assert scenario.lines.housing_subsidy.county_amounts == {"zhongxiang": {"third": 3000}}
    timing = scenario.measures["g"].timing
    assert (timing.application_lag, timing.rejection_share, timing.payment) == ([0.5, 0.5], 0.1, "quarterly")
