"""Delivery costs, the investor's commitment and waterfall, the provider's terms, the commissioner's view."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import model_validator

from .base import FieldError, Money, NonNegative, Positive, Probability, Section
from .finance_stack import Guarantor, MonthIndex, ReturnCap, ScheduledDraw, Tranche, check_drawdown, check_stack

ShortfallPolicy = Literal["scale_back", "provider_absorbs", "commissioner_tops_up"]


class DeliveryCosts(Section):
    link_worker_per_fte_per_year: Money
    management_per_month: Money = 0.0
    per_engaged_patient: Money = 0.0
    evaluation_per_year: Money = 0.0
    costs_end_month: Positive | None = None


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

    def as_tranche(self) -> Tranche:
        """This investor as the one equity tranche of a stack (id `investor`)."""
        return Tranche(id="investor", commitment=self.commitment, drawdown=self.drawdown,
                       drawdown_schedule=self.drawdown_schedule, return_cap=self.return_cap)

    @model_validator(mode="after")
    def _schedule(self) -> "Investor":
        check_drawdown(self.drawdown, self.drawdown_schedule)
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
    """`investor:` (one investor, the original form) or `investors:` (a capital stack of tranches, with
    the SPV's `cash_buffer` and `reserve_months` given here); exactly one of the two."""

    costs: DeliveryCosts
    investor: Investor | None = None
    investors: list[Tranche] | None = None
    guarantors: list[Guarantor] = []
    cash_buffer: Money | None = None
    reserve_months: NonNegative | None = None
    shortfall: ShortfallPolicy = "scale_back"
    provider: Provider = Provider()
    surplus_split: SurplusSplit = SurplusSplit(provider=1.0)
    commissioner: Commissioner

    @model_validator(mode="after")
    def _one_form(self) -> "Finance":
        if (self.investor is None) == (self.investors is None):
            raise FieldError(("investors",), "give exactly one of investor (a single investor) or investors "
                                             "(a list of tranches)")
        if self.investor is not None:
            for name in ("cash_buffer", "reserve_months"):
                if getattr(self, name) is not None:
                    raise FieldError((name,), f"with a single investor, {name} belongs in finance.investor")
            if self.guarantors:
                raise FieldError(("guarantors",), "guarantors back tranches: use finance.investors")
            return self
        if not self.investors:
            raise FieldError(("investors",), "investors needs at least one tranche (commitment 0 means no investor)")
        check_stack(self.investors, self.guarantors)
        return self

    @property
    def tranches(self) -> list[Tranche]:
        """The capital stack; a single `investor:` is one equity tranche with id `investor`."""
        if self.investors is not None:
            return list(self.investors)
        assert self.investor is not None
        return [self.investor.as_tranche()]

    @property
    def stacked(self) -> bool:
        """True when the scenario gives a capital stack (per-tranche metrics are reported)."""
        return self.investors is not None

    @property
    def spv_cash_buffer(self) -> float:
        if self.investor is not None:
            return self.investor.cash_buffer
        return 0.0 if self.cash_buffer is None else self.cash_buffer

    @property
    def spv_reserve_months(self) -> float:
        if self.investor is not None:
            return self.investor.reserve_months
        return 6.0 if self.reserve_months is None else self.reserve_months

    @property
    def return_cap_multiple(self) -> float:
        """A single investor's multiple cap, for plots; NaN for an IRR cap or a capital stack."""
        return self.investor.return_cap_multiple if self.investor is not None else math.nan

    @property
    def commitment(self) -> float:
        """Total committed capital over tranches."""
        return float(sum(t.commitment for t in self.tranches))


__all__ = ["Commissioner", "DeliveryCosts", "Finance", "Guarantor", "Investor", "MonthIndex", "Positive", "Provider",
           "ReturnCap", "ScheduledDraw", "ShortfallPolicy", "SurplusSplit", "Tranche"]
