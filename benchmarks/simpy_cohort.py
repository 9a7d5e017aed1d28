"""An idiomatic simpy model of the same cohort, for timing the engine against (benchmarks only).

The way the model would be written without the design's shortcuts: a process per referral (delay,
a request for a caseload slot that gives up after the maximum wait, support, follow-up), staffing
as a process that adds and withdraws slot tokens, and every hospital episode of every participant
as a simpy timeout at the patient's own rate (frailty x group x effect while supported). It keeps
the same inputs as sib_sim's model but its own random draws, so compare speed, not numbers.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import simpy

from sib_sim.model.flow import capacity_steps
from sib_sim.model.referrals import monthly_referral_rate
from sib_sim.scenario import Scenario


def simulate(scenario: Scenario, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    slots = simpy.Store(env)
    totals = {"referrals": 0, "started": 0, "gave_up": 0, "episodes": 0, "cost": 0.0}
    env.process(_staffing(env, slots, capacity_steps(scenario)))
    env.process(_referrals(env, scenario, rng, slots, totals))
    env.run(until=scenario.run.horizon_months)
    return totals


def _staffing(env: simpy.Environment, slots: simpy.Store, steps: list[tuple[float, int]]) -> Iterator[simpy.Event]:
    level = 0
    for month, capacity in steps:
        yield env.timeout(month - env.now)
        while level < capacity:
            level += 1
            yield slots.put(object())
        while level > capacity:  # a cut waits for slots to come back: nobody's support ends
            level -= 1
            yield slots.get()


def _referrals(env: simpy.Environment, scenario: Scenario, rng: np.random.Generator, slots: simpy.Store,
               totals: dict[str, float]) -> Iterator[simpy.Event]:
    rate = monthly_referral_rate(scenario.cohort.referrals, scenario.run.horizon_months)
    for month, mean in enumerate(rate):
        if mean <= 0:
            continue
        yield env.timeout(max(month - env.now, 0.0))
        for t in np.sort(month + rng.random(rng.poisson(mean))):
            yield env.timeout(max(t - env.now, 0.0))
            totals["referrals"] += 1
            env.process(_patient(env, scenario, rng, slots, totals))


def _patient(env: simpy.Environment, scenario: Scenario, rng: np.random.Generator, slots: simpy.Store,
             totals: dict[str, float]) -> Iterator[simpy.Event]:
    cohort, service, hospital = scenario.cohort, scenario.service, scenario.hospital
    if rng.random() >= cohort.p_engage:
        return
    yield env.timeout(rng.exponential(cohort.first_appointment_delay_months))
    request = slots.get()
    outcome = yield request | env.timeout(service.max_wait_months)
    if request not in outcome:
        request.cancel()
        totals["gave_up"] += 1
        return
    totals["started"] += 1
    shares = np.array([g.share for g in cohort.groups])
    group = cohort.groups[rng.choice(len(shares), p=shares / shares.sum())]
    frailty = rng.gamma(hospital.frailty_shape, 1.0 / hospital.frailty_shape)
    stay = min(rng.uniform(service.support_months_min, service.support_months_max),
               rng.exponential(1.0 / max(-np.log1p(-service.disengagement_per_month), 1e-12)))
    start = env.now
    for line in hospital.lines:
        env.process(_episodes(env, line, frailty * group.hospital_multiplier, start, start + stay,
                              start + hospital.follow_up_months, rng, totals))
    yield env.timeout(stay)
    yield slots.put(object())


def _episodes(env: simpy.Environment, line, risk: float, start: float, end_support: float, end_follow_up: float,
              rng: np.random.Generator, totals: dict[str, float]) -> Iterator[simpy.Event]:
    """Each hospital episode a timeout; the rate drops by the line's effect while supported."""
    base = line.rate_per_year / 12.0 * risk
    while True:
        supported = env.now < end_support
        rate = base * (1.0 - line.effect_during_support) if supported else base
        wait = rng.exponential(1.0 / rate) if rate > 0 else np.inf
        if supported and env.now + wait > end_support:  # redraw at the change of rate (memoryless)
            yield env.timeout(end_support - env.now)
            continue
        if env.now + wait > end_follow_up:
            return
        yield env.timeout(wait)
        totals["episodes"] += 1
        totals["cost"] += line.unit_cost
