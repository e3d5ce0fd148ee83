"""What every policy line receives and returns.

A line turns one block's simulated events into entitlements (accrual) in yuan, by
replicate × simulated month × area where the cost arises. Cost sharing, years and
quantiles are done elsewhere, so a line module reads like its clause and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.calendar import Calendar
from model.engine import Demography
from model.inputs import BaseData
from model.rng import Streams
from model.scenario import LineSection, Scenario
from model.yearpath import YearPath, series


@dataclass
class LineContext:
    scenario: Scenario
    base: BaseData
    calendar: Calendar
    demography: Demography
    streams: Streams
    replicates: int
    source_file: Callable[[str], str]  # dotted key → scenario file that set it (for errors)

    def yearly(self, value: float | YearPath, key: str) -> np.ndarray:
        """A parameter's value in every simulated year."""
        return series(value, self.calendar.years.astype(float), key, self.source_file(key))

    def monthly(self, value: float | YearPath, key: str) -> np.ndarray:
        """A parameter's value in every simulated month (the value of that month's year)."""
        return np.repeat(self.yearly(value, key), 12)

    def from_policy_start(self, monthly: np.ndarray, month_axis: int = 1) -> np.ndarray:
        """Zero every month before the plan took effect (entitlements start with the policy)."""
        mask = np.arange(self.calendar.n_months) >= self.calendar.policy_start_index
        shape = [1] * monthly.ndim
        shape[month_axis] = -1
        return monthly * mask.reshape(shape)

    def spread_over_year(self, yearly: np.ndarray) -> np.ndarray:
        """[rep, year, area] amounts → [rep, month, area], evenly over the year's 12 months."""
        return np.repeat(yearly / 12.0, 12, axis=1)


@dataclass(frozen=True)
class Line:
    id: str
    name_zh: str
    name_en: str
    clause: str
    kind: str  # outlay | revenue_forgone | memo
    accrual: Callable[[LineContext, LineSection], np.ndarray]  # → [rep, month, area] yuan


def shift_months(values: np.ndarray, months: int, axis: int = 1) -> np.ndarray:
    """Move a month axis earlier (months > 0) or later (< 0), dropping what leaves the calendar."""
    out = np.zeros_like(values)
    n = values.shape[axis]
    src = [slice(None)] * values.ndim
    dst = [slice(None)] * values.ndim
    if months >= 0:
        src[axis], dst[axis] = slice(months, n), slice(0, n - months)
    else:
        src[axis], dst[axis] = slice(0, n + months), slice(-months, n)
    out[tuple(dst)] = values[tuple(src)]
    return out


def birth_months(ctx: LineContext, transitions: slice | list[int], groups: slice | list[int]) -> np.ndarray:
    """Births of the given transitions and eligibility groups: [rep, month, area]."""
    births = ctx.demography.births[:, :, :, transitions, :][..., groups]
    return births.reshape(*births.shape[:3], -1).sum(axis=3)
