"""Benchmark harness: `python benchmarks/run_benchmarks.py` writes benchmarks/RESULTS.md.

Measures, on this machine, side by side in one run:
- the baseline through 2035 at 1,000 and 10,000 replicates (whole command-line runs,
  process start included): wall time and peak memory;
- the engine against the floor: the time numpy needs just to draw as many binomial
  variates as the engine draws (on the engine's own counts and chances), and the ratio;
- the cohort engine against the person-level reference engine (tests/person_engine.py)
  on the same work, as a ratio;
- sweep throughput (points a minute) with 1 and 2 workers;
- the baseline with and without cash timing, and full_plan (all twelve lines);
- in process, as from a notebook: a warm re-run of 200 replicates with one amount changed
  (model.Explorer) and `model.run` of 1,000 replicates, each beside the binomial-draw floor of
  that same run (`--interactive-only` measures just these and rewrites only their section).
Not a test: the figures depend on the machine, which the report describes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BASELINE = REPO / "scenarios" / "baseline.toml"
RUNS = 5  # repeats of each 1,000-replicate run (the median is reported)
RERUNS = 9  # warm re-runs of 200 replicates (the median is reported)


WRAPPER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def cli_run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the largest process) of one command.

    A fresh wrapper process per command, so the peak is this command's own (the operating
    system keeps only the largest child ever waited for)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "model", *args], check=True,
                          cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, int(done.stdout.strip().splitlines()[-1]) / 1024


def baseline_run(replicates: int, workers: int, extra: list[str] | None = None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        return cli_run(["run", str(BASELINE), "--out", f"{folder}/out", "--replicates", str(replicates),
                        "--workers", str(workers), "--quiet", *(extra or [])])


def repeated(measure: Callable[[], tuple[float, float]], times: int) -> tuple[str, float]:
    """'median (min–max)' of the wall time over `times` runs, and the largest peak memory.

    A shared virtual machine's runs vary by ±10%: one run says little about a 5-second target."""
    walls, peaks = zip(*(measure() for _ in range(times)), strict=True)
    if times == 1:
        return f"{walls[0]:.2f}", max(peaks)
    return f"{float(np.median(walls)):.2f} ({min(walls):.2f}–{max(walls):.2f})", max(peaks)


def _engine_inputs(prepared, block: int, first: int, stop: int):  # noqa: ANN001, ANN202 - model types load late
    """A block's streams and engine inputs, as the pipeline makes them."""
    from model.inputs import split_of
    from model.lines.base import ParameterContext
    from model.pipeline.block import block_inputs
    from model.realise import per_replicate, realise
    from model.rng import Streams

    streams = Streams(prepared.scenario.scenario.seed, block)
    realised = realise(prepared.scenario, streams, stop - first)
    area_share = prepared.base.unit_share_of_area[None] * split_of(realised, lambda share: per_replicate(share, 1))
    params = ParameterContext(realised, prepared.base, prepared.calendar, stop - first, area_share,
                              prepared.source_file)
    return streams, block_inputs(prepared, realised, params, stop - first)


def _recorded_draws(prepared, block: int, first: int, stop: int) -> list[tuple[np.ndarray, np.ndarray]]:  # noqa: ANN001
    """The counts and chances of every binomial (and multinomial) the engine draws for one block."""
    import model.sampling as sampling
    from model.engine import simulate_block

    recorded: list[tuple[np.ndarray, np.ndarray]] = []  # binomials: (n, p); multinomials: (n, probabilities)
    original, original_multinomial = sampling.binomial_quantile, sampling.multinomial_sequential

    def recording(u, n, p):
        recorded.append((np.broadcast_to(np.asarray(n), np.shape(u)).copy(),
                         np.broadcast_to(np.asarray(p, dtype=float), np.shape(u)).copy()))
        return original(u, n, p)

    def recording_multinomial(rng, n, probabilities):
        recorded.append((np.asarray(n).copy(), probabilities))
        return original_multinomial(rng, n, probabilities)

    streams, inputs = _engine_inputs(prepared, block, first, stop)
    sampling.binomial_quantile, sampling.multinomial_sequential = recording, recording_multinomial
    try:
        simulate_block(inputs, prepared.calendar, streams, stop - first, prepared.override)
    finally:
        sampling.binomial_quantile, sampling.multinomial_sequential = original, original_multinomial
    return recorded


