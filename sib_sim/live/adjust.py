"""Regression adjustment of what the projected paths pay after as-of, for the history they carry.

A path's future depends on its own history beyond the parameters: the same patients stay in
hospital follow-up (their frailty, the comparison group's sampling noise persist), the people in
support at as-of are those its history put there. The paths are simulated afresh, so their own
simulated history (its summaries S_k) differs from the actuals' s_obs, and their futures follow
their own histories, not the real one. Following Beaumont, Zhang and Balding (2002, "Approximate
Bayesian computation in population genetics", Genetics 162:2025-2035), regress the future quantity
Y_k on the standardised S_k - s_obs over the paths and move each path to s_obs along the fit:

    Y_k' = a + e_k * sqrt((k - 1) / (k - d - 1) * (1 + h_0))

(a the fit at s_obs, e_k the residual), a linear approximation of the future given the history. The
residuals alone understate how far the fitted line can be from the truth's future, so each is
widened by what the fit does not know: k counts the *distinct* paths (resampling repeats paths, and
a repeat adds no information), the factor (k - 1) / (k - d - 1) makes up for the d coefficients fitted
in-sample, and 1 + h_0 adds the error of the fit's own value at s_obs (h_0 = [(X'X)^-1]_00, the
leverage of the observed summaries: large when s_obs lies far from the paths'). Without these terms
(in-sample residuals over repeated paths) the adjustment narrowed the 90% interval by a fifth while
its coverage fell (benchmarks/backtest.py: see live/condition.py and the README's backtest). It is
applied to each path's future payments of each outcome line as a factor Y_k' / Y_k (live/condition.py
keeps caps); with too few distinct paths for the summaries (k < d + 10) it is skipped.
"""

from __future__ import annotations

import numpy as np


def adjusted(y: np.ndarray, s: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """y (k,) moved to the observed summaries (k, d) -> (k,), or y itself with too few distinct paths."""
    _, first = np.unique(s, axis=0, return_index=True)
    distinct = s[np.sort(first)]
    sd = distinct.std(axis=0)
    keep = sd > 1e-12 * (1.0 + np.abs(distinct).mean(axis=0))
    k, d = len(distinct), int(keep.sum())
    if k < d + 10 or d == 0:
        return y
    x = np.column_stack([np.ones(k), (distinct[:, keep] - observed[keep]) / sd[keep]])
    coef, *_ = np.linalg.lstsq(x, y[np.sort(first)], rcond=None)
    h0 = float(np.linalg.pinv(x.T @ x)[0, 0])
    resid = y - np.column_stack([np.ones(len(y)), (s[:, keep] - observed[keep]) / sd[keep]]) @ coef
    return coef[0] + resid * np.sqrt((k - 1) / (k - d - 1) * (1.0 + h0))
