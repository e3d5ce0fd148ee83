"""Scenario sweeps: many points of a base scenario, each with its replicates.

A sweep file names a base scenario and the parameters to vary by key path:

    [sweep]
    name = "allowance take-up"
    base = "../baseline.toml"
    design = "grid"                 # grid | latin_hypercube | one_at_a_time
    replicates = 20
    points = 30                     # latin_hypercube only
    [[sweep.parameter]]
    key = "lines.third_child_allowance.take_up"
    values = [0.5, 0.75, 1.0]       # grid; low/high for the other designs

Every point is validated before any work. Points run at the base scenario's seed (a design
varies parameters at a fixed seed; replicates vary the seed: common random numbers make
the points comparable). Each point's result is cached under the hash of its resolved
scenario, data files and package version: an interrupted sweep resumes, a changed input
reruns. A point that fails is reported with its error while the others complete.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

from model import __version__
from model.areas import PAYERS
from model.errors import InputError
from model.scenario import LoadedScenario, Scenario, _explain, load_scenario

CACHE = "cache"


class SweepParameter(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    key: str = Field(description="dotted key path, e.g. lines.third_child_allowance.take_up")
    values: list[float] | None = Field(None, min_length=1, description="grid values")
    low: float | None = Field(None, description="lower end (latin_hypercube, one_at_a_time)")
    high: float | None = Field(None, description="upper end (latin_hypercube, one_at_a_time)")


class SweepSection(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str
    base: str = Field(description="base scenario file, relative to the sweep file")
    design: Literal["grid", "latin_hypercube", "one_at_a_time"]
    replicates: int | None = Field(None, ge=1, le=1_000_000, description="replicates per point")
    points: int | None = Field(None, ge=1, le=100_000, description="points of a latin hypercube")
    seed: int | None = Field(None, ge=0, description="seed of the latin hypercube design (default: the base seed)")
    parameter: list[SweepParameter] = Field(min_length=1)

    @model_validator(mode="after")
    def _design_needs(self) -> SweepSection:
        for parameter in self.parameter:
            if self.design == "grid" and parameter.values is None:
                raise ValueError(f"parameter {parameter.key}: a grid needs `values`")
            if self.design != "grid" and (parameter.low is None or parameter.high is None):
                raise ValueError(f"parameter {parameter.key}: {self.design} needs `low` and `high`")
            if self.design != "grid" and parameter.low > parameter.high:
                raise ValueError(f"parameter {parameter.key}: low is above high")
        if self.design == "latin_hypercube" and self.points is None:
            raise ValueError("a latin_hypercube needs `points`")
        return self


@dataclass
class Point:
    index: int
    values: dict[str, float]  # the varied parameters
    scenario: dict[str, Any]  # the resolved scenario (JSON-compatible)
    key: str  # hash of what determines the result


def read_sweep(path: str | Path) -> tuple[SweepSection, LoadedScenario]:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, None, "sweep file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"not valid TOML: {error}") from None
    if set(raw) != {"sweep"}:
        raise InputError(path, None, "a sweep file has one table, [sweep] (with [[sweep.parameter]] entries)")
    try:
        sweep = SweepSection.model_validate(raw["sweep"])
    except ValidationError as error:
        first = error.errors()[0]
        where = "sweep." + ".".join(str(p) for p in first["loc"])
        raise InputError(path, where, first["msg"].removeprefix("Value error, ")) from None
    base = load_scenario((path.parent / sweep.base).resolve())
    return sweep, base


def _set(tree: dict[str, Any], dotted: str, value: float) -> None:
    node = tree
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            raise KeyError(dotted)
        node = node[part]
    if parts[-1] not in node:
        raise KeyError(dotted)
    node[parts[-1]] = value


def design_values(sweep: SweepSection, seed: int) -> list[dict[str, float]]:
    keys = [p.key for p in sweep.parameter]
    if sweep.design == "grid":
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(p.values for p in sweep.parameter))]
    if sweep.design == "latin_hypercube":
        unit = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(sweep.points)
        low, high = np.array([p.low for p in sweep.parameter]), np.array([p.high for p in sweep.parameter])
        return [dict(zip(keys, (low + row * (high - low)).tolist(), strict=True)) for row in unit]
    points: list[dict[str, float]] = [{}]  # the base itself, then each parameter low and high
    for parameter in sweep.parameter:
        points += [{parameter.key: parameter.low}, {parameter.key: parameter.high}]
    return points


def point_key(scenario: dict[str, Any], replicates: int, checksums: dict[str, str]) -> str:
    """Hash of everything that determines a point's result."""
    document = json.dumps({"scenario": scenario, "replicates": replicates, "inputs": checksums,
                           "version": __version__}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:20]


