"""Event draws by inverse CDF: one uniform per cell, monotone in the cell's count and chance.

numpy's binomial uses rejection sampling, whose number of random numbers per draw depends
on n and p: when one cell changes by one woman, every later draw in the array moves, so
two scenarios that differ a little end up with independent noise. Here each cell takes
exactly one uniform u and returns the u-quantile of its binomial, so cells stay aligned
and a slightly higher chance gives the same or one more event (common random numbers in
the strong sense: a 1% policy change gives a low-noise difference).

Exact inversion where the variance n·p·(1−p) is below 25 (a CDF walk); above it, the normal
quantile with the Cornish–Fisher skewness correction, whose error in probability is far below
the Monte Carlo error of any budget figure (tests/engine/test_sampling.py checks both against scipy).
Both draws run as registered kernels (model/kernels.py): with numba, the loops of
model/sampling_compiled.py do the work cell by cell in one compiled pass; the numpy twins here
are the reference, and the fallback without numba. They give the same counts (tested; see
sampling_compiled for the two rounding-level ways they could differ).
"""

from __future__ import annotations

import numpy as np

from model import kernels
from model.sampling_compiled import binomial_loop, multinomial_loop

NORMAL_FROM_VARIANCE = 25.0


def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial(n, p) draws of the broadcast shape, from one call to `rng.random`."""
    shape = np.broadcast_shapes(np.shape(n), np.shape(p))
    return binomial_quantile(rng.random(shape), n, p)


def binomial_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """The smallest k with P(Binomial(n, p) ≤ k) ≥ u, elementwise."""
    shape = np.shape(u)
    n, p = np.asarray(n, dtype=np.int64), np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # P(0) of the walk's chance; the log on the chances before they are broadcast (often one
        # per area and age for a hundred times as many cells)
        pmf0 = np.exp(np.broadcast_to(n, shape) * np.log1p(-np.minimum(p, 1.0 - p)))
    # contiguous inputs: one compiled (and cached) signature
    return binomial_kernel(np.ascontiguousarray(u, dtype=np.float64).reshape(-1),
                           np.ascontiguousarray(np.broadcast_to(n, shape)).reshape(-1),
                           np.ascontiguousarray(np.broadcast_to(p, shape)).reshape(-1),
                           np.ascontiguousarray(np.broadcast_to(pmf0, shape)).reshape(-1),
                           NORMAL_FROM_VARIANCE).reshape(shape)


def _binomial_numpy(u: np.ndarray, n: np.ndarray, p: np.ndarray, pmf0: np.ndarray,
                    normal_from: float) -> np.ndarray:
    """binomial_loop's twin: each cell's u-quantile of Binomial(n, p), on flat arrays.

    pmf0: P(0) of Binomial(n, min(p, 1 − p)), read in the walk region only; a negative value
    asks for it to be computed here."""
    out = np.zeros(u.shape, dtype=np.int64)
    live = np.flatnonzero((n > 0) & (p > 0))  # empty cells and zero chances give 0 at once
    if live.size == 0:
        return out
    n_live, p_live, u_live = n[live], p[live], u[live]
    flip = p_live > 0.5  # invert the mirror image: k = n − quantile(1 − u; n, 1 − p)
    any_flip = bool(flip.any())
    chance = np.where(flip, 1.0 - p_live, p_live) if any_flip else p_live
    level = np.where(flip, 1.0 - u_live, u_live) if any_flip else u_live
    counts = np.zeros(live.size, dtype=np.int64)
    large = n_live * chance * (1.0 - chance) >= normal_from
    if large.any():
        counts[large] = _normal_quantile(level[large], n_live[large], chance[large])
    small = ~large & (chance > 0)
    if small.any():
        counts[small] = _exact_quantile(level[small], n_live[small], chance[small], pmf0[live[small]])
    out[live] = np.where(flip, n_live - counts, counts) if any_flip else counts  # n − Q(1 − u) rises with u
    return out


def binomial_cells(size: int, seed: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, n, p) for `size` cells of every kind: empty, zero and certain chances, p above ½, the
    walk and the normal region (the kernel's examples, and the tests' larger draws)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(0, rng.choice([3, 60, 2_000, 200_000], size=size))
    p = rng.random(size) ** rng.choice([1, 3, 8], size=size)
    p[rng.random(size) < 0.05] = 1.0
    p[rng.random(size) < 0.05] = 0.0
    return rng.random(size), n, p


def _binomial_examples() -> dict[str, tuple]:
    """Cells of every kind: empty, zero and certain chances, p above ½, the walk and the normal region."""
    rng = np.random.default_rng(9)
    size = 200_000
    u, n, p = binomial_cells(size)
    with np.errstate(divide="ignore"):
        pmf0 = np.exp(n * np.log1p(-np.minimum(p, 1.0 - p)))
    unknown = np.where(rng.random(size) < 0.5, -1.0, pmf0)  # P(0) computed by the kernel
    return {"cells": (u, n, p, pmf0, NORMAL_FROM_VARIANCE),
            "P(0) to compute": (u, n, p, unknown, NORMAL_FROM_VARIANCE)}


binomial_kernel = kernels.register("binomial", loop=binomial_loop, twin=_binomial_numpy,
                                   examples=_binomial_examples)


def _normal_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    from scipy import special  # only the numpy path needs it (a tenth of a second to import)

    sd = np.sqrt(n * p * (1.0 - p))
    z = special.ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    skew = (1.0 - 2.0 * p) / sd
    x = n * p + sd * (z + skew * (z * z - 1.0) / 6.0)
    return np.clip(np.ceil(x - 0.5), 0, n).astype(np.int64)


def _exact_quantile(u: np.ndarray, n: np.ndarray, p: np.ndarray, pmf0: np.ndarray) -> np.ndarray:
    """Walk the CDF from 0 to each cell's u, from P(0) (computed where it is negative)."""
    unknown = pmf0 < 0
    if unknown.any():  # P(0); variance < 25 with p ≤ ½ keeps it far from underflow
        pmf0 = np.where(unknown, np.exp(n * np.log1p(-p)), pmf0)
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


