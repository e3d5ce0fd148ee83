"""Scenario sweeps: designs, outputs, cache and resume, failures, a Dask cluster, and the ranking
by what Jingmen's own budgets bear."""

from __future__ import annotations

import pandas as pd
import pytest

import model.pipeline
from model.sweep import build_points, collect, execute, read_sweep
from tests.conftest import REPO, cli

SWEEPS = REPO / "scenarios" / "sweeps"


def _grid(write, replicates: int = 4):
    return write("grid.toml", f"""
        [sweep]
        name = "small grid"
        base = "{REPO / 'scenarios' / 'no_response.toml'}"
        design = "grid"
        replicates = {replicates}
        [[sweep.parameter]]
        key = "lines.third_child_allowance.take_up"
        values = [0.5, 1.0]
        [[sweep.parameter]]
        key = "lines.nipt.price"
        values = [600, 1200]
        """)


def test_sweep_outputs_and_resume(tmp_path, write):
    path, out = _grid(write), tmp_path / "sweep"
    first = cli("sweep", path, "--out", out, "--workers", "2")
    assert first.exit_code == 0, first.output
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 4 and set(points.status) == {"done"} and points.scenario_hash.is_unique
    tidy = pd.read_parquet(out / "sweep.parquet")
    assert {"point", "year", "line", "payer", "basis", "mean", "p05", "p50", "p95"} <= set(tidy.columns)
    assert len(tidy) == 4 * len(tidy[tidy.point == 0])
    ranking = pd.read_csv(out / "sensitivity.csv")
    assert list(ranking.parameter) == ["lines.nipt.price", "lines.third_child_allowance.take_up"] or \
        set(ranking.parameter) == {"lines.nipt.price", "lines.third_child_allowance.take_up"}
    assert (ranking.effect > 0).all()  # dearer tests and more claimants both cost more
    # the higher take-up costs more, everything else equal (common random numbers)
    by_take_up = points.groupby("lines.third_child_allowance.take_up").total_mean.mean()
    assert by_take_up.loc[1.0] > by_take_up.loc[0.5]
    before = (out / "points.csv").read_bytes()
    again = cli("sweep", path, "--out", out)
    assert again.exit_code == 0 and "4 already cached" in again.output
    assert (out / "points.csv").read_bytes() == before
    more = cli("sweep", path, "--out", out, "--replicates", "5")  # another replicate count: new points
    assert more.exit_code == 0 and "0 already cached" in more.output


def test_a_failed_point_is_reported_and_the_others_complete(tmp_path, write, monkeypatch):
    path, out = _grid(write), tmp_path / "sweep"
    spec, base = read_sweep(path)
    points = build_points(path, spec, base, None)
    real_run = model.pipeline.run

    def flaky(loaded, workers=1):
        if loaded.scenario.lines.nipt.price == 1200 and loaded.scenario.lines.third_child_allowance.take_up == 1.0:
            raise RuntimeError("disk full")
        return real_run(loaded, workers)

    monkeypatch.setattr(model.pipeline, "run", flaky)
    status = execute(points, out, workers=1, scheduler=None)
    _, table = collect(points, out, status)
    assert list(table.status).count("failed") == 1 and "disk full" in table[table.status == "failed"].error.iloc[0]
    assert list(table.status).count("done") == 3


def test_dask_cluster_gives_the_local_results(tmp_path, write):
    distributed = pytest.importorskip("distributed")
    path = _grid(write, replicates=3)
    spec, base = read_sweep(path)
    points = build_points(path, spec, base, None)
    local_status = execute(points, tmp_path / "local", workers=1, scheduler=None)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_status = execute(points, tmp_path / "dask", workers=1, scheduler=cluster.scheduler_address)
    assert set(s for s, _ in local_status.values()) == {"done"} == set(s for s, _ in dask_status.values())
    local, _ = collect(points, tmp_path / "local", local_status)
    remote, _ = collect(points, tmp_path / "dask", dask_status)
    pd.testing.assert_frame_equal(local, remote)


@pytest.mark.parametrize("name", ["take_up_grid", "assumptions_lhs", "tornado"])
def test_shipped_sweeps_are_valid(name):
    spec, base = read_sweep(SWEEPS / f"{name}.toml")
    points = build_points(SWEEPS / f"{name}.toml", spec, base, 2)
    assert len(points) > 3 and len({p.key for p in points}) == len(points)


