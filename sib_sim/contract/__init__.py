"""Outcome payment rules as code: OutcomeLedger -> Payments.

Deterministic and vectorised over replications, so one set of simulated cohorts can be re-priced
under many contracts (and observed outcomes priced with the same code).
"""

from __future__ import annotations

import numpy as np

from ..measure import OutcomeLedger
from ..scenario.contract import Contract
from .caps import CapState
from .periods import claim_periods, price_by_month
from .records import CapCut, ClaimRecord, Payments
from .rules import RULES


def apply_contract(contract: Contract, ledger: OutcomeLedger) -> Payments:
    n, horizon = ledger.n_replications, ledger.horizon_months
    payer_ids = [p.id for p in contract.payers]
    line_ids = [o.id for o in contract.outcomes]
    pending = []
    for line_index, line in enumerate(contract.outcomes):
        price = price_by_month(getattr(line, "price", 0.0), horizon)
        for period in claim_periods(line.claim, horizon):
            count, value, earned = RULES[line.kind](line, ledger.series, slice(period.start, period.end), price)
            pending.append((period.claim_month, line_index, period, count, value, earned))
    pending.sort(key=lambda item: (item[0], item[1], item[2].start))

    caps = CapState.start(contract, n)
    paid = np.zeros((n, len(line_ids), len(payer_ids), horizon))
    after_horizon = np.zeros(n)
    claims = []
    for _, line_index, period, count, value, earned in pending:
        line = contract.outcomes[line_index]
        by_payer = caps.apply(line, (period.start, period.end), earned, payer_ids)
        month = int(np.floor(period.paid_month))
        if month < horizon:
            paid[:, line_index, :, month] += by_payer
        else:
            after_horizon += by_payer.sum(axis=1)
        claims.append(ClaimRecord(line.id, period.start, period.end, period.claim_month, period.paid_month,
                                  count, value, earned, by_payer))
    return Payments(tuple(line_ids), tuple(payer_ids), paid, tuple(claims), tuple(caps.cuts), after_horizon)


__all__ = ["CapCut", "ClaimRecord", "Payments", "apply_contract"]
