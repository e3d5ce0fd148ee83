"""Accounts: who pays each yuan, when it is paid, what is still owed, and what adds up.

For one block, each enabled line's entitlements (yuan by replicate × month × area) are split
among the payers, turned into cash through the claims process, and the difference is carried
as payables. This is also the one place that knows which kinds of line add up to a total of
spending: outlays only (`outlay_mask`, `with_outlay_total`).

Default rule of the plan: in the three districts the city and the district each pay 50%;
in the counties the county pays all (各县市区落实). Each line may carry its own shares
(`[lines.<id>] city_share`); every rule is scenario data, never code. Lines co-funded from
above first give the central government its share (1 − local_share) and the province its
share of the local part; the rest follows the area rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.city import CENTRAL, CITY, HIGHER_LEVELS, PROVINCE
from model.disbursement import allowance_cash, one_off_cash
from model.kinds import Kind
from model.lines import section_of
from model.lines.base import Entitlement, LineContext
from model.pipeline.prepare import Prepared
from model.realise import per_replicate
from model.scenario import Scenario
from model.sections import FundedFromAbove, LineSection, LineTiming

# ---------------------------------------------------------------- which kinds add up


def outlay_mask(kinds: Sequence[str]) -> list[bool]:
    """Which lines count in a total of spending: outlays, never revenue forgone or memo items."""
    return [Kind(kind).adds_to_outlays for kind in kinds]


def outlays(cube: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """[rep, year, line, payer] → the outlay lines only."""
    return cube[:, :, outlay_mask(kinds)]


def with_outlay_total(cube: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """[rep, year, line, payer] + an `all` line (the outlays) and an `all` payer, per replicate."""
    total = cube[:, :, outlay_mask(kinds)].sum(axis=2, keepdims=True)
    full = np.concatenate([cube, total], axis=2)
    return np.concatenate([full, full.sum(axis=3, keepdims=True)], axis=3)


# ---------------------------------------------------------------- who pays


def areas_of(payers: tuple[str, ...]) -> list[str]:
    """The areas among a run's payers (the city's own budgets are the city level and its areas)."""
    return [payer for payer in payers if payer != CITY and payer not in HIGHER_LEVELS]


def payer_matrix(scenario: Scenario, line: LineSection, payers: tuple[str, ...]) -> np.ndarray:
    """[area, payer] share of an area's cost paid by each payer (`payers`: the run's, those of the
    city with a share in any line), or [rep, area, payer] when a funding share is uncertain; every
    row adds up to 1."""
    city_share = line.city_share if line.city_share is not None else scenario.cost_sharing.city_share
    areas = scenario.city.areas
    matrix = np.zeros((len(areas), len(payers)))
    for a, area in enumerate(areas):
        matrix[a, payers.index(CITY)] = city_share[area]
        matrix[a, payers.index(area)] = 1 - city_share[area]
    if not isinstance(line, FundedFromAbove) or not line.shared_above():
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
    areas = areas_of(payers)
    matrix = np.zeros((len(areas), len(payers)))
    for a, area in enumerate(areas):
        matrix[a, payers.index(CITY if rule == "city" else area)] = 1.0
    return matrix


def split_by_payer(cost_by_area: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """[rep, ..., area] yuan → [rep, ..., payer] yuan (matrix [area, payer] or [rep, area, payer])."""
    return cost_by_area @ matrix


def payer_parts(entitlement: Entitlement, matrix: np.ndarray,
                payers: tuple[str, ...]) -> list[tuple[Entitlement, np.ndarray]]:
    """The entitlement in parts with one payer rule each: the area rule, then any fixed payers."""
    if not entitlement.fixed_payer:
        return [(entitlement, matrix)]
    rest = entitlement.yuan - sum(entitlement.fixed_payer.values())
    parts = [(Entitlement(rest, entitlement.claims), matrix)]
    return parts + [(Entitlement(yuan, entitlement.claims), fixed_payer_matrix(rule, payers))
                    for rule, yuan in entitlement.fixed_payer.items()]


# ---------------------------------------------------------------- when it is paid


def cash_of(entitlement: Entitlement, profiles: np.ndarray, timing: LineTiming) -> np.ndarray:
    """[rep, month, area] yuan paid, through the line's claims profile (see model.disbursement)."""
    if entitlement.by_cohort is not None:
        return allowance_cash(entitlement.by_cohort, profiles, timing, entitlement.claims_open,
                              entitlement.cohorts_before)
    return one_off_cash(entitlement.yuan, profiles, timing)


@dataclass
class BlockAccounts:
    accrual: np.ndarray  # [rep, budget year, line, payer] yuan entitled
    cash: np.ndarray | None  # same axes, yuan paid (None when disbursement is off)
    payables: np.ndarray | None  # [rep, payable year, line, payer]: entitled but unpaid at each year end


def block_accounts(prepared: Prepared, realised: Scenario, context: LineContext,
                   entitlements: dict[str, Entitlement], replicates: int) -> BlockAccounts:
    """Every enabled line of one block, split by payer, on the accrual and (when the claims
    process ran) cash bases, with the payables between them."""
    calendar = prepared.calendar
    budget = slice(calendar.start_year - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    payable_years = slice(calendar.payable_years[0] - calendar.base_year, calendar.end_year - calendar.base_year + 1)
    n_years, n_payers = len(calendar.budget_years), len(prepared.payer_ids)
    # a line's parts added up (0 for a line without parts)
    by_line: list[np.ndarray | float] = []
    cash_by_line: list[np.ndarray | float] = []
    payables_by_line: list[np.ndarray | float] = []
    for line in prepared.lines:
        section = section_of(realised, line.id)
        entitlement = entitlements[line.id]
        parts = payer_parts(entitlement, payer_matrix(realised, section, prepared.payer_ids), prepared.payer_ids)
        by_line.append(sum(split_by_payer(calendar.by_year(part.yuan)[:, budget], payers) for part, payers in parts))
        if prepared.profiles is None:
            continue
        line_cash: np.ndarray | float = 0.0
        line_owed: np.ndarray | float = 0.0
        for part, payers in parts:
            if line.cash is not None:
                cash = calendar.by_year(line.cash(context, section, part.yuan))
            elif part is entitlement:
                cash = calendar.by_year(cash_of(part, prepared.profiles[line.id],
                                                prepared.scenario.disbursement.of(line.id, prepared.scenario)))
            else:
                cash = calendar.by_year(one_off_cash(part.yuan, prepared.profiles[line.id],
                                                     prepared.scenario.disbursement.of(line.id, prepared.scenario)))
            line_cash = line_cash + split_by_payer(cash[:, budget], payers)
            # payables at each year end: entitled so far minus paid so far (from the first simulated
            # month), from the year before the first budget year (what the budget inherits)
            owed = np.cumsum(calendar.by_year(part.yuan) - cash, axis=1)[:, payable_years]
            line_owed = line_owed + split_by_payer(owed, payers)
        cash_by_line.append(line_cash)
        payables_by_line.append(line_owed)

    def stacked(parts: list[np.ndarray | float], years: int = n_years) -> np.ndarray:
        empty = np.zeros((replicates, years, 0, n_payers))
        return np.stack(parts, axis=2).astype(np.float64) if parts else empty

    if prepared.profiles is None:
        return BlockAccounts(stacked(by_line), None, None)
    payables = (np.stack(payables_by_line, axis=2) if payables_by_line
                else np.zeros((replicates, len(calendar.payable_years), 0, n_payers)))
    return BlockAccounts(stacked(by_line), stacked(cash_by_line), payables)
