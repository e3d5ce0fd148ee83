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
    """numba.njit(cache=True) of `kernel`, or None when numba is not installed."""
    if numba is None:
        return None
    return numba.njit(cache=True, error_model="numpy")(kernel)
