"""Result tables (the contract of DESIGN.md) and their atomic writing.

`all` rows are sums computed per replicate before the quantiles are taken, so means add
up across lines and payers while quantiles need not. Money is yuan, float64 until the
file is written with two decimals.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model import __version__
from model.areas import AREAS
from model.engine import AGE_GROUP_LABELS
from model.errors import InputError
from model.files import file_sha256
from model.lines import LINE_BY_ID
from model.provenance import code_fingerprint, input_checksums
from model.rng import BLOCK_SIZE
from model.simulation import RunResult

QUANTILES = {"p05": 0.05, "p50": 0.50, "p95": 0.95}
ALL = "all"


def summarise(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and quantiles over the leading (replicate) axis."""
    out = {"mean": values.mean(axis=0)}
    qs = np.quantile(values, list(QUANTILES.values()), axis=0)
    out.update({name: qs[i] for i, name in enumerate(QUANTILES)})
    return out


def with_totals(values: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Append an `all` entry (the per-replicate sum) along each of `axes`."""
    for axis in axes:
        values = np.concatenate([values, values.sum(axis=axis, keepdims=True)], axis=axis)
    return values


def tidy(values: np.ndarray, labels: list[tuple[str, list[Any]]]) -> pd.DataFrame:
    """[rep, *dims] → rows of labels with mean, p05, p50, p95."""
    stats = summarise(values)
    index = pd.MultiIndex.from_product([lab for _, lab in labels], names=[name for name, _ in labels])
    frame = pd.DataFrame({name: stat.reshape(-1) for name, stat in stats.items()}, index=index)
    return frame.reset_index()


def with_outlay_total(cube: np.ndarray, kinds: list[str]) -> np.ndarray:
    """[rep, year, line, payer] + an `all` line and an `all` payer: the `all` line adds up the
    outlay lines only, so revenue forgone and memo items never enter a total of spending."""
    outlays = cube[:, :, [kind == "outlay" for kind in kinds]].sum(axis=2, keepdims=True)
    return with_totals(np.concatenate([cube, outlays], axis=2), axes=(3,))


def _cube_table(cube: np.ndarray, years: list[int], result: RunResult, basis: str | None = None) -> pd.DataFrame:
    full = with_outlay_total(cube, result.line_kinds)
    frame = tidy(full, [("year", years), ("line", [*result.line_ids, ALL]), ("payer", [*result.payer_ids, ALL])])
    kinds = {**dict(zip(result.line_ids, result.line_kinds, strict=True)), ALL: "outlay"}
    if basis is not None:
        frame.insert(3, "basis", basis)
    frame.insert(frame.columns.get_loc("payer") + (2 if basis else 1), "kind", frame.line.map(kinds))
    return frame


def budget_table(result: RunResult) -> pd.DataFrame:
    """budget.csv: accrual rows, then cash rows when the disbursement stage ran. `kind` says
    whether a line is an outlay, revenue forgone or a memo item; `all` lines add up outlays."""
    years = list(result.calendar.budget_years)
    parts = [_cube_table(cube, years, result, basis)
             for basis, cube in (("accrual", result.accrual), ("cash", result.cash)) if cube is not None]
    return pd.concat(parts, ignore_index=True)


def payables_table(result: RunResult) -> pd.DataFrame:
    """payables.csv: entitled but not yet paid at each year end, by line and payer (yuan)."""
    return _cube_table(result.payables, list(result.calendar.payable_years), result)


def births_table(result: RunResult) -> pd.DataFrame:
    """The contract's births.csv: each area and birth order 1, 2, 3 (third and later); the means
    add up to the total (births_total_table has the total's own quantiles)."""
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    return tidy(result.births, [("year", years), ("area", list(AREAS)), ("birth_order", [1, 2, 3])])


def births_total_table(result: RunResult) -> pd.DataFrame:
    """City births by year (all areas and orders), quantiles of the per-replicate total."""
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    return tidy(result.births.sum(axis=(2, 3)), [("year", years)])


def births_by_age_table(result: RunResult) -> pd.DataFrame:
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    full = with_totals(result.births_by_age, axes=(2, 3))
    return tidy(full, [("year", years), ("area", [*AREAS, ALL]), ("birth_order", ["1", "2", "3", ALL]),
                       ("mother_age", list(AGE_GROUP_LABELS))])


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.full(np.broadcast_shapes(numerator.shape, denominator.shape),
                                                             np.nan), where=denominator > 0)


def _nan_summary(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and quantiles over replicates, ignoring replicates where a ratio is undefined."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN (empty in the CSV)
        out = {"mean": np.nanmean(values, axis=0)}
        qs = np.nanquantile(values, list(QUANTILES.values()), axis=0)
    out.update({name: qs[i] for i, name in enumerate(QUANTILES)})
    return out


def impact_table(result: RunResult) -> pd.DataFrame:
    """Births the policy induced and what each cost, by budget year and for the whole period.

    - induced_births: births drawn on top of the baseline rates by the fertility response;
    - cost_per_induced_birth: the outlays of the plan's own measures ÷ induced births (yuan;
      undefined without any; the national subsidy and the continuing family-planning awards
      induce no births here and are left out); the mean column is mean outlays ÷ mean induced
      births, the quantiles are per replicate;
    - deadweight_share: share of the spending on birth-linked lines (NIPT, allowance, housing,
      maternity) that goes to births that would have happened anyway.
    Ratios are taken per replicate, then summarised over the replicates where they exist.
    """
    impact = result.impact
    plan = [LINE_BY_ID[line].kind == "outlay" and LINE_BY_ID[line].plan_measure for line in result.line_ids]
    outlays = result.accrual[:, :, plan].sum(axis=(2, 3))  # [rep, year]
    columns = {
        "induced_births": (impact["induced_births"], None),
        "cost_per_induced_birth": (outlays, impact["induced_births"]),
        "deadweight_share": (impact["birth_linked_spending"] - impact["spending_on_induced_births"],
                             impact["birth_linked_spending"]),
    }
    rows = []
    years = [str(y) for y in result.calendar.budget_years] + [ALL]
    for measure, (numerator, denominator) in columns.items():
        numerator = np.concatenate([numerator, numerator.sum(axis=1, keepdims=True)], axis=1)
        if denominator is None:
            stats = summarise(numerator)
        else:
            denominator = np.concatenate([denominator, denominator.sum(axis=1, keepdims=True)], axis=1)
            stats = _nan_summary(_ratio(numerator, denominator))
            # the mean is the ratio of the means: a mean of ratios is pulled up without bound by
            # replicates with almost no induced births (quantiles stay per replicate)
            stats["mean"] = _ratio(numerator.mean(axis=0), denominator.mean(axis=0))
        for i, year in enumerate(years):
            rows.append({"year": year, "measure": measure, **{k: v[i] for k, v in stats.items()}})
    return pd.DataFrame(rows)


def replicates_writer(result: RunResult) -> Callable[[Path], None]:
    """Per-replicate results (budget cube, births, impact) so runs can be compared replicate by replicate."""
    def write(path: Path) -> None:
        arrays = {"accrual": result.accrual, "births": result.births,
                  **({} if result.cash is None else {"cash": result.cash, "payables": result.payables}),
                  "years": result.calendar.budget_years, "lines": np.array(result.line_ids),
                  "kinds": np.array(result.line_kinds), "payers": np.array(result.payer_ids),
                  "seed": np.array(result.loaded.scenario.scenario.seed),
                  **{f"impact_{k}": v for k, v in result.impact.items()}}
        write_npz(path, arrays)
    return write


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez without compression: simulated money in float64 compresses by only a third (zlib
    level 1), and compressing took a quarter of a second per 1,000 replicates."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def totals_by(result: RunResult, axis: str, kind: str = "outlay") -> pd.DataFrame:
    """Budget-period totals (start_year..end_year) of one kind of line, by line or by payer:
    mean and 5-95% range (empty when the run has no line of that kind)."""
    chosen = [k == kind for k in result.line_kinds]
    period = result.accrual[:, :, chosen].sum(axis=1)  # [rep, line, payer]
    lines = [line for line, keep in zip(result.line_ids, chosen, strict=True) if keep]
    if not lines:
        return pd.DataFrame(columns=[axis, "mean", *QUANTILES])
    if axis == "line":
        values, labels = with_totals(period.sum(axis=2), axes=(1,)), [*lines, ALL]
    else:
        values, labels = with_totals(period.sum(axis=1), axes=(1,)), [*result.payer_ids, ALL]
    stats = summarise(values)
    return pd.DataFrame({axis: labels, **{k: v for k, v in stats.items()}})


def manifest(result: RunResult, started: datetime, wall_seconds: float, argv: list[str]) -> dict[str, Any]:
    loaded, prepared = result.loaded, result.prepared
    inputs = {str(p): file_sha256(p) for p in loaded.files}
    inputs.update(input_checksums(loaded.scenario))
    return {
        "scenario": loaded.scenario.model_dump(mode="json"),
        "scenario_file": str(loaded.files[0]),
        "value_origin": loaded.origin,
        "seed": loaded.scenario.scenario.seed,
        "replicates": loaded.scenario.scenario.replicates,
        "block_size": BLOCK_SIZE,
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


def check_output_folder(out: Path, force: bool) -> None:
    """Refuse to replace existing results unless asked; called before any work."""
    if out.exists() and not force:
        raise InputError(out, None, "output folder exists; use --force to replace it")
    if out.exists() and not out.is_dir():
        raise InputError(out, None, "exists and is not a folder")


def write_atomically(out: Path, writers: dict[str, Callable[[Path], None]], force: bool) -> None:
    """Write every file into a temporary folder beside `out`, then move it into place.

    A crash or Ctrl-C before the move leaves the previous results untouched and no
    partial folder (the temporary one is removed on the way out).
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; results are for everyone who may read
    try:
        for name, write in writers.items():
            write(staging / name)
        if out.exists():
            if not force:
                raise InputError(out, None, "output folder exists; use --force to replace it")
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, retired / "previous")
            os.replace(staging, out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(out: Path) -> None:
    """Remove temporary folders a killed run left beside `out` (their process is gone)."""
    for folder in out.parent.glob(f".{out.name}.partial-*"):
        try:
            pid = int(folder.name.rsplit(".partial-", 1)[1].split("-")[0])
            os.kill(pid, 0)  # still running: leave it alone
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            continue


def csv_writer(frame: pd.DataFrame, decimals: int = 2) -> Callable[[Path], None]:
    def write(path: Path) -> None:
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
    return {name.replace(".csv", ".parquet"): (lambda f: lambda path: f.to_parquet(path, index=False))(frame)
            for name, frame in frames.items()}
