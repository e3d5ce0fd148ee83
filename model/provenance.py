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
    """Every data file a run of `scenario` reads: its city's city.toml, its tables (the bureau's
    or the defaults) and the births override."""
    from model.city import CITY_FILE
    from model.inputs import table_paths

    files = [scenario.city.folder / CITY_FILE, *table_paths(scenario).values()]
    if scenario.demography.births_override:
        files.append(Path(scenario.demography.births_override))
    return files


PACKAGE_KEY = "package:"  # files of the installed package are named relative to it


def input_key(path: Path) -> str:
    """How a manifest names an input: the package's own files relative to the package (the same in
    every checkout and install), the user's files by their absolute path."""
    try:
        return PACKAGE_KEY + Path(path).resolve().relative_to(PACKAGE_DIR.resolve()).as_posix()
    except ValueError:
        return str(path)


def input_path(key: str) -> Path:
    """The file a manifest's key names, in this install."""
    return PACKAGE_DIR / key.removeprefix(PACKAGE_KEY) if key.startswith(PACKAGE_KEY) else Path(key)


def input_checksums(scenario: Scenario) -> dict[str, str]:
    """{input_key: SHA-256} of every data file a run of `scenario` reads."""
    return {input_key(path): file_sha256(path) for path in input_files(scenario)}


FIGURE_FREE = {"cli.py", "summary.py", "reference.py", "__main__.py"}  # modules that print or document only


@cache
def code_fingerprint() -> str:
    """SHA-256 over the model's source and embedded data (its .py, .csv and .toml files): two
    installs with the same fingerprint compute the same figures from the same inputs, whatever
    their version string says. Code that computes no figure (the report's charts and documents,
    the command line's printing, the scenario reference) is left out, so changing it neither
    empties a sweep's cache nor makes `rerun` warn."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if (path.suffix not in {".py", ".csv", ".toml"} or "__pycache__" in path.parts or not path.is_file()
                or relative.parts[0] == "report" or relative.as_posix() in FIGURE_FREE):
            continue
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
        digest.update(file_sha256(path).encode("ascii"))
    return digest.hexdigest()
