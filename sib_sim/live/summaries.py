"""Summaries of a history to its as-of month: what the approximate likelihood compares.

The same function summarises the actuals and every simulated path (its first `months` months), so
the two are comparable by construction. The summaries are cumulative counts and amounts (they say
how fast people were referred, engaged and left, how Stars and hospital costs moved, what was paid)
and two stocks at the as-of month (in support, waiting) that carry the state into the future.
"""

from __future__ import annotations

import numpy as np

from ..contract import Payments
from ..measure import OutcomeLedger
from .actuals import Actuals

RECENT_MONTHS = 12  # the last year's referrals, Stars and hospital costs: the present the future inherits


def summarise_arrays(s: dict[str, np.ndarray], paid_by_line: np.ndarray, months: int,
                     hospital: bool) -> tuple[list[str], np.ndarray]:
    """(names, values (n, d)) from series of shape (n, >= months) and paid_by_line (n, lines, >= months)."""
    w = slice(0, months)

    def total(name: str) -> np.ndarray:
        return s[name][:, w].sum(axis=1)

    recent = slice(max(0, months - RECENT_MONTHS), months)

    def last_year(name: str) -> np.ndarray:
        return s[name][:, recent].sum(axis=1)

    returns, change = total("star_followups"), total("star_change_sum")
    recent_returns = last_year("star_followups")
    out = {
        "referrals": total("referrals"),
        "referrals_last_year": last_year("referrals"),
        "engaged": total("engaged"),
        "ended": total("completed") + total("disengaged"),
        "gave_up": total("gave_up"),
        "in_service_now": s["in_service"][:, months - 1],
        "waiting_now": s["waiting"][:, months - 1],
        "star_returns": returns,
        "star_mean_change": np.where(returns > 0, change / np.where(returns > 0, returns, 1.0), 0.0),
        "star_mean_change_last_year": np.where(recent_returns > 0, last_year("star_change_sum") /
                                               np.where(recent_returns > 0, recent_returns, 1.0), 0.0),
    }
    if hospital:
        comparison = total("hospital_comparison_cost")
        out["hospital_cost_ratio"] = np.where(comparison > 0, total("hospital_treated_cost") /
                                              np.where(comparison > 0, comparison, 1.0), 1.0)
        # the last year's ratio: the same patients' hospital use goes on into the future
        recent_comparison = last_year("hospital_comparison_cost")
        out["hospital_cost_ratio_last_year"] = np.where(
            recent_comparison > 0, last_year("hospital_treated_cost") /
            np.where(recent_comparison > 0, recent_comparison, 1.0), 1.0)
    for i in range(paid_by_line.shape[1]):
        out[f"paid_line_{i}"] = paid_by_line[:, i, w].sum(axis=1)
    names = list(out)
    return names, np.stack([np.asarray(out[k], dtype=float) for k in names], axis=1)


def summarise_paths(ledger: OutcomeLedger, payments: Payments, months: int,
                    hospital: bool) -> tuple[list[str], np.ndarray]:
    """The simulated paths' summaries, shape (paths, d); `hospital` as for summarise_actuals, so that
    paths and actuals are summarised alike (actuals without hospital.csv: no hospital summary)."""
    series = dict(ledger.series)
    return summarise_arrays(series, payments.paid.sum(axis=2), months, hospital)


def summarise_actuals(actuals: Actuals, hospital: bool) -> tuple[list[str], np.ndarray]:
    """The actuals' summaries, shape (1, d). Without hospital.csv, the hospital summary is left out."""
    s = {name: v[None, :] for name, v in actuals.flows.items()}
    s["star_followups"] = actuals.star_returns[None, :]
    s["star_change_sum"] = actuals.star_change_sum[None, :]
    has_hospital = hospital and actuals.hospital is not None
    if has_hospital:
        s["hospital_treated_cost"] = actuals.hospital["treated_cost"][None, :]
        s["hospital_comparison_cost"] = actuals.hospital["comparison_cost"][None, :]
    return summarise_arrays(s, actuals.paid.sum(axis=1)[None], actuals.months, has_hospital)
