"""Keep freed memory in the process instead of handing it back to the operating system.

A block allocates and frees the same large arrays again and again (tens of MB each). With
glibc's defaults each of them is mapped afresh and the kernel zeroes every page on first
touch: about a tenth of a block's time. Raising the mmap and trim thresholds lets malloc
reuse the freed memory. The process then keeps its peak working set until it exits, which
is why only the command line asks for it (in the test suite, whose in-process command-line
tests ask too, the runs are small). Forked workers inherit the setting; processes started
afresh (spawn, forkserver) read it from the environment variables set here. Elsewhere
(macOS, musl, Windows) nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
THRESHOLDS = (1 << 30, 32 << 20)  # 1 GiB, above any array of a block; else glibc's documented 64-bit maximum


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to reuse freed memory; True when the setting took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running process's C library
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    # both: a trim threshold alone would freeze the mmap threshold at its 128 KiB start
    mmap = next((value for value in THRESHOLDS if mallopt(M_MMAP_THRESHOLD, value)), None)
    if mmap is None or not mallopt(M_TRIM_THRESHOLD, THRESHOLDS[0]):
        return False
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(mmap))
    os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(THRESHOLDS[0]))
    return True
