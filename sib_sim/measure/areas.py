"""Measured series by area (scenario `cohort.areas`): each area's referrals and participants alone.

Each area's commissioner pays for its own participants, so the contract needs the same counts the
evaluator makes for the whole cohort, restricted to one area at a time.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..model import CohortLog
from ..scenario import Scenario
from .definitions import OutcomeDefinitions
from .flow_series import flow_series
from .ledger import AREA_SERIES
from .milestones import comparison_milestone_series, milestone_series
from .stars import star_series


def area_mask_log(log: CohortLog, referrals: np.ndarray) -> CohortLog:
    """The log with every referral outside `referrals` (a boolean mask) erased from the flow."""
    f = log.flow
    gone = ~referrals

    def erase(months: np.ndarray) -> np.ndarray:
        return np.where(gone, np.nan, months)

    flow = replace(f, referral_month=erase(f.referral_month), ready_month=erase(f.ready_month),
                   start_month=erase(f.start_month), end_month=erase(f.end_month),
                   gave_up_month=erase(f.gave_up_month), completed=f.completed & referrals,
                   gave_up=f.gave_up & referrals)
    return replace(log, flow=flow)


def measure_by_area(log: CohortLog, scenario: Scenario, recorded: np.ndarray, definitions: OutcomeDefinitions,
                    occurrences: int) -> dict[str, object]:
    """Ledger fields by area (each array with a leading replication axis of 1); empty with one area."""
    ids = scenario.cohort.area_ids
    if len(ids) < 2:
        return {}
    area = log.referral_area
    by_area, milestones, comparison = {}, {}, {}
    for index, name in enumerate(ids):
        referrals = area == index
        who = referrals[log.participants]
        series = flow_series(area_mask_log(log, referrals))
        if recorded.shape[1] > 0:
            followups, change_sum = star_series(replace(log, star_times=log.star_times[who]), recorded[who],
                                                log.horizon_months)
        else:
            followups = change_sum = np.zeros(log.horizon_months)
        series |= {"star_followups": followups, "star_change_sum": change_sum}
        by_area[name] = {k: np.asarray(series[k], dtype=float)[None, :] for k in AREA_SERIES}
        milestones[name] = {m.key: milestone_series(m, log, recorded, occurrences, who)[None]
                            for m in definitions.milestones}
        comparison[name] = {m.key: comparison_milestone_series(m, log, who)[None]
                            for m in definitions.milestones if m.milestone is not None}
    return {"areas": ids, "by_area": by_area, "area_milestones": milestones,
            "area_comparison_milestones": comparison}
