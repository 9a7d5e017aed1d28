"""A per-participant cap across lines applied in simulation (fair_chance_homelessness's eight
rate-card lines, a few small replications): the evaluator records who reached each milestone and
when, and the contract caps what each participant is paid over all the lines."""

from pathlib import Path

import numpy as np
import pytest

from sib_sim import load_scenario
from sib_sim.contract import apply_contract
from sib_sim.experiment import simulate
from sib_sim.measure import definitions_for
from sib_sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]


def _capped(scenario: Scenario, amount: float | None) -> Scenario:
    data = scenario.model_dump()
    data["contract"]["cap"] = None
    data["contract"]["participant_cap"] = None if amount is None else {"amount": amount}
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def simulated():
    base = load_scenario(ROOT / "scenarios" / "fair_chance_homelessness.yaml")
    capped = _capped(base, 4000.0)
    ledger = simulate(capped, replications=range(3), seed=5, workers=1,
                      definitions=definitions_for([capped.contract]))
    return base, capped, ledger


def test_each_participant_is_paid_at_most_the_cap_over_all_lines(simulated):
    """One payer, no other cap, every claim made in the run: what the capped lines pay is, for each
    participant, the smaller of the cap and what their milestones earn at the price in force."""
    base, capped, ledger = simulated
    paid = apply_contract(capped.contract, ledger)
    expected = np.zeros(ledger.n_replications)
    earned: dict[tuple[int, int], float] = {}
    for line in capped.contract.outcomes:
        table = ledger.participant_events[line.outcome.key]
        table = table[table[:, 2] < line.max_per_participant]
        for replication, person, _, _, _ in table:
            key = (int(replication), int(person))
            earned[key] = earned.get(key, 0.0) + float(line.price)
    for (replication, _), amount in earned.items():
        expected[replication] += min(amount, 4000.0)
    assert paid.total == pytest.approx(expected)
    uncapped = apply_contract(_capped(base, None).contract, ledger).total
    assert (paid.total < uncapped).all()  # the cap binds in every replication
    cut = sum(c.amount for c in paid.cuts if c.level == "participant")
    assert uncapped - paid.total == pytest.approx(cut)


def test_a_cap_no_participant_reaches_changes_nothing(simulated):
    base, _, ledger = simulated
    uncapped = apply_contract(_capped(base, None).contract, ledger)
    loose = apply_contract(_capped(base, 1e6).contract, ledger)
    assert np.array_equal(loose.paid, uncapped.paid)


def test_the_events_agree_with_the_milestone_counts(simulated):
    _, capped, ledger = simulated
    for key, table in ledger.participant_events.items():
        counts = ledger.milestones[key]
        for replication in range(ledger.n_replications):
            rows = table[table[:, 0] == replication]
            by_month = np.zeros(counts.shape[1:])
            np.add.at(by_month, (rows[:, 2], rows[:, 3]), 1)
            assert np.array_equal(by_month, counts[replication])
