"""Re-running a run from its manifest: the resolved scenario, seed and replicates it records.

Everything the re-run takes from the manifest is checked first: the manifest's own digest
(an edited value is refused), that every data file the scenario reads is listed with a
checksum (a path added by hand, or an emptied list, is refused), and that each listed file
still has its checksum. A different model code is named in a warning: the figures may differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from model.errors import InputError
from model.files import file_sha256
from model.provenance import code_fingerprint, input_files, input_key, input_path
from model.run_folder import DIGEST_KEY, manifest_digest, read_manifest
from model.scenario import LoadedScenario, Scenario


def load_manifest(path: str | Path) -> tuple[LoadedScenario, dict[str, Any]]:
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.json"  # the run folder itself is a fine way to name its manifest
    manifest = read_manifest(path)
    recorded = manifest.get(DIGEST_KEY)
    if not isinstance(recorded, str):
        raise InputError(path, DIGEST_KEY, "missing: the manifest cannot be shown to be unedited (it was written by "
                         "an older version, or edited); run the scenario anew")
    if manifest_digest(manifest) != recorded:
        raise InputError(path, None, "the manifest was edited after the run (its content no longer matches its "
                         f"{DIGEST_KEY}); a re-run must repeat the run as it was: run the edited scenario anew "
                         "with `birthbudget run`")
    try:
        scenario = Scenario.model_validate(manifest["scenario"])
    except ValidationError as error:
        raise InputError(path, "scenario", f"the recorded scenario is not valid with this version: {error}") from None
    checksums: dict[str, Any] = manifest["input_checksums_sha256"]
    unlisted = [str(file) for file in input_files(scenario) if input_key(file) not in checksums]
    if unlisted:
        raise InputError(path, "input_checksums_sha256", f"the scenario reads {unlisted[0]}, which the manifest "
                         "lists with no checksum; the run cannot be shown to be repeatable")
    for file, checksum in checksums.items():
        source = input_path(file)
        if not source.exists():
            raise InputError(source, None, f"input of the run {path} is gone; the run cannot be repeated")
        if file_sha256(source) != checksum:
            raise InputError(source, None, f"input changed since the run {path} (checksum differs); "
                             "restore it or run the scenario anew")
    files = [Path(manifest["scenario_file"])] if isinstance(manifest.get("scenario_file"), str) else [path]
    origin = manifest.get("value_origin")
    loaded = LoadedScenario(scenario=scenario, files=files, origin=dict(origin) if isinstance(origin, dict) else {},
                            tree=manifest["scenario"])
    return loaded, manifest


def code_differs(manifest: dict[str, Any]) -> bool:
    """The model's code is not the one that made the run (its figures may then differ)."""
    return manifest.get("code_sha256") != code_fingerprint()
