"""The medium-term fiscal plan table (中期财政规划): three years of cash by payer and line.

From a run folder: the budget year and the two following years, cash basis, in 万元 with
the 5-95% range, for the city (市本级) and each district and county (and the province and
the central government for co-funded lines), by line, with the payables carried in
(entitled by the end of the year before the budget year, not yet paid). `kind` marks revenue
forgone and memo items; the `all` rows add up outlays only. When the run prices continuing
programmes too, rows of kind `subtotal` (lines `new_measures` and `continuing`) show the plan's new
measures apart from them; they are never added to `all`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import InputError
from model.kinds import Kind
from model.lines import line_tables, money_groups
from model.result_tables import ALL
from model.run_folder import MANIFEST, read_manifest, read_replicates, run_tables
from model.run_folder.read import line_specs_of
from model.units import WAN

SUBTOTAL = "subtotal"


def mtfp_table(run_dir: Path, budget_year: int) -> pd.DataFrame:
    run_dir = Path(run_dir)
    budget, payables = run_tables(run_dir, "mtfp")
    cash = budget[budget.basis == "cash"]
    if cash.empty or payables is None:
        raise InputError(run_dir / ("budget.csv" if cash.empty else "payables.csv"), None,
                         "the run has no cash figures: run the scenario with [disbursement] enabled = true "
                         "(the default) to get the cash basis")
    years = [budget_year, budget_year + 1, budget_year + 2]
    available = sorted(int(year) for year in cash.year.unique())
    if not set(years) <= set(available):
        first, last = available[0], available[-1] - 2
        allowed = "none: the run covers fewer than three budget years" if last < first else (
            f"{first}" if last == first else f"{first} to {last}")
        raise InputError(run_dir, "--budget-year", f"{budget_year} needs cash figures for the three years "
                         f"{years[0]} to {years[-1]}; the run covers {available[0]} to {available[-1]}, so the "
                         f"budget year can be {allowed}")
    carried = payables[payables.year == budget_year - 1].set_index(["payer", "line"])["mean"]
    rows = []
    lines = [line for line in dict.fromkeys(cash.line) if line != ALL] + [ALL]
    kinds = cash.drop_duplicates("line").set_index("line")["kind"] if "kind" in cash else {}
    for payer in list(dict.fromkeys(cash.payer)):  # the run's payers, `all` last
        for line in lines:
            row: dict[str, object] = {"payer": payer, "line": line, "kind": kinds.get(line, Kind.OUTLAY),
                                      # the payables table covers every line and payer: a gap is nothing owed
                                      "payables_carried_in": carried.get((payer, line), 0.0) / WAN}
            for year in years:  # run_tables checked that every year, line and payer has its row
                figures = cash[(cash.year == year) & (cash.payer == payer) & (cash.line == line)]
                for stat in ("mean", "p05", "p95"):
                    row[f"{year}_{stat}"] = figures.iloc[0][stat] / WAN
            rows.append(row)
        rows[-1:-1] = _group_rows(run_dir, payer, years, carried)
    return pd.DataFrame(rows)


def _group_rows(run_dir: Path, payer: str, years: list[int], carried: pd.Series) -> list[dict[str, object]]:
    """Subtotals of the plan's new measures and of the continuing programmes (kind `subtotal`,
    never added to `all`), when the run has both; their ranges from the replicates."""
    manifest = read_manifest(run_dir / MANIFEST)
    groups = money_groups([str(line) for line in manifest["lines"]], line_tables(manifest["scenario"]))
    if not all(groups.values()):
        return []
    arrays = read_replicates(run_dir / "replicates.npz", manifest["replicates"], line_specs_of(manifest))
    lines, payers = [str(x) for x in arrays["lines"]], [str(x) for x in arrays["payers"]]
    run_years = [int(y) for y in arrays["years"]]
    cash = arrays["cash"]  # [rep, year, line, payer]
    chosen_payers = list(range(len(payers))) if payer == ALL else [payers.index(payer)]
    rows = []
    for group, members in groups.items():
        index = [lines.index(line) for line in members]
        row: dict[str, object] = {"payer": payer, "line": group, "kind": SUBTOTAL,
                                  "payables_carried_in": sum(carried.get((payer, line), 0.0) for line in members) / WAN}
        for year in years:
            values = cash[:, run_years.index(year)][:, index][:, :, chosen_payers].sum(axis=(1, 2))
            row[f"{year}_mean"] = float(values.mean()) / WAN
            row[f"{year}_p05"], row[f"{year}_p95"] = (float(q) / WAN for q in np.quantile(values, [0.05, 0.95]))
        rows.append(row)
    return rows
