"""The SPV's cash month by month: draw on the investor when short, distribute when in surplus.

Each month, in this order:
1. Outcome payments in; the delivery costs the SPV pays in cash out (all of them with a
   fee-for-service provider; `1 - at_risk_share` of them with an at-risk provider, the rest is owed to
   the provider as deferred fees).
2. Draws on the investors' commitments (cumulative draws never exceed a tranche's): scheduled draws
   first, then as needed when cash would fall below the buffer (`as_needed`) or below zero (`schedule`),
   tranche by tranche in drawdown order (stack.py).
3. A shortfall (costs neither cash nor commitment could pay) is handled by the `shortfall` policy:
   `scale_back` does not spend it (delivery is cut; an at-risk provider's deferred fees shrink with
   the cut), `provider_absorbs` owes it to the provider as deferred fees, `commissioner_tops_up`
   has the commissioner pay it in.
4. Cash above a hold (the buffer plus the next `reserve_months` of cash costs, and never less than
   capital from scheduled draws not yet spent, so a scheduled draw is not repaid at once) is
   distributed: the provider's deferred fees first, then the tranches by rank (interest, capital,
   first-loss tranches last, returns up to each cap: stack.py), then the rest split between
   investors, provider and commissioner. At the horizon the hold is zero: everything is distributed;
   deferred fees still unpaid then are the provider's loss; then guarantors and capital protection
   pay on each tranche's loss, outside the SPV's cash.

Cash identity, month by month (tested): opening + income + draws + top_up - costs_paid - repayments
- returns - deferred_paid - spv_retained = closing. A cut found here is not fed back into outcomes by
the waterfall itself: experiment/delivery_cut.py re-simulates the cohort with less capacity until
no cut is left (the fixed point). Vectorised over replications; the loop is over months only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..scenario.finance import Investor, Provider, ShortfallPolicy, SurplusSplit, Tranche
from .stack import Stack, StackFlows

MONTHLY = ("draws", "repayments", "returns", "spv_retained", "unfunded", "cash", "costs_paid", "deferred_accrued",
           "deferred_paid", "deferred", "delivery_cut", "top_up", "surplus_investor", "surplus_provider",
           "surplus_commissioner")


@dataclass(frozen=True)
class Waterfall:
    """Monthly flows, each (n_replications, horizon); totals over tranches, per tranche in `stack`."""

    draws: np.ndarray
    repayments: np.ndarray  # capital returned
    returns: np.ndarray  # paid to investors on top of capital (interest, capped return, surplus share)
    spv_retained: np.ndarray  # surplus above the cap not paid to the investor (provider + commissioner)
    unfunded: np.ndarray  # cash costs neither cash nor commitment could pay, whatever the policy
    cash: np.ndarray  # closing balance
    costs_paid: np.ndarray  # delivery costs paid in cash as incurred
    deferred_accrued: np.ndarray  # fees owed to the provider this month (at-risk share, absorbed gap)
    deferred_paid: np.ndarray  # deferred fees paid from surplus
    deferred: np.ndarray  # closing balance owed to the provider
    delivery_cut: np.ndarray  # delivery costs not spent (scale_back)
    top_up: np.ndarray  # paid in by the commissioner (commissioner_tops_up)
    surplus_investor: np.ndarray  # shares of the surplus above the cap
    surplus_provider: np.ndarray
    surplus_commissioner: np.ndarray
    stack: StackFlows | None = field(default=None, compare=False)

    @property
    def guaranteed(self) -> np.ndarray:
        """Paid to investors outside the SPV: guarantor calls and capital protection (horizon month)."""
        if self.stack is None:
            return np.zeros_like(self.draws)
        return (self.stack.guarantee + self.stack.protection).sum(axis=1)

    @property
    def protection(self) -> np.ndarray:
        """Capital protection paid by the commissioner, by month."""
        return np.zeros_like(self.draws) if self.stack is None else self.stack.protection.sum(axis=1)


@dataclass(frozen=True)
class Terms:
    """The scenario's SPV terms resolved to numbers for one waterfall run."""

    commitment: float
    cash_buffer: float
    reserve_months: int
    at_risk_share: float
    shortfall: ShortfallPolicy
    split: SurplusSplit


class _State:
    """Per-replication SPV balances carried from month to month (local to one run_waterfall call)."""

    def __init__(self, n: int, stack: Stack) -> None:
        self.cash, self.deferred, self.unspent = (np.zeros(n) for _ in range(3))
        self.stack = stack


def as_tranches(investor: Investor | Sequence[Tranche]) -> list[Tranche]:
    return [investor.as_tranche()] if isinstance(investor, Investor) else list(investor)


