"""Secondary-care use of participants, per month, and what it would have been without support.

Counts are Poisson given a patient's gamma frailty (so negative binomial between patients). The
contract only ever needs cohort totals per month, and a sum of independent Poissons is Poisson with
the summed rate, so the cohort's monthly count is drawn once per month and line from the exact
summed rate: no per-patient, per-visit draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario
from .delivery import effect_factor_by_month, mean_effect_factor


@dataclass(frozen=True)
class HospitalUse:
    """Monthly cohort totals (index m = month [m, m+1)); lines follow scenario.hospital.lines."""

    patient_months: np.ndarray  # (H,) participants under follow-up
    counts: np.ndarray  # (H, L) observed participant counts
    cost: np.ndarray  # (H,) observed participant cost
    expected_cost: np.ndarray  # (H,) expected cost with support
    counterfactual_cost: np.ndarray  # (H,) expected cost of the same people without support
    by_start: np.ndarray  # (H, L, S) the observed counts split by the month participants started
    # (H,) cost the same people would have run up had support prevented nothing: the observed
    # events plus those support prevented (measurement risk's "no effect" world, see below)
    null_cost: np.ndarray


def follow_up_mask(start: np.ndarray, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(n, H) mask of months under follow-up from the first appointment, and month mid-points."""
    horizon = scenario.run.horizon_months
    mids = np.arange(horizon) + 0.5
    since = mids[None, :] - start[:, None]
    mask = (since >= 0) & (since < scenario.hospital.follow_up_months)
    return mask, since


def risk_weights(start: np.ndarray, multiplier: np.ndarray, scenario: Scenario, with_rtm: bool) -> np.ndarray:
    """(n, H) each patient's relative risk by month under follow-up (frailty x group x regression to
    the mean); zero outside follow-up."""
    mask, since = follow_up_mask(start, scenario)
    weight = np.where(mask, multiplier[:, None], 0.0)
    rtm = scenario.hospital.regression_to_mean
    if with_rtm and rtm.excess_at_referral > 0:
        weight = weight * (1.0 + rtm.excess_at_referral * np.exp2(-np.maximum(since, 0.0) / rtm.half_life_months))
    return weight


def line_arrays(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lines = scenario.hospital.lines
    return (np.array([x.rate_per_year for x in lines]) / 12.0,
            np.array([x.unit_cost for x in lines]),
            np.array([x.effect_during_support for x in lines]))


def secular_trend(scenario: Scenario) -> np.ndarray:
    mids = np.arange(scenario.run.horizon_months) + 0.5
    return (1.0 + scenario.hospital.secular_trend_per_year) ** (mids / 12.0)


def simulate_hospital_use(scenario: Scenario, start: np.ndarray, end: np.ndarray, group: np.ndarray,
                          rng: np.random.Generator) -> HospitalUse:
    """Participants' monthly hospital use; `start`/`end` are support months of those who started."""
    h = scenario.hospital
    group_mult = np.array([g.hospital_multiplier for g in scenario.cohort.groups])[group]
    frailty = rng.gamma(h.frailty_shape, 1.0 / h.frailty_shape, start.size)
    weight = risk_weights(start, frailty * group_mult, scenario, with_rtm=True)
    mids = np.arange(scenario.run.horizon_months) + 0.5
    after = np.maximum(mids[None, :] - end[:, None], 0.0)
    during, lasting = delivery_strength(scenario, start, end)
    # Full effect during support (scaled in delivery periods), fading with a half-life once it ends.
    strength = np.where(mids[None, :] < end[:, None], during, lasting * np.exp2(-after / h.effect_half_life_months))
    risk = weight.sum(axis=0)
    treated_risk = (weight * strength).sum(axis=0)
    rate, unit_cost, effect = line_arrays(scenario)
    trend = secular_trend(scenario)
    without = trend[:, None] * rate[None, :] * risk[:, None]
    expected = without - trend[:, None] * rate[None, :] * effect[None, :] * treated_risk[:, None]
    counts = rng.poisson(np.maximum(expected, 0.0))
    # Split by start month after the monthly draw (and from the same stream, last), so the monthly
    # numbers do not depend on whether anyone asks for the split.
    by_start_rate = (group_by_start(weight, start)[:, :, None]
                     - group_by_start(weight * strength, start)[:, :, None] * effect[None, None, :])
    by_start = split_by_start(counts, by_start_rate, rng)
    null_counts = counts + prevented_events(without, expected, rng)
    return HospitalUse(
        patient_months=follow_up_mask(start, scenario)[0].sum(axis=0).astype(float),
        counts=counts,
        cost=counts @ unit_cost,
        expected_cost=expected @ unit_cost,
        counterfactual_cost=without @ unit_cost,
        by_start=by_start,
        null_cost=null_counts @ unit_cost,
    )


def delivery_strength(scenario: Scenario, start: np.ndarray,
                      end: np.ndarray) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Share of the usual effect during support, by month (1, H), and the share each participant
    keeps once support ends (n, 1): their average over their own support, so that what fades after
    support is what the support they had built. Plain 1.0 without delivery periods."""
    periods = scenario.service.delivery_periods
    if not periods:
        return 1.0, 1.0
    during = effect_factor_by_month(periods, scenario.run.horizon_months)[None, :]
    return during, mean_effect_factor(periods, start, end)[:, None]


def prevented_events(without: np.ndarray, expected: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(H, L) events support prevented: Poisson at the rate it removed. Drawn last from the stream.

    Observed counts plus these are exactly Poisson at the counterfactual rate (a sum of independent
    Poissons), so they are a draw of the same people's use without support, coupled to the observed
    draw: with no effect the two are identical, and their difference is only what support did.
    """
    return rng.poisson(np.maximum(without - np.maximum(expected, 0.0), 0.0))


def group_by_start(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(S, H): rows of `values` (n, H) summed by each patient's start month (S = H months)."""
    horizon = values.shape[1]
    month = np.clip(np.floor(start).astype(int), 0, horizon - 1)
    out = np.zeros((horizon, horizon))
    if month.size:
        order = np.argsort(month, kind="stable")
        first = np.flatnonzero(np.r_[True, np.diff(month[order]) > 0])
        out[month[order][first]] = np.add.reduceat(values[order], first, axis=0)
    return out


def split_by_start(counts: np.ndarray, rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(H, L, S): each month's Poisson count split among start months in proportion to their rate.

    A Poisson total split multinomially is exactly independent Poissons per part, so this is the
    same as drawing each start month's count on its own, and it adds up to the monthly count.
    """
    weights = np.maximum(np.moveaxis(rate, 0, -1), 0.0)  # (H, L, S)
    total = weights.sum(axis=-1, keepdims=True)
    uniform = np.full(weights.shape, 1.0 / weights.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, weights / np.where(total > 0, total, 1.0), uniform)
    return rng.multinomial(counts, p)
