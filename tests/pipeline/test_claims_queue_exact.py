"""The claims queue and the payment runs, month by month, against hand computations: what share
of each month's claims is approved in each month (application lags, review capacity, first come
first served, refused claims using review time) and when each payment run pays."""

from __future__ import annotations

import numpy as np
import pytest

from model.disbursement import approval_profile, pay, payment_month
from model.sections import LineTiming


def timing(lag=(1.0,), capacity=None, rejection=0.0, payment="on_approval", annual_month=3) -> LineTiming:
    return LineTiming(application_lag=list(lag), review_capacity=capacity, rejection_share=rejection,
                      payment=payment, annual_payment_month=annual_month)


def test_without_lag_or_limit_each_month_is_approved_in_that_month():
    np.testing.assert_allclose(approval_profile(np.array([5.0, 7.0, 1.0]), timing()), np.eye(3))


def test_lags_spread_filing_over_later_months():
    profile = approval_profile(np.array([10.0, 10.0, 10.0]), timing(lag=(0.5, 0.3, 0.2)))
    np.testing.assert_allclose(profile, [[0.5, 0.3, 0.2], [0, 0.5, 0.3], [0, 0, 0.5]])


def test_capacity_serves_the_oldest_claims_first():
    """Capacity 3 a month, 4 claims in each of two months: month 1 takes 3 of the first month's,
    month 2 the last of them and 2 of the second month's, month 3 the remaining 2."""
    profile = approval_profile(np.array([4.0, 4.0, 0.0]), timing(capacity=3))
    np.testing.assert_allclose(profile, [[0.75, 0.25, 0], [0, 0.5, 0.5], [0, 0, 1.0]])


def test_refused_claims_take_review_time():
    """10 claims approved after review with half refused: 20 reviews at 4 a month take five months."""
    profile = approval_profile(np.array([10.0, 0, 0, 0, 0, 0]), timing(capacity=4, rejection=0.5))
    np.testing.assert_allclose(profile[0], [0.2, 0.2, 0.2, 0.2, 0.2, 0])


def test_what_the_calendar_cannot_approve_is_missing_from_the_row():
    profile = approval_profile(np.array([0.0, 0.0, 10.0]), timing(capacity=4))
    np.testing.assert_allclose(profile[2], [0, 0, 0.4])


def test_a_month_without_expected_claims_follows_the_lag_alone():
    profile = approval_profile(np.array([0.0, 5.0, 0.0, 0.0]), timing(lag=(0.6, 0.4)))
    np.testing.assert_allclose(profile[0], [0.6, 0.4, 0, 0])
    np.testing.assert_allclose(profile[1], [0, 0.6, 0.4, 0])
    np.testing.assert_allclose(profile[3], [0, 0, 0, 0.6])  # the rest falls past the calendar


@pytest.mark.parametrize(("payment", "annual_month", "expected"), [
    ("on_approval", 3, list(range(14))),
    ("monthly", 3, list(range(14))),
    ("quarterly", 3, [3, 3, 3, 6, 6, 6, 9, 9, 9, 12, 12, 12, 15, 15]),
    ("annual", 3, [14] * 12 + [26, 26]),
    ("annual", 1, [12] * 12 + [24, 24]),
])
def test_payment_runs(payment, annual_month, expected):
    np.testing.assert_array_equal(payment_month(timing(payment=payment, annual_month=annual_month), 14), expected)


def test_payments_after_the_calendar_stay_unpaid_and_runs_add_up():
    due = np.zeros((1, 14, 2))
    due[0, 0, 0], due[0, 2, 0], due[0, 12, 1] = 100.0, 50.0, 7.0
    cash = pay(due, timing(payment="quarterly"))
    assert cash[0, 3, 0] == 150.0 and cash.sum() == 150.0  # the run of month 15 falls past 14 months
    annual = pay(due, timing(payment="annual", annual_month=2))
    assert annual[0, 13, 0] == 150.0 and annual.sum() == 150.0


def test_an_allowance_approved_in_the_last_month_is_paid_its_arrears_then():
    """One child born in month 0 of a four-month calendar, 100 yuan a month; its claim is approved
    in month 3, the last: the four months are paid together then. A child born in month 1 whose claims
    open in month 2 is approved two months after they open (month 3 too)."""
    from model.disbursement import allowance_cash

    by_cohort = np.zeros((1, 4, 1, 4))  # [rep, birth month, area, age month]
    by_cohort[0, 0, 0, :] = 100.0
    profiles = np.zeros((1, 4, 4))  # [area, month arising, month approved]
    profiles[0, 0, 3] = 1.0
    profiles[0, 2, 3] = 1.0
    cash = allowance_cash(by_cohort, profiles, timing(), claims_open=0)
    np.testing.assert_allclose(cash[0, :, 0], [0, 0, 0, 400])
    later = np.zeros((1, 4, 1, 4))
    later[0, 1, 0, :3] = 100.0  # months of age 0-2 fall in calendar months 1-3
    cash = allowance_cash(later, profiles, timing(), claims_open=2)
    np.testing.assert_allclose(cash[0, :, 0], [0, 0, 0, 300])


def test_the_office_keeps_reviewing_while_less_than_one_claim_of_its_capacity_is_left():
    """Claims 1 and 1, filed half at once and half a month later, capacity 1.5 a month. In month 1
    the queue holds month 1's first half (0.5) then month 0's second half (0.5): after the first,
    1.0 of the capacity is left, enough for the second, so month 0 is done in month 1."""
    profile = approval_profile(np.array([1.0, 1.0, 0.0, 0.0]), timing(lag=(0.5, 0.5), capacity=1.5))
    np.testing.assert_allclose(profile[0], [0.5, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(profile[1], [0.0, 0.5, 0.5, 0.0])


def test_two_parts_of_one_months_claims_approved_in_the_same_month_add_up():
    """Claims 2 in month 0, filed half at once and half a month later, capacity 0.4 a month: month 2
    approves the last 0.2 of the first half and 0.2 of the second, 0.4 of month 0's claims (0.2)."""
    profile = approval_profile(np.array([2.0, 0.0, 0.0, 0.0]), timing(lag=(0.5, 0.5), capacity=0.4))
    np.testing.assert_allclose(profile[0], [0.2, 0.2, 0.2, 0.2])


def test_a_month_with_less_than_one_claim_still_waits_in_the_queue():
    """Claims 5 then 0.5, capacity 2 a month: month 1's half claim waits behind month 0's backlog
    and is approved in month 2 (only a month with no claims at all follows the lag alone)."""
    profile = approval_profile(np.array([5.0, 0.5, 0.0, 0.0]), timing(capacity=2))
    np.testing.assert_allclose(profile[0], [0.4, 0.4, 0.2, 0.0])
    np.testing.assert_allclose(profile[1], [0.0, 0.0, 1.0, 0.0])
