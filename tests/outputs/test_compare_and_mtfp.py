"""compare and mtfp: paired differences with common random numbers, the medium-term fiscal plan
from a run's cash basis, and, with every line on, the report, the MTFP and compare keep outlays,
revenue forgone and memo items apart."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import BASELINE, REPO, cli


def test_compare_with_common_random_numbers(tmp_path, write):
    plus = write("plus.toml", f'[scenario]\nname = "plus"\nextends = "{BASELINE}"\n'
                              '[lines.third_child_allowance]\nmonthly_amount = 505\n')
    for name, path in (("a", BASELINE), ("a2", BASELINE), ("b", plus)):
        assert cli("run", path, "--out", tmp_path / name, "--replicates", "40", "--quiet").exit_code == 0
    same = cli("compare", tmp_path / "a", tmp_path / "a2", "--out", tmp_path / "same.csv")
    assert same.exit_code == 0 and "No scenario key differs" in same.output
    table = pd.read_csv(tmp_path / "same.csv")
    assert (table[["difference", "difference_p05", "difference_p95"]] == 0).all().all()
    result = cli("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "plus.csv")
    assert result.exit_code == 0 and "lines.third_child_allowance.monthly_amount: 500.0 → 505.0" in result.output
    table = pd.read_csv(tmp_path / "plus.csv")
    period = table[(table.line == "all") & (table.payer == "all")]
    difference = period.difference.sum()
    assert difference > 0
    # Paired by replicate, the difference is positive in every year's 5-95% range, and that range
    # is tiny next to the range of one run's total (what two independent runs would differ by).
    assert (period.difference_p05 > 0).all()
    own = pd.read_csv(tmp_path / "a" / "budget.csv")
    own = own[(own.basis == "accrual") & (own.line == "all") & (own.payer == "all")].set_index("year")
    width = (period.difference_p95 - period.difference_p05).to_numpy()
    assert (width < 0.05 * (own.p95 - own.p05).to_numpy()).all()


def test_mtfp_table_from_a_run(tmp_path):
    out = tmp_path / "run"
    assert cli("run", REPO / "scenarios" / "baseline.toml", "--out", out, "--replicates", "20",
               "--quiet").exit_code == 0
    result = cli("mtfp", out, "--budget-year", "2027")
    assert result.exit_code == 0, result.output
    assert "中期财政规划" in result.output and "市本级" in result.output and "2029" in result.output
    table = pd.read_csv(out / "mtfp_2027.csv")
    budget = pd.read_csv(out / "budget.csv")
    cash_2028 = budget[(budget.basis == "cash") & (budget.year == 2028) & (budget.line == "all") & (budget.payer == "city")]
    city_all = table[(table.payer == "city") & (table.line == "all")].iloc[0]
    assert city_all["2028_mean"] == pytest.approx(cash_2028["mean"].iloc[0] / 10_000, abs=0.01)
    payables = pd.read_csv(out / "payables.csv")
    carried = payables[(payables.year == 2026) & (payables.line == "all") & (payables.payer == "city")]["mean"].iloc[0]
    assert city_all["payables_carried_in"] == pytest.approx(carried / 10_000, abs=0.01)
    late = cli("mtfp", out, "--budget-year", "2035")
    assert late.exit_code == 2 and "--budget-year" in late.output and "2033" in late.output


def test_full_plan_report_mtfp_and_compare(tmp_path):
    """The appendix shows revenue forgone and memo items apart; the MTFP and compare keep kinds."""
    out, base = tmp_path / "full", tmp_path / "base"
    assert cli("run", REPO / "scenarios" / "full_plan.toml", "--out", out, "--replicates", "10", "--quiet").exit_code == 0
    assert cli("run", REPO / "scenarios" / "baseline.toml", "--out", base, "--replicates", "10", "--quiet").exit_code == 0
    result = cli("report", out)
    assert result.exit_code == 0, result.output
    import openpyxl

    book = openpyxl.load_workbook(out / "appendix.xlsx", read_only=True)
    assert "减收与备忘" in book.sheetnames
    summary = [row for row in book["汇总"].iter_rows(min_row=6, values_only=True) if row[0]]
    names = [row[0] for row in summary]
    assert "个税婴幼儿照护扣除（减收）" not in names and "公积金贷款额度上浮（备忘）" not in names
    total = next(row for row in summary if row[0] == "合计")
    lines = [row for row in summary if row[0] not in ("合计", "其中：荆门本地财政")]
    assert total[-1] == pytest.approx(sum(row[-1] for row in lines), rel=1e-9)
    local = next(row for row in summary if row[0] == "其中：荆门本地财政")  # Jingmen's own part of the total
    budget = pd.read_csv(out / "budget.csv")
    own = budget[(budget.basis == "accrual") & (budget.line == "all") & ~budget.payer.isin(["all", "province", "central"])]
    assert local[-1] == pytest.approx(own["mean"].sum() / 10_000, rel=1e-9) and local[-1] < total[-1]
    mtfp = cli("mtfp", out, "--budget-year", "2027")
    assert mtfp.exit_code == 0, mtfp.output
    plan = pd.read_csv(out / "mtfp_2027.csv")
    # with continuing programmes priced, subtotals show the plan's new measures apart (never in `all`)
    assert set(plan.kind) == {"outlay", "revenue_forgone", "memo", "subtotal"} and "central" in set(plan.payer)
    assert set(plan[plan.kind == "subtotal"].line) == {"new_measures", "continuing"}
    compared = cli("compare", base, out, "--out", tmp_path / "diff.csv")
    assert compared.exit_code == 0, compared.output
    diff = pd.read_csv(tmp_path / "diff.csv")
    row = diff[(diff.year == 2030) & (diff.line == "all") & (diff.payer == "all")].iloc[0]
    outlays = diff[(diff.year == 2030) & (diff.kind == "outlay") & (diff.line != "all") & (diff.payer == "all")]
    assert row.mean_b == pytest.approx(outlays.mean_b.sum(), rel=1e-6)
