"""The patient flow: referral profile, waiting list, capacity, and Little's law."""

import numpy as np
import pytest

from sib_sim import with_overrides
from sib_sim.measure import measure_outcomes
from sib_sim.model import simulate_cohort
from sib_sim.model.referrals import monthly_referral_rate
from sib_sim.rng import streams
from sib_sim.scenario import Referrals


def test_referral_rate_ramps_pauses_and_stops():
    r = Referrals(rate_per_month=100, ramp_up_months=4, ramp_start_fraction=0.2, end_month=10.5,
                  pauses=[{"start_month": 6, "end_month": 8, "rate_factor": 0.0}])
    rate = monthly_referral_rate(r, 12)
    # Ramp at mid-months 0.5, 1.5, 2.5, 3.5 of 4: 0.2 + 0.8 * (0.125, 0.375, 0.625, 0.875).
    assert rate[:4] == pytest.approx([30, 50, 70, 90])
    assert rate[4:6] == pytest.approx([100, 100])
    assert rate[6:8] == pytest.approx([0, 0])  # paused
    assert rate[10] == pytest.approx(50)  # window closes half-way through month 10
    assert rate[11] == 0


def test_littles_law_for_the_caseload(wtw):
    """Mean number in support = start rate x mean time in support, in the steady middle years."""
    steady = with_overrides(wtw, {"cohort.referrals.ramp_up_months": 0, "cohort.referrals.end_month": 200,
                                  "run.horizon_months": 120,
                                  "service.link_worker_fte": [{"from_month": 0, "fte": 40}]})
    log = simulate_cohort(steady, streams(11, 0))
    f = log.flow
    window = (36, 108)  # after the caseload fills, before the horizon cuts support short
    started = f.start_month[(f.start_month >= window[0]) & (f.start_month < window[1])]
    rate = started.size / (window[1] - window[0])
    time_in_support = np.nanmean((f.end_month - f.start_month)[~np.isnan(f.start_month)])
    ledger = measure_outcomes(log, steady, streams(11, 0))
    in_service = ledger.series["in_service"][0, window[0]:window[1]].mean()
    assert in_service == pytest.approx(rate * time_in_support, rel=0.04)


def test_waiting_list_is_fifo_and_people_give_up(wtw):
    tight = with_overrides(wtw, {"service.link_worker_fte": [{"from_month": 0, "fte": 8}],
                                 "service.max_wait_months": 2})
    f = simulate_cohort(tight, streams(5, 0)).flow
    started = ~np.isnan(f.start_month)
    assert f.gave_up.sum() > 100  # capacity of 600 against about 5,000 starters
    assert not np.any(started & f.gave_up)
    order = np.argsort(f.ready_month[started], kind="stable")
    starts = f.start_month[started][order]
    assert np.all(np.diff(starts) >= -1e-9)  # first ready, first seen
    waits = (f.start_month - f.ready_month)[started]
    assert waits.min() >= 0 and waits.max() <= 2 + 1e-9
    np.testing.assert_allclose(f.gave_up_month[f.gave_up] - f.ready_month[f.gave_up], 2.0)


def test_capacity_is_never_exceeded(wtw):
    tight = with_overrides(wtw, {"service.caseload_per_worker": 40})
    ledger = measure_outcomes(simulate_cohort(tight, streams(3, 0)), tight, streams(3, 0))
    s = ledger.series
    # A cut in posts never ends anyone's support, so compare only while posts are not being cut.
    growing = np.maximum.accumulate(s["capacity"][0]) == s["capacity"][0]
    assert np.all(s["in_service"][0, growing] <= s["capacity"][0, growing])
    assert s["waiting"].max() > 0


def test_support_lasts_between_programme_bounds(wtw):
    f = simulate_cohort(wtw, streams(2, 0)).flow
    duration = (f.end_month - f.start_month)[f.completed]
    assert duration.min() >= wtw.service.support_months_min
    assert duration.max() <= wtw.service.support_months_max
    early = (f.end_month - f.start_month)[~f.completed & ~np.isnan(f.start_month)]
    assert early.max() < wtw.service.support_months_max


def test_enrolment_cap(wtw):
    capped = with_overrides(wtw, {"cohort.referrals.enrolment_cap": 1000})
    f = simulate_cohort(capped, streams(2, 0)).flow
    assert f.accepted.sum() == 1000
