"""Scenario sweeps: many points of a base scenario, each with its replicates.

A sweep file names a base scenario (or several: `bases`, e.g. the scenarios of many cities and
packages, each run with the same design) and the parameters to vary by key path:

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
scenario, replicates, data files (their checksums) and the model's code fingerprint: an
interrupted sweep resumes, a changed input or a changed model reruns. A cache entry that
cannot be read, lacks a column or holds inf/NaN is computed again (with a warning). A point
that fails is reported with its error while the others complete; a parameter whose effect
cannot be estimated (its points failed, too few points) gets no rank, and a note says why.

The --out folder is the sweep's own: `sweep.json` marks it (the sweep file, design and code
fingerprint). A folder that exists and is not a sweep's (a file, a non-empty folder without
the marker) is refused before any work, as is an unwritable one or a Dask scheduler that
cannot be reached.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import re
import tomllib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

from model.city import HIGHER_LEVELS
from model.errors import InputError
from model.files import SCENARIO_LIMIT, MiB, describe_os_error, read_bytes
from model.provenance import code_fingerprint, input_checksums
from model.run_folder.replace import check_writable_place
from model.scenario import LoadedScenario, Scenario, _explain, load_scenario
from model.version import __version__

if TYPE_CHECKING:
    from distributed import Client

CACHE = "cache"
MARKER = "sweep.json"  # marks a folder written by a sweep
RESULTS = ("sweep.parquet", "points.csv", "sensitivity.csv")
CONNECT_TIMEOUT = 10.0  # seconds to reach a Dask scheduler before giving up
NUMBERS = ("mean", "p05", "p50", "p95")
COLUMNS = ("year", "line", "payer", "basis", "kind", *NUMBERS)  # of a cached point (budget_table)


class SweepParameter(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    key: str = Field(description="dotted key path, e.g. lines.third_child_allowance.take_up")
    values: list[float] | None = Field(None, min_length=1, description="grid values")
    low: float | None = Field(None, description="lower end (latin_hypercube, one_at_a_time)")
    high: float | None = Field(None, description="upper end (latin_hypercube, one_at_a_time)")

    def grid(self) -> list[float]:
        """`values`, which a grid design needs (validation makes sure they are given)."""
        if self.values is None:
            raise ValueError(f"parameter {self.key}: a grid needs `values`")
        return self.values

    def ends(self) -> tuple[float, float]:
        """`low` and `high`, which the other designs need (validation makes sure they are given)."""
        if self.low is None or self.high is None:
            raise ValueError(f"parameter {self.key}: needs `low` and `high`")
        return self.low, self.high


class SweepSection(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str
    base: str | None = Field(None, description="base scenario file, relative to the sweep file")
    bases: list[str] | None = Field(
        None, min_length=1, max_length=1000, description="several base scenarios (cities, packages), relative to "
                                                         "the sweep file: the design runs on each")
    design: Literal["grid", "latin_hypercube", "one_at_a_time"]
    replicates: int | None = Field(None, ge=1, le=1_000_000, description="replicates per point")
    points: int | None = Field(None, ge=1, le=100_000, description="points of a latin hypercube")
    seed: int | None = Field(None, ge=0, description="seed of the latin hypercube design (default: the base seed)")
    parameter: list[SweepParameter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _design_needs(self) -> SweepSection:
        if (self.base is None) == (self.bases is None):
            raise ValueError("give either `base` (one scenario) or `bases` (a list of scenarios), not both")
        if self.base is not None and not self.parameter:
            raise ValueError("a sweep of one base scenario needs at least one [[sweep.parameter]]")
        if self.bases is not None and len(set(self.bases)) != len(self.bases):
            raise ValueError("`bases` names a scenario twice")
        for parameter in self.parameter:
            if self.design == "grid" and parameter.values is None:
                raise ValueError(f"parameter {parameter.key}: a grid needs `values`")
            if self.design != "grid":
                if parameter.low is None or parameter.high is None:
                    raise ValueError(f"parameter {parameter.key}: {self.design} needs `low` and `high`")
                if parameter.low > parameter.high:
                    raise ValueError(f"parameter {parameter.key}: low is above high")
        if self.design == "latin_hypercube" and self.points is None:
            raise ValueError("a latin_hypercube needs `points`")
        keys = [parameter.key for parameter in self.parameter]
        repeated = next((key for key in keys if keys.count(key) > 1), None)
        if repeated is not None:
            raise ValueError(f"parameter {repeated} is given twice")
        return self


@dataclass
class Point:
    index: int
    values: dict[str, float]  # the varied parameters
    scenario: dict[str, Any]  # the resolved scenario (JSON-compatible)
    key: str  # hash of what determines the result
    base: str = ""  # its base scenario, as the sweep file names it
    city: str = ""  # the id of its city


def read_sweep(path: str | Path) -> tuple[SweepSection, LoadedScenario | list[LoadedScenario]]:
    """The sweep and its base scenario (or, with `bases`, the list of them), each validated."""
    from model.input_tables import decode

    path = Path(path)
    text = decode(read_bytes(path, "sweep file", SCENARIO_LIMIT), path)  # a folder, FIFO, device: one line
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, None, f"not valid TOML: {error}") from None
    if set(raw) != {"sweep"}:
        raise InputError(path, None, "a sweep file has one table, [sweep] (with [[sweep.parameter]] entries)")
    try:
        sweep = SweepSection.model_validate(raw["sweep"])
    except ValidationError as error:
        first = error.errors()[0]
        where = "sweep." + ".".join(str(p) for p in first["loc"])
        raise InputError(path, where, first["msg"].removeprefix("Value error, ")) from None
    if sweep.bases is not None:
        return sweep, [load_scenario((path.parent / base).resolve()) for base in sweep.bases]
    return sweep, load_scenario((path.parent / (sweep.base or "")).resolve())


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
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(p.grid() for p in sweep.parameter))]
    if sweep.design == "latin_hypercube":
        unit = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(sweep.points)
        low, high = np.array([p.low for p in sweep.parameter]), np.array([p.high for p in sweep.parameter])
        return [dict(zip(keys, (low + row * (high - low)).tolist(), strict=True)) for row in unit]
    points: list[dict[str, float]] = [{}]  # the base itself, then each parameter low and high
    for parameter in sweep.parameter:
        points += [{parameter.key: end} for end in parameter.ends()]
    return points


def point_key(scenario: dict[str, Any], replicates: int, checksums: dict[str, str], fingerprint: str) -> str:
    """Hash of everything that determines a point's result: the resolved scenario, the
    replicates, the data files' checksums and the model's code fingerprint (the version
    string alone does not change when the code does)."""
    document = json.dumps({"scenario": scenario, "replicates": replicates, "inputs": checksums,
                           "code": fingerprint}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:20]


def build_points(sweep_path: Path, sweep: SweepSection, bases: LoadedScenario | list[LoadedScenario],
                 replicates: int | None) -> list[Point]:
    """Resolve and validate every point before any work (errors name the sweep file): the design
    on each base scenario in turn, numbered on."""
    points: list[Point] = []
    for base, label in zip(bases if isinstance(bases, list) else [bases], sweep.bases or [sweep.base or ""],
                           strict=True):
        points += _points_of(sweep_path, sweep, base, replicates, first=len(points), label=label)
    return points


def _points_of(sweep_path: Path, sweep: SweepSection, base: LoadedScenario, replicates: int | None,
               first: int, label: str) -> list[Point]:
    """The design's points on one base; `label`: the base as the sweep file names it (unique)."""
    seed = sweep.seed if sweep.seed is not None else base.scenario.scenario.seed
    reps = replicates or sweep.replicates or base.scenario.scenario.replicates
    points = []
    for index, values in enumerate(design_values(sweep, seed), start=first):
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
            explained = _explain(error.errors(), tree, {}, str(sweep_path))
            raise InputError(sweep_path, f"point {index} ({values})", f"{explained.field}: {explained.message}") from None
        document = scenario.model_dump(mode="json")
        points.append(Point(index, values, document,
                            point_key(document, reps, input_checksums(scenario), code_fingerprint()),
                            base=label, city=scenario.city.id))
    return points


