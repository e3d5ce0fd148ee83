"""Input checking: a bad value is refused before any work, in one line naming the file, the
field and what is allowed; never clamped or guessed, and never carried to an inf or NaN figure.

True/false where a number is wanted, two keys that give the same input, values beyond a
finite maximum; each case runs the command line and expects exit 2, one `error:` line with
the words given, and no output folder.
"""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import load_scenario
from tests.conftest import cli

S = '[scenario]\nname = "x"\n'
PRICE_PATH = '[lines.nipt]\nprice = { values = { 2025 = 1000 }, before = "hold", after = "grow", growth = %s }\n'
CENTRE = ('[lines.demonstration_centres]\nenabled = true\n[[lines.demonstration_centres.centres]]\nname = "a"\n'
          'area = "dongbao"\nopens = 2025\nconstruction_subsidy = %s\noperating_subsidy = 1\n')

# (scenario text, extra files, words the one-line message must contain)
CATALOGUE = {
    # true/false is a number to Python: refused wherever the schema wants a number
    "replicates = true": (S + "replicates = true\n", {}, ["s.toml", "scenario.replicates", "expected a number, got true"]),
    "seed = true": (S + "seed = true\n", {}, ["s.toml", "scenario.seed", "expected a number, got true"]),
    "take_up = true": (S + "[lines.nipt]\ntake_up = true\n", {}, ["lines.nipt.take_up", "expected a number, got true"]),
    "whole number = false": (S + "[lines.nipt]\nmonths_before_birth = false\n", {},
                             ["lines.nipt.months_before_birth", "expected a number, got false"]),
    "bool in a distribution": (S + '[lines.nipt]\ntake_up = { dist = "beta", mean = true, sd = 0.05 }\n', {},
                               ["lines.nipt.take_up.mean", "expected a number, got true"]),
    "bool in a year path": (S + '[lines.nipt]\nprice = { values = { 2023 = 800, 2025 = true }, after = "hold" }\n',
                            {}, ["lines.nipt.price.values.2025", "expected a number, got true"]),
    "bool as a path's growth": (S + PRICE_PATH % "true", {}, ["lines.nipt.price.growth", "got true"]),
    "bool as a path's scale": (S + '[lines.nipt]\nprice = { values = { 2023 = 800 }, after = "hold", scale = true }\n',
                               {}, ["lines.nipt.price.scale", "got true"]),
    "bool in a list": (S + "[disbursement.nipt]\napplication_lag = [0.0, true]\n", {},
                       ["disbursement.nipt.application_lag.1", "expected a number, got true"]),
    "bool in a table of amounts": (
        S + "[lines.housing_subsidy]\ncounty_amounts = { jingshan = { second = true, third = 1 } }\n", {},
        ["lines.housing_subsidy.county_amounts.jingshan.second", "expected a number, got true"]),
    "bool in a table of shares": (S + "[cost_sharing.city_share]\ndongbao = true\n", {},
                                  ["cost_sharing.city_share.dongbao", "got true"]),
    "bool as a birth order": (S + "[lines.third_child_allowance]\nbirth_orders = [true]\n", {},
                              ["lines.third_child_allowance.birth_orders.0", "got true"]),
    "bool in a list of centres": (S + CENTRE % "true", {},
                                  ["lines.demonstration_centres.centres.0.construction_subsidy", "got true"]),
    "bool in a parent file": ('[scenario]\nname = "x"\nextends = "parent.toml"\n',
                              {"parent.toml": S + "[eligibility]\ncity_hukou_share = true\n"},
                              ["parent.toml", "eligibility.city_hukou_share", "expected a number, got true"]),
    # two keys for one input: one would be silently dropped
    "two women tables": (S + '[data]\nwomen_by_age = "a.csv"\nwomen_by_area_age = "b.csv"\n', {},
                         ["data.women_by_area_age", "data.women_by_age", "only one women table", "keep"]),
    "growth with no grow rule": (S + '[lines.nipt]\nprice = { values = { 2023 = 800 }, after = "hold", growth = 0.1 }\n',
                                 {}, ["lines.nipt.price", "growth = 0.1 is given but no rule uses it"]),
    # finite maxima: no amount, count or path can carry a figure to inf
    "amount of 1e300 yuan": (S + "[lines.third_child_allowance]\nmonthly_amount = 1e300\n", {},
                             ["lines.third_child_allowance.monthly_amount", "less than or equal to 1000000000"]),
    "amount just above the maximum": (S + "[lines.housing_subsidy]\namount_third_child = 1000000001\n", {},
                                      ["amount_third_child", "less than or equal to 1000000000"]),
    "centre's subsidy of 1e300": (S + CENTRE % "1e300", {},
                                  ["centres.0.construction_subsidy", "less than or equal to 1000000000"]),
    "county amount of 1e12": (S + "[lines.housing_subsidy]\ncounty_amounts = { jingshan = { second = 1e12 } }\n", {},
                              ["county_amounts.jingshan.second", "less than or equal to 1000000000"]),
    "distribution beyond the maximum": (
        S + '[lines.nipt]\nprice = { dist = "uniform", low = 1, high = 1e300 }\n', {},
        ["lines.nipt.price", "reaches 1–1e+300", "[0, 1e+09]"]),
    "residents of 1e300": (S + "[demography]\nresident_population = 1e300\n", {},
                           ["demography.resident_population", "less than or equal to 2000000000"]),
    "pilots of 1e300": (S + "[lines.demonstration_centres]\npilots_per_year = 1e300\n", {},
                        ["lines.demonstration_centres.pilots_per_year", "less than or equal to 2000000000"]),
    "year path growing past the maximum": (S + PRICE_PATH % "5", {},
                                           ["lines.nipt.price", "leaves the valid range [0, 1e+09]", "growth rule"]),
    "growth of 1e300": (S + PRICE_PATH % "1e300", {}, ["lines.nipt.price.growth", "less than or equal to 10"]),
    "normal scale on a bounded amount": (
        S + '[lines.nipt]\nprice = { values = { 2023 = 800 }, after = "hold", '
            'scale = { dist = "normal", mean = 1, sd = 0.1 } }\n', {},
        ["lines.nipt.price", "normal scale has no upper end", "1e+09", "triangular or uniform"]),
    "seed of 2**64": (S + "seed = 18446744073709551616\n", {},
                      ["scenario.seed", "less than 9223372036854775808"]),
}


