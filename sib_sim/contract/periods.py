"""Claim periods and when each claim is made and paid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.contract import Claim, DatedPrice

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


@dataclass(frozen=True)
class ClaimPeriod:
    start: int
    end: int  # exclusive
    claim_month: float


def claim_periods(claim: Claim, horizon_months: int) -> list[ClaimPeriod]:
    """Periods [start, end) over which outcomes are counted, up to the last outcome month.

    A claim is made when the evidence is in (period end + evidence delay), but never before the
    first claim month (e.g. Ways to Wellness outcome B: evidenced only after 24 months).
    """
    length = PERIOD_MONTHS[claim.frequency]
    last = horizon_months if claim.last_outcome_month is None else min(claim.last_outcome_month, horizon_months)
    last = int(np.ceil(last))
    periods = []
    for start in range(0, last, length):
        end = min(start + length, last)
        claim_month = max(end + claim.evidence_delay_months, claim.first_claim_month)
        periods.append(ClaimPeriod(start, end, claim_month))
    return periods


def price_by_month(price: float | list[DatedPrice], horizon_months: int) -> np.ndarray:
    """The price in force in each month (a dated price applies from its month on)."""
    if not isinstance(price, list):
        return np.full(horizon_months, float(price))
    months = np.arange(horizon_months)
    out = np.zeros(horizon_months)
    for step in sorted(price, key=lambda p: p.from_month):
        out[months + 0.5 >= step.from_month] = step.amount
    return out