def test_a_bad_sweep_key_is_refused_before_any_work(tmp_path, write):
    path = write("bad.toml", f"""
        [sweep]
        name = "bad"
        base = "{REPO / 'scenarios' / 'baseline.toml'}"
        design = "grid"
        [[sweep.parameter]]
        key = "lines.third_child_allowance.takeup"
        values = [0.5]
        """)
    result = cli("sweep", path, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "takeup" in result.output and "no such scenario key" in result.output


def test_sweep_ranks_by_what_jingmen_pays(write, tmp_path):
    """Moving the national subsidy's local share moves money between levels: the sweep sees it in
    Jingmen's budgets, while the total of every payer stays put."""
    sweep = write("sweep.toml", f"""
        [sweep]
        name = "local share"
        base = "{REPO / "scenarios" / "full_plan.toml"}"
        design = "one_at_a_time"
        [[sweep.parameter]]
        key = "lines.national_childcare_subsidy.local_share"
        low = 0.05
        high = 0.20
        """)
    result = cli("sweep", sweep, "--out", tmp_path / "sweep", "--replicates", "4", "--workers", "1")
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(tmp_path / "sweep" / "sensitivity.csv")
    row = ranking.iloc[0]
    assert row.effect > 0 and abs(row.effect_all_payers) < 1e-6 * row.effect
    points = pd.read_csv(tmp_path / "sweep" / "points.csv")
    assert (points.local_total_mean < points.total_mean).all()


def test_a_sweep_over_cities_runs_the_design_on_each_locally_and_on_dask(tmp_path, write):
    """`bases`: many cities (and packages) in one sweep, each with the same design; the points say
    which base and city they are, and each base is ranked on its own."""
    from tests.inputs.test_city_folder import city_scenario, renamed_city

    folder = renamed_city(tmp_path / "testville")
    other = city_scenario(write, "testville.toml", "testville", folder)
    home = write("home.toml", '[scenario]\nname = "home"\n')
    path = write("cities.toml", f"""
        [sweep]
        name = "two cities"
        bases = ["{home.name}", "{other.name}"]
        design = "grid"
        replicates = 3
        [[sweep.parameter]]
        key = "lines.nipt.price"
        values = [600, 1200]
        """)
    out = tmp_path / "sweep"
    result = cli("sweep", path, "--out", out, "--workers", "2")
    assert result.exit_code == 0, result.output
    points = pd.read_csv(out / "points.csv")
    assert list(points.base) == ["home.toml", "home.toml", "testville.toml", "testville.toml"]
    assert list(points.city) == ["jingmen", "jingmen", "testville", "testville"]
    # the same data under other names: the same money, point for point
    assert points.total_mean.iloc[:2].tolist() == pytest.approx(points.total_mean.iloc[2:].tolist(), rel=1e-12)
    tidy = pd.read_parquet(out / "sweep.parquet")
    assert "east" in set(tidy[tidy.point == 2].payer) and "dongbao" in set(tidy[tidy.point == 0].payer)
    ranking = pd.read_csv(out / "sensitivity.csv")
    assert sorted(ranking.base) == ["home.toml", "testville.toml"] and (ranking.effect > 0).all()
    distributed = pytest.importorskip("distributed")
    spec, bases = read_sweep(path)
    built = build_points(path, spec, bases, None)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        status = execute(built, tmp_path / "dask", workers=1, scheduler=cluster.scheduler_address)
    remote, _ = collect(built, tmp_path / "dask", status)
    local, _ = collect(built, out, {p.index: ("done", None) for p in built})
    pd.testing.assert_frame_equal(local, remote)


def test_a_sweep_names_one_base_or_many(tmp_path, write):
    for body, message in (('base = "a.toml"\nbases = ["a.toml"]', "either `base`"),
                          ('bases = ["a.toml", "a.toml"]', "names a scenario twice"),
                          ('base = "a.toml"', "at least one [[sweep.parameter]]")):
        path = write("bad.toml", f'[sweep]\nname = "bad"\n{body}\ndesign = "grid"\n')
        result = cli("sweep", path, "--out", tmp_path / "out")
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "out").exists()
