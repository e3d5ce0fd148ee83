"""Parameters that change by year, with an explicit rule for every year of the run.

A plain number holds for every year. A table gives values for some years, is linear in
between, and must say what happens after the last year (`after = "hold"` or `"grow"`
with `growth`) and, if the run needs earlier years, before the first (`before`). A year
that no rule covers is an error, never a silent fall-back to the nearest value.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.errors import InputError
from model.uncertainty import Distribution


class YearPath(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    values: dict[int, float] = Field(min_length=1, description="value by calendar year")
    before: Literal["error", "hold", "grow"] = Field(
        "error", description="rule for years before the first given year")
    after: Literal["hold", "grow"] = Field(description="rule for years after the last given year")
    growth: float | None = Field(None, gt=-1, description="annual growth rate for `grow` rules")
    scale: float | Distribution = Field(1.0, description="factor on the whole path (a distribution "
                                        "gives each replicate its own level)")

    @model_validator(mode="after")
    def _growth_given_when_needed(self) -> YearPath:
        if "grow" in (self.before, self.after) and self.growth is None:
            raise ValueError("a 'grow' rule needs `growth` (annual rate, e.g. 0.04)")
        return self


def series(value: float | np.ndarray | YearPath, years: np.ndarray, field: str, file: str | None) -> np.ndarray:
    """The parameter's value in each of `years`: [year], or [replicate, year] when it varies
    by replicate (a drawn number or a drawn path scale). InputError names any uncovered year."""
    if isinstance(value, np.ndarray):
        return np.repeat(value[:, None], len(years), axis=1)
    if not isinstance(value, YearPath):
        return np.full(len(years), float(value))
    known = np.array(sorted(value.values), dtype=float)
    levels = np.array([value.values[int(y)] for y in known], dtype=float)
    out = np.interp(years, known, levels)
    first, last = known[0], known[-1]
    early, late = years < first, years > last
    if early.any():
        if value.before == "error":
            raise InputError(file, field, f"no value for {int(years[early][0])}: the run needs "
                             f"{int(years[0])}-{int(years[-1])}; give that year or set "
                             "before = \"hold\" or \"grow\"")
        if value.before == "grow":
            out[early] = levels[0] * (1 + value.growth) ** (years[early] - first)
    if late.any() and value.after == "grow":
        out[late] = levels[-1] * (1 + value.growth) ** (years[late] - last)
    scale = value.scale
    if isinstance(scale, np.ndarray):
        return scale[:, None] * out[None, :]
    if isinstance(scale, Distribution):
        scale = scale.central()
    return out * float(scale)
