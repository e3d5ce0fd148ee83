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
from model.realise import per_replicate
from model.scenario import ArtLine

QUADRATURE_NODES = 12
KEY = "lines.art_subsidy"


def reimbursements(spending_by_year: np.ndarray, cap: float | np.ndarray) -> np.ndarray:
    """What a household is paid each year: its spending until the cumulative cap is reached.

    `spending_by_year` has the treatment years on the last axis.
    """
    reimbursed_to_date = np.minimum(np.cumsum(spending_by_year, axis=-1), cap)
    return np.diff(reimbursed_to_date, axis=-1, prepend=0.0)


def expected_reimbursement_profile(line: ArtLine) -> np.ndarray:
    """Expected yuan per starting household in treatment years 1, 2, …: [rep or 1, year].

    Spending in each treatment year is lognormal (mean, cv), independent across years;
    a household is still treated in year k+1 with probability continuation[k] (cumulative).
    Integrated by Gauss–Hermite quadrature, so the profile is exact and has no noise.
    """
    years = 1 + len(line.continuation)
    mean = np.reshape(per_replicate(line.out_of_pocket_mean, 1), (-1, 1, 1))
    cv = np.reshape(per_replicate(line.out_of_pocket_cv, 1), (-1, 1, 1))
    cap = np.reshape(per_replicate(line.cap_per_household, 1), (-1, 1, 1))
    sigma = np.sqrt(np.log1p(cv**2))
    mu = np.log(np.maximum(mean, 1e-300)) - sigma**2 / 2
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    grid = np.stack(np.meshgrid(*([nodes] * years), indexing="ij"), axis=-1).reshape(-1, years)
    joint_weight = np.prod(np.stack(np.meshgrid(*([weights] * years), indexing="ij"), axis=-1),
                           axis=-1).reshape(-1)
    spending = np.where(mean > 0, np.exp(mu + sigma * grid[None]), 0.0)  # [rep, node, year]
    paid = reimbursements(spending, cap)
    expected = np.einsum("rny,n->ry", paid, joint_weight)
    still_treated = np.concatenate([[1.0], np.cumprod(line.continuation)])
    # A household that stops spends nothing more; since payments only fall once the cap is
    # reached, weighting year k's expected payment by the share still treated is exact.
    return expected * still_treated[None, :]


def accrual(ctx: LineContext, line: ArtLine) -> np.ndarray:
    calendar, demography = ctx.calendar, ctx.demography
    childless = demography.childless_city[:, :, :, line.min_age:].sum(axis=3)  # [rep, year, area]
    base_pool = childless[:, 0].sum(axis=1).reshape(-1, 1, 1)  # the base-year state of each replicate
    start_rate = ctx.value(line.households_base_year) / np.maximum(base_pool, 1)
    take_up = ctx.yearly(line.take_up, f"{KEY}.take_up")
    starters = ctx.streams("art_subsidy:starters").binomial(childless, np.minimum(start_rate * take_up, 1.0))
    # The policy's first year counts only its months in force.
    first_year = calendar.policy_start_index // 12
    in_force = np.zeros(calendar.n_years)
    in_force[first_year] = (12 - calendar.policy_start_index % 12) / 12
    in_force[first_year + 1:] = 1
    starters = starters * in_force[None, :, None] * ctx.index(LINE.id)  # yuan amounts as of the start year
    profile = expected_reimbursement_profile(line)  # [rep or 1, treatment year]
    paid = np.zeros(starters.shape)
    for treatment_year in range(profile.shape[1]):
        paid[:, treatment_year:] += starters[:, : calendar.n_years - treatment_year] * profile[:, treatment_year, None, None]
    return ctx.spread_over_year(paid)


LINE = Line("art_subsidy", "辅助生育补助金", "Assisted-reproduction subsidy", "9", "outlay", accrual)
