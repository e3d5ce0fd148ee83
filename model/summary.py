"""The short summary printed after a run: 2025–2035 totals by line and by payer, in 万元.

Outlays come first, with their totals; revenue forgone and memo items follow in their own
table and are never added to the outlays.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from model.city import HIGHER_LEVELS
from model.kinds import Kind
from model.lines import MONEY_GROUPS, line_tables, money_groups
from model.pipeline import RunResult
from model.pipeline.accounts import outlays
from model.result_tables import ALL, QUANTILES, totals_by
from model.units import WAN

KIND_TITLES = {Kind.REVENUE_FORGONE: "revenue forgone 减收（不计入支出）", Kind.MEMO: "memo 备忘（不计入支出）"}


def _name(key: str, kind: str, result: RunResult, upper: bool = False) -> str:
    if key == ALL:
        return "合计（含中央、省级） total incl. central and province" if upper else "合计 total"
    if kind == "line":
        return f"{result.line_by_id[key].name_zh} {key}"
    city = result.prepared.scenario.city
    return f"{city.payer_name(key)} {key}"


def _table(title: str, column: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(column)
    for name in ("mean", "p05", "p95"):
        table.add_column(name, justify="right")
    return table


def _cells(values: dict[str, float]) -> list[str]:
    return [f"{values[c] / WAN:,.1f}" for c in ("mean", "p05", "p95")]


def _local_budgets(result: RunResult) -> dict[str, float]:
    """Outlays borne by the city's own budgets (city, districts, counties), per-replicate sums."""
    spending = outlays(result.accrual, result.line_kinds).sum(axis=(1, 2))  # [rep, payer]
    local = spending[:, [result.payer_ids.index(p) for p in result.prepared.scenario.city.payers]].sum(axis=1)
    quantiles = np.quantile(local, list(QUANTILES.values()))
    return {"mean": float(local.mean()), **dict(zip(QUANTILES, quantiles, strict=True))}


def _group(result: RunResult, lines: list[str]) -> dict[str, float]:
    """Outlays of some lines over the budget years (every payer), per-replicate sums."""
    chosen = [result.line_ids.index(line) for line in lines]
    values = result.accrual[:, :, chosen].sum(axis=(1, 2, 3))
    quantiles = np.quantile(values, list(QUANTILES.values()))
    return {"mean": float(values.mean()), **dict(zip(QUANTILES, quantiles, strict=True))}


def print_summary(result: RunResult, console: Console) -> None:
    years = f"{result.calendar.start_year}–{result.calendar.end_year}"
    scenario = result.loaded.scenario.scenario
    console.print(f"[bold]{scenario.name}[/]: {scenario.replicates} replicates, seed {scenario.seed}, "
                  f"accrual basis, {years}, 万元 (10,000 yuan)", soft_wrap=True)
    upper = any(level in result.payer_ids for level in HIGHER_LEVELS)
    city = result.prepared.scenario.city
    for kind, title in (("line", "by line 分项目"), ("payer", "by payer 分承担主体")):
        table = _table(f"Outlays {years} {title}", kind)
        for row in totals_by(result, kind).itertuples(index=False):
            key = getattr(row, kind)
            table.add_row(_name(key, kind, result, upper), *_cells(row._asdict()), style="bold" if key == ALL else None)
        groups = money_groups(result.line_ids, line_tables(result.loaded.scenario.model_dump(mode="json")))
        if kind == "line" and all(groups.values()):  # the plan's new money apart from continuing programmes
            for group, lines in groups.items():
                zh, en = MONEY_GROUPS[group]
                table.add_row(f"其中{zh} of which {en}", *_cells(_group(result, lines)), style="italic")
        if upper:
            table.add_row(f"{city.own_budgets('zh')} {city.own_budgets('en')}", *_cells(_local_budgets(result)),
                          style="italic")
        console.print(table)
    for kind, title in KIND_TITLES.items():
        frame = totals_by(result, "line", kind)
        if frame.empty:
            continue
        table = _table(f"{title} {years}", "line")
        for row in frame[frame.line != ALL].itertuples(index=False):
            table.add_row(_name(row.line, "line", result), *_cells(row._asdict()))
        console.print(table)
