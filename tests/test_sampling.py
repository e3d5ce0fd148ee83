"""The inverse-CDF sampler against scipy's exact binomial."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.sampling import binomial, binomial_quantile, multinomial_sequential


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


def test_multinomial_sequential_sums_and_shares():
    rng = np.random.default_rng(4)
    probabilities = np.array([0.5, 0.2, 0.2, 0.1])
    draws = multinomial_sequential(rng, np.full(50_000, 30), probabilities)
    assert (draws.sum(axis=1) == 30).all()
    np.testing.assert_allclose(draws.mean(axis=0) / 30, probabilities, atol=0.003)


def test_compiled_walk_gives_the_numpy_counts():
    """numba only speeds up the walk: the counts are identical to numpy's, cell by cell."""
    import model.sampling as sampling

    if sampling._walk_compiled is None:
        pytest.skip("numba is not installed: the numpy walk is the only one")
    rng = np.random.default_rng(5)
    n = rng.integers(1, 300, size=300_000)
    p = rng.uniform(0, 0.5, size=n.size) ** 2
    keep = n * p * (1 - p) < 25
    n, p, u = n[keep], p[keep], rng.random(keep.sum())
    pmf0 = np.exp(n * np.log1p(-p))
    numpy_counts = sampling._walk_numpy(u, n, p, pmf0)
    compiled = sampling._walk_compiled(u, n.astype(np.float64), p / (1 - p), pmf0)
    assert np.array_equal(numpy_counts, compiled)


def test_fused_kernel_gives_the_numpy_path_counts(monkeypatch):
    """The one-pass compiled kernel (masks, mirror image, walk) gives exactly the counts of the
    numpy path, on cells of every kind: empty, zero and certain chances, p above ½, the normal region."""
    import model.sampling as sampling

    if sampling._fused_compiled is None:
        pytest.skip("numba is not installed: the numpy path is the only one")
    rng = np.random.default_rng(8)
    size = 400_000
    n = rng.integers(0, rng.choice([3, 60, 2_000, 200_000], size=size))
    p = rng.random(size) ** rng.choice([1, 3, 8], size=size)
    p[rng.random(size) < 0.05] = 1.0
    p[rng.random(size) < 0.05] = 0.0
    u = rng.random(size)
    fused = sampling.binomial_quantile(u, n, p)
    monkeypatch.setattr(sampling, "_fused_compiled", None)
    assert np.array_equal(fused, sampling.binomial_quantile(u, n, p))
    assert (fused[p == 1.0] == n[p == 1.0]).all() and (fused[(p == 0) | (n == 0)] == 0).all()


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
