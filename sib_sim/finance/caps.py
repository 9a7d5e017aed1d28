"""The investor's return cap as room left to pay: a money multiple or an IRR (a capital account).

A multiple cap allows total distributions up to `multiple x capital drawn`. An IRR cap keeps a
capital account: each month it grows at the cap rate (over the month's actual days, actual/365 as
XIRR counts them), draws add to it and distributions come off it. Paying no more than its balance
keeps the investor's NPV at the cap rate at or below zero, so the realised IRR is at most the cap, and
equal to it once the balance is paid down to zero. Vectorised over replications; state is local to one
waterfall run.
"""

from __future__ import annotations

import numpy as np

from ..scenario.finance import ReturnCap


class CapAccount:
    """Per-replication state for one return cap; call `start_month` once a month, in order."""

    def __init__(self, cap: ReturnCap, n: int, years: np.ndarray) -> None:
        self.multiple = cap.multiple
        self.drawn = np.zeros(n)
        self.paid = np.zeros(n)
        self.balance = np.zeros(n)  # the IRR capital account (unused for a multiple cap)
        # growth[m]: factor from month m-1 to month m at the cap rate; month 0 has nothing to grow.
        steps = np.diff(years, prepend=years[:1] if years.size else years)
        self.growth = None if cap.irr is None else (1.0 + cap.irr) ** steps

    def start_month(self, m: int) -> None:
        if self.growth is not None:
            self.balance = self.balance * self.growth[m]

    def draw(self, amount: np.ndarray) -> None:
        self.drawn = self.drawn + amount
        self.balance = self.balance + amount

    def room(self, already: np.ndarray) -> np.ndarray:
        """What more may be paid this month after `already` (capital being repaid now)."""
        if self.multiple is not None:
            return np.maximum(self.multiple * self.drawn - self.paid - already, 0.0)
        return np.maximum(self.balance - already, 0.0)

    def pay(self, amount: np.ndarray) -> None:
        """Record a distribution to the investor (including any share above the cap)."""
        self.paid = self.paid + amount
        self.balance = self.balance - amount


def year_fractions(days_from_start: np.ndarray) -> np.ndarray:
    """Years from the contract start to each month's start, actual/365 (the XIRR convention)."""
    return np.asarray(days_from_start, dtype=float) / 365.0
