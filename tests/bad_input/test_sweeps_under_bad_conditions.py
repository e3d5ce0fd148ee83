"""Sweeps under bad conditions: a changed model, a damaged cache, failed points in the
sensitivity table, an unreachable Dask scheduler, an --out that is not the sweep's, unwritable
places, and no inf/NaN text in the CSVs."""

from __future__ import annotations

import errno
import os
import re

import numpy as np
import pandas as pd
import pytest

import model.result_tables
import model.sweep
from model.sweep import (
    CACHE,
    MARKER,
    DamagedCacheError,
    SweepSection,
    build_points,
    read_cached,
    read_sweep,
    sensitivity,
)
from tests.conftest import REPO, cli

BASE = REPO / "scenarios" / "no_response.toml"


def _grid(write, values: str = "[600, 1200]", extra: str = ""):
    return write("grid.toml", f"""
        [sweep]
        name = "hardening grid"
        base = "{BASE}"
        design = "grid"
        replicates = 2
        [[sweep.parameter]]
        key = "lines.nipt.price"
        values = {values}
        {extra}
        """)


def _tornado_with_failing_parameter(write):
    # a trend of +30% or +50% a year passes the schema (at most 0.5) but the run refuses it:
    # births per woman would exceed 1 a year
    return write("tornado.toml", f"""
        [sweep]
        name = "tornado with a failing parameter"
        base = "{BASE}"
        design = "one_at_a_time"
        replicates = 2
        [[sweep.parameter]]
        key = "lines.nipt.price"
        low = 600
        high = 1500
        [[sweep.parameter]]
        key = "demography.fertility_trend"
        low = 0.3
        high = 0.5
        """)


