"""Children followed month by month from birth (allowances paid until a given age)."""

from __future__ import annotations

import numpy as np

from model import sampling as draw
from model.rng import Streams


def recipients_alive(recipients: np.ndarray, months: int, q_child: np.ndarray, streams: Streams,
                     event: str = "third_child_allowance") -> np.ndarray:
    """Children alive in each month of age: [rep, birth month, area, age month].

    Deaths are drawn per year of age; those who die in a year are counted alive for half
    of it on average (deaths spread evenly over the year's months).
    """
    alive = np.zeros((*recipients.shape, months))
    survivors = recipients.copy()
    for age_year in range((months + 11) // 12):
        deaths = draw.binomial(streams(f"{event}:deaths_at_age_{age_year}"), survivors, q_child[age_year])
        first, stop = age_year * 12, min(months, age_year * 12 + 12)
        within = (np.arange(first, stop) - first + 0.5) / 12.0
        alive[..., first:stop] = survivors[..., None] - deaths[..., None] * within
        survivors = survivors - deaths
    return alive


def by_calendar_month(by_age: np.ndarray, n_months: int) -> np.ndarray:
    """Sum [rep, birth month, area, age month] by calendar month (birth month + age) → [rep, month, area]."""
    replicates, births, areas, ages = by_age.shape
    out = np.zeros((replicates, n_months, areas))
    for age in range(min(ages, n_months)):
        out[:, age:, :] += by_age[:, : n_months - age, :, age]
    return out


def at_calendar_month(alive: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Yuan by cohort and age month: children alive × the amount of the calendar month paid.

    alive [rep, birth month, area, age month]; amount [rep or 1, month] (yuan per child-month).
    """
    return alive * amount[:, calendar_months(alive.shape[1], alive.shape[3])][:, :, None, :]


def calendar_months(months: int, ages: int) -> np.ndarray:
    """[birth month, age month] → the calendar month (index) in which that month of age falls.

    Months past the calendar are never summed or paid; they repeat the last month's index.
    """
    return np.minimum(np.arange(months)[:, None] + np.arange(ages)[None, :], months - 1)
