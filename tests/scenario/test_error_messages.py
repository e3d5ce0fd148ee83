"""What a bad scenario value is told, word for word: the file, the dotted key and the message,
for each way a value can be wrong (a misspelt or unknown key, text or true for a number, a bad
distribution or year path, a nested value, a missing key, a cross-field check)."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import DEFAULTS_FILE, load_scenario
from tests.default_city import AREAS

NIPT_KEYS = ("city_share, clause, enabled, months_before_birth, mother_city_hukou_share, new_money, pregnancies_per_birth, price, "
             "registered_in_city_hospital_share, take_up")
CASH_BENEFIT_KEYS = ("births_from, births_until, city_share, clause, eligible_share, enabled, hukou, in_city_hospital, kind, "
                     "mother_age, name_en, name_zh, national, new_money, schedule, source, take_up, timing")


def _measure(births_from: str) -> str:
    """A package's cash benefit, complete but for what a case adds."""
    return ('[measures.m]\nkind = "cash_benefit"\nenabled = true\ntake_up = 1.0\nname_zh = "补"\nname_en = "g"\n'
            f'clause = "c"\nsource = "s"\nbirths_from = "{births_from}"\n'
            'schedule = [{ orders = [1], every = "once", from_age = 0, amount = 1 }]\n')


CASES = {
    "misspelt key": ('[lines.nipt]\nprise = 900', "lines.nipt.prise", "unknown key; did you mean 'price'?"),
    "unknown key": ("[lines.nipt]\nzzzz = 1", "lines.nipt.zzzz", f"unknown key; allowed here: {NIPT_KEYS}"),
    "unknown key in a distribution": (
        '[lines.nipt]\ntake_up = { dist = "triangular", low = 0.1, mode = 0.2, high = 0.3, wide = 1 }',
        "lines.nipt.take_up.wide", "unknown key; allowed here: dist, high, low, mean, mode, sd, value"),
    "misspelt key in a year path": ('[lines.nipt]\nprice = { values = { 2025 = 800 }, after = "hold", slope = 1 }',
                                    "lines.nipt.price.slope", "unknown key; did you mean 'scale'?"),
    "misspelt section": ("[linez]\nx = 1", "linez", "unknown key; did you mean 'lines'?"),
    "text for a number": ('[lines.nipt]\ntake_up = "abc"', "lines.nipt.take_up",
                          "Input should be a valid number, unable to parse string as a number (got 'abc')"),
    "number out of range": ("[lines.nipt]\ntake_up = 1.5", "lines.nipt.take_up",
                            "Input should be less than or equal to 1 (got 1.5)"),
    "bad distribution": ('[lines.nipt]\ntake_up = { dist = "triangular", low = 0.5, mode = 0.2, high = 0.3 }',
                         "lines.nipt.take_up", "triangular needs low ≤ mode ≤ high and low < high"),
    "distribution out of range": ('[lines.nipt]\ntake_up = { dist = "uniform", low = 0.5, high = 1.3 }',
                                  "lines.nipt.take_up",
                                  "uniform distribution reaches 0.5–1.3; the values must lie within [0, 1]"),
    "year path out of range": ('[lines.nipt]\nprice = { values = { 2025 = -800 }, after = "hold" }',
                               "lines.nipt.price", "year-path value -800 is outside the valid range [0, 1e+09]"),
    "text as a year path's scale": ('[lines.nipt]\nprice = { values = { 2025 = 800 }, after = "hold", scale = "big" }',
                                    "lines.nipt.price.scale",
                                    "Input should be a valid number, unable to parse string as a number (got 'big')"),
    "true for a number": ("[lines.nipt]\nprice = true", "lines.nipt.price", "expected a number, got true"),
    "true inside a list": ("[lines.housing_subsidy]\npurchase_profile = [0.5, true, 0.5]",
                           "lines.housing_subsidy.purchase_profile.1", "expected a number, got true"),
    "fraction for a whole number": ("[lines.art_subsidy]\nmin_age = 35.5", "lines.art_subsidy.min_age",
                                    "Input should be a valid integer, got a number with a fractional part (got 35.5)"),
    "missing key": ('[lines.demonstration_centres]\ncentres = [{ name = "a", area = "dongbao", opens = 2025, '
                    "construction_subsidy = 1 }]", "lines.demonstration_centres.centres.0.operating_subsidy",
                    "required key is missing"),
    "area missing": ("[cost_sharing.city_share]\ndongbao = 0.5", "cost_sharing.city_share",
                     "missing area 'duodao': give a share for each of dongbao, duodao, zhanghe, jingshan, "
                     "zhongxiang, shayang, qujialing"),
    "a year path where none is allowed": (
        '[behaviour]\nfertility_response = { values = { 2025 = 0.01 }, after = "hold" }', "behaviour.fertility_response",
        "a year path is not allowed here; give a number or a distribution { dist = ... }"),
    "number for a section": ("[lines]\nnipt = 3", "lines.nipt", "expected a table [lines.nipt] with keys, got int"),
    "a month that is not a month": ('policy_start = "2025-13"', "scenario.policy_start",
                                    'expected a month as "YYYY-MM" (e.g. "2025-01") or a year (got \'2025-13\')'),
    "a month as a fraction": ("policy_start = 2025.5", "scenario.policy_start",
                              'expected a month as "YYYY-MM" (e.g. "2025-01") or a year (got 2025.5)'),
    "a day not written as a date": (_measure("2025-1-1"), "measures.m.births_from",
                                    'expected a date as "YYYY-MM-DD" (e.g. "2024-01-01") (got \'2025-1-1\')'),
    "a day the calendar lacks": (_measure("2025-02-30"), "measures.m.births_from",
                                 "2025-02-30 is not a day of the calendar (got '2025-02-30')"),
    "a measure without a kind": ('[measures.m]\nname_zh = "补"', "measures.m.kind",
                                 "required key is missing; kinds are cash_benefit, unit_cost, home_purchase, capped_reimbursement, per_person_scheme"),
    "a measure that is a number": ("[measures]\nm = 3", "measures.m.kind",
                                   "required key is missing; kinds are cash_benefit, unit_cost, home_purchase, capped_reimbursement, per_person_scheme"),
    "a measure's unknown key": (_measure("2025-01-01") + "zzzz = 1", "measures.m.zzzz",
                                f"unknown key; allowed here: {CASH_BENEFIT_KEYS}"),
    "a measure's misspelt key": (_measure("2025-01-01") + "clase = 1", "measures.m.clase",
                                 "unknown key; did you mean 'clause'?"),
    "an unknown key of a table of sections": (
        "[lines.family_planning_awards.schemes.rural_reward]\nzzzz = 1",
        "lines.family_planning_awards.schemes.rural_reward.zzzz",
        "unknown key; allowed here: annual_amount, entrants_per_year, entry_age, name_zh"),
    "an unknown key in a year path of a table of sections": (
        '[lines.family_planning_awards.schemes.rural_reward]\n'
        'annual_amount = { values = { 2025 = 960 }, after = "hold", zzzz = 1 }',
        "lines.family_planning_awards.schemes.rural_reward.annual_amount.zzzz",
        "unknown key; allowed here: after, before, growth, scale, values"),
    "a year path's negative scale": ('[lines.nipt]\ntake_up = { values = { 2025 = 0.5 }, after = "hold", scale = -1 }',
                                     "lines.nipt.take_up", "a year path's scale must be ≥ 0"),
    "a normal scale on a bounded year path": (
        '[lines.nipt]\ntake_up = { values = { 2025 = 0.5 }, after = "hold", scale = { dist = "normal", mean = 1, '
        "sd = 0.1 } }", "lines.nipt.take_up",
        "a normal scale has no upper end, and this value may be at most 1: use a triangular or uniform scale"),
    "a scale taking a year path above its maximum": (
        '[lines.nipt]\ntake_up = { values = { 2025 = 0.9 }, after = "hold", scale = { dist = "uniform", low = 0.9, '
        "high = 1.2 } }", "lines.nipt.take_up", "scale reaches 1.2, taking the path to 1.08, above the maximum 1"),
    "an unknown area": ("[cost_sharing.city_share]\n" + "".join(f"{area} = 0.5\n" for area in AREAS) + "wuhan = 0.5",
                        "cost_sharing.city_share", f"unknown area 'wuhan'; areas are {', '.join(AREAS)}"),
    "shares that do not add up to 1": ("[lines.housing_subsidy]\npurchase_profile = [0.5, 0.5, 0.5]",
                                       "lines.housing_subsidy.purchase_profile",
                                       "shares must add up to 1 (they add up to 1.5) (got [0.5, 0.5, 0.5])"),
    "a table read as a year path": ("[lines.nipt]\nprice = { a = 1 }", "lines.nipt.price.a",
                                    "unknown key; allowed here: after, before, growth, scale, values"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_value_is_told_exactly(write, case):
    body, field, message = CASES[case]
    path = write("s.toml", f'[scenario]\nname = "x"\n{body}\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert (error.value.file, error.value.field) == (str(path), field)
    assert error.value.message == message


def test_a_cross_field_error_names_its_key_and_the_child_file(write):
    path = write("s.toml", '[scenario]\nname = "x"\nstart_year = 2030\nend_year = 2029\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert (error.value.file, error.value.field, error.value.message) == (
        str(path), "scenario.end_year", "2029 is before start_year (2030)")


def test_a_bad_default_is_blamed_on_the_file_that_set_it(write):
    """A value the scenario did not set comes from the defaults: an error there names that file."""
    parent = write("parent.toml", '[scenario]\nname = "parent"\n[lines.nipt]\nprice = -1\n')
    child = write("child.toml", f'[scenario]\nname = "child"\nextends = "{parent.name}"\n')
    with pytest.raises(InputError) as error:
        load_scenario(child)
    assert (error.value.file, error.value.field) == (str(parent), "lines.nipt.price")
    assert str(DEFAULTS_FILE).endswith("defaults.toml")


def test_measures_that_are_not_a_table(write):
    path = write("s.toml", 'measures = 3\n[scenario]\nname = "x"\n')
    with pytest.raises(InputError) as error:
        load_scenario(path)
    # the default city's package has measures, so the merge with them refuses it first
    assert (error.value.field, error.value.message) == ("measures", "expected a table [measures] with keys, got int")


def test_months_and_days_that_are_valid(write):
    """A year is its January; the last day of a month is a day (31 January, 29 February of a leap year)."""
    for births_from in ("2025-01-31", "2028-02-29"):
        path = write("s.toml", f'[scenario]\nname = "x"\npolicy_start = 2025\n{_measure(births_from)}')
        loaded = load_scenario(path)
        assert loaded.scenario.scenario.policy_start == "2025-01"
        assert loaded.scenario.measures["m"].births_from == births_from


@pytest.mark.parametrize("take_up", [
    '{ values = { 2025 = 0.0, 2030 = 0.5 }, after = "hold" }',  # a value at the lower bound
    '{ values = { 2025 = 0.5 }, after = "hold", scale = { dist = "uniform", low = 0.8, high = 1.2 } }',
    '{ values = { 2025 = 0.5 }, after = "hold", scale = 0.5 }',
    '{ values = { 2025 = 0.5 }, after = "hold", scale = 0 }',
    '{ values = { 2025 = 0.0 }, after = "hold", scale = { dist = "normal", mean = 1, sd = 0.1 } }',  # 0 × any scale
])
def test_year_paths_within_their_bounds_are_accepted(write, take_up):
    path = write("s.toml", f'[scenario]\nname = "x"\n[lines.nipt]\ntake_up = {take_up}\n')
    assert load_scenario(path).scenario.lines.nipt.take_up is not None
