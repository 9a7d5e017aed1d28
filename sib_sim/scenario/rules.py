"""The outcome rule kinds: one class per kind, joined in a union on `kind`."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Money, Months, NonNegative, Positive, Probability, Section
from .lines import LineBase, Price


class SlidingScale(LineBase):
    """price x count, scaled by a fraction read off a piecewise-linear scale of a cohort average.

    Ways to Wellness outcome A: 0% below +0.5 Star points, 100% at +1.4 or more.
    """

    kind: Literal["sliding_scale"]
    price: Price
    count: Literal["star_followups", "engaged"] = "star_followups"
    average: Literal["star_change"] = "star_change"
    points: list[tuple[float, Probability]] = Field(min_length=2)

    @model_validator(mode="after")
    def _increasing(self) -> "SlidingScale":
        xs = [x for x, _ in self.points]
        if any(b <= a for a, b in zip(xs, xs[1:])):
            raise FieldError(("points",), "sliding scale points must have increasing averages")
        return self


class SavingsShare(LineBase):
    """share x (comparison - treated) cost per patient-month x patient-months, floored at 0."""

    kind: Literal["savings_share"]
    share: Probability


class FixedFee(LineBase):
    """A scheduled fee with no outcome: a block amount per claim period (dated amounts allowed, the
    amount in force at the period's start applies) and/or a fee per newly engaged patient."""

    kind: Literal["fixed_fee"]
    per_period: Price = 0.0
    per_engaged: Money = 0.0


class ParticipantOutcome(Section):
    """A binary outcome for one participant, and when it is achieved.

    - star_change: the recorded Star total is up by at least `at_least` points since the first Star,
      at follow-up assessment `assessment` (1 = the first follow-up), or at any follow-up if omitted;
    - engaged: a first appointment; completed: the full programme;
    - in_support: still in support `at_least` months after the first appointment;
    - milestone: reached the milestone `milestone` of the scenario's `milestones:` section.
    """

    measure: Literal["star_change", "engaged", "completed", "in_support", "milestone"]
    at_least: float = 0.0
    assessment: int | None = Field(default=None, ge=1)
    milestone: Identifier | None = None

    @model_validator(mode="after")
    def _fits_measure(self) -> "ParticipantOutcome":
        if self.assessment is not None and self.measure != "star_change":
            raise FieldError(("assessment",), "assessment applies only to measure star_change")
        if self.measure == "in_support" and self.at_least <= 0:
            raise FieldError(("at_least",), "in_support needs at_least > 0 (months)")
        if (self.milestone is None) == (self.measure == "milestone"):
            raise FieldError(("milestone",), "measure milestone needs `milestone: <id>`, and only it takes one")
        if self.measure == "milestone" and self.at_least != 0.0:
            raise FieldError(("at_least",), "at_least does not apply to measure milestone")
        return self

    @property
    def key(self) -> str:
        if self.milestone is not None:
            return f"milestone:{self.milestone}"
        where = "any" if self.assessment is None else str(self.assessment)
        return f"{self.measure}>={self.at_least:g}@{where}"


class PerParticipant(LineBase):
    """A rate-card line: price x participants achieving a binary outcome, at most N times each."""

    kind: Literal["per_participant"]
    outcome: ParticipantOutcome
    price: Price
    max_per_participant: int = Field(default=1, ge=1)


class CohortWindow(Section):
    """Participants whose first appointment falls in [start_from, start_to)."""

    id: Identifier
    start_from: Months
    start_to: Months

    @model_validator(mode="after")
    def _ordered(self) -> "CohortWindow":
        if self.start_to <= self.start_from:
            raise FieldError(("start_to",), "start_to must be after start_from")
        return self


class Tier(Section):
    at_least: Probability
    price: Money


class Pooled(Section):
    """Peterborough's second test: all cohorts together, paid net of what cohorts already earned."""

    at_least: Probability


class CohortThreshold(LineBase):
    """Pays price x (comparison - participants) on `measure` over each participant's follow-up, only
    when a cohort's relative reduction reaches a tier. Peterborough: 10% for one cohort, 7.5% pooled.
    `measure` is `cost` or a hospital line id (counts of that line, e.g. non_elective admissions).
    """

    kind: Literal["cohort_threshold"]
    measure: Identifier = "cost"
    follow_up_months: Positive
    cohorts: list[CohortWindow] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)
    pooled: Pooled | None = None

    @model_validator(mode="after")
    def _tiers_increase(self) -> "CohortThreshold":
        levels = [t.at_least for t in self.tiers]
        if any(b <= a for a, b in zip(levels, levels[1:])):
            raise FieldError(("tiers",), "tiers must have increasing at_least")
        ids = [c.id for c in self.cohorts]
        if len(set(ids)) != len(ids):
            raise FieldError(("cohorts",), "cohort ids must be unique")
        return self


OutcomeLine = Annotated[Union[SlidingScale, SavingsShare, FixedFee, PerParticipant, CohortThreshold],
                        Field(discriminator="kind")]

__all__ = ["CohortThreshold", "CohortWindow", "FixedFee", "Identifier", "Months", "NonNegative",
           "OutcomeLine", "ParticipantOutcome", "PerParticipant", "Pooled", "SavingsShare", "SlidingScale",
           "Tier"]