def _input_checksums(scenario: Scenario) -> dict[str, str]:
    from model.files import file_sha256
    from model.inputs import DATA_DIR

    files = [Path(v) for v in scenario.data.model_dump().values() if v]
    files += [DATA_DIR / f"{name}.csv" for name, value in scenario.data.model_dump().items() if not value]
    if scenario.demography.births_override:
        files.append(Path(scenario.demography.births_override))
    return {str(f): file_sha256(f) for f in files if f.is_file()}


def build_points(sweep_path: Path, sweep: SweepSection, base: LoadedScenario,
                 replicates: int | None) -> list[Point]:
    """Resolve and validate every point before any work (errors name the sweep file)."""
    seed = sweep.seed if sweep.seed is not None else base.scenario.scenario.seed
    reps = replicates or sweep.replicates or base.scenario.scenario.replicates
    points = []
    for index, values in enumerate(design_values(sweep, seed)):
        tree = copy.deepcopy(base.tree)
        tree["scenario"]["replicates"] = reps
        tree["scenario"]["name"] = f"{sweep.name} #{index}"
        for key, value in values.items():
            try:
                _set(tree, key, value)
            except KeyError:
                raise InputError(sweep_path, f"sweep.parameter {key}", "no such scenario key; see "
                                 "docs/scenario-reference.md for the key paths") from None
        try:
            scenario = Scenario.model_validate(tree)
        except ValidationError as error:
            explained = _explain(error.errors(), LoadedScenario(scenario=None, files=[sweep_path], tree=tree))  # type: ignore[arg-type]
            raise InputError(sweep_path, f"point {index} ({values})", f"{explained.field}: {explained.message}") from None
        document = scenario.model_dump(mode="json")
        points.append(Point(index, values, document, point_key(document, reps, _input_checksums(scenario))))
    return points


def run_point(scenario: dict[str, Any], cache_file: str) -> tuple[str, str | None]:
    """Run one point (in any process or on any Dask worker) and cache its tidy result.

    Returns (status, error): "done" or "failed" with the error's one-line text.
    """
    from model.results import budget_table
    from model.simulation import run

    try:
        loaded = LoadedScenario(scenario=Scenario.model_validate(scenario), files=[Path("sweep point")],
                                tree=scenario)
        result = run(loaded, workers=1)
        table = budget_table(result)
        temporary = f"{cache_file}.partial-{os.getpid()}"
        table.to_parquet(temporary, index=False)
        os.replace(temporary, cache_file)  # a cached point is always complete
        return "done", None
    except Exception as error:  # noqa: BLE001 - a failed point is reported, the others go on
        return "failed", f"{type(error).__name__}: {error}"


def execute(points: list[Point], out: Path, workers: int, scheduler: str | None,
            progress: Callable[[int, int], None] | None = None) -> dict[int, tuple[str, str | None]]:
    """Run the points not yet cached; returns status by point index."""
    cache = out / CACHE
    cache.mkdir(parents=True, exist_ok=True)
    status: dict[int, tuple[str, str | None]] = {}
    todo = []
    for point in points:
        if (cache / f"{point.key}.parquet").is_file():
            status[point.index] = ("cached", None)
        else:
            todo.append(point)
    done = len(status)
    if progress:
        progress(done, len(points))
    jobs = [(p.scenario, str(cache / f"{p.key}.parquet")) for p in todo]
    for index, outcome in zip((p.index for p in todo), _map(jobs, workers, scheduler), strict=True):
        status[index] = outcome
        done += 1
        if progress:
            progress(done, len(points))
    return status


def _map(jobs: list[tuple[dict[str, Any], str]], workers: int, scheduler: str | None) -> Iterable[tuple[str, str | None]]:
    if not jobs:
        return
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            futures = client.map(run_point, *zip(*jobs, strict=True), pure=False)
            for future in futures:  # in order, so results line up with the points
                yield future.result()
        return
    if workers <= 1:
        for job in jobs:
            yield run_point(*job)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(run_point, *zip(*jobs, strict=True))


