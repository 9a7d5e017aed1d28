"""Uncertain parameters: one draw per replication, and scenarios with given parameter values."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..scenario import Scenario
from ..scenario.overrides import with_overrides
from ..scenario.uncertainty import check_ranges


def parameter_paths(scenario: Scenario) -> list[str]:
    """The uncertain parameters, in a fixed order (it decides which uniform draw each one gets)."""
    return sorted(scenario.uncertainty)


def draw_parameters(scenario: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """One value per uncertain parameter by inverse CDF: one uniform each, in path order."""
    paths = parameter_paths(scenario)
    quantiles = rng.random(len(paths))
    return {path: scenario.uncertainty[path].ppf(float(q)) for path, q in zip(paths, quantiles)}


def point_values(scenario: Scenario) -> dict[str, float]:
    """Each uncertain parameter at its point value (median of a lognormal, mean of the others)."""
    return {path: scenario.uncertainty[path].point for path in parameter_paths(scenario)}


def with_parameters(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with these parameter values, re-validated."""
    if not values:
        return scenario
    return with_overrides(scenario, dict(values))


def check_parameters(scenario: Scenario) -> None:
    """Fail before any simulation if a distribution's tails break its field's rules (see
    scenario.uncertainty.check_ranges; the loader runs the same check, so `validate` catches it)."""
    check_ranges(scenario)
