"""Outcome payment rules as code: OutcomeLedger -> Payments.

Deterministic and vectorised over replications, so one set of simulated cohorts can be re-priced
under many contracts (and observed outcomes priced with the same code). Each rule kind (sib_sim.kinds)
makes its line's claims; this stage orders every line's claims in time and applies caps and payers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import UserError
from ..kinds import KINDS, PendingClaim
from ..kinds.claims import suspension_fees
from ..measure import OutcomeLedger
from ..scenario.contract import AreaPayers, Contract, OutcomeLine
from .caps import CapState
from .history import History
from .participant_cap import ParticipantRooms
from .records import CapCut, ClaimRecord, Payments


Pending = tuple[int, PendingClaim, AreaPayers | None, bool]  # (line index, claim, who pays it when by area,
#                                                             whether it is a suspension fee)


def _rank(contract: Contract) -> list[int]:
    """Each line's place among claims made in the same month: the contract's order, except that the
    per-participant cap's `cut_first` lines go last (the first named last of all)."""
    n = len(contract.outcomes)
    cut_first = [] if contract.participant_cap is None else contract.participant_cap.cut_first
    return [n + len(cut_first) - cut_first.index(o.id) if o.id in cut_first else i
            for i, o in enumerate(contract.outcomes)]


def _pending_claims(contract: Contract, ledger: OutcomeLedger) -> list[Pending]:
    """Every claim of every line, before caps, in the order claims are made.

    A `by_area` line makes its claims once per area, on that area's participants (the area's own
    series and milestones), each to be paid by that area's payers."""
    pending = []
    rank = _rank(contract)
    for line_index, line in enumerate(contract.outcomes):
        _check_measured(line, ledger)
        parts = [(_area_view(ledger, split.area), split) for split in contract.areas] if line.by_area \
            else [(ledger, None)]
        for part, (source, split) in enumerate(parts):
            made = KINDS[line.kind].claims(line, source)
            fees = suspension_fees(line, ledger.horizon_months, ledger.n_replications)
            # Within a line, claims keep the rule's order (a pooled claim comes after its cohorts),
            # and areas the contract's order.
            pending += [(claim.claim_month, rank[line_index], part, order, line_index, claim, split,
                         order >= len(made)) for order, claim in enumerate(made + fees)]
    pending.sort(key=lambda item: item[:4])
    return [(line_index, claim, split, fee) for *_, line_index, claim, split, fee in pending]


def _area_view(ledger: OutcomeLedger, area: str) -> OutcomeLedger:
    """The ledger restricted to one area's participants (what the evaluator measured by area)."""
    if area not in ledger.by_area:
        raise UserError(f"contract area {area!r} has no participants measured by area (the ledger's areas: "
                        f"{', '.join(ledger.areas) or 'none'})", field="contract.areas")
    return replace(ledger, series={**ledger.series, **ledger.by_area[area]},
                   milestones={**ledger.milestones, **ledger.area_milestones.get(area, {})},
                   comparison_milestones={**ledger.comparison_milestones,
                                          **ledger.area_comparison_milestones.get(area, {})})


def _check_measured(line: OutcomeLine, ledger: OutcomeLedger) -> None:
    """Re-pricing needs the participant outcomes this line pays on to have been counted."""
    needed = {need.key for need in KINDS[line.kind].needs(line)}
    missing = needed - set(ledger.milestones) - set(ledger.cohorts)
    if missing:
        raise UserError(f"outcome line {line.id!r} needs participant outcomes that were not measured "
                        f"({', '.join(sorted(missing))}); simulate with this contract's definitions "
                        "(sib_sim.measure.definitions_for)", field=f"contract.outcomes.{line.id}")


def apply_contract(contract: Contract, ledger: OutcomeLedger, history: History | None = None) -> Payments:
    """Every claim of the ledger, paid under the caps. `history`: start from a running contract's
    claims and payments to an as-of month (contract/history.py; not with a per-participant cap)."""
    n, horizon = ledger.n_replications, ledger.horizon_months
    payer_ids = [p.id for p in contract.payers]
    line_ids = [o.id for o in contract.outcomes]

    caps = CapState.start(contract, n) if history is None else history.caps(contract, n)
    rooms = None if history is not None else ParticipantRooms.start(contract, ledger.participant_events, n)
    capped = set(contract.participant_capped)
    paid = np.zeros((n, len(line_ids), len(payer_ids), horizon))
    after_horizon = np.zeros(n)
    claims = [] if history is None else history.records(contract, n)
    if history is not None:
        paid[:, :, :, :history.months] = history.paid
    for line_index, claim, split, fee in _pending_claims(contract, ledger):
        line = contract.outcomes[line_index]
        period = (claim.period_start, claim.period_end)
        paid_month = claim.claim_month + line.claim.payment_lag_months
        if history is not None:
            if paid_month < history.months:
                continue  # paid by as-of: the history has it
            claim = replace(claim, earned=history.earned(line_index, claim, split))
        if rooms is not None and line.id in capped and not fee:
            area = None if split is None else ledger.areas.index(split.area)
            allotment = rooms.allot(line, period, horizon, area)
            caps.cut(line, period, "participant", None, claim.earned - allotment.earned)
            by_payer = caps.apply(line, period, allotment.earned, payer_ids, split)
            rooms.spend(allotment, by_payer.sum(axis=1))
        else:
            by_payer = caps.apply(line, period, claim.earned, payer_ids, split)
        month = int(np.floor(paid_month))
        if month < horizon:
            paid[:, line_index, :, month] += by_payer
        else:
            after_horizon += by_payer.sum(axis=1)
        claims.append(ClaimRecord(line.id, claim.period_start, claim.period_end, claim.claim_month, paid_month,
                                  claim.count, claim.value, claim.earned, by_payer,
                                  None if split is None else split.area))
    return Payments(tuple(line_ids), tuple(payer_ids), paid, tuple(claims), tuple(caps.cuts), after_horizon)


__all__ = ["CapCut", "ClaimRecord", "History", "Payments", "apply_contract"]
