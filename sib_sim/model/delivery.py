"""How much of the usual effect support has, month by month (service.delivery_periods).

A delivery period (say remote support in a lockdown) scales what support does while it lasts. Both
the Star gains and the hospital effect read the same factor, so one assumption drives both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario.service import DeliveryPeriod


def mean_effect_factor(periods: Sequence[DeliveryPeriod], t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """Average factor over each interval [t0, t1] (arrays of the same shape; t1 > t0).

    Outside every period the factor is 1; inside, the period's factor; an interval straddling a
    period's edge gets the time-weighted mean (the periods do not overlap, so their parts add up).
    """
    length = np.maximum(t1 - t0, 1e-12)  # an empty interval (never in practice) keeps factor 1
    factor = np.ones(np.shape(t0))
    for p in periods:
        overlap = np.clip(np.minimum(t1, p.end_month) - np.maximum(t0, p.start_month), 0.0, None)
        factor -= overlap / length * (1.0 - p.effect_factor)
    return factor


def effect_factor_by_month(periods: Sequence[DeliveryPeriod], horizon_months: int) -> np.ndarray:
    """(H,) factor for each calendar month [m, m+1): the share of the month in each period counts."""
    months = np.arange(horizon_months, dtype=float)
    return mean_effect_factor(periods, months, months + 1.0)


def star_gain_factors(periods: Sequence[DeliveryPeriod], start: np.ndarray, interval: float,
                      n_intervals: int) -> np.ndarray:
    """(n, n_intervals) factor for the gain between assessment k and k+1 of each participant.

    Assessments are `interval` months apart from the first appointment, so interval k covers
    [start + k * interval, start + (k + 1) * interval].
    """
    t0 = start[:, None] + interval * np.arange(n_intervals)[None, :]
    return mean_effect_factor(periods, t0, t0 + interval)
