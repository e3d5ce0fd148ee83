"""The model's clock: simulated years and months, and the budget years within them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import Scenario


@dataclass(frozen=True)
class Calendar:
    base_year: int  # first simulated year (births calibrated here)
    horizon: int  # last simulated year: end_year + 1, so lines that pay ahead of a birth see it
    start_year: int  # first budget year
    end_year: int  # last budget year
    policy_start_index: int  # month index of the policy's first month

    @classmethod
    def of(cls, scenario: Scenario) -> Calendar:
        s, base = scenario.scenario, scenario.demography.base_year
        start = (s.policy_start_year - base) * 12 + s.policy_start_month - 1
        return cls(base, s.end_year + 1, s.start_year, s.end_year, start)

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.base_year, self.horizon + 1)

    @property
    def line_years(self) -> np.ndarray:
        """Years at which line parameters are read: the simulated years, with those before the
        policy start read at its first year (no entitlement arises before it)."""
        return np.maximum(self.years, self.base_year + self.policy_start_index // 12)

    @property
    def n_years(self) -> int:
        return self.horizon - self.base_year + 1

    @property
    def n_months(self) -> int:
        return self.n_years * 12

    @property
    def budget_years(self) -> np.ndarray:
        return np.arange(self.start_year, self.end_year + 1)

    @property
    def payable_years(self) -> np.ndarray:
        """Year ends at which payables are reported: the one before the first budget year (the
        payables the budget inherits, when simulated) through the last budget year."""
        return np.arange(max(self.base_year, self.start_year - 1), self.end_year + 1)

    def month_index(self, year: int, month: int) -> int:
        return (year - self.base_year) * 12 + month - 1

    def by_year(self, monthly: np.ndarray, axis: int = 1) -> np.ndarray:
        """Sum a month axis (length n_months) into years (length n_years)."""
        shape = list(monthly.shape)
        shape[axis : axis + 1] = [self.n_years, 12]
        return monthly.reshape(shape).sum(axis=axis + 1)
