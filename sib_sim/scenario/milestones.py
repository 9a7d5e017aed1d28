"""Participant milestones: outcomes a participant reaches with a probability, at a time after starting.

Rate-card contracts (Youth Engagement Fund, Fair Chance Fund, DWP Innovation Fund, Life Chances Fund)
pay for milestones such as entering education, a qualification, a job start, or a job sustained for
13 or 26 weeks. Each milestone here says how likely a participant is to reach it (given the earlier
milestone it follows, if any), how long after the first appointment (or after the earlier
milestone) it comes, and how likely a member of the matched comparison group is to reach it (the
baseline) for contracts that pay on the difference.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from ..lazy_numpy import np
from pydantic import Field, model_validator

from .base import FieldError, Identifier, Months, NonNegative, Positive, Probability, Section


class FixedDelay(Section):
    """Always `months` after the start (or after the earlier milestone)."""

    shape: Literal["fixed"]
    months: Months

    def months_at(self, q: np.ndarray) -> np.ndarray:
        return np.full(np.shape(q), float(self.months))


class UniformDelay(Section):
    """Evenly spread between `min` and `max` months."""

    shape: Literal["uniform"]
    min: Months
    max: Months

    @model_validator(mode="after")
    def _ordered(self) -> "UniformDelay":
        if self.max <= self.min:
            raise FieldError(("max",), "max must be above min")
        return self

    def months_at(self, q: np.ndarray) -> np.ndarray:
        return self.min + np.asarray(q) * (self.max - self.min)


class ExponentialDelay(Section):
    """`offset` months, then an exponential wait with mean `mean` months (a constant monthly chance)."""

    shape: Literal["exponential"]
    mean: Positive
    offset: Months = 0.0

    def months_at(self, q: np.ndarray) -> np.ndarray:
        return self.offset - self.mean * np.log1p(-np.minimum(q, 1.0 - 1e-12))


class LogNormalDelay(Section):
    """A lognormal wait by its median (months) and sd of the log, then `offset` months."""

    shape: Literal["lognormal"]
    median: Positive
    sd_log: Positive
    offset: Months = 0.0

    def months_at(self, q: np.ndarray) -> np.ndarray:
        from scipy import special  # here: loading a scenario needs no scipy

        z = special.ndtri(np.clip(q, 1e-12, 1.0 - 1e-12))
        return self.offset + self.median * np.exp(self.sd_log * z)


Delay = Annotated[Union[FixedDelay, UniformDelay, ExponentialDelay, LogNormalDelay], Field(discriminator="shape")]


class Milestone(Section):
    """One outcome participants may reach once.

    `probability`: of reaching it, for a participant who started support (or, with `after`, who
    reached the earlier milestone); `delay`: when, in months after the first appointment (or after
    the earlier milestone); `baseline_probability`: the same chance for a member of the matched
    comparison group (who "starts" in the same month), with the same delay.
    """

    id: Identifier
    description: str = ""
    probability: Probability
    after: Identifier | None = None
    delay: Delay
    baseline_probability: Probability = 0.0
    within_months: NonNegative | None = None  # reached only this soon after the first appointment

    def months_at(self, q: np.ndarray) -> np.ndarray:
        """Delay in months at quantiles `q` (inversion: monotone in each uniform)."""
        return self.delay.months_at(q)


def check_milestones(milestones: list[Milestone]) -> None:
    """Ids unique; `after` names an earlier milestone (so chains are in order and never circular)."""
    seen: list[str] = []
    for i, m in enumerate(milestones):
        if m.id in seen:
            raise FieldError(("milestones", i, "id"), f"milestone id {m.id!r} is used twice")
        if m.after is not None and m.after not in seen:
            where = "a later milestone" if m.after in [x.id for x in milestones] else "no milestone"
            raise FieldError(("milestones", i, "after"),
                             f"after: {m.after!r} is {where}; it must name a milestone listed above this one "
                             f"(known above: {seen or 'none'})")
        seen.append(m.id)


__all__ = ["Delay", "ExponentialDelay", "FixedDelay", "LogNormalDelay", "Milestone", "UniformDelay",
           "check_milestones"]
