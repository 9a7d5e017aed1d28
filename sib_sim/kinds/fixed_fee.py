"""fixed_fee: a scheduled fee with no outcome (blended contracts; the fee-for-service comparator)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from ..lazy_numpy import np

from .claims import (Earned, Kind, Ledger, PendingClaim, Row, add_to_series, no_needs, periodic_claims,
                     price_by_month)
from .lines import LineBase, Price


class FixedFee(LineBase):
    """A scheduled fee with no outcome: a block amount per claim period (dated amounts allowed, the
    amount in force at the period's start applies) and/or a fee per newly engaged patient (dated
    amounts allowed, each patient paid at the fee in force in the month they engaged)."""

    kind: Literal["fixed_fee"]
    per_period: Price = 0.0
    per_engaged: Price = 0.0


def _earn(line: FixedFee, ledger: Ledger, months: slice, price: np.ndarray, active: np.ndarray) -> Earned:
    """The block fee in force at the period's start, plus a fee per patient engaged in the period
    (outside any suspension window)."""
    engaged = ledger.series["engaged"][:, months]
    per_engaged = price_by_month(line.per_engaged, active.size)[months] * active[months]
    earned = price[months.start] + (engaged * per_engaged).sum(axis=1)
    return engaged.sum(axis=1), np.full(engaged.shape[0], np.nan), earned


def claims(line: FixedFee, ledger: Ledger) -> list[PendingClaim]:
    return periodic_claims(line, ledger, line.per_period, _earn)


def series(line: FixedFee) -> tuple[str, ...]:
    return ("engaged",)


def add_observed(ledger: Ledger, line: FixedFee, rows: Sequence[Row], where: Callable[[Row], str]) -> None:
    """count = participants engaged (first appointment) in the month."""
    add_to_series(ledger, ("engaged",), rows, lambda row: (row.count,))


def scaled(line: FixedFee, k: float) -> FixedFee:
    """A fee is paid for delivery, not for outcomes: scaling outcome prices leaves it as it is."""
    return line


KIND = Kind("fixed_fee", FixedFee, claims, series, no_needs, series, add_observed, scaled)
