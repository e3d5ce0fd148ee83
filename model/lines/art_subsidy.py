"""辅助生育补助金 — clause 9 of the plan.

"对夫妻双方中至少一方为我市户籍、女方年满35周岁、未曾生育过子女、确需实施辅助生殖技术的家庭，
按每户累计不超过1万元的标准给予辅助生育补助金，据实报销" — couples with at least one city-hukou
spouse, the woman aged 35 or over and childless, who need assisted reproduction, are
reimbursed what they actually spend, up to 10,000 yuan per household in total (cumulative,
not per year). Households starting treatment each year are drawn from the childless
city-hukou women aged `min_age`-49; their spending over the treatment years is reimbursed
until the cap is used up.
"""

from __future__ import annotations

import numpy as np

from model.lines.base import Line, LineContext
from model.scenario import ArtLine

QUADRATURE_NODES = 12


def reimbursements(spending_by_year: np.ndarray, cap: float) -> np.ndarray:
    """What a household is paid each year: its spending until the cumulative cap is reached.

    `spending_by_year` has the treatment years on the last axis.
    """
    reimbursed_to_date = np.minimum(np.cumsum(spending_by_year, axis=-1), cap)
    return np.diff(reimbursed_to_date, axis=-1, prepend=0.0)


def expected_reimbursement_profile(line: ArtLine) -> np.ndarray:
    """Expected yuan per starting household in treatment years 1, 2, …

    Spending in each treatment year is lognormal (mean, cv), independent across years;
    a household is still treated in year k+1 with probability continuation[k] (cumulative).
    Integrated by Gauss–Hermite quadrature, so the profile is exact and has no noise.
    """
    years = 1 + len(line.continuation)
    sigma = np.sqrt(np.log1p(line.out_of_pocket_cv**2))
    mu = np.log(max(line.out_of_pocket_mean, 1e-300)) - sigma**2 / 2
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    grids = np.meshgrid(*([nodes] * years), indexing="ij")
    spending = np.stack([np.exp(mu + sigma * g) for g in grids], axis=-1) if line.out_of_pocket_mean > 0 \
        else np.zeros((*grids[0].shape, years))
    joint_weight = np.prod(np.meshgrid(*([weights] * years), indexing="ij"), axis=0)
    paid = reimbursements(spending, line.cap_per_household)
    expected = (paid * joint_weight[..., None]).reshape(-1, years).sum(axis=0)
    still_treated = np.concatenate([[1.0], np.cumprod(line.continuation)])
    # A household that stops spends nothing more; since payments only fall once the cap is
    # reached, weighting year k's expected payment by the share still treated is exact.
    return expected * still_treated


def accrual(ctx: LineContext, line: ArtLine) -> np.ndarray:
    calendar, demography = ctx.calendar, ctx.demography
    childless = demography.childless_city[:, :, :, line.min_age:].sum(axis=3)  # [rep, year, area]
    base_pool = float(childless[0, 0].sum())  # identical in every replicate: the base-year state
    start_rate = line.households_base_year / base_pool if base_pool > 0 else 0.0
    if start_rate > 1:
        raise ValueError("lines.art_subsidy.households_base_year exceeds the eligible women")
    starters = ctx.streams("art_subsidy:starters").binomial(childless, start_rate * line.take_up)
    # The policy's first year counts only its months in force.
    first_year = calendar.policy_start_index // 12
    in_force = np.zeros(calendar.n_years)
    in_force[first_year] = (12 - calendar.policy_start_index % 12) / 12
    in_force[first_year + 1:] = 1
    starters = starters * in_force[None, :, None]
    profile = expected_reimbursement_profile(line)
    paid = np.zeros(starters.shape)
    for treatment_year, amount in enumerate(profile):
        paid[:, treatment_year:] += starters[:, : calendar.n_years - treatment_year] * amount
    return ctx.spread_over_year(paid)


LINE = Line("art_subsidy", "辅助生育补助金", "Assisted-reproduction subsidy", "9", "outlay", accrual)
