"""Common random numbers in the flow: with the same seed, a change moves only what it concerns."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim import with_overrides
from sib_sim.model.flow import draw_flow
from sib_sim.model.referrals import LAYER_RATE, monthly_referral_rate
from sib_sim.rng import streams

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _draws(scenario, seed, changes):
    return draw_flow(with_overrides(scenario, changes), streams(seed, 0))


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, low=st.floats(20, 150), extra=st.floats(0.5, 80))
def test_raising_the_referral_rate_only_adds_referrals(wtw, seed, low, extra):
    a = _draws(wtw, seed, {"cohort.referrals.rate_per_month": low})
    b = _draws(wtw, seed, {"cohort.referrals.rate_per_month": low + extra})
    kept = np.isin(b.referral, a.referral)
    assert kept.sum() == a.referral.size  # every referral of the lower rate is still there...
    # ...carrying the same uniforms, so the same group, engagement and programme length.
    np.testing.assert_array_equal(b.group[kept], a.group)
    np.testing.assert_array_equal(b.accepted[kept], a.accepted)
    np.testing.assert_array_equal(b.planned[kept], a.planned)


def test_a_pause_removes_referrals_only_inside_it(wtw):
    a = _draws(wtw, 4, {})
    b = _draws(wtw, 4, {"cohort.referrals.pauses": [{"start_month": 30, "end_month": 33.5, "rate_factor": 0.25}]})
    outside = (a.referral < 30) | (a.referral >= 33.5)
    np.testing.assert_array_equal(a.referral[outside], b.referral[(b.referral < 30) | (b.referral >= 33.5)])
    inside = b.referral[(b.referral >= 30) & (b.referral < 33.5)]
    assert set(inside) <= set(a.referral) and 0.1 < inside.size / np.sum(~outside) < 0.45


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, p=st.floats(0.05, 0.9), dp=st.floats(0.001, 0.09))
def test_raising_engagement_only_adds_participants(wtw, seed, p, dp):
    a = _draws(wtw, seed, {"cohort.p_engage": p})
    b = _draws(wtw, seed, {"cohort.p_engage": p + dp})
    np.testing.assert_array_equal(a.referral, b.referral)
    assert np.all(b.accepted >= a.accepted)
    both = a.accepted
    np.testing.assert_array_equal(a.ready[both], b.ready[both])  # same first-appointment delays


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, h=st.floats(0.0, 0.2), dh=st.floats(0.001, 0.1))
def test_raising_the_disengagement_hazard_only_shortens_support(wtw, seed, h, dh):
    a = _draws(wtw, seed, {"service.disengagement_per_month": h})
    b = _draws(wtw, seed, {"service.disengagement_per_month": h + dh})
    assert np.all(b.leave <= a.leave)
    np.testing.assert_array_equal(a.planned, b.planned)


def test_longer_delay_and_programme_move_every_patient_the_same_way(wtw):
    a = _draws(wtw, 9, {})
    b = _draws(wtw, 9, {"cohort.first_appointment_delay_months": 0.8, "service.support_months_max": 30})
    ok = a.accepted
    assert np.all(b.ready[ok] >= a.ready[ok]) and np.all(b.planned >= a.planned)
    np.testing.assert_allclose((b.ready - b.referral)[ok], (a.ready - a.referral)[ok] * 0.8 / 0.5)


def test_group_shares_move_only_patients_at_the_boundary(wtw):
    a = _draws(wtw, 2, {})
    groups = [g.model_dump() for g in wtw.cohort.groups]
    groups[0]["share"], groups[1]["share"] = 0.6, 0.4
    b = _draws(wtw, 2, {"cohort.groups": groups})
    assert np.all(b.group <= a.group)  # a larger first share only moves patients into the first group
    assert abs(np.mean(b.group == 0) - 0.6) < 0.03


def test_referral_counts_follow_the_monthly_rate(wtw):
    """The thinned layers are a Poisson process with the scenario's rate (over 40 replications)."""
    expected = monthly_referral_rate(wtw.cohort.referrals, wtw.run.horizon_months)
    counts = np.zeros_like(expected)
    for r in range(40):
        t = draw_flow(wtw, streams(8, r)).referral
        counts += np.bincount(t.astype(int), minlength=expected.size)[:expected.size]
    assert expected.max() > 3 * LAYER_RATE  # several layers in use
    np.testing.assert_allclose(counts.sum() / 40, expected.sum(), rtol=0.01)
    z = (counts - 40 * expected)[expected > 0] / np.sqrt(40 * expected[expected > 0])
    assert np.abs(z).max() < 4.5 and abs(z.mean()) < 0.5
