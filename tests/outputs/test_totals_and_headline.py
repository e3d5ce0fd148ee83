"""Headline figures: the row of what the city's own budgets bear, and every total of spending,
leave out what they must (the province's and the central government's money; revenue forgone
and memo items)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from rich.console import Console

from model.compare import compare_runs, period_totals
from model.kinds import Kind
from model.pipeline.accounts import outlay_mask, outlays, with_outlay_total
from model.result_tables import ALL, totals_by
from model.run_folder import load_run
from model.run_folder.write import write_run
from model.summary import print_summary
from model.units import WAN
from tests.conftest import REPO, run_file
from tests.default_city import HIGHER_LEVELS, PAYERS


@pytest.fixture(scope="module")
def full_plan():
    """full_plan prices revenue forgone, a memo item and lines co-funded by the province and the centre."""
    return run_file(REPO / "scenarios" / "full_plan.toml", replicates=12)


def test_only_outlays_add_to_spending():
    assert [Kind(k).adds_to_outlays for k in Kind] == [k is Kind.OUTLAY for k in Kind]
    assert outlay_mask(["outlay", "revenue_forgone", "memo", "outlay"]) == [True, False, False, True]
    cube = np.arange(2 * 1 * 3 * 2, dtype=float).reshape(2, 1, 3, 2) + 1
    full = with_outlay_total(cube, ["outlay", "revenue_forgone", "memo"])
    np.testing.assert_array_equal(full[:, :, 3, :2], cube[:, :, 0])  # the `all` line is the outlay line alone
    np.testing.assert_array_equal(full[:, :, :, 2], full[:, :, :, :2].sum(axis=3))  # the `all` payer adds payers
    np.testing.assert_array_equal(outlays(cube, ["memo", "outlay", "revenue_forgone"]), cube[:, :, [1]])


def _summary_text(result) -> str:
    console = Console(record=True, width=240)
    print_summary(result, console)
    return console.export_text()


def _row(text: str, label: str) -> list[float]:
    line = next(line for line in text.splitlines() if label in line)
    return [float(cell.replace(",", "")) for cell in re.findall(r"-?[\d,]+\.\d", line.split(label, 1)[1])]


def test_summary_row_of_own_budgets_leaves_out_province_and_centre(full_plan):
    """The italic row under the payers is the city's and its areas' outlays only: the sum of
    their rows, less than the total that includes the higher levels."""
    assert {"province", "central"} <= set(full_plan.payer_ids)
    by_payer = totals_by(full_plan, "payer").set_index("payer")["mean"]
    own = sum(by_payer[p] for p in PAYERS)
    higher = sum(by_payer[p] for p in HIGHER_LEVELS)
    assert higher > 0.01 * own  # the higher levels' money is large enough to show in the row
    text = _summary_text(full_plan)
    mean, p05, p95 = _row(text, "of which Jingmen")
    assert mean == pytest.approx(own / WAN, abs=0.051)
    assert p05 <= mean <= p95
    assert _row(text, "合计（含中央、省级）")[0] == pytest.approx((own + higher) / WAN, abs=0.051)


def test_summary_total_by_line_is_outlays_only(full_plan):
    kinds = dict(zip(full_plan.line_ids, full_plan.line_kinds, strict=True))
    by_line = totals_by(full_plan, "line").set_index("line")["mean"]
    outlay_lines = [line for line, kind in kinds.items() if kind == Kind.OUTLAY]
    assert by_line[ALL] == pytest.approx(sum(by_line[line] for line in outlay_lines), rel=1e-12)
    everything = full_plan.accrual.sum(axis=(1, 2, 3)).mean()
    assert everything > by_line[ALL] * 1.02  # revenue forgone and the memo item are large enough to show
    text = _summary_text(full_plan)
    assert "iit_deduction_revenue" in text.split("revenue forgone")[-1]


def test_compare_and_period_totals_add_outlays_only(full_plan, tmp_path):
    """The `all` line of `compare` and of the period totals is the sum of outlay lines; revenue
    forgone and memo lines keep their own rows."""
    a, b = tmp_path / "a", tmp_path / "b"
    write_run(full_plan, a)
    write_run(full_plan, b)
    folder = load_run(a)
    assert folder.other_lines == ["iit_deduction_revenue", "housing_fund_limit"]
    assert set(folder.outlay_lines) == {line for line, kind in zip(full_plan.line_ids, full_plan.line_kinds,
                                                                   strict=True) if kind == Kind.OUTLAY}
    period = period_totals(a, b).set_index("line")
    outlay_rows = period[(period.kind == Kind.OUTLAY) & (period.index != ALL)]
    assert period.loc[ALL, "mean_a"] == pytest.approx(outlay_rows.mean_a.sum(), rel=1e-12)
    assert period.loc[ALL, "mean_a"] < period.mean_a.drop(ALL).sum() * 0.98
    table, _, _ = compare_runs(a, b)
    rows = table[table.payer == ALL].pivot_table(index="year", columns="line", values="mean_a")
    outlay_lines = [line for line in outlay_rows.index]
    np.testing.assert_allclose(rows[ALL], rows[outlay_lines].sum(axis=1), rtol=1e-12)
