"""The explorer (model/explore.py) and its session (model/pipeline/runner.py, Session): a run with
changes gives, to the bit, what `model.run` gives for a scenario file extending the scenario
with those keys; what the session reuses between runs never changes a figure."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import model
from model.errors import InputError
from model.explore import Explorer, with_changes
from model.pipeline import RunResult, prepare, run
from model.pipeline.runner import Session, data_key
from model.scenario import load_scenario
from tests.conftest import BASELINE, REPO

ALLOWANCE = "lines.third_child_allowance"
HOUSING = "lines.housing_subsidy"


def child_file(folder: Path, changes: dict[str, Any], name: str = "child.toml", parent: Path = BASELINE) -> Path:
    """A scenario file extending `parent` and setting `changes` (dotted keys: TOML allows them)."""
    lines = [f"{key} = {json.dumps(value)}" for key, value in changes.items()]  # numbers, true/false, strings
    path = folder / name
    path.write_text("\n".join([*lines, f"scenario.extends = {json.dumps(str(parent))}", ""]), encoding="utf-8")
    return path


def assert_identical(a: RunResult, b: RunResult) -> None:
    assert a.line_ids == b.line_ids and a.payer_ids == b.payer_ids
    for name in ("accrual", "cash", "payables", "births", "births_by_age"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None and y is None) or (x.dtype == y.dtype and np.array_equal(x, y)), name
    assert a.impact.keys() == b.impact.keys()
    assert all(np.array_equal(a.impact[key], b.impact[key]) for key in a.impact)
    assert a.diagnostics == b.diagnostics


@pytest.fixture(scope="module")
def explorer():
    with Explorer(BASELINE, replicates=60, workers=2) as kept:  # blocks of 50 and 10
        yield kept


CHANGES = [
    {},
    {f"{ALLOWANCE}.monthly_amount": 800},
    {f"{ALLOWANCE}.take_up": 0.7, f"{HOUSING}.take_up": 0.5, f"{HOUSING}.amount_second_child": 30000,
     f"{HOUSING}.amount_third_child": 60000},
    {"behaviour.fertility_response": 0.05},
    {f"{ALLOWANCE}.net_of_national_subsidy": True, "lines.national_childcare_subsidy.enabled": True},
    {f"{HOUSING}.earlier_births_qualify": True},
    {"eligibility.city_hukou_share": 0.9},  # read by prepare (initial women): a new data key
    {"disbursement.enabled": False},
]


@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: ",".join(k.rsplit(".", 1)[-1] for k in c) or "none")
def test_a_run_with_changes_is_the_run_of_a_scenario_file_with_them(explorer, tmp_path, changes):
    expected = run(load_scenario(child_file(tmp_path, changes), replicates=60), workers=1)
    assert_identical(explorer.run(changes), expected)


def test_runs_in_any_order_give_the_same_figures(explorer):
    """Reuse depends on what ran before: the same change after others gives the same result."""
    change = {f"{ALLOWANCE}.monthly_amount": 650}
    first = explorer.run(change)
    explorer.run({"behaviour.fertility_response": 0.0})
    explorer.run({"eligibility.city_hukou_share": 0.95})
    assert_identical(explorer.run(change), first)
    assert explorer.stats["prepare_reused"] > 0 and explorer.stats["workers_started"] == 2


def test_prepared_data_is_reused_only_for_the_same_data_key():
    session = Session(workers=1)
    base = load_scenario(BASELINE, replicates=20)
    session.prepare(base)
    for key, value in [(f"{ALLOWANCE}.monthly_amount", 900), (f"{HOUSING}.take_up", 0.4),
                       ("behaviour.fertility_response", 0.0), ("disbursement.enabled", False)]:
        changed = with_changes(base, {key: value})
        assert data_key(changed.scenario) == data_key(base.scenario), key
        reused, fresh = session.prepare(changed), prepare(changed)
        for field in dataclasses.fields(fresh):  # every part of the prepared run, as prepare makes it
            mine, theirs = getattr(reused, field.name), getattr(fresh, field.name)
            if field.name in ("base", "calibration"):
                mine, theirs = vars(mine), vars(theirs)
            assert_same(mine, theirs, field.name)
    assert (session.stats["prepared"], session.stats["prepare_reused"]) == (1, 4)
    for key, value in [("eligibility.city_hukou_share", 0.9), ("demography.fertility_trend", -0.01),
                       ("areas.zhanghe_share_of_dongbao_unit", 0.25), ("scenario.end_year", 2030),
                       ("lines.family_planning_awards.enabled", True)]:
        assert data_key(with_changes(base, {key: value}).scenario) != data_key(base.scenario), key
    # a per-person measure reads the recipients table too: on or off, or read or not, is other data
    roll = {"kind": "per_person_scheme", "enabled": True, "take_up": 1.0, "name_zh": "奖励", "name_en": "award",
            "clause": "1", "source": "test", "entry_age": 60, "annual_amount": 600, "entrants_per_year": 10}
    table, none, off = (data_key(with_changes(base, {"measures": {"rural_reward": {**roll, **change}}}).scenario)
                        for change in ({}, {"base_recipients": "none"}, {"enabled": False}))
    assert len({table, none, data_key(base.scenario)}) == 3 and off == data_key(base.scenario)


def assert_same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b), where
    else:
        assert a == b, where


def test_an_edited_data_file_is_read_again(tmp_path):
    women = tmp_path / "women.csv"
    women.write_bytes((REPO / "model" / "data" / "women_by_age.csv").read_bytes())
    scenario = child_file(tmp_path, {"data.women_by_age": str(women)}, "own_data.toml")
    with Explorer(scenario, replicates=20, workers=1) as kept:
        before = kept.run()
        text = women.read_text(encoding="utf-8").splitlines()
        rows = [text[0]] + [f"{row.split(',')[0]},{float(row.split(',')[1]) * 1.1:.1f}" for row in text[1:]]
        women.write_text("\n".join(rows) + "\n", encoding="utf-8")
        after = kept.run()
        assert kept.stats["prepared"] == 2
    assert not np.array_equal(before.births, after.births)
    assert_identical(after, run(load_scenario(scenario, replicates=20), workers=1))


def test_claims_profiles_are_reused_only_when_the_claims_are_the_same(tmp_path):
    """With no fertility response, an amount changes no claim: the queue is not simulated again."""
    changes = {"behaviour.fertility_response": 0.0}
    with Explorer(BASELINE, replicates=20, workers=1) as kept:
        kept.run(changes)
        computed = kept.stats["profiles_computed"]
        result = kept.run({**changes, f"{ALLOWANCE}.monthly_amount": 700})
        assert kept.stats["profiles_computed"] == computed  # every line's claims and timing unchanged
        assert_identical(result, run(load_scenario(child_file(tmp_path, {**changes, f"{ALLOWANCE}.monthly_amount": 700}),
                                                   replicates=20), workers=1))
        slower = {**changes, "disbursement.third_child_allowance.review_capacity": 20}
        result = kept.run(slower)
        assert kept.stats["profiles_computed"] == computed + 1  # the line whose timing changed
        assert_identical(result, run(load_scenario(child_file(tmp_path, slower, "slow.toml"), replicates=20),
                                     workers=1))


def test_fewer_replicates_than_the_pilot(tmp_path):
    with Explorer(BASELINE, replicates=7, workers=2) as kept:
        assert_identical(kept.run({f"{HOUSING}.take_up": 0.6}),
                         run(load_scenario(child_file(tmp_path, {f"{HOUSING}.take_up": 0.6}), replicates=7), workers=1))


def test_a_bad_change_is_refused_in_one_line_and_the_explorer_goes_on(explorer):
    with pytest.raises(InputError, match="did you mean 'monthly_amount'"):
        explorer.run({f"{ALLOWANCE}.monthly_amont": 600})
    with pytest.raises(InputError, match=r"take_up.*less than or equal to 1"):
        explorer.run({f"{HOUSING}.take_up": 1.5})
    with pytest.raises(InputError, match="scenario.extends"):
        explorer.run({"scenario.extends": "other.toml"})
    with pytest.raises(InputError, match="no_such_table.csv"):
        explorer.run({"data.women_by_age": "no_such_table.csv"})
    assert explorer.run().accrual.shape[0] == 60


def test_a_killed_worker_stops_the_run_and_the_next_run_starts_new_ones():
    with Explorer(BASELINE, replicates=100, workers=2) as kept:
        first = kept.run()
        os.kill(kept.session._processes[0].pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            kept.run()
        assert kept.session._processes == []
        assert_identical(kept.run(), first)
        processes = list(kept.session._processes)
    assert processes and not any(process.is_alive() for process in processes)  # closed with the explorer


def test_model_run_uses_a_process_per_core_by_default(monkeypatch):
    seen = {}
    monkeypatch.setattr("model.pipeline.run", lambda loaded, workers: seen.setdefault("workers", workers))
    model.run(load_scenario(BASELINE, replicates=1))
    assert seen["workers"] == (os.cpu_count() or 1)


def test_an_interrupted_run_stops_the_workers_and_the_next_run_is_whole():
    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt  # as Ctrl-C in a notebook, while the workers still have blocks

    with Explorer(BASELINE, replicates=150, workers=2) as kept:
        with pytest.raises(KeyboardInterrupt):
            kept.run(progress=interrupt)
        assert kept.session._processes == []
        assert_identical(kept.run(), run(load_scenario(BASELINE, replicates=150), workers=1))
