"""The run folder: its files and columns follow the output contract, and a rerun from the manifest
writes identical files."""

from __future__ import annotations

import pandas as pd

from tests.conftest import BASELINE, REPO, cli


def test_output_files_follow_the_contract(tmp_path):
    out = tmp_path / "run"
    result = cli("run", BASELINE, "--out", out, "--replicates", "10", "--quiet")
    assert result.exit_code == 0, result.output
    budget = pd.read_csv(out / "budget.csv")
    assert list(budget.columns) == ["year", "line", "payer", "basis", "kind", "mean", "p05", "p50", "p95"]
    assert set(budget.kind) == {"outlay"}  # the six core lines are all spending
    assert budget.year.min() == 2025 and budget.year.max() == 2035
    assert set(budget.basis) == {"accrual", "cash"}
    payables = pd.read_csv(out / "payables.csv")
    assert list(payables.columns) == ["year", "line", "payer", "kind", "mean", "p05", "p50", "p95"]
    assert payables.year.min() == 2024 and payables.year.max() == 2035  # opening payables, then each year end
    assert set(budget.line) == {"nipt", "art_subsidy", "childcare_slot_subsidy", "third_child_allowance",
                                "housing_subsidy", "maternity_insurance_subsidy", "all"}
    assert set(budget.payer) == {"city", "dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang",
                                 "shayang", "qujialing", "all"}
    births = pd.read_csv(out / "births.csv")
    assert list(births.columns) == ["year", "area", "birth_order", "mean", "p05", "p50", "p95"]
    assert births.year.min() == 2022 and births.year.max() == 2035  # base year of the data → end_year
    assert set(births.birth_order) == {1, 2, 3}
    assert set(births.area) == {"dongbao", "duodao", "zhanghe", "jingshan", "zhongxiang", "shayang", "qujialing"}
    assert (births.p05 <= births.p50).all() and (births.p50 <= births.p95).all()
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    for key in ("input_checksums_sha256", "seed", "replicates", "package_version", "start_time", "wall_seconds"):
        assert f'"{key}"' in manifest


def test_rerun_gives_identical_files(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli("run", REPO / "scenarios" / "low_uptake.toml", "--out", first, "--replicates", "60",
               "--quiet").exit_code == 0
    result = cli("rerun", first / "manifest.json", "--out", second)
    assert result.exit_code == 0, result.output
    for name in ("budget.csv", "births.csv", "payables.csv", "impact.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
