"""The capital stack inside one waterfall run: per-tranche balances, draws and payments by rank.

Each month (called from waterfall.py):
- `start_month`: every equity tranche's return-cap account grows (caps.py); every loan's interest
  accrues on what it is owed (principal plus unpaid interest) at its annual rate over the month's
  actual days (actual/365, the XIRR convention).
- `draw`: each tranche's scheduled draws (capped by its commitment); then draws as needed, from
  the tranches in `drawdown_order`: `as_needed` tranches top cash up to the buffer, and any tranche
  with commitment left covers cash that would go below zero.
- `pay`: surplus cash by rank. The ranks, in order:
  1. interest due on `paid` loans, by seniority (first-loss tranches excluded);
  2. principal (and a `rolled_up` loan's interest, which falls due with it), by seniority, for
     tranches past their `repay_from_month` (every tranche at the horizon); first-loss excluded. A
     tranche with a `repayment_schedule` (amortisation) may repay only what is due by the month: the
     schedule's cumulative share of the principal drawn, less what it has repaid; its rolled-up
     interest falls due with the first instalment;
  3. first-loss tranches: interest, then principal, by seniority, and only once every other
     tranche's principal and interest are paid in full. So a first-loss tranche bears any loss
     before the others, whatever its seniority or repayment schedule;
  4. cash for whatever is still owed (a tranche before its repay_from_month or its instalments, a
     first-loss tranche still waiting) is kept in the SPV, not released;
  5. equity tranches' returns up to their caps, by seniority (first-loss still waiting as in 3);
  6. the investors' share of what is left (`surplus_split.investor`) pro rata to equity drawn.
  Equal seniority: the order of the list.
- At the horizon (`settle`), after the last distribution, each tranche's loss of principal is
  known; only then does its guarantor pay (the loss up to `share` of the principal drawn), and
  then the commissioner's capital protection tops the investor's recovery up to
  `capital_protection` of the principal drawn. Both are paid outside the SPV (its cash is untouched).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario.finance import ReturnCap, Tranche
from .caps import CapAccount

TOLERANCE = 1e-9  # money: a balance below this is paid off
DEFAULT_CAP = ReturnCap(multiple=2.0)
FLOW_NAMES = ("draws", "interest", "principal", "returns", "surplus", "interest_unpaid", "principal_unpaid",
              "guarantee", "protection")


@dataclass(frozen=True)
class StackFlows:
    """Per-tranche monthly flows, each (n_replications, n_tranches, horizon)."""

    ids: tuple[str, ...]
    guarantors: tuple[str | None, ...]  # each tranche's guarantor id, or None
    draws: np.ndarray
    interest: np.ndarray  # interest paid (a rolled-up loan's interest when it is repaid)
    principal: np.ndarray  # capital repaid
    returns: np.ndarray  # equity return up to the cap
    surplus: np.ndarray  # share of the surplus above the caps
    interest_unpaid: np.ndarray  # interest due this month and not paid by its end
    principal_unpaid: np.ndarray  # principal due (past repay_from_month, or its instalments) and not repaid by the month's end
    guarantee: np.ndarray  # paid by the guarantor (horizon month only)
    protection: np.ndarray  # paid by the commissioner under capital protection (horizon month only)

    @property
    def received(self) -> np.ndarray:
        """Everything each tranche receives, from the SPV and from its guarantor and protection."""
        return self.interest + self.principal + self.returns + self.surplus + self.guarantee + self.protection


class Stack:
    """Per-replication balances for each tranche, local to one waterfall run."""

    def __init__(self, tranches: Sequence[Tranche], n: int, horizon: int, years: np.ndarray) -> None:
        self.tranches = list(tranches)
        k = len(self.tranches)
        self.final_month = horizon - 1
        self.drawn, self.principal, self.interest_owed = (np.zeros((n, k)) for _ in range(3))
        self.caps = [None if t.interest is not None else CapAccount(t.return_cap or DEFAULT_CAP, n, years)
                     for t in self.tranches]
        steps = np.diff(years, prepend=years[:1] if years.size else years)
        self.accrual = [None if t.interest is None else (1.0 + t.interest.rate) ** steps - 1.0 for t in self.tranches]
        self.schedule = np.zeros((k, horizon))
        for j, t in enumerate(self.tranches):
            for d in t.drawdown_schedule:
                if d.month < horizon:
                    self.schedule[j, d.month] += d.amount
        # The share of each tranche's principal drawn that is due by each month, in all: 0 before its
        # `repay_from_month` and 1 from it, or its amortisation schedule's steps; all of it at the horizon.
        self.due_share = np.zeros((k, horizon))
        for j, t in enumerate(self.tranches):
            steps = [(i.month, i.share) for i in t.repayment_schedule] or [(t.repay_from_month, 1.0)]
            for month, share in steps:
                self.due_share[j, min(month, horizon):] = share
            if horizon:
                self.due_share[j, -1] = 1.0
        self.commitment = np.array([t.commitment for t in self.tranches])
        order = [t.drawdown_order if t.drawdown_order is not None else j + 1 for j, t in enumerate(self.tranches)]
        self.draw_order = sorted(range(k), key=lambda j: (order[j], j))
        rank = sorted(range(k), key=lambda j: (self.tranches[j].seniority, j))
        self.senior = [j for j in rank if not self.tranches[j].first_loss]
        self.first_loss = [j for j in rank if self.tranches[j].first_loss]
        self.by_seniority = rank
        self.out = {name: np.zeros((n, k, horizon)) for name in FLOW_NAMES}

    # ---- month by month ----
    def start_month(self, m: int) -> None:
        for j, cap in enumerate(self.caps):
            if cap is not None:
                cap.start_month(m)
            accrual = self.accrual[j]
            if accrual is not None:
                self.interest_owed[:, j] += (self.principal[:, j] + self.interest_owed[:, j]) * accrual[m]

    def draw(self, cash: np.ndarray, m: int, buffer: float) -> tuple[np.ndarray, np.ndarray]:
        """Draws this month; returns (cash after draws, scheduled part of the draws)."""
        scheduled = np.zeros_like(self.drawn)
        for j in range(len(self.tranches)):
            scheduled[:, j] = np.minimum(self.schedule[j, m], np.maximum(self.commitment[j] - self.drawn[:, j], 0.0))
            cash = cash + scheduled[:, j]
        self.drawn = self.drawn + scheduled
        needed = np.zeros_like(self.drawn)
        for as_needed, below in ((True, buffer), (False, 0.0)):
            for j in self.draw_order:
                if (self.tranches[j].drawdown == "as_needed") != as_needed:
                    continue
                take = np.clip(below - cash, 0.0, np.maximum(self.commitment[j] - self.drawn[:, j], 0.0))
                cash, self.drawn[:, j], needed[:, j] = cash + take, self.drawn[:, j] + take, needed[:, j] + take
        draws = scheduled + needed
        self.principal = self.principal + draws
        for j, cap in enumerate(self.caps):
            if cap is not None:
                cap.draw(draws[:, j])
        self.out["draws"][:, :, m] = draws
        return cash, scheduled.sum(axis=1)

    def pay(self, left: np.ndarray, m: int, investor_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pay `left` by rank (module docstring); returns (cash kept for tranches not yet repayable, the
        surplus above every cap, the investors' share of it)."""
        repaid = np.zeros_like(self.drawn)
        left = self._pay_interest(left, self.senior, m)
        left = self._pay_principal(left, self.senior, m, repaid)
        gate = self._others_paid()
        if self.first_loss:
            left = self._pay_interest(left, self.first_loss, m, gate)
            left = self._pay_principal(left, self.first_loss, m, repaid, gate)
        # Whatever is still owed could not be paid now (not yet repayable, or first loss waiting): the
        # SPV keeps cash for it rather than release it as surplus.
        kept = np.minimum(left, (self.principal + self.interest_owed).sum(axis=1))
        left = left - kept
        for j in self.by_seniority:
            cap = self.caps[j]
            if cap is None:
                continue
            allowed = gate if self.tranches[j].first_loss else True
            # The cap counts principal too: what the tranche is still owed but not yet due (before its
            # repay_from_month or instalments) is kept for it above, so it is not room for a return now.
            room = np.maximum(cap.room(repaid[:, j]) - self.principal[:, j], 0.0)
            capped = np.where(allowed, np.minimum(left, room), 0.0)
            left = left - capped
            self.out["returns"][:, j, m] = capped
        shared = left * investor_share
        self._share_surplus(shared, repaid, m)
        self._record_unpaid(m)
        return kept, left, shared

    def _pay_interest(self, left: np.ndarray, order: list[int], m: int, gate: np.ndarray | bool = True) -> np.ndarray:
        for j in order:
            interest = self.tranches[j].interest
            if interest is None or interest.payment != "paid":
                continue
            paid = np.where(gate, np.minimum(left, self.interest_owed[:, j]), 0.0)
            left, self.interest_owed[:, j] = left - paid, self.interest_owed[:, j] - paid
            self.out["interest"][:, j, m] += paid
        return left

    def _pay_principal(self, left: np.ndarray, order: list[int], m: int, repaid: np.ndarray,
                       gate: np.ndarray | bool = True) -> np.ndarray:
        for j in order:
            if not self._repayable(j, m):
                continue
            t = self.tranches[j]
            if t.interest is not None and t.interest.payment == "rolled_up":
                paid = np.where(gate, np.minimum(left, self.interest_owed[:, j]), 0.0)
                left, self.interest_owed[:, j] = left - paid, self.interest_owed[:, j] - paid
                self.out["interest"][:, j, m] += paid
            repay = np.where(gate, np.minimum(left, self._principal_due(j, m)), 0.0)
            left, self.principal[:, j] = left - repay, self.principal[:, j] - repay
            repaid[:, j] = repay
            self.out["principal"][:, j, m] = repay
        return left

    def _repayable(self, j: int, m: int) -> bool:
        return bool(self.due_share[j, m] > 0)

    def _principal_due(self, j: int, m: int) -> np.ndarray:
        """What is due of the principal by month m less what has been repaid: the share due of all
        that was drawn, less repayments (the principal outstanding is drawn less repaid)."""
        not_yet_due = (1.0 - self.due_share[j, m]) * self.drawn[:, j]
        return np.maximum(self.principal[:, j] - not_yet_due, 0.0)

    def _others_paid(self) -> np.ndarray:
        if not self.senior:
            return np.ones(self.drawn.shape[0], dtype=bool)
        owed = self.principal[:, self.senior] + self.interest_owed[:, self.senior]
        return (owed <= TOLERANCE).all(axis=1)

    def _share_surplus(self, shared: np.ndarray, repaid: np.ndarray, m: int) -> None:
        equity = [j for j in range(len(self.tranches)) if self.caps[j] is not None] or list(range(len(self.tranches)))
        if len(equity) == 1:
            weights = {equity[0]: np.ones_like(shared)}
        else:
            drawn = self.drawn[:, equity]
            total = drawn.sum(axis=1)
            safe = np.where(total > 0, total, 1.0)
            weights = {j: np.where(total > 0, drawn[:, i] / safe, 1.0 / len(equity)) for i, j in enumerate(equity)}
        for j, w in weights.items():
            share = shared * w
            self.out["surplus"][:, j, m] = share
            cap = self.caps[j]
            if cap is not None:  # the cap counts everything paid to the tranche, as for one investor
                cap.pay(repaid[:, j] + self.out["returns"][:, j, m] + share)
        for j, cap in enumerate(self.caps):
            if cap is not None and j not in weights:
                cap.pay(repaid[:, j] + self.out["returns"][:, j, m])

    def _record_unpaid(self, m: int) -> None:
        for j, t in enumerate(self.tranches):
            if t.interest is not None and (t.interest.payment == "paid" or self._repayable(j, m)):
                self.out["interest_unpaid"][:, j, m] = self.interest_owed[:, j]
            if self._repayable(j, m):
                self.out["principal_unpaid"][:, j, m] = self._principal_due(j, m)

    def settle(self) -> None:
        """At the horizon: guarantor calls on the loss of principal, then capital protection."""
        m = self.final_month
        if m < 0:
            return
        repaid = self.out["principal"].sum(axis=2)
        for j, t in enumerate(self.tranches):
            drawn = self.drawn[:, j]
            loss = np.maximum(drawn - repaid[:, j], 0.0)
            call = np.minimum(loss, t.guarantee.share * drawn) if t.guarantee is not None else np.zeros_like(loss)
            protection = np.maximum(t.capital_protection * drawn - repaid[:, j] - call, 0.0)
            self.out["guarantee"][:, j, m], self.out["protection"][:, j, m] = call, protection

    def flows(self) -> StackFlows:
        return StackFlows(ids=tuple(t.id for t in self.tranches),
                          guarantors=tuple(t.guarantee.guarantor if t.guarantee else None for t in self.tranches),
                          **self.out)
