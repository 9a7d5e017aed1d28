"""Monthly counts of the patient flow: referrals, starts, exits, caseload and waiting list."""

from __future__ import annotations

import numpy as np

from ..model import CohortLog


def count_by_month(months: np.ndarray, horizon: int) -> np.ndarray:
    months = months[~np.isnan(months)]
    index = np.floor(months).astype(int)
    index = index[(index >= 0) & (index < horizon)]
    return np.bincount(index, minlength=horizon).astype(float)


def occupancy_at_mid_month(entry: np.ndarray, leave: np.ndarray, horizon: int) -> np.ndarray:
    """How many intervals [entry, leave) contain each month's mid-point (NaN entry: never)."""
    mids = np.arange(horizon) + 0.5
    ok = ~np.isnan(entry)
    entries = np.searchsorted(np.sort(entry[ok]), mids, side="right")
    leaves = np.searchsorted(np.sort(np.nan_to_num(leave[ok], nan=np.inf)), mids, side="right")
    return (entries - leaves).astype(float)


def flow_series(log: CohortLog) -> dict[str, np.ndarray]:
    f, horizon = log.flow, log.horizon_months
    started = ~np.isnan(f.start_month)
    # The wait ends at the first appointment or on giving up; still waiting at the horizon: never.
    wait_end = np.where(started, f.start_month, f.gave_up_month)
    return {
        "referrals": count_by_month(f.referral_month, horizon),
        "engaged": count_by_month(f.start_month, horizon),
        "completed": count_by_month(np.where(f.completed, f.end_month, np.nan), horizon),
        "disengaged": count_by_month(np.where(started & ~f.completed, f.end_month, np.nan), horizon),
        "gave_up": count_by_month(f.gave_up_month, horizon),
        "in_service": occupancy_at_mid_month(f.start_month, f.end_month, horizon),
        "waiting": occupancy_at_mid_month(f.ready_month, wait_end, horizon),
        "capacity": log.capacity.copy(),
        "link_worker_fte": log.fte.copy(),
    }
