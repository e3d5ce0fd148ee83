"""Bad scenario files are refused before any work, naming the file (the parent where the value
is set there) and the field: unknown keys, values out of range, inf, NaN and beta on money, year
paths without a rule or leaving their range, extends cycles and missing parents, a folder given as
the scenario, bad settings of the further lines; an input error survives the process pool."""

from __future__ import annotations

import pickle

import pytest

from model.errors import InputError
from model.scenario import load_scenario
from tests.conftest import cli


def _refused(tmp_path, *args):
    out = tmp_path / "never"
    result = cli("run", *args, "--out", out, "--replicates", "3")
    assert result.exit_code == 2, result.output
    assert not out.exists(), "no output folder may be left behind"
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


def test_unknown_key_is_refused_with_a_suggestion(tmp_path, write):
    path = write("typo.toml", """
        [scenario]
        name = "typo"
        [lines.third_child_allowance]
        monthly_amont = 600
        """)
    message = _refused(tmp_path, path)
    assert "typo.toml" in message and "lines.third_child_allowance.monthly_amont" in message
    assert "did you mean 'monthly_amount'" in message


def test_take_up_outside_zero_one_is_refused(tmp_path, write):
    path = write("bad.toml", """
        [scenario]
        name = "bad"
        [lines.housing_subsidy]
        take_up = 1.5
        """)
    message = _refused(tmp_path, path)
    assert "bad.toml" in message and "lines.housing_subsidy.take_up" in message and "1" in message


def test_override_with_unknown_area_is_refused(tmp_path, write):
    write("births.csv", "year,area,birth_order,births\n2025,wuhan,3,10\n")
    path = write("s.toml", """
        [scenario]
        name = "override"
        [demography]
        births_override = "births.csv"
        """)
    message = _refused(tmp_path, path)
    assert "births.csv" in message and "'area'" in message and "wuhan" in message and "dongbao" in message


def test_bad_value_in_a_parent_names_the_parent(tmp_path, write):
    write("parent.toml", """
        [scenario]
        name = "parent"
        [eligibility]
        city_hukou_share = 2
        """)
    child = write("child.toml", """
        [scenario]
        name = "child"
        extends = "parent.toml"
        """)
    message = _refused(tmp_path, child)
    assert "parent.toml" in message and "eligibility.city_hukou_share" in message


def test_year_path_without_a_rule_for_early_years_is_refused(tmp_path, write):
    path = write("path.toml", """
        [scenario]
        name = "path"
        [lines.childcare_slot_subsidy]
        slots_per_1000 = { values = { 2025 = 4.5 }, after = "hold" }
        """)
    message = _refused(tmp_path, path)
    assert "slots_per_1000" in message and "2023" in message and "before" in message  # needed from the policy start


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


def test_cross_field_errors_name_the_parent_file(write):
    write("parent.toml", '[scenario]\nname = "parent"\nend_year = 2024\n')
    child = write("child.toml", '[scenario]\nname = "child"\nextends = "parent.toml"\n')
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert caught.value.file.endswith("parent.toml") and caught.value.field == "scenario.end_year"


def test_input_errors_survive_the_process_pool(tmp_path, write):
    error = pickle.loads(pickle.dumps(InputError("f.toml", "a.b", "bad")))
    assert (error.file, error.field, error.message) == ("f.toml", "a.b", "bad")
    path = write("cpi.toml", '[scenario]\nname = "cpi"\n[indexation]\n'
                             'cpi = { values = { 2030 = 0.02 }, after = "hold" }\nlines = ["nipt"]\n')
    result = cli("run", path, "--out", tmp_path / "o", "--replicates", "120", "--workers", "2")
    assert result.exit_code == 2 and "indexation.cpi" in result.output and "Traceback" not in result.output


def test_validate_on_a_folder_is_a_clear_error(tmp_path):
    result = cli("validate", tmp_path)
    assert result.exit_code == 2 and "this is a folder" in result.output


def test_bad_inputs_of_the_new_lines_are_refused_before_work(write):
    write("two_years.csv", "year,births,status\n2020,15000,x\n2021,13000,x\n")
    early = write("early.toml", """
        [scenario]
        name = "early national start"
        [data]
        births_history = "two_years.csv"
        [lines.childcare_slot_subsidy]
        enabled = false
        [lines.national_childcare_subsidy]
        enabled = true
        start = "2021-06"
        """)
    result = cli("run", early, "--out", early.parent / "out1")
    assert result.exit_code != 0
    assert "two_years.csv" in result.output and "needs births for 2019" in " ".join(result.output.split())
    write("history.csv", "year,births,status\n2019,18000,x\n2020,15000,x\n2021,13000,x\n")
    short = write("short.toml", """
        [scenario]
        name = "short history"
        [data]
        births_history = "history.csv"
        [lines.fee_waivers]
        enabled = true
        """)
    result = cli("run", short, "--out", short.parent / "out2")
    assert result.exit_code != 0 and "history.csv" in result.output and "2018" in result.output
    bad = write("bad.toml", """
        [scenario]
        name = "bad centre"
        [[lines.demonstration_centres.centres]]
        name = "nowhere"
        area = "wuhan"
        opens = 2026
        construction_subsidy = 1
        operating_subsidy = 1
        """)
    result = cli("validate", bad)
    assert result.exit_code != 0 and "area" in result.output and "dongbao" in result.output
    assert not (early.parent / "out1").exists() and not (short.parent / "out2").exists()
