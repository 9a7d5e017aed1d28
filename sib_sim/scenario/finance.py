"""Delivery costs, the investor's commitment and waterfall, the provider's terms, the commissioner's view."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import FieldError, Money, NonNegative, Positive, Probability, Section

MonthIndex = Annotated[int, Field(ge=0)]
ShortfallPolicy = Literal["scale_back", "provider_absorbs", "commissioner_tops_up"]


class DeliveryCosts(Section):
    link_worker_per_fte_per_year: Money
    management_per_month: Money = 0.0
    per_engaged_patient: Money = 0.0
    evaluation_per_year: Money = 0.0
    costs_end_month: Positive | None = None


class ScheduledDraw(Section):
    """The SPV draws `amount` at the start of contract month `month` (0 = the first month)."""

    month: MonthIndex
    amount: Money


class ReturnCap(Section):
    """The most the investor can be paid before the surplus split: a money multiple or an annual IRR.

    Exactly one of the two. An IRR cap stops distributions once paying more would lift the investor's
    IRR (XIRR convention, actual/365) above `irr`.
    """

    multiple: float | None = Field(default=None, ge=1.0)
    irr: NonNegative | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "ReturnCap":
        if (self.multiple is None) == (self.irr is None):
            raise FieldError(("multiple",), "give exactly one of multiple (e.g. 2.0) or irr (annual, e.g. 0.12)")
        return self


class Investor(Section):
    commitment: Money  # 0 means no investor (a direct or provider-at-risk contract)
    drawdown: Literal["as_needed", "schedule"] = "as_needed"
    drawdown_schedule: list[ScheduledDraw] = []
    cash_buffer: Money = 0.0
    reserve_months: NonNegative = 6.0
    return_cap: ReturnCap = ReturnCap(multiple=2.0)

    @property
    def return_cap_multiple(self) -> float:
        """The cap as a multiple, for plots and old scripts; NaN when the cap is an IRR (no multiple)."""
        return math.nan if self.return_cap.multiple is None else self.return_cap.multiple

    @model_validator(mode="after")
    def _schedule(self) -> "Investor":
        if self.drawdown == "schedule" and not self.drawdown_schedule:
            raise FieldError(("drawdown_schedule",), "drawdown: schedule needs a drawdown_schedule "
                                                     "(a list of {month, amount})")
        if self.drawdown == "as_needed" and self.drawdown_schedule:
            raise FieldError(("drawdown",), "a drawdown_schedule is used only with drawdown: schedule")
        months = [d.month for d in self.drawdown_schedule]
        for i, month in enumerate(months):
            if month in months[:i]:
                raise FieldError(("drawdown_schedule", i, "month"), f"month {month} is scheduled twice")
        return self


class Provider(Section):
    """How the SPV pays the provider for delivery.

    fee_for_service: its costs as incurred. at_risk: (1 - at_risk_share) of costs as incurred; the rest
    is deferred and paid from surplus cash before any investor distribution.
    """

    basis: Literal["fee_for_service", "at_risk"] = "fee_for_service"
    at_risk_share: Probability = 0.0

    @model_validator(mode="after")
    def _share_needs_at_risk(self) -> "Provider":
        if self.basis == "fee_for_service" and self.at_risk_share > 0:
            raise FieldError(("at_risk_share",), "at_risk_share applies only with basis: at_risk")
        return self


class SurplusSplit(Section):
    """Shares of the surplus above the investor's return cap; they must sum to 1."""

    investor: Probability = 0.0
    provider: Probability = 0.0
    commissioner: Probability = 0.0

    @model_validator(mode="after")
    def _sums_to_one(self) -> "SurplusSplit":
        total = self.investor + self.provider + self.commissioner
        if abs(total - 1.0) > 1e-9:
            raise FieldError(("commissioner",), f"surplus_split shares (investor, provider, commissioner) "
                                                f"must sum to 1 (they sum to {total:g})")
        return self


class Commissioner(Section):
    payer: str
    discount_rate: NonNegative = 0.035  # HM Treasury Green Book, real
    cashable_share: Probability = 1.0


class Finance(Section):
    costs: DeliveryCosts
    investor: Investor
    shortfall: ShortfallPolicy = "scale_back"
    provider: Provider = Provider()
    surplus_split: SurplusSplit = SurplusSplit(provider=1.0)
    commissioner: Commissioner


__all__ = ["Commissioner", "DeliveryCosts", "Finance", "Investor", "Positive", "Provider", "ReturnCap",
           "ScheduledDraw", "ShortfallPolicy", "SurplusSplit"]
