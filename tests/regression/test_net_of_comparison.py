"""A rate-card line paid net of the comparison group pays less than the same line paid gross, and
the difference is the comparison members' outcomes at the price (fair_chance_homelessness)."""

from pathlib import Path

import numpy as np

from sib_sim import load_scenario
from sib_sim.contract import apply_contract
from sib_sim.experiment import simulate
from sib_sim.kinds.claims import claim_periods
from sib_sim.scenario.overrides import with_overrides

ROOT = Path(__file__).resolve().parents[2]


def test_net_line_pays_the_gross_less_the_comparison_outcomes():
    scenario = load_scenario(ROOT / "scenarios" / "fair_chance_homelessness.yaml")
    scenario = with_overrides(scenario, {"contract.cap": None, "run.uncertainty": False})
    ledger = simulate(scenario, replications=range(3), seed=5, workers=1)
    net = with_overrides(scenario, {"contract.outcomes.work_start.net_of_comparison": True})
    gross_paid = apply_contract(scenario.contract, ledger).by_line()["work_start"]
    net_paid = apply_contract(net.contract, ledger).by_line()["work_start"]
    key = "milestone:work_start"
    line = next(o for o in scenario.contract.outcomes if o.id == "work_start")
    assert line.claim.frequency == "quarterly" and not isinstance(line.price, list)
    # Per quarter: price x max(participants - comparison, 0), with no caps in the way.
    difference = ledger.milestones[key][:, 0, :] - ledger.comparison_milestones[key]
    expected = sum(line.price * np.maximum(difference[:, p.start:p.end].sum(axis=1), 0.0)
                   for p in claim_periods(line.claim, ledger.horizon_months))
    assert np.allclose(net_paid, expected, rtol=1e-9)
    assert (net_paid < gross_paid).all() and (net_paid > 0).all()