def multinomial_sequential(rng: np.random.Generator, n: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Multinomial(n, probabilities) as conditional binomials by inverse CDF, one uniform per
    category but the last; `probabilities` has the categories on its last axis and broadcasts with n."""
    categories = probabilities.shape[-1]
    shape = np.broadcast_shapes(np.shape(n), probabilities.shape[:-1])
    uniforms = rng.random((*shape, categories - 1))
    rows = np.ascontiguousarray(probabilities, dtype=np.float64).reshape(-1, categories)  # before broadcasting
    row_of_cell = np.broadcast_to(np.arange(len(rows)).reshape(probabilities.shape[:-1]), shape).reshape(-1)
    return multinomial_kernel(uniforms.reshape(row_of_cell.size, categories - 1),
                              np.ascontiguousarray(np.broadcast_to(np.asarray(n, dtype=np.int64), shape)).reshape(-1),
                              rows, np.ascontiguousarray(row_of_cell), NORMAL_FROM_VARIANCE).reshape(*shape, categories)


def _multinomial_numpy(uniforms: np.ndarray, n: np.ndarray, probabilities: np.ndarray, row_of_cell: np.ndarray,
                       normal_from: float) -> np.ndarray:
    """multinomial_loop's twin: category by category, each cell's conditional binomial of the
    trials left. uniforms [cell, category − 1]; probabilities [row, category]; row_of_cell [cell]."""
    cells, categories = uniforms.shape[0], probabilities.shape[1]
    remaining = n.astype(np.int64)
    left = np.ones(probabilities.shape[0])
    out = np.zeros((cells, categories), dtype=np.int64)
    pmf0 = np.full(cells, -1.0)  # the binomial twin computes P(0)
    for j in range(categories - 1):
        share = probabilities[:, j]
        chance = np.divide(share, left, out=np.zeros(left.shape), where=left > 1e-15)
        drawn = _binomial_numpy(uniforms[:, j], remaining, np.clip(chance, 0.0, 1.0)[row_of_cell], pmf0,
                                normal_from)
        out[:, j] = drawn
        remaining = remaining - drawn
        left = left - share
    out[:, -1] = remaining
    return out


def _multinomial_examples() -> dict[str, tuple]:
    """Birth months (one set of chances), per-cell chances (a zero share included), one set per
    column (housing), and one category."""
    rng = np.random.default_rng(9)
    n = rng.integers(0, rng.choice([5, 400, 20_000], size=(300, 7))).reshape(-1)
    per_cell = rng.dirichlet(np.ones(5), size=n.size)
    per_cell[:100, 2] = 0.0
    per_cell /= per_cell.sum(axis=-1, keepdims=True)
    per_column = rng.dirichlet(np.ones(9), size=7)
    examples = {}
    for label, rows, row_of_cell in [("shared", np.full((1, 12), 1 / 12), np.zeros(n.size, dtype=np.int64)),
                                     ("per cell", per_cell, np.arange(n.size)),
                                     ("per column", per_column, np.tile(np.arange(7), 300)),
                                     ("one category", np.ones((1, 1)), np.zeros(n.size, dtype=np.int64))]:
        uniforms = rng.random((n.size, rows.shape[1] - 1))
        examples[label] = (uniforms, n, rows, row_of_cell, NORMAL_FROM_VARIANCE)
    return examples


multinomial_kernel = kernels.register("multinomial", loop=multinomial_loop, twin=_multinomial_numpy,
                                      examples=_multinomial_examples)
