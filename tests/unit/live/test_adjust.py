"""The regression adjustment: exact on a linear case, and blind to repeated paths."""

import numpy as np

from sib_sim.live.adjust import adjusted


def test_an_exact_linear_future_moves_to_its_value_at_the_observed_summaries():
    s = np.linspace(0.0, 10.0, 30)[:, None]
    y = 3.0 + 2.0 * s[:, 0]
    np.testing.assert_allclose(adjusted(y, s, np.array([4.0])), np.full(30, 11.0), atol=1e-9)


def test_repeated_paths_add_no_information():
    """Resampling repeats paths: the fit and the widening count distinct paths, so a sample with
    every path twice is adjusted exactly as the sample itself."""
    rng = np.random.default_rng(3)
    s = rng.normal(size=(40, 3))
    y = 10.0 + s @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=40)
    once = adjusted(y, s, np.zeros(3))
    twice = adjusted(np.concatenate([y, y]), np.vstack([s, s]), np.zeros(3))
    np.testing.assert_allclose(twice, np.concatenate([once, once]))
    # widened beyond the in-sample residuals: (k - 1) / (k - d - 1) (1 + h0) with k = 40, d = 3
    x = np.column_stack([np.ones(40), s / s.std(axis=0)])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    h0 = np.linalg.inv(x.T @ x)[0, 0]
    np.testing.assert_allclose(np.std(once), np.std(y - x @ coef) * np.sqrt(39 / 36 * (1 + h0)), rtol=1e-9)


def test_too_few_distinct_paths_leave_the_future_alone():
    s = np.repeat(np.arange(5.0)[:, None], 10, axis=0)
    y = np.arange(50.0)
    np.testing.assert_array_equal(adjusted(y, s, np.array([1.0])), y)
