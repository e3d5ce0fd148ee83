"""Comparing two runs: the difference by year, line and payer, and the keys that differ.

With the same seed and replicate count the runs used common random numbers (streams keyed
by what they draw), so the difference is taken replicate by replicate: its 5-95% range is
the uncertainty of the difference itself, narrow for a small policy change. Otherwise
only the difference of the means is meaningful, and the table has no range columns (never empty cells).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import InputError
from model.kinds import Kind
from model.pipeline.accounts import outlay_mask, with_outlay_total
from model.result_tables import ALL, QUANTILES
from model.run_folder import read_manifest, read_replicates, recover
from model.run_folder.read import line_specs_of


def _load(run: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    run = Path(run)
    recover(run)
    if not run.is_dir():
        raise InputError(run, None, "not found: compare needs two folders written by `birthbudget run`"
                         if not run.exists() else "is not a folder: compare needs two run folders")
    for name in ("manifest.json", "replicates.npz"):
        if not (run / name).exists():
            raise InputError(run / name, None, "not found: compare needs two folders written by `birthbudget run`")
    manifest = read_manifest(run / "manifest.json")
    return manifest, read_replicates(run / "replicates.npz", manifest["replicates"], line_specs_of(manifest))


def _flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: tree}


def differing_keys(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Scenario keys whose resolved values differ (name and description aside)."""
    flat_a, flat_b = _flatten(a), _flatten(b)
    skip = {"scenario.name", "scenario.description"}
    return [(key, flat_a.get(key), flat_b.get(key)) for key in sorted(set(flat_a) | set(flat_b))
            if key not in skip and flat_a.get(key) != flat_b.get(key)]


def _aligned(arrays: dict[str, np.ndarray], lines: list[str], payers: list[str], basis: str = "accrual") -> np.ndarray:
    """The basis's cube with lines and payers in the given order (what the run did not price is zero)."""
    cube = arrays[basis]
    own_lines, own_payers = list(arrays["lines"]), list(arrays["payers"])
    out = np.zeros((*cube.shape[:2], len(lines), len(payers)))
    for i, line in enumerate(lines):
        for j, payer in enumerate(payers):
            if line in own_lines and payer in own_payers:
                out[:, :, i, j] = cube[:, :, own_lines.index(line), own_payers.index(payer)]
    return out


def _union(a: dict[str, np.ndarray], b: dict[str, np.ndarray], key: str) -> list[str]:
    return [str(x) for x in dict.fromkeys([*a[key], *b[key]])]


def _kinds(lines: list[str], *manifests: dict[str, Any]) -> list[str]:
    """The kind of each line, from the runs' own lines (their packages' measures among them)."""
    specs = {key: line for manifest in manifests for key, line in line_specs_of(manifest).items()}
    return [specs[line].kind for line in lines]


def _check_basis(run: Path, arrays: dict[str, np.ndarray], basis: str) -> None:
    if basis not in arrays:
        raise InputError(run, "--basis", f"the run has no {basis} figures (was [disbursement] enabled?)")


TABLE_HEADER = "year,line,kind,payer,mean_a,mean_b,difference"


def is_compare_table(path: Path) -> bool:
    """A difference table that `compare --out` wrote (so it may be replaced)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline(len(TABLE_HEADER) + 1).startswith(TABLE_HEADER)
    except (OSError, UnicodeDecodeError):
        return False


def check_comparable(run_a: Path, arrays_a: dict[str, np.ndarray], run_b: Path, arrays_b: dict[str, np.ndarray],
                     basis: str = "accrual") -> None:
    """Two runs can be set against each other: both have the basis, over the same budget years."""
    _check_basis(run_a, arrays_a, basis)
    _check_basis(run_b, arrays_b, basis)
    if not np.array_equal(arrays_a["years"], arrays_b["years"]):
        years = [f"{int(y[0])}-{int(y[-1])}" if len(y) else "none" for y in (arrays_a["years"], arrays_b["years"])]
        raise InputError(run_b, "scenario.start_year/end_year",
                         f"the two runs cover different budget years ({years[0]} and {years[1]}); "
                         "compare runs of the same years")


def compare_runs(run_a: Path, run_b: Path, basis: str = "accrual") -> tuple[pd.DataFrame, list[tuple[str, Any, Any]], bool]:
    """(difference table B − A, differing keys, paired) where paired means common random numbers;
    unpaired, the table has no range columns (only the difference of the means is meaningful)."""
    manifest_a, arrays_a = _load(run_a)
    manifest_b, arrays_b = _load(run_b)
    check_comparable(run_a, arrays_a, run_b, arrays_b, basis)
    lines, payers = _union(arrays_a, arrays_b, "lines"), _union(arrays_a, arrays_b, "payers")
    cube_a, cube_b = _aligned(arrays_a, lines, payers, basis), _aligned(arrays_b, lines, payers, basis)
    paired = manifest_a["seed"] == manifest_b["seed"] and cube_a.shape[0] == cube_b.shape[0]
    full_a, full_b = with_outlay_total(cube_a, _kinds(lines, manifest_a, manifest_b)), with_outlay_total(cube_b, _kinds(lines, manifest_a, manifest_b))
    index = pd.MultiIndex.from_product([arrays_a["years"].tolist(), [*lines, ALL], [*payers, ALL]],
                                       names=["year", "line", "payer"])
    table = pd.DataFrame({"mean_a": full_a.mean(axis=0).reshape(-1), "mean_b": full_b.mean(axis=0).reshape(-1)},
                         index=index)
    table["difference"] = table.mean_b - table.mean_a
    if paired:
        difference = full_b - full_a
        quantiles = np.quantile(difference, list(QUANTILES.values()), axis=0)
        for i, name in enumerate(QUANTILES):
            table[f"difference_{name}"] = quantiles[i].reshape(-1)
    keys = differing_keys(manifest_a["scenario"], manifest_b["scenario"])
    table = table.reset_index()
    table.insert(2, "kind", table.line.map({**dict(zip(lines, _kinds(lines, manifest_a, manifest_b), strict=True)), ALL: Kind.OUTLAY}))
    return table, keys, paired


def period_totals(run_a: Path, run_b: Path, basis: str = "accrual") -> pd.DataFrame:
    """Budget-period totals by line: A, B and B − A (with its range when paired)."""
    manifest_a, arrays_a = _load(run_a)
    manifest_b, arrays_b = _load(run_b)
    check_comparable(run_a, arrays_a, run_b, arrays_b, basis)
    lines, payers = _union(arrays_a, arrays_b, "lines"), _union(arrays_a, arrays_b, "payers")
    outlay = np.array(outlay_mask(_kinds(lines, manifest_a, manifest_b)))

    def by_line(arrays: dict[str, np.ndarray]) -> np.ndarray:
        period = _aligned(arrays, lines, payers, basis).sum(axis=(1, 3))  # [rep, line]
        return np.concatenate([period, period[:, outlay].sum(axis=1, keepdims=True)], axis=1)  # + outlays

    a, b = by_line(arrays_a), by_line(arrays_b)
    frame = pd.DataFrame({"line": [*lines, ALL], "kind": [*_kinds(lines, manifest_a, manifest_b), Kind.OUTLAY],
                          "mean_a": a.mean(axis=0), "mean_b": b.mean(axis=0)})
    frame["difference"] = frame.mean_b - frame.mean_a
    if manifest_a["seed"] == manifest_b["seed"] and a.shape[0] == b.shape[0]:
        frame["difference_p05"], frame["difference_p95"] = np.quantile(b - a, [0.05, 0.95], axis=0)
    return frame
