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


class ParticipantCap(Section):
    """At most `amount` paid for any one participant over the rate-card lines (rate-card contracts
    say so: "no more than GBP X per participant"). It applies to `lines` (default: every
    per_participant line not paid net of the comparison group, the lines that pay for a named
    participant), claim by claim in the order claims are made. Claims made in the same month are
    paid in the contract's order of lines, except that `cut_first` lines go last, the first one
    named last of all: it is the line that is cut first when the cap binds."""

    amount: Money
    lines: list[Identifier] | None = None
    cut_first: list[Identifier] = Field(default_factory=list)


class Contract(Section):
    cap: Money | None = None
    payers: list[Payer] = Field(min_length=1)
    outcomes: list[OutcomeLine] = Field(min_length=1)
    areas: list[AreaPayers] = Field(default_factory=list)
    participant_cap: ParticipantCap | None = None

    def splits(self, line: LineBase) -> list[LineBase | AreaPayers]:
        """Who pays a line's claims: the line's own payers, or each area's on a by_area line."""
        return list(self.areas) if line.by_area else [line]

    def payers_of(self, line: LineBase) -> set[str]:
        """Every payer that can pay part of a line's claims, overflow payers included."""
        return {share.payer for split in self.splits(line) for share in split.payers} | \
            {split.overflow_to for split in self.splits(line) if split.overflow_to}

    @property
    def participant_capped(self) -> tuple[str, ...]:
        """The ids of the lines under the per-participant cap (none without one)."""
        cap = self.participant_cap
        if cap is None:
            return ()
        if cap.lines is not None:
            return tuple(cap.lines)
        return tuple(o.id for o in self.outcomes if o.kind == "per_participant" and not o.net_of_comparison)

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
        if self.participant_cap is not None:
            _check_participant_cap(self.participant_cap, self.outcomes)
        return self


def _check_participant_cap(cap: ParticipantCap, outcomes: list) -> None:
    """The capped lines pay per named participant: per_participant lines, not net of comparison."""
    lines = {o.id: o for o in outcomes}
    named = cap.lines if cap.lines is not None else [o.id for o in outcomes if o.kind == "per_participant"
                                                     and not o.net_of_comparison]
    for i, line_id in enumerate(cap.lines or []):
        where = ("participant_cap", "lines", i)
        if line_id not in lines:
            raise FieldError(where, f"unknown outcome line {line_id!r}; known: {list(lines)}")
        line = lines[line_id]
        if line.kind != "per_participant" or line.net_of_comparison:
            raise FieldError(where, f"line {line_id!r} does not pay per named participant ({line.kind}"
                             f"{', net of comparison' if line.kind == 'per_participant' else ''}): only "
                             "per_participant lines not net of comparison take a per-participant cap")
    if cap.lines is not None and len(set(cap.lines)) != len(cap.lines):
        raise FieldError(("participant_cap", "lines"), "each line is named once")
    if not named:
        raise FieldError(("participant_cap",), "no line to cap: the contract has no per_participant line "
                         "(other than lines net of comparison)")
    for i, line_id in enumerate(cap.cut_first):
        if line_id not in named:
            raise FieldError(("participant_cap", "cut_first", i), f"{line_id!r} is not a line under the "
                             f"per-participant cap ({', '.join(named)})")
    if len(set(cap.cut_first)) != len(cap.cut_first):
        raise FieldError(("participant_cap", "cut_first"), "each line is named once")


def _check_payers(where: tuple[str | int, ...], payers: list[PayerShare], overflow_to: str | None,
                  payer_ids: list[str]) -> None:
    """Every payer a split names (and its overflow payer) is one of the contract's payers."""
    for j, share in enumerate(payers):
        if share.payer not in payer_ids:
            raise FieldError(where + ("payers", j, "payer"), f"unknown payer {share.payer!r}; known: {payer_ids}")
    if overflow_to is not None and overflow_to not in payer_ids:
        raise FieldError(where + ("overflow_to",), f"unknown payer {overflow_to!r}; known: {payer_ids}")


__all__ = ["AreaPayers", "Claim", "CohortThreshold", "CohortWindow", "Contract", "DatedPrice", "FixedFee", "LineBase",
           "OutcomeLine", "ParticipantCap", "ParticipantOutcome", "Payer", "PayerShare", "PerParticipant", "Pooled", "Price",
           "SavingsShare", "SlidingScale", "Tier"]
