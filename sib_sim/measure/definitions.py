"""Which participant-level outcomes the evaluator must count, as asked by one or more contracts.

Counting "participants whose Star is up 3 points at the second follow-up" or "hospital cost of
participants who started in months 0-24, over their first 12 months" needs per-participant data,
which is not kept across replications. So the evaluator counts, per replication, exactly what the
contracts to be priced ask for; `compare` gathers the definitions of every variant first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..scenario.contract import CohortThreshold, Contract, ParticipantOutcome, PerParticipant


@dataclass(frozen=True)
class CohortMeasure:
    """Participants starting in [start_from, start_to), followed for `follow_up_months` each."""

    start_from: float
    start_to: float
    follow_up_months: float
    measure: str  # "cost" or a hospital line id (counts)

    @property
    def key(self) -> str:
        return f"{self.measure}:{self.start_from:g}-{self.start_to:g}+{self.follow_up_months:g}"


@dataclass(frozen=True)
class OutcomeDefinitions:
    milestones: tuple[ParticipantOutcome, ...] = ()
    cohorts: tuple[CohortMeasure, ...] = ()

    def keys(self) -> set[str]:
        return {m.key for m in self.milestones} | {c.key for c in self.cohorts}


def cohort_measures(line: CohortThreshold) -> list[CohortMeasure]:
    """The cohorts a threshold line tests, plus the pooled cohort (all of them) if it has one."""
    measures = [CohortMeasure(c.start_from, c.start_to, line.follow_up_months, line.measure) for c in line.cohorts]
    if line.pooled is not None:
        measures.append(CohortMeasure(min(c.start_from for c in line.cohorts), max(c.start_to for c in line.cohorts),
                                      line.follow_up_months, line.measure))
    return measures


def definitions_for(contracts: Iterable[Contract]) -> OutcomeDefinitions:
    milestones: dict[str, ParticipantOutcome] = {}
    cohorts: dict[str, CohortMeasure] = {}
    for contract in contracts:
        for line in contract.outcomes:
            if isinstance(line, PerParticipant):
                milestones.setdefault(line.outcome.key, line.outcome)
            elif isinstance(line, CohortThreshold):
                for measure in cohort_measures(line):
                    cohorts.setdefault(measure.key, measure)
    return OutcomeDefinitions(tuple(milestones[k] for k in sorted(milestones)),
                              tuple(cohorts[k] for k in sorted(cohorts)))
