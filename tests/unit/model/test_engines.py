"""The fast flow engine against simpy, the reference, on the same draws: event for event.

Both engines get the same ready times and times in support; they must start the same patients in
the same order at the same times (to 1e-9 months), drop the same ones from the list, and give the
same measured outcomes. The shapes are chosen to break a queue: capacity cut to zero and restored,
long queues, everyone giving up, a single slot, and a ten-times cohort.
"""

import numpy as np
import pytest

from sib_sim import with_overrides
from sib_sim.experiment.replicate import simulate_replication
from sib_sim.model.flow import draw_flow, queue_order, run_queue, simulate_flow
from sib_sim.model.waiting_list import run_waiting_list
from sib_sim.rng import streams

SHAPES = {
    "shipped": {},
    "cut_to_zero_and_restored": {"service.link_worker_fte": [
        {"from_month": 0, "fte": 10}, {"from_month": 20, "fte": 0}, {"from_month": 26.5, "fte": 16},
        {"from_month": 40, "fte": 3}, {"from_month": 41, "fte": 25}]},
    "long_queue": {"service.link_worker_fte": [{"from_month": 0, "fte": 3}], "service.max_wait_months": 60},
    # A post too small for one slot (0.01 FTE x the caseload rounds down to none): a scenario with no
    # link workers at all is refused, but no capacity at all is what this shape needs.
    "everyone_gives_up": {"service.link_worker_fte": [{"from_month": 0, "fte": 0.01}]},
    "one_link_worker": {"service.link_worker_fte": [{"from_month": 0, "fte": 1}]},
    "one_slot": {"service.link_worker_fte": [{"from_month": 0, "fte": 1}], "service.caseload_per_worker": 1,
                 "cohort.referrals.rate_per_month": 5, "service.max_wait_months": 4},
    "short_support_no_delay": {"cohort.first_appointment_delay_months": 0, "service.support_months_min": 0.2,
                               "service.support_months_max": 1.5, "service.disengagement_per_month": 0.3,
                               "service.link_worker_fte": [{"from_month": 0, "fte": 0.5}]},
}


def _queue_inputs(scenario, seed, replication):
    d = draw_flow(scenario, streams(seed, replication))
    order = queue_order(scenario, d.ready)
    return d.ready[order], np.minimum(d.planned, d.leave)[order]


