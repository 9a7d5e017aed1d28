"""The evaluator: from the true world (CohortLog) to what is measured (OutcomeLedger).

The contract pays on what is measured, not on the true effect; the ledger keeps the true values
next to the measured ones so that measurement risk can be reported separately from delivery risk.
"""

from __future__ import annotations

import numpy as np

from ..model import CohortLog
from ..rng import Streams
from ..scenario import Scenario
from .cohorts import cohort_row
from .comparison import comparison_cost
from .flow_series import flow_series
from .definitions import OutcomeDefinitions, definitions_for
from .ledger import SERIES, STAR_CHANGE_BINS, OutcomeLedger, stack_ledgers
from .views import VIEWS, as_measured_by
from .milestones import comparison_milestone_series, max_occurrences, milestone_events, milestone_series
from .areas import measure_by_area
from .stars import (change_histogram, latest_change, null_star_change_sum, record_stars, recording_draws,
                    star_series, true_star_series)


def measure_outcomes(log: CohortLog, scenario: Scenario, streams: Streams,
                     definitions: OutcomeDefinitions | None = None) -> OutcomeLedger:
    """One replication's measured outcomes, as a ledger with a replication axis of length 1.

    `definitions` are the participant-level outcomes to count (default: those the scenario's own
    contract needs; pass the union over variants to re-price one cohort under several contracts).
    Without `wellbeing:` the Star series are zero and the Star scalars absent; without `hospital:`
    the hospital series are zero.
    """
    definitions = definitions_for([scenario.contract]) if definitions is None else definitions
    horizon = log.horizon_months
    series = _zero_series(horizon) | flow_series(log)
    scalars: dict[str, float] = {}
    histogram = np.zeros(STAR_CHANGE_BINS.size)
    recorded = np.zeros((log.participants.size, 0))
    if scenario.wellbeing is not None:
        recorded, series, scalars, histogram = _measure_stars(log, scenario, streams, series)
    comparison_by_start = None
    if scenario.hospital is not None:
        series, comparison_by_start = _measure_hospital(log, scenario, streams, series, bool(definitions.cohorts))
    occurrences = max_occurrences(scenario)
    model_milestones = [m for m in definitions.milestones if m.milestone is not None]
    return OutcomeLedger(
        series={k: np.asarray(series[k], dtype=float)[None, :] for k in SERIES},
        scalars={k: np.array([v]) for k, v in scalars.items()},
        star_change_histogram=histogram[None, :],
        milestones={m.key: milestone_series(m, log, recorded, occurrences)[None] for m in definitions.milestones},
        cohorts={c.key: cohort_row(c, log, scenario, comparison_by_start)[None] for c in definitions.cohorts},
        comparison_milestones={m.key: comparison_milestone_series(m, log)[None] for m in model_milestones},
        participant_events=_events(definitions, log, recorded, occurrences),
        modelled=tuple(name for name in ("wellbeing", "hospital") if getattr(scenario, name) is not None),
        **measure_by_area(log, scenario, recorded, definitions, occurrences),  # type: ignore[arg-type]
    )


def _events(definitions: OutcomeDefinitions, log: CohortLog, recorded: np.ndarray,
            occurrences: int) -> dict[str, np.ndarray]:
    """Who reached each outcome a per-participant cap reads, and when (sorted by month)."""
    wanted = [m for m in definitions.milestones if m.key in definitions.events]
    tables = {m.key: milestone_events(m, log, recorded, occurrences) for m in wanted}
    return {k: t[np.argsort(t[:, 3], kind="stable")] for k, t in tables.items()}


def _zero_series(horizon: int) -> dict[str, np.ndarray]:
    return {k: np.zeros(horizon) for k in SERIES}


def _measure_stars(log: CohortLog, scenario: Scenario, streams: Streams, series: dict[str, np.ndarray]
                   ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, float], np.ndarray]:
    """Recorded Stars (n, K+1), the series with the Star ones added, the Star scalars, the histogram."""
    draws = recording_draws(log, scenario, streams.measurement)
    recorded, true = record_stars(log, scenario, streams.measurement, draws)
    followups, change_sum = star_series(log, recorded, log.horizon_months)
    change, true_change = latest_change(recorded), latest_change(true)
    has = ~np.isnan(change)
    scalars = {
        "star_change_mean": float(change[has].mean()) if has.any() else 0.0,
        "star_change_true_mean": float(true_change[has].mean()) if has.any() else 0.0,
        "share_with_followup": float(has.mean()) if has.size else 0.0,
    }
    series = series | {"star_followups": followups, "star_change_sum": change_sum} \
        | star_risk_series(log, recorded, scenario, draws[0])
    return recorded, series, scalars, change_histogram(change)


def _measure_hospital(log: CohortLog, scenario: Scenario, streams: Streams, series: dict[str, np.ndarray],
                      split: bool) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The series with the hospital ones added, and the comparison counts by start month if `split`."""
    hospital = log.hospital
    comparison, comparison_by_start = comparison_cost(log, scenario, streams.comparison, split=split)
    series = series | {
        "hospital_patient_months": hospital.patient_months,
        "hospital_treated_cost": hospital.cost,
        "hospital_comparison_cost": comparison,
        "hospital_counterfactual_cost": hospital.counterfactual_cost,
        "hospital_expected_cost": hospital.expected_cost,
        "hospital_treated_cost_null": hospital.null_cost,
    }
    return series, comparison_by_start


def star_risk_series(log: CohortLog, recorded: np.ndarray, scenario: Scenario,
                     noise: np.ndarray) -> dict[str, np.ndarray]:
    """The Star series measure.views swaps in: a perfect evaluator's Stars, and the Stars this
    evaluator would record had support done nothing (with the measured record's recording noise,
    `noise` from recording_draws). (The hospital counterpart, hospital_treated_cost_null, is the
    model's null_cost.)"""
    horizon = log.horizon_months
    followups_true, change_sum_true = true_star_series(log, horizon)
    return {
        "star_followups_true": followups_true,
        "star_change_sum_true": change_sum_true,
        "star_change_sum_null": null_star_change_sum(log, recorded, scenario, noise, horizon),
    }


__all__ = ["STAR_CHANGE_BINS", "VIEWS", "OutcomeDefinitions", "OutcomeLedger", "as_measured_by", "definitions_for",
           "measure_outcomes", "stack_ledgers"]
