"""Participants attributed to payers by area: each council pays for its own participants, with its
own cap, the central fund topping up a share (fair_chance_homelessness's three councils)."""

from pathlib import Path

import numpy as np
import pytest

from sib_sim import load_scenario
from sib_sim.contract import apply_contract
from sib_sim.experiment import simulate
from sib_sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
COUNCILS = ("newcastle", "gateshead", "sunderland")


def _by_area(scenario: Scenario, gateshead_cap: float | None) -> Scenario:
    data = scenario.model_dump()
    contract = data["contract"]
    contract["cap"] = None
    contract["payers"] += [{"id": c, "name": c, "cap": gateshead_cap if c == "gateshead" else None} for c in COUNCILS]
    contract["areas"] = [{"area": c, "payers": [{"payer": "dclg", "share": 0.3}, {"payer": c, "share": 0.7}],
                          "overflow_to": None} for c in COUNCILS]
    for line in contract["outcomes"]:
        line["by_area"] = line["id"] == "accommodation_entry"
        if line["by_area"]:  # paid by each area's payers, so none of its own
            line["payers"], line["overflow_to"] = [], None
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def priced():
    base = load_scenario(ROOT / "scenarios" / "fair_chance_homelessness.yaml")
    ledger = simulate(base, replications=range(3), seed=3, workers=1)
    return base, ledger


def test_each_area_pays_for_its_own_participants(priced):
    base, ledger = priced
    scenario = _by_area(base, None)
    paid = apply_contract(scenario.contract, ledger)
    line = next(o for o in scenario.contract.outcomes if o.id == "accommodation_entry")
    key = line.outcome.key
    whole = apply_contract(base.model_copy(update={"contract": base.contract.model_copy(update={"cap": None})})
                           .contract, ledger).by_line()["accommodation_entry"]
    by_payer = paid.by_payer()
    for council in COUNCILS:
        reached = ledger.area_milestones[council][key][:, 0, :].sum(axis=1)
        assert np.allclose(by_payer[council], 0.7 * line.price * reached)
    # The areas' parts add up to what the line pays for the whole cohort.
    assert np.allclose(paid.by_line()["accommodation_entry"], whole)
    assert {c.area for c in paid.claims if c.line == "accommodation_entry"} == set(COUNCILS)


def test_an_area_cap_binds_on_that_area_alone(priced):
    base, ledger = priced
    free = apply_contract(_by_area(base, None).contract, ledger).by_payer()
    capped = apply_contract(_by_area(base, 1000.0).contract, ledger).by_payer()
    assert (capped["gateshead"] <= 1000.0 + 1e-9).all() and (free["gateshead"] > 1000.0).all()
    assert np.allclose(capped["newcastle"], free["newcastle"]) and np.allclose(capped["sunderland"], free["sunderland"])


def test_areas_must_match_the_cohort(priced):
    base, _ = priced
    data = _by_area(base, None).model_dump()
    data["contract"]["areas"] = data["contract"]["areas"][:2]
    with pytest.raises(ValueError, match="no payers for area"):
        Scenario.model_validate(data)
