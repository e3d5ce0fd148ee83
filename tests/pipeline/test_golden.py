"""The golden baseline: totals by year, line and payer at a fixed seed must not move silently.

A deliberate change regenerates the file (python scripts/update_golden.py) in the same
commit, with the reason in the commit message.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from update_golden import (  # noqa: E402
    FULL_PLAN_GOLDEN,
    GOLDEN,
    OTHER_READINGS_GOLDEN,
    full_plan_frame,
    golden_frame,
    other_readings_frame,
)

KEYS = ["basis", "year", "line", "payer"]


def test_baseline_totals_match_the_golden_file():
    _compare(pd.read_csv(GOLDEN), golden_frame(), ["mean"])


def test_full_plan_totals_and_ranges_match_the_golden_file():
    """Every line, the other clauses and the national subsidy included, with the 5-95% range."""
    _compare(pd.read_csv(FULL_PLAN_GOLDEN), full_plan_frame(), ["mean", "p05", "p95"])


def test_other_readings_totals_and_ranges_match_the_golden_file():
    """Earlier children and families paid, the allowance a top-up: their paths and streams pinned."""
    _compare(pd.read_csv(OTHER_READINGS_GOLDEN), other_readings_frame(), ["mean", "p05", "p95"])


def _compare(expected: pd.DataFrame, got: pd.DataFrame, columns: list[str]) -> None:
    merged = expected.merge(got, on=KEYS, how="outer", suffixes=("_golden", "_now"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows only on one side:\n{missing[KEYS + ['_merge']].to_string()}"
    for column in columns:
        _check_column(merged, column)


def _check_column(merged: pd.DataFrame, column: str) -> None:
    golden, now = merged[f"{column}_golden"], merged[f"{column}_now"]
    moved = merged[~np.isclose(golden, now, rtol=1e-6, atol=0.01)]
    if not moved.empty:
        moved = moved.assign(golden=golden, now=now, change=now - golden)
        raise AssertionError(f"{len(moved)} figures ({column}) moved (yuan); if the change is deliberate, run "
                             f"python scripts/update_golden.py and say why in the commit:\n"
                             f"{moved[KEYS + ['golden', 'now', 'change']].head(30).to_string()}")
