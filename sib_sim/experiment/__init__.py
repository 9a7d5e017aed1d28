"""Replications of a scenario, and re-pricing measured cohorts under other terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from ..contract import apply_contract
from ..finance import cash_flows
from ..measure import OutcomeDefinitions, OutcomeLedger
from ..scenario import Scenario
from .delivery_cut import CUT_TOLERANCE, resolve_cuts
from .executor import Progress, simulate_replications
from .metrics import monthly_streams, replications_table
from .results import Results
from .summary import summarise


def simulate(scenario: Scenario, replications: Sequence[int] | None = None, seed: int | None = None,
             workers: int | None = None, progress: Progress | None = None,
             definitions: OutcomeDefinitions | None = None, scheduler: str | None = None,
             parameter_sets: Sequence[Mapping[str, float]] | None = None) -> OutcomeLedger:
    """Simulate and measure cohorts: the expensive part, independent of contract and finance terms.

    `definitions`: the participant-level outcomes to count, by default those of the scenario's own
    contract; to re-price under other contracts, pass `definitions_for([c1, c2, ...])`.
    `scheduler`: a Dask scheduler address (tcp://HOST:PORT) to run on a cluster; default: local processes.
    `parameter_sets`: one {uncertain path: value} per replication, used instead of drawing them
    (sensitivity design points); replication i's random streams still come from (seed, i).
    """
    reps = list(range(scenario.run.replications)) if replications is None else list(replications)
    return simulate_replications(scenario, scenario.run.seed if seed is None else seed, reps, workers,
                                 scheduler, progress, definitions, parameter_sets)


def evaluate(scenario: Scenario, ledger: OutcomeLedger, seed: int | None = None,
             replications: Sequence[int] | None = None) -> Results:
    """Price measured cohorts under the scenario's contract and finance terms (cheap, vectorised)."""
    reps = np.arange(ledger.n_replications) if replications is None else np.asarray(replications)
    payments = apply_contract(scenario.contract, ledger)
    flows = cash_flows(scenario, payments, ledger)
    table = replications_table(reps, ledger, payments, flows, scenario.contract)
    return Results(scenario, scenario.run.seed if seed is None else seed, table,
                   monthly_streams(ledger, payments, flows), ledger.star_change_histogram.sum(axis=0))


def run(scenario: Scenario, replications: int | None = None, seed: int | None = None,
        workers: int | None = None, progress: Progress | None = None, scheduler: str | None = None) -> Results:
    """Run a scenario: replications x (simulate -> measure -> contract -> finance)."""
    n = scenario.run.replications if replications is None else replications
    ledger = simulate(scenario, range(n), seed, workers, progress, scheduler=scheduler)
    return evaluate_with_cuts(scenario, ledger, seed, range(n))


def evaluate_with_cuts(scenario: Scenario, ledger: OutcomeLedger, seed: int | None = None,
                       replications: Sequence[int] | None = None,
                       definitions: OutcomeDefinitions | None = None) -> Results:
    """evaluate(), with delivery cuts under `shortfall: scale_back` simulated: each replication whose
    money runs out is re-simulated with less capacity until nothing is cut (experiment.delivery_cut),
    and the cut metrics (`capacity_cut*`) are added."""
    return priced_with_cuts(scenario, ledger, seed, replications, definitions)[0]


def priced_with_cuts(scenario: Scenario, ledger: OutcomeLedger, seed: int | None = None,
                     replications: Sequence[int] | None = None,
                     definitions: OutcomeDefinitions | None = None) -> tuple[Results, OutcomeLedger]:
    """evaluate_with_cuts(), and the ledger it priced (cut replications at their fixed point): what
    the delivery bought, for value for money and value of information."""
    results = evaluate(scenario, ledger, seed, replications)
    if scenario.finance.shortfall != "scale_back":
        return results, ledger
    seed = scenario.run.seed if seed is None else seed
    reps = list(range(ledger.n_replications)) if replications is None else list(replications)
    # Priced once: only a run whose waterfall cuts delivery is re-simulated (and priced again).
    cut = results.replications["delivery_cut"].to_numpy(dtype=float) > CUT_TOLERANCE
    ledger, cut_metrics = resolve_cuts(scenario, ledger, seed, reps, definitions, cut)
    if cut.any():
        results = evaluate(scenario, ledger, seed, reps)
    return replace(results, replications=results.replications.assign(**cut_metrics)), ledger


from .compare import Comparison, compare, term_differences  # noqa: E402 - uses evaluate above
from .points import evaluate_points  # noqa: E402
from .sensitivity import SensitivityResult, sensitivity  # noqa: E402 - SALib is imported only when used
from .sweep import SweepResult, sweep  # noqa: E402
from .vfm import ValueForMoney, value_for_money  # noqa: E402 - statsmodels is imported only when used

__all__ = ["Comparison", "Results", "SensitivityResult", "SweepResult", "compare", "evaluate", "evaluate_points",
           "evaluate_with_cuts", "run", "sensitivity", "simulate", "summarise", "sweep", "term_differences",
           "ValueForMoney", "value_for_money"]
