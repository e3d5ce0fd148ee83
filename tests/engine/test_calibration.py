"""Base-year births and order shares match their sources (issue: the core model)."""

from __future__ import annotations

import pytest

from tests.conftest import BASELINE, REPO, cli, run_file

JINGMEN_BIRTHS_2022 = 11_679  # 《荆门统计年鉴2024》
HUBEI_ORDER_SHARES = (23_936 / 48_772, 22_035 / 48_772, (2_494 + 258 + 49) / 48_772)  # census 6-1


@pytest.fixture(scope="module")
def baseline():
    return run_file(BASELINE, replicates=40)


def test_base_year_births_match_the_published_count(baseline):
    births_2022 = baseline.births[:, 0].sum(axis=(1, 2)).mean()
    assert births_2022 == pytest.approx(JINGMEN_BIRTHS_2022, rel=0.02)


def test_base_year_order_shares_are_the_census_mix_moved_by_the_third_plus_scale(baseline):
    """The baseline's scale is triangular(1.0, 1.35, 1.57), mean 1.3067: third and later births
    take 5.74% × 1.3067 of the base year's births, first and second births give way in proportion."""
    by_order = baseline.births[:, 0].sum(axis=1).mean(axis=0)
    shares = by_order / by_order.sum()
    third = HUBEI_ORDER_SHARES[2] * (1.0 + 1.35 + 1.57) / 3
    keep = (1 - third) / (1 - HUBEI_ORDER_SHARES[2])
    expected = (HUBEI_ORDER_SHARES[0] * keep, HUBEI_ORDER_SHARES[1] * keep, third)
    for got, want in zip(shares, expected, strict=True):
        assert abs(got - want) < 0.004, (shares, expected)


def test_shifting_the_order_mix_keeps_the_total_and_scales_third_births():
    from model.calibration import shifted_births

    first, second, third = shifted_births({1: 5000.0, 2: 4000.0, 3: 1000.0}, 1.5)
    assert (first, second, third) == pytest.approx((5000 - 500 * 5 / 9, 4000 - 500 * 4 / 9, 1500))
    assert shifted_births({1: 5000.0, 2: 4000.0, 3: 1000.0}, 1.0) == pytest.approx((5000, 4000, 1000))


def test_a_fixed_scale_gives_that_third_plus_share_in_the_base_year(write):
    path = write("s.toml", f"""
        [scenario]
        name = "mix"
        extends = "{BASELINE}"
        [demography]
        third_plus_share_scale = 1.5
        """)
    result = run_file(path, replicates=40)
    by_order = result.births[:, 0].sum(axis=1).mean(axis=0)
    assert by_order.sum() == pytest.approx(JINGMEN_BIRTHS_2022, rel=0.02)
    assert by_order[2] / by_order.sum() == pytest.approx(HUBEI_ORDER_SHARES[2] * 1.5, abs=0.003)


def _validate_with_third_births_2000_of_11000(write, scale: str):
    """`birthbudget validate` of the baseline with a base-year table of 5,000 / 4,000 / 2,000 births
    (the scale may be at most 5.5) and this third-plus scale."""
    write("births.csv", "year,birth_order,births\n2022,1,5000\n2022,2,4000\n2022,3,2000\n")
    return cli("validate", write("s.toml", f"""
        [scenario]
        name = "scale"
        extends = "{BASELINE}"
        [demography]
        third_plus_share_scale = {scale}
        [data]
        base_year_births = "births.csv"
        """))


def test_a_scale_that_would_exceed_all_births_is_refused(write):
    result = _validate_with_third_births_2000_of_11000(write, '{ dist = "uniform", low = 1.0, high = 6.0 }')
    assert result.exit_code == 2
    assert "demography.third_plus_share_scale: 6 would make third and later births 12,000 of the base year's " \
           "11,000 births; at most 5.5" in " ".join(result.output.split())


def test_births_stay_plausible_through_2035(baseline):
    """No collapse or explosion: births by order stay within a factor of two of the base."""
    by_year_order = baseline.births.sum(axis=2).mean(axis=0)  # [year, order]
    ratio = by_year_order / by_year_order[0]
    assert (ratio > 0.5).all() and (ratio < 2).all(), ratio


def test_the_run_shows_simulated_births_beside_every_published_count(baseline):
    """The back-test: model/data/published_births.csv (2022 read; 2023-2024 Jingmen's 2022 count
    moved with Hubei's births) against the simulated mean, in the run's diagnostics."""
    import pandas as pd

    published = pd.read_csv(REPO / "model" / "data" / "published_births.csv").set_index("year").births
    assert list(published.index) == [2022, 2023, 2024]
    for year, count in published.items():
        simulated = baseline.births[:, year - 2022].sum(axis=(1, 2)).mean()
        assert baseline.diagnostics[f"births_{year}_published"] == count
        assert baseline.diagnostics[f"births_{year}_simulated"] == pytest.approx(simulated, abs=0.05)
        assert baseline.diagnostics[f"births_{year}_gap"] == pytest.approx(simulated / count - 1, abs=1e-4)
    assert abs(baseline.diagnostics["births_2022_gap"]) < 0.02  # the calibration year
    assert 0 < baseline.diagnostics["births_2023_gap"] < 0.08  # README: the model runs 5% above the Hubei trend


def test_a_bureaus_own_published_counts_replace_the_default(write):
    write("published.csv", "year,births,status\n2026,9000,read\n2040,5000,forecast\n")
    path = write("s.toml", f"""
        [scenario]
        name = "own counts"
        extends = "{BASELINE}"
        [data]
        published_births = "published.csv"
        """)
    result = run_file(path, replicates=4)
    simulated = result.births[:, 2026 - 2022].sum(axis=(1, 2)).mean()
    assert result.diagnostics["births_2026_gap"] == pytest.approx(simulated / 9000 - 1, abs=1e-4)
    assert "births_2023_published" not in result.diagnostics  # the default table is replaced
    assert not any(key.startswith("births_2040") for key in result.diagnostics)  # not simulated


def test_an_unbounded_scale_is_checked_at_the_fields_top(write):
    """A normal scale is drawn up to 10 (the field's limit): with a base-year table whose third and
    later births are 2,000 of 11,000, that would exceed all births, and is refused."""
    result = _validate_with_third_births_2000_of_11000(write, '{ dist = "normal", mean = 1.3, sd = 0.1 }')
    assert result.exit_code == 2
    assert "third_plus_share_scale: 10 would make third and later births 20,000" in " ".join(result.output.split())
