"""The scenario schema's limits, each checked at both ends: the last valid value is accepted and
the first invalid one refused with the key named. The limits are written out here, apart from
the schema, so a loosened or tightened bound fails a test."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.scenario import load_scenario

# (dotted key, lowest valid, highest valid, just below, just above); None: no limit on that side
BOUNDS = [
    ("scenario.replicates", 1, 1_000_000, 0, 1_000_001),
    ("scenario.seed", 0, 2**63 - 1, -1, 2**63),
    ("lines.nipt.months_before_birth", 0, 9, -1, 10),
    ("lines.nipt.pregnancies_per_birth", 1.0, 2.0, 0.999, 2.001),
    ("lines.nipt.price", 0.0, 1e9, -0.01, 1.001e9),
    ("lines.nipt.take_up", 0.0, 1.0, -0.001, 1.001),
    ("lines.art_subsidy.min_age", 15, 49, 14, 50),
    ("lines.art_subsidy.out_of_pocket_cv", 0.0, 3.0, -0.001, 3.001),
    ("lines.art_subsidy.households_base_year", 0.0, 2e9, -1, 2.001e9),
    ("lines.third_child_allowance.months", 0, 60, -1, 61),
    ("lines.national_childcare_subsidy.months", 1, 60, 0, 61),
    ("lines.demonstration_centres.pilot_years", 1, 10, 0, 11),
    ("lines.demonstration_centres.schedule_scale", 0.0, 10.0, -0.001, 10.001),
    ("lines.iit_deduction_revenue.settlement_month", 1, 12, 0, 13),
    ("lines.iit_deduction_revenue.marginal_rate", 0.0, 0.45, -0.001, 0.451),
    ("lines.fee_waivers.kindergarten_fee_years", 0.0, 3.0, -0.001, 3.001),
    ("lines.housing_fund_limit.limit_multiplier", 1.0, 3.0, 0.999, 3.001),
    ("lines.childcare_slot_subsidy.slots_per_1000", 0.0, 1000.0, -0.001, 1000.001),
    ("lines.maternity_insurance_subsidy.leave_days", 0, 730, -1, 731),
    ("behaviour.response_phase_in_years", 0, 20, -1, 21),
    ("demography.sex_ratio_at_birth", 0.5, 2.0, 0.499, 2.001),
    ("demography.population_growth", -0.5, 0.5, -0.501, 0.501),
    ("demography.resident_population", 1.0, 2e9, 0.0, 2.001e9),
    ("eligibility.city_hukou_share", 0.0, 1.0, -0.001, 1.001),
    ("disbursement.nipt.annual_payment_month", 1, 12, 0, 13),
    ("disbursement.nipt.rejection_share", 0.0, 0.999, -0.001, 1.0),
    ("disbursement.nipt.review_capacity", 0.001, 2e9, 0.0, 2.001e9),
]


def _scenario(write, key: str, value: object):
    section, _, name = key.rpartition(".")
    return write("s.toml", f'[scenario]\nname = "bounds"\n[{section}]\n{name} = {value!r}\n'.replace("'", '"')
                 if section != "scenario" else f'[scenario]\nname = "bounds"\n{name} = {value!r}\n')


def _value(loaded, key: str) -> object:
    node: object = loaded.scenario
    for part in key.split("."):
        node = getattr(node, part)
    return node


@pytest.mark.parametrize(("key", "low", "high", "below", "above"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_each_limit_holds_at_both_ends(write, key, low, high, below, above):
    for valid in (low, high):
        assert _value(load_scenario(_scenario(write, key, valid)), key) == pytest.approx(valid)
    for invalid in (below, above):
        with pytest.raises(InputError) as error:
            load_scenario(_scenario(write, key, invalid))
        assert error.value.field == key, str(error.value)


@pytest.mark.parametrize(("policy_start", "valid"), [("2021-12", False), ("2022-01", True), ("2022-02", True)])
def test_the_policy_cannot_start_before_the_base_year(write, policy_start, valid):
    """The model simulates births from the base year (2022) on: a start in 2021 is refused."""
    path = write("s.toml", f'[scenario]\nname = "start"\npolicy_start = "{policy_start}"\n')
    if valid:
        assert load_scenario(path).scenario.scenario.policy_start == policy_start
        return
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert error.value.field == "scenario.policy_start" and "before the base year" in error.value.message


@pytest.mark.parametrize(("years", "field"), [
    ("start_year = 2021", "scenario.start_year"),
    ("start_year = 2030\nend_year = 2029", "scenario.end_year"),
    ("end_year = 2051", "scenario.end_year"),
    ('end_year = 2030\npolicy_start = "2031-01"', "scenario.policy_start"),
])
def test_years_out_of_order_are_refused(write, years, field):
    with pytest.raises(InputError) as error:
        load_scenario(write("s.toml", f'[scenario]\nname = "years"\n{years}\n'))
    assert error.value.field == field, str(error.value)


def test_the_last_valid_years_load(write):
    loaded = load_scenario(write("s.toml", '[scenario]\nname = "years"\nstart_year = 2022\nend_year = 2050\n'
                                 'policy_start = "2050-12"\n'))
    assert (loaded.scenario.scenario.start_year, loaded.scenario.scenario.end_year) == (2022, 2050)
