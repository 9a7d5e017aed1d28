"""When referrals arrive: a Poisson process whose monthly rate ramps up, pauses and stops."""

from __future__ import annotations

import numpy as np

from ..scenario import Cohort, Referrals


def monthly_referral_rate(referrals: Referrals, horizon_months: int) -> np.ndarray:
    """Expected referrals in each calendar month (index m covers months [m, m+1))."""
    starts = np.arange(horizon_months, dtype=float)
    mids = starts + 0.5
    ramp = np.ones(horizon_months)
    if referrals.ramp_up_months > 0:
        progress = np.clip((mids - referrals.start_month) / referrals.ramp_up_months, 0.0, 1.0)
        ramp = referrals.ramp_start_fraction + (1.0 - referrals.ramp_start_fraction) * progress
    # Fraction of each month inside the referral window, so a window ending mid-month is exact.
    open_part = np.clip(np.minimum(starts + 1, referrals.end_month) - np.maximum(starts, referrals.start_month),
                        0.0, 1.0)
    rate = referrals.rate_per_month * ramp * open_part
    for pause in referrals.pauses:
        overlap = np.clip(np.minimum(starts + 1, pause.end_month) - np.maximum(starts, pause.start_month), 0.0, 1.0)
        rate *= 1.0 - overlap * (1.0 - pause.rate_factor)
    return rate


def draw_referral_times(referrals: Referrals, horizon_months: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted referral times in months.

    Counts are Poisson per month, times uniform within the month's open part; drawing per month keeps
    the process exact for a piecewise-constant rate without thinning.
    """
    rate = monthly_referral_rate(referrals, horizon_months)
    counts = rng.poisson(rate)
    months = np.repeat(np.arange(horizon_months), counts)
    lo = np.maximum(months, referrals.start_month)
    hi = np.minimum(months + 1, referrals.end_month)
    times = lo + rng.random(months.size) * np.maximum(hi - lo, 0.0)
    return np.sort(times)


def draw_cohort_referrals(cohort: Cohort, horizon_months: int,
                          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    """Sorted referral times, and each referral's area where areas have their own referral profiles
    (each area's process drawn in turn from `rng`; None otherwise, and the draws are as before)."""
    profiles = cohort.referral_profiles
    if len(profiles) == 1 and not cohort.has_area_profiles:
        return draw_referral_times(profiles[0], horizon_months, rng), None
    parts = [draw_referral_times(p, horizon_months, rng) for p in profiles]
    times = np.concatenate(parts)
    area = np.repeat(np.arange(len(parts)), [p.size for p in parts])
    order = np.argsort(times, kind="stable")
    return times[order], area[order]
