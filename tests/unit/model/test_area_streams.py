"""Areas with their own referral profiles draw from their own sub-streams (rng.sub_stream): a change
in one area's profile moves only that area's referrals and the uniforms they carry. On the old code
(every area's process drawn in turn from the same streams) raising Liverpool's rate from 40 to 70 a
month adds a thinning layer, and every Wirral referral moved."""

from pathlib import Path

import numpy as np

from sib_sim import load_scenario, with_overrides
from sib_sim.model.referrals import draw_cohort_referrals
from sib_sim.rng import streams, sub_stream

ROOT = Path(__file__).resolve().parents[3]


def _draws(scenario, replication: int = 0):
    named = streams(11, replication)
    return draw_cohort_referrals(scenario.cohort, scenario.run.horizon_months, named.referrals, named.engagement,
                                 named.duration)


def _area(draws, area: np.ndarray, index: int):
    mine = area == index
    return draws.times[mine], draws.engagement[mine], draws.duration[mine]


def test_a_change_in_one_area_moves_only_that_area():
    base = load_scenario(ROOT / "scenarios" / "youth_engagement_rate_card.yaml")
    busier = with_overrides(base, {"cohort.areas.liverpool.referrals.rate_per_month": 70})
    for replication in range(3):
        (before, area_before), (after, area_after) = _draws(base, replication), _draws(busier, replication)
        for old, new in zip(_area(before, area_before, 1), _area(after, area_after, 1)):  # Wirral
            assert np.array_equal(old, new)
        liverpool_before, liverpool_after = _area(before, area_before, 0)[0], _area(after, area_after, 0)[0]
        assert liverpool_after.size > liverpool_before.size * 1.5
        assert np.isin(liverpool_before, liverpool_after).all()  # thinning: more referrals, none moved


def test_sub_streams_are_fixed_by_the_parent_seed_and_index_alone():
    a, b = streams(3, 1), streams(3, 1)
    a.referrals.random(1000)  # drawing from the parent does not move its sub-streams
    assert np.array_equal(sub_stream(a.referrals, 2).random(5), sub_stream(b.referrals, 2).random(5))
    assert not np.array_equal(sub_stream(b.referrals, 0).random(5), sub_stream(b.referrals, 1).random(5))
    assert not np.array_equal(sub_stream(b.referrals, 0).random(5), sub_stream(b.engagement, 0).random(5))
    assert not np.array_equal(sub_stream(b.referrals, 0).random(5), sub_stream(streams(3, 2).referrals, 0).random(5))


def test_an_area_keeps_its_milestone_uniforms_when_another_area_changes():
    from sib_sim.model.milestones import draw_milestone_uniforms

    base = load_scenario(ROOT / "scenarios" / "youth_engagement_rate_card.yaml")
    busier = with_overrides(base, {"cohort.areas.liverpool.referrals.rate_per_month": 70})
    (_, before), (_, after) = _draws(base), _draws(busier)
    n = len(base.milestones)
    old = draw_milestone_uniforms(before.size, n, streams(11, 0).milestones, before)
    new = draw_milestone_uniforms(after.size, n, streams(11, 0).milestones, after)
    assert np.array_equal(old[before == 1], new[after == 1])
