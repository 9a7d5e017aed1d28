"""Simulated actuals: one replication of a `run` results folder as a history to an as-of month.

Replication r of a run depends only on (scenario, seed, r) (DESIGN.md section 6), so it is re-run
here from the folder's scenario.json and seed rather than stored by `run`: the history is exactly
the path that replication r of the run took.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..contract import apply_contract
from ..errors import UserError
from ..experiment import simulate
from ..finance import cash_flows
from ..io.actuals_csv import month_index, month_text
from ..io.results_folder import check_results_folder
from ..scenario import Scenario
from .actuals import Actuals, history_of_path


def read_run(folder: str | Path) -> tuple[Scenario, int, int]:
    """(scenario, seed, replications) of a results folder written by `sib-sim run`."""
    path = check_results_folder(folder)
    manifest = json.loads((path / "summary.json").read_text(encoding="utf-8"))["manifest"]
    try:
        data = json.loads((path / "scenario.json").read_text(encoding="utf-8"))
        scenario = Scenario.model_validate(data)
    except (OSError, ValueError) as error:
        raise UserError(f"its scenario.json cannot be read ({type(error).__name__}); run again to rewrite it",
                        where=str(path)) from None
    return scenario, int(manifest["seed"]), int(manifest["replications"])


def simulate_history(scenario: Scenario, seed: int, replication: int, months: int,
                     source: dict[str, object] | None = None) -> Actuals:
    """Replication `replication` of (scenario, seed) to `months` months observed."""
    ledger = simulate(scenario, [replication], seed, workers=1)
    payments = apply_contract(scenario.contract, ledger)
    flows = cash_flows(scenario, payments, ledger)
    return history_of_path(scenario, ledger, payments, flows, months, source=source)


def actuals_from_results(folder: str | Path, replication: int, as_of: str) -> Actuals:
    """What `sib-sim actuals RESULTS --replication R --as-of YYYY-MM` writes."""
    scenario, seed, replications = read_run(folder)
    if not 0 <= replication < replications:
        raise UserError(f"replication {replication} is not in this run (it has replications 0 to "
                        f"{replications - 1})", field="--replication")
    start = scenario.run.start_date
    try:
        last = month_index(as_of, start)
    except ValueError as error:
        raise UserError(f"{as_of!r}: {error}", field="--as-of") from None
    if not 0 <= last < scenario.run.horizon_months:
        raise UserError(f"{as_of} is outside the run's months ({month_text(start, 0)} to "
                        f"{month_text(start, scenario.run.horizon_months - 1)})", field="--as-of")
    source = {"results": str(folder), "replication": replication, "seed": seed}
    return simulate_history(scenario, seed, replication, last + 1, source)
