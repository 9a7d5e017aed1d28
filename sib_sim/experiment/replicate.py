"""One replication, or a chunk of them, from seed to measured outcomes. Runs inside workers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from ..measure import OutcomeDefinitions, OutcomeLedger, measure_outcomes, stack_ledgers
from ..model import simulate_cohort
from ..rng import streams
from ..scenario import Scenario
from ..scenario.paths import FieldPath
from .parameters import draw_parameters, point_values, with_parameters


def simulate_replication(scenario: Scenario, seed: int, replication: int,
                         definitions: OutcomeDefinitions | None = None,
                         parameters: Mapping[str, float] | None = None) -> OutcomeLedger:
    """Replication r depends only on (scenario, seed, r): it can be re-run alone.

    Uncertain parameters take the values given (a sensitivity design point), else a draw from the
    replication's own `parameters` stream when `run.uncertainty` is on, else their point values.
    """
    named = streams(seed, replication)
    if parameters is None:
        # Uncertainty off: every distribution at its point value (the base case, DESIGN.md section 3).
        parameters = draw_parameters(scenario, named.parameters) if scenario.run.uncertainty \
            else point_values(scenario)
    world = scenario if _as_written(scenario, parameters) else with_parameters(scenario, parameters)
    log = simulate_cohort(world, named)
    ledger = measure_outcomes(log, world, named, definitions)
    return replace(ledger, parameters={k: np.array([float(v)]) for k, v in parameters.items()})


def _as_written(scenario: Scenario, parameters: Mapping[str, float]) -> bool:
    """Whether every parameter value is exactly the value written in its field (uncertainty off:
    the point values, which the loader checks are written there). The scenario then simulates as
    the re-validated one would (the model and the evaluator never read `uncertainty`), and the
    re-validation, milliseconds a replication, is skipped."""
    return all(_written_value(scenario, path) == float(value) for path, value in parameters.items())


def _written_value(scenario: Scenario, path: str) -> float | None:
    node = FieldPath.parse(path).value_in(scenario)
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def simulate_chunk(scenario: Scenario, seed: int, replications: Sequence[int],
                   definitions: OutcomeDefinitions | None = None,
                   parameter_sets: Sequence[Mapping[str, float]] | None = None) -> OutcomeLedger:
    sets = [None] * len(replications) if parameter_sets is None else list(parameter_sets)
    return stack_ledgers([simulate_replication(scenario, seed, r, definitions, p)
                          for r, p in zip(replications, sets)])
