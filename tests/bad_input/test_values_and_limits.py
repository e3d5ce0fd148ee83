"""Input checking: a bad value is refused before any work, in one line naming the file, the
field and what is allowed; never clamped or guessed, and never carried to an inf or NaN figure.

True/false where a number is wanted, two keys that give the same input, values beyond a
finite maximum, and data tables that cannot work together (the table at fault is named);
each case runs the command line and expects exit 2, one `error:` line with the words
given, and no output folder. A scenario at the highest allowed values runs and writes
finite numbers only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.input_tables import Column, TableSpec, read_table
from model.scenario import load_scenario
from tests.conftest import REPO, cli
from tests.default_city import AREAS

DATA = REPO / "model" / "data"

S = '[scenario]\nname = "x"\n'
PRICE_PATH = '[lines.nipt]\nprice = { values = { 2025 = 1000 }, before = "hold", after = "grow", growth = %s }\n'
CENTRE = ('[lines.demonstration_centres]\nenabled = true\n[[lines.demonstration_centres.centres]]\nname = "a"\n'
          'area = "dongbao"\nopens = 2025\nconstruction_subsidy = %s\noperating_subsidy = 1\n')



def _table(name: str, change) -> str:  # noqa: ANN001 - a function of the default table
    return change(pd.read_csv(DATA / name)).to_csv(index=False)


def _childless(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(parity0=1.0, parity1=0.0, parity2=0.0, parity3=0.0)


def _no_mothers_of_three(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(parity0=frame.parity0 + frame.parity3, parity3=0.0)


def _q_at_30(q: float):  # noqa: ANN202
    return lambda frame: frame.assign(q_female=np.where(frame.age == 30, q, frame.q_female))


def _override(births: str) -> str:
    return f"year,area,birth_order,births\n2025,dongbao,1,{births}\n2025,dongbao,2,400\n2025,dongbao,3,60\n"


OVERRIDE = S + '[demography]\nbirths_override = "b.csv"\n'
WOMEN_BY_AREA = "area,age,women\n" + "".join(f"{a},{age},0\n" for a in AREAS for age in range(50))

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
    "override of 1e9 births in a row": (OVERRIDE, {"b.csv": _override("1000000000")},
                                        ["b.csv", "line 2, column 'births'", "at most 10000000"]),
    "override beyond int64": (OVERRIDE, {"b.csv": _override("9223372036854775808")},
                              ["b.csv", "column 'births'", "at most 10000000"]),
    "override below int64": (OVERRIDE, {"b.csv": _override("-9223372036854775809")},
                             ["b.csv", "column 'births'", "at least 0"]),
    "women of 1e300": (S + '[data]\nwomen_by_age = "w.csv"\n', {"w.csv": _table("women_by_age.csv", lambda f: f.assign(
        women=1e300))}, ["w.csv", "column 'women'", "at most 2000000000"]),
    "base-year births of 1e300": (S + '[data]\nbase_year_births = "y.csv"\n', {"y.csv": _table(
        "base_year_births.csv", lambda f: f.assign(births=1e300))}, ["y.csv", "column 'births'", "at most 10000000"]),
    # the table at fault is named
    "every woman childless": (S + '[data]\nparity_by_age = "p.csv"\n', {"p.csv": _table("parity_by_age.csv", _childless)},
                              ["p.csv", "column 'parity0'", "childless", "second", "third", "base_year_births.csv",
                               "cannot be matched"]),
    "no mother of three at any age": (
        S + '[data]\nparity_by_age = "p.csv"\n', {"p.csv": _table("parity_by_age.csv", _no_mothers_of_three)},
        ["p.csv", "column 'parity3'", "fourth and later", "higher_order_share_of_third_plus"]),
    "women table of zeros": (S + '[data]\nwomen_by_age = "w.csv"\n', {"w.csv": _table(
        "women_by_age.csv", lambda f: f.assign(women=0.0))}, ["w.csv", "column 'women'", "no women aged 15-49"]),
    "women by area of zeros": (S + '[data]\nwomen_by_area_age = "w.csv"\n', {"w.csv": WOMEN_BY_AREA},
                               ["w.csv", "column 'women'", "no women aged 15-49"]),
    "women only under 15": (S + '[data]\nwomen_by_age = "w.csv"\n', {"w.csv": _table(
        "women_by_age.csv", lambda f: f.assign(women=np.where(f.age < 15, f.women, 0.0)))},
        ["w.csv", "no women aged 15-49", "aged 0-14"]),
    "life table q = 1": (S + '[data]\nlife_table = "l.csv"\n', {"l.csv": _table("life_table.csv", _q_at_30(1.0))},
                         ["l.csv", "age 30, column 'q_female'", "every woman of that age would die every year"]),
    "deaths plus out-migration": (S + '[data]\nlife_table = "l.csv"\n', {"l.csv": _table("life_table.csv",
                                                                                      _q_at_30(0.999))},
                                  ["net_migration.csv", "l.csv", "age 30", "deaths", "out-migration", "> 1"]),
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


def test_whole_numbers_beyond_int64_are_refused_in_any_column(tmp_path):
    """pandas reads them as uint64 or float; cast to int64 they would wrap to wrong counts."""
    spec = TableSpec("test", {"n": Column("int")})
    path = tmp_path / "t.csv"
    for cell in ("9223372036854775808", "18446744073709551616", "99999999999999999999999", "-9223372036854775809"):
        path.write_text(f"n\n1\n{cell}\n", encoding="utf-8")
        with pytest.raises(InputError, match="line 3, column 'n'.*out of range.*9223372036854775807"):
            read_table(path, spec)
    path.write_text("n\n-9223372036854775808\n9223372036854775807\n", encoding="utf-8")
    assert read_table(path, spec).n.tolist() == [-(2**63), 2**63 - 1]


MAXIMA = """
[scenario]
name = "highest allowed values"
extends = "FULL_PLAN"
seed = 9223372036854775807
[demography]
births_override = "b.csv"
resident_population = 2e9
[data]
women_by_age = "w.csv"
[behaviour]
fertility_response = 1
[indexation]
cpi = 0.5
lines = ["nipt", "third_child_allowance", "housing_subsidy"]
[lines.nipt]
price = 1e9
[lines.art_subsidy]
cap_per_household = 1e9
out_of_pocket_mean = 1e9
households_base_year = 1e9
[lines.childcare_slot_subsidy]
amount_per_slot = 1e9
slots_per_1000 = 1000
[lines.third_child_allowance]
monthly_amount = { values = { 2023 = 1e8, 2030 = 1e9 }, after = "hold" }
months = 60
[lines.housing_subsidy]
amount_second_child = 1e9
amount_third_child = 1e9
county_amounts = { jingshan = { second = 1e9, third = 1e9 } }
[lines.maternity_insurance_subsidy]
contribution_base = { values = { 2025 = 1e8 }, before = "grow", after = "grow", growth = 0.23 }
[lines.national_childcare_subsidy]
annual_amount = 1e9
[lines.demonstration_centres]
schedule_scale = 10
pilots_per_year = 2e9
pilot_construction_subsidy = 1e9
pilot_operating_subsidy = { dist = "uniform", low = 0, high = 1e9 }
[[lines.demonstration_centres.centres]]
name = "a"
area = "dongbao"
opens = 2025
construction_subsidy = 1e9
operating_subsidy = 1e9
[lines.iit_deduction_revenue]
deduction_per_month = 1e9
[lines.fee_waivers]
nursery_fee = 1e9
kindergarten_fee = 1e9
[lines.family_planning_awards]
recipients_scale = 10
[lines.family_planning_awards.schemes.rural_reward]
annual_amount = 1e9
entrants_per_year = 2e9
[lines.housing_fund_limit]
loan_limit = 1e9
purchases_per_year = 2e9
[disbursement.nipt]
review_capacity = 2e9
"""


def test_the_highest_allowed_values_give_finite_figures(tmp_path):
    """Every amount at 1e9 yuan, counts at 2e9, 10 million births in each override row, women at
    2e9 at every age, the strongest response and inflation: a run, and no inf or NaN written."""
    (tmp_path / "s.toml").write_text(MAXIMA.replace("FULL_PLAN", str(REPO / "scenarios" / "full_plan.toml")),
                                     encoding="utf-8")
    (tmp_path / "w.csv").write_text(_table("women_by_age.csv", lambda f: f.assign(women=2e9)), encoding="utf-8")
    (tmp_path / "b.csv").write_text("year,area,birth_order,births\n" + "".join(
        f"2030,{area},{order},10000000\n" for area in AREAS for order in (1, 2, 3)), encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", tmp_path / "s.toml", "--out", out, "--replicates", "3", "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    budget = pd.read_csv(out / "budget.csv")
    assert budget["mean"].max() > 1e20  # the maxima were reached, not clamped
    for name in ("budget.csv", "payables.csv", "births.csv", "births_total.csv", "impact.csv"):
        frame = pd.read_csv(out / name)
        numbers = frame[["mean", "p05", "p50", "p95"]].to_numpy(dtype=float)
        assert np.isfinite(numbers).all(), name
