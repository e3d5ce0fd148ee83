"""Base-year births and order shares match their sources (issue: the core model)."""

from __future__ import annotations

import pytest

from tests.conftest import BASELINE, run_file

JINGMEN_BIRTHS_2022 = 11_679  # 《荆门统计年鉴2024》
HUBEI_ORDER_SHARES = (23_936 / 48_772, 22_035 / 48_772, (2_494 + 258 + 49) / 48_772)  # census 6-1


@pytest.fixture(scope="module")
def baseline():
    return run_file(BASELINE, replicates=40)


def test_base_year_births_match_the_published_count(baseline):
    births_2022 = baseline.births[:, 0].sum(axis=(1, 2)).mean()
    assert births_2022 == pytest.approx(JINGMEN_BIRTHS_2022, rel=0.02)


def test_base_year_order_shares_match_the_census(baseline):
    by_order = baseline.births[:, 0].sum(axis=1).mean(axis=0)
    shares = by_order / by_order.sum()
    for got, expected in zip(shares, HUBEI_ORDER_SHARES, strict=True):
        assert abs(got - expected) < 0.02


def test_births_stay_plausible_through_2035(baseline):
    """No collapse or explosion: births by order stay within a factor of two of the base."""
    by_year_order = baseline.births.sum(axis=2).mean(axis=0)  # [year, order]
    ratio = by_year_order / by_year_order[0]
    assert (ratio > 0.5).all() and (ratio < 2).all(), ratio
