"""The engine's per-cell arithmetic of a year: birth chances before the draws, mothers' parities after.

Both steps are elementwise over [rep, area, age, parity, group] with the 2-long group axis
last, where numpy's broadcasting runs its inner loop two elements at a time; one compiled
pass is several times faster. Each is a registered kernel (model/kernels.py): the numpy twin
is the reference and the fallback without numba; the compiled loop does the same IEEE
operations in the same order, so every hazard and count is the same to the bit
(tests/engine/test_compiled_kernels.py). The one sum of floats (births the rates ask for beyond the
women at risk, a diagnostic) is added in a different order and may differ in its last digits.
"""

from __future__ import annotations

import numpy as np

from model import kernels


def birth_chances(rates: np.ndarray, women: np.ndarray, response: np.ndarray | None,
                  first_age: int) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(hazard, extra chance from the response or None, expected births beyond the women at risk).

    rates [rep or 1, age, transition, group] (this year, all ages); women [rep, area, age,
    parity, group], the fertile ages running from first_age to the last; response [rep or 1, area, transition, group] rate multipliers or None.
    Hazard and extra chance are [rep, area, fertile age, transition, group]: the order-k rate
    per woman of the cell as a chance for the women at parity k−1, at most 1, and the chance
    of an added birth among the women who would not give birth anyway (P = h + (1 − h)·q).
    """
    no_response = np.zeros((1, 1, 1, 1))
    hazard, extra, limited = birth_chances_kernel(
        np.ascontiguousarray(rates), women, no_response if response is None else np.ascontiguousarray(response),
        response is not None, first_age)
    return hazard, extra if response is not None else None, limited


def _birth_chances_numpy(rates: np.ndarray, women: np.ndarray, response: np.ndarray, with_response: bool,
                         first_age: int) -> tuple[np.ndarray, np.ndarray, float]:
    """_birth_chances_loop's twin: the extra chance is empty without a response."""
    at_risk = women[:, :, first_age:]
    in_cell = at_risk[..., 0:1, :] + at_risk[..., 1:2, :] + at_risk[..., 2:3, :] + at_risk[..., 3:4, :]
    expected = rates[:, None, first_age:] * in_cell
    hazard = np.divide(expected, at_risk, out=np.zeros(np.broadcast_shapes(expected.shape, at_risk.shape)),
                       where=at_risk > 0)
    limited = float(np.maximum(expected - at_risk, 0).sum())
    hazard = np.minimum(hazard, 1.0)  # cannot exceed the women at risk; reported in the manifest
    if not with_response:
        return hazard, np.empty((0, 0, 0, 0, 0)), limited
    raised = np.minimum(hazard * response[:, :, None], 1.0)
    extra = np.divide(raised - hazard, 1 - hazard, out=np.zeros(hazard.shape), where=hazard < 1)
    return hazard, extra, limited


def _birth_chances_loop(rates, women, response, with_response, first_age):  # noqa: ANN001, ANN202 - numba
    replicates, areas, ages, parities, groups = women.shape
    fertile = ages - first_age
    hazard = np.empty((replicates, areas, fertile, parities, groups))
    extra = np.empty((replicates, areas, fertile, parities, groups) if with_response else (0, 0, 0, 0, 0))
    limited = 0.0
    for r in range(replicates):
        rr = 0 if rates.shape[0] == 1 else r
        rq = 0 if response.shape[0] == 1 else r
        for a in range(areas):
            for i in range(fertile):
                age = first_age + i
                for g in range(groups):
                    in_cell = women[r, a, age, 0, g] + women[r, a, age, 1, g] + women[r, a, age, 2, g] \
                        + women[r, a, age, 3, g]
                    for t in range(parities):
                        at_risk = women[r, a, age, t, g]
                        expected = rates[rr, age, t, g] * in_cell
                        h = expected / at_risk if at_risk > 0 else 0.0
                        if expected - at_risk > 0:
                            limited += expected - at_risk
                        h = min(h, 1.0)
                        hazard[r, a, i, t, g] = h
                        if with_response:
                            raised = min(h * response[rq, a, t, g], 1.0)
                            extra[r, a, i, t, g] = (raised - h) / (1 - h) if h < 1 else 0.0
    return hazard, extra, limited


