"""Caps and payer splits, applied claim by claim in the order claims are made.

Order within a claim: the line's own cap, then the contract cap, then each payer's share against its
cap. A payer that hits its cap passes the rest of its share to the line's `overflow_to` payer (a
top-up fund running out, the commissioner picking up the rest); whatever nobody can pay is cut.
Every cut is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.contract import Contract, LineBase
from .records import CapCut


@dataclass
class CapState:
    """Amounts still available under each cap, per replication (mutable while one contract runs)."""

    contract: np.ndarray
    lines: dict[str, np.ndarray]
    payers: dict[str, np.ndarray]
    cuts: list[CapCut] = field(default_factory=list)

    @classmethod
    def start(cls, contract: Contract, n: int) -> "CapState":
        def room(cap: float | None) -> np.ndarray:
            return np.full(n, np.inf if cap is None else float(cap))

        return cls(room(contract.cap), {o.id: room(o.cap) for o in contract.outcomes},
                   {p.id: room(p.cap) for p in contract.payers})

    def _take(self, want: np.ndarray, room: np.ndarray) -> np.ndarray:
        granted = np.minimum(want, room)
        room -= granted
        return granted

    def _cut(self, line: LineBase, period: tuple[float, float], level: str, payer: str | None,
             amount: np.ndarray) -> None:
        if np.any(amount > 1e-9):
            self.cuts.append(CapCut(line.id, period[0], period[1], level, payer, amount.copy()))

    def apply(self, line: LineBase, period: tuple[float, float], earned: np.ndarray,
              payer_order: list[str]) -> np.ndarray:
        """Pay one claim; returns (n, n_payers) amounts by payer in `payer_order`."""
        after_line = self._take(earned, self.lines[line.id])
        self._cut(line, period, "line", None, earned - after_line)
        allowed = self._take(after_line, self.contract)
        self._cut(line, period, "contract", None, after_line - allowed)
        paid = np.zeros((earned.size, len(payer_order)))
        overflow = np.zeros(earned.size)
        unpaid = np.zeros(earned.size)
        for share in line.payers:
            if share.payer == line.overflow_to:
                continue
            want = allowed * share.share
            got = self._take(want, self.payers[share.payer])
            paid[:, payer_order.index(share.payer)] += got
            if line.overflow_to is None:  # this payer's cap bound and nobody picks up the rest
                self._cut(line, period, "payer", share.payer, want - got)
                unpaid += want - got
            else:
                overflow += want - got
        if line.overflow_to is not None:
            own = sum((allowed * s.share for s in line.payers if s.payer == line.overflow_to), np.zeros(earned.size))
            want = own + overflow
            got = self._take(want, self.payers[line.overflow_to])
            paid[:, payer_order.index(line.overflow_to)] += got
            self._cut(line, period, "payer", line.overflow_to, want - got)
            unpaid += want - got
        # What no payer could pay goes back under the line and contract caps: it was never paid.
        self.lines[line.id] += unpaid
        self.contract += unpaid
        return paid