def run_waterfall(income: np.ndarray, costs: np.ndarray, investor: Investor | Sequence[Tranche], *,
                  shortfall: ShortfallPolicy = "scale_back", provider: Provider | None = None,
                  split: SurplusSplit | None = None, years: np.ndarray | None = None,
                  cash_buffer: float | None = None, reserve_months: float | None = None) -> Waterfall:
    """The SPV's monthly flows. `investor`: one Investor (its buffer and reserve apply) or a list of
    tranches (with `cash_buffer`, default 0, and `reserve_months`, default 6). `years`: each month's
    start in years from the contract start (for IRR caps and interest; defaults to m / 12). The other
    defaults are today's contract: fee for service, surplus above the cap kept on the provider side."""
    n, horizon = income.shape
    tranches = as_tranches(investor)
    if isinstance(investor, Investor):
        cash_buffer, reserve_months = investor.cash_buffer, investor.reserve_months
    provider, split = provider or Provider(), split or SurplusSplit(provider=1.0)
    terms = Terms(commitment=float(sum(t.commitment for t in tranches)),
                  cash_buffer=0.0 if cash_buffer is None else cash_buffer,
                  reserve_months=int(np.ceil(6.0 if reserve_months is None else reserve_months)),
                  at_risk_share=provider.at_risk_share, shortfall=shortfall, split=split)
    years = np.arange(horizon) / 12.0 if years is None else years
    out = {k: np.zeros((n, horizon)) for k in MONTHLY}
    cash_costs = costs * (1.0 - terms.at_risk_share)
    state = _State(n, Stack(tranches, n, horizon, years))
    for m in range(horizon):
        state.stack.start_month(m)
        state.cash = state.cash + income[:, m] - cash_costs[:, m]
        _draw(state, terms, m, out)
        _cover_shortfall(state, terms, costs[:, m], cash_costs[:, m], out, m)
        final = m == horizon - 1
        hold = 0.0 if final else np.maximum(
            terms.cash_buffer + cash_costs[:, m + 1: m + 1 + terms.reserve_months].sum(axis=1), state.unspent)
        _distribute(state, terms, hold, out, m)
        out["cash"][:, m], out["deferred"][:, m] = state.cash, state.deferred
    state.stack.settle()
    return Waterfall(**out, stack=state.stack.flows())


def _draw(state: _State, terms: Terms, m: int, out: dict[str, np.ndarray]) -> None:
    state.cash, scheduled = state.stack.draw(state.cash, m, terms.cash_buffer)
    state.unspent = state.unspent + scheduled
    out["draws"][:, m] = state.stack.out["draws"][:, :, m].sum(axis=1)


def _cover_shortfall(state: _State, terms: Terms, cost: np.ndarray, cash_cost: np.ndarray,
                     out: dict[str, np.ndarray], m: int) -> None:
    gap = np.maximum(-state.cash, 0.0)
    state.cash = state.cash + gap
    s = terms.at_risk_share
    paid, cut, top_up, absorbed = cash_cost - gap, np.zeros_like(gap), np.zeros_like(gap), np.zeros_like(gap)
    if terms.shortfall == "scale_back" and s < 1.0:
        cut = gap / (1.0 - s)  # the cash gap is the SPV's share of the delivery not done
    elif terms.shortfall == "provider_absorbs":
        absorbed = gap
    elif terms.shortfall == "commissioner_tops_up":
        paid, top_up = cash_cost, gap
    accrued = s * (cost - cut) + absorbed
    state.deferred = state.deferred + accrued
    # Scheduled capital is spent on delivery first; what is left of it is held back from distribution.
    state.unspent = np.maximum(state.unspent - paid, 0.0)
    out["unfunded"][:, m], out["costs_paid"][:, m], out["delivery_cut"][:, m] = gap, paid, cut
    out["top_up"][:, m], out["deferred_accrued"][:, m] = top_up, accrued


def _distribute(state: _State, terms: Terms, hold: np.ndarray | float, out: dict[str, np.ndarray],
                m: int) -> None:
    surplus = np.maximum(state.cash - hold, 0.0)
    fees = np.minimum(surplus, state.deferred)  # the provider's deferred fees rank first
    kept, above, to_investor = state.stack.pay(surplus - fees, m, terms.split.investor)
    to_provider = above * terms.split.provider
    to_commissioner = above - to_investor - to_provider  # the remainder: cash is conserved exactly
    state.deferred = state.deferred - fees
    state.cash = state.cash - (surplus - kept)
    flows = state.stack.out
    out["repayments"][:, m] = flows["principal"][:, :, m].sum(axis=1)
    out["returns"][:, m] = (flows["interest"][:, :, m] + flows["returns"][:, :, m]).sum(axis=1) + to_investor
    out["deferred_paid"][:, m] = fees
    out["spv_retained"][:, m] = to_provider + to_commissioner
    out["surplus_investor"][:, m], out["surplus_provider"][:, m] = to_investor, to_provider
    out["surplus_commissioner"][:, m] = to_commissioner
