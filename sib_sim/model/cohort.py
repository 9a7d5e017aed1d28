"""simulate_cohort: the true world of one replication, as a CohortLog."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import Streams
from ..scenario import Scenario
from .flow import Flow, capacity_steps, simulate_flow
from .hospital import HospitalUse, simulate_hospital_use
from .stars import assessment_times, draw_star_paths


@dataclass(frozen=True)
class CohortLog:
    """What really happened in one replication. Per-patient arrays live only for one replication.

    `participants` indexes the referrals who started support, in the order of `star_times`,
    `star_paths` and the hospital model's patients.
    """

    flow: Flow
    participants: np.ndarray  # indices into flow arrays of those who started
    star_times: np.ndarray  # (n_participants, K+1) months of scheduled assessments (NaN: none)
    star_paths: np.ndarray  # (n_participants, K+1, 8) true area scores at those times
    hospital: HospitalUse
    capacity: np.ndarray  # (H,) caseload slots by month
    fte: np.ndarray  # (H,) link-worker posts by month

    @property
    def horizon_months(self) -> int:
        return self.capacity.size


def simulate_cohort(scenario: Scenario, streams: Streams) -> CohortLog:
    flow = simulate_flow(scenario, streams)
    participants = np.flatnonzero(~np.isnan(flow.start_month))
    start, end = flow.start_month[participants], flow.end_month[participants]
    times = assessment_times(start, end, scenario.service.assessment_interval_months,
                             scenario.run.horizon_months)
    # Per-patient draws are indexed by referral, so a patient keeps them whoever else starts.
    n_referrals = flow.referral_month.size
    paths = draw_star_paths(scenario, flow.group[participants], times.shape[1], streams.stars, start,
                            participants, n_referrals)
    hospital = simulate_hospital_use(scenario, start, end, flow.group[participants], streams.hospital,
                                     participants, n_referrals)
    return CohortLog(flow, participants, times, paths, hospital, _by_month(scenario, capacity_steps(scenario)),
                     _by_month(scenario, [(s.from_month, s.fte) for s in scenario.service.link_worker_fte]))


def _by_month(scenario: Scenario, steps: list[tuple[float, float]]) -> np.ndarray:
    """A step schedule (from_month, level) as a level per month (at the month's mid-point)."""
    months = np.arange(scenario.run.horizon_months)
    level = np.zeros(months.size)
    for from_month, value in steps:
        level[months + 0.5 >= from_month] = value
    return level
