"""Parameter uncertainty: distributions for numeric scenario values (probabilistic sensitivity analysis).

A value written `{dist: lognormal, median: 0.85, sd_log: 0.1}` runs at its point value (the median
of a lognormal, the mean of the others) when uncertainty is off, and is drawn once per replication
from the replication's `parameters` stream when it is on. Draws use the inverse CDF and are kept
between the 0.1% and 99.9% quantiles, so a draw can never break a field's constraints that the
distribution's bulk respects (checked when the scenario is validated: scenario.ranges).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from .base import FieldError, Positive, Section

TAIL = 0.001  # draws are kept within [TAIL, 1 - TAIL] quantiles


class DistBase(Section):
    reference: str | None = None
    assumption: bool = False
    note: str | None = None
    unit: str | None = None

    def frozen(self) -> Any:  # a frozen scipy distribution; pragma: no cover - each kind overrides
        raise TypeError(type(self).__name__)

    @property
    def point(self) -> float:
        return float(self.frozen().mean())

    @property
    def point_name(self) -> str:
        return "mean"

    def ppf(self, q: float) -> float:
        """The q quantile (kept within the TAIL quantiles), by closed form or one special function."""
        return quantile_of(self, min(max(q, TAIL), 1.0 - TAIL))


class Normal(DistBase):
    dist: Literal["normal"]
    mean: float
    sd: Positive

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        return stats.norm(self.mean, self.sd)

    @property
    def point(self) -> float:
        return float(self.mean)


class LogNormal(DistBase):
    dist: Literal["lognormal"]
    median: Positive
    sd_log: Positive

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        return stats.lognorm(s=self.sd_log, scale=self.median)

    @property
    def point(self) -> float:
        return float(self.median)

    @property
    def point_name(self) -> str:
        return "median"


class Beta(DistBase):
    """On [0, 1], by mean and sd (method of moments)."""

    dist: Literal["beta"]
    mean: float = Field(gt=0.0, lt=1.0)
    sd: Positive

    @model_validator(mode="after")
    def _feasible(self) -> "Beta":
        if self.sd ** 2 >= self.mean * (1.0 - self.mean):
            raise FieldError(("sd",), f"sd must be below sqrt(mean x (1 - mean)) = "
                                      f"{math.sqrt(self.mean * (1 - self.mean)):.4g} for a beta distribution")
        return self

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        common = self.mean * (1.0 - self.mean) / self.sd ** 2 - 1.0
        return stats.beta(self.mean * common, (1.0 - self.mean) * common)

    @property
    def point(self) -> float:
        return float(self.mean)


class Gamma(DistBase):
    """On (0, inf), by mean and sd."""

    dist: Literal["gamma"]
    mean: Positive
    sd: Positive

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        shape = (self.mean / self.sd) ** 2
        return stats.gamma(shape, scale=self.mean / shape)

    @property
    def point(self) -> float:
        return float(self.mean)


class Triangular(DistBase):
    dist: Literal["triangular"]
    min: float
    mode: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not self.min <= self.mode <= self.max or self.min == self.max:
            raise FieldError(("mode",), "need min <= mode <= max and min < max")
        return self

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        width = self.max - self.min
        return stats.triang((self.mode - self.min) / width, loc=self.min, scale=width)

    @property
    def point(self) -> float:
        return (self.min + self.mode + self.max) / 3.0

    @property
    def point_name(self) -> str:
        return "mean, (min + mode + max) / 3"


class Uniform(DistBase):
    dist: Literal["uniform"]
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.max <= self.min:
            raise FieldError(("max",), "max must be above min")
        return self

    def frozen(self):
        from scipy import stats  # here, not at the top: validating a scenario needs only quantiles

        return stats.uniform(self.min, self.max - self.min)

    @property
    def point(self) -> float:
        return (self.min + self.max) / 2.0


class Fixed(DistBase):
    """A value that is not uncertain, written in the same form (handy to switch one off)."""

    dist: Literal["fixed"]
    at: float

    @property
    def point(self) -> float:
        return float(self.at)

    @property
    def point_name(self) -> str:
        return "at"

    def ppf(self, q: float) -> float:
        return float(self.at)


def quantile_of(dist: DistBase, q: float) -> float:
    """dist's q quantile from its closed form or one scipy.special function: equal to the frozen scipy
    distribution's ppf, without building one (milliseconds each) or importing scipy.stats (most of a
    second), which `validate` and every replication would otherwise pay."""
    if isinstance(dist, Triangular):
        width = dist.max - dist.min
        c = (dist.mode - dist.min) / width
        unit = math.sqrt(c * q) if q < c else 1.0 - math.sqrt((1.0 - c) * (1.0 - q))
        return float(unit * width + dist.min)
    if isinstance(dist, Uniform):
        return float(q * (dist.max - dist.min) + dist.min)
    from scipy import special

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
    return float(dist.frozen().ppf(q))


Distribution = Annotated[Union[Normal, LogNormal, Beta, Gamma, Triangular, Uniform, Fixed],
                         Field(discriminator="dist")]

# Uncertainty is about the world, not the deal: terms (contract, finance) are explored with
# `sweep` and `compare`, and contract and finance run once over all replications.
UNCERTAIN_SECTIONS = ("cohort", "service", "wellbeing", "hospital", "milestones")


def same_value(written: float, point: float) -> bool:
    """Whether a field's written value is its distribution's point value (to rounding)."""
    return math.isclose(written, point, rel_tol=1e-9, abs_tol=1e-12)


# --- named groups of uncertain parameters (for EVPPI and grouped Sobol indices) ----------------------
#
# In a file: `uncertainty: {groups: {hospital: [hospital.lines.ae.effect_during_support, ...]}, ...}`.
# `groups` cannot be a field path (no scenario section has that name), so it can share the mapping
# with the distributions. The Scenario keeps it apart (`uncertainty_groups`) and writes it back under
# `uncertainty` when dumped, so a dumped scenario reads back the same.

GROUPS_KEY = "groups"
HIDDEN_GROUPS = "uncertainty_groups"  # the Scenario's field; never written in a file


def split_groups(data: Any) -> Any:
    """Before validation: move `uncertainty.groups` to the Scenario's own field (a copy of the data)."""
    if not isinstance(data, dict):
        return data
    if HIDDEN_GROUPS in data:
        raise FieldError((HIDDEN_GROUPS,), "not a scenario key: write groups under uncertainty (uncertainty: groups:)")
    uncertain = data.get("uncertainty")
    if not isinstance(uncertain, dict) or GROUPS_KEY not in uncertain:
        return data
    uncertain = dict(uncertain)
    groups = uncertain.pop(GROUPS_KEY)
    if groups is None:
        groups = {}
    if not isinstance(groups, dict):
        raise FieldError(("uncertainty", GROUPS_KEY), "expected a mapping of group names to lists of uncertain "
                         "parameter paths, e.g. groups: {hospital: [hospital.effect_half_life_months]}")
    return dict(data) | {"uncertainty": uncertain, HIDDEN_GROUPS: groups}


