"""The runner: a run's replicates in blocks, on this process and a pool of workers.

prepare (once) → claims pilot (once, when cash timing is on) → every block (any order, any
process: identical results) → the run's result, blocks in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from model.memory import check_memory
from model.pipeline.block import BlockResult, block_entitlements, run_block
from model.pipeline.claims_pilot import PILOT_REPLICATES, approval_profiles
from model.pipeline.prepare import Prepared, prepare
from model.pipeline.run_result import RunResult
from model.rng import block_bounds
from model.scenario import LoadedScenario
from model.worker_lifetime import die_with_parent

_WORKER_PREPARED: Prepared | None = None  # set once per worker process by the pool's initializer


def _init_worker(prepared: Prepared) -> None:
    global _WORKER_PREPARED
    die_with_parent()  # never outlive a run killed from outside
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
