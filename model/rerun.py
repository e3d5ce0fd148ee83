"""Re-running a run from its manifest: the resolved scenario, seed and replicates it records.

The input files the manifest lists must still have the checksums it recorded; a changed
file is refused (the figures would not be the same run), naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from model.errors import InputError
from model.files import file_sha256
from model.scenario import LoadedScenario, Scenario


def load_manifest(path: str | Path) -> tuple[LoadedScenario, dict]:
    path = Path(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, None, "manifest not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(path, None, f"not a manifest.json written by birthbudget ({error})") from None
    for key in ("scenario", "input_checksums_sha256", "seed", "replicates"):
        if key not in manifest:
            raise InputError(path, key, "missing: not a manifest.json written by birthbudget")
    for file, checksum in manifest["input_checksums_sha256"].items():
        source = Path(file)
        if not source.is_file():
            raise InputError(source, None, f"input of the run {path} is gone; the run cannot be repeated")
        if file_sha256(source) != checksum:
            raise InputError(source, None, f"input changed since the run {path} (checksum differs); "
                             "restore it or run the scenario anew")
    try:
        scenario = Scenario.model_validate(manifest["scenario"])
    except ValidationError as error:
        raise InputError(path, "scenario", f"the recorded scenario is not valid with this version: {error}") from None
    files = [Path(manifest["scenario_file"])] if "scenario_file" in manifest else [path]
    loaded = LoadedScenario(scenario=scenario, files=files, origin=dict(manifest.get("value_origin", {})),
                            tree=manifest["scenario"])
    return loaded, manifest
