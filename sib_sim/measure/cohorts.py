"""Cohort totals for threshold contracts: participants, their hospital use and the comparison's.

Participants are grouped by the month they started; each is followed for the cohort's follow-up
months from their start month. Windows on whole months are exact; others round to whole months.
"""

from __future__ import annotations

import numpy as np

from ..model import CohortLog
from ..model.hospital import line_arrays
from ..scenario import Scenario
from .definitions import CohortMeasure


def cohort_row(measure: CohortMeasure, log: CohortLog, scenario: Scenario,
               comparison_by_start: np.ndarray) -> np.ndarray:
    """[participants, participants' total, comparison total] for one cohort measure."""
    horizon = log.horizon_months
    start = np.floor(log.flow.start_month[log.participants])
    in_window = (start >= measure.start_from) & (start < measure.start_to)
    s = np.arange(horizon)
    m = np.arange(horizon)[:, None]
    window = (m >= s) & (m < s + measure.follow_up_months) & (s >= measure.start_from) & (s < measure.start_to)
    weights = _line_weights(measure.measure, scenario)
    treated = np.einsum("mls,ms,l->", log.hospital.by_start, window, weights)
    comparison = np.einsum("mls,ms,l->", comparison_by_start, window, weights)
    return np.array([in_window.sum(), treated, comparison], dtype=float)


def _line_weights(measure: str, scenario: Scenario) -> np.ndarray:
    """Unit costs for `cost`; otherwise 1 for the named line (a count of its events)."""
    _, unit_cost, _ = line_arrays(scenario)
    if measure == "cost":
        return unit_cost
    return np.array([1.0 if line.id == measure else 0.0 for line in scenario.hospital.lines])
