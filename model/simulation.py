"""One run: the scenario's replicates in blocks, each block through the whole pipeline.

scenario → base data → calibration → engine (demography) → lines (accrual) → payers.
Blocks are independent (their own random streams), so they run in any order, in one
process or a pool, and give identical results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from pydantic import BaseModel

from model.areas import AREAS
from model.behaviour import response_multiplier
from model.bounded_numbers import Bounded
from model.calibration import Calibration, calibrate, initial_women
from model.cost_sharing import fixed_payer_matrix, payer_matrix, payers_of, split_by_payer
from model.disbursement import allowance_cash, approval_profile, one_off_cash
from model.engine import Demography, EngineInputs, simulate_block
from model.errors import InputError
from model.inputs import BaseData, area_split, load_base_data
from model.lines import LINE_BY_ID, LINES, LineContext
from model.lines.base import Entitlement, ParameterContext
from model.memory import check_memory
from model.overrides import BirthsOverride, read_births_override
from model.realise import central, is_section_table, per_replicate, realise
from model.rng import Streams, block_bounds
from model.run_calendar import Calendar
from model.scenario import LoadedScenario, Scenario, origin_file
from model.uncertainty import Distribution
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
    line_ids: list[str]
    payer_ids: tuple[str, ...]  # Jingmen's budgets, plus province and central when a line is co-funded
    profiles: dict[str, np.ndarray] | None = None  # line → [area, month arising, month approved]

    def source_file(self, dotted: str) -> str:
        return origin_file(self.origin, dotted, "scenario")


@dataclass
class BlockResult:
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    cash: np.ndarray | None  # same axes, cash basis (None when disbursement is off)
    payables: np.ndarray | None  # same axes: entitled but unpaid at each year end
    births: np.ndarray  # [rep, year base..end, area, order 1..3]
    births_by_age: np.ndarray  # [rep, year base..end, area, order, age group]
    impact: dict[str, np.ndarray]  # [rep, budget year] induced births, spending on them, …
    capped_births: float = 0.0


@dataclass
class RunResult:
    loaded: LoadedScenario
    prepared: Prepared
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    births: np.ndarray  # [rep, year, area, order 1..3]
    births_by_age: np.ndarray
    cash: np.ndarray | None = None  # [rep, budget year, line, payer] yuan paid
    payables: np.ndarray | None = None  # [rep, budget year, line, payer] owed at each year end
    impact: dict[str, np.ndarray] = field(default_factory=dict)  # [rep, budget year] arrays
    timing: dict[str, float] = field(default_factory=dict)
    diagnostics: dict[str, float] = field(default_factory=dict)

    @property
    def line_ids(self) -> list[str]:
        return self.prepared.line_ids

    @property
    def payer_ids(self) -> tuple[str, ...]:
        return self.prepared.payer_ids

    @property
    def line_kinds(self) -> list[str]:
        return [LINE_BY_ID[line_id].kind for line_id in self.line_ids]

    def outlays(self, cube: np.ndarray) -> np.ndarray:
        """[rep, year, line, payer] → the outlay lines only (revenue forgone and memo items are never added)."""
        return cube[:, :, [kind == "outlay" for kind in self.line_kinds]]

    @property
    def calendar(self) -> Calendar:
        return self.prepared.calendar


def prepare(loaded: LoadedScenario) -> Prepared:
    """Load and check every input; raises InputError before any work is done.

    Checks use the central value of each distribution (and its extremes where they matter).
    """
    scenario = loaded.scenario
    middle: Scenario = central(scenario)  # type: ignore[assignment]
    calendar = Calendar.of(scenario)
    base = load_base_data(scenario)
    women = initial_women(base, middle.eligibility.city_hukou_share)
    calibration = calibrate(base, women, middle.demography.higher_order_share_of_third_plus)
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
        override = read_births_override(scenario.demography.births_override, calendar.base_year, calendar.end_year)
    line_ids = [line.id for line in LINES if getattr(scenario.lines, line.id).enabled]
    prepared = Prepared(
        scenario=scenario, origin=loaded.origin, base=base, calendar=calendar, calibration=calibration,
        central_women=women, override=override, line_ids=line_ids,
        payer_ids=payers_of([getattr(scenario.lines, line_id) for line_id in line_ids]),
    )
    _check_line_inputs(prepared)
    return prepared


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
        line = scenario.lines.art_subsidy
        pool = prepared.central_women[:, line.min_age:, 0, 1].sum()
        if _extreme(line.households_base_year, high=True) > pool:
            raise InputError(prepared.source_file("lines.art_subsidy.households_base_year"),
                             "lines.art_subsidy.households_base_year",
                             f"up to {_extreme(line.households_base_year, high=True):g} households exceed the {pool:g} childless "
                             f"city-hukou women aged {line.min_age}-49 in the base data")
    if "housing_subsidy" in prepared.line_ids and scenario.lines.housing_subsidy.earlier_births_qualify:
        for k in range(1, len(scenario.lines.housing_subsidy.purchase_profile)):
            if calendar.base_year - k not in base.births_history:
                raise InputError(base.files["births_history"], "year",
                                 f"needs births for {calendar.base_year - k} (earlier_births_qualify)")
    for line in LINES:  # each line's own needs: births before the base year, its own checks
        if line.id not in prepared.line_ids:
            continue
        for k in range(1, line.births_history_years + 1):
            if calendar.base_year - k not in base.births_history:
                raise InputError(base.files["births_history"], "year",
                                 f"needs births for {calendar.base_year - k} ({line.id} counts children born up to "
                                 f"{line.births_history_years} years before the base year)")
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


def block_inputs(prepared: Prepared, realised: Scenario, params: ParameterContext,
                 replicates: int) -> EngineInputs:
    """The engine's per-replicate inputs from the block's drawn parameters."""
    base, calendar = prepared.base, prepared.calendar
    if base.women_by_age is not None:
        by_area = params.area_share[:, :, None] * base.women_by_age[None, None, :]  # [rep or 1, area, age]
    else:
        by_area = base.women[None]
    by_parity = by_area[..., None] * base.parity_share[None, None]  # [rep or 1, area, age, parity]
    hukou = np.reshape(per_replicate(realised.eligibility.city_hukou_share, 1), (-1, 1, 1, 1))
    women = np.round(np.stack([by_parity * (1 - hukou), by_parity * hukou], axis=-1))
    women = np.broadcast_to(women, (replicates, *women.shape[1:]))
    demography = realised.demography
    rates = prepared.calibration.rates_for(base.fertility_shape, base.base_births,
                                           per_replicate(demography.higher_order_share_of_third_plus, 1))
    years = (calendar.years - calendar.base_year)[None, :]
    trend = (1 + np.reshape(per_replicate(demography.fertility_trend, 1), (-1, 1))) ** years  # [rep or 1, year]
    rates = rates[:, None, :, :, None] * trend[:, :, None, None, None] * np.ones(2)
    girl_share = 1 / (1 + np.reshape(per_replicate(demography.sex_ratio_at_birth, 1), (-1,)))
    return EngineInputs(women=women, rates=rates, response=response_multiplier(params, prepared.line_ids),
                        q_female=base.q_female, migration=base.migration, girl_share=girl_share)


@dataclass
class BlockEntitlements:
    realised: Scenario
    demography: Demography
    context: LineContext
    entitlements: dict[str, Entitlement]  # by line id


def block_entitlements(prepared: Prepared, block: int, replicates: int) -> BlockEntitlements:
    """Draw one block's parameters and events, and every enabled line's entitlements."""
    calendar = prepared.calendar
    streams = Streams(prepared.scenario.scenario.seed, block)
    realised: Scenario = realise(prepared.scenario, streams, replicates)  # type: ignore[assignment]
    area_share = prepared.base.unit_share_of_area[None] * area_split(
        per_replicate(realised.areas.zhanghe_share_of_dongbao_unit, 1),
        per_replicate(realised.areas.qujialing_share_of_jingshan_unit, 1))
    if prepared.base.women_by_age is None:  # the bureau's own table fixes the areas
        area_share = prepared.base.area_population_share[None]
    params = ParameterContext(realised, prepared.base, calendar, replicates, area_share, prepared.source_file)
    demography = simulate_block(block_inputs(prepared, realised, params, replicates), calendar, streams,
                                replicates, prepared.override)
    context = LineContext(realised, prepared.base, calendar, replicates, area_share, prepared.source_file,
                          demography=demography, streams=streams)
    entitlements = {line.id: line.accrual(context, getattr(realised.lines, line.id))
                    for line in LINES if line.id in prepared.line_ids}
    return BlockEntitlements(realised, demography, context, entitlements)


PILOT_REPLICATES = 20  # fixed: the expected claims need a few replicates, not the run's


def approval_profiles(prepared: Prepared, block_zero: BlockEntitlements | None = None) -> dict[str, np.ndarray]:
    """Run the claims process (simpy) on the expected claims of a fixed pilot block.

    The pilot is the first PILOT_REPLICATES replicates of block 0 whatever the run's size, so
    the profiles, and every cash figure, do not depend on --replicates or --workers. When block 0
    is drawn anyway with at least that many replicates, its first ones are the pilot (a
    replicate's draws do not depend on how many the block holds), and nothing is drawn twice.
    """
    if block_zero is None or len(block_zero.demography.births) < PILOT_REPLICATES:
        block_zero = block_entitlements(prepared, 0, PILOT_REPLICATES)
    timing = prepared.scenario.disbursement
    return {line_id: np.stack([approval_profile(entitlement.claims[:PILOT_REPLICATES, :, a].mean(axis=0),
                                                getattr(timing, line_id))
                               for a in range(len(AREAS))])
            for line_id, entitlement in block_zero.entitlements.items() if LINE_BY_ID[line_id].cash is None}


def cash_of(line_id: str, entitlement: Entitlement, prepared: Prepared) -> np.ndarray:
    timing = getattr(prepared.scenario.disbursement, line_id)
    profiles = prepared.profiles[line_id]
    if entitlement.by_cohort is not None:
        return allowance_cash(entitlement.by_cohort, profiles, timing, entitlement.claims_open)
    return one_off_cash(entitlement.yuan, profiles, timing)


def payer_parts(entitlement: Entitlement, matrix: np.ndarray,
                payers: tuple[str, ...]) -> list[tuple[Entitlement, np.ndarray]]:
    """The entitlement in parts with one payer rule each: the area rule, then any fixed payers."""
    if not entitlement.fixed_payer:
        return [(entitlement, matrix)]
    rest = entitlement.yuan - sum(entitlement.fixed_payer.values())
    parts = [(Entitlement(rest, entitlement.claims), matrix)]
    return parts + [(Entitlement(yuan, entitlement.claims), fixed_payer_matrix(rule, payers))
                    for rule, yuan in entitlement.fixed_payer.items()]


def run_block(prepared: Prepared, block: int, first: int, stop: int,
              drawn: BlockEntitlements | None = None) -> BlockResult:
    """One block through lines, payers and cash; `drawn`: its events when already drawn (block 0)."""
    calendar = prepared.calendar
    replicates = stop - first
    drawn = drawn if drawn is not None else block_entitlements(prepared, block, replicates)
    realised, demography, context = drawn.realised, drawn.demography, drawn.context
    budget = slice(calendar.start_year - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    payable_years = slice(calendar.payable_years[0] - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    n_years = len(calendar.budget_years)
    by_line, cash_by_line, payables_by_line = [], [], []
    linked_spend, induced_spend = np.zeros((replicates, n_years)), None
    if demography.induced is not None:
        induced_context = replace(context, demography=replace(demography, births=demography.induced),
                                  streams=Streams(prepared.scenario.scenario.seed, block, prefix="induced:"),
                                  induced_only=True)
        induced_spend = np.zeros_like(linked_spend)
    for line in LINES:
        if line.id not in prepared.line_ids:
            continue
        section = getattr(realised.lines, line.id)
        entitlement = drawn.entitlements[line.id]
        parts = payer_parts(entitlement, payer_matrix(realised, section, prepared.payer_ids), prepared.payer_ids)
        yearly = calendar.by_year(entitlement.yuan)  # [rep, simulated year, area]
        by_line.append(sum(split_by_payer(calendar.by_year(part.yuan)[:, budget], payers) for part, payers in parts))
        if prepared.profiles is not None:
            line_cash, line_owed = 0.0, 0.0
            for part, payers in parts:
                if line.cash is not None:
                    cash = calendar.by_year(line.cash(context, section, part.yuan))
                elif part is entitlement:
                    cash = calendar.by_year(cash_of(line.id, part, prepared))
                else:
                    cash = calendar.by_year(one_off_cash(part.yuan, prepared.profiles[line.id],
                                                         getattr(prepared.scenario.disbursement, line.id)))
                line_cash = line_cash + split_by_payer(cash[:, budget], payers)
                # payables at each year end: entitled so far minus paid so far (from the first simulated
                # month), from the year before the first budget year (what the budget inherits)
                owed = np.cumsum(calendar.by_year(part.yuan) - cash, axis=1)[:, payable_years]
                line_owed = line_owed + split_by_payer(owed, payers)
            cash_by_line.append(line_cash)
            payables_by_line.append(line_owed)
        if line.birth_linked:
            linked_spend += yearly[:, budget].sum(axis=2)
            if induced_spend is not None:
                induced = line.accrual(induced_context, section).yuan
                induced_spend += calendar.by_year(induced)[:, budget].sum(axis=2)

    def stacked(parts: list[np.ndarray]) -> np.ndarray:
        empty = np.zeros((replicates, n_years, 0, len(prepared.payer_ids)))
        return np.stack(parts, axis=2).astype(np.float64) if parts else empty

    accrual = stacked(by_line)
    induced_births = (np.zeros((replicates, n_years)) if demography.induced is None
                      else calendar.by_year(demography.induced.sum(axis=(2, 3, 4)))[:, budget].astype(float))
    impact = {"induced_births": induced_births, "birth_linked_spending": linked_spend,
              "spending_on_induced_births": induced_spend if induced_spend is not None else np.zeros_like(linked_spend)}
    output_years = slice(0, calendar.end_year - calendar.base_year + 1)
    births = calendar.by_year(demography.births.sum(axis=4))[:, output_years]  # [rep, year, area, transition]
    births = np.concatenate([births[..., :2], births[..., 2:].sum(axis=-1, keepdims=True)], axis=-1)
    payables = None
    if prepared.profiles is not None:
        payables = (np.stack(payables_by_line, axis=2) if payables_by_line
                    else np.zeros((replicates, len(calendar.payable_years), 0, len(prepared.payer_ids))))
    return BlockResult(accrual=accrual, cash=stacked(cash_by_line) if prepared.profiles is not None else None,
                       payables=payables,
                       births=births.astype(np.float64),
                       births_by_age=demography.births_by_age[:, output_years].astype(np.float64), impact=impact,
                       capped_births=demography.capped_births)


_WORKER_PREPARED: Prepared | None = None  # set once per worker process by the pool's initializer


def _init_worker(prepared: Prepared) -> None:
    global _WORKER_PREPARED
    _WORKER_PREPARED = prepared


def _run_block_in_worker(args: tuple[int, int, int]) -> BlockResult:
    """A block in a pool worker: the prepared run came once, with the worker, not with each job."""
    assert _WORKER_PREPARED is not None
    return run_block(_WORKER_PREPARED, *args)


def run(loaded: LoadedScenario, workers: int = 1,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    started = time.perf_counter()
    prepared = prepare(loaded)
    check_memory(loaded.scenario.scenario.replicates, prepared.calendar, workers + 1 if workers > 1 else 1,
                 loaded.file_of("scenario.replicates"))  # with a pool, this process runs blocks too
    prepared_at = time.perf_counter()
    bounds = block_bounds(loaded.scenario.scenario.replicates)
    block_zero = None
    if loaded.scenario.disbursement.enabled:  # the claims queue needs a pilot; block 0 serves when large enough
        if bounds[0][1] >= PILOT_REPLICATES:
            block_zero = block_entitlements(prepared, 0, bounds[0][1])
        prepared.profiles = approval_profiles(prepared, block_zero)
    rest = [(block, first, stop) for block, (first, stop) in enumerate(bounds) if block > 0]
    results: list[BlockResult] = []
    if workers > 1 and rest:
        pool_size = min(workers, len(rest))
        # This process finishes block 0 and takes the blocks the workers cannot share evenly (the
        # last ones), so no worker runs a block alone at the end while a core stands idle.
        own = rest[len(rest) - len(rest) % pool_size:]
        with ProcessPoolExecutor(max_workers=pool_size, initializer=_init_worker, initargs=(prepared,)) as pool:
            later = pool.map(_run_block_in_worker, rest[:len(rest) - len(own)])  # the workers start on blocks 1…
            try:
                mine = [run_block(prepared, 0, *bounds[0], drawn=block_zero)]  # … while this process finishes 0
                block_zero = None  # its events are no longer needed
                mine += [run_block(prepared, *job) for job in own]
            except BaseException:  # report at once, not after the workers' queued blocks
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            if progress:
                progress(len(mine), len(bounds))
            for done, result in enumerate(later, start=len(mine) + 1):
                results.append(result)
                if progress:
                    progress(done, len(bounds))
        results = [mine[0], *results, *mine[1:]]  # block order
    else:
        for done, (block, first, stop) in enumerate([(0, *bounds[0]), *rest], start=1):
            results.append(run_block(prepared, block, first, stop, drawn=block_zero if block == 0 else None))
            block_zero = None
            if progress:
                progress(done, len(bounds))
    finished = time.perf_counter()
    return RunResult(
        loaded=loaded, prepared=prepared,
        accrual=np.concatenate([r.accrual for r in results]),
        births=np.concatenate([r.births for r in results]),
        births_by_age=np.concatenate([r.births_by_age for r in results]),
        cash=None if results[0].cash is None else np.concatenate([r.cash for r in results]),
        payables=None if results[0].payables is None else np.concatenate([r.payables for r in results]),
        impact={key: np.concatenate([r.impact[key] for r in results]) for key in results[0].impact},
        timing={"prepare_seconds": prepared_at - started, "simulate_seconds": finished - prepared_at},
        diagnostics=_diagnostics(results),
    )


def _diagnostics(results: list[BlockResult]) -> dict[str, float]:
    replicates = sum(len(r.births) for r in results)
    capped = sum(r.capped_births for r in results) / replicates
    births = sum(float(r.births.sum()) for r in results) / replicates
    return {"births_capped_by_women_at_risk_per_replicate": round(capped, 3),
            "capped_share_of_births": round(capped / births, 8) if births else 0.0}