def assert_same_queue(scenario, ready, service):
    fast = run_queue(scenario, ready, service, "fast")
    ref = run_queue(scenario, ready, service, "simpy")
    np.testing.assert_array_equal(fast.start_order, ref.start_order)  # same patients, same order
    np.testing.assert_array_equal(np.isnan(fast.start), np.isnan(ref.start))
    np.testing.assert_allclose(fast.start, ref.start, rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_array_equal(fast.gave_up, ref.gave_up)
    return fast


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_engines_agree_event_for_event(wtw, shape):
    scenario = with_overrides(wtw, SHAPES[shape])
    for replication in range(8):
        fast = assert_same_queue(scenario, *_queue_inputs(scenario, 31, replication))
    if shape == "everyone_gives_up":
        assert fast.start_order.size == 0 and fast.gave_up.mean() > 0.9  # the last few run out of horizon
    if shape == "long_queue":
        assert np.nanmax(fast.start - _queue_inputs(scenario, 31, 7)[0]) > 24  # waits of years


def test_engines_agree_on_a_ten_times_cohort(wtw):
    big = with_overrides(wtw, {"cohort.referrals.rate_per_month": 1180, "service.caseload_per_worker": 700})
    ready, service = _queue_inputs(big, 7, 0)
    assert ready.size > 45_000
    fast = assert_same_queue(big, ready, service)
    assert (fast.start > ready + 1e-9).sum() > 1000  # the list is in use, not idle


def test_engines_agree_on_hand_made_hostile_queues():
    """Random queues far from the shipped scenario: many capacity steps, ties in ready times."""
    rng = np.random.default_rng(5)
    for _ in range(40):
        n = int(rng.integers(1, 400))
        ready = np.sort(np.round(rng.uniform(0, 30, n), int(rng.integers(0, 3))))  # rounding makes ties
        service = rng.exponential(rng.uniform(0.5, 10), n) + 1e-6
        months = np.r_[0.0, np.sort(rng.choice(np.arange(1, 40), int(rng.integers(0, 8)), replace=False))]
        steps = [(float(m), int(rng.integers(0, 12))) for m in months]
        max_wait, horizon = float(rng.uniform(0.1, 8)), 36.0
        keep = ready < horizon
        ready, service = ready[keep], service[keep]
        fast = run_waiting_list(ready, service, steps, max_wait, horizon)
        scenario_free = _reference(ready, service, steps, max_wait, horizon)
        np.testing.assert_array_equal(fast.start_order, scenario_free.start_order)
        np.testing.assert_allclose(fast.start, scenario_free.start, rtol=0, atol=1e-9, equal_nan=True)
        np.testing.assert_array_equal(fast.gave_up, scenario_free.gave_up)


def test_engines_agree_when_the_list_fills_and_empties_often():
    """Capacity near the number in support: the fast engine switches between settling arrivals in
    bulk (nobody waiting) and its event loop many times, with ties in ready times and staffing
    steps at ready times, and must still match simpy event for event."""
    rng = np.random.default_rng(8)
    for _ in range(6):
        n = int(rng.integers(1500, 3000))
        ready = np.sort(np.round(rng.uniform(0, 34, n), 1))  # many ties, and ties with the steps
        service = rng.exponential(1.0, n) + 1e-6
        base = n // 34  # about the mean number in support
        steps = [(0.0, base - 5), (5.0, base + 15), (11.0, base - 15), (11.5, base + 10), (20.0, 0),
                 (20.7, base + 5), (28.0, base)]
        fast = run_waiting_list(ready, service, steps, 0.4, 36.0)
        ref = _reference(ready, service, steps, 0.4, 36.0)
        np.testing.assert_array_equal(fast.start_order, ref.start_order)
        np.testing.assert_allclose(fast.start, ref.start, rtol=0, atol=1e-9, equal_nan=True)
        np.testing.assert_array_equal(fast.gave_up, ref.gave_up)
        waited = fast.start > ready
        busy_periods = np.count_nonzero(waited[1:] & ~waited[:-1])
        assert busy_periods > 10 and (fast.start == ready).sum() > n / 4 and fast.gave_up.any()


def test_bulk_runs_and_windows_equal_the_event_loop_bit_for_bit():
    """The fast engine settles runs of arrivals and windows of the list at once; its event loop
    alone applies the same rules one event at a time. On queues hostile to the bulk counts
    (supports of no length, ties between ready times, ends and staffing steps, waits of zero,
    capacity cut to zero) the two must give identical numbers, not merely close ones."""
    rng = np.random.default_rng(11)
    for _ in range(300):
        ready, service, steps, max_wait = _hostile_queue(rng)
        fast = run_waiting_list(ready, service, steps, max_wait, 36.0)
        loop = run_waiting_list(ready, service, steps, max_wait, 36.0, settle_at_once=False)
        np.testing.assert_array_equal(fast.start, loop.start)
        np.testing.assert_array_equal(fast.gave_up, loop.gave_up)
        np.testing.assert_array_equal(fast.start_order, loop.start_order)


def _hostile_queue(rng, n_most=600):
    """Ties everywhere: ready times, ends and staffing steps rounded; supports of no length; waits
    of zero; capacity cut to zero."""
    n = int(rng.integers(1, n_most))
    ready = np.sort(np.round(rng.uniform(0, 30, n), int(rng.integers(0, 3))))
    service = rng.exponential(rng.uniform(0.1, 10), n)
    service[rng.random(n) < rng.uniform(0, 0.3)] = 0.0
    service = np.round(service, int(rng.integers(0, 4)))
    months = np.unique(np.r_[0.0, np.round(rng.uniform(1, 34, int(rng.integers(0, 8))), 0)])
    steps = [(float(m), int(rng.integers(0, 60))) for m in months]
    max_wait = float(rng.choice([0.0, rng.uniform(0.1, 8)]))
    return ready, service, steps, max_wait


def test_engines_agree_on_ties_and_supports_of_no_length():
    """At one month the order is fixed (steps, ends, arrivals one by one, give-ups), in simpy as in
    the fast engine: without it simpy takes events at one month in the order they were scheduled,
    and about one queue in nine here came out differently."""
    rng = np.random.default_rng(11)
    for _ in range(300):
        ready, service, steps, max_wait = _hostile_queue(rng)
        fast = run_waiting_list(ready, service, steps, max_wait, 36.0)
        ref = _reference(ready, service, steps, max_wait, 36.0)
        np.testing.assert_array_equal(fast.start_order, ref.start_order)
        np.testing.assert_allclose(fast.start, ref.start, rtol=0, atol=1e-9, equal_nan=True)  # simpy adds delays
        np.testing.assert_array_equal(fast.gave_up, ref.gave_up)


def test_tie_order_at_one_month_by_hand():
    # A step to no slots at month 2 comes before the arrival at 2: it waits, and gives up at 3.
    cut = run_waiting_list(np.array([2.0]), np.array([3.0]), [(0.0, 2), (2.0, 0)], 1.0, 36.0)
    assert np.isnan(cut.start[0]) and cut.gave_up[0]
    # An end at month 2 frees its slot for the arrival at 2; the one after waits for the next end.
    free = run_waiting_list(np.array([0.0, 2.0, 2.0]), np.array([2.0, 1.0, 1.0]), [(0.0, 1)], 5.0, 36.0)
    np.testing.assert_array_equal(free.start, [0.0, 2.0, 3.0])
    # A support of no length at month 1 ends before the next arrival at 1, which takes the slot.
    instant = run_waiting_list(np.array([1.0, 1.0]), np.array([0.0, 2.0]), [(0.0, 1)], 0.0, 36.0)
    np.testing.assert_array_equal(instant.start, [1.0, 1.0])
    # A wait that runs out at exactly the month a slot frees still starts.
    edge = run_waiting_list(np.array([0.0, 0.0]), np.array([1.5, 1.0]), [(0.0, 1)], 1.5, 36.0)
    np.testing.assert_array_equal(edge.start, [0.0, 1.5])
    for case in ((np.array([2.0]), np.array([3.0]), [(0.0, 2), (2.0, 0)], 1.0),
                 (np.array([0.0, 2.0, 2.0]), np.array([2.0, 1.0, 1.0]), [(0.0, 1)], 5.0),
                 (np.array([1.0, 1.0]), np.array([0.0, 2.0]), [(0.0, 1)], 0.0),
                 (np.array([0.0, 0.0]), np.array([1.5, 1.0]), [(0.0, 1)], 1.5)):
        np.testing.assert_array_equal(run_waiting_list(*case, 36.0).start, _reference(*case, 36.0).start)


def _reference(ready, service, steps, max_wait, horizon):
    from sib_sim.model.caseload import run_simpy_queue

    return run_simpy_queue(ready, service, steps, max_wait, horizon)


@pytest.mark.parametrize("shape", ["shipped", "cut_to_zero_and_restored", "long_queue"])
def test_every_measured_output_is_the_same_in_both_engines(wtw, shape):
    base = with_overrides(wtw, SHAPES[shape])
    for replication in range(3):
        fast = simulate_replication(with_overrides(base, {"run.engine": "fast"}), 13, replication)
        ref = simulate_replication(with_overrides(base, {"run.engine": "simpy"}), 13, replication)
        for part in ("series", "scalars", "milestones", "cohorts", "parameters"):
            a, b = getattr(fast, part), getattr(ref, part)
            assert a.keys() == b.keys()
            for key in a:
                np.testing.assert_allclose(a[key], b[key], rtol=1e-9, atol=1e-9, err_msg=f"{part}[{key}]")
        np.testing.assert_array_equal(fast.star_change_histogram, ref.star_change_histogram)


def test_flow_records_the_same_times_in_both_engines(wtw):
    a = simulate_flow(wtw, streams(3, 1), "fast")
    b = simulate_flow(wtw, streams(3, 1), "simpy")
    for name in ("start_month", "end_month", "gave_up_month"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_array_equal(a.completed, b.completed)


def test_unknown_engine_is_refused(wtw):
    ready, service = _queue_inputs(wtw, 1, 0)
    with pytest.raises(ValueError, match="fast or simpy"):
        run_queue(wtw, ready, service, "turbo")
