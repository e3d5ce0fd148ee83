"""Keep freed memory in the process instead of handing it back to the operating system.

A block allocates and frees the same large arrays again and again (tens of MB each). With
glibc's defaults each of them is mapped afresh and the kernel zeroes every page on first
touch: about a tenth of a block's time. Raising the mmap and trim thresholds lets malloc
reuse the freed memory. The process then keeps its peak working set until it exits, which
is why only the command line (a process of its own) asks for it, before its workers start
(they inherit the setting). Elsewhere (macOS, musl, Windows) nothing changes.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
THRESHOLD = 1 << 30  # larger than any array of a block


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to reuse freed memory; True when the setting took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running process's C library
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    # both: a trim threshold alone would freeze the mmap threshold at its 128 KiB start
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, THRESHOLD))
