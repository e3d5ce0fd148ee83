"""Result tables (the contract of DESIGN.md), built from a run's result (written by model/run_folder/write.py).

`all` rows are sums computed per replicate before the quantiles are taken, so means add
up across lines and payers while quantiles need not. Money is yuan, float64 until the
file is written with two decimals.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from model.kinds import Kind
from model.lines import line_tables, money_groups
from model.pipeline.accounts import with_outlay_total
from model.pipeline.run_result import RunResult

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


def _cube_table(cube: np.ndarray, years: list[int], result: RunResult, basis: str | None = None) -> pd.DataFrame:
    full = with_outlay_total(cube, result.line_kinds)
    frame = tidy(full, [("year", years), ("line", [*result.line_ids, ALL]), ("payer", [*result.payer_ids, ALL])])
    kinds = {**dict(zip(result.line_ids, result.line_kinds, strict=True)), ALL: Kind.OUTLAY}
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
    if result.payables is None:
        raise ValueError("no payables: the run had no disbursement stage")
    return _cube_table(result.payables, list(result.calendar.payable_years), result)


def births_table(result: RunResult) -> pd.DataFrame:
    """The contract's births.csv: each area and birth order 1, 2, 3 (third and later); the means
    add up to the total (births_total_table has the total's own quantiles)."""
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    return tidy(result.births, [("year", years), ("area", list(result.areas)), ("birth_order", [1, 2, 3])])


def births_total_table(result: RunResult) -> pd.DataFrame:
    """City births by year (all areas and orders), quantiles of the per-replicate total."""
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    return tidy(result.births.sum(axis=(2, 3)), [("year", years)])


def births_by_age_table(result: RunResult) -> pd.DataFrame:
    years = list(range(result.calendar.base_year, result.calendar.end_year + 1))
    full = with_totals(result.births_by_age, axes=(2, 3))
    return tidy(full, [("year", years), ("area", [*result.areas, ALL]), ("birth_order", ["1", "2", "3", ALL]),
                       ("mother_age", list(result.age_group_labels))])


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.full(np.broadcast_shapes(numerator.shape, denominator.shape),
                                                             np.nan), where=denominator > 0)


def _nan_quantiles(values: np.ndarray) -> dict[str, np.ndarray]:
    """Quantiles over replicates, ignoring replicates where a ratio is undefined."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN (no row is written)
        qs = np.nanquantile(values, list(QUANTILES.values()), axis=0)
    return {name: qs[i] for i, name in enumerate(QUANTILES)}


def impact_table(result: RunResult) -> pd.DataFrame:
    """Births the policy induced and what each cost, by budget year and for the whole period.

    - induced_births: births drawn on top of the baseline rates by the fertility response;
    - cost_per_induced_birth: the outlays of the plan's new measures ÷ induced births (yuan;
      undefined without any; the national subsidy and the continuing programmes (new_money =
      false) induce no births here and are left out); the mean column is mean outlays ÷ mean induced
      births, the quantiles are per replicate;
    - deadweight_share: share of the spending on birth-linked lines (NIPT, allowance, housing,
      maternity) that goes to births that would have happened anyway.
    Ratios are taken per replicate, then summarised over the replicates where they exist; a
    year where a ratio exists in no replicate has no row for it.
    """
    impact = result.impact
    new = money_groups(result.line_ids, line_tables(result.loaded.scenario.model_dump(mode="json")))["new_measures"]
    plan = [line in new for line in result.line_ids]
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
            # the mean is the ratio of the means: a mean of ratios is pulled up without bound by
            # replicates with almost no induced births (quantiles stay per replicate)
            stats = {"mean": _ratio(numerator.mean(axis=0), denominator.mean(axis=0)),
                     **_nan_quantiles(_ratio(numerator, denominator))}
        for i, year in enumerate(years):
            rows.append({"year": year, "measure": measure, **{k: v[i] for k, v in stats.items()}})
    frame = pd.DataFrame(rows)
    # a ratio is undefined in a year without induced births (or birth-linked spending): no row, never NaN
    return frame[np.isfinite(frame[["mean", *QUANTILES]].to_numpy(dtype=float)).all(axis=1)].reset_index(drop=True)


def totals_by(result: RunResult, axis: str, kind: str = Kind.OUTLAY) -> pd.DataFrame:
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


