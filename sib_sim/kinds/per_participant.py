"""per_participant: a rate-card line, price x participants achieving a binary outcome, at most N
times each (Fair Chance Fund, Youth Engagement Fund, DWP Innovation Fund, Life Chances Fund)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from ..lazy_numpy import np
from pydantic import Field, model_validator

from ..fields import FieldError, Identifier, Section
from .claims import (Earned, Kind, Ledger, Observed, PendingClaim, Row, active_months, periodic_claims, price_by_month,
                     require_section)
from .lines import LineBase, Price, scale_dated


class ParticipantOutcome(Section):
    """A binary outcome for one participant, and when it is achieved.

    - star_change: the recorded Star total is up by at least `at_least` points since the first Star,
      at follow-up assessment `assessment` (1 = the first follow-up), or at any follow-up if omitted;
    - engaged: a first appointment; completed: the full programme;
    - in_support: still in support `at_least` months after the first appointment;
    - milestone: reached the milestone `milestone` of the scenario's `milestones:` section.
    """

    measure: Literal["star_change", "engaged", "completed", "in_support", "milestone"]
    at_least: float = 0.0
    assessment: int | None = Field(default=None, ge=1)
    milestone: Identifier | None = None

    @model_validator(mode="after")
    def _fits_measure(self) -> "ParticipantOutcome":
        if self.assessment is not None and self.measure != "star_change":
            raise FieldError(("assessment",), "assessment applies only to measure star_change")
        if self.measure == "in_support" and self.at_least <= 0:
            raise FieldError(("at_least",), "in_support needs at_least > 0 (months)")
        if (self.milestone is None) == (self.measure == "milestone"):
            raise FieldError(("milestone",), "measure milestone needs `milestone: <id>`, and only it takes one")
        if self.at_least != 0.0 and self.measure not in ("star_change", "in_support"):
            # engaged, completed and milestone are reached or not: a threshold there would be ignored
            # (by value, not by whether the key was written: a re-validated scenario carries defaults)
            raise FieldError(("at_least",), f"at_least does not apply to measure {self.measure} (only to "
                             "star_change, in points, and in_support, in months)")
        return self

    @property
    def key(self) -> str:
        if self.milestone is not None:
            return f"milestone:{self.milestone}"
        where = "any" if self.assessment is None else str(self.assessment)
        return f"{self.measure}>={self.at_least:g}@{where}"


class PerParticipant(LineBase):
    """A rate-card line: price x participants achieving a binary outcome, at most N times each.

    With `net_of_comparison`, it pays on the difference: price x (participants reaching a model
    milestone - matched comparison members reaching it at the baseline rate), per claim period,
    floored at zero (contracts that pay only for outcomes above what would have happened anyway).
    """

    kind: Literal["per_participant"]
    outcome: ParticipantOutcome
    price: Price
    max_per_participant: int = Field(default=1, ge=1)
    net_of_comparison: bool = False

    @model_validator(mode="after")
    def _net_needs_a_milestone(self) -> "PerParticipant":
        if self.net_of_comparison and self.outcome.measure != "milestone":
            raise FieldError(("net_of_comparison",), "net_of_comparison needs an outcome with measure milestone "
                             "(only model milestones have a comparison group's baseline rate)")
        if self.net_of_comparison and self.max_per_participant != 1:
            raise FieldError(("max_per_participant",), "a line net of comparison pays each participant once")
        return self


def _earn(line: PerParticipant, ledger: Ledger, months: slice, price: np.ndarray,
          active: np.ndarray) -> Earned:
    """price x participants reaching the outcome, paying each participant at most N times (the
    ledger counts the j-th occurrences separately, so the first N rows are the ones paid)."""
    counts = ledger.milestones[line.outcome.key][:, : line.max_per_participant, months].sum(axis=1)
    if not line.net_of_comparison:
        return counts.sum(axis=1), np.full(counts.shape[0], np.nan), (counts * price[months]).sum(axis=1)
    net = counts - ledger.comparison_milestones[line.outcome.key][:, months]
    return net.sum(axis=1), np.full(counts.shape[0], np.nan), np.maximum((net * price[months]).sum(axis=1), 0.0)


def price_per_event(line: PerParticipant, horizon_months: int) -> np.ndarray:
    """(horizon,) what the line pays for one participant reaching its outcome in each month: the price
    in force, zero inside suspension windows (the amount a per-participant cap weighs per event)."""
    return price_by_month(line.price, horizon_months) * active_months(line, horizon_months)


def claims(line: PerParticipant, ledger: Ledger) -> list[PendingClaim]:
    return periodic_claims(line, ledger, line.price, _earn)


def series(line: PerParticipant) -> tuple[str, ...]:
    return ()


def needs(line: PerParticipant) -> tuple[ParticipantOutcome, ...]:
    return (line.outcome,)


def entries(line: PerParticipant) -> tuple[str, ...]:
    return (f"participants reaching {line.outcome.key}",)


def add_observed(ledger: Ledger, line: PerParticipant, rows: Sequence[Row], where: Callable[[Row], str]) -> None:
    """count = participants achieving the outcome in the month (occurrences the contract pays);
    comparison (lines net of comparison) = comparison members reaching it in the month."""
    for row in rows:
        ledger.milestones[line.outcome.key][0, 0, row.month] += row.count
        if line.net_of_comparison:
            ledger.comparison_milestones[line.outcome.key][0, row.month] += row.comparison or 0.0


def takes_comparison(line: PerParticipant) -> bool:
    return line.net_of_comparison


def check(line: PerParticipant, scenario) -> None:
    if line.outcome.measure == "star_change":
        require_section(scenario, "wellbeing", "Well-being Stars", ("outcome", "measure"))
    if line.outcome.milestone is not None:
        known = [m.id for m in scenario.milestones]
        if line.outcome.milestone not in known:
            raise FieldError(("outcome", "milestone"), f"unknown milestone {line.outcome.milestone!r}; "
                             f"known (the `milestones:` section): {known or 'none'}")


def scaled(line: PerParticipant, k: float) -> PerParticipant:
    return line.model_copy(update={"price": scale_dated(line.price, k, "amount")})


KIND = Kind("per_participant", PerParticipant, claims, series, needs, entries, add_observed, scaled,
            Observed(comparison=takes_comparison), check=check)
