"""OutcomeLedger: what the evaluator observes, as monthly series stacked over replications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Monthly series every ledger carries (each array has shape (n_replications, horizon_months)).
SERIES = (
    "referrals",  # new referrals
    "engaged",  # first appointments (start of support)
    "completed",  # left having had the full programme
    "disengaged",  # left early
    "gave_up",  # left the waiting list before a first appointment
    "in_service",  # participants in support at mid-month
    "waiting",  # on the waiting list at mid-month
    "capacity",  # caseload slots
    "link_worker_fte",  # posts in this replication's staffing (finance costs them)
    "star_followups",  # recorded follow-up Stars (a Star after the first, with a recorded first)
    "star_change_sum",  # sum over those Stars of (total now - first total), recorded scores
    "hospital_patient_months",  # participants under hospital follow-up
    "hospital_treated_cost",  # measured participant cost
    "hospital_comparison_cost",  # measured comparison cost, scaled to one comparison per participant
    "hospital_counterfactual_cost",  # true expected participant cost without support (not observed)
    "hospital_expected_cost",  # true expected participant cost with support (not observed)
    # Measurement risk (measure.views): what a perfect evaluator would see, and what this evaluator
    # would measure if support had done nothing. Never observed; the contract pays on the measured
    # series above. The true hospital costs are hospital_expected_cost (participants, no Poisson
    # noise) and hospital_counterfactual_cost (the participants' own cost without support, in place
    # of a comparison cohort: no matching bias, drift, sampling noise or regression-to-the-mean gap).
    "star_followups_true",  # every scheduled follow-up Star, none missed
    "star_change_sum_true",  # sum over those of the true latent change in the total since the first Star
    "star_change_sum_null",  # recorded change sum with no true change: same people, first and missed
    #                          Stars; follow-ups are the baseline plus the measured record's own
    #                          recording noise, rounded
    "hospital_treated_cost_null",  # participants' cost drawn at their counterfactual rates (each
    #                                count from the same uniform as the measured one), no support effect
)

# Per-replication scalars.
SCALARS = (
    "star_change_mean",  # recorded: mean over patients of latest - first total
    "star_change_true_mean",  # true latent change over the same patients and times
    "share_with_followup",  # participants with at least one recorded follow-up Star
)

# Series that ledger.by_area holds for each area (the flow and recorded Stars of its participants).
AREA_SERIES = ("referrals", "engaged", "completed", "disengaged", "gave_up", "in_service", "waiting",
               "star_followups", "star_change_sum")

STAR_CHANGE_BINS = np.arange(-72, 73)  # possible changes in a total of 8 areas scored 1-10


@dataclass(frozen=True)
class OutcomeLedger:
    """What was measured, stacked over replications.

    `milestones[key]` (n, occurrences, horizon): participants reaching a participant outcome for the
    j-th time by month; `comparison_milestones[key]` (n, horizon): for model milestones
    (`milestone:<id>`), members of the matched comparison group (one per participant, same start
    month) reaching it at the baseline rate; `cohorts[key]` (n, 3): participants, their cost (or
    count) and the comparison cohort's, over each participant's follow-up. Keys come from
    measure.definitions.

    With two or more areas (`cohort.areas`), `areas` names them and `by_area[area]` holds the flow
    and Star series of AREA_SERIES restricted to that area's referrals and participants,
    `area_milestones[area][key]` and `area_comparison_milestones[area][key]` the milestones likewise
    (all empty with one area). `participant_events` is filled only when a contract has a
    per-participant cap across lines: it is the one per-participant record the ledger keeps (a few
    integers per paid event), because the cap needs to know whose outcome each payment is for. Hospital use is modelled for the cohort as a whole, so it has no
    by-area series.
    """

    series: dict[str, np.ndarray]
    scalars: dict[str, np.ndarray]
    star_change_histogram: np.ndarray  # (n_replications, len(STAR_CHANGE_BINS)) patients by change
    milestones: dict[str, np.ndarray] = field(default_factory=dict)
    cohorts: dict[str, np.ndarray] = field(default_factory=dict)
    parameters: dict[str, np.ndarray] = field(default_factory=dict)  # (n,) uncertain parameter values used
    comparison_milestones: dict[str, np.ndarray] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    by_area: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    area_milestones: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    area_comparison_milestones: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    # Only for a per-participant cap: participant_events[key] is a (k, 5) int32 table of who reached a
    # participant outcome and when (measure.milestones.EVENT_COLUMNS: replication, participant within
    # it, occurrence, month, area index), each table sorted by month.
    participant_events: dict[str, np.ndarray] = field(default_factory=dict)
    # Optional scenario sections that were modelled: without one, its series are zero and the metrics
    # that need it are left out (not NaN).
    modelled: tuple[str, ...] = ("wellbeing", "hospital")

    @property
    def n_replications(self) -> int:
        return self.star_change_histogram.shape[0]

    @property
    def horizon_months(self) -> int:
        return self.series["referrals"].shape[1]


def stack_ledgers(ledgers: Sequence[OutcomeLedger]) -> OutcomeLedger:
    """Join ledgers of different replications along the replication axis."""
    first = ledgers[0]
    if any(x.areas != first.areas for x in ledgers):
        raise ValueError("ledgers with different areas cannot be stacked")
    return OutcomeLedger(
        series=_join([x.series for x in ledgers]),
        scalars=_join([x.scalars for x in ledgers]),
        star_change_histogram=np.concatenate([x.star_change_histogram for x in ledgers]),
        milestones=_join([x.milestones for x in ledgers]),
        cohorts=_join([x.cohorts for x in ledgers]),
        parameters=_join([x.parameters for x in ledgers]),
        comparison_milestones=_join([x.comparison_milestones for x in ledgers]),
        participant_events=_join_events(ledgers),
        areas=first.areas,
        modelled=first.modelled,
        by_area={a: _join([x.by_area[a] for x in ledgers]) for a in first.by_area},
        area_milestones={a: _join([x.area_milestones[a] for x in ledgers]) for a in first.area_milestones},
        area_comparison_milestones={a: _join([x.area_comparison_milestones[a] for x in ledgers])
                                    for a in first.area_comparison_milestones},
    )


def _join(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([x[k] for x in parts]) for k in parts[0]}


def _join_events(ledgers: Sequence[OutcomeLedger]) -> dict[str, np.ndarray]:
    """Event tables joined, each replication numbered after those of the ledgers before it."""
    out: dict[str, np.ndarray] = {}
    for key in ledgers[0].participant_events:
        parts, offset = [], 0
        for x in ledgers:
            table = x.participant_events[key].copy()
            table[:, 0] += offset
            parts.append(table)
            offset += x.n_replications
        joined = np.concatenate(parts)
        out[key] = joined[np.argsort(joined[:, 3], kind="stable")]
    return out
