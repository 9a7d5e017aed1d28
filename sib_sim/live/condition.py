"""Whole simulated paths with their history replaced by the actuals where it is observed.

What is conditioned exactly: the observed monthly series (referrals, starts and ends of support,
give-ups, caseload, waiting list, recorded Stars, measured hospital costs) are the actuals' in every
path up to the as-of month, so every claim the contract makes from them reads the real history
(a sliding scale's running mean, a savings share's cumulative netting); outcome payments up to
as-of are the actual ones; each cap starts from its cap less what has actually been paid against
it; a claim made by as-of but paid after it is paid at the amount actually claimed (claims.csv),
before caps (contract.apply_contract's `history=`, contract/history.py: the claim loop is the
contract's own).

What is approximate: the future of each path is a fresh simulation at posterior parameters
(live/smc.py), so the people in support or waiting at as-of, and their Star and hospital histories,
are the path's own, not the real ones (their number is matched only through the parameters, by the
summaries); participant-level outcomes (milestone rate cards), the true (unobserved) series and
finance's history of cash in the SPV are the path's own throughout.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..contract import History, Payments, apply_contract
from ..contract.caps import CapState
from ..measure import OutcomeLedger
from ..scenario.contract import Contract
from .actuals import Actuals

# Ledger series the actuals observe, and where in the actuals each comes from.
OBSERVED = ("referrals", "engaged", "completed", "disengaged", "gave_up", "in_service", "waiting")
HOSPITAL = {"hospital_patient_months": "patient_months", "hospital_treated_cost": "treated_cost",
            "hospital_comparison_cost": "comparison_cost"}


def take_ledger(ledger: OutcomeLedger, index: np.ndarray) -> OutcomeLedger:
    """The ledger's replications at `index` (repeats allowed), in that order."""
    def rows(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v[index] for k, v in d.items()}

    return replace(ledger, series=rows(ledger.series), scalars=rows(ledger.scalars),
                   star_change_histogram=ledger.star_change_histogram[index], milestones=rows(ledger.milestones),
                   cohorts=rows(ledger.cohorts), parameters=rows(ledger.parameters),
                   comparison_milestones=rows(ledger.comparison_milestones),
                   by_area={a: rows(v) for a, v in ledger.by_area.items()},
                   area_milestones={a: rows(v) for a, v in ledger.area_milestones.items()},
                   area_comparison_milestones={a: rows(v) for a, v in ledger.area_comparison_milestones.items()})


def splice_ledger(ledger: OutcomeLedger, actuals: Actuals) -> OutcomeLedger:
    """The paths with their observed series replaced by the actuals up to as-of."""
    m = actuals.months
    series = {k: v.copy() for k, v in ledger.series.items()}
    for name in OBSERVED:
        series[name][:, :m] = actuals.flows[name]
    series["star_followups"][:, :m] = actuals.star_returns
    series["star_change_sum"][:, :m] = actuals.star_change_sum
    if actuals.hospital is not None and "hospital" in ledger.modelled:
        for name, column in HOSPITAL.items():
            series[name][:, :m] = actuals.hospital[column]
    return replace(ledger, series=series)


def history_of(actuals: Actuals) -> History:
    """The actuals' claims and payments, as the contract starts from them."""
    return History(actuals.months, actuals.paid, actuals.claimed)


def starting_caps(contract: Contract, actuals: Actuals, n: int) -> CapState:
    """Each cap's room less what has been paid against it by as-of."""
    return history_of(actuals).caps(contract, n)


def conditioned_payments(contract: Contract, ledger: OutcomeLedger, actuals: Actuals) -> Payments:
    """Payments: the actual ones to as-of, then the paths' later claims under what is left of each cap
    (contract.apply_contract started from the actuals' history)."""
    return apply_contract(contract, ledger, history_of(actuals))


def scale_future(contract: Contract, payments: Payments, actuals: Actuals, factor: np.ndarray) -> Payments:
    """Each path's payments after as-of, line by line, times `factor` (k, lines), then cut back
    proportionally wherever that takes a payer, a line or the contract above its cap (what is left
    of it after what has been paid). Claim records are scaled alike, so totals by payer and line agree."""
    m = actuals.months
    paid = payments.paid.copy()
    old_future = paid[:, :, :, m:].copy()
    paid[:, :, :, m:] *= factor[:, :, None, None]
    after = payments.after_horizon * _mean_factor(payments, factor)
    caps = starting_caps(contract, actuals, len(paid))
    for j, payer in enumerate(contract.payers):
        _cut(paid[:, :, j:j + 1, m:], caps.payers[payer.id])
    for i, line in enumerate(contract.outcomes):
        _cut(paid[:, i:i + 1, :, m:], caps.lines[line.id])
    _cut(paid[:, :, :, m:], caps.contract)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(old_future.sum(axis=3) > 0, paid[:, :, :, m:].sum(axis=3) / old_future.sum(axis=3), 0.0)
    lines = list(payments.line_ids)
    claims = [c if c.paid_month < m else replace(c, paid_by_payer=c.paid_by_payer * ratio[:, lines.index(c.line)])
              for c in payments.claims]
    return replace(payments, paid=paid, claims=tuple(claims), after_horizon=after)


def _mean_factor(payments: Payments, factor: np.ndarray) -> np.ndarray:
    weights = payments.paid.sum(axis=(2, 3)) + 1e-12
    return (factor * weights).sum(axis=1) / weights.sum(axis=1)


def _cut(block: np.ndarray, room: np.ndarray) -> None:
    """Scale block (k, ..., months) in place so that each path's sum is at most its room."""
    total = block.sum(axis=tuple(range(1, block.ndim)))
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(total > room, np.maximum(room, 0.0) / np.where(total > 0, total, 1.0), 1.0)
    block *= scale.reshape((-1,) + (1,) * (block.ndim - 1))
