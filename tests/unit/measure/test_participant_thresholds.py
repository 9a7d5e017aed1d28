"""A per-participant `at_least` met exactly is met, through the evaluator's own arithmetic: a Star
change computed as a difference of recorded totals, and months in support computed as end - start
(8.2 - 2.2 is 5.999999999999999 in floating point, and must count as six months)."""

from types import SimpleNamespace

import numpy as np

from sib_sim.kinds.per_participant import ParticipantOutcome
from sib_sim.measure.milestones import _events


def _log(start, end, star_times, completed=None):
    start, end = np.asarray(start, float), np.asarray(end, float)
    flow = SimpleNamespace(start_month=start, end_month=end,
                           completed=np.ones(start.size, bool) if completed is None else np.asarray(completed))
    return SimpleNamespace(flow=flow, participants=np.arange(start.size), star_times=np.asarray(star_times, float))


def test_in_support_for_exactly_the_months_asked_is_reached():
    assert 8.2 - 2.2 < 6
    log = _log(start=[2.2, 0.3, 0.1, 1.0], end=[8.2, 6.3, 6.0, 6.99], star_times=np.zeros((4, 1)))
    outcome = ParticipantOutcome(measure="in_support", at_least=6)
    when, nth, rows = _events(outcome, log, np.zeros((4, 1)))
    assert rows.tolist() == [0, 1]  # 6 months (as end - start rounds them) reached; 5.9 and 5.99 not
    np.testing.assert_allclose(when, [8.2, 6.3])
    assert nth.tolist() == [0, 0]


def test_a_star_change_of_exactly_the_points_asked_is_reached():
    # recorded totals at the first Star and two follow-ups
    recorded = np.array([[40.0, 43.0, 42.0], [40.0, 42.0, 44.0], [38.5, 41.5, np.nan]])
    times = np.array([[0.0, 6.0, 12.0], [1.0, 7.0, 13.0], [2.0, 8.0, np.nan]])
    log = _log(start=[0, 1, 2], end=[18, 19, 9], star_times=times)
    when, nth, rows = _events(ParticipantOutcome(measure="star_change", at_least=3), log, recorded)
    assert rows.tolist() == [0, 1, 2]  # +3 at the first follow-up, +4 at the second, +3.0 exactly
    np.testing.assert_array_equal(when, [6.0, 13.0, 8.0])
    at_first = _events(ParticipantOutcome(measure="star_change", at_least=3, assessment=1), log, recorded)
    assert at_first[2].tolist() == [0, 2]  # the second reaches +3 only at its second follow-up
    above = _events(ParticipantOutcome(measure="star_change", at_least=3.5), log, recorded)
    assert above[2].tolist() == [1]
