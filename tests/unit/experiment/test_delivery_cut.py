"""Delivery cuts that happen: the capacity cut and its month worked out by hand, and the iteration's
capacity only ever falls (so it cannot oscillate)."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim import load_scenario, run
from sib_sim.experiment.delivery_cut import _cut, fixed_point, fixed_points, take
from sib_sim.measure import stack_ledgers
from sib_sim.experiment.replicate import simulate_replication
from sib_sim.scenario.overrides import with_overrides

ROOT = Path(__file__).resolve().parents[3]


def hand_sized(commitment: float) -> object:
    """No outcome payments (contract cap 0), only link-worker costs: 2 FTE x 10 slots = 20 slots,
    GBP 12,000 a year per FTE, so 1,000 a month per FTE and 100 a month per slot. Twelve referrals a
    month keep those 20 slots full while each re-simulation costs a tenth of the full cohort's."""
    base = load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml")
    return with_overrides(base, {
        "run.uncertainty": False, "contract.cap": 0, "cohort.referrals.rate_per_month": 12,
        "service.link_worker_fte": [{"from_month": 0, "fte": 2}], "service.caseload_per_worker": 10,
        "finance.costs.link_worker_per_fte_per_year": 12000, "finance.costs.management_per_month": 0,
        "finance.costs.per_engaged_patient": 0, "finance.costs.evaluation_per_year": 0,
        "finance.investor.commitment": commitment, "finance.investor.cash_buffer": 0,
    })


def test_cut_month_and_capacity_by_hand():
    # Commitment 5,050 and costs 2,000 a month: months 0 and 1 draw 4,000; month 2 has 1,050 for 2,000
    # of costs, a cut of 950, so ceil(950 / 100) = 10 slots go from month 2: capacity 10, cost 1,000.
    # Month 3 then has 50 for 1,000: a cut of 950 again, 10 more slots: capacity 0 from month 3, and no
    # cost is left unpaid (and every later month is cut to 0: no money is left). One re-simulation.
    # Nobody is referred (a rate of 0.001 a month), so every slot is free to cut: no one is in support.
    scenario = with_overrides(hand_sized(5050), {"cohort.referrals.rate_per_month": 0.001})
    assert simulate_replication(scenario, scenario.run.seed, 0).series["referrals"].sum() == 0
    planned = simulate_replication(scenario, scenario.run.seed, 0)
    result = fixed_point(scenario, scenario.run.seed, 0, planned)
    capacity = result.ledger.series["capacity"][0]
    assert result.converged and result.iterations == 1 and result.cut_month == 2
    np.testing.assert_array_equal(capacity[:5], [20, 20, 10, 0, 0])
    assert (capacity[3:] == 0).all()
    np.testing.assert_allclose(result.ledger.series["link_worker_fte"][0][:4], [2, 2, 1, 0])
    # The run reports the cut and leaves nothing unfunded.
    table = run(scenario, replications=1, workers=1).replications
    assert table["capacity_cut"].iloc[0] == 1 and table["delivery_cut"].iloc[0] == pytest.approx(0, abs=1e-6)
    assert table["capacity_cut_month"].iloc[0] == 2
    horizon = scenario.run.horizon_months
    assert table["capacity_cut_share"].iloc[0] == pytest.approx(1 - 50 / (20 * horizon))


def test_those_in_support_keep_their_link_workers():
    """A cut stops new starts; it never ends anyone's support, so the link workers of those carried
    into a month stay paid (in support at mid-month less the month's starts, ten to a worker here).
    With 18-21 months of support and money for two and a half months (the full referral rate would fill
    the twenty slots in the first month), a cut from the month the money runs out would leave the
    caseload's link workers unpaid; the cut instead starts far fewer people from the first month, as
    many as the money can carry, and nothing is left unfunded. (Before the floor, the cut took capacity
    below the caseload and saved money on posts its patients still needed.)"""
    scenario = with_overrides(hand_sized(5050), {"cohort.referrals.rate_per_month": 118})
    planned = simulate_replication(scenario, scenario.run.seed, 0)
    result = fixed_point(scenario, scenario.run.seed, 0, planned)
    series = result.ledger.series
    carried = np.maximum(series["in_service"][0] - series["engaged"][0], 0.0)
    assert (series["link_worker_fte"][0] * 10 >= np.ceil(carried - 1e-9) - 1e-9).all()
    assert result.converged and result.cut_month == 0
    assert series["engaged"][0].sum() < planned.series["engaged"][0].sum() / 5
    table = run(scenario, replications=1, workers=1).replications
    assert table["capacity_cut_not_converged"].iloc[0] == 0 and table["delivery_cut"].iloc[0] == 0


