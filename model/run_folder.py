"""The run folder: the one place that writes it, replaces it, and reads it back.

`run` and `rerun` write a new folder; `report` and `mtfp` add files to one; `compare`,
`report`, `mtfp` and `rerun` read one. Every change is made in a staging folder beside the
run folder and swapped in with one atomic exchange of the two folders (Linux
renameat2(RENAME_EXCHANGE)), so at every instant the folder holds the old results or the
new ones, whole. Where the system has no exchange, the old folder is set aside, the new
one moved in, the old one removed; a run killed in between leaves the old folder under a
hidden name, and the next command that touches the folder puts it back.

A run folder lists what the tool wrote in it (`.birthbudget-files`). `--force` replaces a
folder only when it is a run folder holding nothing else: the tool never deletes what it
did not write.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.errors import InputError
from model.files import MANIFEST_LIMIT, TABLE_LIMIT, describe_os_error, read_bytes, require_regular

LEDGER = ".birthbudget-files"
MANIFEST = "manifest.json"
Writer = Callable[[Path], None]

# What a run folder written before the ledger existed may hold (recognised for --force).
_LEGACY_NAMES = re.compile(
    r"(budget|births|births_total|births_by_mother_age|impact|payables)\.(csv|parquet)|replicates\.npz|"
    r"manifest\.json|appendix(_en)?\.(xlsx|pdf)|mtfp_\d{4}\.csv")
_LEGACY_CHART = re.compile(r"[a-z_]+\.(png|svg|pdf)")


# ---------------------------------------------------------------- replacing a folder atomically

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (then the caller falls back)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(second))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[tuple[Path, int]]:
    found = []
    for folder in out.parent.glob(f".{glob_escape(out.name)}.{kind}-*"):
        with contextlib.suppress(ValueError, IndexError):
            found.append((folder, int(folder.name.rsplit(f".{kind}-", 1)[1].split("-")[0])))
    return found


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def recover(out: str | Path) -> None:
    """Set right what a killed writer left beside `out`: restore the set-aside old folder if
    `out` is gone, and remove staging and set-aside folders whose process has ended."""
    out = Path(out).absolute()
    if not out.parent.is_dir():
        return
    for folder, pid in _leftovers(out, "old"):
        if _pid_alive(pid) and pid != os.getpid():
            continue
        if not out.exists() and not out.is_symlink():
            os.replace(folder, out)  # the old results, whole: they were moved aside in one step
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for folder, pid in _leftovers(out, "partial"):
        if not _pid_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Put `staging` in the place of `out` (which may not exist); the old folder is removed."""
    if not out.exists():
        os.replace(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old folder
        return
    retired = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
    os.replace(out, retired)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def _staging(out: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; results are for everyone who may read
    return staging


def _write_ledger(folder: Path, names: set[str]) -> None:
    document = {"written_by": "birthbudget", "files": sorted(names)}
    (folder / LEDGER).write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _ledger(folder: Path) -> set[str] | None:
    try:
        document = json.loads(read_bytes(folder / LEDGER, "file list", MANIFEST_LIMIT))
    except (InputError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("written_by") != "birthbudget":
        return None
    files = document.get("files")
    return {str(f) for f in files} if isinstance(files, list) else None


def _entries(folder: Path) -> list[str]:
    """Relative paths of every file under `folder` (folders are implied by their files)."""
    found = []
    for root, folders, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() + "/" for name in folders if not os.listdir(Path(root) / name)]
    return sorted(found)


def foreign_files(folder: Path) -> list[str] | None:
    """Files in `folder` that the tool did not write, or None when it is no run folder at all."""
    if not (folder / MANIFEST).is_file():
        return None
    entries = [entry for entry in _entries(folder) if entry != LEDGER]
    written = _ledger(folder)
    if written is not None:
        return [entry for entry in entries if entry not in written]
    return [entry for entry in entries if not (
        _LEGACY_NAMES.fullmatch(entry)
        or (entry.startswith("charts/") and _LEGACY_CHART.fullmatch(entry.removeprefix("charts/"))))]


def _name_limit(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _existing_ancestor(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        with contextlib.suppress(OSError):  # a component too long is no ancestor
            if candidate.exists():
                return candidate
    return Path("/")


def check_output_folder(out: str | Path, force: bool, need_bytes: int = 0) -> None:
    """Before any work: `out` may be written (a new folder, or with --force a run folder holding
    only what the tool wrote), its file system takes writes and has room for `need_bytes`."""
    out = Path(out).absolute()
    try:
        _check_output_folder(out, force, need_bytes)
    except OSError as error:  # a name the file system refuses, a folder that cannot be listed, …
        raise InputError(out, None, f"cannot use this output folder ({describe_os_error(error)})") from None


def _check_output_folder(out: Path, force: bool, need_bytes: int) -> None:
    parent = _existing_ancestor(out.parent)
    staging_name = f".{out.name}.partial-{os.getpid()}-xxxxxxxx"
    if len(os.fsencode(staging_name)) > _name_limit(parent):
        raise InputError(out, None, f"the folder name is too long for the file system (at most "
                         f"{_name_limit(parent) - 30} bytes for a result folder); choose a shorter --out")
    recover(out)
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise InputError(out, None, "exists and is not a folder; choose another --out")
        if not force:
            raise InputError(out, None, "output folder exists; use --force to replace it")
        foreign = foreign_files(out)
        if foreign is None:
            raise InputError(out, None, "is not a run folder written by birthbudget (it has no manifest.json); "
                             "--force replaces only a run folder, so nothing in it was touched. Choose "
                             "another --out")
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise InputError(out, None, f"holds files birthbudget did not write ({shown}); --force replaces only "
                             "what the tool wrote. Move them elsewhere or choose another --out")
    if not parent.is_dir():
        raise InputError(parent, None, f"is not a folder, so {out.name} cannot be written inside it")
    try:
        probe = tempfile.mkdtemp(prefix=".birthbudget-probe-", dir=parent)
        os.rmdir(probe)
    except OSError as error:
        raise InputError(parent, None, f"cannot write the results here ({describe_os_error(error)})") from None
    if need_bytes:
        free = shutil.disk_usage(parent).free
        if need_bytes > free:
            raise InputError(parent, None, f"the results need about {need_bytes / 2**20:,.0f} MiB and the disk has "
                             f"{free / 2**20:,.0f} MiB free; free some space or choose another --out")


def write_new(out: str | Path, writers: dict[str, Writer], force: bool) -> None:
    """Write every file into a staging folder beside `out`, then swap it in. A crash, a kill
    or a full disk before the swap leaves the previous results untouched and no partial folder."""
    out = Path(out).absolute()
    check_output_folder(out, force)  # again: the folder may have appeared while the run ran
    with _staged(out, "cannot write the results") as staging:
        for name, write in writers.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            write(staging / name)
        _write_ledger(staging, set(writers))
        _swap_in(staging, out)


@contextlib.contextmanager
def _staged(out: Path, failure: str) -> Iterator[Path]:
    """A staging folder beside `out`, always removed afterwards; a failed write (full or read-only
    disk) becomes one InputError, with `out` as it was."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging(out)
    except OSError as error:
        raise InputError(out, None, f"{failure} ({describe_os_error(error)}); nothing was changed") from None
    try:
        yield staging
    except OSError as error:
        raise InputError(out, None, f"{failure} ({describe_os_error(error)}); nothing was changed") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """Copy `source` into `target` as hard links (instant, no extra space), or copies where the
    file system has no hard links."""
    for root, folders, files in os.walk(source):
        relative = Path(root).relative_to(source)
        for name in folders:
            (target / relative / name).mkdir(exist_ok=True)
        for name in files:
            try:
                os.link(Path(root) / name, target / relative / name)
            except OSError:
                shutil.copy2(Path(root) / name, target / relative / name)


def add_files(folder: str | Path, writers: dict[str, Writer]) -> list[Path]:
    """Add (or replace) files in an existing run folder, all at once: the folder is rebuilt
    beside itself from hard links plus the new files, then swapped in. Returns the paths."""
    folder = Path(folder).absolute()
    recover(folder)
    with _staged(folder, "cannot write into the run folder") as staging:
        _link_tree(folder, staging)
        for name in writers:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # a hard link shares the old file: write a new one, never through it
        for name, write in writers.items():
            write(staging / name)
        written = _ledger(folder)
        if written is not None:
            with contextlib.suppress(FileNotFoundError):
                (staging / LEDGER).unlink()
            _write_ledger(staging, written | set(writers))
        _swap_in(staging, folder)
    return [folder / name for name in writers]


def check_output_file(path: str | Path, recognise: Callable[[Path], bool]) -> None:
    """Before any work: `path` is new, or a file the tool wrote (`recognise`), in a folder."""
    path = Path(path).absolute()
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise InputError(path, None, "exists and is not a regular file; choose another --out")
        if not recognise(path):
            raise InputError(path, None, "exists and was not written by birthbudget; it is left as it is. "
                             "Choose another --out")
    parent = _existing_ancestor(path.parent)
    if not parent.is_dir():
        raise InputError(parent, None, f"is not a folder, so {path.name} cannot be written inside it")


def write_file(path: str | Path, write: Writer, recognise: Callable[[Path], bool]) -> None:
    """Write one file the tool owns (a table given with --out), through a temporary file and a
    rename. An existing file is replaced only if `recognise` says the tool wrote it."""
    path = Path(path).absolute()
    check_output_file(path, recognise)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
        os.close(handle)
        temporary = Path(name)
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(path, None, f"cannot write the file ({describe_os_error(error)})") from None
    finally:
        if temporary is not None and temporary.exists():
            temporary.unlink()


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# ---------------------------------------------------------------- reading a run folder back

MANIFEST_KEYS: dict[str, type | tuple[type, ...]] = {
    "scenario": dict, "seed": int, "replicates": int, "input_checksums_sha256": dict, "start_time": str,
    "package_version": str}
BUDGET_COLUMNS = ("year", "line", "payer", "basis", "mean", "p05", "p50", "p95")


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


def read_replicates(path: str | Path, replicates: int | None = None) -> dict[str, np.ndarray]:
    """replicates.npz, checked: every array present, of consistent shape, finite, with known ids."""
    from model.areas import HIGHER_LEVELS, PAYERS
    from model.lines import LINE_BY_ID
    from model.lines.base import KINDS

    path = require_regular(path, "replicates file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise damaged(path, f"cannot be read ({type(error).__name__}: {str(error)[:120]})") from None
    for key in ("accrual", "births", "years", "lines", "payers"):
        if key not in arrays:
            raise damaged(path, f"has no '{key}' array")
    accrual, lines, payers = arrays["accrual"], [str(x) for x in arrays["lines"]], [str(x) for x in arrays["payers"]]
    kinds = [str(x) for x in arrays["kinds"]] if "kinds" in arrays else None
    unknown = [line for line in lines if line not in LINE_BY_ID]
    if unknown:
        raise damaged(path, f"names a line this version does not know ({unknown[0]!r})")
    strange = [payer for payer in payers if payer not in (*PAYERS, *HIGHER_LEVELS)]
    if strange:
        raise damaged(path, f"names a payer this version does not know ({strange[0]!r})")
    if kinds is not None and (len(kinds) != len(lines) or any(kind not in KINDS for kind in kinds)):
        raise damaged(path, "its line kinds do not match its lines")
    shape = (len(arrays["years"]), len(lines), len(payers))
    for key in ("accrual", "cash"):
        if key in arrays and (arrays[key].ndim != 4 or arrays[key].shape[1:] != shape):
            raise damaged(path, f"'{key}' has shape {arrays[key].shape}, expected [replicates, {', '.join(map(str, shape))}]")
    if "payables" in arrays and (arrays["payables"].ndim != 4 or arrays["payables"].shape[2:] != shape[1:]):
        raise damaged(path, "'payables' does not match the lines and payers")
    if replicates is not None and accrual.shape[0] != replicates:
        raise damaged(path, f"holds {accrual.shape[0]} replicates where the manifest says {replicates}")
    for key, array in arrays.items():
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            raise damaged(path, f"'{key}' holds numbers that are not finite")
        if array.dtype.kind not in "fiuUSb":
            raise damaged(path, f"'{key}' is not an array of numbers or names")
    return arrays


def read_csv(path: str | Path, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV table of the run folder, with the columns its readers need."""
    import io

    path = Path(path)
    raw = read_bytes(path, "result table", TABLE_LIMIT)
    try:
        frame = pd.read_csv(io.BytesIO(raw))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise damaged(path, f"not a readable CSV table ({str(error).splitlines()[0][:120]})") from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise damaged(path, f"has no column {missing[0]!r}")
    numeric = [c for c in ("mean", "p05", "p50", "p95") if c in frame.columns]
    for column in numeric:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise damaged(path, f"column {column!r} holds text where numbers belong")
    return frame


@dataclass
class RunFolder:
    """A run folder as its readers see it: the CSV tables, the manifest and the replicates."""

    path: Path
    budget: pd.DataFrame
    births: pd.DataFrame
    births_total: pd.DataFrame | None
    impact: pd.DataFrame | None
    payables: pd.DataFrame | None
    manifest: dict[str, Any]
    replicates: dict[str, np.ndarray]

    @property
    def name(self) -> str:
        return self.manifest["scenario"]["scenario"]["name"]

    @property
    def run_date(self) -> str:
        return datetime.fromisoformat(self.manifest["start_time"]).strftime("%Y-%m-%d")

    @property
    def lines(self) -> list[str]:
        return [str(line) for line in self.replicates["lines"]]

    @property
    def kinds(self) -> list[str]:
        """Each line's kind (runs written before kinds existed hold outlays only)."""
        from model.lines import LINE_BY_ID

        if "kinds" in self.replicates:
            return [str(kind) for kind in self.replicates["kinds"]]
        return [LINE_BY_ID[line].kind for line in self.lines]

    @property
    def outlay_lines(self) -> list[str]:
        return [line for line, kind in zip(self.lines, self.kinds, strict=True) if kind == "outlay"]

    @property
    def other_lines(self) -> list[str]:
        """Revenue forgone and memo items: shown apart, never added to outlays."""
        return [line for line, kind in zip(self.lines, self.kinds, strict=True) if kind != "outlay"]

    @property
    def payers(self) -> list[str]:
        return [str(payer) for payer in self.replicates["payers"]]

    def outlays(self, basis: str = "accrual") -> np.ndarray:
        """[rep, year, outlay line, payer] yuan."""
        return self.replicates[basis][:, :, [kind == "outlay" for kind in self.kinds]]

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.replicates["years"]]

    def accrual(self, line: str = "all", payer: str = "all") -> pd.DataFrame:
        rows = self.budget[(self.budget.basis == "accrual") & (self.budget.line == line) & (self.budget.payer == payer)]
        return rows.set_index("year")


def _optional(path: Path, columns: tuple[str, ...]) -> pd.DataFrame | None:
    return read_csv(path, columns) if path.exists() else None


def _require(path: Path, names: tuple[str, ...], purpose: str) -> None:
    recover(path)
    if not path.is_dir():
        raise InputError(path, None, f"not found: {purpose} needs a folder written by `birthbudget run`"
                         if not path.exists() else f"is not a folder: {purpose} needs a run folder")
    for name in names:
        if not (path / name).exists():
            raise InputError(path / name, None, f"not found: {purpose} needs a folder written by `birthbudget run`")


def run_tables(path: str | Path, purpose: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """budget.csv and payables.csv (None when the run had no cash timing) of a run folder."""
    path = Path(path)
    _require(path, ("budget.csv",), purpose)
    return read_csv(path / "budget.csv", BUDGET_COLUMNS), _optional(path / "payables.csv",
                                                                   ("year", "line", "payer", "mean"))


def load_run(path: str | Path, purpose: str = "this command") -> RunFolder:
    """Read and check a run folder; any damage is one InputError naming the file."""
    path = Path(path)
    _require(path, ("budget.csv", "births.csv", MANIFEST, "replicates.npz"), purpose)
    manifest = read_manifest(path / MANIFEST)
    replicates = read_replicates(path / "replicates.npz", manifest["replicates"])
    budget = read_csv(path / "budget.csv", BUDGET_COLUMNS)
    return RunFolder(
        path=path, budget=budget, births=read_csv(path / "births.csv", ("year", "area", "birth_order", "mean")),
        births_total=_optional(path / "births_total.csv", ("year", "mean", "p05", "p95")),
        impact=_optional(path / "impact.csv", ("year", "measure", "mean")),
        payables=_optional(path / "payables.csv", ("year", "line", "payer", "mean")),
        manifest=manifest, replicates=replicates,
    )
