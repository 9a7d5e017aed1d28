"""The SPV's cash month by month: draw on the investor when short, distribute when in surplus.

Each month, in this order:
1. Outcome payments in; the delivery costs the SPV pays in cash out (all of them with a
   fee-for-service provider; `1 - at_risk_share` of them with an at-risk provider, the rest is owed to
   the provider as deferred fees).
2. Draws on the investor's commitment (cumulative draws never exceed it): scheduled draws first, then
   as needed when cash would fall below the buffer (`as_needed`) or below zero (`schedule`).
3. A shortfall (costs neither cash nor commitment could pay) is handled by the `shortfall` policy:
   `scale_back` does not spend it (delivery is cut; an at-risk provider's deferred fees shrink with
   the cut), `provider_absorbs` owes it to the provider as deferred fees, `commissioner_tops_up`
   has the commissioner pay it in.
4. Cash above a hold (the buffer plus the next `reserve_months` of cash costs, and never less than
   capital from scheduled draws not yet spent, so a scheduled draw is not repaid at once) is
   distributed: the provider's deferred fees first, then investor capital, then a return up to the
   cap (multiple or IRR, see caps.py), then the rest split between investor, provider and
   commissioner. At the horizon the hold is zero: everything is distributed; deferred fees still
   unpaid then are the provider's loss.

Cash identity, month by month (tested): opening + income + draws + top_up - costs_paid - repayments
- returns - deferred_paid - spv_retained = closing. A delivery cut is not fed back into outcomes: the
cohort was simulated before the money was known, so results with cuts overstate the outcomes that
cut delivery would have bought. Vectorised over replications; the loop is over months only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.finance import Investor, Provider, ShortfallPolicy, SurplusSplit
from .caps import CapAccount


@dataclass(frozen=True)
class Waterfall:
    """Monthly flows, each (n_replications, horizon)."""

    draws: np.ndarray
    repayments: np.ndarray  # capital returned
    returns: np.ndarray  # paid to the investor on top of capital (capped return + surplus share)
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


@dataclass(frozen=True)
class Terms:
    """The scenario's finance terms resolved to numbers for one waterfall run."""

    commitment: float
    draw_below: float  # draw as needed when cash would fall below this
    schedule: np.ndarray  # (horizon,) scheduled draws
    cash_buffer: float
    reserve_months: int
    at_risk_share: float
    shortfall: ShortfallPolicy
    split: SurplusSplit


def resolve_terms(investor: Investor, horizon: int, shortfall: ShortfallPolicy, provider: Provider,
                  split: SurplusSplit) -> Terms:
    schedule = np.zeros(horizon)
    for d in investor.drawdown_schedule:
        if d.month < horizon:  # draws scheduled after the horizon never happen
            schedule[d.month] += d.amount
    return Terms(commitment=investor.commitment,
                 draw_below=investor.cash_buffer if investor.drawdown == "as_needed" else 0.0,
                 schedule=schedule, cash_buffer=investor.cash_buffer,
                 reserve_months=int(np.ceil(investor.reserve_months)),
                 at_risk_share=provider.at_risk_share, shortfall=shortfall, split=split)


class _State:
    """Per-replication balances carried from month to month (local to one run_waterfall call)."""

    def __init__(self, n: int, cap: CapAccount) -> None:
        self.cash, self.drawn, self.outstanding, self.deferred, self.unspent = (np.zeros(n) for _ in range(5))
        self.cap = cap


def run_waterfall(income: np.ndarray, costs: np.ndarray, investor: Investor, *,
                  shortfall: ShortfallPolicy = "scale_back", provider: Provider | None = None,
                  split: SurplusSplit | None = None, years: np.ndarray | None = None) -> Waterfall:
    """The SPV's monthly flows. `years`: each month's start in years from the contract start (for an
    IRR cap; defaults to m / 12). The defaults are today's contract: fee for service, surplus above the
    cap kept on the provider side."""
    n, horizon = income.shape
    terms = resolve_terms(investor, horizon, shortfall, provider or Provider(), split or SurplusSplit(provider=1.0))
    years = np.arange(horizon) / 12.0 if years is None else years
    out = {k: np.zeros((n, horizon)) for k in Waterfall.__dataclass_fields__}
    cash_costs = costs * (1.0 - terms.at_risk_share)
    state = _State(n, CapAccount(investor.return_cap, n, years))
    for m in range(horizon):
        state.cap.start_month(m)
        state.cash = state.cash + income[:, m] - cash_costs[:, m]
        _draw(state, terms, m, out)
        _cover_shortfall(state, terms, costs[:, m], cash_costs[:, m], out, m)
        final = m == horizon - 1
        hold = 0.0 if final else np.maximum(
            terms.cash_buffer + cash_costs[:, m + 1: m + 1 + terms.reserve_months].sum(axis=1), state.unspent)
        _distribute(state, terms, hold, out, m)
        out["cash"][:, m], out["deferred"][:, m] = state.cash, state.deferred
    return Waterfall(**out)


def _draw(state: _State, terms: Terms, m: int, out: dict[str, np.ndarray]) -> None:
    scheduled = np.minimum(terms.schedule[m], np.maximum(terms.commitment - state.drawn, 0.0))
    state.cash, state.drawn = state.cash + scheduled, state.drawn + scheduled
    needed = np.clip(terms.draw_below - state.cash, 0.0, np.maximum(terms.commitment - state.drawn, 0.0))
    state.cash, state.drawn = state.cash + needed, state.drawn + needed
    draw = scheduled + needed
    state.outstanding = state.outstanding + draw
    state.cap.draw(draw)
    state.unspent = state.unspent + scheduled
    out["draws"][:, m] = draw


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
    left = surplus - fees
    repay = np.minimum(left, state.outstanding)
    capped = np.minimum(left - repay, state.cap.room(repay))
    above = left - repay - capped
    to_investor, to_provider = above * terms.split.investor, above * terms.split.provider
    to_commissioner = above - to_investor - to_provider  # the remainder: cash is conserved exactly
    state.cap.pay(repay + capped + to_investor)
    state.outstanding, state.deferred = state.outstanding - repay, state.deferred - fees
    state.cash = state.cash - surplus
    out["repayments"][:, m], out["returns"][:, m], out["deferred_paid"][:, m] = repay, capped + to_investor, fees
    out["spv_retained"][:, m] = to_provider + to_commissioner
    out["surplus_investor"][:, m], out["surplus_provider"][:, m] = to_investor, to_provider
    out["surplus_commissioner"][:, m] = to_commissioner