# --- the --out folder ---------------------------------------------------------------------


def _is_older_sweep_folder(out: Path, names: set[str]) -> bool:
    """A folder an earlier version of the sweep wrote (before sweep.json): its cache folder,
    holding only cached points, and at most the result files beside it."""
    cache = out / CACHE
    if CACHE not in names or cache.is_symlink() or not cache.is_dir():
        return False
    others = names - {CACHE}
    if not all(name in RESULTS or (name.startswith(".") and name.endswith(".partial")) for name in others):
        return False
    try:
        return all(".parquet" in entry.name for entry in os.scandir(cache))
    except OSError:
        return False


def _read_marker(path: Path) -> dict[str, Any]:
    refused = "this folder was not written by `birthbudget sweep` (its sweep.json is not a sweep's); give a new or empty folder"
    if path.is_symlink():
        raise InputError(path, None, refused)
    try:
        document = json.loads(read_bytes(path, "sweep marker", MiB).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(path, None, refused) from None
    if not isinstance(document, dict) or document.get("birthbudget_sweep") != 1:
        raise InputError(path, None, refused)
    return document


def check_out_folder(out: Path) -> dict[str, Any] | None:
    """Refuse, before any work, an --out the sweep would damage: something that is not a
    folder, or a non-empty folder a sweep did not write. Returns the earlier sweep's marker
    (None for a new, empty or older-version folder)."""
    if out.is_symlink() and not out.exists():
        raise InputError(out, None, "is a broken symbolic link; give a folder for the sweep's results")
    if not out.exists():
        return None
    if not out.is_dir():
        raise InputError(out, None, "exists and is not a folder; give a new folder or one an earlier sweep wrote")
    try:
        names = {entry.name for entry in os.scandir(out)}
    except OSError as error:
        raise InputError(out, None, f"cannot read the folder ({describe_os_error(error)})") from None
    if not names:
        return None
    if MARKER in names:
        marker = _read_marker(out / MARKER)
        cache = out / CACHE
        if cache.exists() and not cache.is_dir():
            raise InputError(cache, None, "exists and is not a folder; the sweep keeps its cached points here")
        return marker
    if _is_older_sweep_folder(out, names):
        return None
    raise InputError(out, None, "folder is not empty and was not written by a sweep (no sweep.json); "
                     "give a new or empty folder, or the folder of an earlier run of the sweep")


def check_writable(out: Path) -> None:
    """The place where the results will go (the folder, or its nearest existing parent) takes
    writes, so an unwritable place is refused before any point runs."""
    folder = out.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    check_writable_place(folder, out.name, "the sweep's results")


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write `target` through a temporary file beside it: it is complete or unchanged. An
    OSError (disk full, read-only) becomes one line naming the file."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        write(temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise InputError(target, None, f"cannot write the file ({describe_os_error(error)})") from None
    finally:
        temporary.unlink(missing_ok=True)


def start_out_folder(out: Path, sweep_file: Path, sweep: SweepSection, points: list[Point]) -> None:
    """Create the folder and its cache, and mark it as a sweep's (before any point runs, so an
    interrupted sweep's folder is recognised when it resumes)."""
    try:
        (out / CACHE).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out, None, f"cannot create the folder ({describe_os_error(error)})") from None
    document = {"birthbudget_sweep": 1, "sweep_file": str(Path(sweep_file).resolve()), "name": sweep.name,
                "design": sweep.design, "points": len(points), "code_fingerprint": code_fingerprint(),
                "version": __version__}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(out / MARKER, lambda path: path.write_text(text, encoding="utf-8"))


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """inf and NaN become empty cells in a CSV (a failed point has no totals), never "inf"/"nan"."""
    numbers = frame.select_dtypes("number").columns
    if len(numbers) == 0:
        return frame
    frame = frame.copy()
    frame[numbers] = frame[numbers].where(np.isfinite(frame[numbers].astype(float)))
    return frame


