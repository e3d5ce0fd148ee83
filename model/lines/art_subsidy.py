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

from typing import Annotated

import numpy as np
from pydantic import Field

from model.kinds import Kind
from model.lines.base import Entitlement, Line, LineContext
from model.realise import per_replicate
from model.sections import Count, LineSection, Money, Variation


class CappedSpending(LineSection):
    """Spending reimbursed up to a cap per household over its years of treatment (lognormal each
    year, a share still treated the next): the terms expected_reimbursement_profile integrates."""

    cap_per_household: Money = Field(description="cumulative yuan per household (每户累计; at most 1e9)")
    out_of_pocket_mean: Money = Field(
        description="mean yuan spent per treatment year after insurance (at most 1e9 yuan)")
    out_of_pocket_cv: Variation = Field(description="coefficient of variation of household spending (ratio)")
    continuation: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        max_length=4, description="share still treated in years 2, 3, … of treatment (fixed numbers)")


class ArtLine(CappedSpending):
    households_base_year: Count = Field(description="eligible households starting ART in the base year (at most 2e9)")
    min_age: Annotated[int, Field(ge=15, le=49)] = Field(description="woman's minimum age (years)")


QUADRATURE_NODES = 12
KEY = "lines.art_subsidy"
# Share of treated households still childless and under 50 a year later: about half succeed
# (cumulative live-birth rate 49.7%, Yang et al. 2021, policy_prices.md §2) and about a
# tenth of those left age past 49 each year (women 35-49).
STILL_CHILDLESS_AND_UNDER_50 = (1 - 0.497) * 0.9


def _binomial_quantile(uniforms: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial draws by inverse CDF, so one stream of uniforms serves every year."""
    from model.sampling import binomial_quantile

    return binomial_quantile(uniforms, n, p)


def reimbursements(spending_by_year: np.ndarray, cap: float | np.ndarray) -> np.ndarray:
    """What a household is paid each year: its spending until the cumulative cap is reached.

    `spending_by_year` has the treatment years on the last axis.
    """
    reimbursed_to_date = np.minimum(np.cumsum(spending_by_year, axis=-1), cap)
    return np.diff(reimbursed_to_date, axis=-1, prepend=0.0)


def nodes_per_year(years: int) -> int:
    """Gauss–Hermite nodes per treatment year: QUADRATURE_NODES up to three years; beyond, as many
    as keep the grid near QUADRATURE_NODES³ points (its cost grows as nodes ** years), never fewer than 5."""
    return QUADRATURE_NODES if years <= 3 else max(5, int(round(QUADRATURE_NODES ** (3 / years))))


def _profile(mean: float, cv: float, cap: float, years: int) -> np.ndarray:
    """Expected reimbursement per treatment year for one set of values (Gauss–Hermite)."""
    if mean <= 0:
        return np.zeros(years)
    nodes, weights = np.polynomial.hermite_e.hermegauss(nodes_per_year(years))
    weights = weights / weights.sum()
    sigma = np.sqrt(np.log1p(cv**2))
    mu = np.log(mean) - sigma**2 / 2
    grid = np.stack(np.meshgrid(*([nodes] * years), indexing="ij"), axis=-1).reshape(-1, years)
    joint = np.prod(np.stack(np.meshgrid(*([weights] * years), indexing="ij"), axis=-1), axis=-1).reshape(-1)
    paid = reimbursements(np.exp(mu + sigma * grid), cap)
    return joint @ paid


def expected_reimbursement_profile(line: CappedSpending) -> np.ndarray:
    """Expected yuan per starting household in treatment years 1, 2, …: [rep or 1, year].

    Spending in each treatment year is lognormal (mean, cv), independent across years;
    a household is still treated in year k+1 with probability continuation[k] (cumulative).
    Integrated by Gauss–Hermite quadrature, so the profile has no noise; it is within about 2% of
    the exact expectation in each year (the cap's kink slows the quadrature's convergence; checked
    against simulation in tests/lines/test_lines_on_crafted_populations.py), well inside the
    ranges given for out_of_pocket_mean and cv. Replicates with their own drawn values are
    integrated one by one (a small grid each).
    """
    years = 1 + len(line.continuation)
    values = np.broadcast_arrays(np.atleast_1d(per_replicate(line.out_of_pocket_mean, 1)),
                                 np.atleast_1d(per_replicate(line.out_of_pocket_cv, 1)),
                                 np.atleast_1d(per_replicate(line.cap_per_household, 1)))
    expected = np.array([_profile(float(m), float(c), float(k), years) for m, c, k in zip(*values, strict=True)])
    still_treated = np.concatenate([[1.0], np.cumprod(line.continuation)])
    # A household that stops spends nothing more; since payments only fall once the cap is
    # reached, weighting year k's expected payment by the share still treated is exact.
    return expected * still_treated[None, :]


def accrual(ctx: LineContext, line: ArtLine) -> Entitlement:
    calendar, demography = ctx.calendar, ctx.demography
    childless = demography.childless_city[:, :, :, line.min_age:].sum(axis=3)  # [rep, year, area]
    base_pool = childless[:, 0].sum(axis=1).reshape(-1, 1)  # the base-year state of each replicate
    start_rate = per_replicate(line.households_base_year, 2) / np.maximum(base_pool, 1)  # [rep or 1, 1]
    take_up = ctx.yearly(line.take_up, f"{KEY}.take_up")[:, :, 0]  # [rep or 1, year]
    # The policy's first year counts only its months in force.
    first_year = calendar.policy_start_index // 12
    in_force = np.zeros(calendar.n_years)
    in_force[first_year] = (12 - calendar.policy_start_index % 12) / 12
    in_force[first_year + 1:] = 1
    # A household is subsidised once: those treated before and still childless (not yet aged
    # out) are no longer eligible, so they leave the pool that new starters come from.
    rng = ctx.streams("art_subsidy:starters")
    uniforms = rng.random(childless.shape)  # one draw call; quantiles give the yearly counts
    starters = np.zeros(childless.shape)
    treated_still_childless = np.zeros(childless.shape[::2])  # [rep, area]
    for y in range(calendar.n_years):
        if in_force[y] == 0:
            continue
        pool = np.maximum(childless[:, y] - np.round(treated_still_childless), 0).astype(np.int64)
        chance = np.minimum(start_rate * take_up[:, y, None] * in_force[y], 1.0)
        starters[:, y] = _binomial_quantile(uniforms[:, y], pool, np.broadcast_to(chance, pool.shape))
        treated_still_childless = (treated_still_childless + starters[:, y]) * STILL_CHILDLESS_AND_UNDER_50
    profile = expected_reimbursement_profile(line)  # [rep or 1, treatment year]
    still_treated = np.concatenate([[1.0], np.cumprod(line.continuation)])
    priced = starters * ctx.index(LINE.id)  # yuan amounts as of the start year
    paid = np.zeros(starters.shape)
    claiming = np.zeros(starters.shape)  # households filing receipts that year
    for treatment_year in range(profile.shape[1]):
        stop = calendar.n_years - treatment_year
        paid[:, treatment_year:] += priced[:, :stop] * profile[:, treatment_year, None, None]
        claiming[:, treatment_year:] += starters[:, :stop] * still_treated[treatment_year]
    return Entitlement(yuan=ctx.spread_over_year(paid), claims=ctx.spread_over_year(claiming))


LINE = Line("art_subsidy", "辅助生育补助金", "Assisted-reproduction subsidy", "9", Kind.OUTLAY, accrual, section=ArtLine)
