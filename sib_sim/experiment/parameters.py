"""Uncertain parameters: one draw per replication, and scenarios with given parameter values."""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Mapping

import numpy as np
from scipy import special

from ..scenario import Scenario
from ..scenario.overrides import with_overrides
from ..scenario.uncertainty import TAIL, check_ranges, Beta, DistBase, Gamma, LogNormal, Normal, Triangular, Uniform

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
    """dist.ppf(q) (kept within the TAIL quantiles), from its closed form or one special function
    rather than a frozen scipy distribution, which costs milliseconds to build in every replication."""
    q = min(max(q, TAIL), 1.0 - TAIL)
    if isinstance(dist, Normal):
        return float(dist.mean + dist.sd * special.ndtri(q))
    if isinstance(dist, LogNormal):
        return float(math.exp(dist.sd_log * special.ndtri(q)) * dist.median)
    if isinstance(dist, Gamma):
        shape = (dist.mean / dist.sd) ** 2
        return float(special.gammaincinv(shape, q) * (dist.mean / shape))
    if isinstance(dist, Beta):
        common = dist.mean * (1.0 - dist.mean) / dist.sd ** 2 - 1.0
        return float(special.betaincinv(dist.mean * common, (1.0 - dist.mean) * common, q))
    if isinstance(dist, Triangular):
        width = dist.max - dist.min
        c = (dist.mode - dist.min) / width
        unit = math.sqrt(c * q) if q < c else 1.0 - math.sqrt((1.0 - c) * (1.0 - q))
        return float(unit * width + dist.min)
    if isinstance(dist, Uniform):
        return float(q * (dist.max - dist.min) + dist.min)
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
