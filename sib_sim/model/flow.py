"""The patient flow: referral -> engagement -> waiting list -> support -> exit.

Everything that does not depend on the queue (who engages, how long support would last) is drawn up
front, each from a fixed number of uniforms per referral inverted through its distribution function,
so a change in one probability or rate moves only the patients it concerns (common random numbers
hold between paired runs). The waiting list then runs in one of two engines on the same draws: the
fast engine (model/waiting_list.py, the default) or simpy (model/caseload.py, the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import Streams
from ..scenario import Scenario
from ..scenario.cohort import Cohort
from ..scenario.service import Service
from .referrals import ReferralDraws, draw_cohort_referrals
from .waiting_list import QueueResult, run_waiting_list


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


@dataclass(frozen=True)
class FlowDraws:
    """What the queue needs, drawn before it runs: per referral in time order."""

    referral: np.ndarray
    group: np.ndarray
    accepted: np.ndarray
    ready: np.ndarray  # NaN for those not accepted
    planned: np.ndarray  # programme length if they stay
    leave: np.ndarray  # months until they would disengage (inf: never)
    area: np.ndarray | None = None  # where areas have their own referral profiles


def capacity_steps(scenario: Scenario) -> list[tuple[float, int]]:
    per_worker = scenario.service.caseload_per_worker
    return [(s.from_month, int(np.floor(s.fte * per_worker + 1e-9))) for s in scenario.service.link_worker_fte]


def draw_flow(scenario: Scenario, streams: Streams) -> FlowDraws:
    cohort, service = scenario.cohort, scenario.service
    draws, area = draw_cohort_referrals(cohort, scenario.run.horizon_months, streams.referrals,
                                        streams.engagement, streams.duration)
    group = draw_group(cohort, draws.uniform("group"))
    accepted = draws.uniform("engage") < cohort.p_engage
    if cohort.enrolment_cap is not None:
        accepted &= np.cumsum(accepted) <= cohort.enrolment_cap
    delay = -np.log1p(-draws.uniform("delay")) * cohort.first_appointment_delay_months
    ready = np.where(accepted, draws.times + delay, np.nan)
    planned, leave = draw_durations(service, draws)
    return FlowDraws(draws.times, group, accepted, ready, planned, leave, area)


def draw_group(cohort: Cohort, u: np.ndarray) -> np.ndarray:
    """Group by inverting the shares' distribution function (group i covers its share of [0, 1))."""
    shares = np.array([g.share for g in cohort.groups], dtype=float)
    edges = np.cumsum(shares / shares.sum())[:-1]
    return np.searchsorted(edges, u, side="right")


def draw_durations(service: Service, draws: ReferralDraws) -> tuple[np.ndarray, np.ndarray]:
    """Programme length (uniform between the bounds) and time to disengage (exponential at the
    continuous rate whose monthly probability is the hazard), each inverted from one uniform."""
    planned = service.support_months_min + draws.uniform("planned") * (service.support_months_max
                                                                         - service.support_months_min)
    hazard = service.disengagement_per_month
    with np.errstate(divide="ignore"):
        leave = -np.log1p(-draws.uniform("leave")) / -np.log1p(-hazard) if hazard > 0 \
            else np.full(planned.size, np.inf)
    return planned, leave


def simulate_flow(scenario: Scenario, streams: Streams, engine: str | None = None) -> Flow:
    d = draw_flow(scenario, streams)
    service_months = np.minimum(d.planned, d.leave)
    start, gave_up = queue_flow(scenario, d.ready, service_months, engine or scenario.run.engine)
    started = ~np.isnan(start)
    end = np.where(started, start + service_months, np.nan)
    completed = started & (d.planned <= d.leave)
    gave_up_month = np.where(gave_up, d.ready + scenario.service.max_wait_months, np.nan)
    return Flow(d.referral, d.group, d.accepted, d.ready, start, end, completed, gave_up, gave_up_month, d.area)


def queue_flow(scenario: Scenario, ready: np.ndarray, service_months: np.ndarray,
               engine: str) -> tuple[np.ndarray, np.ndarray]:
    """Start months (NaN: never started) and give-ups per referral, from the chosen engine."""
    order = queue_order(scenario, ready)
    result = run_queue(scenario, ready[order], service_months[order], engine)
    start = np.full(ready.size, np.nan)
    gave_up = np.zeros(ready.size, dtype=bool)
    start[order] = result.start
    gave_up[order] = result.gave_up
    return start, gave_up


def queue_order(scenario: Scenario, ready: np.ndarray) -> np.ndarray:
    """Referrals who join the list before the horizon, in the order they become ready."""
    candidates = np.flatnonzero(~np.isnan(ready) & (ready < scenario.run.horizon_months))
    return candidates[np.argsort(ready[candidates], kind="stable")]


def run_queue(scenario: Scenario, ready: np.ndarray, service_months: np.ndarray, engine: str) -> QueueResult:
    """The waiting list over patients in ready order, in the fast engine or in simpy."""
    steps, max_wait = capacity_steps(scenario), scenario.service.max_wait_months
    horizon = float(scenario.run.horizon_months)
    if engine == "fast":
        return run_waiting_list(ready, service_months, steps, max_wait, horizon)
    if engine != "simpy":
        raise ValueError(f"unknown flow engine {engine!r}: use fast or simpy")
    from .caseload import run_simpy_queue  # only the reference engine needs simpy

    return run_simpy_queue(ready, service_months, steps, max_wait, horizon)
