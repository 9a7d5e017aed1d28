"""sweep and sensitivity simulate delivery cuts (as compare does): a point whose money runs out is
re-simulated with the cut capacity, on the same draws and at the point's own parameter values."""

from __future__ import annotations

import numpy as np
import pytest

from sib_sim import run
from sib_sim.experiment import sensitivity, sweep
from sib_sim.experiment.delivery_cut import fixed_point
from sib_sim.experiment.replicate import simulate_replication
from sib_sim.scenario.overrides import with_overrides

from test_delivery_cut import hand_sized  # noqa: E402 - the hand-worked case: 20 slots, 100 a slot-month

RATE = "cohort.referrals.rate_per_month"


def test_sweep_re_simulates_the_points_that_cut_delivery():
    # No income: 2,000 a month of link-worker costs for the horizon needs 2,000 x 96 = 192,000. A
    # commitment of 5,050 cuts capacity from month 2 (test_delivery_cut works it by hand); 300,000 does not.
    scenario = hand_sized(5050)
    result = sweep(scenario, ["finance.investor.commitment=5050:300000:2"], replications=1, workers=1)
    assert result.grid["p_capacity_cut"].tolist() == [1.0, 0.0]
    assert any("delivery was cut" in note and "at 1 of 2 points" in note for note in result.notes)
    # The cut point is what a run of that scenario reports (not the uncut shared simulation re-priced).
    alone = run(scenario, replications=1, workers=1).replications
    assert result.grid["payments_total_p50"].iloc[0] == alone["payments_total"].iloc[0]
    assert result.grid["commissioner_net_cost_p50"].iloc[0] == pytest.approx(alone["commissioner_net_cost"].iloc[0])


def test_a_cut_design_point_keeps_its_own_parameter_values():
    scenario = hand_sized(5050)
    planned = simulate_replication(scenario, scenario.run.seed, 0, parameters={RATE: 60.0})
    result = fixed_point(scenario, scenario.run.seed, 0, planned)
    assert result.iterations >= 1 and result.ledger.parameters[RATE][0] == 60.0
    # Referrals do not depend on capacity: the same as planned at the point's rate, not the base rate's.
    np.testing.assert_array_equal(result.ledger.series["referrals"], planned.series["referrals"])


def test_one_way_sensitivity_reports_the_cut_at_every_point():
    # Referrals too few to start anyone (the by-hand case of test_delivery_cut): every slot is idle.
    scenario = with_overrides(hand_sized(5050), {"uncertainty": {RATE: {"dist": "gamma", "mean": 0.001, "sd": 0.0001}}})
    result = sensitivity(scenario, "oneway", metric="capacity_cut_share", replications=1, workers=1)
    share = 1 - 50 / (20 * scenario.run.horizon_months)  # the hand-worked capacity: 20, 20, 10, then 0
    row = result.table.iloc[0]
    assert row["metric_low"] == pytest.approx(share) and row["metric_high"] == pytest.approx(share)
    assert result.base == pytest.approx(share)
    assert any("delivery was cut" in note and "3 of 3 runs" in note for note in result.notes)
