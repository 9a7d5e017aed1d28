"""Uncertain parameters: one draw per replication, and scenarios with given parameter values."""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ValidationError

from ..scenario import Scenario
from ..scenario.overrides import with_overrides
from ..scenario.paths import FieldPath
from ..scenario.ranges import check_ranges
from ..scenario.uncertainty import DistBase

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
    """The scenario with these parameter values: equal to with_overrides(scenario, values), cheaper.

    Re-validating the whole scenario costs milliseconds a replication, yet only one number changes
    per parameter. So the section holding each value is validated again (its field rules and its
    own checks), the sections above it are copied with the new one in place, and the parameter's
    distribution is dropped, as an override drops it. What makes skipping the checks above safe is
    check_ranges: before any replication runs, every field is validated whole at both tails of its
    distribution, and a field's rules are intervals. Any refusal is explained by with_overrides
    itself, so errors read as they always did.
    """
    if not values:
        return scenario
    try:
        return _substitute(scenario, values)
    except (ValidationError, ValueError, LookupError, TypeError, AttributeError):
        return with_overrides(scenario, dict(values))


@dataclass(frozen=True)
class _Plan:
    """What a set of parameter paths changes in one scenario, worked out once per run."""

    paths: tuple[FieldPath, ...]  # list items by position
    uncertainty: dict[str, DistBase]  # the distributions of the other parameters
    groups: dict[str, list[str]]  # the named groups without these parameters (a group left empty goes)
    sources: dict[FieldPath, object]  # the annotations of the values left as written


# The last few plans, by scenario identity (the scenario is held, so its id is not reused).
_PLANS: "OrderedDict[tuple[int, tuple[str, ...]], tuple[Scenario, _Plan]]" = OrderedDict()


def _plan(scenario: Scenario, texts: tuple[str, ...]) -> _Plan:
    key = (id(scenario), texts)
    if key in _PLANS and _PLANS[key][0] is scenario:
        return _PLANS[key][1]
    paths = tuple(_positions(scenario, FieldPath.parse(text)) for text in texts)
    uncertainty = {k: d for k, d in scenario.uncertainty.items()
                   if _positions(scenario, FieldPath.parse(k)) not in paths}
    groups = {name: kept for name, members in scenario.uncertainty_groups.items()
              if (kept := [m for m in members if _positions(scenario, FieldPath.parse(m)) not in paths])}
    sources = {p: s for p, s in scenario._sources.items() if not any(p[:len(c)] == c for c in paths)}
    plan = _Plan(paths, uncertainty, groups, sources)
    _PLANS[key] = (scenario, plan)
    while len(_PLANS) > 8:
        _PLANS.popitem(last=False)
    return plan


def _substitute(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    plan = _plan(scenario, tuple(values))
    result: BaseModel = scenario
    for path, value in zip(plan.paths, values.values()):
        result = _replaced(result, path, value)
    if not isinstance(result, Scenario):
        raise TypeError("a substitution must give a scenario")
    result = result.model_copy(update={"uncertainty": dict(plan.uncertainty),
                                       "uncertainty_groups": {k: list(v) for k, v in plan.groups.items()}})
    result._sources = dict(plan.sources)  # a changed value no longer rests on its old annotation
    return result


def _replaced(node: object, path: tuple, value: object) -> object:
    """`node` with the value at `path` (list items by position) replaced; the innermost section on
    the path is validated again, the ones above it copied."""
    head, rest = path[0], path[1:]
    if isinstance(node, BaseModel):
        child = getattr(node, head)
        if not _section_below(child, rest):
            fields = {name: getattr(node, name) for name in type(node).model_fields}
            fields[head] = _replaced(child, rest, value) if rest else value
            return type(node).model_validate(fields)
        return node.model_copy(update={head: _replaced(child, rest, value)})
    if isinstance(node, (list, tuple)):
        items = list(node)
        items[head] = _replaced(items[head], rest, value) if rest else value
        return type(node)(items)
    if isinstance(node, dict):
        return {**node, head: _replaced(node[head], rest, value) if rest else value}
    raise TypeError(f"no field {head!r} in a {type(node).__name__}")


def _section_below(node: object, path: tuple) -> bool:
    """Whether a section (a model) lies on `path` below `node`, at `node` included."""
    for segment in (None,) + tuple(path):
        if isinstance(node, BaseModel):
            return True
        if segment is None:
            continue
        node = node[segment] if isinstance(node, (list, tuple, dict)) else None
    return False


def _positions(scenario: Scenario, path: FieldPath) -> FieldPath:
    """The path with list items named by position, as with_overrides resolves an item's id."""
    resolved = path.resolve(scenario)
    if resolved is None:
        raise LookupError(f"no value at {path}")
    return resolved


def check_parameters(scenario: Scenario) -> None:
    """Fail before any simulation if a distribution's tails break its field's rules (see
    scenario.ranges.check_ranges; the loader runs the same check, so `validate` catches it)."""
    check_ranges(scenario)
