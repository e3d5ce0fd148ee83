"""Jingmen birth-support budget model (荆门市优化生育政策财政预算模型).

Use from a notebook::

    import model
    loaded = model.load_scenario("scenarios/baseline.toml", replicates=200)
    result = model.run(loaded)
    model.budget_table(result)
"""

from __future__ import annotations

__version__ = "0.1.0"

from model.errors import InputError  # noqa: E402
from model.scenario import load_scenario  # noqa: E402


def run(loaded, workers: int = 1):  # type: ignore[no-untyped-def]
    """Run a loaded scenario (see model.pipeline.run)."""
    from model.pipeline import run as _run

    return _run(loaded, workers=workers)


def budget_table(result):  # type: ignore[no-untyped-def]
    from model.result_tables import budget_table as _budget_table

    return _budget_table(result)


def write_run(result, out_dir, force: bool = False):  # type: ignore[no-untyped-def]
    """Write the run folder (budget.csv, births.csv, manifest.json, …) as `birthbudget run` does."""
    from model.run_folder.write import write_run as _write_run

    return _write_run(result, out_dir, force=force)


def births_table(result):  # type: ignore[no-untyped-def]
    from model.result_tables import births_table as _births_table

    return _births_table(result)


__all__ = ["InputError", "__version__", "births_table", "budget_table", "load_scenario", "run", "write_run"]
