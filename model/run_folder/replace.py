"""Replacing and adding to a run folder atomically, and recognising what the tool wrote.

Every change is made in a staging folder beside the run folder and swapped in with one atomic
exchange of the two folders (Linux renameat2(RENAME_EXCHANGE)), so at every instant the folder
holds the old results or the new ones, whole. Where the system has no exchange, the old folder
is set aside, the new one moved in, the old one removed; a writer killed in between leaves the
old folder under a hidden name, and the next command that touches the folder puts it back.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import stat
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from model.errors import InputError
from model.files import MANIFEST_LIMIT, describe_os_error, read_bytes
from model.run_folder.manifest import MANIFEST, read_manifest

LEDGER = ".birthbudget-files"
Writer = Callable[[Path], object]  # writes the file at the path given (what it returns is ignored)

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


def _target(path: str | Path) -> Path:
    """The absolute path the tool writes: where a symbolic link points, not the link itself
    (a run folder reached through a link is replaced where it is; the link stays)."""
    path = Path(path).absolute()
    try:
        return path.resolve() if path.is_symlink() else path
    except OSError:  # a name the file system refuses: the checks after say so in one line
        return path


STAGING_MARK = ".birthbudget-staging"  # inside every staging folder, so a leftover is known as the tool's


def _ours(folder: Path) -> bool:
    """A leftover the tool made: a staging folder (its mark) or a set-aside run folder (its
    ledger). A user's folder that merely has a similar name is never touched."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return (folder / STAGING_MARK).is_file() or _ledger(folder) is not None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, kind: str) -> list[tuple[Path, int]]:
    """`.NAME.partial-PID-xxxxxxxx` and `.NAME.old-PID-xxxxxxxx` folders the tool left beside `out`."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.{kind}-(\d+)-[A-Za-z0-9_]{{8}}")
    found = []
    for folder in out.parent.glob(f".{glob_escape(out.name)}.{kind}-*"):
        match = pattern.fullmatch(folder.name)
        if match and _ours(folder):
            found.append((folder, int(match.group(1))))
    return found


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def recover(out: str | Path) -> None:
    """Set right what a killed writer left beside `out`: restore the set-aside old folder if
    `out` is gone, and remove staging and set-aside folders whose process has ended. Best
    effort: where the folder cannot be written (a read-only mount, a colleague's folder) the
    leftovers stay, and a reader goes on reading."""
    with contextlib.suppress(OSError):
        _recover(_target(out))


def _recover(out: Path) -> None:
    if not out.parent.is_dir():
        return
    for folder, pid in _leftovers(out, "old"):
        if _pid_alive(pid) and pid != os.getpid():
            continue
        if not out.exists() and not out.is_symlink():
            os.replace(folder, out)  # the old results, whole: they were moved aside in one step
            (out / STAGING_MARK).unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for folder, pid in _leftovers(out, "partial"):
        if not _pid_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
    if _ledger(out) is not None:  # files a killed `report` or `mtfp` was writing inside the run folder
        for temporary in [*out.glob(".*.partial-*"), *out.glob("*/.*.partial-*")]:
            match = re.search(r"\.partial-(\d+)-", temporary.name)
            if match and temporary.is_file() and not temporary.is_symlink() and not _pid_alive(int(match.group(1))):
                temporary.unlink(missing_ok=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Put `staging` in the place of `out` (which may not exist); the old folder is removed."""
    (staging / STAGING_MARK).unlink(missing_ok=True)
    if not out.exists():
        os.replace(staging, out)
        return
    staging.chmod(stat.S_IMODE(out.stat().st_mode))  # a private run folder stays private
    if _exchange(staging, out):
        _retire(staging)  # it now holds the old folder
        return
    (out / STAGING_MARK).touch()  # the set-aside folder is known as the tool's even without a ledger
    retired = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
    os.replace(out, retired)
    os.replace(staging, out)
    _retire(retired)


def _retire(old: Path) -> None:
    """Remove a replaced run folder, unless a file of the user's appeared in it while the new
    results were being written (checked before the swap): then it is kept, named, and said."""
    foreign = [entry for entry in (foreign_files(old) or []) if entry != STAGING_MARK]
    if not foreign:
        shutil.rmtree(old, ignore_errors=True)
        return
    kept = old.parent / f"{old.name.split('.partial-')[0].split('.old-')[0].lstrip('.')}.replaced-{os.getpid()}"
    os.replace(old, kept)
    (kept / STAGING_MARK).unlink(missing_ok=True)
    warnings.warn(f"{kept}: the replaced results are kept there, because files appeared in them while the run "
                  f"was writing ({', '.join(foreign[:3])})", stacklevel=2)


def _staging(out: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
    staging.chmod(0o777 & ~UMASK)  # mkdtemp makes it private; results are for everyone who may read
    (staging / STAGING_MARK).touch()
    return staging


def _write_ledger(folder: Path, names: set[str]) -> None:
    _write_ledger_file(folder / LEDGER, names)


def _write_ledger_file(path: Path, names: set[str]) -> None:
    document = {"written_by": "birthbudget", "files": sorted(names)}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


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
        found += [(base / name).as_posix() + ("" if (Path(root) / name).is_symlink() else "/") for name in folders
                  if (Path(root) / name).is_symlink() or not os.listdir(Path(root) / name)]
    return sorted(found)


def foreign_files(folder: Path) -> list[str] | None:
    """Files in `folder` that the tool did not write, or None when it is no run folder at all."""
    if not (folder / MANIFEST).is_file():
        return None
    try:
        read_manifest(folder / MANIFEST)  # a manifest.json of some other program is no run folder
    except InputError:
        return None
    entries = [entry for entry in _entries(folder) if entry not in (LEDGER, STAGING_MARK)]
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


def check_writable_place(parent: Path, name: str, what: str) -> None:
    """`parent` is a folder in which the tool can create `name` (tried with an empty folder)."""
    if not parent.is_dir():
        raise InputError(parent, None, f"is not a folder, so {name} cannot be written inside it")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".birthbudget-probe-", dir=parent))
    except OSError as error:
        raise InputError(parent, None, f"cannot write {what} here ({describe_os_error(error)})") from None


