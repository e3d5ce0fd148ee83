"""A run's manifest.json: its required keys, its digest, and reading it back checked."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from model.errors import InputError
from model.files import MANIFEST_LIMIT, read_bytes

MANIFEST = "manifest.json"
MANIFEST_KEYS: dict[str, type | tuple[type, ...]] = {
    "scenario": dict, "seed": int, "replicates": int, "input_checksums_sha256": dict, "start_time": str,
    "package_version": str}


DIGEST_KEY = "content_sha256"


def manifest_digest(document: dict[str, Any]) -> str:
    """SHA-256 of a manifest's content (every key but the digest itself): an edited value shows."""
    content = {key: value for key, value in document.items() if key != DIGEST_KEY}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def damaged(path: Path, what: str) -> InputError:
    return InputError(path, None, f"{what}; the run folder is damaged or was not written by `birthbudget run`: "
                      "run the scenario again")


def read_manifest(path: str | Path) -> dict[str, Any]:
    """A run's manifest.json, checked for the keys and types every reader relies on."""
    path = Path(path)
    raw = read_bytes(path, "run manifest", MANIFEST_LIMIT)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise damaged(path, f"not valid JSON ({str(error).splitlines()[0][:120]})") from None
    except RecursionError:
        raise damaged(path, "nested too deeply to be a manifest") from None
    if not isinstance(document, dict):
        shown = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true or false"}
        raise damaged(path, f"holds {shown.get(type(document), 'nothing')}, not a manifest")
    for key, kind in MANIFEST_KEYS.items():
        value = document.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise damaged(path, f"'{key}' is missing or not a {getattr(kind, '__name__', kind)}")
    name = document["scenario"].get("scenario", {})
    if not isinstance(name, dict) or not isinstance(name.get("name"), str):
        raise damaged(path, "'scenario.scenario.name' is missing")
    try:
        datetime.fromisoformat(document["start_time"])
    except ValueError:
        raise damaged(path, f"'start_time' is not a date and time: {document['start_time'][:40]!r}") from None
    return document


