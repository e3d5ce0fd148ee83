"""Prepare: every input loaded and checked once per run, before any simulation.

scenario → base data → calibration → the run's lines and payers. Nothing here draws a random
number; an InputError raised here stops the run before any work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from model.bounded_numbers import Bounded
from model.calibration import Calibration, calibrate, initial_women
from model.city import HIGHER_LEVELS, City
from model.errors import InputError
from model.inputs import BaseData, load_base_data
from model.lines import Line, run_lines, section_of
from model.overrides import BirthsOverride, read_births_override
from model.realise import central, is_section_table
from model.run_calendar import Calendar
from model.scenario import LoadedScenario, Scenario, origin_file
from model.sections import FundedFromAbove
from model.uncertainty import Distribution, drawn
from model.yearpath import YearPath, series


@dataclass
class Prepared:
    """Everything a block needs; built once per run, before any simulation."""

    scenario: Scenario
    origin: dict[str, str]
    base: BaseData
    calendar: Calendar
    calibration: Calibration
    central_women: np.ndarray  # [area, age, parity, group] at central parameter values
    override: BirthsOverride | None
    lines: list[Line[Any]]  # the enabled lines, in order (the package's measures last)
    payer_ids: tuple[str, ...]  # the city's own budgets, plus province and central when a line is co-funded
    profiles: dict[str, np.ndarray] | None = None  # line → [area, month arising, month approved]

    @property
    def line_ids(self) -> list[str]:
        return [line.id for line in self.lines]

    def source_file(self, dotted: str) -> str:
        return origin_file(self.origin, dotted, "scenario")


def prepare(loaded: LoadedScenario) -> Prepared:
    """Load and check every input; raises InputError before any work is done.

    Checks use the central value of each distribution (and its extremes where they matter).
    """
    scenario = loaded.scenario
    middle = central(scenario)
    calendar = Calendar.of(scenario)
    base = load_base_data(scenario)
    women = initial_women(base, float(drawn(middle.eligibility.city_hukou_share)))
    _check_order_shift(loaded, base)
    calibration = calibrate(base, women, float(drawn(middle.demography.higher_order_share_of_third_plus)),
                            float(drawn(middle.demography.third_plus_share_scale)))
    years = calendar.years
    steepest = _extreme(scenario.demography.fertility_trend, high=True)
    trend = (1 + steepest) ** (years - calendar.base_year)
    rates = calibration.rates[None, :, :, None] * trend[:, None, None, None] * np.ones(2)
    per_woman = rates.sum(axis=2)  # [year, age, group]
    if per_woman.max() > 1:
        year = int(years[np.argmax(per_woman.max(axis=(1, 2)) > 1)])
        raise InputError(loaded.file_of("demography.fertility_trend"), "demography.fertility_trend",
                         f"the trend raises births per woman above 1 a year by {year}")
    override = None
    if scenario.demography.births_override:
        # through the year after the budget years, which is simulated too (a line may pay ahead of a birth)
        override = read_births_override(scenario.demography.births_override, calendar.base_year, calendar.horizon,
                                        scenario.city.areas)
    lines = run_lines(scenario)
    prepared = Prepared(
        scenario=scenario, origin=loaded.origin, base=base, calendar=calendar, calibration=calibration,
        central_women=women, override=override, lines=lines,
        payer_ids=payers_of([section_of(scenario, line.id) for line in lines], scenario.city),
    )
    _check_line_inputs(prepared)
    return prepared


SCALE_TOP = 10.0  # the upper limit of a Scale field (scenario.Scale)


def _check_order_shift(loaded: LoadedScenario, base: BaseData) -> None:
    """The scaled third-and-later births must fit in the base year's total (at the scale's top)."""
    births = base.base_births
    scale = loaded.scenario.demography.third_plus_share_scale
    top = _extreme(scale, high=True)
    if isinstance(scale, Distribution) and not np.isfinite(scale.support()[1]):
        top = SCALE_TOP  # a normal is drawn up to the field's limit
    total = births[1] + births[2] + births[3]
    if births[3] * top > total:
        raise InputError(loaded.file_of("demography.third_plus_share_scale"), "demography.third_plus_share_scale",
                         f"{top:g} would make third and later births {births[3] * top:,.0f} of the base year's "
                         f"{total:,.0f} births; at most {total / births[3]:.4g} with this base-year table")


def _check_paths(prepared: Prepared, model: BaseModel, prefix: str) -> None:
    """Every year path covers the years the run reads and stays in its field's range there
    (a `grow` rule can leave it: a take-up growing past 1 is refused, not clamped)."""
    calendar = prepared.calendar
    years = (calendar.line_years if prefix.startswith("lines.") else calendar.years).astype(float)
    for name, info in type(model).model_fields.items():
        value, key = getattr(model, name), f"{prefix}{name}"
        if key == "indexation.cpi":  # read only for the years after `from_year`
            years = calendar.years[calendar.years > prepared.scenario.indexation.from_year].astype(float)
            if years.size == 0:
                continue
        if isinstance(value, BaseModel) and not isinstance(value, (YearPath, Distribution)):
            _check_paths(prepared, value, f"{key}.")
        if is_section_table(value):  # e.g. the award schemes, keyed by id: their paths are checked too
            for entry, section in value.items():
                _check_paths(prepared, section, f"{key}.{entry}.")
        if not isinstance(value, YearPath):
            continue
        values = series(value, years, key, prepared.source_file(key))
        bounds = next((m for m in info.metadata if isinstance(m, Bounded)), Bounded())
        scale = value.scale.support() if isinstance(value.scale, Distribution) else (1.0, 1.0)
        top, bottom = values.max() * (scale[1] if np.isfinite(scale[1]) else 1.0), values.min() * scale[0]
        if top > bounds.high or bottom < bounds.low:
            year = int(years[int(np.argmax((values > bounds.high) | (values < bounds.low)))])
            raise InputError(prepared.source_file(key), key,
                             f"the path leaves the valid range [{bounds.low:g}, {bounds.high:g}] (reaches "
                             f"{top if top > bounds.high else bottom:.4g}, around {year}); change the values "
                             "or the growth rule")


def _check_line_inputs(prepared: Prepared) -> None:
    """Year paths cover the run and stay in range, and line-specific needs of the data are met."""
    scenario, calendar, base = prepared.scenario, prepared.calendar, prepared.base
    _check_paths(prepared, scenario, "")
    if "art_subsidy" in prepared.line_ids:
        art = scenario.lines.art_subsidy
        pool = prepared.central_women[:, art.min_age:, 0, 1].sum()
        if _extreme(art.households_base_year, high=True) > pool:
            raise InputError(prepared.source_file("lines.art_subsidy.households_base_year"),
                             "lines.art_subsidy.households_base_year",
                             f"up to {_extreme(art.households_base_year, high=True):g} households exceed the {pool:g} childless "
                             f"city-hukou women aged {art.min_age}-49 in the base data")
    for line in prepared.lines:  # each line's own needs: births before the base year, its own checks
        years = max(line.births_history_years, section_of(scenario, line.id).history_years(calendar.base_year))
        for k in range(1, years + 1):
            if calendar.base_year - k not in base.births_history:
                raise InputError(base.files["births_history"], "year",
                                 f"needs births for {calendar.base_year - k} ({line.id} counts children born up to "
                                 f"{years} years before the base year)")
        problem = line.check(scenario, calendar) if line.check is not None else None
        if problem is not None:
            key, message = problem
            raise InputError(prepared.source_file(key), key, message)


def _extreme(value: float | Distribution, high: bool) -> float:
    """A distribution's highest (or lowest) possible value, or its central one if unbounded."""
    if not isinstance(value, Distribution):
        return float(value)
    low, top = value.support()
    bound = top if high else low
    return float(bound) if np.isfinite(bound) else value.central()




def payers_of(sections: list[BaseModel], city: City) -> tuple[str, ...]:
    """The run's payers: the city's own budgets, plus the higher levels when a priced line is co-funded."""
    if any(isinstance(section, FundedFromAbove) and section.shared_above() for section in sections):
        return (*city.payers, *HIGHER_LEVELS)
    return city.payers
