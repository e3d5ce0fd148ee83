"""When the money leaves the treasury: claims, review and payment runs (the cash basis).

Between an entitlement (accrual) and a payment stand the family's application (a lag),
the area office's review (a capacity in claims a month, first come first served; refused
claims take review time too) and the payment runs of the line (monthly, quarterly in
arrears, annual, or on approval).

The process is simulated with simpy once per scenario, per line and area, on the expected
claims (the mean of a fixed pilot of the first 20 replicates, the same whatever --replicates
or --workers). It yields an approval profile: for the claims arising in month t, the
share approved in month m. That profile, with the payment schedule, is applied to every
replicate's own monthly entitlements by matrix arithmetic. Simulating the queue per
replicate would multiply the run time many times over; waiting times depend on the
expected workload, not on the small replicate-to-replicate differences in it.

Monthly allowances: a child's claim is approved once; months before approval are paid as
arrears at the first payment run after approval, later months at their own payment run.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import simpy

from model import kernels
from model.sections import LineTiming


def approval_profile(claims: np.ndarray, timing: LineTiming) -> np.ndarray:
    """[month arising, month approved] share of each month's claims approved in each month.

    `claims` [month] are the expected claims arising each month (refused ones included in
    the workload). Shares approved after the calendar's last month are missing from a row.
    """
    months = len(claims)
    lag = np.asarray(timing.application_lag)
    capacity = timing.review_capacity
    workload = claims / (1.0 - timing.rejection_share)  # refused claims are reviewed too
    approved = np.zeros((months, months))
    queue: deque[list[float]] = deque()  # [month arising, claims waiting], oldest first

    def filing(env: simpy.Environment):
        for month in range(months):
            for delay, share in enumerate(lag):
                arising = month - delay
                if arising >= 0 and share > 0 and workload[arising] > 0:
                    queue.append([arising, workload[arising] * share])
            yield env.timeout(1)

    def review(env: simpy.Environment):
        yield env.timeout(0.5)  # the office works through the month after the month's filings
        while env.now < months:
            month, budget = int(env.now), np.inf if capacity is None else float(capacity)
            while queue and budget > 0:
                arising, waiting = queue[0]
                taken = min(waiting, budget)
                approved[int(arising), month] += taken
                budget -= taken
                if taken >= waiting:
                    queue.popleft()
                else:
                    queue[0][1] = waiting - taken
            yield env.timeout(1)

    env = simpy.Environment()
    env.process(filing(env))
    env.process(review(env))
    env.run(until=months)
    profile = np.divide(approved, workload[:, None], out=np.zeros_like(approved), where=workload[:, None] > 0)
    # Months with no expected claims: the lag alone (they meet no queue in the expected flow).
    for arising in np.flatnonzero(workload <= 0):
        for delay, share in enumerate(lag):
            if arising + delay < months:
                profile[arising, arising + delay] = share
    return profile


def payment_month(timing: LineTiming, months: int) -> np.ndarray:
    """[month approved or due] → month of the payment run (may fall past the calendar)."""
    month = np.arange(months)
    if timing.payment in ("on_approval", "monthly"):
        return month
    if timing.payment == "quarterly":
        return (month // 3 + 1) * 3  # the month after the quarter (the calendar starts in January)
    return (month // 12 + 1) * 12 + timing.annual_payment_month - 1


def pay(due: np.ndarray, timing: LineTiming) -> np.ndarray:
    """[rep, month due, area] → [rep, month paid, area] by the line's payment runs."""
    months = due.shape[1]
    run = payment_month(timing, months)
    cash = np.zeros_like(due)
    inside = run < months  # payments after the calendar stay payable
    np.add.at(cash.swapaxes(0, 1), run[inside], due[:, inside].swapaxes(0, 1))  # by month, repeated runs added up
    return cash


