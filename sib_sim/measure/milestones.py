"""Participant milestones: how many participants reach an outcome for the j-th time, by month.

The j-th time matters for rate cards that pay at most N times per participant: paying the first N
occurrences is summing the first N rows, with no per-participant data kept. Model milestones
(scenario `milestones:`) happen at most once each; their matched comparison members are counted too,
for contracts that pay on the difference.
"""

from __future__ import annotations

import numpy as np

from ..kinds.thresholds import reaches
from ..model import CohortLog
from ..scenario import Scenario
from ..scenario.contract import ParticipantOutcome


def max_occurrences(scenario: Scenario) -> int:
    """Follow-up Stars a participant can have: the programme's longest length over the interval.
    (Other outcomes happen once per participant; the rows after the first are then zero.)"""
    service = scenario.service
    return max(int(np.floor(service.support_months_max / service.assessment_interval_months)), 1)


def milestone_series(outcome: ParticipantOutcome, log: CohortLog, recorded: np.ndarray, occurrences: int,
                     who: np.ndarray | None = None) -> np.ndarray:
    """(occurrences, horizon) participants reaching `outcome` for the j-th time in each month.

    `who` (a boolean mask over participants) restricts the count to some of them (an area's)."""
    horizon = log.horizon_months
    months, nth, row = _events(outcome, log, recorded)
    keep = (months >= 0) & (months < horizon) & (nth < occurrences)
    if who is not None:
        keep &= who[row]
    flat = nth[keep] * horizon + np.floor(months[keep]).astype(int)
    return np.bincount(flat, minlength=occurrences * horizon).reshape(occurrences, horizon).astype(float)


# Columns of a participant-event table (measure.ledger.OutcomeLedger.participant_events).
EVENT_COLUMNS = ("replication", "participant", "occurrence", "month", "area")


def milestone_events(outcome: ParticipantOutcome, log: CohortLog, recorded: np.ndarray,
                     occurrences: int) -> np.ndarray:
    """(k, 5) int32 table of who reached `outcome` and when (EVENT_COLUMNS; replication 0), in the
    same months and occurrences as milestone_series counts, for a per-participant cap across lines.
    `participant` indexes the cohort's participants; `area` is the participant's area (0 with one)."""
    months, nth, row = _events(outcome, log, recorded)
    keep = (months >= 0) & (months < log.horizon_months) & (nth < occurrences)
    area_of = log.referral_area[log.participants]
    table = np.zeros((int(keep.sum()), len(EVENT_COLUMNS)), dtype=np.int32)
    table[:, 1], table[:, 2] = row[keep], nth[keep]
    table[:, 3], table[:, 4] = np.floor(months[keep]), area_of[row[keep]]
    return table


def comparison_milestone_series(outcome: ParticipantOutcome, log: CohortLog,
                                who: np.ndarray | None = None) -> np.ndarray:
    """(horizon,) matched comparison members (one per participant, starting in the same month)
    reaching a model milestone at its baseline rate, by month."""
    horizon = log.horizon_months
    months = log.milestones.comparison[:, log.milestones.column(str(outcome.milestone))]
    keep = ~np.isnan(months) & (months < horizon)
    if who is not None:
        keep &= who
    return np.bincount(np.floor(months[keep]).astype(int), minlength=horizon).astype(float)


def _events(outcome: ParticipantOutcome, log: CohortLog,
            recorded: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Months of each achievement, which time it is for the participant (0 = first), and whose."""
    f = log.flow
    p = log.participants
    start, end = f.start_month[p], f.end_month[p]
    if outcome.measure == "star_change":
        change = recorded[:, 1:] - recorded[:, :1]
        reached = reaches(change, outcome.at_least)
        if outcome.assessment is not None:
            column = outcome.assessment - 1
            mask = np.zeros_like(reached)
            if column < reached.shape[1]:
                mask[:, column] = True
            reached &= mask
        nth = np.cumsum(reached, axis=1) - 1
        rows = np.nonzero(reached)[0]
        return log.star_times[:, 1:][reached], nth[reached], rows
    if outcome.measure == "milestone":
        when = log.milestones.participant[:, log.milestones.column(str(outcome.milestone))]
    elif outcome.measure == "engaged":
        when = start
    elif outcome.measure == "completed":
        when = np.where(f.completed[p], end, np.nan)
    else:  # in_support for at least `at_least` months
        when = np.where(reaches(end - start, outcome.at_least), start + outcome.at_least, np.nan)
    rows = np.flatnonzero(~np.isnan(when))
    return when[rows], np.zeros(rows.size, dtype=int), rows
