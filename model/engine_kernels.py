"""The engine's per-cell arithmetic of a year: birth chances before the draws, mothers' parities after.

Both steps are elementwise over [rep, area, age, parity, group] with the 2-long group axis
last, where numpy's broadcasting runs its inner loop two elements at a time; one compiled
pass is several times faster. The numpy functions are the reference and the fallback
without numba; the compiled ones do the same IEEE operations in the same order, so every
hazard and count is the same to the bit (tests/test_compiled_kernels.py). The one sum of
floats (births the rates ask for beyond the women at risk, a diagnostic) is added in a
different order and may differ in its last digits.
"""

from __future__ import annotations

import numpy as np

from model.jit import compiled


def birth_chances(rates: np.ndarray, women: np.ndarray, response: np.ndarray | None,
                  first_age: int) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(hazard, extra chance from the response or None, expected births beyond the women at risk).

    rates [rep or 1, age, transition, group] (this year, all ages); women [rep, area, age,
    parity, group], the fertile ages running from first_age to the last; response [rep or 1, area, transition, group] rate multipliers or None.
    Hazard and extra chance are [rep, area, fertile age, transition, group]: the order-k rate
    per woman of the cell as a chance for the women at parity k−1, at most 1, and the chance
    of an added birth among the women who would not give birth anyway (P = h + (1 − h)·q).
    """
    if _birth_chances_compiled is not None:
        no_response = np.zeros((1, 1, 1, 1))
        hazard, extra, limited = _birth_chances_compiled(
            np.ascontiguousarray(rates), women, no_response if response is None else np.ascontiguousarray(response),
            response is not None, first_age)
        return hazard, extra if response is not None else None, limited
    at_risk = women[:, :, first_age:]
    in_cell = at_risk[..., 0:1, :] + at_risk[..., 1:2, :] + at_risk[..., 2:3, :] + at_risk[..., 3:4, :]
    expected = rates[:, None, first_age:] * in_cell
    hazard = np.divide(expected, at_risk, out=np.zeros(np.broadcast_shapes(expected.shape, at_risk.shape)),
                       where=at_risk > 0)
    limited = float(np.maximum(expected - at_risk, 0).sum())
    hazard = np.minimum(hazard, 1.0)  # cannot exceed the women at risk; reported in the manifest
    if response is None:
        return hazard, None, limited
    raised = np.minimum(hazard * response[:, :, None], 1.0)
    extra = np.divide(raised - hazard, 1 - hazard, out=np.zeros(hazard.shape), where=hazard < 1)
    return hazard, extra, limited


def _birth_chances_kernel(rates, women, response, with_response, first_age):  # noqa: ANN001, ANN202 - numba
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
    replicates, areas, fertile = births.shape[:3]
    if fertile % by_age.shape[3] or first_age + fertile != women.shape[2]:
        raise ValueError(f"fertile ages {first_age}-{first_age + fertile - 1} must run to the last age and "
                         f"divide into {by_age.shape[3]} equal age groups")  # the kernel does not check bounds
    if _move_mothers_compiled is not None:
        _move_mothers_compiled(women, births, first_age, by_age)
        return
    moved = np.minimum(births, women[:, :, first_age:])
    women[:, :, first_age:, :3] -= moved[..., :3, :]
    women[:, :, first_age:, 1:] += moved[..., :3, :]
    by_group = (births[..., 0] + births[..., 1]).reshape(replicates, areas, by_age.shape[3], -1, 4).sum(axis=3)
    by_age[:, :, :2] = by_group[..., :2].transpose(0, 1, 3, 2)  # transitions 1st, 2nd: orders 1, 2
    by_age[:, :, 2] = by_group[..., 2] + by_group[..., 3]  # 3rd and 4th+: order 3


def _move_mothers_kernel(women, births, first_age, by_age):  # noqa: ANN001, ANN202 - compiled by numba
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


_birth_chances_compiled = compiled(_birth_chances_kernel)
_move_mothers_compiled = compiled(_move_mothers_kernel)