def one_off_cash(yuan: np.ndarray, profiles: np.ndarray, timing: LineTiming) -> np.ndarray:
    """[rep, month, area] entitlements → cash, each area with its own approval profile [area, t, m]."""
    due = approved_kernel(np.ascontiguousarray(yuan, dtype=np.float64), np.ascontiguousarray(profiles))
    return pay(due, timing)


def _approved_numpy(yuan: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """[rep, month approved, area]: each month's entitlements spread by its approval profile."""
    return np.einsum("rta,atm->rma", yuan, profiles)


def _approved_loop(yuan, profiles):  # noqa: ANN001, ANN202 - compiled by numba  # pragma: no mutate block
    """The twin's einsum over the months each profile row approves in (a few of the calendar's)."""
    replicates, months, areas = yuan.shape
    due = np.zeros((replicates, profiles.shape[2], areas))
    for a in range(areas):
        for t in range(months):
            first, last = -1, -1
            for m in range(profiles.shape[2]):
                if profiles[a, t, m] != 0:
                    last = m
                    if first < 0:
                        first = m
            if first < 0:
                continue
            for r in range(replicates):
                for m in range(first, last + 1):
                    due[r, m, a] += yuan[r, t, a] * profiles[a, t, m]
    return due


def _approved_examples() -> dict[str, tuple]:  # pragma: no mutate block (the kernel test's inputs, not model code)
    """Approvals spread over several months (a review queue) or one."""
    examples = {}
    for capacity in (None, 12.0):
        rng = np.random.default_rng(5)
        months, areas = 60, 3
        timing = LineTiming(application_lag=[0.6, 0.4], review_capacity=capacity, rejection_share=0.05,
                            payment="monthly")
        profiles = np.stack([approval_profile(rng.uniform(5, 25, size=months), timing) for _ in range(areas)])
        examples[f"review capacity {capacity}"] = (rng.uniform(0, 1e5, size=(5, months, areas)), profiles)
    return examples


# a sum over several months may be added in another order than einsum's
approved_kernel = kernels.register("approved", loop=_approved_loop, twin=_approved_numpy,
                                   examples=_approved_examples, tolerance={0: (1e-13, 1e-6)})


def allowance_cash(by_cohort: np.ndarray, profiles: np.ndarray, timing: LineTiming,
                   claims_open: int, cohorts_before: int = 0) -> np.ndarray:
    """Monthly allowances: [rep, birth month, area, age month] yuan → cash [rep, month, area].

    A child's months before its claim is approved are paid at approval (arrears); months
    after it when they fall due. Both go out at the line's next payment run. Children born
    before `claims_open` (a month index) file their claim then, as if born in that month.
    `cohorts_before`: by_cohort's leading cohorts born before the first simulated month; no claim
    is reviewed before it (the profiles start there), and the cash of the simulated months is returned.
    """
    if cohorts_before:
        areas, months = profiles.shape[0], profiles.shape[1] + cohorts_before
        padded = np.zeros((areas, months, months))
        padded[:, cohorts_before:, cohorts_before:] = profiles
        profiles, claims_open = padded, claims_open + cohorts_before
    by_delay, approved_by = _approvals_by_delay(profiles, by_cohort.shape[1], claims_open)
    due = allowance_due_kernel(np.ascontiguousarray(by_cohort, dtype=np.float64), by_delay, approved_by)
    return pay(np.ascontiguousarray(due[:, cohorts_before:]), timing)


def _approvals_by_delay(profiles: np.ndarray, months: int, claims_open: int) -> tuple[np.ndarray, np.ndarray]:
    """[area, cohort, delay]: the share of each cohort's claims approved that many months after its
    birth, and its running sum (the share approved at or before)."""
    delay = np.arange(months)
    cohort = np.arange(months)
    claimed = np.maximum(cohort, claims_open)  # month each cohort's claims arise
    index = cohort[:, None] + delay[None, :]
    valid = index < months
    by_delay = np.where(valid[None], profiles[:, claimed[:, None], np.minimum(index, months - 1)], 0.0)
    return by_delay, np.cumsum(by_delay, axis=2)


def _allowance_due_numpy(by_cohort: np.ndarray, by_delay: np.ndarray, approved_by: np.ndarray) -> np.ndarray:
    """[rep, month due, area]: arrears at approval, then each later month of age when it falls due.

    by_delay [area, cohort, delay]: share of the cohort's claims approved that many months after
    its birth; approved_by: its running sum.
    """
    replicates, months, areas, ages = by_cohort.shape
    earned_before = np.concatenate([np.zeros((*by_cohort.shape[:3], 1)), np.cumsum(by_cohort, axis=3)], axis=3)
    due = np.zeros((replicates, months, areas))
    for d in range(months):  # arrears: all earned up to the approval month, paid at approval
        stop = months - d
        earned = earned_before[:, :stop, :, min(d + 1, ages)]  # [rep, cohort, area]
        share = by_delay[:, :stop, d].T[None]  # [1, cohort, area]
        due[:, d:d + stop] += earned * share
    for age in range(min(ages, months)):  # months that fall due after approval, in their own month
        stop = months - age
        # children approved before this age month are paid it when it falls due (those approved
        # in it had it with their arrears)
        share_before = (approved_by[:, :stop, age] - by_delay[:, :stop, age]).T[None]
        due[:, age:age + stop] += by_cohort[:, :stop, :, age] * share_before
    return due


def _allowance_due_loop(by_cohort, by_delay, approved_by):  # noqa: ANN001, ANN202 - compiled by numba  # pragma: no mutate block
    """The twin adding the same terms in the same order (same figures to the bit), but only
    over the few delays in which each cohort's claims are approved (the other terms are +0.0)."""
    replicates, months, areas, ages = by_cohort.shape
    first = np.full((areas, months), months)
    last = np.full((areas, months), -1)
    for a in range(areas):
        for c in range(months):
            for d in range(months):
                if by_delay[a, c, d] != 0:
                    first[a, c] = min(first[a, c], d)
                    last[a, c] = d
    due = np.zeros((replicates, months, areas))
    earned_before = np.zeros((months, areas, ages + 1))
    for r in range(replicates):
        for c in range(months):
            for a in range(areas):
                total = 0.0
                for m in range(ages):
                    total += by_cohort[r, c, a, m]
                    earned_before[c, a, m + 1] = total
        for a in range(areas):  # arrears: each month adds its cohorts by rising delay, as the reference
            for c in range(months - 1, -1, -1):
                for d in range(first[a, c], last[a, c] + 1):
                    due[r, c + d, a] += earned_before[c, a, min(d + 1, ages)] * by_delay[a, c, d]
        for t in range(months):  # then the months of age that fall due after approval
            for a in range(areas):
                for m in range(min(ages, t + 1)):
                    due[r, t, a] += by_cohort[r, t - m, a, m] * (approved_by[a, t - m, m] - by_delay[a, t - m, m])
    return due


def _allowance_due_examples() -> dict[str, tuple]:  # pragma: no mutate block (the kernel test's inputs, not model code)
    """A review queue and quarterly runs; claims open from the first month or from the 14th."""
    examples = {}
    for claims_open in (0, 13):
        rng = np.random.default_rng(2)
        replicates, months, areas, ages = 4, 50, 3, 36
        by_cohort = rng.uniform(0, 500, size=(replicates, months, areas, ages))
        claims = rng.uniform(5, 30, size=months)
        timing = LineTiming(application_lag=[0.5, 0.3, 0.2], review_capacity=15.0, rejection_share=0.1,
                            payment="quarterly")
        profiles = np.stack([approval_profile(claims * (a + 1), timing) for a in range(areas)])
        examples[f"claims open {claims_open}"] = (by_cohort, *_approvals_by_delay(profiles, months, claims_open))
    return examples


allowance_due_kernel = kernels.register("allowance_due", loop=_allowance_due_loop, twin=_allowance_due_numpy,
                                        examples=_allowance_due_examples)
