"""The runner: a run's replicates in blocks, on this process and a pool of workers.

prepare (once) → claims pilot (once, when cash timing is on) → every block (any order, any
process: identical results) → the run's result, blocks in order.

`Session` runs scenario after scenario on worker processes it keeps (a notebook's explorer,
model.explore): the workers get the prepared data once, a run sends only its scenario, and
what an earlier run computed is reused where it is provably the same (see Session).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import queue
import signal
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from model.disbursement import approval_profile
from model.errors import InputError
from model.inputs import recipient_rolls, schemes_priced
from model.lines import run_lines, section_of
from model.malloc_tuning import keep_freed_memory
from model.memory import check_memory
from model.pipeline.block import BlockEntitlements, BlockResult, block_entitlements, run_block
from model.pipeline.claims_pilot import PILOT_REPLICATES, approval_profiles
from model.pipeline.prepare import Prepared, _check_line_inputs, payers_of, prepare
from model.pipeline.run_result import RunResult
from model.provenance import input_checksums
from model.rng import block_bounds
from model.scenario import LoadedScenario, Scenario
from model.worker_lifetime import start_worker

_WORKER_PREPARED: Prepared | None = None  # set once per worker process by the pool's initializer


def _init_worker(prepared: Prepared) -> None:
    global _WORKER_PREPARED
    start_worker()  # never outlive a run killed from outside; SIGTERM stops a worker
    keep_freed_memory()  # this worker only (the command line sets it for its own process too)
    _WORKER_PREPARED = prepared


def _run_block_in_worker(args: tuple[int, int, int]) -> BlockResult:
    """A block in a pool worker: the prepared run came once, with the worker, not with each job."""
    assert _WORKER_PREPARED is not None
    return run_block(_WORKER_PREPARED, *args)


def run(loaded: LoadedScenario, workers: int = 1,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    started = time.perf_counter()
    prepared = prepare(loaded)
    # with a pool, this process runs blocks too
    check_memory(loaded.scenario.scenario.replicates, prepared.calendar, workers + 1 if workers > 1 else 1,
                 loaded.file_of("scenario.replicates"), len(prepared.scenario.city.areas),
                 len(prepared.scenario.measures))
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
    return _result(loaded, prepared, results, started, prepared_at)


def _result(loaded: LoadedScenario, prepared: Prepared, results: list[BlockResult], started: float,
            prepared_at: float) -> RunResult:
    """The run's result from its blocks, in block order."""
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
        diagnostics=_diagnostics(results) | backtest(prepared, np.concatenate([r.births for r in results])),
    )


def backtest(prepared: Prepared, births: np.ndarray) -> dict[str, float]:
    """Simulated births (mean over replicates) beside every published count of a simulated year,
    and the gap as a share of the published count: `births_YEAR_published`, `_simulated`, `_gap`."""
    out: dict[str, float] = {}
    base_year = prepared.calendar.base_year
    for year, published in sorted(prepared.base.published_births.items()):
        index = year - base_year
        if not 0 <= index < births.shape[1] or published <= 0:
            continue
        simulated = float(births[:, index].sum(axis=(1, 2)).mean())
        out |= {f"births_{year}_published": round(published, 1), f"births_{year}_simulated": round(simulated, 1),
                f"births_{year}_gap": round(simulated / published - 1, 4)}
    return out


def _diagnostics(results: list[BlockResult]) -> dict[str, float]:
    replicates = sum(len(r.births) for r in results)
    capped = sum(r.capped_births for r in results) / replicates
    births = sum(float(r.births.sum()) for r in results) / replicates
    return {"births_capped_by_women_at_risk_per_replicate": round(capped, 3),
            "capped_share_of_births": round(capped / births, 8) if births else 0.0}


# ---------------------------------------------------------------- runs on workers kept between runs

HELD_BLOCKS = 2  # blocks a worker draws ahead while the claims pilot runs (their events wait for the profiles)
PROFILES_KEPT = 16  # approval profiles remembered (line × claims × timing), about 1.6 MB each


