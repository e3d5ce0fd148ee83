"""What a result depends on: the input files a scenario reads, and the model's own code.

A run's manifest, a sweep point's cache key and `rerun`'s checks all use these, so the three
can never disagree on which files count.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

from model.files import file_sha256
from model.scenario import Scenario

PACKAGE_DIR = Path(str(resources.files("model")))


def input_files(scenario: Scenario) -> list[Path]:
    """Every data file a run of `scenario` reads: its tables (the bureau's or the defaults)
    and the births override."""
    from model.inputs import table_paths

    files = list(table_paths(scenario).values())
    if scenario.demography.births_override:
        files.append(Path(scenario.demography.births_override))
    return files


def input_checksums(scenario: Scenario) -> dict[str, str]:
    """{path: SHA-256} of every data file a run of `scenario` reads."""
    return {str(path): file_sha256(path) for path in input_files(scenario)}


@cache
def code_fingerprint() -> str:
    """SHA-256 over the model's source and embedded data (its .py, .csv and .toml files; fonts
    and caches change no figure): two installs with the same fingerprint compute the same
    figures from the same inputs, whatever their version string says."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix not in {".py", ".csv", ".toml"} or "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
        digest.update(file_sha256(path).encode("ascii"))
    return digest.hexdigest()
