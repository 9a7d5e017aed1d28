"""One small function per periodic rule kind: what a line earns for one claim period, before caps.

Each returns (count, value, earned), arrays over replications. `series` are the ledger's monthly
series (n_replications, horizon); `months` is the slice of the claim period; `price` the price in force
in each month. Cohort threshold lines are not periodic: see cohorts.py.
"""

from __future__ import annotations

import numpy as np

from ..kinds.thresholds import reaches, snap
from ..measure import OutcomeLedger
from ..scenario.contract import FixedFee, PerParticipant, SavingsShare, SlidingScale

Earned = tuple[np.ndarray, np.ndarray, np.ndarray]
AVERAGE_SUMS = {"star_change": ("star_change_sum", "star_followups")}


def sliding_scale(line: SlidingScale, ledger: OutcomeLedger, months: slice, price: np.ndarray) -> Earned:
    """price x count x fraction, the fraction read off the scale at the period's cohort average."""
    series = ledger.series
    total_name, count_name = AVERAGE_SUMS[line.average]
    with np.errstate(invalid="ignore", divide="ignore"):
        average = series[total_name][:, months].sum(axis=1) / series[count_name][:, months].sum(axis=1)
    xs = np.array([x for x, _ in line.points])
    fs = np.array([f for _, f in line.points])
    # Nothing below the first point (DESIGN.md: "0 below lo"), even when the scale starts above 0; an
    # average equal to a point as written gets that point's fraction (kinds.thresholds).
    below = ~reaches(average, xs[0])
    fraction = np.where(below, 0.0, np.interp(snap(np.nan_to_num(average), xs), xs, fs))
    counts = series[line.count][:, months]
    return counts.sum(axis=1), average, (counts * price[months]).sum(axis=1) * fraction


def savings_share(line: SavingsShare, ledger: OutcomeLedger, months: slice, price: np.ndarray) -> Earned:
    """share x (comparison - treated) over the period's patient-months, floored at zero."""
    series = ledger.series
    patient_months = series["hospital_patient_months"][:, months].sum(axis=1)
    saving = (series["hospital_comparison_cost"][:, months].sum(axis=1)
              - series["hospital_treated_cost"][:, months].sum(axis=1))
    return patient_months, saving, line.share * np.maximum(saving, 0.0)


def fixed_fee(line: FixedFee, ledger: OutcomeLedger, months: slice, price: np.ndarray) -> Earned:
    """The block fee in force at the period's start, plus a fee per patient engaged in the period."""
    engaged = ledger.series["engaged"][:, months].sum(axis=1)
    earned = price[months.start] + line.per_engaged * engaged
    return engaged, np.full(engaged.shape, np.nan), earned


def per_participant(line: PerParticipant, ledger: OutcomeLedger, months: slice, price: np.ndarray) -> Earned:
    """price x participants reaching the outcome, paying each participant at most N times."""
    counts = ledger.milestones[line.outcome.key][:, : line.max_per_participant, months].sum(axis=1)
    return counts.sum(axis=1), np.full(counts.shape[0], np.nan), (counts * price[months]).sum(axis=1)


PERIODIC_RULES = {"sliding_scale": sliding_scale, "savings_share": savings_share, "fixed_fee": fixed_fee,
                  "per_participant": per_participant}
