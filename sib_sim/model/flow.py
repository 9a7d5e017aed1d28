"""The patient flow in simpy: referral -> engagement -> waiting list -> support -> exit.

Everything that does not depend on the queue (who engages, how long support would last) is drawn up
front with numpy, so simpy only sees the events where the state changes: a patient becoming ready,
a slot freeing, a patient giving up on the wait, a staffing change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from ..rng import Streams
from ..scenario import Scenario
from .caseload import CaseloadPool, arrivals_process, staffing_process
from .referrals import draw_cohort_referrals


@dataclass(frozen=True)
class Flow:
    """Per-referral times in months; NaN where an event never happened."""

    referral_month: np.ndarray
    group: np.ndarray
    accepted: np.ndarray  # agreed to take part (and within any enrolment cap)
    ready_month: np.ndarray
    start_month: np.ndarray  # first appointment
    end_month: np.ndarray  # end of support (completion or disengagement)
    completed: np.ndarray  # stayed the full programme length
    gave_up: np.ndarray  # left the waiting list
    gave_up_month: np.ndarray  # when they left it (ready + max wait)
    area: np.ndarray | None = None  # each referral's area, where areas have their own referral profiles


def capacity_steps(scenario: Scenario) -> list[tuple[float, int]]:
    per_worker = scenario.service.caseload_per_worker
    return [(s.from_month, int(np.floor(s.fte * per_worker + 1e-9))) for s in scenario.service.link_worker_fte]


def simulate_flow(scenario: Scenario, streams: Streams) -> Flow:
    horizon = scenario.run.horizon_months
    cohort, service = scenario.cohort, scenario.service
    referral, area = draw_cohort_referrals(cohort, horizon, streams.referrals)
    n = referral.size
    shares = np.array([g.share for g in cohort.groups])
    group = streams.engagement.choice(len(shares), size=n, p=shares / shares.sum())
    accepted = streams.engagement.random(n) < cohort.p_engage
    if cohort.enrolment_cap is not None:
        accepted &= np.cumsum(accepted) <= cohort.enrolment_cap
    delay = streams.engagement.exponential(cohort.first_appointment_delay_months, n) \
        if cohort.first_appointment_delay_months > 0 else np.zeros(n)
    ready = np.where(accepted, referral + delay, np.nan)

    planned = streams.duration.uniform(service.support_months_min, service.support_months_max, n)
    hazard = service.disengagement_per_month
    leave = (streams.duration.exponential(1.0, n) / -np.log1p(-hazard)) if hazard > 0 else np.full(n, np.inf)
    service_months = np.minimum(planned, leave)

    start, gave_up = _queue_in_simpy(scenario, ready, service_months)
    started = ~np.isnan(start)
    end = np.where(started, start + service_months, np.nan)
    completed = started & (planned <= leave)
    gave_up_month = np.where(gave_up, ready + service.max_wait_months, np.nan)
    return Flow(referral, group, accepted, ready, start, end, completed, gave_up, gave_up_month, area)


def _queue_in_simpy(scenario: Scenario, ready: np.ndarray, service_months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run the waiting list and caseload; returns start months (NaN: never started) and give-ups."""
    horizon = scenario.run.horizon_months
    candidates = np.flatnonzero(~np.isnan(ready) & (ready < horizon))
    order = candidates[np.argsort(ready[candidates], kind="stable")]
    env = simpy.Environment()
    pool = CaseloadPool(env, service_months[order], scenario.service.max_wait_months)
    env.process(staffing_process(env, pool, capacity_steps(scenario)))
    env.process(arrivals_process(env, pool, ready[order]))
    env.run(until=horizon)
    start = np.full(ready.size, np.nan)
    gave_up = np.zeros(ready.size, dtype=bool)
    start[order] = pool.start
    gave_up[order] = pool.gave_up
    return start, gave_up
