"""Poisson quantiles for means in [4, 64) from a table of distribution functions on a grid of means.

The Poisson distribution rises stochastically with its mean, so for a mean m between two grid
means a <= m <= b the quantile at m lies between the quantiles at a and at b. Where those two agree
(all but a share of about b - a of uniforms: the expected count rises by b - a between them), that
is the count, read from the table without evaluating anything at m; elsewhere the caller inverts
at m directly. The grid is fixed (means in steps of 1/32) and each block of it is computed the
first time a mean needs it, so the counts never depend on what a process computed before.
"""

from __future__ import annotations

import numpy as np
from scipy import special

LOWEST, HIGHEST = 4.0, 64.0  # means the table serves (below: counting up from zero is cheaper)
PER_MEAN = 32  # rows per unit of mean
TAIL = 1e-9  # uniforms this close to 0 or 1 are left to the direct search
BLOCK_ROWS = 8 * PER_MEAN  # rows computed together, the first time a mean needs one of them
COUNTS = int(HIGHEST + 10.0 * np.sqrt(HIGHEST) + 12.0)  # columns: counts 0 .. COUNTS - 1
_ROWS = int((HIGHEST - LOWEST) * PER_MEAN) + 1  # one row past the last bucket
_cdf = np.full((_ROWS, COUNTS), np.nan)
_built = np.zeros(-(-_ROWS // BLOCK_ROWS), dtype=bool)


def _build(block: int) -> None:
    rows = np.arange(block * BLOCK_ROWS, min((block + 1) * BLOCK_ROWS, _ROWS))
    means = LOWEST + rows / PER_MEAN
    _cdf[rows] = special.pdtr(np.arange(COUNTS)[None, :], means[:, None])
    _built[block] = True


def table_quantiles(u: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts where the table settles them, and a mask of those it settles; LOWEST <= mean < HIGHEST."""
    row = ((mean - LOWEST) * PER_MEAN).astype(np.int64)  # grid means: row, row + 1
    for block in np.unique(np.concatenate([row // BLOCK_ROWS, (row + 1) // BLOCK_ROWS])):
        if not _built[block]:
            _build(int(block))
    z = special.ndtri(np.clip(u, 1e-300, None))
    guess = np.floor(mean + np.sqrt(mean) * z + (z * z - 1.0) / 6.0)
    last = COUNTS - 1
    k = np.clip(guess, 0, last).astype(np.int64)
    flat = _cdf.ravel()
    base = row * COUNTS
    # The smallest count whose distribution function at the lower grid mean reaches u.
    up = np.flatnonzero(flat[base + k] < u)
    while up.size:
        k[up] += 1
        up = up[(k[up] < last) & (flat[base[up] + k[up]] < u[up])]
    down = np.flatnonzero((k > 0) & (flat[base + k - 1] >= u))
    while down.size:
        k[down] -= 1
        down = down[(k[down] > 0) & (flat[base[down] + k[down] - 1] >= u[down])]
    # The same count at the upper grid mean: its distribution function there still reaches u (one
    # count less falls short at the upper mean, as it does at the lower).
    # Far in the tails the direct search's running sums round differently from the table's values:
    # leave those few uniforms to it, so the counts are always the direct search's.
    settled = (k < last) & (flat[base + k] >= u) & (flat[base + COUNTS + k] >= u) & (u > TAIL) & (u < 1.0 - TAIL)
    return k.astype(float), settled
