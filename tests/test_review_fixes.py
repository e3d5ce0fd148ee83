"""Cases found in review: bad numbers refused, errors from workers, chains, impact ratios."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.scenario import load_scenario
from tests.conftest import BASELINE, REPO, cli, run_file


@pytest.mark.parametrize("text", [
    "[lines.nipt]\nprice = inf", "[lines.nipt]\nprice = nan",
    '[lines.nipt]\nprice = { dist = "fixed", value = nan }',
    '[lines.nipt]\nprice = { dist = "uniform", low = 600, high = inf }',
    '[lines.nipt]\nprice = { dist = "beta", mean = 0.5, sd = 0.1 }',  # beta suits shares only
])
def test_infinite_nan_and_beta_on_money_are_refused(write, text):
    path = write("bad.toml", f'[scenario]\nname = "bad"\n{text}\n')
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.field.startswith("lines.nipt.price")


def test_a_grown_path_that_leaves_its_range_is_refused(tmp_path, write):
    path = write("grow.toml", '[scenario]\nname = "grow"\n[lines.nipt]\n'
                              'take_up = { values = { 2023 = 0.5 }, after = "grow", growth = 0.2 }\n')
    result = cli("run", path, "--out", tmp_path / "o", "--replicates", "3")
    assert result.exit_code == 2 and "lines.nipt.take_up" in result.output and "valid range" in result.output


def test_input_errors_survive_the_process_pool(tmp_path, write):
    error = pickle.loads(pickle.dumps(InputError("f.toml", "a.b", "bad")))
    assert (error.file, error.field, error.message) == ("f.toml", "a.b", "bad")
    path = write("cpi.toml", '[scenario]\nname = "cpi"\n[indexation]\n'
                             'cpi = { values = { 2030 = 0.02 }, after = "hold" }\nlines = ["nipt"]\n')
    result = cli("run", path, "--out", tmp_path / "o", "--replicates", "120", "--workers", "2")
    assert result.exit_code == 2 and "indexation.cpi" in result.output and "Traceback" not in result.output


def test_cross_field_errors_name_the_parent_file(write):
    write("parent.toml", '[scenario]\nname = "parent"\nend_year = 2024\n')
    child = write("child.toml", '[scenario]\nname = "child"\nextends = "parent.toml"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert caught.value.file.endswith("parent.toml") and caught.value.field == "scenario.end_year"


def test_cost_per_induced_birth_mean_is_the_ratio_of_means(tmp_path):
    out = tmp_path / "run"
    assert cli("run", BASELINE, "--out", out, "--replicates", "40", "--quiet").exit_code == 0
    impact = pd.read_csv(out / "impact.csv")
    budget = pd.read_csv(out / "budget.csv")
    total = budget[(budget.basis == "accrual") & (budget.line == "all") & (budget.payer == "all")]["mean"].sum()
    induced = impact[(impact.measure == "induced_births") & (impact.year == "all")]["mean"].iloc[0]
    cost = impact[(impact.measure == "cost_per_induced_birth") & (impact.year == "all")]["mean"].iloc[0]
    assert cost == pytest.approx(total / induced, rel=1e-3)


def test_earlier_families_are_not_induced_births(write):
    plain = write("a.toml", f'[scenario]\nname = "a"\nextends = "{BASELINE}"\n')
    earlier = write("b.toml", f'[scenario]\nname = "b"\nextends = "{BASELINE}"\n'
                              "[lines.housing_subsidy]\nearlier_births_qualify = true\n")
    a, b = run_file(plain, replicates=10), run_file(earlier, replicates=10)
    assert b.accrual.sum() > a.accrual.sum()  # the families with pre-policy births are paid …
    np.testing.assert_allclose(b.impact["spending_on_induced_births"],  # … but none is an induced birth
                               a.impact["spending_on_induced_births"])


def test_art_distributions_stay_small(write):
    path = write("art.toml", '[scenario]\nname = "art"\n[lines.art_subsidy]\n'
                             'out_of_pocket_mean = { dist = "triangular", low = 15000, mode = 25000, high = 35000 }\n'
                             "continuation = [0.4, 0.3, 0.2, 0.1]\n")
    result = run_file(path, replicates=10)
    assert np.isfinite(result.accrual).all() and result.accrual.sum() > 0


def test_validate_on_a_folder_is_a_clear_error(tmp_path):
    result = cli("validate", tmp_path)
    assert result.exit_code == 2 and "this is a folder" in result.output


def test_indexed_scenario_uses_a_cpi_path():
    scenario = load_scenario(REPO / "scenarios" / "indexed_to_cpi.toml").scenario
    assert scenario.indexation.lines and not isinstance(scenario.indexation.cpi, float)
