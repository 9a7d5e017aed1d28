"""Recorded Stars: integer area scores with recording noise; some follow-up assessments missed."""

from __future__ import annotations

import numpy as np

from ..model import CohortLog
from ..model.stars import max_assessments
from ..rng import referral_block
from ..scenario import Scenario
from .ledger import STAR_CHANGE_BINS


def record_stars(log: CohortLog, scenario: Scenario, rng: np.random.Generator,
                 draws: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Recorded totals (n, K+1), NaN where not assessed or missed, and the true totals.

    `draws`: recording_draws(log, scenario, rng), when the caller needs them too (the null view)."""
    noise, missed = recording_draws(log, scenario, rng) if draws is None else draws
    recorded = _recorded_totals(log.star_paths + noise, scenario)
    kept = ~np.isnan(log.star_times) & ~missed
    true = np.where(kept, log.star_paths.sum(axis=2), np.nan)
    return np.where(kept, recorded, np.nan), true


def recording_draws(log: CohortLog, scenario: Scenario, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The evaluator's draws: recording noise (n, K+1, 8) already scaled by its sd, and which
    assessments are missed (n, K+1; never the first, part of the first appointment)."""
    n_assessments = log.star_paths.shape[1]
    noise = patient_blocks(log, scenario, rng, "standard_normal", n_assessments, log.star_paths.shape[2])
    noise *= scenario.wellbeing.measurement_noise_sd
    missed = patient_blocks(log, scenario, rng, "random", n_assessments, part=1) < scenario.service.p_assessment_missed
    missed[:, 0] = False
    return noise, missed


def _recorded_totals(noisy: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Each area's noisy score recorded as a whole number within the scale, summed over areas."""
    w = scenario.wellbeing
    return np.clip(np.rint(noisy, out=noisy), w.floor, w.ceiling, out=noisy).sum(axis=2)


def patient_blocks(log: CohortLog, scenario: Scenario, rng: np.random.Generator, draw: str, n_assessments: int,
                   *inner: int, first: int = 0, part: int | None = None) -> np.ndarray:
    """Draws for the participants, (n, n_assessments, *inner), from a block with one row per referral
    and a column per assessment anyone can have from the `first` on: its size does not depend on
    who started or for how long, so a parameter of the recording (noise, missed share) scales
    draws but never moves them. Where areas have their own referral profiles, each area's rows
    come from its own sub-stream (rng.referral_block; `part` keeps two blocks of one stream apart)."""
    most = max(max_assessments(scenario) - first, n_assessments)
    block = referral_block(rng, draw, log.flow.area, log.flow.referral_month.size, most, *inner, part=part)
    return block[log.participants, :n_assessments]


def star_series(log: CohortLog, recorded: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Monthly count of recorded follow-up Stars and the sum of their change since the first Star."""
    change = recorded[:, 1:] - recorded[:, :1]
    months = log.star_times[:, 1:]
    ok = ~np.isnan(change)
    month_index = np.floor(months[ok]).astype(int)
    followups = np.bincount(month_index, minlength=horizon)[:horizon].astype(float)
    change_sum = np.bincount(month_index, weights=change[ok], minlength=horizon)[:horizon]
    return followups, change_sum


def true_star_series(log: CohortLog, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """What a perfect evaluator would see: every scheduled follow-up Star (none missed) and the sum
    of the true latent change in the total since the first appointment, by month."""
    totals = log.star_paths.sum(axis=2)
    scheduled = np.where(~np.isnan(log.star_times), totals, np.nan)
    return star_series(log, scheduled, horizon)


def null_star_change_sum(log: CohortLog, recorded: np.ndarray, scenario: Scenario,
                         noise: np.ndarray, horizon: int) -> np.ndarray:
    """Monthly sum of recorded changes had no one's Star truly moved: the same people, first Stars
    and missed Stars, follow-ups recorded from the latent baseline with the same recording noise
    (`noise`, from recording_draws) and rounding. Sharing the measured record's noise pairs the two
    views, so their difference is what support did, not fresh noise."""
    follow = log.star_paths.shape[1] - 1
    followups = _recorded_totals(log.star_paths[:, :1, :] + noise[:, 1:1 + follow], scenario)
    # Missed or unscheduled follow-ups stay missing: NaN where the measured record has none.
    null = np.concatenate([recorded[:, :1], np.where(np.isnan(recorded[:, 1:]), np.nan, followups)], axis=1)
    return star_series(log, null, horizon)[1]


def latest_change(totals: np.ndarray) -> np.ndarray:
    """Per patient: latest recorded total minus first (NaN without a follow-up)."""
    follow = totals[:, 1:]
    has = ~np.isnan(follow)
    if follow.shape[1] == 0:
        return np.full(totals.shape[0], np.nan)
    last_index = np.where(has.any(axis=1), follow.shape[1] - 1 - np.argmax(has[:, ::-1], axis=1), 0)
    latest = follow[np.arange(follow.shape[0]), last_index]
    return np.where(has.any(axis=1), latest - totals[:, 0], np.nan)


def change_histogram(change: np.ndarray) -> np.ndarray:
    values = np.rint(change[~np.isnan(change)]).astype(int) - STAR_CHANGE_BINS[0]
    return np.bincount(values, minlength=STAR_CHANGE_BINS.size)[: STAR_CHANGE_BINS.size]