def collect(points: list[Point], out: Path, status: dict[int, tuple[str, str | None]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tidy results of every finished point, points table with totals and status)."""
    frames, rows = [], []
    for point in points:
        state, error = status[point.index]
        row: dict[str, Any] = {"point": point.index, **point.values, "scenario_hash": point.key,
                               "status": "done" if state == "cached" else state, "error": error or ""}
        cached = out / CACHE / f"{point.key}.parquet"
        if cached.is_file():
            table = pd.read_parquet(cached)
            table.insert(0, "point", point.index)
            frames.append(table)
            outlays = table[(table.basis == "accrual") & (table.line == "all")]
            total = outlays[outlays.payer == "all"]
            row.update({"total_mean": total["mean"].sum(), "total_p05": total["p05"].sum(),
                        "total_p95": total["p95"].sum(),
                        # what Jingmen's own budgets bear (the province's and the central government's
                        # shares of co-funded lines aside); equal to total_mean for the plan's own lines
                        "jingmen_total_mean": outlays[outlays.payer.isin(PAYERS)]["mean"].sum()})
        rows.append(row)
    tidy = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return tidy, pd.DataFrame(rows)


def sensitivity(sweep: SweepSection, points: pd.DataFrame, measure: str = "jingmen_total_mean") -> pd.DataFrame:
    """Parameters ranked by their effect on the budget-period outlays Jingmen's budgets bear
    (accrual; for a sweep of the plan's own lines, the total of every payer).

    one_at_a_time: high minus low (a tornado). grid / latin_hypercube: the standardised
    regression coefficient of the total on the parameters (effect of one standard deviation
    of the parameter, in yuan), with the Spearman correlation beside it. `effect_all_payers`
    is the same on the total including the province and the central government.
    """
    table = _effects(sweep, points, measure)
    if table.empty:
        return table
    everyone = _effects(sweep, points, "total_mean")
    table["effect_all_payers"] = everyone["effect"].to_numpy()
    table["rank"] = table["effect"].abs().rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank").reset_index(drop=True)


def _effects(sweep: SweepSection, points: pd.DataFrame, measure: str) -> pd.DataFrame:
    done = points[points.status == "done"].dropna(subset=[measure]).rename(columns={measure: "_measure"})
    done = done.drop(columns=["total_mean"], errors="ignore").rename(columns={"_measure": "total_mean"})
    rows = []
    if sweep.design == "one_at_a_time":
        base = done[done.point == 0]["total_mean"]
        for parameter in sweep.parameter:
            key = parameter.key
            chosen = done[done[key].notna()] if key in done else done.iloc[0:0]
            low = chosen[chosen[key] == parameter.low]["total_mean"]
            high = chosen[chosen[key] == parameter.high]["total_mean"]
            if low.empty or high.empty:
                continue
            rows.append({"parameter": key, "method": "one_at_a_time", "low": parameter.low, "high": parameter.high,
                         "total_at_low": low.iloc[0], "total_at_high": high.iloc[0],
                         "total_at_base": base.iloc[0] if not base.empty else np.nan,
                         "effect": high.iloc[0] - low.iloc[0]})
    else:
        keys = [p.key for p in sweep.parameter]
        x = done[keys].to_numpy(dtype=float)
        y = done["total_mean"].to_numpy(dtype=float)
        spread = x.std(axis=0)
        usable = spread > 0
        coefficients = np.zeros(len(keys))
        if len(y) > usable.sum() and usable.any():
            design = np.column_stack([np.ones(len(y)), (x[:, usable] - x[:, usable].mean(axis=0)) / spread[usable]])
            fitted = np.linalg.lstsq(design, y, rcond=None)[0][1:]
            coefficients[usable] = fitted
        ranks_y = pd.Series(y).rank().to_numpy()
        for i, key in enumerate(keys):
            rho = np.corrcoef(pd.Series(x[:, i]).rank(), ranks_y)[0, 1] if usable[i] and len(y) > 2 else np.nan
            rows.append({"parameter": key, "method": "standardised_regression", "effect": coefficients[i],
                         "spearman": rho})
    return pd.DataFrame(rows)
