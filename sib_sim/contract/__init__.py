"""Outcome payment rules as code: OutcomeLedger -> Payments.

Deterministic and vectorised over replications, so one set of simulated cohorts can be re-priced
under many contracts (and observed outcomes priced with the same code). Each rule kind (sib_sim.kinds)
makes its line's claims; this stage orders every line's claims in time and applies caps and payers.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from ..kinds import KINDS, PendingClaim
from ..kinds.claims import suspension_fees
from ..measure import OutcomeLedger, definitions_for
from ..scenario.contract import Contract, OutcomeLine
from .caps import CapState
from .records import CapCut, ClaimRecord, Payments


def _pending_claims(contract: Contract, ledger: OutcomeLedger) -> list[tuple[int, PendingClaim]]:
    """Every claim of every line, before caps, in the order claims are made."""
    pending = []
    for line_index, line in enumerate(contract.outcomes):
        _check_measured(line, ledger)
        claims = KINDS[line.kind].claims(line, ledger) + suspension_fees(line, ledger.horizon_months,
                                                                         ledger.n_replications)
        # Within a line, claims keep the rule's order (a pooled claim comes after its cohorts).
        pending += [(claim.claim_month, line_index, order, claim) for order, claim in enumerate(claims)]
    pending.sort(key=lambda item: item[:3])
    return [(line_index, claim) for _, line_index, _, claim in pending]


def _check_measured(line: OutcomeLine, ledger: OutcomeLedger) -> None:
    """Re-pricing needs the participant outcomes this line pays on to have been counted."""
    needed = definitions_for([Contract.model_construct(outcomes=[line])]).keys()
    missing = needed - set(ledger.milestones) - set(ledger.cohorts)
    if missing:
        raise UserError(f"outcome line {line.id!r} needs participant outcomes that were not measured "
                        f"({', '.join(sorted(missing))}); simulate with this contract's definitions "
                        "(sib_sim.measure.definitions_for)", field=f"contract.outcomes.{line.id}")


def apply_contract(contract: Contract, ledger: OutcomeLedger) -> Payments:
    n, horizon = ledger.n_replications, ledger.horizon_months
    payer_ids = [p.id for p in contract.payers]
    line_ids = [o.id for o in contract.outcomes]

    caps = CapState.start(contract, n)
    paid = np.zeros((n, len(line_ids), len(payer_ids), horizon))
    after_horizon = np.zeros(n)
    claims = []
    for line_index, claim in _pending_claims(contract, ledger):
        line = contract.outcomes[line_index]
        by_payer = caps.apply(line, (claim.period_start, claim.period_end), claim.earned, payer_ids)
        paid_month = claim.claim_month + line.claim.payment_lag_months
        month = int(np.floor(paid_month))
        if month < horizon:
            paid[:, line_index, :, month] += by_payer
        else:
            after_horizon += by_payer.sum(axis=1)
        claims.append(ClaimRecord(line.id, claim.period_start, claim.period_end, claim.claim_month, paid_month,
                                  claim.count, claim.value, claim.earned, by_payer))
    return Payments(tuple(line_ids), tuple(payer_ids), paid, tuple(claims), tuple(caps.cuts), after_horizon)


__all__ = ["CapCut", "ClaimRecord", "Payments", "apply_contract"]
