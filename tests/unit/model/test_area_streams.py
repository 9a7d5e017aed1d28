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


def _two_area_wtw(tmp_path: Path, first_rate: float) -> "Scenario":
    """Ways to Wellness split into two areas with their own referral profiles."""
    import yaml

    raw = yaml.safe_load((ROOT / "scenarios" / "ways_to_wellness.yaml").read_text())
    raw["cohort"]["areas"] = [
        {"id": "west", "referrals": {"rate_per_month": first_rate, "end_month": 60}},
        {"id": "east", "referrals": {"rate_per_month": 50, "start_month": 2, "end_month": 60}},
    ]
    del raw["cohort"]["referrals"]
    raw.pop("uncertainty", None)  # it names the cohort-wide referral rate
    path = tmp_path / f"two_areas_{first_rate:g}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return load_scenario(path)


def test_an_area_keeps_its_star_hospital_and_recording_draws_when_another_area_changes(tmp_path: Path):
    """On the old code these blocks had one row per referral in the merged time order, so adding
    referrals in the west moved every east patient's Stars, frailty and recording noise."""
    from sib_sim.measure.comparison import comparison_frailties, matched_participants
    from sib_sim.measure.stars import recording_draws
    from sib_sim.model import simulate_cohort
    from sib_sim.model.hospital import frailties

    base, busier = _two_area_wtw(tmp_path, 60), _two_area_wtw(tmp_path, 100)
    logs = [simulate_cohort(s, streams(5, 0)) for s in (base, busier)]
    east = []
    for scenario, log in zip((base, busier), logs):
        referral = log.flow.referral_month
        in_east = log.flow.area[log.participants] == 1
        who = log.participants[in_east]
        noise, _ = recording_draws(log, scenario, streams(5, 0).measurement)
        frailty = frailties(scenario, streams(5, 0).hospital, log.participants, referral.size, log.flow.area)
        n = log.participants.size
        comparison = comparison_frailties(log, scenario, streams(5, 0).comparison, matched_participants(n, n))
        east.append({t: (log.star_paths[i, 0], noise[i, 0], frailty[i], comparison[i])
                     for i, t in zip(np.flatnonzero(in_east), referral[who])})
    both = sorted(set(east[0]) & set(east[1]))
    assert len(both) > 1000  # the east's referrals are the same people in both runs
    for t in both:
        for old, new in zip(east[0][t], east[1][t]):
            assert np.array_equal(old, new)
    assert logs[1].participants.size > logs[0].participants.size  # the west did change


def test_two_blocks_of_one_stream_for_one_area_differ():
    from sib_sim.rng import referral_block

    area = np.array([0, 1, 0, 1])
    a = referral_block(streams(1, 0).measurement, "random", area, 4, 3)
    b = referral_block(streams(1, 0).measurement, "random", area, 4, 3, part=1)
    assert a.shape == b.shape == (4, 3) and not np.array_equal(a, b)
    by_column = referral_block(streams(1, 0).measurement, "random", area, 4, 3, axis=1)
    assert by_column.shape == (3, 4)
    assert np.array_equal(by_column[:, area == 1], sub_stream(streams(1, 0).measurement, 1).random((3, 2)))
