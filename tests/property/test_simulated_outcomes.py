"""Invariants of simulated outcomes and what the contract pays on them (DESIGN.md section 8), on a
rate card with areas and a per-participant cap: nobody is paid for an outcome before their referral,
and no outcome is reached by more participants than have started support."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sib_sim import load_scenario
from sib_sim.contract import apply_contract
from sib_sim.measure import definitions_for, measure_outcomes
from sib_sim.model import simulate_cohort
from sib_sim.rng import streams
from sib_sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    base = load_scenario(ROOT / "scenarios" / "youth_engagement_rate_card.yaml")
    data = base.model_dump()
    data["contract"]["participant_cap"] = {"amount": 3000.0}
    return Scenario.model_validate(data)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_nothing_paid_before_referral_and_outcomes_never_exceed_participants(scenario, seed):
    named = streams(seed, 0)
    log = simulate_cohort(scenario, named)
    ledger = measure_outcomes(log, scenario, named, definitions_for([scenario.contract]))
    engaged_by_month = np.cumsum(ledger.series["engaged"][0])
    for key, counts in ledger.milestones.items():
        # first occurrences reached by month m never exceed participants started by month m
        assert (np.cumsum(counts[0, 0]) <= engaged_by_month + 1e-9).all(), key
    referred = log.flow.referral_month[log.participants]
    for key, table in ledger.participant_events.items():
        assert (table[:, 3] >= np.floor(referred[table[:, 1]])).all(), key
    payments = apply_contract(scenario.contract, ledger)
    first = int(np.floor(np.nanmin(log.flow.referral_month)))
    assert payments.paid[..., : first + 1].sum() == 0  # claims are made after the month they count
    for line, paid in payments.by_line().items():
        assert paid[0] >= 0
    # each participant is paid at most the cap: so the capped lines pay at most cap x participants
    assert payments.total[0] <= 3000.0 * log.participants.size + 1e-6
