"""Writing a run folder (the contract's files), shared by the command line and notebooks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from model.results import (
    births_by_age_table,
    births_table,
    births_total_table,
    budget_table,
    csv_writer,
    impact_table,
    json_writer,
    manifest,
    parquet_writers,
    payables_table,
    replicates_writer,
)
from model.run_folder import write_new
from model.simulation import RunResult


def write_run(result: RunResult, out_dir: str | Path, force: bool = False, started: datetime | None = None,
              wall_seconds: float | None = None, command: list[str] | None = None) -> Path:
    """Write budget.csv, births.csv, … and manifest.json to `out_dir`, atomically."""
    out_dir = Path(out_dir)
    frames = {"budget.csv": budget_table(result), "births.csv": births_table(result),
              "births_total.csv": births_total_table(result), "impact.csv": impact_table(result)}
    if result.payables is not None:
        frames["payables.csv"] = payables_table(result)
    if result.loaded.scenario.output.births_by_mother_age:
        frames["births_by_mother_age.csv"] = births_by_age_table(result)
    writers = {name: csv_writer(frame, decimals=4 if name == "impact.csv" else 2) for name, frame in frames.items()}
    writers.update(parquet_writers(frames))
    writers["replicates.npz"] = replicates_writer(result)
    started = started or datetime.now().astimezone()
    wall = wall_seconds if wall_seconds is not None else sum(result.timing.values())
    writers["manifest.json"] = json_writer(manifest(result, started, wall, command or ["python API"]))
    write_new(out_dir, writers, force)
    return out_dir
