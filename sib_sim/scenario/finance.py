"""Delivery costs, the investor's commitment and waterfall, and the commissioner's view."""

from __future__ import annotations

from pydantic import Field

from .base import Money, NonNegative, Positive, Probability, Section


class DeliveryCosts(Section):
    link_worker_per_fte_per_year: Money
    management_per_month: Money = 0.0
    per_engaged_patient: Money = 0.0
    evaluation_per_year: Money = 0.0
    costs_end_month: Positive | None = None


class Investor(Section):
    commitment: Money
    cash_buffer: Money = 0.0
    reserve_months: NonNegative = 6.0
    return_cap_multiple: float = Field(default=2.0, ge=1.0)
    share_above_cap: Probability = 0.0


class Commissioner(Section):
    payer: str
    discount_rate: NonNegative = 0.035
    cashable_share: Probability = 1.0


class Finance(Section):
    costs: DeliveryCosts
    investor: Investor
    commissioner: Commissioner


__all__ = ["Commissioner", "DeliveryCosts", "Finance", "Investor", "Positive"]
