"""simulate_cohort: the true world of one replication, as a CohortLog."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..rng import Streams
from ..scenario import Scenario
from ..scenario.wellbeing import STAR_AREAS
from .areas import referral_areas
from .flow import Flow, capacity_steps, simulate_flow
from .hospital import HospitalUse, simulate_hospital_use
from .milestones import MilestoneTimes, draw_milestone_uniforms, no_milestones, simulate_milestones
from .stars import assessment_times, draw_star_paths


@dataclass(frozen=True)
class CohortLog:
    """What really happened in one replication. Per-patient arrays live only for one replication.

    `participants` indexes the referrals who started support, in the order of `star_times`,
    `star_paths`, `milestones` and the hospital model's patients. Without a `wellbeing:` section
    there are no assessments (star arrays with no columns); without `hospital:`, no hospital use.
    `area` is each referral's area (an index into `cohort.areas`; all 0 with one area).
    """

    flow: Flow
    participants: np.ndarray  # indices into flow arrays of those who started
    star_times: np.ndarray  # (n_participants, K+1) months of scheduled assessments (NaN: none)
    star_paths: np.ndarray  # (n_participants, K+1, 8) true area scores at those times
    hospital: HospitalUse
    capacity: np.ndarray  # (H,) caseload slots by month
    fte: np.ndarray  # (H,) link-worker posts by month
    milestones: MilestoneTimes = field(default_factory=lambda: no_milestones(0))
    area: np.ndarray | None = None  # (n_referrals,) area index; None: one area

    @property
    def horizon_months(self) -> int:
        return self.capacity.size

    @property
    def referral_area(self) -> np.ndarray:
        return np.zeros(self.flow.referral_month.size, dtype=int) if self.area is None else self.area


def simulate_cohort(scenario: Scenario, streams: Streams) -> CohortLog:
    flow = simulate_flow(scenario, streams)
    participants = np.flatnonzero(~np.isnan(flow.start_month))
    start, end = flow.start_month[participants], flow.end_month[participants]
    group = flow.group[participants]
    # Per-patient draws are indexed by referral (within its area, where areas have their own
    # referral profiles), so a patient keeps them whoever else starts.
    n_referrals = flow.referral_month.size
    if scenario.wellbeing is not None:
        times = assessment_times(start, end, scenario.service.assessment_interval_months,
                                 scenario.run.horizon_months)
        paths = draw_star_paths(scenario, group, times.shape[1], streams.stars, start, participants, n_referrals,
                                flow.area)
    else:
        times, paths = np.zeros((start.size, 0)), np.zeros((start.size, 0, len(STAR_AREAS)))
    hospital = simulate_hospital_use(scenario, start, end, group, streams.hospital, participants, n_referrals,
                                     flow.area) \
        if scenario.hospital is not None else no_hospital_use(scenario.run.horizon_months)
    uniforms = draw_milestone_uniforms(n_referrals, len(scenario.milestones), streams.milestones, flow.area)
    milestones = simulate_milestones(scenario.milestones, start, uniforms[participants])
    return CohortLog(flow, participants, times, paths, hospital, _by_month(scenario, capacity_steps(scenario)),
                     _by_month(scenario, [(s.from_month, s.fte) for s in scenario.service.link_worker_fte]),
                     milestones, referral_areas(scenario, flow, streams.areas))


def no_hospital_use(horizon: int) -> HospitalUse:
    """A scenario without `hospital:`: no lines, every monthly total zero."""
    zero = np.zeros(horizon)
    return HospitalUse(patient_months=zero, counts=np.zeros((horizon, 0)), cost=zero.copy(),
                       expected_cost=zero.copy(), counterfactual_cost=zero.copy(),
                       by_start=np.zeros((horizon, 0, horizon)), null_cost=zero.copy())


def _by_month(scenario: Scenario, steps: list[tuple[float, float]]) -> np.ndarray:
    """A step schedule (from_month, level) as a level per month (at the month's mid-point)."""
    months = np.arange(scenario.run.horizon_months)
    level = np.zeros(months.size)
    for from_month, value in steps:
        level[months + 0.5 >= from_month] = value
    return level