def check_output_folder(out: str | Path, force: bool, need_bytes: int = 0) -> None:
    """Before any work: `out` may be written (a new folder, or with --force a run folder holding
    only what the tool wrote), its file system takes writes and has room for `need_bytes`."""
    out = _target(out)
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
            raise InputError(out, None, "is not a run folder written by birthbudget (it has no manifest.json of "
                             "birthbudget); "
                             "--force replaces only a run folder, so nothing in it was touched. Choose "
                             "another --out")
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise InputError(out, None, f"holds files birthbudget did not write ({shown}); --force replaces only "
                             "what the tool wrote. Move them elsewhere or choose another --out")
        here, real = Path.cwd().resolve(), out.resolve()  # resolved: `../out` or a linked parent is the same
        if here == real or real in here.parents:
            raise InputError(out, None, "is the current folder (or holds it): replacing it would leave this shell "
                             "in a deleted folder. Run the command from another folder")
    check_writable_place(parent, out.name, "the results")
    if need_bytes:
        free = shutil.disk_usage(parent).free
        if need_bytes > free:
            raise InputError(parent, None, f"the results need about {need_bytes / 2**20:,.0f} MiB and the disk has "
                             f"{free / 2**20:,.0f} MiB free; free some space or choose another --out")


def write_new(out: str | Path, writers: Mapping[str, Writer], force: bool) -> None:
    """Write every file into a staging folder beside `out`, then swap it in. A crash, a kill
    or a full disk before the swap leaves the previous results untouched and no partial folder."""
    out = _target(out)
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


def add_files(folder: str | Path, writers: Mapping[str, Writer]) -> list[Path]:
    """Add (or replace) files in an existing run folder. Every file is first written whole under
    a temporary name beside its place; only when all are written are they renamed into place,
    each in one step, the folder's list of what the tool wrote first. A failure (a full disk)
    leaves the folder as it was; a kill leaves every file whole, old or new. The folder itself is
    never moved: its permissions, links, mount and the shells standing in it are untouched."""
    folder = _target(folder)
    recover(folder)
    temporaries: dict[Path, Path] = {}
    created: list[Path] = []  # folders made for the new files (charts/): removed again on failure
    renaming = False
    try:
        for name, write in writers.items():
            target = folder / name
            if not target.parent.exists():
                created.append(target.parent)
                target.parent.mkdir(parents=True)
            temporaries[target] = _temporary_beside(target)
            write(temporaries[target])
        written = _ledger(folder)
        if written is not None:
            ledger = folder / LEDGER
            temporaries[ledger] = _temporary_beside(ledger)
            _write_ledger_file(temporaries[ledger], written | set(writers))
        # the list first: listing a name whose file is not yet in place is harmless, while a file in
        # place but unlisted would later count as the user's
        ordered = sorted(temporaries, key=lambda target: target.name != LEDGER)
        for target in ordered:
            if target.is_dir() and not target.is_symlink():
                raise IsADirectoryError(21, "a folder is where the file belongs", str(target))
        renaming = True
        for target in ordered:
            os.replace(temporaries[target], target)
    except OSError as error:
        changed = ("some of the new files are in place, each whole; run the command again" if renaming
                   else "nothing was changed")
        raise InputError(folder, None, f"cannot write into the run folder ({describe_os_error(error)}); "
                         f"{changed}") from None
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        for made in reversed(created if not renaming else []):
            with contextlib.suppress(OSError):
                made.rmdir()
    return [folder / name for name in writers]


def _temporary_beside(target: Path) -> Path:
    """An empty file next to `target`, named `.STEM.partial-PID-xxxxxxxx.SUFFIX` (the suffix kept:
    writers such as matplotlib take the format from it), readable as the run folder's files are."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.partial-{os.getpid()}-", suffix=target.suffix,
                                    dir=target.parent)
    os.close(handle)
    os.chmod(name, 0o666 & ~UMASK)
    return Path(name)


def check_output_file(path: str | Path, recognise: Callable[[Path], bool]) -> None:
    """Before any work: `path` is new, or a file the tool wrote (`recognise`), in a folder."""
    path = _target(path)
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise InputError(path, None, "exists and is not a regular file; choose another --out")
        if not recognise(path):
            raise InputError(path, None, "exists and was not written by birthbudget; it is left as it is. "
                             "Choose another --out")
    check_writable_place(_existing_ancestor(path.parent), path.name, path.name)


def write_file(path: str | Path, write: Writer, recognise: Callable[[Path], bool]) -> None:
    """Write one file the tool owns (a table given with --out), through a temporary file and a
    rename. An existing file is replaced only if `recognise` says the tool wrote it."""
    path = _target(path)
    check_output_file(path, recognise)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary_beside(path)
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(path, None, f"cannot write the file ({describe_os_error(error)})") from None
    finally:
        if temporary is not None and temporary.exists():
            temporary.unlink()


def _read_umask() -> int:
    umask = os.umask(0)  # the only way to read it; done once, at import, before any thread starts
    os.umask(umask)
    return umask


UMASK = _read_umask()
