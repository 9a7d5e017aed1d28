"""What every outcome line shares: prices, claim timing, payers and caps."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field, model_validator

from ..fields import FieldError, Identifier, Money, Months, Probability, Section


class DatedPrice(Section):
    """A price in force from `from_month` until the next dated price."""

    from_month: Months
    amount: Money


Price = Union[Money, list[DatedPrice]]


def scale_dated(value: Any, k: float, field: str) -> Any:
    """A price or share (a number, or dated values whose `field` holds it) times k, unvalidated."""
    if isinstance(value, list):
        return [item.model_copy(update={field: getattr(item, field) * k}) for item in value]
    return float(value) * k


class DatedShare(Section):
    """A share in force from `from_month` until the next dated share."""

    from_month: Months
    share: Probability


Share = Union[Probability, list[DatedShare]]


class Suspension(Section):
    """A window [from_month, to_month) in which the line's outcomes are not paid (a price or share of
    zero in those months), optionally replaced by a fee per month claimed on the line (the grants
    that replaced outcome payments in 2020)."""

    from_month: Months
    to_month: Months
    fee_per_month: Money = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> "Suspension":
        if self.to_month <= self.from_month:
            raise FieldError(("to_month",), "to_month must be after from_month")
        return self


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


def check_shares(payers: list[PayerShare]) -> None:
    """Payer shares of a payment sum to 1."""
    total = sum(p.share for p in payers)
    if abs(total - 1.0) > 1e-6:
        raise FieldError(("payers",), f"payer shares must sum to 1 (they sum to {total:g})")


class LineBase(Section):
    id: Identifier
    description: str = ""
    claim: Claim = Claim()
    # Who pays the line's claims; a by_area line has none of its own (contract.areas pays).
    payers: list[PayerShare] = Field(default_factory=list)
    overflow_to: Identifier | None = None
    cap: Money | None = None
    suspended: list[Suspension] = Field(default_factory=list)
    # Each area's participants paid by that area's payers (contract.areas) instead of `payers`.
    by_area: bool = False

    @model_validator(mode="after")
    def _shares(self) -> "LineBase":
        if self.by_area:
            for name in ("payers", "overflow_to"):
                if getattr(self, name):  # they would be ignored: each area's payers pay its claims
                    raise FieldError((name,), f"a by_area line is paid by each area's payers and overflow payer "
                                     f"(contract.areas): remove its {name}")
        elif not self.payers:
            raise FieldError(("payers",), "an outcome line needs payers: a list of {payer: <id>, share: <0-1>} "
                             "summing to 1 (or by_area: true, to be paid by contract.areas)")
        else:
            check_shares(self.payers)
        windows = sorted(self.suspended, key=lambda w: w.from_month)
        for earlier, later in zip(windows, windows[1:]):
            if later.from_month < earlier.to_month:
                raise FieldError(("suspended", self.suspended.index(later), "from_month"),
                                 "suspension windows must not overlap")
        return self
