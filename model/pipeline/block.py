"""One block of replicates through the pipeline: its parameters drawn, its demography
simulated, every line's entitlements, then accounts (payers, cash, payables) and impact.

Blocks are independent (their own random streams), so they run in any order, in one process
or a pool, and give identical results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.behaviour import response_multiplier
from model.engine import Demography, EngineInputs, simulate_block
from model.inputs import split_of
from model.lines import LineContext, section_of
from model.lines.base import Entitlement, ParameterContext
from model.pipeline.accounts import block_accounts
from model.pipeline.impact import block_impact
from model.pipeline.prepare import Prepared
from model.realise import per_replicate, realise
from model.rng import Streams
from model.scenario import Scenario


@dataclass
class BlockResult:
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan
    cash: np.ndarray | None  # same axes, cash basis (None when disbursement is off)
    payables: np.ndarray | None  # same axes: entitled but unpaid at each year end
    births: np.ndarray  # [rep, year base..end, area, order 1..3]
    births_by_age: np.ndarray  # [rep, year base..end, area, order, age group]
    impact: dict[str, np.ndarray]  # [rep, budget year] induced births, spending on them, …
    capped_births: float = 0.0


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
                                           per_replicate(demography.higher_order_share_of_third_plus, 1),
                                           per_replicate(demography.third_plus_share_scale, 1))
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
    realised = realise(prepared.scenario, streams, replicates)
    area_share = prepared.base.unit_share_of_area[None] * split_of(realised, lambda share: per_replicate(share, 1))
    if prepared.base.women_by_age is None:  # the bureau's own table fixes the areas
        area_share = prepared.base.area_population_share[None]
    params = ParameterContext(realised, prepared.base, calendar, replicates, area_share, prepared.source_file)
    demography = simulate_block(block_inputs(prepared, realised, params, replicates), calendar, streams,
                                replicates, prepared.override)
    context = LineContext(realised, prepared.base, calendar, replicates, area_share, prepared.source_file,
                          demography=demography, streams=streams)
    entitlements = {line.id: line.accrual(context, section_of(realised, line.id)) for line in prepared.lines}
    return BlockEntitlements(realised, demography, context, entitlements)


def run_block(prepared: Prepared, block: int, first: int, stop: int,
              drawn: BlockEntitlements | None = None) -> BlockResult:
    """One block through lines, accounts and impact; `drawn`: its events when already drawn (block 0)."""
    calendar = prepared.calendar
    replicates = stop - first
    drawn = drawn if drawn is not None else block_entitlements(prepared, block, replicates)
    accounts = block_accounts(prepared, drawn.realised, drawn.context, drawn.entitlements, replicates)
    impact = block_impact(prepared, drawn.realised, drawn.context, drawn.entitlements, block, replicates)
    output_years = slice(0, calendar.end_year - calendar.base_year + 1)
    demography = drawn.demography
    births = calendar.by_year(demography.births.sum(axis=4))[:, output_years]  # [rep, year, area, transition]
    births = np.concatenate([births[..., :2], births[..., 2:].sum(axis=-1, keepdims=True)], axis=-1)
    return BlockResult(accrual=accounts.accrual, cash=accounts.cash, payables=accounts.payables,
                       births=births.astype(np.float64),
                       births_by_age=demography.births_by_age[:, output_years].astype(np.float64), impact=impact,
                       capped_births=demography.capped_births)
