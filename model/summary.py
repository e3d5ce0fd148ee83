"""The short summary printed after a run: 2025–2035 totals by line and by payer, in 万元."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from model.areas import PAYER_NAMES_ZH
from model.lines import LINE_BY_ID
from model.results import ALL, totals_by
from model.simulation import RunResult

WAN = 10_000.0  # yuan per 万元


def _name(key: str, kind: str) -> str:
    if key == ALL:
        return "合计 total"
    if kind == "line":
        return f"{LINE_BY_ID[key].name_zh} {key}"
    return f"{PAYER_NAMES_ZH[key]} {key}"


def print_summary(result: RunResult, console: Console) -> None:
    years = f"{result.calendar.start_year}–{result.calendar.end_year}"
    scenario = result.loaded.scenario.scenario
    console.print(f"[bold]{scenario.name}[/]: {scenario.replicates} replicates, seed {scenario.seed}, "
                  f"accrual basis, {years}, 万元 (10,000 yuan)", soft_wrap=True)
    for kind, title in (("line", "by line 分项目"), ("payer", "by payer 分承担主体")):
        table = Table(title=f"Total cost {years} {title}", title_justify="left")
        table.add_column(kind)
        for column in ("mean", "p05", "p95"):
            table.add_column(column, justify="right")
        for row in totals_by(result, kind).itertuples(index=False):
            key = getattr(row, kind)
            table.add_row(_name(key, kind), *(f"{getattr(row, c) / WAN:,.1f}" for c in ("mean", "p05", "p95")),
                          style="bold" if key == ALL else None)
        console.print(table)
