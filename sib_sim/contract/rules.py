"""One small function per rule kind: what a line earns for one claim period, before caps.

Each returns (count, value, earned), arrays over replications. `series` are the ledger's monthly
series (n_replications, horizon); `months` is the slice of the claim period.
"""

from __future__ import annotations

import numpy as np

from ..scenario.contract import FixedFee, SavingsShare, SlidingScale

Earned = tuple[np.ndarray, np.ndarray, np.ndarray]
AVERAGE_SUMS = {"star_change": ("star_change_sum", "star_followups")}


def sliding_scale(line: SlidingScale, series: dict[str, np.ndarray], months: slice, price: np.ndarray) -> Earned:
    """price x count x fraction, the fraction read off the scale at the period's cohort average."""
    total_name, count_name = AVERAGE_SUMS[line.average]
    with np.errstate(invalid="ignore", divide="ignore"):
        average = series[total_name][:, months].sum(axis=1) / series[count_name][:, months].sum(axis=1)
    xs = np.array([x for x, _ in line.points])
    fs = np.array([f for _, f in line.points])
    fraction = np.where(np.isnan(average), 0.0, np.interp(np.nan_to_num(average), xs, fs))
    counts = series[line.count][:, months]
    return counts.sum(axis=1), average, (counts * price[months]).sum(axis=1) * fraction


def savings_share(line: SavingsShare, series: dict[str, np.ndarray], months: slice, price: np.ndarray) -> Earned:
    """share x (comparison - treated) over the period's patient-months, floored at zero."""
    patient_months = series["hospital_patient_months"][:, months].sum(axis=1)
    saving = (series["hospital_comparison_cost"][:, months].sum(axis=1)
              - series["hospital_treated_cost"][:, months].sum(axis=1))
    return patient_months, saving, line.share * np.maximum(saving, 0.0)


def fixed_fee(line: FixedFee, series: dict[str, np.ndarray], months: slice, price: np.ndarray) -> Earned:
    engaged = series["engaged"][:, months].sum(axis=1)
    earned = line.per_period + line.per_engaged * engaged
    return engaged, np.full(engaged.shape, np.nan), earned


RULES = {"sliding_scale": sliding_scale, "savings_share": savings_share, "fixed_fee": fixed_fee}
