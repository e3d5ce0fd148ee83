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
from update_golden import GOLDEN, golden_frame  # noqa: E402

KEYS = ["basis", "year", "line", "payer"]


def test_baseline_totals_match_the_golden_file():
    expected = pd.read_csv(GOLDEN)
    got = golden_frame()
    merged = expected.merge(got, on=KEYS, how="outer", suffixes=("_golden", "_now"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows only on one side:\n{missing[KEYS + ['_merge']].to_string()}"
    moved = merged[~np.isclose(merged.mean_golden, merged.mean_now, rtol=1e-6, atol=0.01)]
    if not moved.empty:
        moved = moved.assign(change=moved.mean_now - moved.mean_golden)
        raise AssertionError(f"{len(moved)} figures moved (yuan); if the change is deliberate, run "
                             f"python scripts/update_golden.py and say why in the commit:\n"
                             f"{moved[KEYS + ['mean_golden', 'mean_now', 'change']].head(30).to_string()}")
