"""The contract: payers with their caps, the outcome lines (sib_sim.kinds), and a cap on the whole contract."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..fields import FieldError, Identifier, Money, Section
from ..kinds.lines import check_shares
from ..kinds import (Claim, CohortThreshold, CohortWindow, DatedPrice, FixedFee, LineBase, OutcomeLine,
                     ParticipantOutcome, PayerShare, PerParticipant, Pooled, Price, SavingsShare, SlidingScale, Tier)


class Payer(Section):
    id: Identifier
    name: str = ""
    cap: Money | None = None


class AreaPayers(Section):
    """Who pays for one area's participants on lines with `by_area: true` (contracts let jointly by
    several councils or CCGs: each pays for its own participants, with its own cap and top-up share)."""

    area: Identifier
    payers: list[PayerShare] = Field(min_length=1)
    overflow_to: Identifier | None = None

    @model_validator(mode="after")
    def _shares(self) -> "AreaPayers":
        check_shares(self.payers)
        return self


class Contract(Section):
    cap: Money | None = None
    payers: list[Payer] = Field(min_length=1)
    outcomes: list[OutcomeLine] = Field(min_length=1)
    areas: list[AreaPayers] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> "Contract":
        payer_ids = [p.id for p in self.payers]
        if len(set(payer_ids)) != len(payer_ids):
            raise FieldError(("payers",), "payer ids must be unique")
        line_ids = [o.id for o in self.outcomes]
        if len(set(line_ids)) != len(line_ids):
            raise FieldError(("outcomes",), "outcome ids must be unique")
        for i, line in enumerate(self.outcomes):
            _check_payers(("outcomes", i), line.payers, line.overflow_to, payer_ids)
            if line.by_area and not self.areas:
                raise FieldError(("outcomes", i, "by_area"), "by_area needs contract.areas: who pays for each area")
        for i, area in enumerate(self.areas):
            _check_payers(("areas", i), area.payers, area.overflow_to, payer_ids)
        if len({a.area for a in self.areas}) != len(self.areas):
            raise FieldError(("areas",), "each area is named once")
        return self


def _check_payers(where: tuple[str | int, ...], payers: list[PayerShare], overflow_to: str | None,
                  payer_ids: list[str]) -> None:
    """Every payer a split names (and its overflow payer) is one of the contract's payers."""
    for j, share in enumerate(payers):
        if share.payer not in payer_ids:
            raise FieldError(where + ("payers", j, "payer"), f"unknown payer {share.payer!r}; known: {payer_ids}")
    if overflow_to is not None and overflow_to not in payer_ids:
        raise FieldError(where + ("overflow_to",), f"unknown payer {overflow_to!r}; known: {payer_ids}")


__all__ = ["AreaPayers", "Claim", "CohortThreshold", "CohortWindow", "Contract", "DatedPrice", "FixedFee", "LineBase",
           "OutcomeLine", "ParticipantOutcome", "Payer", "PayerShare", "PerParticipant", "Pooled", "Price",
           "SavingsShare", "SlidingScale", "Tier"]
