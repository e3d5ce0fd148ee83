"""One run: the scenario's replicates in blocks, each block through the whole pipeline.

scenario → base data → calibration → engine (demography) → lines (accrual) → payers.
Blocks are independent (their own random streams), so they run in any order, in one
process or a pool, and give identical results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from model.areas import AREAS
from model.calendar import Calendar
from model.calibration import Calibration, calibrate, initial_women
from model.cost_sharing import payer_matrix, split_by_payer
from model.engine import EngineInputs, simulate_block
from model.errors import InputError
from model.inputs import BaseData, load_base_data
from model.lines import LINES, LineContext
from model.overrides import BirthsOverride, read_births_override
from model.rng import Streams, block_bounds
from model.scenario import LoadedScenario, Scenario
from model.yearpath import YearPath, series


@dataclass
class Prepared:
    """Everything a block needs; built once per run, before any simulation."""

    scenario: Scenario
    origin: dict[str, str]
    base: BaseData
    calendar: Calendar
    calibration: Calibration
    engine_inputs: EngineInputs
    override: BirthsOverride | None
    line_ids: list[str]

    def source_file(self, dotted: str) -> str:
        key = dotted
        while key:
            if key in self.origin:
                return self.origin[key]
            key = key.rpartition(".")[0]
        return "scenario"


@dataclass
class BlockResult:
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    births: np.ndarray  # [rep, year base..end, area, order 1..3]
    births_by_age: np.ndarray  # [rep, year base..end, area, order, age group]


@dataclass
class RunResult:
    loaded: LoadedScenario
    prepared: Prepared
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    births: np.ndarray  # [rep, year, area, order 1..3]
    births_by_age: np.ndarray
    timing: dict[str, float] = field(default_factory=dict)

    @property
    def line_ids(self) -> list[str]:
        return self.prepared.line_ids

    @property
    def calendar(self) -> Calendar:
        return self.prepared.calendar


def prepare(loaded: LoadedScenario) -> Prepared:
    """Load and check every input; raises InputError before any work is done."""
    scenario = loaded.scenario
    calendar = Calendar.of(scenario)
    base = load_base_data(scenario)
    women = initial_women(base, scenario.eligibility.city_hukou_share)
    calibration = calibrate(base, women, scenario.demography.higher_order_share_of_third_plus)
    years = calendar.years
    trend = (1 + scenario.demography.fertility_trend) ** (years - calendar.base_year)
    rates = calibration.rates[None, :, :, None] * trend[:, None, None, None] * np.ones(2)
    per_woman = rates.sum(axis=2)  # [year, age, group]
    if per_woman.max() > 1:
        year = int(years[np.argmax(per_woman.max(axis=(1, 2)) > 1)])
        raise InputError(loaded.file_of("demography.fertility_trend"), "demography.fertility_trend",
                         f"the trend raises births per woman above 1 a year by {year}")
    override = None
    if scenario.demography.births_override:
        override = read_births_override(scenario.demography.births_override, calendar.base_year, calendar.end_year)
    prepared = Prepared(
        scenario=scenario, origin=loaded.origin, base=base, calendar=calendar, calibration=calibration,
        engine_inputs=EngineInputs(women=women, rates=rates, q_female=base.q_female, migration=base.migration,
                                   girl_share=1 / (1 + scenario.demography.sex_ratio_at_birth)),
        override=override,
        line_ids=[line.id for line in LINES if getattr(scenario.lines, line.id).enabled],
    )
    _check_line_inputs(prepared)
    return prepared


def _check_line_inputs(prepared: Prepared) -> None:
    """Year paths cover the run, and line-specific needs of the data are met."""
    scenario, calendar, base = prepared.scenario, prepared.calendar, prepared.base
    for line_id in prepared.line_ids:
        section = getattr(scenario.lines, line_id)
        for name in type(section).model_fields:
            value = getattr(section, name)
            if isinstance(value, YearPath):
                key = f"lines.{line_id}.{name}"
                series(value, calendar.years.astype(float), key, prepared.source_file(key))
    if "art_subsidy" in prepared.line_ids:
        line = scenario.lines.art_subsidy
        pool = prepared.engine_inputs.women[:, line.min_age:, 0, 1].sum()
        if line.households_base_year > pool:
            raise InputError(prepared.source_file("lines.art_subsidy.households_base_year"),
                             "lines.art_subsidy.households_base_year",
                             f"{line.households_base_year:g} households exceed the {pool:g} childless "
                             f"city-hukou women aged {line.min_age}-49 in the base data")
    if "childcare_slot_subsidy" in prepared.line_ids:
        for k in (1, 2, 3):
            if calendar.base_year - k not in base.births_history:
                raise InputError(base.files["births_history"], "year",
                                 f"needs births for {calendar.base_year - k} (children under 3 in the base year)")


def run_block(prepared: Prepared, block: int, first: int, stop: int) -> BlockResult:
    scenario, calendar = prepared.scenario, prepared.calendar
    streams = Streams(scenario.scenario.seed, block)
    replicates = stop - first
    demography = simulate_block(prepared.engine_inputs, calendar, streams, replicates, prepared.override)
    context = LineContext(scenario, prepared.base, calendar, demography, streams, replicates,
                          prepared.source_file)
    budget_years = slice(calendar.start_year - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    by_line = []
    for line in LINES:
        if line.id not in prepared.line_ids:
            continue
        section = getattr(scenario.lines, line.id)
        monthly = line.accrual(context, section)  # [rep, month, area]
        yearly = calendar.by_year(monthly)[:, budget_years]
        by_line.append(split_by_payer(yearly, payer_matrix(scenario, section)))
    accrual = np.stack(by_line, axis=2) if by_line else np.zeros((replicates, len(calendar.budget_years), 0, len(AREAS) + 1))
    output_years = slice(0, calendar.end_year - calendar.base_year + 1)
    births = calendar.by_year(demography.births.sum(axis=4))[:, output_years]  # [rep, year, area, transition]
    births = np.concatenate([births[..., :2], births[..., 2:].sum(axis=-1, keepdims=True)], axis=-1)
    return BlockResult(accrual=accrual.astype(np.float64), births=births.astype(np.float64),
                       births_by_age=demography.births_by_age[:, output_years].astype(np.float64))


def _run_block_job(args: tuple[Prepared, int, int, int]) -> BlockResult:
    return run_block(*args)


def run(loaded: LoadedScenario, workers: int = 1,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    started = time.perf_counter()
    prepared = prepare(loaded)
    prepared_at = time.perf_counter()
    bounds = block_bounds(loaded.scenario.scenario.replicates)
    jobs = [(prepared, block, first, stop) for block, (first, stop) in enumerate(bounds)]
    results: list[BlockResult] = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for done, result in enumerate(pool.map(_run_block_job, jobs), start=1):
                results.append(result)
                if progress:
                    progress(done, len(jobs))
    else:
        for done, job in enumerate(jobs, start=1):
            results.append(_run_block_job(job))
            if progress:
                progress(done, len(jobs))
    finished = time.perf_counter()
    return RunResult(
        loaded=loaded, prepared=prepared,
        accrual=np.concatenate([r.accrual for r in results]),
        births=np.concatenate([r.births for r in results]),
        births_by_age=np.concatenate([r.births_by_age for r in results]),
        timing={"prepare_seconds": prepared_at - started, "simulate_seconds": finished - prepared_at},
    )
