"""The numba kernels give the numpy reference's figures, to the last bit.

Each kernel adds the same terms in the same order as its numpy twin, so the comparison is
exact equality, not a tolerance: a kernel that reorders a sum fails here. Two comparisons are
to rounding: the one-off cash (its twin is an einsum, whose order of addition numpy does not
fix) and the capped-births diagnostic (a float sum in another order).
"""

from __future__ import annotations

import numpy as np
import pytest

from model import disbursement, jit
from model.lines import under_three
from model.rng import Streams
from model.scenario import LineTiming

pytestmark = pytest.mark.skipif(jit.numba is None, reason="numba is not installed: the numpy paths are the only ones")


@pytest.mark.parametrize(("months", "shared_amount"), [(36, True), (36, False), (30, True), (0, True)])
def test_allowance_by_cohort_kernel_equals_numpy(monkeypatch, months, shared_amount):
    rng = np.random.default_rng(1)
    replicates, cohorts, areas = 6, 60, 3
    recipients = rng.integers(0, 40, size=(replicates, cohorts, areas))
    q_child = np.array([0.02, 0.004, 0.003])  # high, so deaths happen in a small test
    amount = rng.uniform(100, 600, size=(1 if shared_amount else replicates, cohorts, months))
    args = (recipients, months, q_child, Streams(7, 0), amount, cohorts, "allowance")
    compiled = under_three.allowance_by_cohort(*args)
    monkeypatch.setattr(under_three, "_by_cohort_compiled", None)
    reference = under_three.allowance_by_cohort(*args)
    for ours, theirs in zip(compiled, reference, strict=True):
        assert np.array_equal(ours, theirs)
    assert compiled[1].sum() > 0 or months == 0


@pytest.mark.parametrize("claims_open", [0, 13])
def test_allowance_cash_kernel_equals_numpy(monkeypatch, claims_open):
    rng = np.random.default_rng(2)
    replicates, months, areas, ages = 4, 50, 3, 36
    by_cohort = rng.uniform(0, 500, size=(replicates, months, areas, ages))
    claims = rng.uniform(5, 30, size=months)
    timing = LineTiming(application_lag=[0.5, 0.3, 0.2], review_capacity=15.0, rejection_share=0.1,
                        payment="quarterly")
    profiles = np.stack([disbursement.approval_profile(claims * (a + 1), timing) for a in range(areas)])
    compiled = disbursement.allowance_cash(by_cohort, profiles, timing, claims_open)
    monkeypatch.setattr(disbursement, "_allowance_due_compiled", None)
    reference = disbursement.allowance_cash(by_cohort, profiles, timing, claims_open)
    assert np.array_equal(compiled, reference)
    assert 0 < compiled.sum() <= by_cohort.sum()


@pytest.mark.parametrize(("with_response", "rates_per_replicate", "response_per_replicate"),
                         [(True, False, True), (False, False, False), (True, True, False)])
def test_birth_chances_kernel_equals_numpy(monkeypatch, with_response, rates_per_replicate, response_per_replicate):
    """Hazards and extra chances to the bit, empty cells and rates above one woman's included, with
    rates and response shared by every replicate or drawn per replicate; the capped-births
    diagnostic (a float sum in another order) to rounding."""
    from model import engine_kernels

    rng = np.random.default_rng(3)
    women = rng.integers(0, 60, size=(4, 3, 50, 4, 2))
    women[:, :, 20:23, 2:] = 0
    rates = rng.uniform(0, 0.4, size=(4 if rates_per_replicate else 1, 50, 4, 2))
    rates[0, 30, 3] = 2.5  # asks for more births than there are women at parity 3
    response = (rng.uniform(1, 1.3, size=(4 if response_per_replicate else 1, 3, 4, 2)) if with_response
                else None)
    compiled = engine_kernels.birth_chances(rates, women, response, 15)
    monkeypatch.setattr(engine_kernels, "_birth_chances_compiled", None)
    reference = engine_kernels.birth_chances(rates, women, response, 15)
    assert np.array_equal(compiled[0], reference[0])
    assert (compiled[1] is None) == (not with_response)
    if with_response:
        assert np.array_equal(compiled[1], reference[1])
    assert compiled[2] == pytest.approx(reference[2], rel=1e-12) and compiled[2] > 0


def test_move_mothers_kernel_equals_numpy(monkeypatch):
    """Parities after births (more births than women in some cells) and births by order and age group."""
    from model import engine_kernels

    rng = np.random.default_rng(4)
    women = rng.integers(0, 30, size=(3, 2, 50, 4, 2))
    births = rng.integers(0, 12, size=(3, 2, 35, 4, 2))
    by_age = np.full((3, 2, 6, 3, 7), -1)  # a strided year slice, as the engine passes it
    engine_kernels.move_mothers(women_compiled := women.copy(), births, 15, by_age[:, :, 2])
    expected_by_age = np.full_like(by_age, -1)
    monkeypatch.setattr(engine_kernels, "_move_mothers_compiled", None)
    engine_kernels.move_mothers(women_reference := women.copy(), births, 15, expected_by_age[:, :, 2])
    assert np.array_equal(women_compiled, women_reference)
    assert np.array_equal(by_age, expected_by_age)
    assert (women_compiled >= 0).all() and women_compiled.sum() == women.sum()


@pytest.mark.parametrize("capacity", [None, 12.0])
def test_one_off_cash_kernel_equals_numpy(monkeypatch, capacity):
    """Approvals spread over several months (a review queue) or one: the einsum's figures, to rounding
    (a sum over several months may be added in another order than einsum's)."""
    rng = np.random.default_rng(5)
    months, areas = 60, 3
    timing = LineTiming(application_lag=[0.6, 0.4], review_capacity=capacity, rejection_share=0.05,
                        payment="monthly")
    profiles = np.stack([disbursement.approval_profile(rng.uniform(5, 25, size=months), timing)
                         for _ in range(areas)])
    yuan = rng.uniform(0, 1e5, size=(5, months, areas))
    compiled = disbursement.one_off_cash(yuan, profiles, timing)
    monkeypatch.setattr(disbursement, "_approved_compiled", None)
    reference = disbursement.one_off_cash(yuan, profiles, timing)
    np.testing.assert_allclose(compiled, reference, rtol=1e-13, atol=1e-6)
    assert compiled.sum() > 0
