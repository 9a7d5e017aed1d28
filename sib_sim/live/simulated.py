"""Simulated actuals: one replication of a scenario as a history to an as-of month.

Replication r of a run depends only on (scenario, seed, r) (DESIGN.md section 6), so it is re-run
here rather than stored by `run`: the history is exactly the path that replication r took
(io/run_history.py reads the scenario and seed from a results folder).
"""

from __future__ import annotations

from ..contract import apply_contract
from ..experiment import simulate
from ..finance import cash_flows
from ..scenario import Scenario
from .actuals import Actuals, history_of_path


def simulate_history(scenario: Scenario, seed: int, replication: int, months: int,
                     source: dict[str, object] | None = None) -> Actuals:
    """Replication `replication` of (scenario, seed) to `months` months observed."""
    ledger = simulate(scenario, [replication], seed, workers=1)
    payments = apply_contract(scenario.contract, ledger)
    flows = cash_flows(scenario, payments, ledger)
    return history_of_path(scenario, ledger, payments, flows, months, source=source)
