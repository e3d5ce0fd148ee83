"""Scenarios an analyst can trust: inheritance, validation, uncertainty, behaviour, comparison."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.realise import realise
from model.reference import scenario_reference
from model.rng import Streams
from model.scenario import load_scenario
from tests.conftest import BASELINE, REPO, cli, run_file

SCENARIOS = REPO / "scenarios"
NO_RESPONSE = "[behaviour]\nfertility_response = 0.0\n"


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


def test_extends_cycle_and_missing_parent_are_refused(write):
    write("a.toml", '[scenario]\nname = "a"\nextends = "b.toml"\n')
    b = write("b.toml", '[scenario]\nname = "b"\nextends = "a.toml"\n')
    with pytest.raises(InputError, match="cycle"):
        load_scenario(b)
    lonely = write("c.toml", '[scenario]\nname = "c"\nextends = "nowhere.toml"\n')
    with pytest.raises(InputError, match="parent scenario not found"):
        load_scenario(lonely)


@pytest.mark.parametrize(("text", "field", "expected"), [
    ('[lines.nipt]\ntake_up = { dist = "beta", mea = 0.5, sd = 0.1 }', "lines.nipt.take_up.mea", "did you mean 'mean'"),
    ('[lines.nipt]\ntake_up = { dist = "triangular", low = 0.5, mode = 0.9, high = 1.2 }', "lines.nipt.take_up", "within [0, 1]"),
    ('[lines.nipt]\ntake_up = { dist = "beta", mean = 0.5, sd = 0.6 }', "lines.nipt.take_up", "sd <"),
    ('[lines.nipt]\ntake_up = { values = { 2025 = 0.5 }, aftr = "hold" }', "lines.nipt.take_up.aftr", "did you mean 'after'"),
    ('[lines.nipt]\nprice = "cheap"', "lines.nipt.price", "valid number"),
    ('[behaviour]\nfertility_respons = 0.1', "behaviour.fertility_respons", "did you mean 'fertility_response'"),
    ('[indexation]\nlines = ["allowance"]', "indexation.lines", "unknown line"),
])
def test_bad_values_are_explained(write, text, field, expected):
    path = write("bad.toml", f'[scenario]\nname = "bad"\n{text}\n')
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.field == field and expected in caught.value.message
    assert caught.value.file.endswith("bad.toml")


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


@pytest.mark.parametrize("line", ["nipt", "art_subsidy", "childcare_slot_subsidy", "third_child_allowance",
                                  "housing_subsidy", "maternity_insurance_subsidy"])
def test_higher_take_up_never_lowers_a_line(write, line):
    low = write("low.toml", f'[scenario]\nname = "low"\n{NO_RESPONSE}[lines.{line}]\ntake_up = 0.5\n')
    high = write("high.toml", f'[scenario]\nname = "high"\n{NO_RESPONSE}[lines.{line}]\ntake_up = 0.9\n')
    a, b = run_file(low, replicates=10), run_file(high, replicates=10)
    i = a.line_ids.index(line)
    per_replicate_low, per_replicate_high = a.accrual[:, :, i].sum(axis=2), b.accrual[:, :, i].sum(axis=2)
    assert (per_replicate_high >= per_replicate_low).all()  # inverse-CDF draws: monotone replicate by replicate
    assert per_replicate_high.mean() > per_replicate_low.mean()


def test_doubling_an_amount_doubles_the_line(write):
    once = write("once.toml", f'[scenario]\nname = "once"\n{NO_RESPONSE}')
    twice = write("twice.toml", f'[scenario]\nname = "twice"\n{NO_RESPONSE}'
                                '[lines.third_child_allowance]\nmonthly_amount = 1000\n')
    a, b = run_file(once, replicates=10), run_file(twice, replicates=10)
    i = a.line_ids.index("third_child_allowance")
    np.testing.assert_allclose(b.accrual[:, :, i], 2 * a.accrual[:, :, i], rtol=1e-12)
    others = [j for j in range(len(a.line_ids)) if j != i]
    assert np.array_equal(a.accrual[:, :, others], b.accrual[:, :, others])


def test_take_up_ramp_is_applied_by_year(write):
    ramp = write("ramp.toml", f"""
        [scenario]
        name = "ramp"
        {NO_RESPONSE}
        [lines.third_child_allowance]
        take_up = {{ values = {{ 2023 = 0.5, 2027 = 1.0 }}, after = "hold" }}
        """)
    full = write("full.toml", f'[scenario]\nname = "full"\n{NO_RESPONSE}[lines.third_child_allowance]\ntake_up = 1.0\n')
    a, b = run_file(ramp, replicates=20), run_file(full, replicates=20)
    i = a.line_ids.index("third_child_allowance")
    ratio = a.accrual[:, :, i].sum(axis=(0, 2)) / b.accrual[:, :, i].sum(axis=(0, 2))  # by budget year
    # 2025 pays children born 2023 (12 months, claimed at 50%), 2024 (12 months, 62.5%) and
    # 2025 (6.5 months on average, 75%): (0.5·12 + 0.625·12 + 0.75·6.5) / 30.5 ≈ 0.60.
    assert ratio[0] == pytest.approx((0.5 * 12 + 0.625 * 12 + 0.75 * 6.5) / 30.5, abs=0.03)
    assert ratio[-1] == pytest.approx(1.0)  # 2035: children born 2033-35 claimed at 100%


def test_indexation_raises_amounts_with_prices(write):
    plain = write("plain.toml", f'[scenario]\nname = "plain"\n{NO_RESPONSE}')
    indexed = write("indexed.toml", f'[scenario]\nname = "indexed"\n{NO_RESPONSE}'
                                    '[indexation]\ncpi = 0.02\nfrom_year = 2025\nlines = ["housing_subsidy"]\n')
    a, b = run_file(plain, replicates=5), run_file(indexed, replicates=5)
    i = a.line_ids.index("housing_subsidy")
    ratio = b.accrual[:, :, i].sum(axis=(0, 2)) / a.accrual[:, :, i].sum(axis=(0, 2))
    np.testing.assert_allclose(ratio, 1.02 ** np.arange(11), rtol=1e-12)


def test_response_induces_births_and_none_without_it(tmp_path):
    for name in ("baseline", "no_response"):
        assert cli("run", SCENARIOS / f"{name}.toml", "--out", tmp_path / name, "--replicates", "20",
                   "--quiet").exit_code == 0
    with_response = pd.read_csv(tmp_path / "baseline" / "impact.csv")
    without = pd.read_csv(tmp_path / "no_response" / "impact.csv")
    induced = without[without.measure == "induced_births"]
    assert (induced[["mean", "p05", "p50", "p95"]] == 0).all().all()
    assert without[without.measure == "deadweight_share"]["mean"].eq(1).all()  # every yuan goes to births anyway
    assert with_response[with_response.measure == "induced_births"]["mean"].gt(0).all()
    total = with_response[(with_response.measure == "cost_per_induced_birth") & (with_response.year == "all")]
    assert total["mean"].iloc[0] > 0
    births_with = pd.read_csv(tmp_path / "baseline" / "births_total.csv").set_index("year")["mean"]
    births_without = pd.read_csv(tmp_path / "no_response" / "births_total.csv").set_index("year")["mean"]
    assert births_with.loc[2022] == births_without.loc[2022]  # nothing before the policy
    assert (births_with.loc[2026:] > births_without.loc[2026:]).all()
    manifest = json.loads((tmp_path / "baseline" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["behaviour"]["fertility_response"]["dist"] == "triangular"


def test_shipped_scenarios_order_low_base_high(tmp_path):
    totals = {}
    for name in ("low_uptake", "baseline", "high_uptake"):
        result = run_file(SCENARIOS / f"{name}.toml", replicates=30)
        totals[name] = result.accrual.sum(axis=(1, 2, 3)).mean()
    assert totals["low_uptake"] < totals["baseline"] < totals["high_uptake"]


def test_every_shipped_scenario_says_what_it_answers():
    for path in sorted(SCENARIOS.glob("*.toml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and ("?" in path.read_text(encoding="utf-8").split("[scenario]")[0]), path.name
        assert cli("validate", path).exit_code == 0, path.name


def test_compare_with_common_random_numbers(tmp_path, write):
    plus = write("plus.toml", f'[scenario]\nname = "plus"\nextends = "{BASELINE}"\n'
                              '[lines.third_child_allowance]\nmonthly_amount = 505\n')
    for name, path in (("a", BASELINE), ("a2", BASELINE), ("b", plus)):
        assert cli("run", path, "--out", tmp_path / name, "--replicates", "40", "--quiet").exit_code == 0
    same = cli("compare", tmp_path / "a", tmp_path / "a2", "--out", tmp_path / "same.csv")
    assert same.exit_code == 0 and "No scenario key differs" in same.output
    table = pd.read_csv(tmp_path / "same.csv")
    assert (table[["difference", "difference_p05", "difference_p95"]] == 0).all().all()
    result = cli("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "plus.csv")
    assert result.exit_code == 0 and "lines.third_child_allowance.monthly_amount: 500.0 → 505.0" in result.output
    table = pd.read_csv(tmp_path / "plus.csv")
    period = table[(table.line == "all") & (table.payer == "all")]
    difference = period.difference.sum()
    assert difference > 0
    # Paired by replicate, the difference is positive in every year's 5-95% range, and that range
    # is tiny next to the range of one run's total (what two independent runs would differ by).
    assert (period.difference_p05 > 0).all()
    own = pd.read_csv(tmp_path / "a" / "budget.csv")
    own = own[(own.basis == "accrual") & (own.line == "all") & (own.payer == "all")].set_index("year")
    width = (period.difference_p95 - period.difference_p05).to_numpy()
    assert (width < 0.05 * (own.p95 - own.p05).to_numpy()).all()
