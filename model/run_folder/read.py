"""Reading a run folder back: the manifest, the replicates and the tables, each checked, so a
damaged or foreign folder ends in one line naming the file."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.city import CITY, HIGHER_LEVELS, ID, City, CityFile, load_city
from model.errors import InputError
from model.files import TABLE_LIMIT, read_bytes, require_regular
from model.kinds import Kind
from model.pipeline.accounts import outlay_mask, outlays
from model.run_folder.manifest import MANIFEST, damaged, read_manifest
from model.run_folder.replace import recover

BUDGET_COLUMNS = ("year", "line", "payer", "basis", "mean", "p05", "p50", "p95")


def read_replicates(path: str | Path, replicates: int | None = None,
                    known_lines: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """replicates.npz, checked: every array present, of consistent shape, finite, with known ids
    (`known_lines`: the lines its run could price, line_specs_of its manifest; default the model's)."""
    from model.lines import LINE_BY_ID

    known_lines = LINE_BY_ID if known_lines is None else known_lines
    path = require_regular(path, "replicates file")
    try:
        _check_sizes(path)
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise damaged(path, "cannot be read as the replicates of a run (numpy arrays in a zip file: "
                      f"{type(error).__name__})") from None
    for key in ("accrual", "births", "years", "lines", "payers"):
        if key not in arrays:
            raise damaged(path, f"has no '{key}' array")
    accrual, lines, payers = arrays["accrual"], [str(x) for x in arrays["lines"]], [str(x) for x in arrays["payers"]]
    kinds = [str(x) for x in arrays["kinds"]] if "kinds" in arrays else None
    unknown = [line for line in lines if line not in known_lines]
    if unknown:
        raise damaged(path, f"names a line this version does not know ({unknown[0]!r})")
    strange = [payer for payer in payers if not is_payer_id(payer)]
    if strange or len(set(payers)) != len(payers) or CITY not in payers:
        shown = f" ({strange[0][:40]!r})" if strange else ""
        raise damaged(path, f"its payers are not those of a run (the city level, then areas by id){shown}")
    if kinds is not None and (len(kinds) != len(lines) or any(kind not in set(Kind) for kind in kinds)):
        raise damaged(path, "its line kinds do not match its lines")
    shape = (len(arrays["years"]), len(lines), len(payers))
    for key in ("accrual", "cash"):
        if key in arrays and (arrays[key].ndim != 4 or arrays[key].shape[1:] != shape):
            raise damaged(path, f"'{key}' has shape {arrays[key].shape}, expected [replicates, {', '.join(map(str, shape))}]")
    if "payables" in arrays and (arrays["payables"].ndim != 4 or arrays["payables"].shape[2:] != shape[1:]):
        raise damaged(path, "'payables' does not match the lines and payers")
    if replicates is not None and accrual.shape[0] != replicates:
        raise damaged(path, f"holds {accrual.shape[0]} replicates where the manifest says {replicates}")
    for key, array in arrays.items():
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            raise damaged(path, f"'{key}' holds numbers that are not finite")
        if array.dtype.kind not in "fiuUSb":
            raise damaged(path, f"'{key}' is not an array of numbers or names")
    return arrays


REPLICATE_ARRAYS = {"accrual", "cash", "payables", "births", "years", "lines", "kinds", "payers", "seed"}


def _check_sizes(path: Path) -> None:
    """Every member is one of the run's arrays, and together they fit in memory: read from each
    array's header before anything is unpacked (a small zip can unpack to gigabytes)."""
    from model.memory import available_bytes

    total = 0
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            name = member.filename.removesuffix(".npy")
            if name not in REPLICATE_ARRAYS and not name.startswith("impact_"):
                raise damaged(path, f"holds an array {name[:40]!r} that no run writes")
            with archive.open(member) as handle:
                version = np.lib.format.read_magic(handle)
                readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
                if version not in readers:
                    raise damaged(path, f"holds an array of a format no run writes (npy {version})")
                shape, _, dtype = readers[version](handle)
            total += int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    have = available_bytes()
    if have is not None and total > 0.5 * have:
        raise damaged(path, f"its arrays would take {total / 2**30:,.1f} GiB, more than half the memory free "
                      f"({have / 2**30:,.1f} GiB)")


def read_csv(path: str | Path, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV table of the run folder, with the columns its readers need."""
    import io

    path = Path(path)
    raw = read_bytes(path, "result table", TABLE_LIMIT)
    try:
        frame = pd.read_csv(io.BytesIO(raw))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise damaged(path, f"not a readable CSV table ({str(error).splitlines()[0][:120]})") from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise damaged(path, f"has no column {missing[0]!r}")
    numeric = [c for c in ("mean", "p05", "p50", "p95") if c in frame.columns]
    for column in numeric:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise damaged(path, f"column {column!r} holds text where numbers belong")
        if not np.isfinite(frame[column].to_numpy(dtype=float)).all():
            row = int(np.flatnonzero(~np.isfinite(frame[column].to_numpy(dtype=float)))[0])
            raise damaged(path, f"line {row + 2}, column {column!r}: a number that is not finite (empty, NaN or inf)")
    return frame


def check_cube_table(frame: pd.DataFrame, path: Path) -> None:
    """budget.csv or payables.csv: known lines and payers, one row per key, none missing."""
    unknown = sorted(line for line in set(frame["line"].astype(str)) if line != "all" and not is_payer_id(line))
    if unknown:  # the run's own lines are checked against its manifest when the whole folder is read
        raise damaged(path, f"names a line that is not a line id ({unknown[0][:40]!r})")
    strange = sorted(payer for payer in set(frame["payer"].astype(str)) if payer != "all" and not is_payer_id(payer))
    if strange:
        raise damaged(path, f"names a payer that is not a payer id ({strange[0][:40]!r})")
    if not pd.api.types.is_integer_dtype(frame["year"]):
        raise damaged(path, "column 'year' holds something other than whole years")
    if "basis" in frame.columns and not set(frame.basis.astype(str)) <= {"accrual", "cash"}:
        raise damaged(path, f"column 'basis' holds {sorted(set(frame.basis.astype(str)) - {'accrual', 'cash'})[0]!r}; "
                      "allowed: accrual, cash")
    years = sorted(int(year) for year in frame["year"].unique())
    if years != list(range(years[0], years[-1] + 1)):
        raise damaged(path, f"the years {years[0]} to {years[-1]} have gaps")
    keys = [c for c in ("year", "line", "payer", "basis") if c in frame.columns]
    duplicated = frame.duplicated(keys)
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise damaged(path, f"line {row + 2}: a second row for the same {', '.join(keys)}")
    expected = int(np.prod([frame[key].nunique() for key in keys]))
    if len(frame) != expected:
        raise damaged(path, f"has {len(frame)} rows where every {' × '.join(keys)} needs one ({expected})")


@dataclass
class RunFolder:
    """A run folder as its readers see it: the CSV tables, the manifest and the replicates."""

    path: Path
    budget: pd.DataFrame
    births: pd.DataFrame
    births_total: pd.DataFrame | None
    impact: pd.DataFrame | None
    payables: pd.DataFrame | None
    manifest: dict[str, Any]
    replicates: dict[str, np.ndarray]
    readings: pd.DataFrame | None = None  # readings.csv, when `birthbudget readings` wrote the folder

    @property
    def name(self) -> str:
        return self.manifest["scenario"]["scenario"]["name"]

    @property
    def run_date(self) -> str:
        return datetime.fromisoformat(self.manifest["start_time"]).strftime("%Y-%m-%d")

    @property
    def lines(self) -> list[str]:
        return [str(line) for line in self.replicates["lines"]]

    @property
    def kinds(self) -> list[str]:
        """Each line's kind (runs written before kinds existed hold outlays only)."""
        if "kinds" in self.replicates:
            return [str(kind) for kind in self.replicates["kinds"]]
        return [self.line_specs[line].kind for line in self.lines]

    @cached_property
    def line_specs(self) -> dict[str, Any]:
        """Every line the run's scenario could price, by id (its package's measures among them)."""
        return line_specs_of(self.manifest)

    @property
    def outlay_lines(self) -> list[str]:
        return [line for line, adds in zip(self.lines, outlay_mask(self.kinds), strict=True) if adds]

    @property
    def other_lines(self) -> list[str]:
        """Revenue forgone and memo items: shown apart, never added to outlays."""
        return [line for line, adds in zip(self.lines, outlay_mask(self.kinds), strict=True) if not adds]

    @property
    def payers(self) -> list[str]:
        return [str(payer) for payer in self.replicates["payers"]]

    @property
    def base_year_births(self) -> float | None:
        """The base year's actual births, the target the simulated births were calibrated to (None
        when the manifest does not record it)."""
        targets = self.manifest.get("calibration", {}).get("target_births_by_transition")
        if not isinstance(targets, dict) or not all(isinstance(v, int | float) for v in targets.values()):
            return None
        return float(sum(targets.values()))

    @property
    def city(self) -> City:
        """The run's city as it was when the run was made (its city.toml, kept in the manifest)."""
        return city_of_manifest(self.manifest, self.path / "manifest.json")

    def outlays(self, basis: str = "accrual") -> np.ndarray:
        """[rep, year, outlay line, payer] yuan."""
        return outlays(self.replicates[basis], self.kinds)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.replicates["years"]]

    def accrual(self, line: str = "all", payer: str = "all") -> pd.DataFrame:
        rows = self.budget[(self.budget.basis == "accrual") & (self.budget.line == line) & (self.budget.payer == payer)]
        return rows.set_index("year")


READINGS_COLUMNS = ("reading", "choice", "is_default", "effect_mean", "effect_p05", "effect_p95",
                    "city_effect_mean", "new_money_effect_mean", "clause", "title_zh", "title_en", "label_zh", "label_en")


def _optional(path: Path, columns: tuple[str, ...]) -> pd.DataFrame | None:
    return read_csv(path, columns) if path.exists() else None


def _require(path: Path, names: tuple[str, ...], purpose: str) -> None:
    recover(path)
    if not path.is_dir():
        raise InputError(path, None, f"not found: {purpose} needs a folder written by `birthbudget run`"
                         if not path.exists() else f"is not a folder: {purpose} needs a run folder")
    for name in names:
        if not (path / name).exists():
            raise InputError((path / name).absolute(), None, f"not found: {purpose} needs a folder written by `birthbudget run`")


def run_tables(path: str | Path, purpose: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """budget.csv and payables.csv (None when the run had no cash timing) of a run folder."""
    path = Path(path)
    _require(path, ("budget.csv",), purpose)
    budget = read_csv(path / "budget.csv", BUDGET_COLUMNS)
    check_cube_table(budget, path / "budget.csv")
    payables = _optional(path / "payables.csv", ("year", "line", "payer", "mean"))
    if payables is not None:
        check_cube_table(payables, path / "payables.csv")
        missing = sorted(set(budget.year) - set(payables.year))
        if missing:
            raise damaged(path / "payables.csv", f"has no rows for {missing[0]}, a budget year of budget.csv")
    return budget, payables


def load_run(path: str | Path, purpose: str = "this command") -> RunFolder:
    """Read and check a run folder; any damage is one InputError naming the file."""
    path = Path(path)
    _require(path, ("budget.csv", "births.csv", MANIFEST, "replicates.npz"), purpose)
    manifest = read_manifest(path / MANIFEST)
    replicates = read_replicates(path / "replicates.npz", manifest["replicates"], line_specs_of(manifest))
    budget, payables = run_tables(path, purpose)
    lines = {str(line) for line in replicates["lines"]}
    years = {int(year) for year in replicates["years"]}
    if set(budget.line) - {"all"} != lines or set(budget.year) != years:
        raise damaged(path / "budget.csv", "its lines or years are not those of replicates.npz")
    payers = [str(payer) for payer in replicates["payers"]]
    if set(budget.payer) - {"all"} != set(payers):
        raise damaged(path / "budget.csv", "its payers are not those of replicates.npz")
    city = city_of_manifest(manifest, path / MANIFEST)
    foreign = [payer for payer in payers if payer not in (*city.payers, *HIGHER_LEVELS)]
    if foreign:
        raise damaged(path / "replicates.npz", f"names a payer {foreign[0]!r} that is not one of its city's "
                      f"({city.name('en')}: {', '.join(city.payers)})")
    return RunFolder(
        path=path, budget=budget, births=read_csv(path / "births.csv", ("year", "area", "birth_order", "mean")),
        births_total=_optional(path / "births_total.csv", ("year", "mean", "p05", "p95")),
        impact=_optional(path / "impact.csv", ("year", "measure", "mean")),
        payables=payables,
        manifest=manifest, replicates=replicates,
        readings=_optional(path / "readings.csv", READINGS_COLUMNS),
    )


def city_of_manifest(manifest: dict[str, Any], path: Path) -> City:
    """The city a manifest records; a run written before cities were data is of the city its
    scenario names (or the default city)."""
    from pydantic import ValidationError

    recorded = manifest.get("city")
    if recorded is None:
        folder = manifest["scenario"]["scenario"].get("city")
        return load_city(folder if isinstance(folder, str) else None)
    try:
        city = City(folder=Path(str(recorded["folder"])), spec=CityFile.model_validate(recorded["spec"]))
    except (TypeError, KeyError, ValidationError):
        raise damaged(path, "its 'city' is not a city as city.toml gives one") from None
    if not city.folder.is_dir():  # the run was made in another install or checkout
        default = load_city(None)
        if city.spec == default.spec:
            return default  # the default city, here
    return city


def is_payer_id(payer: str) -> bool:
    """A payer id: the city level, a level above, or an area id as city.toml allows one."""
    return re.fullmatch(ID, payer) is not None


def run_city(path: str | Path) -> City:
    """The city of the run folder at `path` (read from its manifest)."""
    manifest_path = Path(path) / MANIFEST
    return city_of_manifest(read_manifest(manifest_path), manifest_path)


def line_specs_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The lines a run's scenario could price (the model's and its package's measures), by id."""
    from pydantic import ValidationError

    from model.lines import lines_of

    measures = manifest["scenario"].get("measures", {})
    try:
        return lines_of(measures if isinstance(measures, dict) else {})
    except (ValidationError, TypeError, AttributeError):
        raise damaged(Path("manifest.json"), "its scenario's measures are not measures this version reads") from None


def run_line_specs(path: str | Path) -> dict[str, Any]:
    """The lines of the run folder at `path` (its package's measures among them), by id."""
    return line_specs_of(read_manifest(Path(path) / MANIFEST))
