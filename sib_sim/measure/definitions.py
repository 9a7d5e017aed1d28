"""Which participant-level outcomes the evaluator must count, as asked by one or more contracts.

Counting "participants whose Star is up 3 points at the second follow-up" or "hospital cost of
participants who started in months 0-24, over their first 12 months" needs per-participant data,
which is not kept across replications. So the evaluator counts, per replication, exactly what the
contracts to be priced ask for; `compare` gathers the definitions of every variant first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..kinds import KINDS, CohortMeasure, ParticipantOutcome, cohort_measures
from ..scenario.contract import Contract


@dataclass(frozen=True)
class OutcomeDefinitions:
    milestones: tuple[ParticipantOutcome, ...] = ()
    cohorts: tuple[CohortMeasure, ...] = ()
    # Participant outcomes whose events (who reached it, when) a per-participant cap needs.
    events: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        return {m.key for m in self.milestones} | {c.key for c in self.cohorts}


def definitions_for(contracts: Iterable[Contract]) -> OutcomeDefinitions:
    """What every line of every contract asks the evaluator to count (each kind declares it)."""
    milestones: dict[str, ParticipantOutcome] = {}
    cohorts: dict[str, CohortMeasure] = {}
    events: set[str] = set()
    for contract in contracts:
        capped = set(contract.participant_capped)
        events |= {line.outcome.key for line in contract.outcomes if line.id in capped}
        for line in contract.outcomes:
            for need in KINDS[line.kind].needs(line):
                if isinstance(need, CohortMeasure):
                    cohorts.setdefault(need.key, need)
                else:
                    milestones.setdefault(need.key, need)
    return OutcomeDefinitions(tuple(milestones[k] for k in sorted(milestones)),
                              tuple(cohorts[k] for k in sorted(cohorts)), tuple(sorted(events)))


__all__ = ["CohortMeasure", "OutcomeDefinitions", "cohort_measures", "definitions_for"]
