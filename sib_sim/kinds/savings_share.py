"""savings_share: share x (comparison - treated) cost over each claim period, floored at zero
(Ways to Wellness outcome B; Essex MST care days).

Two ways to net a saving that is negative in some periods, as contracts write them:
- `netting: per_claim` (the default): each claim pays share x that period's saving, floored at zero;
  a bad year costs nothing and a good year is paid in full;
- `netting: cumulative`: each claim pays share x the saving measured so far, less what the line has
  already earned, floored at zero; a bad year must be made up before anything more is paid.
A dated share applies month by month: a period straddling a change pays each month's saving at the
share in force in that month.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from ..lazy_numpy import np

from ..fields import FieldError
from .claims import (Earned, Kind, Ledger, Observed, PendingClaim, Row, add_to_series, no_needs, periodic_claims,
                     require_section)
from .lines import LineBase, Share, scale_dated


class SavingsShare(LineBase):
    """share x (comparison - treated) cost per patient-month x patient-months, floored at 0."""

    kind: Literal["savings_share"]
    share: Share
    netting: Literal["per_claim", "cumulative"] = "per_claim"


def _earn(line: SavingsShare, ledger: Ledger, months: slice, share: np.ndarray, active: np.ndarray) -> Earned:
    """share x (comparison - treated) over the period, before any floor (`share` is by month)."""
    series = ledger.series
    patient_months = series["hospital_patient_months"][:, months].sum(axis=1)
    by_month = series["hospital_comparison_cost"][:, months] - series["hospital_treated_cost"][:, months]
    return patient_months, by_month.sum(axis=1), (by_month * share[months]).sum(axis=1)


def claims(line: SavingsShare, ledger: Ledger) -> list[PendingClaim]:
    raw = periodic_claims(line, ledger, line.share, _earn)
    out, cumulative, earned_so_far = [], 0.0, 0.0
    for claim in raw:
        if line.netting == "per_claim":
            earned = np.maximum(claim.earned, 0.0)
        else:
            cumulative = cumulative + claim.earned
            earned = np.maximum(cumulative - earned_so_far, 0.0)
            earned_so_far = earned_so_far + earned
        out.append(PendingClaim(claim.period_start, claim.period_end, claim.claim_month, claim.count, claim.value,
                                earned))
    return out


def series(line: SavingsShare) -> tuple[str, ...]:
    return ("hospital_patient_months", "hospital_comparison_cost", "hospital_treated_cost")


def entries(line: SavingsShare) -> tuple[str, ...]:
    return ("hospital_patient_months", "hospital_comparison_cost")


def add_observed(ledger: Ledger, line: SavingsShare, rows: Sequence[Row], where: Callable[[Row], str]) -> None:
    """count = patient-months of follow-up, value = the measured saving (written as comparison cost
    with the treated cost left at zero)."""
    add_to_series(ledger, entries(line), rows, lambda row: (row.count, row.value))


def check(line: SavingsShare, scenario) -> None:
    require_section(scenario, "hospital", "hospital use")
    if line.by_area:
        raise FieldError(("by_area",), "hospital use is modelled for the cohort as a whole, so a line paying on "
                         "it cannot be paid by area")


def scaled(line: SavingsShare, k: float) -> SavingsShare:
    return line.model_copy(update={"share": scale_dated(line.share, k, "share")})


KIND = Kind("savings_share", SavingsShare, claims, series, no_needs, entries, add_observed, scaled,
            Observed(value="the measured saving (comparison minus participants' cost)"), measurement_views=True,
            check=check)
