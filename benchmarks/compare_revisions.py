"""Before/after timing of the baseline at 1,000 replicates, the two revisions interleaved in one run.

    git worktree add /tmp/before <revision>
    python benchmarks/compare_revisions.py /tmp/before [runs]

Each run is a whole `python -m model run` (default workers, process start included) in the revision's own folder
(so each imports its own `model`); one warm-up run each is not counted (numba compiles and caches
its kernels). Prints the medians and their ratio, and writes them as the section "Before and
after a change" of RESULTS.md (replacing an earlier one; a full run of run_benchmarks.py drops it)."""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(tree: Path) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "model", "run", str(tree / "scenarios" / "baseline.toml"), "--out",
                        f"{folder}/out", "--replicates", "1000"], cwd=tree, check=True, capture_output=True)
        return time.perf_counter() - start


def main() -> None:
    before, runs = Path(sys.argv[1]).resolve(), int(sys.argv[2]) if len(sys.argv) > 2 else 5
    trees = {"before": before, "after": REPO}
    for tree in trees.values():
        timed(tree)  # warm-up: compiled kernels cached
    times: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(runs):
        for name, tree in trees.items():
            times[name].append(timed(tree))
    lines = [f"- {name} ({tree}, {revision(tree)}): median {statistics.median(times[name]):.2f} s over {runs} "
             f"runs ({', '.join(f'{v:.2f}' for v in times[name])})" for name, tree in trees.items()]
    ratio = statistics.median(times["after"]) / statistics.median(times["before"])
    lines.append(f"- ratio after/before: **{ratio:.3f}**")
    print("\n".join(lines))
    results = REPO / "benchmarks" / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    start = text.find(TITLE)
    text = text[:start].rstrip() + "\n" if start >= 0 else text.rstrip() + "\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text += (f"\n{TITLE}\n\nThe baseline at 1,000 replicates (`birthbudget run`, default workers, process start "
             f"included), the two revisions interleaved, measured {stamp} on {platform.platform()} by "
             "`python benchmarks/compare_revisions.py`:\n\n" + "\n".join(lines) + "\n")
    results.write_text(text, encoding="utf-8")


TITLE = "## Before and after a change"


def revision(tree: Path) -> str:
    done = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--", "model"], capture_output=True,
                           text=True).stdout.strip()
    return (done.stdout.strip() or "?") + (" with uncommitted changes to model/" if dirty else "")


if __name__ == "__main__":
    main()
