"""Birth rates by mother's age and birth order, aligned to the base year's published births.

The held quantity is the order-specific fertility rate per woman, r_k(x) = c_k × f_k(x):
births of order k per woman aged x (the age pattern f from the census, the level c_k set
so the expected births of each order in the base year equal the city's published count × the order
shares, a LIAM2-style alignment whose factors go in the manifest). The engine turns r
into a parity-specific hazard each year, dividing by the share of women at risk in each
cell, so births by order follow the age structure while the parity state stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
                  higher_order_share: float | np.ndarray, third_plus_scale: float | np.ndarray = 1.0) -> np.ndarray:
        """[rep or 1, age, transition] aligned rates for a (possibly per-replicate) higher-order share
        and third-and-later share scale (see `shifted_births`)."""
        share = np.reshape(higher_order_share, (-1, 1))
        first, second, third = shifted_births(base_births, np.reshape(third_plus_scale, (-1, 1)))
        share, first, second, third = np.broadcast_arrays(share, first, second, third)
        targets = np.concatenate([first, second, third * (1 - share), third * share], axis=1)
        factors = np.divide(targets, self.births_per_factor, out=np.zeros_like(targets),
                            where=self.births_per_factor > 0)
        return factors[:, None, :] * shape[None]


def shifted_births(base_births: dict[int, float], third_plus_scale: float | np.ndarray) -> tuple[Any, Any, Any]:
    """Base-year births of orders 1, 2 and 3+ with the third-and-later share scaled and the total kept.

    The order mix of the base-year table comes from the 2020 census; the share of third and later
    births rose after it (nationally 11.1% in the census, 15.0% in 2022). Scaling that share moves
    births between orders while the published total stays matched; first and second births give
    way in proportion."""
    total = base_births[1] + base_births[2] + base_births[3]
    third = base_births[3] * third_plus_scale
    lower = base_births[1] + base_births[2]
    keep = (total - third) / lower if lower > 0 else 0.0 * third
    return base_births[1] * keep, base_births[2] * keep, third


def initial_women(base: BaseData, city_hukou_share: float) -> np.ndarray:
    """Women at the start of the base year: [area, age, parity 0..3, group (0 other, 1 city hukou)], whole numbers."""
    by_parity = base.women[:, :, None] * base.parity_share[None, :, :]
    groups = np.stack([by_parity * (1 - city_hukou_share), by_parity * city_hukou_share], axis=-1)
    return np.round(groups)


def calibrate(base: BaseData, women: np.ndarray, higher_order_share: float, third_plus_scale: float = 1.0) -> Calibration:
    first, second, third_plus = (float(x) for x in shifted_births(base.base_births, third_plus_scale))
    targets = {1: first, 2: second,
               3: third_plus * (1 - higher_order_share), 4: third_plus * higher_order_share}
    women_by_age = women.sum(axis=(0, 2, 3))  # [age]
    _check_mothers_at_risk(base, women, targets, higher_order_share)
    rates = np.zeros_like(base.fertility_shape)
    factors: dict[int, float] = {}
    per_factor = np.zeros(4)
    for order in range(1, 5):
        shape = base.fertility_shape[:, order - 1]
        expected = float((women_by_age * shape).sum())
        per_factor[order - 1] = expected
        if expected <= 0:
            factors[order] = 0.0
            continue
        factors[order] = targets[order] / expected
        rates[:, order - 1] = factors[order] * shape
    if rates.sum(axis=1).max() > 1:
        age = int(np.argmax(rates.sum(axis=1)))
        raise InputError(base.files.get("fertility_by_age_order"), f"age {age}",
                         f"aligned rates give {rates[age].sum():.3g} births per woman in a year (> 1)")
    return Calibration(rates=rates, factors=factors, targets=targets, births_per_factor=per_factor)


ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth and later"}


def _check_mothers_at_risk(base: BaseData, women: np.ndarray, targets: dict[int, float],
                           higher_order_share: float) -> None:
    """Every order with base-year births needs women who could have them: a rate of that order at
    some age, women at that age, and among them mothers of the order before. Without them the
    alignment cannot match the births and the engine would draw none (its births beyond the women
    at risk were a warning); the table that lacks them is named."""
    fertility_file = base.files.get("fertility_by_age_order")
    women_file = base.files.get("women_by_area_age") or base.files.get("women_by_age")
    by_age_parity = women.sum(axis=(0, 3))  # [age, parity]
    no_mothers = []
    for order in range(1, 5):
        if targets[order] <= 0:
            continue
        ages = base.fertility_shape[:, order - 1] > 0
        if not ages.any():
            raise InputError(fertility_file, f"birth_order {order}",
                             f"every rate of this order is zero, so the base year's {targets[order]:,.0f} "
                             f"{ORDINAL[order]} births cannot be matched")
        if by_age_parity[ages].sum() == 0:
            raise InputError(women_file, "column 'women'",
                             f"no women at the ages where {fertility_file} gives {ORDINAL[order]} births "
                             f"({_ages(ages)}), so the base year's {targets[order]:,.0f} cannot be matched")
        if by_age_parity[ages, order - 1].sum() == 0:
            no_mothers.append(order)
    if not no_mothers:
        return
    parity_file = base.files.get("parity_by_age")
    births_file = base.files.get("base_year_births")
    fertile = base.fertility_shape.sum(axis=1) > 0
    if by_age_parity[fertile, 1:].sum() == 0 and 1 not in no_mothers:
        column = "column 'parity0'"
        reason = (f"every woman aged {_ages(fertile)} is childless (parity0 = 1), so no woman has a first child "
                  "to be followed by a second or third")
    else:
        column = f"column 'parity{no_mothers[0] - 1}'"
        reason = "; ".join(f"no woman has {order - 1}{' or more' if order == 4 else ''} "
                           f"{'child' if order == 2 else 'children'} at the ages of {ORDINAL[order]} births "
                           f"(column 'parity{order - 1}' is 0 there)" for order in no_mothers)
    if no_mothers == [4]:
        births = (f"the base year's {targets[4]:,.0f} fourth and later births (higher_order_share_of_third_plus "
                  f"{higher_order_share:g} × its {base.base_births[3]:,.0f} third and later births in {births_file})")
        hint = "; or set demography.higher_order_share_of_third_plus = 0"
    else:
        orders = sorted({min(order, 3) for order in no_mothers})
        births = "the base year's " + " and ".join(
            f"{base.base_births[o]:,.0f} {'third and later' if o == 3 else ORDINAL[o]}" for o in orders) + \
            f" births ({births_file})"
        hint = ""
    raise InputError(parity_file, column, f"{reason}: {births} cannot be matched; give the shares of women by "
                     f"number of children at each age{hint}")


def _ages(mask: np.ndarray) -> str:
    ages = np.flatnonzero(mask)
    return f"{ages[0]}-{ages[-1]}"
