"""Uncertain parameters: one draw per replication, and scenarios with given parameter values."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.overrides import with_overrides
from ..scenario.uncertainty import TAIL


def parameter_paths(scenario: Scenario) -> list[str]:
    """The uncertain parameters, in a fixed order (it decides which uniform draw each one gets)."""
    return sorted(scenario.uncertainty)


def draw_parameters(scenario: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """One value per uncertain parameter by inverse CDF: one uniform each, in path order."""
    paths = parameter_paths(scenario)
    quantiles = rng.random(len(paths))
    return {path: _ppf(scenario.uncertainty[path], float(q)) for path, q in zip(paths, quantiles)}


def _ppf(dist: Any, q: float) -> float:
    """dist.ppf(q), with the frozen scipy distribution built once per process rather than once per
    replication (building one cost more than the rest of a replication's model)."""
    return float(_frozen(dist).ppf(min(max(q, TAIL), 1.0 - TAIL)))


@lru_cache(maxsize=256)
def _frozen(dist: Any) -> Any:
    return dist.frozen()


def point_values(scenario: Scenario) -> dict[str, float]:
    """Each uncertain parameter at its point value (median of a lognormal, mean of the others)."""
    return {path: scenario.uncertainty[path].point for path in parameter_paths(scenario)}


def with_parameters(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with these parameter values, re-validated."""
    if not values:
        return scenario
    return with_overrides(scenario, dict(values))


def check_parameters(scenario: Scenario) -> None:
    """Fail before any simulation if a distribution's tails break its field's rules (say a normal
    rate that can go negative): the draws are kept within the 0.1% and 99.9% quantiles."""
    for path, dist in scenario.uncertainty.items():
        for q in (TAIL, 1.0 - TAIL):
            value = dist.ppf(q)
            try:
                with_parameters(scenario, {path: value})
            except UserError as error:
                raise UserError(f"its {100 * q:g}% quantile is {value:.4g}, which this field does not allow "
                                f"({error.message}); choose a distribution that stays in range",
                                field=f"uncertainty.{path}") from None
