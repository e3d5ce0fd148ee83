"""Parameters that change by year, with an explicit rule for every year of the run.

A plain number holds for every year. A table gives values for some years, is linear in
between, and must say what happens after the last year (`after = "hold"` or `"grow"`
with `growth`) and, if the run needs earlier years, before the first (`before`). A year
that no rule covers is an error, never a silent fall-back to the nearest value.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from model.errors import InputError
from model.uncertainty import Distribution, ScenarioModel, drawn

# A path's years and growth are bounded so that no rule can overflow: the run reads years
# 2000-2050, so a `grow` rule compounds over at most 200 years, and (1 + growth)**±200 stays
# far inside a float for growth in [-0.9, 10] (-90% to +1,000% a year, beyond any real
# parameter's trend). A path that grows past its field's maximum is refused by the run's check.
FIRST_YEAR, LAST_YEAR = 1900, 2100
MIN_GROWTH, MAX_GROWTH = -0.9, 10.0


class YearPath(ScenarioModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    values: dict[int, float] = Field(min_length=1, description="value by calendar year")
    before: Literal["error", "hold", "grow"] = Field(
        "error", description="rule for years before the first given year")
    after: Literal["hold", "grow"] = Field(description="rule for years after the last given year")
    growth: float | None = Field(None, ge=MIN_GROWTH, le=MAX_GROWTH,
                                 description="annual growth rate for `grow` rules (-0.9 to 10)")
    scale: float | Distribution = Field(1.0, description="factor on the whole path (a distribution "
                                        "gives each replicate its own level)")

    @model_validator(mode="after")
    def _growth_given_when_needed(self) -> YearPath:
        if "grow" in (self.before, self.after) and self.growth is None:
            raise ValueError("a 'grow' rule needs `growth` (annual rate, e.g. 0.04)")
        if self.growth is not None and "grow" not in (self.before, self.after):
            raise ValueError(f"growth = {self.growth:g} is given but no rule uses it: set after = \"grow\" "
                             "(or before = \"grow\"), or remove growth")
        outside = [year for year in self.values if not FIRST_YEAR <= year <= LAST_YEAR]
        if outside:
            raise ValueError(f"year {outside[0]} is outside {FIRST_YEAR}-{LAST_YEAR}")
        return self


def _growth(path: YearPath) -> float:
    """The annual rate of a `grow` rule (validation makes sure it is given wherever a rule grows)."""
    if path.growth is None:
        raise ValueError("a 'grow' rule needs `growth`")
    return path.growth


def series(value: float | np.ndarray | Distribution | YearPath, years: np.ndarray, field: str,
           file: str | None) -> np.ndarray:
    """The parameter's value in each of `years`: [year], or [replicate, year] when it varies
    by replicate (a drawn number or a drawn path scale). InputError names any uncovered year."""
    if isinstance(value, np.ndarray):
        return np.repeat(value[:, None], len(years), axis=1)
    if not isinstance(value, YearPath):
        return np.full(len(years), float(drawn(value)))
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
            out[early] = levels[0] * (1 + _growth(value)) ** (years[early] - first)
    if late.any() and value.after == "grow":
        out[late] = levels[-1] * (1 + _growth(value)) ** (years[late] - last)
    scale = value.scale
    if isinstance(scale, np.ndarray):
        return scale[:, None] * out[None, :]
    if isinstance(scale, Distribution):
        scale = scale.central()
    return out * float(scale)
