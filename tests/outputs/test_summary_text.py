"""The summary printed after a run, as the analyst sees it (text and styles), for a run with every
kind of line and the higher levels: titles, rows, names, figures in 万元, the italic row of the
city's own budgets and the tables of revenue forgone and memo items.

The expected text is tests/golden/summary_full_plan.txt; after a deliberate change of the summary,
regenerate it with `python -m tests.outputs.test_summary_text` and read the difference."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from model.pipeline import RunResult
from model.summary import print_summary
from tests.conftest import REPO, run_file

EXPECTED = Path(__file__).resolve().parents[1] / "golden" / "summary_full_plan.txt"


def summary_text(result: RunResult) -> str:
    console = Console(file=io.StringIO(), record=True, width=160, force_terminal=True, color_system="standard")
    print_summary(result, console)
    return console.export_text(styles=True)


def full_plan_summary() -> str:
    return summary_text(run_file(REPO / "scenarios" / "full_plan.toml", replicates=12, seed=7))


def test_summary_reads_as_expected():
    assert full_plan_summary() == EXPECTED.read_text(encoding="utf-8")


def test_summary_of_a_run_without_higher_levels_has_no_row_for_them():
    text = summary_text(run_file(REPO / "scenarios" / "baseline.toml", replicates=12, seed=7))
    assert "含中央、省级" not in text and "of which" not in text
    assert "revenue forgone" not in text and "memo" not in text
    assert "\x1b[1m合计 total" in text  # the total row is bold


if __name__ == "__main__":
    EXPECTED.write_text(full_plan_summary(), encoding="utf-8")
    print(f"wrote {EXPECTED}")


def test_the_first_line_is_never_wrapped_and_memo_items_print_without_revenue_forgone(write):
    """On a narrow terminal the header stays one line (it is copied into notes); a run with a memo
    item and no revenue forgone still prints the memo table."""
    path = write("s.toml", f'[scenario]\nname = "memo only"\nextends = "{REPO / "scenarios" / "baseline.toml"}"\n'
                           "[lines.housing_fund_limit]\nenabled = true\n")
    result = run_file(path, replicates=3, seed=7)
    console = Console(file=io.StringIO(), record=True, width=50)
    print_summary(result, console)
    text = console.export_text()
    assert text.splitlines()[0] == ("memo only: 3 replicates, seed 7, accrual basis, 2025–2035, 万元 "
                                    "(10,000 yuan)")
    assert "memo 备忘" in text and "revenue forgone" not in text