def write_results(out: Path, tidy: pd.DataFrame, table: pd.DataFrame, ranking: pd.DataFrame) -> None:
    """sweep.parquet, points.csv and sensitivity.csv, each written whole or not at all."""
    _write_atomically(out / "sweep.parquet", lambda path: tidy.to_parquet(path, index=False))
    for name, frame in (("points.csv", table), ("sensitivity.csv", ranking)):
        clean = _finite(frame)
        _write_atomically(out / name, partial(clean.to_csv, index=False, lineterminator="\n", na_rep=""))


# --- a Dask scheduler -----------------------------------------------------------------------

_ADDRESS = re.compile(r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})")
_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def check_scheduler_address(address: str) -> None:
    match = _ADDRESS.fullmatch(address)
    if match is None or (match["scheme"] or "tcp") not in _SCHEMES or not 0 < int(match["port"]) < 65536:
        raise InputError(None, "--scheduler", f"{address!r} is not a Dask scheduler address; give "
                         "tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)")


def connect(address: str) -> Client:
    """A client of the scheduler at `address`, or one line saying why there is none (a
    malformed address, or no answer within CONNECT_TIMEOUT seconds)."""
    check_scheduler_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise InputError(None, "--scheduler", "needs Dask, which is an extra: pip install 'birthbudget[dask]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - OSError, TimeoutError, ValueError… all mean no cluster
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(None, "--scheduler", f"cannot use the Dask scheduler at {address} "
                         f"(no answer within {CONNECT_TIMEOUT:g} s or refused: {reason})") from None


# --- running and collecting points ------------------------------------------------------------


class DamagedCacheError(Exception):
    """A cached point that cannot be used (it is computed again)."""


def read_cached(path: Path) -> pd.DataFrame:
    """A cached point's table, checked: readable, every column, finite numbers, an accrual total."""
    try:
        table = pd.read_parquet(path)
    except Exception as error:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        reason = str(error).splitlines()[0][:120] if str(error) else ""
        raise DamagedCacheError(f"cannot be read: {type(error).__name__}{': ' + reason if reason else ''}") from None
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise DamagedCacheError(f"no column {missing[0]!r}")
    try:
        numbers = table[list(NUMBERS)].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise DamagedCacheError("numbers that are not numbers") from None
    if not np.isfinite(numbers).all():
        raise DamagedCacheError("holds inf or NaN")
    if not ((table.basis == "accrual") & (table.line == "all") & (table.payer == "all")).any():
        raise DamagedCacheError("no accrual total")
    return table


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def scan_cache(points: list[Point], out: Path, warn: Callable[[str], None] = _warn) -> set[int]:
    """Indexes of the points whose cached result is usable; a damaged entry is reported
    (one line) and its point computed again."""
    cached = set()
    for point in points:
        path = out / CACHE / f"{point.key}.parquet"
        if not path.is_file():
            continue
        try:
            read_cached(path)
        except DamagedCacheError as error:
            warn(f"{path}: damaged cache entry ({error}); point {point.index} is computed again")
            continue
        cached.add(point.index)
    return cached


def run_point(scenario: dict[str, Any], cache_file: str) -> tuple[str, str | None]:
    """Run one point (in any process or on any Dask worker) and cache its tidy result.

    Returns (status, error): "done" or "failed" with the error's one-line text.
    """
    from model.pipeline import run
    from model.result_tables import budget_table

    temporary = f"{cache_file}.partial-{os.getpid()}"
    try:
        loaded = LoadedScenario(scenario=Scenario.model_validate(scenario), files=[Path("sweep point")],
                                tree=scenario)
        result = run(loaded, workers=1)
        table = budget_table(result)
        if not np.isfinite(table[list(NUMBERS)].to_numpy(dtype=float)).all():
            return "failed", "the run gave inf or NaN figures (not cached)"
        table.to_parquet(temporary, index=False)
        os.replace(temporary, cache_file)  # a cached point is always complete
        return "done", None
    except Exception as error:  # noqa: BLE001 - a failed point is reported, the others go on
        return "failed", f"{type(error).__name__}: {error}"
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def execute(points: list[Point], out: Path, workers: int, scheduler: str | Client | None,
            progress: Callable[[int, int], None] | None = None, warn: Callable[[str], None] = _warn,
            cached: set[int] | None = None) -> dict[int, tuple[str, str | None]]:
    """Run the points not yet cached; returns status by point index. `scheduler`: a Dask
    address or a connected client; `cached`: what scan_cache found (scanned here if None)."""
    cache = out / CACHE
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(cache, None, f"cannot create the cache folder ({describe_os_error(error)})") from None
    if cached is None:
        cached = scan_cache(points, out, warn)
    status: dict[int, tuple[str, str | None]] = {}
    todo = []
    for point in points:
        if point.index in cached:
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


def _map(jobs: list[tuple[dict[str, Any], str]], workers: int,
         scheduler: str | Client | None) -> Iterable[tuple[str, str | None]]:
    if not jobs:
        return
    if scheduler:
        client = connect(scheduler) if isinstance(scheduler, str) else scheduler
        try:
            futures = client.map(run_point, *zip(*jobs, strict=True), pure=False)
            for future in futures:  # in order, so results line up with the points
                try:
                    yield future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker fails its point, not the sweep
                    yield "failed", f"on the Dask cluster: {type(error).__name__}: {error}"
        finally:
            if isinstance(scheduler, str):
                client.close()
        return
    if workers <= 1:
        for job in jobs:
            yield run_point(*job)
        return
    from concurrent.futures import ProcessPoolExecutor

    from model.worker_lifetime import start_worker

    with ProcessPoolExecutor(max_workers=workers, initializer=start_worker) as pool:  # no orphan outlives a kill
        yield from pool.map(run_point, *zip(*jobs, strict=True))


def collect(points: list[Point], out: Path, status: dict[int, tuple[str, str | None]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tidy results of every finished point, points table with totals and status). A failed
    point has empty totals, and its error says why."""
    frames, rows = [], []
    for point in points:
        state, error = status[point.index]
        row: dict[str, Any] = {"point": point.index, "base": point.base, "city": point.city, **point.values,
                               "scenario_hash": point.key,
                               "status": "done" if state == "cached" else state, "error": error or ""}
        cached = out / CACHE / f"{point.key}.parquet"
        table = None
        if state != "failed":
            try:
                table = read_cached(cached) if cached.is_file() else None
            except DamagedCacheError as damage:
                row.update(status="failed", error=f"its cached result {cached} {damage}")
            else:
                if table is None:  # e.g. a Dask worker wrote it to a disk this machine does not see
                    row.update(status="failed", error=f"its result {cached} is missing (on a Dask cluster, "
                               "--out must be on a file system every worker shares)")
        if table is not None:
            table.insert(0, "point", point.index)
            frames.append(table)
            outlays = table[(table.basis == "accrual") & (table.line == "all")]
            total = outlays[outlays.payer == "all"]
            row.update({"total_mean": total["mean"].sum(), "total_p05": total["p05"].sum(),
                        "total_p95": total["p95"].sum(),
                        # what the city's own budgets bear (the province's and the central government's
                        # shares of co-funded lines aside); equal to total_mean for the plan's own lines
                        "local_total_mean": outlays[~outlays.payer.isin([*HIGHER_LEVELS, "all"])]["mean"].sum()})
        rows.append(row)
    tidy = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return tidy, pd.DataFrame(rows)


# --- sensitivity ------------------------------------------------------------------------------


def sensitivity(sweep: SweepSection, points: pd.DataFrame, measure: str = "local_total_mean") -> pd.DataFrame:
    """Parameters ranked by their effect on the budget-period outlays the city's own budgets bear
    (accrual; for a sweep of the plan's own lines, the total of every payer).

    one_at_a_time: high minus low (a tornado). grid / latin_hypercube: the standardised
    regression coefficient of the total on the parameters (effect of one standard deviation
    of the parameter, in yuan), with the Spearman correlation beside it. `effect_all_payers`
    is the same on the total including the province and the central government.

    Every parameter has a row. One whose effect cannot be estimated (its points failed, too
    few points completed, a single value in the design) has no effect and no rank, comes after
    the ranked ones, and `note` says why; an effect estimated from fewer points than planned
    says in `note` how many it rests on (`points_used`).
    """
    if not sweep.parameter:
        return pd.DataFrame(columns=["parameter", "method", "effect", "rank", "note"])
    if "base" in points and points["base"].nunique() > 1:  # each base on its own: cities do not mix
        parts = []
        for base, rows in points.groupby("base", sort=False):
            renumbered = rows.assign(point=rows["point"] - rows["point"].min())
            parts.append(sensitivity(sweep, renumbered.drop(columns="base"), measure).assign(base=base))
        return pd.concat(parts, ignore_index=True)
    table = _effects(sweep, points, measure)
    everyone = _effects(sweep, points, "total_mean")
    notes = table.pop("note")
    used = table.pop("points_used")
    table["effect_all_payers"] = everyone["effect"].to_numpy()  # the same parameters, in the same order
    table["rank"] = table["effect"].abs().rank(ascending=False, method="min").astype("Int64")
    table["points_used"] = used.astype("Int64")
    table["note"] = notes
    estimated = table["effect"].notna()
    ranked = table[estimated].sort_values("rank", kind="stable")
    return pd.concat([ranked, table[~estimated]]).reset_index(drop=True)


def _completed(points: pd.DataFrame, measure: str) -> pd.DataFrame:
    if points.empty or measure not in points:
        return points.iloc[0:0].assign(**{measure: pd.Series(dtype=float)})
    finite = np.isfinite(pd.to_numeric(points[measure], errors="coerce").astype(float))
    return points[(points.status == "done") & finite]


def _effects(sweep: SweepSection, points: pd.DataFrame, measure: str) -> pd.DataFrame:
    done = _completed(points, measure)
    rows = []
    if sweep.design == "one_at_a_time":
        base = done[done.point == 0][measure] if "point" in done else pd.Series(dtype=float)
        for parameter in sweep.parameter:
            key = parameter.key
            chosen = done[done[key].notna()] if key in done else done.iloc[0:0]
            low = chosen[chosen[key] == parameter.low][measure] if key in chosen else pd.Series(dtype=float)
            high = chosen[chosen[key] == parameter.high][measure] if key in chosen else pd.Series(dtype=float)
            missing = [end for end, values in (("low", low), ("high", high)) if values.empty]
            rows.append({"parameter": key, "method": "one_at_a_time", "low": parameter.low, "high": parameter.high,
                         "total_at_low": low.iloc[0] if not low.empty else np.nan,
                         "total_at_high": high.iloc[0] if not high.empty else np.nan,
                         "total_at_base": base.iloc[0] if not base.empty else np.nan,
                         "effect": high.iloc[0] - low.iloc[0] if not missing else np.nan,
                         "points_used": 2 if not missing else np.nan,
                         "note": f"{' and '.join(missing)} point{'s' if len(missing) > 1 else ''} failed" if missing else ""})
        return pd.DataFrame(rows)
    keys = [p.key for p in sweep.parameter]
    planned = len(points)
    planned_spread = points[keys].to_numpy(dtype=float).std(axis=0) if planned else np.zeros(len(keys))
    x = done[keys].to_numpy(dtype=float)
    y = done[measure].to_numpy(dtype=float)
    n = len(y)
    spread = x.std(axis=0) if n else np.zeros(len(keys))
    usable = spread > 0
    coefficients = np.full(len(keys), np.nan)
    notes = [""] * len(keys)
    fitted_ok = False
    if usable.any():
        design = np.column_stack([np.ones(n), (x[:, usable] - x[:, usable].mean(axis=0)) / spread[usable]])
        if n <= usable.sum():
            why = f"too few points: {n} completed, the regression on {int(usable.sum())} parameters needs at least " \
                  f"{int(usable.sum()) + 1}"
        elif np.linalg.matrix_rank(design) < design.shape[1]:
            why = "the completed points do not separate this parameter's effect from the others'"
        else:
            coefficients[usable] = np.linalg.lstsq(design, y, rcond=None)[0][1:]
            fitted_ok, why = True, ""
        for column in np.flatnonzero(usable):
            notes[column] = why
    ranks_y = pd.Series(y).rank().to_numpy()
    for i, key in enumerate(keys):
        if planned_spread[i] == 0:
            notes[i] = "a single value in the design"
        elif n == 0:
            notes[i] = "all points failed"
        elif not usable[i]:
            notes[i] = f"points failed: the {n} completed points all have {key} = {x[0, i]:g}"
        elif fitted_ok and n < planned:
            notes[i] = f"estimated from {n} of {planned} points ({planned - n} failed)"
        estimated = fitted_ok and usable[i]
        rho = np.corrcoef(pd.Series(x[:, i]).rank(), ranks_y)[0, 1] if estimated and n > 2 else np.nan
        rows.append({"parameter": key, "method": "standardised_regression",
                     "effect": coefficients[i] if estimated else np.nan, "spearman": rho,
                     "points_used": n if estimated else np.nan, "note": notes[i]})
    return pd.DataFrame(rows)
