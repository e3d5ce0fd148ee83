"""Event draws by inverse CDF: one uniform per cell, monotone in the cell's count and chance.

numpy's binomial uses rejection sampling, whose number of random numbers per draw depends
on n and p: when one cell changes by one woman, every later draw in the array moves, so
two scenarios that differ a little end up with independent noise. Here each cell takes
exactly one uniform u and returns the u-quantile of its binomial, so cells stay aligned
and a slightly higher chance gives the same or one more event (common random numbers in
the strong sense: a 1% policy change gives a low-noise difference).

Exact inversion where the variance n·p·(1−p) is below 25 (a CDF walk); above it, the normal
quantile with the Cornish–Fisher skewness correction, whose error in probability is far below
the Monte Carlo error of any budget figure (tests/test_sampling.py checks both against scipy).
This module's numpy code is the reference, and the fallback without numba; with numba, the
kernels of model/sampling_compiled.py do the same cell by cell in one compiled pass, and give
the same counts (tested; see that module for the two rounding-level ways they could differ).
"""

from __future__ import annotations

import numpy as np

from model.sampling_compiled import compile_kernels

NORMAL_FROM_VARIANCE = 25.0


def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial(n, p) draws of the broadcast shape, from one call to `rng.random`."""
    shape = np.broadcast_shapes(np.shape(n), np.shape(p))
    return binomial_quantile(rng.random(shape), n, p)


def binomial_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """The smallest k with P(Binomial(n, p) ≤ k) ≥ u, elementwise."""
    shape = np.shape(u)
    if _binomial_compiled is not None:  # contiguous inputs: one compiled (and cached) signature
        n, p = np.asarray(n, dtype=np.int64), np.asarray(p, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # P(0) of the walk's chance, as _exact_quantile; the log on the chances before they are
            # broadcast (often one per area and age for a hundred times as many cells)
            pmf0 = np.exp(np.broadcast_to(n, shape) * np.log1p(-np.minimum(p, 1.0 - p)))
        return _binomial_compiled(np.ascontiguousarray(u, dtype=np.float64).reshape(-1),
                                  np.ascontiguousarray(np.broadcast_to(n, shape)).reshape(-1),
                                  np.ascontiguousarray(np.broadcast_to(p, shape)).reshape(-1),
                                  np.ascontiguousarray(np.broadcast_to(pmf0, shape)).reshape(-1),
                                  NORMAL_FROM_VARIANCE).reshape(shape)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), shape).reshape(-1)
    p = np.broadcast_to(np.asarray(p, dtype=np.float64), shape).reshape(-1)
    u = np.asarray(u, dtype=np.float64).reshape(-1)
    out = np.zeros(u.shape, dtype=np.int64)
    live = np.flatnonzero((n > 0) & (p > 0))  # empty cells and zero chances give 0 at once
    if live.size == 0:
        return out.reshape(shape)
    n_live, p_live, u_live = n[live], p[live], u[live]
    flip = p_live > 0.5  # invert the mirror image: k = n − quantile(1 − u; n, 1 − p)
    any_flip = bool(flip.any())
    chance = np.where(flip, 1.0 - p_live, p_live) if any_flip else p_live
    level = np.where(flip, 1.0 - u_live, u_live) if any_flip else u_live
    counts = np.zeros(live.size, dtype=np.int64)
    large = n_live * chance * (1.0 - chance) >= NORMAL_FROM_VARIANCE
    if large.any():
        counts[large] = _normal_quantile(level[large], n_live[large], chance[large])
    small = ~large & (chance > 0)
    if small.any():
        counts[small] = _exact_quantile(level[small], n_live[small], chance[small])
    out[live] = np.where(flip, n_live - counts, counts) if any_flip else counts  # n − Q(1 − u) rises with u
    return out.reshape(shape)


def _normal_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    from scipy import special  # only the numpy path needs it (a tenth of a second to import)

    sd = np.sqrt(n * p * (1.0 - p))
    z = special.ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    skew = (1.0 - 2.0 * p) / sd
    x = n * p + sd * (z + skew * (z * z - 1.0) / 6.0)
    return np.clip(np.ceil(x - 0.5), 0, n).astype(np.int64)


def _exact_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Walk the CDF from 0 to each cell's u."""
    pmf0 = np.exp(n * np.log1p(-p))  # P(0); variance < 25 with p ≤ ½ keeps it far from underflow
    return _walk_numpy(u, n, p, pmf0)


def _walk_numpy(u: np.ndarray, n: np.ndarray, p: np.ndarray, pmf0: np.ndarray) -> np.ndarray:
    """Walk the CDF from 0 for every cell at once, on compact arrays of the cells still walking."""
    k = np.zeros(u.shape, dtype=np.int64)
    pmf = pmf0
    walking = np.flatnonzero(u > pmf)
    u_w, n_w, ratio_w = u[walking], n[walking].astype(np.float64), (p / (1.0 - p))[walking]
    pmf_w, cdf_w = pmf[walking], pmf[walking].copy()
    step = 0.0
    while walking.size:
        pmf_w = pmf_w * ((n_w - step) / (step + 1.0) * ratio_w)
        cdf_w = cdf_w + pmf_w
        step += 1.0
        # Stop at n (rounding can leave the CDF a hair under 1).
        going = (u_w > cdf_w) & (n_w > step)
        done = ~going
        if done.any():
            k[walking[done]] = int(step)
            walking, u_w, n_w, ratio_w = walking[going], u_w[going], n_w[going], ratio_w[going]
            pmf_w, cdf_w = pmf_w[going], cdf_w[going]
    return k


_binomial_compiled, _multinomial_compiled = compile_kernels()


def multinomial_sequential(rng: np.random.Generator, n: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Multinomial(n, probabilities) as conditional binomials by inverse CDF, one uniform per
    category but the last; `probabilities` has the categories on its last axis and broadcasts with n."""
    categories = probabilities.shape[-1]
    shape = np.broadcast_shapes(np.shape(n), probabilities.shape[:-1])
    uniforms = rng.random((*shape, categories - 1))
    if _multinomial_compiled is not None and categories > 1:
        rows = np.ascontiguousarray(probabilities, dtype=np.float64).reshape(-1, categories)  # before broadcasting
        row_of_cell = np.broadcast_to(np.arange(len(rows)).reshape(probabilities.shape[:-1]), shape).reshape(-1)
        return _multinomial_compiled(uniforms.reshape(-1, categories - 1),
                                     np.ascontiguousarray(np.broadcast_to(np.asarray(n, dtype=np.int64), shape)).reshape(-1),
                                     rows, np.ascontiguousarray(row_of_cell), NORMAL_FROM_VARIANCE).reshape(*shape, categories)
    remaining = np.broadcast_to(np.asarray(n, dtype=np.int64), shape).copy()
    left = np.ones(shape)
    out = np.zeros((*shape, categories), dtype=np.int64)
    for j in range(categories - 1):
        share = np.broadcast_to(probabilities[..., j], shape)
        chance = np.divide(share, left, out=np.zeros(shape), where=left > 1e-15)
        drawn = binomial_quantile(uniforms[..., j], remaining, np.clip(chance, 0.0, 1.0))
        out[..., j] = drawn
        remaining -= drawn
        left = left - share
    out[..., -1] = remaining
    return out