def data_key(scenario: Scenario) -> str:
    """The digest of everything `prepare` reads besides the lines: the calendar, the areas, the
    demography and eligibility (central values, the fertility trend check, the births override),
    the data tables named and the content of every data file, and the award line's switch and
    schemes (they decide whether the recipients table is read). Two scenarios with the same key
    get the same base data, calendar, calibration, initial women and births override; only the
    lines, their payers and their checks differ (recomputed for every run)."""
    document = {
        "calendar": [scenario.scenario.start_year, scenario.scenario.end_year, scenario.scenario.policy_start],
        "sections": {name: getattr(scenario, name).model_dump(mode="json")
                     for name in ("areas", "demography", "eligibility", "data")},
        "awards": [schemes_priced(scenario), sorted(recipient_rolls(scenario))],
        "files": input_checksums(scenario),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class _RunSpec:
    """What a worker needs for a run beyond the prepared data it holds (a few kB)."""

    run_id: int
    key: str  # data key of the prepared data to use
    scenario: Scenario
    origin: dict[str, str]
    line_ids: list[str]
    payer_ids: tuple[str, ...]
    jobs: list[tuple[int, int, int]]  # (block, first, stop)
    pilot: bool  # this worker sends the claims pilot's expected claims (it has block 0)


def pilot_claims(prepared: Prepared, block_zero: BlockEntitlements) -> dict[str, np.ndarray]:
    """line → [area, month] expected claims of the pilot (the first PILOT_REPLICATES replicates of
    block 0), exactly as claims_pilot.approval_profiles takes them."""
    if len(block_zero.demography.births) < PILOT_REPLICATES:
        block_zero = block_entitlements(prepared, 0, PILOT_REPLICATES)
    queued = {line.id for line in prepared.lines if line.cash is None}
    return {line_id: np.stack([entitlement.claims[:PILOT_REPLICATES, :, a].mean(axis=0)
                               for a in range(entitlement.claims.shape[-1])])
            for line_id, entitlement in block_zero.entitlements.items() if line_id in queued}


def _packed(profile: np.ndarray) -> tuple[tuple[int, ...], np.ndarray, np.ndarray]:
    """An approval profile as (shape, positions, values) of its non-zero entries (about 2% of them;
    a negative zero counts as non-zero): sent to the workers in a fiftieth of the bytes."""
    flat = np.ascontiguousarray(profile, dtype=np.float64).reshape(-1)
    positions = np.flatnonzero(flat.view(np.uint64))  # by bit pattern: every entry comes back as it was
    return profile.shape, positions, flat[positions]


def _unpacked(packed: tuple[tuple[int, ...], np.ndarray, np.ndarray]) -> np.ndarray:
    shape, positions, values = packed
    flat = np.zeros(int(np.prod(shape)))
    flat[positions] = values
    return flat.reshape(shape)


def _worker_main(commands: Any, results: Any) -> None:
    """A kept worker: holds the prepared data (one data key) and the approval profiles it was sent."""
    start_worker()
    keep_freed_memory()  # a worker keeps its working set between blocks (see model/malloc_tuning.py)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a notebook stops the session, which ends the workers
    data: dict[str, Prepared] = {}
    profiles: dict[str, np.ndarray] = {}
    while True:
        message = commands.get()
        if message[0] == "stop":
            return
        if message[0] == "data":
            data = {message[1]: message[2]}
            continue
        if message[0] == "profiles":  # a run this worker had no block of: keep what the others hold
            profiles.update({line_id: _unpacked(packed) for line_id, packed in message[2].items()})
            continue
        spec: _RunSpec = message[1]
        try:
            _worker_run(spec, data[spec.key], profiles, commands, results)
        except BaseException as error:  # noqa: BLE001 - reported to the session, which stops the workers
            import pickle
            import traceback

            try:
                pickle.dumps(error)
            except Exception:  # noqa: BLE001 - an error that cannot cross to the session is described
                error = RuntimeError(f"{type(error).__name__}: {error}")
            results.put(("error", spec.run_id, error, traceback.format_exc()))


def _worker_run(spec: _RunSpec, data: Prepared, profiles: dict[str, np.ndarray], commands: Any, results: Any) -> None:
    prepared = replace(data, scenario=spec.scenario, origin=spec.origin, lines=run_lines(spec.scenario),
                       payer_ids=spec.payer_ids, profiles=None)
    waiting = spec.scenario.disbursement.enabled  # cash needs the profiles, which need block 0's claims
    held: list[tuple[tuple[int, int, int], BlockEntitlements]] = []

    def take_profiles(wait: bool) -> None:
        while prepared.profiles is None and (wait or not commands.empty()):
            kind, run_id, update, line_ids = commands.get()
            if kind != "profiles" or run_id != spec.run_id:
                raise RuntimeError(f"unexpected message {kind!r} for run {run_id} during run {spec.run_id}")
            profiles.update({line_id: _unpacked(packed) for line_id, packed in update.items()})
            prepared.profiles = {line_id: profiles[line_id] for line_id in line_ids}

    def finish(job: tuple[int, int, int], drawn: BlockEntitlements | None) -> None:
        results.put(("block", spec.run_id, job[0], run_block(prepared, *job, drawn=drawn)))

    for job in spec.jobs:
        if waiting and prepared.profiles is None:
            take_profiles(wait=len(held) >= HELD_BLOCKS)
        if waiting and prepared.profiles is None:  # draw ahead while the pilot's profiles are computed
            drawn = block_entitlements(prepared, job[0], job[2] - job[1])
            if job[0] == 0 and spec.pilot:
                results.put(("pilot", spec.run_id, pilot_claims(prepared, drawn)))
            held.append((job, drawn))
            continue
        while held:
            finish(*held.pop(0))
        finish(job, None)
    if held:
        take_profiles(wait=True)
    while held:
        finish(*held.pop(0))


class Session:
    """Runs on worker processes kept between runs; results identical to `run` (blocks are
    independent, so where each runs changes no figure).

    What an earlier run computed is reused only where it is provably the same:
    - prepare: the base data, calendar, calibration, initial women and births override of the
      last data key (`data_key`: everything they read, data files by content); the lines, payers
      and checks are prepared for every run. The workers get the prepared data once per data key;
      a run sends its scenario (a few kB).
    - the claims pilot: each line's approval profile is a function of the pilot's expected claims
      and the line's timing alone; both are compared, bit for bit, with those of earlier runs. The
      pilot's claims are drawn with block 0 in every run (they depend on births, so on every
      line's amounts through the fertility response): only the queue simulation is saved.
    The workers draw their blocks' events while the pilot's queue runs in this process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._context = multiprocessing.get_context()
        self._processes: list[Any] = []
        self._commands: list[Any] = []
        self._results: Any = None
        self._worker_key: str | None = None  # data key the workers hold
        self._worker_profiles: dict[str, str] = {}  # line → profile key the workers hold
        self._prepared: tuple[str, Prepared] | None = None  # last data key → its prepared run
        self._profiles: OrderedDict[str, np.ndarray] = OrderedDict()  # profile key → [area, month, month]
        self._run_id = 0
        self.stats = {"prepared": 0, "prepare_reused": 0, "profiles_computed": 0, "profiles_reused": 0,
                      "workers_started": 0}

    # -- prepare, cached by data key

    def prepare(self, loaded: LoadedScenario) -> Prepared:
        """`prepare(loaded)`, with the data part of the last run reused when its data key is the same."""
        scenario = loaded.scenario
        try:
            key = data_key(scenario)
        except (InputError, OSError):  # a data file missing or unreadable: prepare says which, as a run does
            prepare(loaded)
            raise
        if self._prepared is None or self._prepared[0] != key:
            prepared = prepare(loaded)
            self._prepared = (key, prepared)
            self.stats["prepared"] += 1
            return replace(prepared)  # the run sets its own profiles
        lines = run_lines(scenario)
        prepared = replace(self._prepared[1], scenario=scenario, origin=loaded.origin, lines=lines,
                           payer_ids=payers_of([section_of(scenario, line.id) for line in lines], scenario.city),
                           profiles=None)
        _check_line_inputs(prepared)
        self.stats["prepare_reused"] += 1
        return prepared

    # -- the claims pilot's profiles, cached by their inputs

    def _profile(self, prepared: Prepared, line_id: str, claims: np.ndarray) -> tuple[str, np.ndarray]:
        timing = prepared.scenario.disbursement.of(line_id, prepared.scenario)
        digest = hashlib.sha256(timing.model_dump_json().encode("utf-8"))
        digest.update(f"{line_id}|{claims.dtype.str}|{claims.shape}|".encode())
        digest.update(np.ascontiguousarray(claims).tobytes())
        key = digest.hexdigest()
        if key in self._profiles:
            self._profiles.move_to_end(key)
            self.stats["profiles_reused"] += 1
            return key, self._profiles[key]
        profile = np.stack([approval_profile(claims[a], timing) for a in range(len(claims))])
        self._profiles[key] = profile
        while len(self._profiles) > PROFILES_KEPT:
            self._profiles.popitem(last=False)
        self.stats["profiles_computed"] += 1
        return key, profile

    # -- the workers

    def _start(self, count: int) -> None:
        while len(self._processes) < count:
            if self._results is None:
                self._results = self._context.Queue()
            commands = self._context.Queue()
            process = self._context.Process(target=_worker_main, args=(commands, self._results), daemon=True,
                                            name=f"birthbudget-worker-{len(self._processes)}")
            process.start()
            self._processes.append(process)
            self._commands.append(commands)
            self.stats["workers_started"] += 1
            self._worker_key, self._worker_profiles = None, {}  # a new worker holds nothing yet

    def _receive(self) -> tuple[Any, ...]:
        while True:
            try:
                return tuple(self._results.get(timeout=0.2))
            except queue.Empty:
                dead = [p for p in self._processes if not p.is_alive()]
                if dead:
                    raise BrokenProcessPool(f"a worker process died (exit code {dead[0].exitcode}) before finishing "
                                            "its replicates") from None

    def close(self, at_once: bool = False) -> None:
        """Stop the workers (a later run starts new ones); `at_once`: without letting them finish
        what they are doing (after an error or Ctrl-C)."""
        for commands in self._commands:
            with contextlib.suppress(OSError, ValueError):  # a queue already closed
                commands.put(("stop",))
        for process in self._processes:
            process.join(timeout=0 if at_once else 1)
            if process.is_alive():
                process.kill()
                process.join()
        for channel in [*self._commands, *([self._results] if self._results is not None else [])]:
            channel.close()
            channel.cancel_join_thread()
        self._processes, self._commands, self._results = [], [], None
        self._worker_key, self._worker_profiles = None, {}

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- a run

    def run(self, loaded: LoadedScenario, progress: Callable[[int, int], None] | None = None) -> RunResult:
        """Run a loaded scenario on the kept workers; the same RunResult as `run(loaded)`."""
        started = time.perf_counter()
        prepared = self.prepare(loaded)
        replicates = loaded.scenario.scenario.replicates
        check_memory(replicates, prepared.calendar, self.workers * HELD_BLOCKS, loaded.file_of("scenario.replicates"),
                     len(prepared.scenario.city.areas), len(prepared.scenario.measures))
        prepared_at = time.perf_counter()
        jobs = [(block, first, stop) for block, (first, stop) in enumerate(block_bounds(replicates))]
        count = min(self.workers, len(jobs))
        try:
            return self._run(loaded, prepared, jobs, count, started, prepared_at, progress)
        except BaseException:  # an error, Ctrl-C or a dead worker: no worker is left mid-run
            self.close(at_once=True)
            raise

    def _run(self, loaded: LoadedScenario, prepared: Prepared, jobs: list[tuple[int, int, int]], count: int,
             started: float, prepared_at: float, progress: Callable[[int, int], None] | None) -> RunResult:
        assert self._prepared is not None
        self._start(count)
        key = self._prepared[0]
        if self._worker_key != key:
            template = self._prepared[1]
            for commands in self._commands:
                commands.put(("data", key, template))
            self._worker_key = key
        self._run_id += 1
        scenario = loaded.scenario
        for worker in range(count):  # block 0 first on worker 0, then every `count`-th block
            commands = self._commands[worker]
            commands.put(("run", _RunSpec(self._run_id, key, scenario, loaded.origin, prepared.line_ids,
                                          prepared.payer_ids, jobs[worker::count], pilot=worker == 0)))
        results: dict[int, BlockResult] = {}
        while len(results) < len(jobs):
            message = self._receive()
            if message[1] != self._run_id:
                continue
            if message[0] == "error":
                error, trace = message[2], message[3]
                raise error from RuntimeError(f"in a worker process:\n{trace}")
            if message[0] == "pilot":
                prepared.profiles = {}
                update = {}
                for line_id, claims in message[2].items():
                    profile_key, profile = self._profile(prepared, line_id, claims)
                    prepared.profiles[line_id] = profile
                    if self._worker_profiles.get(line_id) != profile_key:
                        update[line_id] = _packed(profile)
                        self._worker_profiles[line_id] = profile_key
                for commands in self._commands:  # idle workers too: every worker holds the same profiles
                    commands.put(("profiles", self._run_id, update, list(prepared.profiles)))
                continue
            results[message[2]] = message[3]
            if progress:
                progress(len(results), len(jobs))
        return _result(loaded, prepared, [results[block] for block, _, _ in jobs], started, prepared_at)
