"""What the contract stage returns: every claim, who paid it, and every cut a cap made."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np



@dataclass(frozen=True)
class ClaimRecord:
    """One claim of one outcome line for one claim period; arrays have one value per replication."""

    line: str
    period_start: float
    period_end: float
    claim_month: float
    paid_month: float
    outcome_count: np.ndarray  # what the rule counted (Stars, engaged patients, patient-months)
    outcome_value: np.ndarray  # the average or saving the rule read (NaN where the rule has none)
    earned: np.ndarray  # before any cap
    paid_by_payer: np.ndarray  # (n_replications, n_payers) after caps
    area: str | None = None  # the area whose participants it pays for (lines paid by area)


@dataclass(frozen=True)
class CapCut:
    """An amount a cap removed from a claim: `level` is 'participant' (the per-participant
    cap across lines), 'line', 'contract' or 'payer'."""

    line: str
    period_start: float
    period_end: float
    level: str
    payer: str | None
    amount: np.ndarray


@dataclass(frozen=True)
class Payments:
    line_ids: tuple[str, ...]
    payer_ids: tuple[str, ...]
    paid: np.ndarray  # (n_replications, n_lines, n_payers, horizon_months) cash by month paid
    claims: tuple[ClaimRecord, ...]
    cuts: tuple[CapCut, ...]
    after_horizon: np.ndarray  # (n_replications,) due, but paid after the horizon

    @property
    def total(self) -> np.ndarray:
        return self.paid.sum(axis=(1, 2, 3)) + self.after_horizon

    def by_payer(self) -> dict[str, np.ndarray]:
        owed = sum((c.paid_by_payer for c in self.claims), np.zeros((self.paid.shape[0], len(self.payer_ids))))
        return {p: owed[:, i] for i, p in enumerate(self.payer_ids)}

    def by_line(self) -> dict[str, np.ndarray]:
        out = {line: np.zeros(self.paid.shape[0]) for line in self.line_ids}
        for c in self.claims:
            out[c.line] = out[c.line] + c.paid_by_payer.sum(axis=1)
        return out

    def cut_total(self) -> np.ndarray:
        return sum((c.amount for c in self.cuts), np.zeros(self.paid.shape[0]))
