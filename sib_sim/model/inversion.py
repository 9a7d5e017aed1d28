"""Random draws by inversion: each value is a monotone function of one uniform (DESIGN.md section 6).

numpy's Poisson, gamma and binomial samplers reject and retry, so they consume a variable number
of uniforms: in a paired run where one rate moved, every later draw from the stream moves too. Here
the uniforms are drawn first, as a block of fixed size, and each is turned into its value by the
inverse distribution function. Raising a rate then raises every count drawn from it (or leaves it
as it is) and changes nothing else.
"""

from __future__ import annotations

import numpy as np
from scipy import special

# Below this mean, counting up from zero is cheaper than starting from a normal approximation.
SMALL_MEAN = 4.0


def poisson_quantile(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The smallest k with P(K <= k) >= u for K ~ Poisson(mean), elementwise (as float).

    Exact: the search steps one count at a time on the Poisson distribution function, from zero for
    small means and from a Cornish-Fisher guess (normal with a skew correction) for larger ones.
    """
    u = np.asarray(u, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    out = np.zeros(u.shape)
    flat_u, flat_mean = u.ravel(), mean.ravel()
    small = np.flatnonzero((flat_mean > 0) & (flat_mean <= SMALL_MEAN))
    large = np.flatnonzero(flat_mean > SMALL_MEAN)
    out.ravel()[small] = _count_up(flat_u[small], flat_mean[small])
    out.ravel()[large] = _search_from_guess(flat_u[large], flat_mean[large])
    return out


def _count_up(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    k = np.zeros(u.shape)
    pmf = np.exp(-mean)
    cdf = pmf.copy()
    _step_up(k, pmf, cdf, u, mean)
    return k


def _search_from_guess(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    z = special.ndtri(np.clip(u, 1e-300, None))
    k = np.maximum(np.floor(mean + np.sqrt(mean) * z + (z * z - 1.0) / 6.0), 0.0)
    cdf = special.pdtr(k, mean)
    pmf = np.exp(k * np.log(mean) - mean - special.gammaln(k + 1.0))
    # Step down while P(K <= k - 1) is still at least u, then up while P(K <= k) is below it.
    sel = np.flatnonzero((k > 0) & (cdf - pmf >= u))
    while sel.size:
        cdf[sel] -= pmf[sel]
        pmf[sel] *= k[sel] / mean[sel]
        k[sel] -= 1.0
        sel = sel[(k[sel] > 0) & (cdf[sel] - pmf[sel] >= u[sel])]
    _step_up(k, pmf, cdf, u, mean)
    return k


def _step_up(k: np.ndarray, pmf: np.ndarray, cdf: np.ndarray, u: np.ndarray, mean: np.ndarray) -> None:
    """In place: raise k (with its pmf and cdf) until cdf >= u."""
    sel = np.flatnonzero(cdf < u)
    while sel.size:
        k[sel] += 1.0
        pmf[sel] *= mean[sel] / k[sel]
        new_cdf = cdf[sel] + pmf[sel]
        # Rounding can leave the running sum a hair below a u just under 1: stop once the pmf is
        # too small to move it (the count is then already far in the tail).
        stuck = new_cdf <= cdf[sel]
        cdf[sel] = new_cdf
        sel = sel[(new_cdf < u[sel]) & ~stuck]


def gamma_frailty(u: np.ndarray, shape: float) -> np.ndarray:
    """Gamma frailties with mean 1 and the given shape (variance 1 / shape), by inversion."""
    return special.gammaincinv(shape, np.asarray(u, dtype=float)) / shape
