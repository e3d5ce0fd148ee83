"""Every compiled kernel gives its numpy twin's figures, to the last bit.

model/kernels.py registers each compiled loop with its twin (the same signature and result)
and a few example inputs. Each loop adds the same terms in the same order as its twin, so the
comparison is exact equality of the bytes, not a tolerance: a loop that reorders a sum fails
here. The outputs a kernel declares in its `tolerance` are compared to rounding: the one-off
cash's approvals (its twin is an einsum, whose order of addition numpy does not fix) and the
capped-births diagnostic (a float sum in another order). In-place kernels are compared on
their arguments after the call too.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import numpy as np
import pytest

from model import kernels

MODEL = Path(kernels.__file__).parent


def _registering_modules() -> list[str]:
    """The modules of model/ that register kernels (kernels.py's docstring aside)."""
    return sorted(".".join(path.relative_to(MODEL.parent).with_suffix("").parts) for path in MODEL.rglob("*.py")
                  if path.name != "kernels.py" and "kernels.register(" in path.read_text(encoding="utf-8"))


for _module in _registering_modules():
    importlib.import_module(_module)
REGISTRY = kernels.REGISTRY
CASES = [(name, label) for name, kernel in REGISTRY.items() for label in kernel.examples()]


def _outputs(result: object) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _assert_same(ours: object, theirs: object, tolerance: tuple[float, float] | None, where: str) -> None:
    if tolerance is not None:
        np.testing.assert_allclose(ours, theirs, rtol=tolerance[0], atol=tolerance[1], err_msg=where)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert (ours.dtype, ours.shape) == (theirs.dtype, theirs.shape), where
    assert np.ascontiguousarray(ours).tobytes() == np.ascontiguousarray(theirs).tobytes(), where


@pytest.mark.parametrize(("name", "label"), CASES, ids=[f"{name}: {label}" for name, label in CASES])
def test_compiled_kernel_equals_its_twin(name, label):
    kernel = REGISTRY[name]
    if kernel.compiled is None:
        pytest.skip("numba is not installed: the twins are the only kernels")
    compiled_args = kernel.examples()[label]  # fresh inputs for each, as in-place kernels change theirs
    twin_args = kernel.examples()[label]
    ours, theirs = _outputs(kernel.compiled(*compiled_args)), _outputs(kernel.twin(*twin_args))
    assert len(ours) == len(theirs)
    for i, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        _assert_same(mine, reference, kernel.tolerance.get(i), f"{name}, {label}: output {i}")
    for i, (mine, reference) in enumerate(zip(compiled_args, twin_args, strict=True)):
        if isinstance(mine, np.ndarray):
            _assert_same(mine, reference, None, f"{name}, {label}: argument {i} after the call")


@pytest.mark.parametrize("name", REGISTRY)
def test_the_examples_give_the_kernel_work(name):
    """Not all zeros (results, or arguments changed in place): comparing zeros would show nothing."""
    kernel = REGISTRY[name]
    work = []
    for label, args in kernel.examples().items():
        with kernels.twins():
            work += _outputs(kernel(*args))
        work += [new for new, old in zip(args, kernel.examples()[label], strict=True)
                 if isinstance(new, np.ndarray) and not np.array_equal(new, old)]
    assert any(np.any(np.asarray(figures) != 0) for figures in work)


def test_a_kernel_runs_its_twin_without_numba_or_within_twins():
    probe = kernels.Kernel("probe", loop=len, twin=lambda: "twin", examples=dict, compiled=lambda: "compiled")
    assert probe() == "compiled"
    with kernels.twins():
        assert probe() == "twin"
        with kernels.twins():
            assert probe() == "twin"
        assert probe() == "twin"
    assert probe() == "compiled"
    assert dataclasses.replace(probe, compiled=None)() == "twin"


def test_every_kernel_is_registered():
    """numba is reached through model/kernels.py only, and every compiled function in the modules
    with kernels is a registered kernel or one of their helpers."""
    for path in MODEL.rglob("*.py"):
        if path.name != "kernels.py":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(import numba|from numba)|\bnjit\b|\bnumba\.\w", text, re.MULTILINE), path
    modules = _registering_modules()
    assert {"binomial", "multinomial", "birth_chances", "move_mothers", "allowance_by_cohort", "approved",
            "allowance_due"} <= set(REGISTRY)
    assert {kernel.loop.__module__ for kernel in REGISTRY.values()} <= {
        *modules, "model.sampling_compiled"}
    compiled = {id(kernel.compiled) for kernel in REGISTRY.values()} | {id(f) for f in kernels.HELPERS}
    for module_name in [*modules, "model.sampling_compiled"]:
        for attribute, value in vars(importlib.import_module(module_name)).items():
            if isinstance(value, kernels.Kernel):
                assert REGISTRY.get(value.name) is value, f"{module_name}.{attribute}"
            if hasattr(value, "py_func"):  # a numba function
                assert id(value) in compiled, f"{module_name}.{attribute} is compiled outside the registry"
