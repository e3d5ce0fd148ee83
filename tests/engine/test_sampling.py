"""The inverse-CDF sampler against scipy's exact binomial."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model import kernels
from model.sampling import (
    binomial,
    binomial_cells,
    binomial_kernel,
    binomial_quantile,
    multinomial_kernel,
    multinomial_sequential,
)


@pytest.fixture(params=["compiled", "twin"])
def compiled_and_twin(request):
    """The test with the compiled kernels (where numba is installed), then with the numpy twins."""
    if request.param == "twin":
        with kernels.twins():
            yield
    else:
        yield


@pytest.mark.usefixtures("compiled_and_twin")
def test_exact_region_matches_scipy_quantiles():
    rng = np.random.default_rng(1)
    n = rng.integers(0, 400, size=20_000)
    p = rng.uniform(0, 1, size=n.size) ** 3  # many small chances, some above ½
    p[:100] = 1.0
    u = rng.random(n.size)
    small = n * p * (1 - p) < 25
    got = binomial_quantile(u, n, p)
    expected = stats.binom.ppf(u, n, p)
    assert np.array_equal(got[small], expected[small])


@pytest.mark.usefixtures("compiled_and_twin")
@pytest.mark.parametrize(("n", "p"), [(1_000, 0.05), (5_000, 0.3), (200, 0.9), (100_000, 0.0007)])
def test_normal_region_follows_the_binomial(n, p):
    """Where the variance is ≥ 25: the CDF at every quantile is off by less than 0.01."""
    u = (np.arange(2_000) + 0.5) / 2_000
    got = binomial_quantile(u, np.full(u.size, n), p)
    exact = stats.binom.ppf(u, n, p)
    assert np.abs(got - exact).max() <= 1
    # Distribution check: the share of draws ≤ k matches the CDF.
    cdf_gap = np.abs(stats.binom.cdf(got, n, p) - u)
    assert (cdf_gap < stats.binom.pmf(got, n, p) + 0.01).all()


@pytest.mark.usefixtures("compiled_and_twin")
def test_draws_are_monotone_in_the_chance_and_in_n():
    u = np.random.default_rng(2).random(10_000)
    low = binomial_quantile(u, np.full(u.size, 800), 0.05)
    high = binomial_quantile(u, np.full(u.size, 800), 0.0505)
    assert (high >= low).all() and (high - low).max() <= 1
    more = binomial_quantile(u, np.full(u.size, 801), 0.05)
    assert (more >= low).all() and (more - low).max() <= 1


def test_mean_and_variance_of_generated_draws():
    rng = np.random.default_rng(3)
    draws = binomial(rng, np.full(200_000, 60), 0.2)
    assert draws.mean() == pytest.approx(12, rel=0.005)
    assert draws.var() == pytest.approx(9.6, rel=0.02)


@pytest.mark.usefixtures("compiled_and_twin")
def test_multinomial_sequential_sums_and_shares():
    rng = np.random.default_rng(4)
    probabilities = np.array([0.5, 0.2, 0.2, 0.1])
    draws = multinomial_sequential(rng, np.full(50_000, 30), probabilities)
    assert (draws.sum(axis=1) == 30).all()
    np.testing.assert_allclose(draws.mean(axis=0) / 30, probabilities, atol=0.003)


def test_compiled_kernel_gives_the_numpy_path_counts():
    """Over millions of cells of every kind (empty, zero and certain chances, p above ½, the walk
    and the normal region), the compiled draws are exactly the numpy twin's."""
    if binomial_kernel.compiled is None:
        pytest.skip("numba is not installed: the numpy twin is the only kernel")
    u, n, p = binomial_cells(2_000_000)
    compiled = binomial_quantile(u, n, p)
    with kernels.twins():
        assert np.array_equal(compiled, binomial_quantile(u, n, p))
    assert (compiled[p == 1.0] == n[p == 1.0]).all() and (compiled[(p == 0) | (n == 0)] == 0).all()


def test_compiled_multinomial_gives_the_numpy_path_counts():
    """Birth months and housing outcomes: the compiled conditional binomials equal numpy's, cell by
    cell, with shared and per-cell probabilities (a zero share included), and one category."""
    if multinomial_kernel.compiled is None:
        pytest.skip("numba is not installed: the numpy twin is the only kernel")
    rng = np.random.default_rng(9)
    n = rng.integers(0, rng.choice([5, 400, 20_000], size=(3_000, 7)))
    shared = np.full(12, 1 / 12)
    per_cell = rng.dirichlet(np.ones(5), size=(3_000, 7))
    per_cell[:100, :, 2] = 0.0
    per_cell /= per_cell.sum(axis=-1, keepdims=True)
    per_column = rng.dirichlet(np.ones(9), size=7)  # one set per column, shared down the rows (housing)
    for probabilities in (shared, per_cell, per_column, np.ones(1)):
        compiled = multinomial_sequential(np.random.default_rng(10), n, probabilities)
        with kernels.twins():
            reference = multinomial_sequential(np.random.default_rng(10), n, probabilities)
        assert np.array_equal(compiled, reference)
        assert (compiled.sum(axis=-1) == n).all()


def test_the_kernels_normal_quantile_is_scipys():
    """AS241 (the kernel's normal quantile) against scipy's ndtri, centre and both tails: within
    a few ulps, so the rounded counts of the normal region agree."""
    from scipy import special

    from model.sampling_compiled import ndtri

    rng = np.random.default_rng(11)
    y = np.concatenate([rng.random(20_000), 10.0 ** -rng.uniform(0, 300, 5_000), 1 - 10.0 ** -rng.uniform(1, 16, 5_000)])
    ours = np.array([getattr(ndtri, "py_func", ndtri)(v) for v in y])
    np.testing.assert_allclose(ours, special.ndtri(y), rtol=4e-15, atol=4e-15)


def test_triangular_draws_equal_scipy_without_importing_it():
    """The triangular inverse CDF is scipy.stats.triang.ppf's formula, written out so a run with
    triangular ranges never pays for importing scipy.stats: the draws are the same numbers."""
    from scipy import stats

    from model.uncertainty import Distribution

    rng = np.random.default_rng(3)
    for low, mode, high in [(0, 0.02, 0.06), (600, 800, 1500), (0.85, 0.95, 1.0), (960, 960, 1440), (1, 3, 3)]:
        u = rng.random(50_000)
        u[0] = 0.0
        ours = Distribution(dist="triangular", low=low, mode=mode, high=high).quantile(u, (-np.inf, np.inf))
        theirs = stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
        assert np.array_equal(ours, theirs)
