"""The sampler's compiled loops (numba): one pass over the cells, every region in the loop.

Each loop does, cell by cell, what its numpy twin in model/sampling.py does with whole arrays:
the same masks, the same mirror image for p > ½, the same CDF walk from P(0) and the same
Cornish–Fisher normal quantile, with the operations in the same order. Two functions come
from other libraries: the normal quantile (Wichura's AS241 here, scipy's Cephes ndtri there)
and, in the multinomial kernel only, exp/log1p for P(0) (the C library's here, numpy's
vectorised loops there; the binomial kernel takes P(0) from numpy). Both differ by an ulp or
a few at most, so a count can differ only when a cell's uniform falls within about 1e-15 of
a step of its CDF (scaled by the cell's standard deviation in the normal region): a share of
draws far below anything a budget figure could show. Tests compare millions of cells.

The scalar functions are plain Python too, compiled as helpers of the loops (model/kernels.py;
`.py_func` is the plain function), so they can be read and tested without numba. The loops are
registered with their numpy twins in model/sampling.py.
"""

from __future__ import annotations

import math

import numpy as np

from model import kernels


@kernels.helper
def ndtri(y: float) -> float:
    """The standard normal quantile: Wichura (1988), Algorithm AS241 (PPND16), Applied
    Statistics 37(3): 477–484; relative error about 1e-16 (checked against scipy's ndtri)."""
    q = y - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                   + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
        den = (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                   + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
        return q * num / den
    r = y if q <= 0.0 else 1.0 - y
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        num = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                   + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
        den = (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                   + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                   + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
        den = (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                   + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
    x = num / den
    return -x if q < 0.0 else x


@kernels.helper
def normal_count(level: float, trials: float, chance: float) -> int:
    """The count at quantile `level` where the variance is large: the normal quantile with the
    Cornish–Fisher skewness term, rounded to the nearest count in [0, n] (as _normal_quantile)."""
    sd = math.sqrt(trials * chance * (1.0 - chance))
    z = ndtri(min(max(level, 1e-300), 1 - 1e-16))
    skew = (1.0 - 2.0 * chance) / sd
    x = trials * chance + sd * (z + skew * (z * z - 1.0) / 6.0)
    return int(min(max(float(math.ceil(x - 0.5)), 0.0), trials))


@kernels.helper
def walk(u: float, n: float, ratio: float, pmf: float) -> int:
    """One cell's CDF walk from P(0): exactly the operations of sampling._walk_numpy, in its order."""
    cdf = pmf
    if not u > cdf:
        return 0
    step = 0.0
    while True:
        pmf = pmf * ((n - step) / (step + 1.0) * ratio)
        cdf = cdf + pmf
        step += 1.0
        if not (u > cdf and n > step):  # stop at n: rounding can leave the CDF a hair under 1
            return int(step)


@kernels.helper
def quantile(u: float, n: int, p: float, pmf0: float, normal_from: float) -> int:
    """The u-quantile of Binomial(n, p): zero, the exact walk or the normal region, mirrored for p > ½.

    pmf0 is P(0) of Binomial(n, min(p, 1 − p)), read only in the walk region; a negative value
    asks for it to be computed here.
    """
    if n <= 0 or not p > 0:
        return 0
    flip = p > 0.5
    chance = 1.0 - p if flip else p
    level = 1.0 - u if flip else u
    trials = float(n)
    if trials * chance * (1.0 - chance) >= normal_from:
        k = normal_count(level, trials, chance)
    elif not chance > 0:
        return n  # p = 1: every trial is an event (the mirror image of a zero chance)
    else:
        if pmf0 < 0:
            pmf0 = math.exp(trials * math.log1p(-chance))
        k = walk(level, trials, chance / (1.0 - chance), pmf0)
    return n - k if flip else k


def binomial_loop(u, n, p, pmf0, normal_from):  # noqa: ANN001, ANN201 - compiled by numba
    """Every cell's quantile (sampling.binomial_kernel); P(0) comes from numpy (its vectorised
    exp is faster than a scalar one)."""
    out = np.empty(u.shape[0], dtype=np.int64)
    for i in range(u.shape[0]):
        out[i] = quantile(u[i], n[i], p[i], pmf0[i], normal_from)
    return out


def multinomial_loop(uniforms, n, probabilities, row_of_cell, normal_from):  # noqa: ANN001, ANN201 - numba
    """Conditional binomials category by category, as sampling.multinomial_kernel's twin.

    probabilities: [rows, categories], the distinct sets of chances (one for birth months);
    row_of_cell: each cell's row. Each row's conditional chances and the logs of their P(0)
    factors are computed once, not per cell: the same operations on the same numbers, so the
    same counts.
    """
    cells, categories = uniforms.shape[0], probabilities.shape[1]
    chances = np.zeros(probabilities.shape)
    log_q = np.zeros(probabilities.shape)
    for row in range(probabilities.shape[0]):
        left = 1.0
        for j in range(categories - 1):
            share = probabilities[row, j]
            chance = min(max(share / left if left > 1e-15 else 0.0, 0.0), 1.0)
            chances[row, j] = chance
            log_q[row, j] = math.log1p(-(1.0 - chance if chance > 0.5 else chance))
            left = left - share
    out = np.empty((cells, categories), dtype=np.int64)
    for i in range(cells):
        row = row_of_cell[i]
        remaining = n[i]
        for j in range(categories - 1):
            chance = chances[row, j]
            mirrored = 1.0 - chance if chance > 0.5 else chance
            trials = float(remaining)
            pmf0 = -1.0  # needed in the walk region only (quantile's test)
            if remaining > 0 and mirrored > 0 and trials * mirrored * (1.0 - mirrored) < normal_from:
                pmf0 = math.exp(trials * log_q[row, j])
            drawn = quantile(uniforms[i, j], remaining, chance, pmf0, normal_from)
            out[i, j] = drawn
            remaining -= drawn
        out[i, categories - 1] = remaining
    return out

