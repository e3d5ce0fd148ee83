"""The compiled kernels and their numpy twins: one registry, one way to call them.

A kernel is a plain-Python loop that numba compiles (`njit(cache=True, error_model="numpy")`,
cached on disk) where numpy's broadcasting is slow, and its numpy twin: the same signature, the
same result. The twin is the reference (it may be slower) and the fallback where numba is not
installed. Each is registered once, with a few small deterministic example inputs:

    approved_kernel = kernels.register("approved", loop=_approved_loop, twin=_approved_numpy,
                                       examples=_approved_examples, tolerance={0: (1e-13, 1e-6)})
    due = approved_kernel(yuan, profiles)  # compiled when numba is there, else the twin

tests/engine/test_compiled_kernels.py runs every registered kernel's loop and twin on its examples and
asks for the same figures to the bit, except the outputs listed in `tolerance` (a sum of floats
added in another order). `with kernels.twins():` makes every kernel run its twin (tests, and to
check a result without numba). numba is imported here only; loop functions call other compiled
functions, which `helper` compiles (so numba's on-disk cache works and a new process does not
compile). The error model is numpy's (no ZeroDivisionError checks) and fastmath stays off, so the
loops do the IEEE operations they are written with, in their order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


def _import_numba() -> ModuleType | None:
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency; the twins still work without it
        return None
    return numba


numba = _import_numba()


@dataclass(frozen=True)
class Kernel:
    """A compiled loop and its numpy twin; calling it runs the compiled loop, or the twin
    without numba or inside `twins()`."""

    name: str
    loop: Callable  # plain Python, compiled by numba
    twin: Callable  # numpy, the reference: the loop's signature and result
    examples: Callable[[], dict[str, tuple]]  # {label: arguments}, small and deterministic
    # outputs (index into the result, a tuple or one value) compared to rounding: (rtol, atol)
    tolerance: dict[int, tuple[float, float]] = field(default_factory=dict)
    compiled: Callable | None = None  # the loop compiled, or None without numba

    def __call__(self, *args: Any) -> Any:
        if self.compiled is None or _twins_forced:
            return self.twin(*args)
        return self.compiled(*args)


REGISTRY: dict[str, Kernel] = {}  # filled as the modules that register kernels are imported
HELPERS: list[Callable] = []  # compiled functions the loops call
_twins_forced = False


def register(name: str, *, loop: Callable, twin: Callable, examples: Callable[[], dict[str, tuple]],
             tolerance: dict[int, tuple[float, float]] | None = None) -> Kernel:
    """Compile `loop` and register it with its twin; the Kernel to call."""
    if name in REGISTRY and _where(REGISTRY[name].loop) != _where(loop):  # (not a module imported again)
        raise ValueError(f"kernel {name!r} is registered twice: {_where(REGISTRY[name].loop)}, {_where(loop)}")
    kernel = Kernel(name, loop, twin, examples, dict(tolerance or {}), _compile(loop))
    REGISTRY[name] = kernel
    return kernel


def helper(function: Callable) -> Callable:
    """A function the loops call, compiled (the plain function without numba); its
    `py_func` is the plain function. Use as a decorator."""
    if hasattr(function, "py_func"):  # compiled already
        return function
    compiled = _compile(function)
    if compiled is None:  # no numba
        return function
    HELPERS.append(compiled)
    return compiled


@contextmanager
def twins() -> Iterator[None]:
    """Within the block, every kernel runs its numpy twin."""
    global _twins_forced
    before, _twins_forced = _twins_forced, True
    try:
        yield
    finally:
        _twins_forced = before


def _where(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _compile(function: Callable) -> Callable | None:
    """numba.njit(cache=True) of `function`, or None when numba is not installed.

    Where numba finds no writable place for its cache (an install in a read-only folder, with
    no writable home or NUMBA_CACHE_DIR), the function is compiled without the on-disk cache:
    each process compiles it again (a few seconds), but every command works."""
    if numba is None:
        return None
    try:
        return numba.njit(cache=True, error_model="numpy")(function)
    except RuntimeError as error:
        if "no locator available" not in str(error):
            raise
        return numba.njit(cache=False, error_model="numpy")(function)
