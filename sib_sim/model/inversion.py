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

from . import poisson_table

# Below this mean, counting up from zero is cheaper than starting from a normal approximation.
SMALL_MEAN = 4.0


def poisson_quantile(u: np.ndarray, mean: np.ndarray, use_table: bool = True) -> np.ndarray:
    """The smallest k with P(K <= k) >= u for K ~ Poisson(mean), elementwise (as float).

    Exact: the search steps one count at a time on the Poisson distribution function, from zero for
    small means and from a Cornish-Fisher guess (normal with a skew correction) for larger ones.
    Means the table of model/poisson_table.py serves are read from it where its neighbouring grid
    means agree, the same counts at a fraction of the cost (`use_table` False: never; for tests).
    """
    u = np.asarray(u, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    out = np.zeros(u.shape)
    flat_u, flat_mean = u.ravel(), mean.ravel()
    small = np.flatnonzero((flat_mean > 0) & (flat_mean <= SMALL_MEAN))
    out.ravel()[small] = _count_up(flat_u[small], flat_mean[small])
    if use_table:
        in_table = (flat_mean >= poisson_table.LOWEST) & (flat_mean < poisson_table.HIGHEST)
        large = np.flatnonzero((flat_mean > SMALL_MEAN) & ~in_table)
        tabled = np.flatnonzero(in_table & (flat_mean > SMALL_MEAN))
        counts, settled = poisson_table.table_quantiles(flat_u[tabled], flat_mean[tabled])
        out.ravel()[tabled[settled]] = counts[settled]
        large = np.concatenate([large, tabled[~settled]])
    else:
        large = np.flatnonzero(flat_mean > SMALL_MEAN)
    out.ravel()[large] = _search_from_guess(flat_u[large], flat_mean[large])
    return out


def _count_up(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """_step_up from zero, on whole arrays rather than shrinking selections: every small mean needs
    only a few steps, and whole-array steps are cheaper than gathering the ones still going. Each
    element sees the same operations in the same order, so the counts are _step_up's."""
    k = np.zeros(u.shape)
    pmf = np.exp(-mean)
    cdf = pmf.copy()
    going = cdf < u
    j = 0.0
    while going.any():
        j += 1.0
        pmf *= mean / j
        new_cdf = cdf + pmf
        k[going] = j
        # As in _step_up: stop where rounding no longer moves the sum (far in the tail).
        going &= (new_cdf < u) & (new_cdf > cdf)
        cdf = new_cdf
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
    return gamma_quantile(np.asarray(u, dtype=float), float(shape)) / shape


# The gamma quantile from a table: a quintic Hermite polynomial per interval of log x against
# logit u (where the quantile is smooth from one tail to the other), from the exact values and their
# first two derivatives at the nodes. About ten times cheaper than scipy's gammaincinv, and checked
# when built: at every interval's midpoint, where the interpolation error peaks, it must equal
# gammaincinv within 1e-13 relative, else that shape keeps gammaincinv (tiny shapes do).
_LOGIT_EDGE = 40.0  # logit u above this (within 4e-18 of 1), or below the table: gammaincinv
_TABLE_POINTS = 4097
_TABLE_TOLERANCE = 1e-13
# Every shape gets its table at once, whatever was asked before: a replication's numbers must not
# depend on what else its process ran (the worker count). Building one costs about as much as
# inverting the two cohorts of one replication directly, so even a shape drawn afresh in every
# replication pays little.
_tables: dict[float, tuple[float, float, np.ndarray] | None] = {}


def gamma_quantile(u: np.ndarray, shape: float) -> np.ndarray:
    """x with P(shape, x) = u for the standard gamma distribution, elementwise; monotone in u."""
    table = _table(shape)
    if table is None:
        return special.gammaincinv(shape, u)
    lowest, step, _ = table
    with np.errstate(divide="ignore"):
        t = np.log(u) - np.log1p(-u)
    inside = (t >= lowest) & (t <= _LOGIT_EDGE)
    if inside.all():
        return _evaluate(t, table)
    x = special.gammaincinv(shape, u)
    x[inside] = _evaluate(t[inside], table)
    return x


def _evaluate(t: np.ndarray, table: tuple[float, float, np.ndarray]) -> np.ndarray:
    lowest, step, coefficients = table
    y = (t - lowest) / step
    i = np.minimum(y.astype(np.int64), coefficients.shape[0] - 1)
    s = y - i
    c = coefficients[i]
    p = c[:, 5]
    for j in (4, 3, 2, 1, 0):
        p = p * s + c[:, j]
    return np.exp(p)


def _nodes(shape: float, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log x and its first two derivatives in t = logit u, each half from its own tail's inverse."""
    u, q = special.expit(t), special.expit(-t)
    x = np.where(t < 0, special.gammaincinv(shape, u), special.gammainccinv(shape, q))
    g = np.log(x)
    d = u * q / np.exp(shape * g - x - special.gammaln(shape))  # du/dt over x times the density
    return g, d, d * ((q - u) - (shape - x) * d)


def _build(shape: float) -> tuple[float, float, np.ndarray] | None:
    # Lowest logit whose quantile stays far above the smallest double (P(a, x) ~ x^a / a! there).
    lowest = max(-_LOGIT_EDGE, shape * np.log(1e-280) - float(special.gammaln(shape + 1.0)))
    t = np.linspace(lowest, _LOGIT_EDGE, _TABLE_POINTS)
    h = float(t[1] - t[0])
    g, d, e = _nodes(shape, t)
    rise, d0, d1, e0, e1 = np.diff(g), d[:-1] * h, d[1:] * h, e[:-1] * h * h, e[1:] * h * h
    coefficients = np.stack([g[:-1], d0, e0 / 2, 10 * rise - 6 * d0 - 4 * d1 - 1.5 * e0 + 0.5 * e1,
                             -15 * rise + 8 * d0 + 7 * d1 + 1.5 * e0 - e1,
                             6 * rise - 3 * d0 - 3 * d1 - 0.5 * e0 + 0.5 * e1], axis=1)
    table = (float(lowest), h, np.ascontiguousarray(coefficients))
    mid = t[:-1] + h / 2
    exact = np.exp(_nodes(shape, mid)[0])
    ok = np.all(np.abs(_evaluate(mid, table) - exact) <= _TABLE_TOLERANCE * exact)
    return table if ok else None


def _table(shape: float) -> tuple[float, float, np.ndarray] | None:
    if shape not in _tables:
        if len(_tables) >= 32:  # a long sweep over shapes: keep memory bounded
            _tables.clear()
        _tables[shape] = _build(shape)
    return _tables[shape]