def _numpy_draws(recorded: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, int]:
    """(seconds, variates): numpy's own sampler drawing as many variates with the same counts and chances."""
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    for n, p in recorded:
        if p.shape == n.shape:
            rng.binomial(n, np.clip(p, 0, 1))
        else:  # numpy's multinomial draws the same conditional binomials, one per category but the last
            rng.multinomial(n, p)
    seconds = time.perf_counter() - start
    return seconds, sum(n.size if p.shape == n.shape else n.size * (p.shape[-1] - 1) for n, p in recorded)


def engine_against_floor(replicates: int = 1000) -> dict[str, float]:
    """Engine time (demography only, one process) and numpy's time for the same binomial draws."""
    from model.engine import simulate_block
    from model.pipeline import prepare
    from model.rng import block_bounds
    from model.scenario import load_scenario

    prepared = prepare(load_scenario(BASELINE, replicates=replicates))
    engine_seconds = 0.0
    for block, (first, stop) in enumerate(block_bounds(replicates)):
        if block == 0:
            recorded = _recorded_draws(prepared, block, first, stop)
        streams, inputs = _engine_inputs(prepared, block, first, stop)
        start = time.perf_counter()
        simulate_block(inputs, prepared.calendar, streams, stop - first)
        engine_seconds += time.perf_counter() - start
    floor_block, draws = _numpy_draws(recorded)
    blocks = len(block_bounds(replicates))
    return {"engine_seconds": engine_seconds, "floor_seconds": floor_block * blocks,
            "draws": draws * blocks, "ratio": engine_seconds / (floor_block * blocks)}


def binomial_floor(loaded) -> tuple[float, int]:  # noqa: ANN001 - a LoadedScenario
    """The binomial-draw floor of a run: (seconds on one core, variates) numpy's sampler needs for the
    draws of the run's block 0, times its blocks (median of three timings), as engine_against_floor."""
    from model.pipeline import prepare
    from model.rng import block_bounds

    prepared = prepare(loaded)
    bounds = block_bounds(loaded.scenario.scenario.replicates)
    recorded = _recorded_draws(prepared, 0, *bounds[0])
    timings = [_numpy_draws(recorded) for _ in range(3)]
    return float(np.median([t for t, _ in timings])) * len(bounds), timings[0][1] * len(bounds)


