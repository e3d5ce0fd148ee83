"""A line follows its parameters: more take-up never lowers it, a doubled amount doubles it and
nothing else, take-up ramps and price indexation apply year by year, and a distribution on an
amount stays finite."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import run_file

NO_RESPONSE = "[behaviour]\nfertility_response = 0.0\n"


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


def test_art_distributions_stay_small(write):
    path = write("art.toml", '[scenario]\nname = "art"\n[lines.art_subsidy]\n'
                             'out_of_pocket_mean = { dist = "triangular", low = 15000, mode = 25000, high = 35000 }\n'
                             "continuation = [0.4, 0.3, 0.2, 0.1]\n")
    result = run_file(path, replicates=10)
    assert np.isfinite(result.accrual).all() and result.accrual.sum() > 0
