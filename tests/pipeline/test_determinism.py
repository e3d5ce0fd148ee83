"""Determinism: the same scenario and seed give the same files and figures whatever the number of
processes, replicate r draws the same numbers in a run of any size (the prefix test), and another
seed gives other draws. (Sums in the outputs: tests/outputs/test_result_tables.py.)"""

from __future__ import annotations

import numpy as np

from tests.conftest import BASELINE, REPO, cli, run_file


def test_same_seed_gives_byte_identical_files(tmp_path):
    for name in ("a", "b"):
        assert cli("run", BASELINE, "--out", tmp_path / name, "--replicates", "12", "--seed", "7",
                   "--quiet").exit_code == 0
    for file in ("budget.csv", "births.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_results_do_not_depend_on_processes_or_on_the_replicate_count():
    # 160 replicates: blocks of 50, 50, 50 and 10; with two workers this process runs blocks 0 and 3
    one = run_file(BASELINE, replicates=160, workers=1)
    two = run_file(BASELINE, replicates=160, workers=2)
    for name in ("accrual", "births", "births_by_age", "cash", "payables"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    assert all(np.array_equal(one.impact[key], two.impact[key]) for key in one.impact)
    assert one.diagnostics == two.diagnostics
    fewer = run_file(BASELINE, replicates=70)  # replicate r draws the same numbers in any run
    assert np.array_equal(fewer.accrual, one.accrual[:70])
    full_one = run_file(REPO / "scenarios" / "full_plan.toml", replicates=60, workers=1)
    full_two = run_file(REPO / "scenarios" / "full_plan.toml", replicates=60, workers=2)
    assert np.array_equal(full_one.accrual, full_two.accrual) and np.array_equal(full_one.cash, full_two.cash)


def test_a_different_seed_gives_different_draws():
    a, b = run_file(BASELINE, replicates=5, seed=1), run_file(BASELINE, replicates=5, seed=2)
    assert not np.array_equal(a.births, b.births)