def _refused(tmp_path, text: str, files: dict[str, str | bytes]) -> str:
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", tmp_path / "s.toml", "--out", out, "--replicates", "3")
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert message.startswith("error:") and "Traceback" not in result.output, message
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not out.exists()
    return message


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_input_diagnostics_catalogue(tmp_path, case):
    text, files, words = CATALOGUE[case]
    message = _refused(tmp_path, text, files)
    for word in words:
        assert word in message, (case, message)


def test_booleans_stay_valid_where_the_schema_wants_one(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(S + "[lines.nipt]\nenabled = false\n[lines.housing_subsidy]\nearlier_births_qualify = true\n"
                    "[lines.national_childcare_subsidy]\nenabled = true\n"
                    "[lines.third_child_allowance]\nnet_of_national_subsidy = true\n"
                    "[disbursement]\nenabled = false\n[output]\nbirths_by_mother_age = true\n", encoding="utf-8")
    scenario = load_scenario(path).scenario
    assert scenario.lines.nipt.enabled is False and scenario.lines.housing_subsidy.earlier_births_qualify is True
    assert scenario.disbursement.enabled is False and scenario.output.births_by_mother_age is True
    # year-path keys arrive from TOML as strings and stay whole-number years
    assert set(scenario.lines.childcare_slot_subsidy.slots_per_1000.values) == {2022, 2025, 2030}


def test_the_file_is_checked_even_where_the_command_line_replaces_a_value(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(S + "replicates = 0\n", encoding="utf-8")
    with pytest.raises(InputError, match="scenario.replicates"):
        load_scenario(path, replicates=3)
    path.write_text(S, encoding="utf-8")
    assert load_scenario(path, replicates=3, seed=2**63 - 1).scenario.scenario.seed == 2**63 - 1
