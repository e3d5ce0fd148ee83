"""Impact: the fertility response induces births (none without it), the cost per induced birth is
the ratio of the means, and families with births before the policy are paid but are no induced births."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import BASELINE, REPO, cli, run_file

SCENARIOS = REPO / "scenarios"


def test_response_induces_births_and_none_without_it(tmp_path):
    for name in ("baseline", "no_response"):
        assert cli("run", SCENARIOS / f"{name}.toml", "--out", tmp_path / name, "--replicates", "20",
                   "--quiet").exit_code == 0
    with_response = pd.read_csv(tmp_path / "baseline" / "impact.csv")
    without = pd.read_csv(tmp_path / "no_response" / "impact.csv")
    induced = without[without.measure == "induced_births"]
    assert (induced[["mean", "p05", "p50", "p95"]] == 0).all().all()
    assert without[without.measure == "deadweight_share"]["mean"].eq(1).all()  # every yuan goes to births anyway
    assert with_response[with_response.measure == "induced_births"]["mean"].gt(0).all()
    total = with_response[(with_response.measure == "cost_per_induced_birth") & (with_response.year == "all")]
    assert total["mean"].iloc[0] > 0
    births_with = pd.read_csv(tmp_path / "baseline" / "births_total.csv").set_index("year")["mean"]
    births_without = pd.read_csv(tmp_path / "no_response" / "births_total.csv").set_index("year")["mean"]
    assert births_with.loc[2022] == births_without.loc[2022]  # nothing before the policy
    assert (births_with.loc[2026:] > births_without.loc[2026:]).all()
    manifest = json.loads((tmp_path / "baseline" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["behaviour"]["fertility_response"]["dist"] == "triangular"


def test_cost_per_induced_birth_mean_is_the_ratio_of_means(tmp_path):
    out = tmp_path / "run"
    assert cli("run", BASELINE, "--out", out, "--replicates", "40", "--quiet").exit_code == 0
    impact = pd.read_csv(out / "impact.csv")
    budget = pd.read_csv(out / "budget.csv")
    total = budget[(budget.basis == "accrual") & (budget.line == "all") & (budget.payer == "all")]["mean"].sum()
    induced = impact[(impact.measure == "induced_births") & (impact.year == "all")]["mean"].iloc[0]
    cost = impact[(impact.measure == "cost_per_induced_birth") & (impact.year == "all")]["mean"].iloc[0]
    assert cost == pytest.approx(total / induced, rel=1e-3)


def test_earlier_families_are_not_induced_births(write):
    plain = write("a.toml", f'[scenario]\nname = "a"\nextends = "{BASELINE}"\n')
    earlier = write("b.toml", f'[scenario]\nname = "b"\nextends = "{BASELINE}"\n'
                              "[lines.housing_subsidy]\nearlier_births_qualify = true\n")
    a, b = run_file(plain, replicates=10), run_file(earlier, replicates=10)
    assert b.accrual.sum() > a.accrual.sum()  # the families with pre-policy births are paid …
    np.testing.assert_allclose(b.impact["spending_on_induced_births"],  # … but none is an induced birth
                               a.impact["spending_on_induced_births"])
