"""What every outcome line shares: prices, claim timing, payers and caps."""

from __future__ import annotations

from typing import Literal, Union

from pydantic import Field, model_validator

from .base import FieldError, Identifier, Money, Months, Probability, Section


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
