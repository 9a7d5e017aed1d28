"""The SPV's cash month by month: draw on the investor when short, distribute when in surplus.

Each month: outcome payments in, delivery costs out. If cash would fall below the buffer the SPV
draws on the investor's commitment (cumulative draws never exceed it); costs it still cannot pay are
unfunded (delivery would be cut back). Cash above a reserve (the buffer plus the next months' costs)
repays investor capital, then pays a return up to the cap multiple of capital drawn, then is split:
`share_above_cap` to the investor, the rest retained by the SPV. At the horizon everything is
distributed. Vectorised over replications; the loop is over months only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.finance import Investor


@dataclass(frozen=True)
class Waterfall:
    draws: np.ndarray
    repayments: np.ndarray  # capital returned
    returns: np.ndarray  # paid on top of capital
    spv_retained: np.ndarray  # surplus kept by the SPV (above the investor's cap)
    unfunded: np.ndarray  # costs neither cash nor commitment could pay
    cash: np.ndarray  # closing balance


def run_waterfall(income: np.ndarray, costs: np.ndarray, investor: Investor) -> Waterfall:
    n, horizon = income.shape
    out = {k: np.zeros((n, horizon)) for k in Waterfall.__dataclass_fields__}
    cash, drawn, outstanding, distributed = (np.zeros(n) for _ in range(4))
    for m in range(horizon):
        cash = cash + income[:, m] - costs[:, m]
        draw = np.clip(investor.cash_buffer - cash, 0.0, investor.commitment - drawn)
        cash, drawn, outstanding = cash + draw, drawn + draw, outstanding + draw
        unfunded = np.maximum(-cash, 0.0)
        cash = cash + unfunded
        final = m == horizon - 1
        reserve = 0.0 if final else investor.cash_buffer + costs[:, m + 1: m + 1 + int(np.ceil(investor.reserve_months))].sum(axis=1)
        surplus = np.maximum(cash - reserve, 0.0)
        repay = np.minimum(surplus, outstanding)
        room = np.maximum(investor.return_cap_multiple * drawn - distributed - repay, 0.0)
        capped_return = np.minimum(surplus - repay, room)
        above = surplus - repay - capped_return
        to_investor_above = above * investor.share_above_cap
        out["draws"][:, m], out["repayments"][:, m] = draw, repay
        out["returns"][:, m] = capped_return + to_investor_above
        out["spv_retained"][:, m], out["unfunded"][:, m] = above - to_investor_above, unfunded
        outstanding = outstanding - repay
        distributed = distributed + repay + capped_return + to_investor_above
        cash = cash - surplus
        out["cash"][:, m] = cash
    return Waterfall(**out)
