"""Properties over random valid scenarios (hypothesis): sums, signs, monotonicity, determinism."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.pipeline import run
from model.result_tables import births_table, births_total_table, budget_table
from model.scenario import load_scenario

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
share = st.floats(0.05, 1.0)


@st.composite
def scenarios(draw) -> dict:
    return {
        "take_up": draw(share), "housing_take_up": draw(share), "hukou": draw(st.floats(0.5, 1.0)),
        "monthly_amount": draw(st.floats(0, 2000)), "second_child": draw(st.floats(0, 60000)),
        "response": draw(st.floats(0, 0.08)), "trend": draw(st.floats(-0.08, 0.04)),
        "price": draw(st.floats(0, 3000)), "seed": draw(st.integers(0, 2**31)),
        "purchase": draw(st.floats(0.0, 0.6)), "end_year": draw(st.integers(2026, 2032)),
    }


def _scenario_text(p: dict) -> str:
    return f"""
[scenario]
name = "property"
end_year = {p['end_year']}
seed = {p['seed']}
[eligibility]
city_hukou_share = {p['hukou']}
[behaviour]
fertility_response = {p['response']}
[demography]
fertility_trend = {p['trend']}
[lines.third_child_allowance]
take_up = {p['take_up']}
monthly_amount = {p['monthly_amount']}
[lines.housing_subsidy]
take_up = {p['housing_take_up']}
amount_second_child = {p['second_child']}
purchase_probability = {p['purchase']}
[lines.nipt]
price = {p['price']}
"""


def _run(tmp_path_factory, params: dict, replicates: int = 4, workers: int = 1, **changes):
    folder = tmp_path_factory.mktemp("property")
    path = folder / "s.toml"
    path.write_text(_scenario_text({**params, **changes}), encoding="utf-8")
    return run(load_scenario(path, replicates=replicates), workers=workers)


@SETTINGS
@given(scenarios())
def test_sums_and_signs_hold(tmp_path_factory, params):
    result = _run(tmp_path_factory, params)
    for cube in (result.accrual, result.cash, result.payables):
        assert (cube >= -1e-6).all()  # costs, cash and payables never negative
    assert (result.births >= 0).all()
    table = budget_table(result).set_index(["basis", "year", "line", "payer"])["mean"]
    lines = table.drop(index="all", level="line").groupby(level=["basis", "year", "payer"]).sum()
    np.testing.assert_allclose(lines, table.xs("all", level="line").loc[lines.index], rtol=1e-9, atol=1e-6)
    payers = table.drop(index="all", level="payer").groupby(level=["basis", "year", "line"]).sum()
    np.testing.assert_allclose(payers, table.xs("all", level="payer").loc[payers.index], rtol=1e-9, atol=1e-6)
    births = births_table(result).groupby("year")["mean"].sum()  # orders and areas add up to the total
    np.testing.assert_allclose(births, births_total_table(result).set_index("year")["mean"].loc[births.index],
                               rtol=1e-9)


@SETTINGS
@given(scenarios(), st.floats(0.0, 0.5))
def test_more_take_up_or_a_higher_amount_never_lowers_a_line(tmp_path_factory, params, extra):
    params = {**params, "response": 0.0}  # births must not change between the two runs
    low = _run(tmp_path_factory, params)
    high_take_up = _run(tmp_path_factory, params, take_up=min(1.0, params["take_up"] + extra))
    higher_amount = _run(tmp_path_factory, params, monthly_amount=params["monthly_amount"] * (1 + extra))
    i = low.line_ids.index("third_child_allowance")
    for other in (high_take_up, higher_amount):
        assert (other.accrual[:, :, i] >= low.accrual[:, :, i] - 1e-6).all()


@SETTINGS
@given(scenarios())
def test_a_zero_amount_costs_nothing(tmp_path_factory, params):
    result = _run(tmp_path_factory, params, monthly_amount=0.0, price=0.0)
    for line in ("third_child_allowance", "nipt"):
        i = result.line_ids.index(line)
        assert np.abs(result.accrual[:, :, i]).max() == 0 and np.abs(result.cash[:, :, i]).max() == 0


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_same_seed_same_results_across_runs_and_processes(tmp_path_factory, params):
    one = _run(tmp_path_factory, params, replicates=60)
    again = _run(tmp_path_factory, params, replicates=60)
    two = _run(tmp_path_factory, params, replicates=60, workers=2)
    for other in (again, two):
        assert np.array_equal(one.accrual, other.accrual) and np.array_equal(one.cash, other.cash)
        assert np.array_equal(one.births, other.births)