def interactive(workers: int) -> list[str]:
    """In process, as from a notebook (imports, numba and the workers warm): a re-run of 200 replicates
    with one amount changed each time, and model.run of 1,000 replicates; each beside its floor."""
    import model

    amount = "lines.third_child_allowance.monthly_amount"
    rows = []
    # with cash timing, as `birthbudget run`; then on the accrual basis alone, as notebook 05_explore
    # runs it (it draws the total and the payer split, which need no claims queue)
    for name, fixed in (("warm re-run, one amount changed (`model.Explorer`)", {}),
                        ("the same, accrual basis only (as `05_explore` runs)", {"disbursement.enabled": False})):
        with model.Explorer(BASELINE, replicates=200, workers=workers) as explorer:
            explorer.run(fixed)  # starts the workers
            explorer.run({**fixed, amount: 505})  # one warm-up
            walls = []
            for step in range(1, RERUNS + 1):
                start = time.perf_counter()
                explorer.run({**fixed, amount: 500 + 10 * step})
                walls.append(time.perf_counter() - start)
            changed = explorer.scenario({**fixed, amount: 500 + 10 * RERUNS})
        floor, draws = binomial_floor(changed)
        rows.append((name, 200, walls, floor, draws))
    loaded = model.load_scenario(BASELINE, replicates=1000)
    model.run(loaded, workers=workers)  # one warm-up (the process's first run loads numba's kernels)
    walls = []
    for _ in range(RUNS):
        start = time.perf_counter()
        model.run(loaded, workers=workers)
        walls.append(time.perf_counter() - start)
    floor, draws = binomial_floor(loaded)
    rows.append(("`model.run` (a new pool each run)", 1000, walls, floor, draws))
    lines = [f"| run | replicates | processes | wall (s): median (range) | floor, one core (s) | "
             f"floor ÷ {workers} cores (s) | binomial variates |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, replicates, walls, floor, draws in rows:
        lines.append(f"| {name} | {replicates:,} | {workers} | {float(np.median(walls)):.2f} "
                     f"({min(walls):.2f}–{max(walls):.2f}) | {floor:.2f} | {floor / workers:.2f} | {draws:,} |")
    return lines


INTERACTIVE_TITLE = "## In process: the explorer and model.run"


def interactive_section(workers: int) -> list[str]:
    rows = interactive(workers)
    return [
        INTERACTIVE_TITLE, "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine()}, in one Python process as from a notebook "
        f"(imports and numba's kernels loaded, one warm-up run first): the re-run is the median of {RERUNS} runs "
        f"of `model.Explorer(..., replicates=200, workers={workers})`, each with the third-child allowance's "
        f"monthly amount changed (510, 520, … yuan: with the fertility response every birth and claim changes, "
        f"so nothing of the demography can be reused); `model.run` is the median of {RUNS}. The floor is the "
        "time numpy's own sampler needs for the binomial draws of that same run (block 0's counts and chances, "
        "times the blocks), as in \"Engine against the floor\" below; the engine draws them faster than that.",
        "", *rows, "",
    ]


def cohort_against_people(replicates: int = 20) -> dict[str, float]:
    from model.engine import simulate_block
    from model.lines.base import ParameterContext
    from model.pipeline import prepare
    from model.pipeline.block import block_inputs
    from model.realise import realise
    from model.rng import Streams
    from model.scenario import load_scenario
    from tests.person_engine import simulate_people

    prepared = prepare(load_scenario(BASELINE, replicates=replicates))
    streams = Streams(1, 0)
    realised = realise(prepared.scenario, streams, replicates)
    params = ParameterContext(realised, prepared.base, prepared.calendar, replicates,
                              prepared.base.area_population_share[None], prepared.source_file)
    inputs = block_inputs(prepared, realised, params, replicates)
    start = time.perf_counter()
    simulate_block(inputs, prepared.calendar, streams, replicates)
    cohort = time.perf_counter() - start
    start = time.perf_counter()
    simulate_people(inputs, prepared.calendar, replicates, seed=1)
    people = time.perf_counter() - start
    woman_years = inputs.women.sum() * prepared.calendar.n_years
    return {"cohort_seconds": cohort, "people_seconds": people, "ratio": people / cohort,
            "person_years_per_second_people": woman_years / people,
            "person_years_per_second_cohort": woman_years / cohort}


def sweep_throughput(workers: int) -> float:
    sweep = REPO / "scenarios" / "sweeps" / "take_up_grid.toml"
    folder = tempfile.mkdtemp()
    try:
        wall, _ = cli_run(["sweep", str(sweep), "--out", f"{folder}/s", "--workers", str(workers)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 15 / wall * 60


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = f", {int(Path('/proc/meminfo').read_text().split()[1]) / 1024**2:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-replicate run")
    parser.add_argument("--large", action="store_true", help="also the 1,000-point Latin hypercube (~10 min)")
    parser.add_argument("--interactive-only", action="store_true",
                        help="measure only the in-process runs and rewrite only their section of RESULTS.md")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    results_file = REPO / "benchmarks" / "RESULTS.md"
    if args.interactive_only:
        section = interactive_section(min(2, cores))
        text = results_file.read_text(encoding="utf-8")
        start = text.find(INTERACTIVE_TITLE)
        if start < 0:
            start = end = text.find("## Engine against the floor")
        else:
            following = text.find("\n## ", start + len(INTERACTIVE_TITLE))
            end = len(text) if following < 0 else following + 1
        results_file.write_text(text[:start] + "\n".join(section) + "\n" + text[end:], encoding="utf-8")
        print("\n".join(section))
        return
    lines = []

    def report(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    report(f"| run | replicates | processes | wall (s): median of {RUNS} (range) | peak memory (MB) |")
    report("|---|---:|---:|---:|---:|")
    for replicates, workers in [(1_000, 1), (1_000, min(2, cores))] + ([] if args.quick else [(10_000, cores)]):
        wall, peak = repeated(lambda r=replicates, w=workers: baseline_run(r, w), RUNS if replicates <= 1_000 else 3)
        report(f"| baseline 2022→2035 | {replicates:,} | {workers} | {wall} | {peak:,.0f} |")
    no_cash = REPO / "benchmarks" / "no_cash_timing.toml"
    no_cash.write_text(f'[scenario]\nname = "baseline, no cash timing"\nextends = "{BASELINE}"\n'
                       "[disbursement]\nenabled = false\n", encoding="utf-8")
    def thousand(scenario: Path) -> tuple[float, float]:
        with tempfile.TemporaryDirectory() as folder:
            return cli_run(["run", str(scenario), "--out", f"{folder}/o", "--replicates", "1000",
                            "--workers", str(min(2, cores)), "--quiet"])

    try:
        wall, peak = repeated(lambda: thousand(no_cash), RUNS)
    finally:
        no_cash.unlink()
    report(f"| baseline without cash timing | 1,000 | {min(2, cores)} | {wall} | {peak:,.0f} |")
    # every line of the plan and the national subsidy
    wall, peak = repeated(lambda: thousand(REPO / "scenarios" / "full_plan.toml"), RUNS)
    report(f"| full_plan (12 lines) | 1,000 | {min(2, cores)} | {wall} | {peak:,.0f} |")
    in_process = interactive_section(min(2, cores))
    floor = engine_against_floor()
    people = cohort_against_people()
    throughput = {w: sweep_throughput(w) for w in (1, min(2, cores))}
    large = ""
    if args.large:
        folder = tempfile.mkdtemp()
        try:
            wall, _ = cli_run(["sweep", str(REPO / "benchmarks" / "lhs_1000.toml"), "--out", f"{folder}/s",
                               "--workers", str(min(2, cores))])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        large = (f"- `benchmarks/lhs_1000.toml` (1,000 points × 100 replicates), {min(2, cores)} workers: "
                 f"{wall / 60:.1f} minutes ({1000 / wall * 60:.0f} points a minute)")
    text = [
        "# Benchmark results", "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `python benchmarks/run_benchmarks.py`.",
        f"Machine: {machine()}.", "",
        "## Whole runs", "",
        "Command-line runs (`birthbudget run scenarios/baseline.toml`), process start included, numba's "
        "cache warm (the first run after installing compiles the kernels: about 4 s more); peak memory is the "
        "largest single process.", "", *lines, "",
        *in_process,
        "## Engine against the floor", "",
        f"The demography engine for 1,000 replicates (one process, lines excluded) takes "
        f"{floor['engine_seconds']:.2f} s for {floor['draws']:,.0f} cell draws; numpy's own binomial sampler "
        f"needs {floor['floor_seconds']:.2f} s just to draw as many variates with the engine's counts and "
        f"chances. Ratio: **{floor['ratio']:.2f}×** the floor. (The engine draws by inverse CDF, one uniform "
        "per cell, for common random numbers; see model/sampling.py.)", "",
        "## Cohort engine against the person-level reference engine", "",
        f"Same inputs (the whole city, 20 replicates): cohort engine {people['cohort_seconds']:.2f} s, "
        f"person-level engine (tests/person_engine.py, vectorised numpy, one row per woman) "
        f"{people['people_seconds']:.2f} s: the cohort engine is **{people['ratio']:.0f}×** faster "
        f"({people['person_years_per_second_cohort'] / 1e6:,.0f} M against "
        f"{people['person_years_per_second_people'] / 1e6:,.1f} M woman-years a second).", "",
        "## Sweep throughput", "",
        "`scenarios/sweeps/take_up_grid.toml` (15 points × 20 replicates), process start included:", "",
        *[f"- {w} worker{'s' if w > 1 else ''}: {throughput[w]:.0f} points a minute" for w in throughput],
        *([large] if large else []), "",
    ]
    results_file.write_text("\n".join(text), encoding="utf-8")
    print(results_file.read_text())


if __name__ == "__main__":
    main()