def test_fixed_costs_alone_do_not_converge_and_are_reported():
    # Management of 5,000 a month with a commitment of 5,050: no capacity cut can pay month 1.
    scenario = with_overrides(hand_sized(5050), {"finance.costs.management_per_month": 5000})
    table = run(scenario, replications=1, workers=1).replications
    assert table["capacity_cut_not_converged"].iloc[0] == 1
    assert table["delivery_cut"].iloc[0] > 0


@settings(max_examples=4, deadline=None)
@given(st.floats(5_000, 60_000), st.integers(0, 3))
def test_capacity_only_falls_between_iterations(commitment, replication):
    # Per-participant costs make income-free outcomes matter: fewer starts, lower costs.
    scenario = with_overrides(hand_sized(commitment), {"finance.costs.per_engaged_patient": 5})
    planned = simulate_replication(scenario, scenario.run.seed, replication)
    result = fixed_point(scenario, scenario.run.seed, replication, planned)
    for before, after in zip(result.capacities, result.capacities[1:]):
        assert (after <= before).all() and (after < before).any()  # falls, so it cannot oscillate
    if result.converged:  # at the fixed point the waterfall cuts nothing
        assert _cut(scenario, result.ledger).sum() == 0


def test_take_picks_one_replication():
    scenario = hand_sized(5050)
    from sib_sim.measure import stack_ledgers
    both = stack_ledgers([simulate_replication(scenario, 1, r) for r in (0, 1)])
    one = take(both, 1)
    assert one.n_replications == 1
    np.testing.assert_array_equal(one.series["engaged"][0], both.series["engaged"][1])


def test_warning_says_how_often_and_how_much_and_that_outcomes_reflect_it():
    from sib_sim.reports.summary_table import delivery_cut_warning

    metrics = {"p_capacity_cut": {"value": 0.02, "n": 200}, "capacity_cut_share": {"mean": 0.0002},
               "capacity_cut_month": {"p50": 40.0}, "p_delivery_cut": {"value": 0.0, "n": 200}}
    text = delivery_cut_warning(metrics, "GBP")
    assert "2.0% of runs (4 of 200)" in text and "from month 40" in text and "by 1.0% of the planned" in text
    assert "reflect the cut" in text


def test_compare_resimulates_a_variant_that_cuts_and_says_so():
    from sib_sim import compare

    funded = hand_sized(10_000_000)
    short = with_overrides(funded, {"name": "short", "finance.investor.commitment": 5050})
    comparison = compare([funded, short], replications=1, workers=1)
    assert len(comparison.notes) == 1 and comparison.notes[0].startswith("short: delivery was cut in 1 of 1")
    base, variant = (r.replications for r in comparison.variants)
    assert base["capacity_cut"].iloc[0] == 0 and variant["capacity_cut"].iloc[0] == 1
    assert variant["engaged"].iloc[0] < base["engaged"].iloc[0]  # the cut variant was simulated again


def test_replications_iterated_together_end_as_each_alone():
    # Different commitments per replication are not possible in one scenario, so mix what differs
    # between replications instead: their draws. Three replications, cut in different months and by
    # different amounts (per-participant costs), iterated in one batch and each alone.
    scenario = with_overrides(hand_sized(20_000), {"finance.costs.per_engaged_patient": 5})
    replications = [0, 1, 2]
    planned = [simulate_replication(scenario, scenario.run.seed, r) for r in replications]
    together = fixed_points(scenario, scenario.run.seed, replications, stack_ledgers(planned))
    for r, one, batched in zip(replications, planned, together):
        alone = fixed_point(scenario, scenario.run.seed, r, one)
        assert batched.iterations == alone.iterations >= 1 and batched.converged == alone.converged
        assert batched.cut_month == alone.cut_month and batched.slots == alone.slots
        for name, series in alone.ledger.series.items():
            np.testing.assert_array_equal(batched.ledger.series[name], series, err_msg=name)
