"""The matched comparison cohort's measured hospital cost.

Comparison patients are other people: their own frailty, the same group mix and follow-up windows
as the participants they are matched to, no support, a matching bias (a comparison group that is
sicker than the participants makes savings look larger) and a drift over time (`drift_per_year`).
"""

from __future__ import annotations

import numpy as np

from ..model import CohortLog
from ..model.hospital import group_by_start, line_arrays, risk_weights, secular_trend, split_by_start
from ..scenario import Scenario


def comparison_cost(log: CohortLog, scenario: Scenario, rng: np.random.Generator,
                    split: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """(H,) measured comparison cost per month, scaled to one comparison patient per participant,
    and, if `split`, the counts (H, L, S) split by the start month of the matched participant."""
    h = scenario.hospital
    n = log.participants.size
    n_comparison = max(int(round(h.comparison.patients_per_participant * n)), 1) if n else 0
    matched = matched_participants(n, n_comparison)
    start = log.flow.start_month[log.participants][matched]
    group = log.flow.group[log.participants][matched]
    group_mult = np.array([g.hospital_multiplier for g in scenario.cohort.groups])[group]
    frailty = rng.gamma(h.frailty_shape, 1.0 / h.frailty_shape, n_comparison)
    multiplier = frailty * group_mult * (1.0 + h.comparison.matching_bias)
    weight = risk_weights(start, multiplier, scenario, with_rtm=h.regression_to_mean.comparison_shares_it)
    rate, unit_cost, _ = line_arrays(scenario)
    expected = secular_trend(scenario)[:, None] * rate[None, :] * weight.sum(axis=0)[:, None]
    if h.comparison.drift_per_year:
        expected = expected * comparison_drift(scenario)[:, None]
    counts = rng.poisson(expected)
    scale = n / n_comparison if n_comparison else 0.0
    by_start = None
    # Drawn last from this stream: the monthly counts above do not depend on it. Drift scales a
    # whole month alike, so it does not change how that month's count splits by start month.
    if split:
        rate = secular_trend(scenario)[None, :, None] * rate[None, None, :] * group_by_start(weight, start)[:, :, None]
        by_start = split_by_start(counts, rate, rng) * scale
    return (counts @ unit_cost) * scale, by_start


def matched_participants(n: int, n_comparison: int) -> np.ndarray:
    """Which participant each comparison patient is matched to: every participant once per full
    round, then a remainder spread evenly over the participants (who are in referral order), so a
    comparison smaller than the cohort still covers all start months rather than the earliest."""
    if n == 0:
        return np.zeros(n_comparison, dtype=int)
    rounds, rest = divmod(n_comparison, n)
    return np.concatenate([np.tile(np.arange(n), rounds), (np.arange(rest) * n) // max(rest, 1)])


def comparison_drift(scenario: Scenario) -> np.ndarray:
    """(H,) the comparison cohort's use relative to the participants' counterfactual, by month:
    1 at the contract start, compounding by `drift_per_year` (a shift the evaluator cannot see)."""
    mids = np.arange(scenario.run.horizon_months) + 0.5
    return (1.0 + scenario.hospital.comparison.drift_per_year) ** (mids / 12.0)
