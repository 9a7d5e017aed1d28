"""The matched comparison cohort's measured hospital cost.

Comparison patients are other people: their own frailty, the same group mix and follow-up windows
as the participants they are matched to, no support, a matching bias (a comparison group that is
sicker than the participants makes savings look larger) and a drift over time (`drift_per_year`).

Common random numbers, as for the participants (model/hospital.py): one uniform per cell (month,
line, start month), then one frailty uniform per (round of matching, referral of the matched
participant), each a block of fixed size, every value by inversion.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import CohortLog
from ..model.hospital import cell_rates, cell_uniforms, line_arrays
from ..model.inversion import gamma_frailty, poisson_quantile
from ..model.risk_cells import risk_cells
from ..rng import referral_block
from ..scenario import Scenario


def comparison_cost(log: CohortLog, scenario: Scenario, rng: np.random.Generator,
                    split: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """(H,) measured comparison cost per month, scaled to one comparison patient per participant,
    and, if `split`, the counts (H, L, S) split by the start month of the matched participant."""
    h = scenario.hospital
    n = log.participants.size
    n_comparison = max(int(round(h.comparison.patients_per_participant * n)), 1) if n else 0
    matched = matched_participants(n, n_comparison)
    u = cell_uniforms(scenario, rng)
    start = log.flow.start_month[log.participants][matched]
    group = log.flow.group[log.participants][matched]
    group_mult = np.array([g.hospital_multiplier for g in scenario.cohort.groups])[group]
    frailty = comparison_frailties(log, scenario, rng, matched)
    multiplier = frailty * group_mult * (1.0 + h.comparison.matching_bias)
    cells = risk_cells(scenario, start, multiplier, with_rtm=h.regression_to_mean.comparison_shares_it)
    drift = comparison_drift(scenario) if h.comparison.drift_per_year else None
    by_start = poisson_quantile(u, cell_rates(scenario, cells.risk, drift))
    _, unit_cost, _ = line_arrays(scenario)
    scale = n / n_comparison if n_comparison else 0.0
    return (by_start.sum(axis=2) @ unit_cost) * scale, (by_start * scale if split else None)


def comparison_frailties(log: CohortLog, scenario: Scenario, rng: np.random.Generator,
                         matched: np.ndarray) -> np.ndarray:
    """Frailty of each comparison patient from a block of uniforms, one per (round, referral):
    the j-th patient matched to a participant keeps their uniform whoever else started (and, where
    areas have their own referral profiles, whatever another area's profile: rng.referral_block)."""
    n = log.participants.size
    if matched.size == 0:
        return np.zeros(0)
    rounds = math.ceil(scenario.hospital.comparison.patients_per_participant) + 1
    block = referral_block(rng, "random", log.flow.area, log.flow.referral_month.size, rounds, axis=1)
    round_of = np.minimum(np.arange(matched.size) // n, rounds - 1)
    return gamma_frailty(block[round_of, log.participants[matched]], scenario.hospital.frailty_shape)


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
