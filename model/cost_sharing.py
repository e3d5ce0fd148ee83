"""Who pays: each area's cost split between the city (市本级) and the area itself.

Default rule of the plan: in the three districts the city and the district each pay 50%;
in the counties the county pays all (各县市区落实). Each line may carry its own shares
(`[lines.<id>] city_share`); every rule is scenario data, never code.
"""

from __future__ import annotations

import numpy as np

from model.areas import AREAS, PAYERS
from model.scenario import LineSection, Scenario


def payer_matrix(scenario: Scenario, line: LineSection) -> np.ndarray:
    """[area, payer] share of an area's cost paid by each payer; every row adds up to 1."""
    city_share = line.city_share if line.city_share is not None else scenario.cost_sharing.city_share
    matrix = np.zeros((len(AREAS), len(PAYERS)))
    for a, area in enumerate(AREAS):
        matrix[a, PAYERS.index("city")] = city_share[area]
        matrix[a, PAYERS.index(area)] += 1 - city_share[area]
    return matrix


def split_by_payer(cost_by_area: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """[..., area] yuan → [..., payer] yuan."""
    return cost_by_area @ matrix
