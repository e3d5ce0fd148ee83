"""Children followed month by month from birth (allowances paid until a given age)."""

from __future__ import annotations

import numpy as np

from model import kernels
from model import sampling as draw
from model.rng import Streams


def _survivors_and_deaths(recipients: np.ndarray, months: int, q_child: np.ndarray, streams: Streams,
                          event: str) -> tuple[np.ndarray, np.ndarray]:
    """Children alive at the start of each year of age and deaths in it: [age year, rep, birth month, area]."""
    survivors, deaths = [recipients], []
    for age_year in range((months + 11) // 12):
        deaths.append(draw.binomial(streams(f"{event}:deaths_at_age_{age_year}"), survivors[-1], q_child[age_year]))
        survivors.append(survivors[-1] - deaths[-1])
    if not deaths:  # no month of age
        return np.zeros((0, *recipients.shape)), np.zeros((0, *recipients.shape))
    return np.stack(survivors[:-1]).astype(np.float64), np.stack(deaths).astype(np.float64)


def _alive(survivors: np.ndarray, deaths: np.ndarray, months: int) -> np.ndarray:
    """[age year, rep, birth month, area] → alive [rep, birth month, area, age month]."""
    alive = np.zeros((*survivors.shape[1:], months))
    for age_year in range(survivors.shape[0]):
        first, stop = age_year * 12, min(months, age_year * 12 + 12)
        within = (np.arange(first, stop) - first + 0.5) / 12.0
        alive[..., first:stop] = survivors[age_year][..., None] - deaths[age_year][..., None] * within
    return alive


def allowance_by_cohort(recipients: np.ndarray, months: int, q_child: np.ndarray, streams: Streams,
                        amount: np.ndarray, n_months: int, event: str) -> tuple[np.ndarray, np.ndarray]:
    """Yuan by cohort and age month [rep, birth month, area, age month], and its sum by calendar
    month [rep, month, area]: children alive × amount, then by_calendar_month.

    amount: [rep or 1, birth month, age month] yuan per child-month. With numba one pass does
    the three steps without the arrays between them; the figures are the same to the last bit
    (tests/engine/test_compiled_kernels.py).
    """
    survivors, deaths = _survivors_and_deaths(recipients, months, q_child, streams, event)
    return allowance_by_cohort_kernel(survivors, deaths, np.ascontiguousarray(amount, dtype=np.float64), n_months)


def _by_cohort_numpy(survivors: np.ndarray, deaths: np.ndarray, amount: np.ndarray,
                     n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """_by_cohort_loop's twin: children alive (_alive) × amount, then by_calendar_month."""
    by_cohort = _alive(survivors, deaths, amount.shape[2]) * amount[:, :, None, :]
    return by_cohort, by_calendar_month(by_cohort, n_months)


def _by_cohort_loop(survivors, deaths, amount, n_months):  # noqa: ANN001, ANN202 - compiled by numba  # pragma: no mutate block
    """survivors, deaths: [age year, rep, birth month, area]; the operations of the twin, in its order
    (cohorts run backwards so each calendar month adds its ages from 0 up, as by_calendar_month does)."""
    _, replicates, cohorts, areas = survivors.shape
    ages = amount.shape[2]
    within = np.empty(ages)
    for m in range(ages):
        within[m] = (m - 12 * (m // 12) + 0.5) / 12.0
    by_cohort = np.empty((replicates, cohorts, areas, ages))
    yuan = np.zeros((replicates, n_months, areas))
    for r in range(replicates):
        ra = 0 if amount.shape[0] == 1 else r
        for a in range(areas):
            for c in range(cohorts - 1, -1, -1):
                for m in range(ages):
                    y = m // 12
                    value = (survivors[y, r, c, a] - deaths[y, r, c, a] * within[m]) * amount[ra, c, m]
                    by_cohort[r, c, a, m] = value
                    if c + m < n_months:
                        yuan[r, c + m, a] += value
    return by_cohort, yuan


def _by_cohort_examples() -> dict[str, tuple]:  # pragma: no mutate block (the kernel test's inputs, not model code)
    """Three years of age or two and a half, one amount for every replicate or one each, and no month of age."""
    examples = {}
    for months, shared_amount in [(36, True), (36, False), (30, True), (0, True)]:
        rng = np.random.default_rng(1)
        replicates, cohorts, areas = 6, 60, 3
        recipients = rng.integers(0, 40, size=(replicates, cohorts, areas))
        q_child = np.array([0.02, 0.004, 0.003])  # high, so deaths happen in a small example
        amount = rng.uniform(100, 600, size=(1 if shared_amount else replicates, cohorts, months))
        survivors, deaths = _survivors_and_deaths(recipients, months, q_child, Streams(7, 0), "allowance")
        examples[f"{months} months, {'shared' if shared_amount else 'own'} amount"] = (survivors, deaths, amount,
                                                                                    cohorts)
    return examples


allowance_by_cohort_kernel = kernels.register("allowance_by_cohort", loop=_by_cohort_loop, twin=_by_cohort_numpy,
                                              examples=_by_cohort_examples)


def by_calendar_month(by_age: np.ndarray, n_months: int) -> np.ndarray:
    """Sum [rep, birth month, area, age month] by calendar month (birth month + age) → [rep, month, area]."""
    replicates, births, areas, ages = by_age.shape
    out = np.zeros((replicates, n_months, areas))
    for age in range(min(ages, n_months)):
        out[:, age:, :] += by_age[:, : n_months - age, :, age]
    return out


def per_child_month(amount: np.ndarray, ages: int) -> np.ndarray:
    """[rep or 1, month] yuan per child-month → [rep or 1, birth month, age month]: the amount of
    the calendar month in which each month of age falls."""
    return amount[:, calendar_months(amount.shape[1], ages)]


def calendar_months(months: int, ages: int) -> np.ndarray:
    """[birth month, age month] → the calendar month (index) in which that month of age falls.

    Months past the calendar are never summed or paid; they repeat the last month's index.
    """
    return np.minimum(np.arange(months)[:, None] + np.arange(ages)[None, :], months - 1)
