"""What the example cities' tests share: a city's sources.csv, its build script, and the check that
every number of its defaults has a source and a status."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import REPO

STATUSES = {"read", "derived", "assumption"}


def sources_of(city: Path) -> dict[str, dict[str, str]]:
    with open(city / "sources.csv", encoding="utf-8") as handle:
        return {row["parameter"]: row for row in csv.DictReader(handle)}


def build_script(name: str) -> ModuleType:
    """scripts/<name>.py, loaded as a module (its functions read the city's files)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_every_number_has_a_source(values: dict[str, Any], city: Path) -> None:
    numeric = [key for key, value in values.items() if not isinstance(value, (str, bool))
               and not (isinstance(value, list) and all(isinstance(item, str) for item in value))]
    sources = sources_of(city)
    missing = [key for key in numeric if key not in sources]
    assert not missing, f"defaults without a row in {city.relative_to(REPO)}/sources.csv: {missing}"
    for key, row in sources.items():
        assert row["status"] in STATUSES, f"{key}: status {row['status']!r}"
        assert row["source"].strip(), f"{key}: no source"
        if row["status"] != "read":
            assert row["note"].strip(), f"{key}: a derived or assumed value must say how or why"
