"""Reading the user's files: regular files only, never more than a size limit.

Any path a user gives can be wrong: a folder, a FIFO (reading it waits for ever), a device
such as /dev/zero (endless), or a file far larger than any input of this model. Each is
refused with one line naming the path, before anything is read into memory.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from model.errors import InputError

MiB = 1 << 20
SCENARIO_LIMIT = 4 * MiB  # a scenario or sweep file (TOML)
TABLE_LIMIT = 256 * MiB  # a CSV table (a births override by month and mother's age is a few MB)
MANIFEST_LIMIT = 64 * MiB  # a run's manifest.json


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _open_regular(path: Path, what: str) -> int:
    """A descriptor of `path` opened for reading, after checking (on the opened file itself, so
    nothing can be swapped in between) that it is a regular file. O_NONBLOCK: opening a FIFO
    must not wait for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, None, f"{what} not found") from None
    except IsADirectoryError:
        raise InputError(path, None, f"{what} expected, but this is a folder") from None
    except OSError as error:
        raise InputError(path, None, f"cannot read the {what} ({describe_os_error(error)})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(path, None, f"{what} expected, but this is {_kind(mode)}; give a regular file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def read_bytes(path: str | Path, what: str, limit: int) -> bytes:
    """The whole content of a regular file of at most `limit` bytes."""
    path = Path(path)
    fd = _open_regular(path, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise InputError(path, None, f"the {what} is {size / MiB:,.1f} MiB; at most {limit / MiB:,.0f} MiB "
                             "is read (is this the right file?)")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)  # the file may have grown since fstat
    except OSError as error:
        raise InputError(path, None, f"cannot read the {what} ({describe_os_error(error)})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(path, None, f"the {what} is larger than {limit / MiB:,.0f} MiB")
    return data


def require_regular(path: str | Path, what: str) -> Path:
    """`path` if it is a readable regular file (for readers that open it themselves)."""
    path = Path(path)
    os.close(_open_regular(path, what))
    return path


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a regular file's content (the one checksum of inputs, runs and sweeps)."""
    fd = _open_regular(Path(path), "input file")
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        for chunk in iter(lambda: handle.read(MiB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_os_error(error: OSError) -> str:
    """A short reason for a failed read or write, in words an analyst can act on."""
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    return (error.strerror or str(error)).lower()
