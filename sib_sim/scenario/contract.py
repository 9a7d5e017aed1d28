"""Outcome payment rules: what is paid for, at what price, by whom, when, up to which caps."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Money, Months, NonNegative, Probability, Section


class DatedPrice(Section):
    """A price in force from `from_month` until the next dated price."""

    from_month: Months
    amount: Money


Price = Union[Money, list[DatedPrice]]


class Claim(Section):
    """How outcomes become cash: claim period, evidence delay and payment lag."""

    frequency: Literal["monthly", "quarterly", "annual"] = "quarterly"
    evidence_delay_months: Months = 0.0
    payment_lag_months: Months = 0.0
    first_claim_month: Months = 0.0
    last_outcome_month: Months | None = None


class PayerShare(Section):
    payer: Identifier
    share: Probability


class LineBase(Section):
    id: Identifier
    description: str = ""
    claim: Claim = Claim()
    payers: list[PayerShare] = Field(min_length=1)
    overflow_to: Identifier | None = None
    cap: Money | None = None

    @model_validator(mode="after")
    def _shares(self) -> "LineBase":
        total = sum(p.share for p in self.payers)
        if abs(total - 1.0) > 1e-6:
            raise FieldError(("payers",), f"payer shares must sum to 1 (they sum to {total:g})")
        return self


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
    """A scheduled fee with no outcome: a block amount per claim period or a fee per engaged patient."""

    kind: Literal["fixed_fee"]
    per_period: Money = 0.0
    per_engaged: Money = 0.0


OutcomeLine = Annotated[Union[SlidingScale, SavingsShare, FixedFee], Field(discriminator="kind")]


class Payer(Section):
    id: Identifier
    name: str = ""
    cap: Money | None = None


class Contract(Section):
    cap: Money | None = None
    payers: list[Payer] = Field(min_length=1)
    outcomes: list[OutcomeLine] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> "Contract":
        payer_ids = [p.id for p in self.payers]
        if len(set(payer_ids)) != len(payer_ids):
            raise FieldError(("payers",), "payer ids must be unique")
        line_ids = [o.id for o in self.outcomes]
        if len(set(line_ids)) != len(line_ids):
            raise FieldError(("outcomes",), "outcome ids must be unique")
        for i, line in enumerate(self.outcomes):
            for j, share in enumerate(line.payers):
                if share.payer not in payer_ids:
                    raise FieldError(("outcomes", i, "payers", j, "payer"),
                                     f"unknown payer {share.payer!r}; known: {payer_ids}")
            if line.overflow_to is not None and line.overflow_to not in payer_ids:
                raise FieldError(("outcomes", i, "overflow_to"),
                                 f"unknown payer {line.overflow_to!r}; known: {payer_ids}")
        return self


__all__ = ["Claim", "Contract", "DatedPrice", "FixedFee", "NonNegative", "OutcomeLine", "Payer",
           "PayerShare", "SavingsShare", "SlidingScale"]
