"""When referrals arrive: a Poisson process whose monthly rate ramps up, pauses and stops.

The process is drawn by thinning fixed layers, so paired runs (the same seed, a different rate)
share their referrals: layer k is a Poisson process of LAYER_RATE candidates a month over the whole
horizon, its own draws independent of every parameter, and a candidate at time t is a referral when
its uniform falls below the part of the intensity between k and k + 1 layers. Raising the rate in
one month therefore only adds referrals there; every other referral keeps its time and its own
uniforms (engagement, group, durations), because those are drawn per candidate, a fixed number each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import sub_stream
from ..scenario import Cohort, Referrals

LAYER_RATE = 32.0  # candidates per month per layer: a fixed constant, never a parameter

# Uniforms drawn per candidate, by stream, in this order (append only: reordering moves every draw).
ENGAGEMENT_UNIFORMS = ("group", "engage", "delay")
DURATION_UNIFORMS = ("planned", "leave")


@dataclass(frozen=True)
class ReferralDraws:
    """Referrals in time order, with the uniforms each one carries (one column per name)."""

    times: np.ndarray  # (n,) months
    engagement: np.ndarray  # (n, len(ENGAGEMENT_UNIFORMS))
    duration: np.ndarray  # (n, len(DURATION_UNIFORMS))

    def uniform(self, name: str) -> np.ndarray:
        if name in ENGAGEMENT_UNIFORMS:
            return self.engagement[:, ENGAGEMENT_UNIFORMS.index(name)]
        return self.duration[:, DURATION_UNIFORMS.index(name)]


def monthly_referral_rate(referrals: Referrals, horizon_months: int) -> np.ndarray:
    """Expected referrals in each calendar month (index m covers months [m, m+1))."""
    starts = np.arange(horizon_months, dtype=float)
    # Fraction of each month inside the referral window, so a window ending mid-month is exact.
    open_part = np.clip(np.minimum(starts + 1, referrals.end_month) - np.maximum(starts, referrals.start_month),
                        0.0, 1.0)
    rate = referrals.rate_per_month * ramp_by_month(referrals, horizon_months) * open_part
    for pause in referrals.pauses:
        overlap = np.clip(np.minimum(starts + 1, pause.end_month) - np.maximum(starts, pause.start_month), 0.0, 1.0)
        rate *= 1.0 - overlap * (1.0 - pause.rate_factor)
    return rate


def ramp_by_month(referrals: Referrals, horizon_months: int) -> np.ndarray:
    """(H,) share of the full rate in each month: a linear ramp read at the month's mid-point."""
    mids = np.arange(horizon_months) + 0.5
    if referrals.ramp_up_months <= 0:
        return np.ones(horizon_months)
    progress = np.clip((mids - referrals.start_month) / referrals.ramp_up_months, 0.0, 1.0)
    return referrals.ramp_start_fraction + (1.0 - referrals.ramp_start_fraction) * progress


def referral_intensity(referrals: Referrals, horizon_months: int, t: np.ndarray) -> np.ndarray:
    """Referrals per month at the instants t (0 <= t < horizon): ramp x window x pauses."""
    month = np.minimum(t.astype(int), horizon_months - 1)
    rate = referrals.rate_per_month * ramp_by_month(referrals, horizon_months)[month]
    rate = np.where((t >= referrals.start_month) & (t < referrals.end_month), rate, 0.0)
    for pause in referrals.pauses:
        rate = np.where((t >= pause.start_month) & (t < pause.end_month), rate * pause.rate_factor, rate)
    return rate


def draw_referrals(referrals: Referrals, horizon_months: int, rng_referrals: np.random.Generator,
                   rng_engagement: np.random.Generator, rng_duration: np.random.Generator) -> ReferralDraws:
    """The referrals of one replication, with their own uniforms, in time order.

    Each layer draws from each stream a fixed amount given the horizon (its candidate count is
    Poisson at a constant mean), and layers are drawn in order, so a rate that needs one more layer
    appends draws after the others and moves none of them.
    """
    peak = referrals.rate_per_month * float(ramp_by_month(referrals, horizon_months).max(initial=1.0))
    layers = max(int(np.ceil(peak / LAYER_RATE - 1e-12)), 1)
    times, engagement, duration = [], [], []
    for k in range(layers):
        counts = rng_referrals.poisson(LAYER_RATE, horizon_months)  # constant mean: fixed consumption
        n = int(counts.sum())
        u = rng_referrals.random((n, 2))  # (time within the month, thinning)
        eng = rng_engagement.random((n, len(ENGAGEMENT_UNIFORMS)))
        dur = rng_duration.random((n, len(DURATION_UNIFORMS)))
        t = np.repeat(np.arange(horizon_months, dtype=float), counts) + u[:, 0]
        share = np.clip(referral_intensity(referrals, horizon_months, t) - k * LAYER_RATE, 0.0, LAYER_RATE)
        keep = u[:, 1] * LAYER_RATE < share
        times.append(t[keep])
        engagement.append(eng[keep])
        duration.append(dur[keep])
    all_times = np.concatenate(times)
    order = np.argsort(all_times, kind="stable")
    return ReferralDraws(all_times[order], np.concatenate(engagement)[order], np.concatenate(duration)[order])



def draw_cohort_referrals(cohort: Cohort, horizon_months: int, rng_referrals: np.random.Generator,
                          rng_engagement: np.random.Generator, rng_duration: np.random.Generator
                          ) -> tuple[ReferralDraws, np.ndarray | None]:
    """Referrals in time order, and each one's area where areas have their own referral profiles
    (None otherwise). Each area's process is drawn from its own sub-streams of the referral,
    engagement and duration streams (rng.sub_stream), so a change in one area's profile (even one
    that adds a layer) moves only that area's referrals and their uniforms."""
    profiles = cohort.referral_profiles
    if len(profiles) == 1 and not cohort.has_area_profiles:
        return draw_referrals(profiles[0], horizon_months, rng_referrals, rng_engagement, rng_duration), None
    parts = [draw_referrals(p, horizon_months, sub_stream(rng_referrals, i), sub_stream(rng_engagement, i),
                            sub_stream(rng_duration, i)) for i, p in enumerate(profiles)]
    times = np.concatenate([p.times for p in parts])
    area = np.repeat(np.arange(len(parts)), [p.times.size for p in parts])
    order = np.argsort(times, kind="stable")
    return (ReferralDraws(times[order], np.concatenate([p.engagement for p in parts])[order],
                          np.concatenate([p.duration for p in parts])[order]), area[order])
