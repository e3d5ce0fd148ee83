"""The parts of the cash-benefit kind, each against numbers worked by hand: survival to each
payment, the share of a month's births on or after a day, and the ages a schedule pays at."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.lines.base import from_day_share
from model.lines.cash_benefit import Instalment, payment_ages, survival

CALENDAR = SimpleNamespace(calendar=SimpleNamespace(base_year=2022, n_months=14 * 12))  # 2022-2035


def test_survival_compounds_each_years_death_rate_over_its_months() -> None:
    q = np.zeros(19)
    q[0], q[1], q[17], q[18] = 0.12, 0.5, 0.2, 0.3
    alive = survival(q, 20 * 12)
    assert len(alive) == 240 and alive[0] == 1.0
    assert alive[6] == pytest.approx(0.88 ** 0.5, rel=1e-12)  # half a year of the first year's risk
    assert alive[12] == pytest.approx(0.88, rel=1e-12)
    assert alive[24] == pytest.approx(0.88 * 0.5, rel=1e-12)
    assert alive[18 * 12] == pytest.approx(0.44 * 0.8, rel=1e-12)  # ages 2-16 are safe here
    assert alive[19 * 12] == pytest.approx(0.44 * 0.8 * 0.7, rel=1e-12)
    assert alive[20 * 12 - 1] == pytest.approx(0.44 * 0.8 * 0.7 * 0.7 ** (11 / 12), rel=1e-12)  # past 18: q[18]
    assert np.all(np.diff(alive) <= 0)


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-03-16", {37: 0.0, 38: 16 / 31, 39: 1.0}),  # March 2025 is month 38 from January 2022
    ("2025-03-01", {37: 0.0, 38: 1.0}),
    ("2024-02-29", {25: 1 / 29, 26: 1.0}),  # a leap day: the last day of its month
    ("2022-01-10", {0: 22 / 31, 1: 1.0}),  # the first simulated month
    ("2021-06-01", {0: 1.0}),  # before the calendar: every month
])
def test_a_days_share_of_its_months_births(day, expected) -> None:
    share = from_day_share(CALENDAR, day)
    assert len(share) == 168
    for month, value in expected.items():
        assert share[month] == pytest.approx(value, rel=1e-12), month
    last = max(expected)
    assert np.all(share[last:] == 1.0) and np.all(share[: min(expected)] == 0.0)


def test_a_day_after_the_calendar_leaves_every_month_out() -> None:
    assert not from_day_share(CALENDAR, "2036-01-05").any()  # the month just after the last
    assert not from_day_share(CALENDAR, "2040-07-01").any()


@pytest.mark.parametrize(("instalment", "ages"), [
    ({"every": "once", "from_age": 0.5}, [6]),
    ({"every": "once", "from_age": 3}, [36]),
    ({"every": "month", "from_age": 1, "to_age": 1.5}, list(range(12, 18))),
    ({"every": "year", "from_age": 2, "to_age": 5}, [24, 36, 48]),
    ({"every": "year", "from_age": 0, "to_age": 10}, list(range(0, 120, 12))),
])
def test_the_ages_a_schedule_pays_at(instalment, ages) -> None:
    assert payment_ages(Instalment(orders=[1], amount=1, **instalment)).tolist() == ages
