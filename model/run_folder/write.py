"""Writing a run folder: the contract's files (tables, replicates, manifest) from a run's
result, checked to hold only finite numbers, then written all at once (see replace.py)."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.city import HIGHER_LEVELS
from model.errors import InputError
from model.files import file_sha256
from model.pipeline.run_result import RunResult
from model.provenance import code_fingerprint, input_checksums, input_key
from model.result_tables import (
    births_by_age_table,
    births_table,
    births_total_table,
    budget_table,
    impact_table,
    payables_table,
)
from model.run_folder.manifest import DIGEST_KEY, manifest_digest
from model.run_folder.replace import write_new
from model.scenario import Scenario
from model.version import __version__


def write_run(result: RunResult, out_dir: str | Path, force: bool = False, started: datetime | None = None,
              wall_seconds: float | None = None, command: list[str] | None = None,
              extra: dict[str, Callable[[Path], None]] | None = None) -> Path:
    """Write budget.csv, births.csv, … and manifest.json to `out_dir`, atomically; `extra`: more
    files of the same folder (name → writer), e.g. readings.csv."""
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
    writers.update(extra or {})
    write_new(out_dir, writers, force)
    return out_dir


def replicates_writer(result: RunResult) -> Callable[[Path], None]:
    """Per-replicate results (budget cube, births, impact) so runs can be compared replicate by replicate."""
    def write(path: Path) -> None:
        arrays = {"accrual": result.accrual, "births": result.births,
                  **({} if result.cash is None else {"cash": result.cash, "payables": result.payables}),
                  "years": result.calendar.budget_years, "lines": np.array(result.line_ids),
                  "kinds": np.array(result.line_kinds), "payers": np.array(result.payer_ids),
                  "seed": np.array(result.loaded.scenario.scenario.seed),
                  **{f"impact_{k}": v for k, v in result.impact.items()}}
        for name, array in arrays.items():
            if array.dtype.kind == "f" and not np.isfinite(array).all():
                raise InputError(path.name, name, "figures that are not finite (inf or NaN): an amount, count or "
                                 "growth in the scenario is too large to price; nothing was written")
        write_npz(path, arrays)
    return write


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez without compression: simulated money in float64 compresses by only a third (zlib
    level 1), and compressing took a quarter of a second per 1,000 replicates."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def manifest(result: RunResult, started: datetime, wall_seconds: float, argv: list[str]) -> dict[str, Any]:
    """The run's record; its last key is the SHA-256 of the rest, so `rerun` sees any edit."""
    loaded, prepared = result.loaded, result.prepared
    inputs = {input_key(p): file_sha256(p) for p in loaded.files}
    inputs.update(input_checksums(loaded.scenario))
    document = {
        "scenario": loaded.scenario.model_dump(mode="json"),
        "city": {"folder": str(prepared.scenario.city.folder),
                 "spec": prepared.scenario.city.spec.model_dump(mode="json")},
        "scenario_file": str(loaded.files[0]),
        "value_origin": loaded.origin,
        "seed": loaded.scenario.scenario.seed,
        "replicates": loaded.scenario.scenario.replicates,
        "block_size": result.block_size,
        "package_version": __version__,
        "code_sha256": code_fingerprint(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "command": argv,
        "input_checksums_sha256": inputs,
        "calibration": {
            "base_year": prepared.calendar.base_year,
            "target_births_by_transition": {str(k): v for k, v in prepared.calibration.targets.items()},
            "alignment_factors": {str(k): v for k, v in prepared.calibration.factors.items()},
        },
        "lines": result.line_ids,
        "start_time": started.isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
        "timing_seconds": {k: round(v, 3) for k, v in result.timing.items()},
        "cash_timing": ("simpy claims process on the expected claims of a fixed pilot (the first 20 "
                        "replicates); its approval profile applied to every replicate"
                        if result.cash is not None else "off"),
        "diagnostics": result.diagnostics,
    }
    document[DIGEST_KEY] = manifest_digest(document)
    return document


def estimate_output_bytes(scenario: Scenario) -> int:
    """Disk space a run folder of `scenario` needs (replicates.npz dominates), with a margin."""
    s = scenario.scenario
    lines = sum(getattr(scenario.lines, name).enabled for name in type(scenario.lines).model_fields) + sum(
        measure.enabled for measure in scenario.measures.values())
    years, simulated = s.end_year - s.start_year + 2, s.end_year - scenario.demography.base_year + 1
    areas = len(scenario.city.areas)
    payers = 1 + areas + len(HIGHER_LEVELS)
    per_replicate = (3 * years * lines * payers + simulated * areas * 3 + 3 * years) * 8
    return int(1.2 * s.replicates * per_replicate) + 4 * 2**20  # + the tables, parquet copies, manifest


def _check_finite(frame: pd.DataFrame, path: Path) -> None:
    """Never write inf or NaN: a figure that is not finite comes from an input too large to price."""
    numbers = frame.select_dtypes("number")
    bad = ~np.isfinite(numbers.to_numpy(dtype=float))
    if bad.any():
        row, column = (int(i[0]) for i in np.nonzero(bad))
        where = ", ".join(f"{k}={frame.iloc[row][k]}" for k in frame.columns[:3])
        raise InputError(path.name, f"column {numbers.columns[column]!r} ({where})",
                         "the figure is not finite (inf or NaN): an amount, count or growth in the scenario is "
                         "too large to price; nothing was written")


def csv_writer(frame: pd.DataFrame, decimals: int = 2) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        _check_finite(frame, path)
        frame.round(decimals).to_csv(path, index=False, lineterminator="\n", float_format=f"%.{decimals}f")
    return write


def json_writer(document: dict[str, Any]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return write


def parquet_writers(frames: dict[str, pd.DataFrame]) -> dict[str, Callable[[Path], None]]:
    """Parquet copies where pyarrow is installed (an optional dependency)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return {}
    def writer(frame: pd.DataFrame) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            _check_finite(frame, path)
            frame.to_parquet(path, index=False)
        return write

    return {name.replace(".csv", ".parquet"): writer(frame) for name, frame in frames.items()}
