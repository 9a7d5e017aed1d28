"""Backtest of the re-projection: does the projected 90% interval hold the truth 90% of the time?

Simulate replications of a scenario (the "true" histories, on the scenario's seed); for each
replication r and as-of month m, take r's history to m as the actuals, re-project (on the
projection's own seeds), and check whether r's true remaining outcome payments (paid after m,
including after the horizon) fall in the projection's 5%-95% interval. The prior particles do not
depend on the actuals, so all (r, m) pairs share one prior batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..contract import apply_contract
from ..experiment import simulate
from ..finance import cash_flows
from ..scenario import Scenario
from .actuals import history_of_path
from .projection import prior_batch, project, projection_seed


@dataclass(frozen=True)
class Backtest:
    rows: pd.DataFrame  # replication, months, truth, p5, p50, p95, covered, width

    def coverage(self) -> pd.DataFrame:
        """By as-of month: pairs, share covered, mean interval width."""
        return self.rows.groupby("months").agg(pairs=("covered", "size"), coverage=("covered", "mean"),
                                               mean_width=("width", "mean"),
                                               mean_truth=("truth", "mean")).reset_index()


def backtest(scenario: Scenario, pairs: Sequence[tuple[int, int]], particles: int = 100,
             prior_paths: int = 400, smc_particles: int = 1000, workers: int | None = None,
             refine: bool = True) -> Backtest:
    """Project replication r from month m for each (r, m) in `pairs`. `prior_paths` paths are shared
    by every pair; `particles` more are simulated per round for a pair whose prior paths keep too
    small an effective sample size (see project)."""
    replications = sorted({r for r, _ in pairs})
    months = sorted({m for _, m in pairs})
    truth_ledger = simulate(scenario, replications, scenario.run.seed, workers=workers)
    truth_payments = apply_contract(scenario.contract, truth_ledger)
    truth_flows = cash_flows(scenario, truth_payments, truth_ledger)
    first = history_of_path(scenario, truth_ledger, truth_payments, truth_flows, months[0], 0,
                            {"seed": scenario.run.seed})
    prior = prior_batch(scenario, prior_paths, projection_seed(scenario, first), workers)
    rows = []
    for r, m in pairs:
        i = replications.index(r)
        actuals = history_of_path(scenario, truth_ledger, truth_payments, truth_flows, m, i,
                                  {"seed": scenario.run.seed, "replication": int(r)})
        projection = project(scenario, actuals, particles, workers=workers, smc_particles=smc_particles,
                             refine=refine, prior=prior)
        truth = float(truth_payments.paid[i, :, :, m:].sum() + truth_payments.after_horizon[i])
        p5, p50, p95 = np.percentile(projection.remaining_payments, [5, 50, 95])
        rows.append({"replication": int(r), "months": m, "truth": truth, "p5": p5, "p50": p50, "p95": p95,
                     "covered": bool(p5 <= truth <= p95), "width": p95 - p5,
                     "prior_paths_ess": projection.pool_ess,
                     "resimulated": projection.pool_ess < 0.5 * particles})
    return Backtest(pd.DataFrame(rows))
