"""Who pays: each area's cost split between the city (市本级) and the area itself.

Default rule of the plan: in the three districts the city and the district each pay 50%;
in the counties the county pays all (各县市区落实). Each line may carry its own shares
(`[lines.<id>] city_share`); every rule is scenario data, never code.

Lines co-funded from above (the national childcare subsidy, the income-tax deduction,
family-planning awards) first give the central government its share (1 − local_share) and
the province its share of the local part; the rest follows the area rule.
"""

from __future__ import annotations

import numpy as np

from model.areas import AREAS, CENTRAL, CITY, HIGHER_LEVELS, PAYERS, PROVINCE
from model.realise import per_replicate
from model.scenario import FundedFromAbove, LineSection, Scenario


def payers_of(sections: list[LineSection]) -> tuple[str, ...]:
    """The run's payers: Jingmen's budgets, plus the higher levels when a priced line is co-funded."""
    if any(isinstance(section, FundedFromAbove) for section in sections):
        return (*PAYERS, *HIGHER_LEVELS)
    return PAYERS


def payer_matrix(scenario: Scenario, line: LineSection, payers: tuple[str, ...] = PAYERS) -> np.ndarray:
    """[area, payer] share of an area's cost paid by each payer, or [rep, area, payer] when a
    funding share is uncertain; every row adds up to 1."""
    city_share = line.city_share if line.city_share is not None else scenario.cost_sharing.city_share
    matrix = np.zeros((len(AREAS), len(payers)))
    for a, area in enumerate(AREAS):
        matrix[a, payers.index(CITY)] = city_share[area]
        matrix[a, payers.index(area)] += 1 - city_share[area]
    if not isinstance(line, FundedFromAbove):
        return matrix
    local = per_replicate(line.local_share, 3)  # float or [rep, 1, 1]
    province = local * per_replicate(line.province_share_of_local, 3)
    matrix = matrix * (local - province)
    shares = np.zeros((1, 1, len(payers)))
    shares[..., payers.index(CENTRAL)] = 1.0
    central = shares * (1 - local)
    shares[..., payers.index(CENTRAL)], shares[..., payers.index(PROVINCE)] = 0.0, 1.0
    return matrix + central + shares * province


def fixed_payer_matrix(rule: str, payers: tuple[str, ...]) -> np.ndarray:
    """[area, payer] for costs whose payer is fixed: "city" (the city pays all) or "area"."""
    matrix = np.zeros((len(AREAS), len(payers)))
    for a, area in enumerate(AREAS):
        matrix[a, payers.index(CITY if rule == "city" else area)] = 1.0
    return matrix


def split_by_payer(cost_by_area: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """[rep, ..., area] yuan → [rep, ..., payer] yuan (matrix [area, payer] or [rep, area, payer])."""
    return cost_by_area @ matrix
