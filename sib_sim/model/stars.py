"""True Well-being Star trajectories at each scheduled assessment, drawn with numpy.

Each area's latent score starts from a correlated baseline (one common factor) and moves by the
patient's own gain, which shrinks by `gain_decay` each six months. Recording (rounding, noise,
missed assessments) is the evaluator's business and happens in `measure/`.
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from ..scenario.wellbeing import STAR_AREAS
from .delivery import star_gain_factors


def assessment_times(start: np.ndarray, end: np.ndarray, interval: float, horizon: float) -> np.ndarray:
    """(n, K+1) assessment months: first appointment, then every `interval` while in support."""
    max_k = int(np.floor(np.nanmax(end - start, initial=0.0) / interval)) if start.size else 0
    k = np.arange(max_k + 1)
    times = start[:, None] + interval * k[None, :]
    scheduled = (times <= end[:, None]) & (times < horizon)
    return np.where(scheduled, times, np.nan)


def draw_star_paths(scenario: Scenario, group: np.ndarray, n_assessments: int,
                    rng: np.random.Generator, start: np.ndarray | None = None) -> np.ndarray:
    """(n, n_assessments, 8) latent area scores; assessment 0 is the baseline.

    With `start` (first appointment months) and `service.delivery_periods`, each interval's gain is
    scaled by the delivery factor over it; the random draws are the same either way.
    """
    w = scenario.wellbeing
    n, n_areas = group.size, len(STAR_AREAS)
    shift = np.array([g.star_baseline_shift for g in scenario.cohort.groups])[group]
    common = rng.standard_normal((n, 1))
    own = rng.standard_normal((n, n_areas))
    rho = w.baseline_correlation
    baseline = (w.baseline_mean_per_area + shift[:, None]
                + w.baseline_sd_per_area * (np.sqrt(rho) * common + np.sqrt(1.0 - rho) * own))
    gain = w.gain_first_period_mean + w.gain_sd * rng.standard_normal(n)
    periods = max(n_assessments - 1, 0)
    decay = w.gain_decay ** np.arange(periods)
    expected_step = gain[:, None, None] * decay[None, :, None]
    periods_of_delivery = scenario.service.delivery_periods
    if start is not None and periods_of_delivery:
        interval = scenario.service.assessment_interval_months
        expected_step = expected_step * star_gain_factors(periods_of_delivery, start, interval, periods)[:, :, None]
    steps = expected_step + w.area_noise_sd * rng.standard_normal((n, periods, n_areas))
    path = np.concatenate([baseline[:, None, :], baseline[:, None, :] + np.cumsum(steps, axis=1)], axis=1)
    return np.clip(path, w.floor, w.ceiling)