def _one_error_line(result, *fragments: str) -> str:
    """The run ended with exit 2 and exactly one `error:` line (no traceback) holding every fragment."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and len(lines) == 1, result.output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def _no_inf_nan_text(path) -> None:
    """No cell of the CSV is an inf or NaN number written as text (a failed point's cells are empty)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    cells = {cell.strip().lower() for column in table.columns for cell in table[column]}
    assert not cells & {"inf", "-inf", "+inf", "infinity", "-infinity", "nan", "-nan", "<na>"}, path.read_text()


# 1. the cache key includes the code fingerprint -------------------------------------------------

def test_a_changed_code_fingerprint_recomputes_the_points(tmp_path, write, monkeypatch):
    path, out = _grid(write), tmp_path / "sweep"
    first = cli("sweep", path, "--out", out, "--workers", "1")
    assert first.exit_code == 0, first.output
    spec, base = read_sweep(path)
    keys = {point.key for point in build_points(path, spec, base, None)}
    monkeypatch.setattr(model.sweep, "code_fingerprint", lambda: "another version of the model")
    changed = {point.key for point in build_points(path, spec, base, None)}
    assert keys.isdisjoint(changed)
    again = cli("sweep", path, "--out", out, "--workers", "1")
    assert again.exit_code == 0 and "0 already cached" in again.output, again.output
    assert {p.stem for p in (out / CACHE).glob("*.parquet")} == keys | changed


def test_the_key_follows_the_input_files_checksums(tmp_path, write, monkeypatch):
    path = _grid(write)
    spec, base = read_sweep(path)
    keys = [point.key for point in build_points(path, spec, base, None)]
    monkeypatch.setattr(model.sweep, "input_checksums", lambda scenario: {"births.csv": "0" * 64})
    assert [point.key for point in build_points(path, spec, base, None)] != keys


# 2. a damaged cache entry is computed again ---------------------------------------------------

def test_a_truncated_cache_entry_is_recomputed_with_a_warning(tmp_path, write):
    path, out = _grid(write), tmp_path / "sweep"
    first = cli("sweep", path, "--out", out, "--workers", "1")
    assert first.exit_code == 0, first.output
    points_before = pd.read_csv(out / "points.csv")
    tidy_before = pd.read_parquet(out / "sweep.parquet")
    damaged, garbage = sorted((out / CACHE).glob("*.parquet"))
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    garbage.write_bytes(b"not a parquet file")
    again = cli("sweep", path, "--out", out, "--workers", "1")
    assert again.exit_code == 0, again.output
    assert "0 already cached" in again.output
    warnings = [line for line in again.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and "damaged cache entry" in warnings[0]
    assert {damaged.name, garbage.name} == {re.search(r"(\w+\.parquet)", w).group(1) for w in warnings}
    pd.testing.assert_frame_equal(pd.read_csv(out / "points.csv"), points_before)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"), tidy_before)
    read_cached(damaged), read_cached(garbage)  # replaced by whole results
    third = cli("sweep", path, "--out", out, "--workers", "1")
    assert third.exit_code == 0 and "2 already cached" in third.output and "warning" not in third.output


@pytest.mark.parametrize("damage", ["no column", "nan", "inf", "text numbers", "no total"])
def test_a_cache_entry_with_wrong_content_is_not_used(tmp_path, damage):
    lines = ["all", "nipt"] if damage != "no total" else ["nipt", "nipt"]
    table = pd.DataFrame({"year": [2025, 2025], "line": lines, "payer": ["all", "all"],
                          "basis": ["accrual", "accrual"], "kind": ["outlay", "outlay"],
                          "mean": [1.0, 2.0], "p05": [0.5, 1.0], "p50": [1.0, 2.0], "p95": [1.5, 3.0]})
    if damage == "no column":
        table = table.drop(columns="p95")
    elif damage in ("nan", "inf"):
        table.loc[1, "mean"] = np.nan if damage == "nan" else np.inf
    elif damage == "text numbers":
        table["p50"] = ["one", "two"]
    path = tmp_path / "entry.parquet"
    table.to_parquet(path, index=False)
    with pytest.raises(DamagedCacheError):
        read_cached(path)


# 3. sensitivity of parameters whose points failed ---------------------------------------------

def test_a_parameter_whose_points_failed_gets_no_rank_and_a_note(tmp_path, write):
    path, out = _tornado_with_failing_parameter(write), tmp_path / "sweep"
    result = cli("sweep", path, "--out", out, "--workers", "1")
    assert result.exit_code == 1, result.output  # points failed
    points = pd.read_csv(out / "points.csv")
    assert list(points.status) == ["done", "done", "done", "failed", "failed"]
    assert points.error.iloc[3].startswith("InputError") and "births per woman" in points.error.iloc[3]
    ranking = pd.read_csv(out / "sensitivity.csv", keep_default_na=False, dtype=str)
    assert list(ranking.parameter) == ["lines.nipt.price", "demography.fertility_trend"]
    price, trend = ranking.iloc[0], ranking.iloc[1]
    assert price["rank"] == "1" and float(price.effect) > 0 and price.note == ""
    assert trend["rank"] == "" and trend.effect == "" and trend.effect_all_payers == ""
    assert trend.note == "low and high points failed"
    assert "demography.fertility_trend: no effect estimated (low and high points failed)" in result.output
    _no_inf_nan_text(out / "points.csv")
    _no_inf_nan_text(out / "sensitivity.csv")


def test_a_grid_parameter_with_failed_values_is_not_ranked(tmp_path, write):
    extra = """[[sweep.parameter]]
        key = "demography.fertility_trend"
        values = [0.0, 0.5]"""
    path, out = _grid(write, extra=extra), tmp_path / "sweep"
    result = cli("sweep", path, "--out", out, "--workers", "1")
    assert result.exit_code == 1, result.output
    ranking = pd.read_csv(out / "sensitivity.csv", keep_default_na=False, dtype=str)
    assert list(ranking.parameter) == ["lines.nipt.price", "demography.fertility_trend"]
    price, trend = ranking.iloc[0], ranking.iloc[1]
    assert price["rank"] == "1" and float(price.effect) > 0 and price.points_used == "2"
    assert price.note == "estimated from 2 of 4 points (2 failed)"
    assert trend["rank"] == "" and trend.effect == "" and trend.note.startswith("points failed")
    assert "(estimated from 2 of 4 points (2 failed))" in result.output
    _no_inf_nan_text(out / "sensitivity.csv")


def _section(design: str, **parameters) -> SweepSection:
    entries = [{"key": key, **spec} for key, spec in parameters.items()]
    return SweepSection.model_validate({"name": "s", "base": "b.toml", "design": design, "points": 4,
                                        "parameter": entries})


def test_sensitivity_when_every_point_failed_or_too_few_completed():
    spec = _section("latin_hypercube", a={"low": 0, "high": 1}, b={"low": 0, "high": 1})
    points = pd.DataFrame({"point": [0, 1, 2, 3], "a": [0.1, 0.4, 0.6, 0.9], "b": [0.8, 0.2, 0.5, 0.3],
                           "status": ["failed"] * 4, "total_mean": [np.nan] * 4,
                           "local_total_mean": [np.nan] * 4})
    table = sensitivity(spec, points)
    assert table["rank"].isna().all() and table.effect.isna().all()
    assert set(table.note) == {"all points failed"}
    points.loc[[0, 1], "status"] = "done"
    points.loc[[0, 1], ["total_mean", "local_total_mean"]] = 10.0, 20.0
    table = sensitivity(spec, points)
    assert table["rank"].isna().all() and table.effect.isna().all()
    assert all(note.startswith("too few points: 2 completed") for note in table.note)
    points.loc[2, ["status", "total_mean", "local_total_mean"]] = "done", 15.0, 15.0
    table = sensitivity(spec, points)
    assert table["rank"].notna().all() and (table.points_used == 3).all()
    assert set(table.note) == {"estimated from 3 of 4 points (1 failed)"}


def test_a_single_grid_value_is_not_ranked():
    spec = _section("grid", a={"values": [1.0, 2.0]}, b={"values": [5.0]})
    points = pd.DataFrame({"point": [0, 1], "a": [1.0, 2.0], "b": [5.0, 5.0], "status": ["done", "done"],
                           "total_mean": [1.0, 3.0], "local_total_mean": [1.0, 3.0]})
    table = sensitivity(spec, points).set_index("parameter")
    assert table.loc["a", "rank"] == 1 and table.loc["a", "note"] == ""
    assert pd.isna(table.loc["b", "rank"]) and table.loc["b", "note"] == "a single value in the design"


# 4. a Dask scheduler that is malformed or does not answer -------------------------------------

@pytest.mark.parametrize("address", ["nonsense", "tcp://", "tcp://127.0.0.1", "http://127.0.0.1:8786",
                                     "tcp://127.0.0.1:99999"])
def test_a_malformed_scheduler_address_is_refused(tmp_path, write, address):
    path, out = _grid(write), tmp_path / "sweep"
    result = cli("sweep", path, "--out", out, "--scheduler", address)
    _one_error_line(result, "--scheduler", repr(address), "not a Dask scheduler address")
    assert not out.exists()


def test_a_scheduler_that_does_not_answer_is_refused_before_any_folder(tmp_path, write, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(model.sweep, "CONNECT_TIMEOUT", 2.0)
    path, out = _grid(write), tmp_path / "deeper" / "sweep"
    result = cli("sweep", path, "--out", out, "--scheduler", "tcp://127.0.0.1:1")
    _one_error_line(result, "--scheduler", "tcp://127.0.0.1:1", "2 s")
    assert not (tmp_path / "deeper").exists()


# 5. the --out folder and the sweep file ---------------------------------------------------------

def test_an_out_that_is_a_file_is_refused(tmp_path, write):
    path, out = _grid(write), tmp_path / "results"
    out.write_text("mine\n", encoding="utf-8")
    _one_error_line(cli("sweep", path, "--out", out), str(out), "not a folder")
    assert out.read_text(encoding="utf-8") == "mine\n"


def test_a_non_empty_folder_not_written_by_a_sweep_is_refused(tmp_path, write):
    path, out = _grid(write), tmp_path / "results"
    out.mkdir()
    (out / "points.csv").write_text("my own points\n", encoding="utf-8")
    _one_error_line(cli("sweep", path, "--out", out), str(out), "not written by a sweep")
    assert sorted(os.listdir(out)) == ["points.csv"]
    assert (out / "points.csv").read_text(encoding="utf-8") == "my own points\n"


def test_a_forged_or_broken_marker_is_refused(tmp_path, write):
    path, out = _grid(write), tmp_path / "results"
    out.mkdir()
    (out / MARKER).write_text('{"something": "else"}', encoding="utf-8")
    _one_error_line(cli("sweep", path, "--out", out), MARKER, "not written by `birthbudget sweep`")
    (out / MARKER).write_text("{broken", encoding="utf-8")
    _one_error_line(cli("sweep", path, "--out", out), MARKER, "not written by `birthbudget sweep`")
    assert sorted(os.listdir(out)) == [MARKER]


def test_a_sweep_folder_is_marked_and_resumed_and_an_older_one_recognised(tmp_path, write):
    path, out = _grid(write), tmp_path / "sweep"
    assert cli("sweep", path, "--out", out, "--workers", "1").exit_code == 0
    marker = (out / MARKER).read_text(encoding="utf-8")
    assert str(path) in marker and "grid" in marker and model.sweep.code_fingerprint() in marker
    again = cli("sweep", path, "--out", out, "--workers", "1")
    assert again.exit_code == 0 and "2 already cached" in again.output, again.output
    (out / MARKER).unlink()  # as an earlier version left it: cache/ and the results
    older = cli("sweep", path, "--out", out, "--workers", "1")
    assert older.exit_code == 0 and "2 already cached" in older.output, older.output
    assert (out / MARKER).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("sweep", path, "--out", empty, "--workers", "1").exit_code == 0


def test_a_folder_or_fifo_as_sweep_file_is_refused(tmp_path):
    folder = tmp_path / "a_folder.toml"
    folder.mkdir()
    _one_error_line(cli("sweep", folder, "--out", tmp_path / "out"), str(folder), "folder")
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    _one_error_line(cli("sweep", fifo, "--out", tmp_path / "out"), str(fifo), "FIFO")
    assert not (tmp_path / "out").exists()


def test_an_unwritable_place_is_refused_before_any_point_runs(tmp_path, write, monkeypatch):
    path, out = _grid(write), tmp_path / "sweep"

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    ran = []
    monkeypatch.setattr("model.run_folder.replace.tempfile.mkdtemp", read_only)  # the probe of the place
    monkeypatch.setattr(model.sweep, "run_point", lambda *job: ran.append(job) or ("done", None))
    _one_error_line(cli("sweep", path, "--out", out, "--workers", "1"), str(tmp_path), "read-only")
    assert not out.exists() and not ran


def test_a_failed_write_of_the_results_is_one_line(tmp_path, write, monkeypatch):
    path, out = _grid(write), tmp_path / "sweep"

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    result = cli("sweep", path, "--out", out, "--workers", "1")
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "points.csv" in errors[0] and "no space left" in errors[0]
    assert not [name for name in os.listdir(out) if "partial" in name]
    assert not (out / "points.csv").exists()


# 6. no inf or NaN text in the CSVs ------------------------------------------------------------

def test_a_point_with_infinite_figures_fails_and_nothing_writes_inf(tmp_path, write, monkeypatch):
    path, out = _grid(write), tmp_path / "sweep"
    real = model.result_tables.budget_table

    def overflowing(result):
        table = real(result)
        if result.loaded.scenario.lines.nipt.price == 1200:
            table["mean"] = np.inf
        return table

    monkeypatch.setattr(model.result_tables, "budget_table", overflowing)
    result = cli("sweep", path, "--out", out, "--workers", "1")
    assert result.exit_code == 1, result.output
    points = pd.read_csv(out / "points.csv")
    assert list(points.status) == ["done", "failed"], points.error.tolist()
    assert "inf or NaN" in points.error.iloc[1]
    assert points.total_mean.isna().iloc[1]
    assert len(list((out / CACHE).glob("*.parquet"))) == 1  # the bad point is not cached
    _no_inf_nan_text(out / "points.csv")
    _no_inf_nan_text(out / "sensitivity.csv")