def join_groups(dumped: dict[str, Any]) -> dict[str, Any]:
    """After dumping: the groups back under `uncertainty` (left out when there are none)."""
    groups = dumped.pop(HIDDEN_GROUPS, None)
    if groups and isinstance(dumped.get("uncertainty"), dict):
        dumped["uncertainty"] = {GROUPS_KEY: groups} | dumped["uncertainty"]
    return dumped


def resolve_groups(groups: dict[str, list[str]], uncertain: list[str], data: dict[str, Any],
                   where: tuple[str, ...] = ("uncertainty", GROUPS_KEY)) -> dict[str, list[str]]:
    """Each group as the `uncertainty:` keys of its members (a member may name a list item by id or by
    position: FieldPath resolves both). Refused, at the group or member: an empty group, a name that is
    also a parameter's path, a member that is not an uncertain parameter, a member given twice. A
    parameter may be in several groups (overlapping groups are each a question worth asking)."""
    from .paths import FieldPath, canonical_path

    keyed = {}
    for key in uncertain:
        found = canonical_path(data, key)
        keyed[tuple(found) if found is not None else tuple(FieldPath.parse(key))] = key
    out: dict[str, list[str]] = {}
    for name, members in groups.items():
        if str(name) in uncertain:
            raise FieldError(where + (str(name),), f"the group {name!r} has the name of an uncertain parameter; "
                             "name it apart (its rows would be confused)")
        if not members:
            raise FieldError(where + (str(name),), f"the group {name!r} is empty: list one or more uncertain "
                             "parameters")
        resolved: list[str] = []
        for i, member in enumerate(members):
            try:
                found = canonical_path(data, str(member))
            except ValueError:
                found = None
            key = keyed.get(tuple(found)) if found is not None else None
            if key is None:
                raise FieldError(where + (str(name), i), f"{member} is not an uncertain parameter (uncertain: "
                                 f"{', '.join(sorted(uncertain)) or 'none'})")
            if key in resolved:
                raise FieldError(where + (str(name), i), f"{member} is in the group {name!r} twice")
            resolved.append(key)
        out[str(name)] = resolved
    return out
