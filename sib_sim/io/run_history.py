"""A `run` results folder's replication as actuals: what `sib-sim actuals` writes.

The folder keeps the scenario (scenario.json) and the seed (summary.json), and replication r depends
only on (scenario, seed, r), so the history is re-simulated rather than stored by `run`.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..calendar import month_index, month_text
from ..errors import UserError
from ..live.actuals import Actuals
from ..live.simulated import simulate_history
from ..scenario import Scenario
from .results_folder import check_results_folder


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
