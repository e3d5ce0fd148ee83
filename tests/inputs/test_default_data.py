"""The embedded data: every number has a source, and the derived tables are reproducible."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd

from model.scenario import flat_defaults
from tests.conftest import REPO

DATA = REPO / "model" / "data"
STATUSES = {"read", "derived", "assumption"}


def _sources() -> dict[str, dict[str, str]]:
    with open(DATA / "sources.csv", encoding="utf-8") as handle:
        return {row["parameter"]: row for row in csv.DictReader(handle)}


def _numeric_defaults() -> list[str]:
    """Every default that is a number, a list of numbers, a year path or a table of numbers."""
    return [key for key, value in flat_defaults().items()
            if not isinstance(value, (str, bool))
            and not (isinstance(value, list) and all(isinstance(item, str) for item in value))]


def test_every_default_number_has_a_source_and_status():
    sources = _sources()
    missing = [key for key in _numeric_defaults() if key not in sources]
    assert not missing, f"defaults without a row in sources.csv: {missing}"
    for key, row in sources.items():
        assert row["status"] in STATUSES, f"{key}: status {row['status']!r}"
        assert row["source"].strip(), f"{key}: no source"
        if row["status"] != "read":
            assert row["note"].strip(), f"{key}: a derived or assumed value must say how or why"


def test_every_assumption_has_a_range():
    """An estimate without a range cannot be swept or drawn: each says its range, or that it is a setting."""
    missing = [key for key, row in _sources().items() if row["status"] == "assumption" and not row["range"].strip()]
    assert not missing, f"assumptions without a range in sources.csv: {missing}"


def test_every_table_file_has_a_source_row():
    sources = _sources()
    tables = sorted(p.name for p in DATA.glob("*.csv") if p.name not in ("sources.csv", "parameter_sources.csv"))
    assert tables, "no data tables found"
    missing = [name for name in tables if f"table:{name}" not in sources]
    assert not missing, f"tables without a source row: {missing}"


def test_derived_tables_are_what_the_build_script_makes(tmp_path: Path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_default_data.py"), "--out", str(tmp_path)],
                   check=True)
    for made in sorted(tmp_path.glob("*.csv")):
        committed = (DATA / made.name).read_bytes()
        assert made.read_bytes() == committed, f"{made.name} differs from scripts/build_default_data.py output"


def test_base_data_matches_research_figures():
    women = pd.read_csv(DATA / "women_by_age.csv")
    fertile = women[women.age >= 15].women.sum()
    assert 520_000 <= fertile <= 580_000, "women 15-49 outside the researched 0.52-0.58 M"
    parity = pd.read_csv(DATA / "parity_by_age.csv").set_index("age")
    assert abs(parity.loc[49, "parity0"] - 0.0516) < 1e-6  # read: 5.16% childless at 49
    assert abs(parity.loc[35, "parity0"] - 0.1091) < 0.01  # read: 10.91% childless at 35
    base = pd.read_csv(DATA / "base_year_births.csv")
    assert abs(base.births.sum() - 11_679) < 0.05
