"""Benchmark harness: `python benchmarks/run_benchmarks.py` writes benchmarks/RESULTS.md.

Measures whole command-line runs (process start included), as an analyst runs them:
the baseline through 2035 at 1,000 replicates on 1 and 2 processes, and 10,000 replicates
on all cores, each with wall time and peak memory (of the process tree). Not a test: the
figures depend on the machine, which the report describes.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.toml"


def timed_run(replicates: int, workers: int) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the largest process) for one CLI run."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "model", "run", str(BASELINE), "--out", f"{folder}/out",
                   "--replicates", str(replicates), "--workers", str(workers), "--quiet"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return wall, peak_kb / 1024


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-replicate run")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    cases = [(1_000, 1), (1_000, min(2, cores))] + ([] if args.quick else [(10_000, cores)])
    rows = []
    for replicates, workers in cases:
        wall, peak = timed_run(replicates, workers)
        rows.append(f"| baseline 2022→2035 | {replicates:,} | {workers} | {wall:.2f} | {peak:,.0f} |")
        print(rows[-1], flush=True)
    report = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} by `python benchmarks/run_benchmarks.py`.",
        f"Machine: {machine()}.",
        "",
        "Whole command-line runs (`birthbudget run scenarios/baseline.toml`), process start included;",
        "peak memory is the largest single process (the main process or one worker).",
        "",
        "| run | replicates | processes | wall (s) | peak memory (MB) |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
    ]
    (REPO / "benchmarks" / "RESULTS.md").write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
