"""Birth rates by mother's age and birth order, aligned to the base year's published births.

The held quantity is the order-specific fertility rate per woman, r_k(x) = c_k × f_k(x):
births of order k per woman aged x (the age pattern f from the census, the level c_k set
so the expected births of each order in the base year equal Jingmen's count × the order
shares, a LIAM2-style alignment whose factors go in the manifest). The engine turns r
into a parity-specific hazard each year, dividing by the share of women at risk in each
cell, so births by order follow the age structure while the parity state stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.errors import InputError
from model.inputs import BaseData


@dataclass(frozen=True)
class Calibration:
    rates: np.ndarray  # [age, transition 1st..4th+]: births of that order per woman-year
    factors: dict[int, float]  # alignment factor by transition 1..4
    targets: dict[int, float]  # expected base-year births by transition 1..4
    births_per_factor: np.ndarray  # [transition]: base-year births the age pattern gives at factor 1

    def rates_for(self, shape: np.ndarray, base_births: dict[int, float],
                  higher_order_share: float | np.ndarray) -> np.ndarray:
        """[rep or 1, age, transition] aligned rates for a (possibly per-replicate) higher-order share."""
        share = np.reshape(higher_order_share, (-1, 1))
        targets = np.concatenate([np.full_like(share, base_births[1]), np.full_like(share, base_births[2]),
                                  base_births[3] * (1 - share), base_births[3] * share], axis=1)
        factors = np.divide(targets, self.births_per_factor, out=np.zeros_like(targets),
                            where=self.births_per_factor > 0)
        return factors[:, None, :] * shape[None]


def initial_women(base: BaseData, city_hukou_share: float) -> np.ndarray:
    """Women at the start of the base year: [area, age, parity 0..3, group (0 other, 1 city hukou)], whole numbers."""
    by_parity = base.women[:, :, None] * base.parity_share[None, :, :]
    groups = np.stack([by_parity * (1 - city_hukou_share), by_parity * city_hukou_share], axis=-1)
    return np.round(groups)


def calibrate(base: BaseData, women: np.ndarray, higher_order_share: float) -> Calibration:
    third_plus = base.base_births[3]
    targets = {1: base.base_births[1], 2: base.base_births[2],
               3: third_plus * (1 - higher_order_share), 4: third_plus * higher_order_share}
    women_by_age = women.sum(axis=(0, 2, 3))  # [age]
    rates = np.zeros_like(base.fertility_shape)
    factors: dict[int, float] = {}
    per_factor = np.zeros(4)
    for order in range(1, 5):
        shape = base.fertility_shape[:, order - 1]
        expected = float((women_by_age * shape).sum())
        per_factor[order - 1] = expected
        if expected <= 0:
            if targets[order] > 0:
                raise InputError(base.files.get("fertility_by_age_order"), f"birth_order {order}",
                                 "every rate of this order is zero, so its base-year births cannot be matched")
            factors[order] = 0.0
            continue
        factors[order] = targets[order] / expected
        rates[:, order - 1] = factors[order] * shape
    if rates.sum(axis=1).max() > 1:
        age = int(np.argmax(rates.sum(axis=1)))
        raise InputError(base.files.get("fertility_by_age_order"), f"age {age}",
                         f"aligned rates give {rates[age].sum():.3g} births per woman in a year (> 1)")
    return Calibration(rates=rates, factors=factors, targets=targets, births_per_factor=per_factor)