def move_mothers(women: np.ndarray, births: np.ndarray, first_age: int, by_age: np.ndarray) -> None:
    """In place: mothers move to the next parity (3+ stays 3+), at most the women there; and
    births by order and mother's age group are written to by_age [rep, area, order 1..3, age group].

    births [rep, area, fertile age, transition, group] (whole numbers).
    """
    fertile = births.shape[2]
    if fertile % by_age.shape[3] or first_age + fertile != women.shape[2]:
        raise ValueError(f"fertile ages {first_age}-{first_age + fertile - 1} must run to the last age and "
                         f"divide into {by_age.shape[3]} equal age groups")  # the kernel does not check bounds
    move_mothers_kernel(women, births, first_age, by_age)


def _move_mothers_numpy(women: np.ndarray, births: np.ndarray, first_age: int, by_age: np.ndarray) -> int:
    """_move_mothers_loop's twin (in place; 0 as the loop)."""
    replicates, areas = births.shape[:2]
    moved = np.minimum(births, women[:, :, first_age:])
    women[:, :, first_age:, :3] -= moved[..., :3, :]
    women[:, :, first_age:, 1:] += moved[..., :3, :]
    by_group = (births[..., 0] + births[..., 1]).reshape(replicates, areas, by_age.shape[3], -1, 4).sum(axis=3)
    by_age[:, :, :2] = by_group[..., :2].transpose(0, 1, 3, 2)  # transitions 1st, 2nd: orders 1, 2
    by_age[:, :, 2] = by_group[..., 2] + by_group[..., 3]  # 3rd and 4th+: order 3
    return 0


def _move_mothers_loop(women, births, first_age, by_age):  # noqa: ANN001, ANN202 - compiled by numba
    replicates, areas, fertile, transitions, groups = births.shape
    ages_a_group = fertile // by_age.shape[3]
    by_age[:] = 0
    for r in range(replicates):
        for a in range(areas):
            for i in range(fertile):
                age = first_age + i
                for g in range(groups):
                    m0 = min(births[r, a, i, 0, g], women[r, a, age, 0, g])
                    m1 = min(births[r, a, i, 1, g], women[r, a, age, 1, g])
                    m2 = min(births[r, a, i, 2, g], women[r, a, age, 2, g])
                    women[r, a, age, 0, g] -= m0
                    women[r, a, age, 1, g] += m0 - m1
                    women[r, a, age, 2, g] += m1 - m2
                    women[r, a, age, 3, g] += m2
                for t in range(transitions):
                    order = min(t, 2)
                    by_age[r, a, order, i // ages_a_group] += births[r, a, i, t, 0] + births[r, a, i, t, 1]
    return 0


def _birth_chances_examples() -> dict[str, tuple]:
    """Empty cells and rates above one woman's, with rates and response shared by every replicate
    or drawn per replicate, and without a response."""
    examples = {}
    for label, with_response, rates_per_replicate, response_per_replicate in [
            ("response per replicate", True, False, True), ("no response", False, False, False),
            ("rates per replicate", True, True, False)]:
        rng = np.random.default_rng(3)
        women = rng.integers(0, 60, size=(4, 3, 50, 4, 2))
        women[:, :, 20:23, 2:] = 0
        rates = rng.uniform(0, 0.4, size=(4 if rates_per_replicate else 1, 50, 4, 2))
        rates[0, 30, 3] = 2.5  # asks for more births than there are women at parity 3
        response = (rng.uniform(1, 1.3, size=(4 if response_per_replicate else 1, 3, 4, 2)) if with_response
                    else np.zeros((1, 1, 1, 1)))
        examples[label] = (rates, women, response, with_response, 15)
    return examples


def _move_mothers_examples() -> dict[str, tuple]:
    """More births than women in some cells; by_age a strided year slice, as the engine passes it."""
    rng = np.random.default_rng(4)
    women = rng.integers(0, 30, size=(3, 2, 50, 4, 2))
    births = rng.integers(0, 12, size=(3, 2, 35, 4, 2))
    return {"strided by_age": (women, births, 15, np.full((3, 2, 6, 3, 7), -1)[:, :, 2])}


birth_chances_kernel = kernels.register("birth_chances", loop=_birth_chances_loop, twin=_birth_chances_numpy,
                                        examples=_birth_chances_examples, tolerance={2: (1e-12, 0.0)})
move_mothers_kernel = kernels.register("move_mothers", loop=_move_mothers_loop, twin=_move_mothers_numpy,
                                       examples=_move_mothers_examples)
