"""Birth-support budget model of a city (生育支持政策财政预算模型); the default city ships in model/data.

Use from a notebook::

    import model
    loaded = model.load_scenario("scenarios/baseline.toml", replicates=200)
    result = model.run(loaded)
    model.budget_table(result)

    explorer = model.Explorer("scenarios/baseline.toml", replicates=200)   # re-runs at once
    result = explorer.run({"lines.third_child_allowance.monthly_amount": 600})
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from model.errors import InputError
from model.explore import Explorer
from model.scenario import LoadedScenario, load_scenario
from model.version import __version__

if TYPE_CHECKING:  # the pipeline and the outputs load on first use: `import model` stays quick
    import pandas as pd

    from model.pipeline import RunResult


def run(loaded: LoadedScenario, workers: int | None = None) -> RunResult:
    """Run a loaded scenario (see model.pipeline.run) on `workers` processes, by default one per
    core as the command line does; the results are the same whatever `workers` is."""
    from model.pipeline import run as _run

    return _run(loaded, workers=workers or os.cpu_count() or 1)


def budget_table(result: RunResult) -> pd.DataFrame:
    """The budget.csv table of a run."""
    from model.result_tables import budget_table as _budget_table

    return _budget_table(result)


def write_run(result: RunResult, out_dir: str | Path, force: bool = False) -> Path:
    """Write the run folder (budget.csv, births.csv, manifest.json, …) as `birthbudget run` does."""
    from model.run_folder.write import write_run as _write_run

    return _write_run(result, out_dir, force=force)


def births_table(result: RunResult) -> pd.DataFrame:
    """The births.csv table of a run."""
    from model.result_tables import births_table as _births_table

    return _births_table(result)


__all__ = ["Explorer", "InputError", "__version__", "births_table", "budget_table", "load_scenario", "run", "write_run"]
