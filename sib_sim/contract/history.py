"""A contract's history to an as-of month, for `apply_contract(..., history=)` to start from.

A running contract (sib_sim.live) has paid some claims already and made others that are not yet
paid. Priced from a history, the contract's claim loop is the same as from the start, except that:
- payments by the end of month `months - 1` are the history's (`paid`), and every claim the loop
  makes that is paid by then is skipped (the history has it);
- each cap (contract, line, payer) starts from its amount less what the history paid against it;
- a claim made by as-of but paid after it is paid at the amount the history says was claimed in
  that month (`claimed`), before caps, instead of the amount the ledger's series earn.
The per-participant cap is not supported: a history by line and payer does not say what each
participant has been paid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kinds import PendingClaim
from ..scenario.contract import AreaPayers, Contract
from .caps import CapState
from .records import ClaimRecord


@dataclass(frozen=True)
class History:
    """What a contract has claimed and paid to its as-of month (month `months - 1`)."""

    months: int
    paid: np.ndarray  # (n_lines, n_payers, months): outcome payments by the month paid
    claimed: np.ndarray  # (n_lines, months): claimed before caps, by the month the claim was made

    def caps(self, contract: Contract, n: int) -> CapState:
        """Each cap's room less what has been paid against it."""
        caps = CapState.start(contract, n)
        caps.contract = np.maximum(caps.contract - self.paid.sum(), 0.0)
        caps.lines = {o.id: np.maximum(caps.lines[o.id] - self.paid[i].sum(), 0.0)
                      for i, o in enumerate(contract.outcomes)}
        caps.payers = {p.id: np.maximum(caps.payers[p.id] - self.paid[:, j].sum(), 0.0)
                       for j, p in enumerate(contract.payers)}
        return caps

    def records(self, contract: Contract, n: int) -> list[ClaimRecord]:
        """One record per line for everything paid by as-of, so totals by line and payer include it."""
        m = float(self.months)
        return [ClaimRecord(line.id, 0.0, m, m - 1, m - 1, np.zeros(n), np.full(n, np.nan),
                            np.full(n, self.claimed[i].sum()),
                            np.broadcast_to(self.paid[i].sum(axis=1), (n, self.paid.shape[1])).copy())
                for i, line in enumerate(contract.outcomes)]

    def earned(self, line_index: int, claim: PendingClaim, split: AreaPayers | None) -> np.ndarray:
        """What a claim still to be paid earns: the history's claimed amount if it was made by as-of
        (a by-area line's claims are not told apart by the history: they keep the ledger's)."""
        made = int(np.floor(claim.claim_month))
        if made < self.months and split is None and self.claimed[line_index, made] > 0:
            return np.full(claim.earned.shape, self.claimed[line_index, made])
        return claim.earned
