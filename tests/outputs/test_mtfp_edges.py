"""The medium-term fiscal plan table at its edges: payables carried into a budget year the run
did not simulate before, runs that cannot give three years of cash, a run folder written before
lines had kinds, and the exact words of each refusal."""

from __future__ import annotations

import pandas as pd
import pytest

from model.errors import InputError
from model.mtfp import mtfp_table
from model.run_folder.write import write_run
from model.units import WAN
from tests.conftest import run_file


def _run(write, tmp_path, years: str, disbursement: bool = True):
    path = write("s.toml", f'[scenario]\nname = "mtfp"\n{years}\n[disbursement]\nenabled = {str(disbursement).lower()}\n')
    out = tmp_path / "run"
    write_run(run_file(path, replicates=3), out)
    return out


def test_three_budget_years_exactly_and_nothing_carried_into_the_first_simulated_year(write, tmp_path):
    """A run of 2022-2024 (the base year first): the plan for 2022 takes all three years, and no
    payables come into 2022 (nothing was owed before the simulation)."""
    out = _run(write, tmp_path, "start_year = 2022\nend_year = 2024\npolicy_start = \"2022-01\"")
    table = mtfp_table(out, 2022)
    assert list(table.columns) == ["payer", "line", "kind", "payables_carried_in",
                                   *[f"{y}_{s}" for y in (2022, 2023, 2024) for s in ("mean", "p05", "p95")]]
    assert (table.payables_carried_in == 0).all()
    assert set(table.kind) == {"outlay"}
    budget = pd.read_csv(out / "budget.csv")
    cash = budget[(budget.basis == "cash") & (budget.year == 2023) & (budget.payer == "all") & (budget.line == "all")]
    row = table[(table.payer == "all") & (table.line == "all")]
    assert row["2023_mean"].iloc[0] == pytest.approx(cash["mean"].iloc[0] / WAN)
    assert row["2023_p95"].iloc[0] == pytest.approx(cash["p95"].iloc[0] / WAN)


def test_payables_carried_in_are_last_years_closing_payables(write, tmp_path):
    out = _run(write, tmp_path, "start_year = 2025\nend_year = 2028")
    table = mtfp_table(out, 2026).set_index(["payer", "line"])
    payables = pd.read_csv(out / "payables.csv")
    owed = payables[payables.year == 2025].set_index(["payer", "line"])["mean"] / WAN
    assert owed.loc[("all", "all")] > 0
    for key, value in owed.items():
        assert table.loc[key, "payables_carried_in"] == pytest.approx(value)


def test_a_run_folder_without_kinds_reads_as_outlays(write, tmp_path):
    out = _run(write, tmp_path, "start_year = 2025\nend_year = 2027")
    budget = pd.read_csv(out / "budget.csv")
    budget.drop(columns="kind").to_csv(out / "budget.csv", index=False)
    assert set(mtfp_table(out, 2025).kind) == {"outlay"}


@pytest.mark.parametrize(("years", "budget_year", "message"), [
    ("start_year = 2025\nend_year = 2030", 2029,
     "2029 needs cash figures for the three years 2029 to 2031; the run covers 2025 to 2030, so the budget year "
     "can be 2025 to 2028"),
    ("start_year = 2025\nend_year = 2027", 2026,
     "2026 needs cash figures for the three years 2026 to 2028; the run covers 2025 to 2027, so the budget year "
     "can be 2025"),
    ("start_year = 2025\nend_year = 2026", 2025,
     "2025 needs cash figures for the three years 2025 to 2027; the run covers 2025 to 2026, so the budget year "
     "can be none: the run covers fewer than three budget years"),
])
def test_a_budget_year_without_three_years_of_cash_is_refused(write, tmp_path, years, budget_year, message):
    out = _run(write, tmp_path, years)
    with pytest.raises(InputError) as error:
        mtfp_table(out, budget_year)
    assert (error.value.file, error.value.field, error.value.message) == (str(out), "--budget-year", message)


def test_a_run_without_cash_figures_is_refused(write, tmp_path):
    out = _run(write, tmp_path, "start_year = 2025\nend_year = 2027", disbursement=False)
    with pytest.raises(InputError) as error:
        mtfp_table(out, 2025)
    assert (error.value.file, error.value.field, error.value.message) == (
        str(out / "budget.csv"), None, "the run has no cash figures: run the scenario with [disbursement] "
        "enabled = true (the default) to get the cash basis")


def test_a_missing_run_folder_names_the_command(tmp_path):
    with pytest.raises(InputError) as error:
        mtfp_table(tmp_path / "nowhere", 2025)
    assert error.value.message == "not found: mtfp needs a folder written by `birthbudget run`"


def test_a_run_folder_missing_its_payables_is_refused(write, tmp_path):
    out = _run(write, tmp_path, "start_year = 2025\nend_year = 2027")
    (out / "payables.csv").unlink()
    with pytest.raises(InputError) as error:
        mtfp_table(out, 2025)
    assert error.value.file == str(out / "payables.csv")
    assert error.value.message.startswith("the run has no cash figures")


def test_subtotals_read_only_the_runs_own_replicates(tmp_path):
    """The new-measures and continuing subtotals come from replicates.npz: one holding another
    number of replicates than the manifest says is a damaged folder, refused by name."""
    import shutil

    from tests.conftest import REPO

    full = REPO / "scenarios" / "full_plan.toml"
    write_run(run_file(full, replicates=4), tmp_path / "four")
    write_run(run_file(full, replicates=6), tmp_path / "six")
    shutil.copy(tmp_path / "six" / "replicates.npz", tmp_path / "four" / "replicates.npz")
    with pytest.raises(InputError) as caught:
        mtfp_table(tmp_path / "four", 2026)
    assert caught.value.file.endswith("replicates.npz")
    assert "holds 6 replicates where the manifest says 4" in caught.value.message


def test_the_subtotals_of_a_run_with_a_package_s_measures(tmp_path):
    """A run whose lines include a package's measures (new money) beside a continuing programme:
    the medium-term plan reads the run's own lines, measures included, for its two subtotals."""
    from tests.conftest import REPO, cli

    out = tmp_path / "hohhot"
    assert cli("run", REPO / "scenarios" / "cities" / "hohhot.toml", "--out", out, "--replicates", "5").exit_code == 0
    result = cli("mtfp", out, "--budget-year", "2027")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "mtfp_2027.csv")
    subtotals = table[table.kind == "subtotal"]
    assert set(subtotals.line) == {"new_measures", "continuing"}
    new = subtotals[(subtotals.line == "new_measures") & (subtotals.payer == "city")]
    measures = table[table.line.isin(["first_child_grant", "childcare_instalments", "childcare_care_allowance"])
                     & (table.payer == "city")]
    assert new["2027_mean"].iloc[0] == pytest.approx(measures["2027_mean"].sum(), abs=0.05)  # 万元, 2 decimals
