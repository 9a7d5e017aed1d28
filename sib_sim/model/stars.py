"""True Well-being Star trajectories at each scheduled assessment, drawn with numpy.

Each area's latent score starts from a correlated baseline (one common factor) and moves by the
patient's own gain, which shrinks by `gain_decay` each six months. Recording (rounding, noise,
missed assessments) is the evaluator's business and happens in `measure/`.
"""

from __future__ import annotations

import numpy as np

from ..rng import referral_block
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


def max_assessments(scenario: Scenario) -> int:
    """Assessments a participant can have at most (the first and every interval in support): the
    size of each patient's block of draws, so it never depends on who started or for how long."""
    service = scenario.service
    return int(np.floor(service.support_months_max / service.assessment_interval_months + 1e-9)) + 1


def draw_star_paths(scenario: Scenario, group: np.ndarray, n_assessments: int,
                    rng: np.random.Generator, start: np.ndarray | None = None,
                    who: np.ndarray | None = None, n_patients: int | None = None,
                    area: np.ndarray | None = None) -> np.ndarray:
    """(n, n_assessments, 8) latent area scores; assessment 0 is the baseline.

    With `start` (first appointment months) and `service.delivery_periods`, each interval's gain is
    scaled by the delivery factor over it; the random draws are the same either way.

    Common random numbers: each of `n_patients` patients (default: those in `group`) has one row of
    standard normals of a fixed length (baseline factors, gain, every step up to the most
    assessments anyone can have), drawn as one block; `who` picks the rows of these patients. So a
    patient's draws do not depend on who else started, and a parameter scales them, never moves them.
    `area` (each referral's, where areas have their own referral profiles): each area's patients
    draw their rows from the area's own sub-stream (rng.referral_block).
    """
    w = scenario.wellbeing
    n, n_areas = group.size, len(STAR_AREAS)
    who = np.arange(n) if who is None else who
    periods = max(n_assessments - 1, 0)
    most = max(max_assessments(scenario) - 1, periods)
    block = referral_block(rng, "standard_normal", area, n if n_patients is None else n_patients,
                           2 + n_areas * (1 + most))[who]
    common, gain_z = block[:, :1], block[:, 1]
    own = block[:, 2:2 + n_areas]
    step_z = block[:, 2 + n_areas:].reshape(n, most, n_areas)[:, :periods]
    shift = np.array([g.star_baseline_shift for g in scenario.cohort.groups])[group]
    rho = w.baseline_correlation
    baseline = (w.baseline_mean_per_area + shift[:, None]
                + w.baseline_sd_per_area * (np.sqrt(rho) * common + np.sqrt(1.0 - rho) * own))
    gain = w.gain_first_period_mean + w.gain_sd * gain_z
    decay = w.gain_decay ** np.arange(periods)
    expected_step = gain[:, None, None] * decay[None, :, None]
    periods_of_delivery = scenario.service.delivery_periods
    if start is not None and periods_of_delivery:
        interval = scenario.service.assessment_interval_months
        expected_step = expected_step * star_gain_factors(periods_of_delivery, start, interval, periods)[:, :, None]
    steps = expected_step + w.area_noise_sd * step_z
    # baseline + the running sum of the steps, written out: a cumulative sum along a middle axis is
    # several times slower in numpy, and these are the same additions in the same order.
    path = np.empty((n, periods + 1, n_areas))
    path[:, 0] = baseline
    if periods:
        total = steps[:, 0].copy()
        path[:, 1] = baseline + total
        for k in range(1, periods):
            total += steps[:, k]
            path[:, k + 1] = baseline + total
    return np.clip(path, w.floor, w.ceiling, out=path)
