"""One replication, or a chunk of them, from seed to measured outcomes. Runs inside workers."""

from __future__ import annotations

from collections.abc import Sequence

from ..measure import OutcomeDefinitions, OutcomeLedger, measure_outcomes, stack_ledgers
from ..model import simulate_cohort
from ..rng import streams
from ..scenario import Scenario


def simulate_replication(scenario: Scenario, seed: int, replication: int,
                         definitions: OutcomeDefinitions | None = None) -> OutcomeLedger:
    """Replication r depends only on (scenario, seed, r): it can be re-run alone."""
    named = streams(seed, replication)
    log = simulate_cohort(scenario, named)
    return measure_outcomes(log, scenario, named, definitions)


def simulate_chunk(scenario: Scenario, seed: int, replications: Sequence[int],
                   definitions: OutcomeDefinitions | None = None) -> OutcomeLedger:
    return stack_ledgers([simulate_replication(scenario, seed, r, definitions) for r in replications])
