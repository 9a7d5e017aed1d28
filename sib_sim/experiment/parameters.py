"""Uncertain parameters: one draw per replication, and scenarios with given parameter values."""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Mapping

import numpy as np
from ..scenario import Scenario
from ..scenario.overrides import with_overrides
from ..scenario.uncertainty import DistBase, check_ranges

# Point values by distribution object: computing one freezes a scipy distribution (milliseconds),
# and a run asks for the same ones in every replication.
_POINTS: "weakref.WeakKeyDictionary[DistBase, float]" = weakref.WeakKeyDictionary()


def parameter_paths(scenario: Scenario) -> list[str]:
    """The uncertain parameters, in a fixed order (it decides which uniform draw each one gets)."""
    return sorted(scenario.uncertainty)


def draw_parameters(scenario: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """One value per uncertain parameter by inverse CDF of one uniform, keyed by its path.

    The replication's `parameters` stream gives one key; each parameter's uniform comes from that
    key and its path alone. So a variant that fixes one parameter by hand (`--set`, which drops its
    distribution) or adds another leaves every other parameter's draw where it was: taking the
    uniforms in path order would hand them to different parameters.
    """
    key = int(rng.integers(0, 2**63))
    return {path: quantile(scenario.uncertainty[path], path_uniform(key, path))
            for path in parameter_paths(scenario)}


def path_uniform(key: int, path: str) -> float:
    """A uniform on [0, 1) fixed by (key, path): a child seed of the key named by the path's hash."""
    digest = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "little")
    return float(np.random.Generator(np.random.PCG64(np.random.SeedSequence([key, digest]))).random())


def quantile(dist: DistBase, q: float) -> float:
    """dist.ppf(q), kept within the TAIL quantiles (closed forms: scenario.uncertainty.quantile_of)."""
    return dist.ppf(q)


def point_values(scenario: Scenario) -> dict[str, float]:
    """Each uncertain parameter at its point value (median of a lognormal, mean of the others)."""
    return {path: _point(scenario.uncertainty[path]) for path in parameter_paths(scenario)}


def _point(dist: DistBase) -> float:
    if dist not in _POINTS:
        _POINTS[dist] = dist.point
    return _POINTS[dist]


def with_parameters(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with these parameter values, re-validated."""
    if not values:
        return scenario
    return with_overrides(scenario, dict(values))


def check_parameters(scenario: Scenario) -> None:
    """Fail before any simulation if a distribution's tails break its field's rules (see
    scenario.uncertainty.check_ranges; the loader runs the same check, so `validate` catches it)."""
    check_ranges(scenario)
