"""Optional numba: compile a module-level loop kernel, cached on disk, or None without numba.

Every kernel has a numpy twin that is the reference (tests compare the two) and the fallback.
The error model is numpy's (no ZeroDivisionError checks) and fastmath stays off, so the
kernels do the IEEE operations they are written with, in their order.
"""

from __future__ import annotations

from collections.abc import Callable

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; the numpy paths still work without it
    numba = None


def compiled(kernel: Callable) -> Callable | None:
    """numba.njit(cache=True) of `kernel`, or None when numba is not installed.

    Where numba finds no writable place for its cache (an install in a read-only folder, with
    no writable home or NUMBA_CACHE_DIR), the kernel is compiled without the on-disk cache:
    each process compiles it again (a few seconds), but every command works."""
    if numba is None:
        return None
    try:
        return numba.njit(cache=True, error_model="numpy")(kernel)
    except RuntimeError as error:
        if "no locator available" not in str(error):
            raise
        return numba.njit(cache=False, error_model="numpy")(kernel)
