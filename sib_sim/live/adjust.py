"""Regression adjustment of what the projected paths pay after as-of, for the history they carry.

A path's future depends on its own history beyond the parameters: the same patients stay in
hospital follow-up (their frailty, the comparison group's sampling noise persist), the people in
support at as-of are those its history put there. The paths are simulated afresh, so their own
simulated history (its summaries S_k) differs from the actuals' s_obs, and their futures follow
their own histories, not the real one. Following Beaumont, Zhang and Balding (2002, "Approximate
Bayesian computation in population genetics", Genetics 162:2025-2035), regress the future quantity
Y_k on the standardised S_k - s_obs over the paths and move each path to s_obs along the fit:

    Y_k' = a + e_k * sqrt((k - 1) / (k - d - 1))

(a the fit at s_obs, e_k the residual, inflated for the d coefficients fitted), a linear
approximation of the future given the history. It is applied to each path's future payments of
each outcome line as a factor Y_k' / Y_k (live/condition.py keeps caps), with too few paths for the
summaries (k < d + 10) it is skipped.
"""

from __future__ import annotations

import numpy as np


def adjusted(y: np.ndarray, s: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """y (k,) moved to the observed summaries (k, d) -> (k,), or y itself with too few paths."""
    sd = s.std(axis=0)
    keep = sd > 1e-12 * (1.0 + np.abs(s).mean(axis=0))
    k, d = len(y), int(keep.sum())
    if k < d + 10 or d == 0:
        return y
    x = np.column_stack([np.ones(k), (s[:, keep] - observed[keep]) / sd[keep]])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    return coef[0] + resid * np.sqrt((k - 1) / (k - d - 1))
