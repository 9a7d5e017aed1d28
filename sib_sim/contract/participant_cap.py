"""A per-participant cap across lines: at most so much paid for any one participant over all the
rate-card lines under the cap (contract.participant_cap).

Applied claim by claim in the order claims are made, before the line, contract and payer caps: each
participant's part of a claim (the line's price in force for each of their events in the period) is
cut to the room left under their cap, and what the participants' parts add up to goes on to the other
caps. Like them, this cap counts only what is paid: when a later cap cuts the claim, each participant
of it is cut in proportion, and only what was paid for them uses their room. A participant whose
payment a capped payer could not make therefore keeps the room for a later claim that can be paid.
Where no later cap cuts a capped claim, the total is monotone in every price, count and the
participant cap (tests/property/test_participant_cap.py). Where one does, the total can fall when a
count or price rises: the paid part is charged to all the claim's participants, so one of them has
less room for a later claim on another line (worked by hand in that test). It is the shape of the one
exception in caps.py (a line cap with a cap shared across lines): claim by claim, without looking
ahead, no rule can know whose room a later claim will need.

The bookkeeping is per participant, so the ledger carries who reached each outcome and when
(OutcomeLedger.participant_events, filled only when a contract asks for it); the rooms live only
while one contract is applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from ..kinds.per_participant import price_per_event
from ..scenario.contract import Contract, PerParticipant

# Event table columns (measure.milestones.EVENT_COLUMNS).
REPLICATION, PARTICIPANT, OCCURRENCE, MONTH, AREA = range(5)


@dataclass(frozen=True)
class Allotment:
    """One claim's participants (indices into the rooms), what each is paid before later caps, and the
    claim's total per replication after the participant cap."""

    who: np.ndarray
    amount: np.ndarray
    earned: np.ndarray


class ParticipantRooms:
    """What each participant may still be paid under the cap, per (replication, participant)."""

    def __init__(self, contract: Contract, events: dict[str, np.ndarray], n: int) -> None:
        assert contract.participant_cap is not None
        self.capped = set(contract.participant_capped)
        self.n = n
        self.events = events
        # One room per (replication, participant) that reached any outcome, found by a sorted id.
        ids = {key: table[:, REPLICATION].astype(np.int64) * 2**31 + table[:, PARTICIPANT]
               for key, table in events.items()}
        everyone = np.unique(np.concatenate(list(ids.values()) or [np.zeros(0, np.int64)]))
        self.index = {key: np.searchsorted(everyone, value) for key, value in ids.items()}
        self.replication_of = (everyone // 2**31).astype(int)
        self.room = np.full(everyone.size, float(contract.participant_cap.amount))

    @classmethod
    def start(cls, contract: Contract, events: dict[str, np.ndarray], n: int) -> "ParticipantRooms | None":
        if contract.participant_cap is None:
            return None
        lines = {o.id: o for o in contract.outcomes}
        missing = sorted({lines[i].outcome.key for i in contract.participant_capped} - set(events))
        if missing:
            raise UserError("the per-participant cap needs to know whose outcome each payment is for, and the "
                            f"outcomes were counted without participants ({', '.join(missing)}): give the observed "
                            "CSV a `participant` column, or simulate with this contract's definitions "
                            "(sib_sim.measure.definitions_for)", field="contract.participant_cap")
        return cls(contract, events, n)

    def allot(self, line: PerParticipant, period: tuple[float, float], horizon: int,
              area: int | None) -> Allotment:
        """Each participant's part of the line's claim for `period`, cut to their room."""
        table = self.events[line.outcome.key]
        lo, hi = np.searchsorted(table[:, MONTH], [period[0], period[1]], side="left")
        rows = table[lo:hi]
        keep = rows[:, OCCURRENCE] < line.max_per_participant
        if area is not None:
            keep &= rows[:, AREA] == area
        who, inverse = np.unique(self.index[line.outcome.key][lo:hi][keep], return_inverse=True)
        price = price_per_event(line, horizon)[rows[keep, MONTH]]
        wanted = np.bincount(inverse, weights=price, minlength=who.size)
        amount = np.minimum(wanted, self.room[who])
        earned = np.bincount(self.replication_of[who], weights=amount, minlength=self.n)
        return Allotment(who, amount, earned)

    def spend(self, allotment: Allotment, paid: np.ndarray) -> None:
        """Use each participant's room by what was paid for them: their part, cut in proportion when
        the line, contract or payer caps cut the claim."""
        earned = allotment.earned
        ratio = np.divide(paid, earned, out=np.zeros(self.n), where=earned > 0)
        ratio = np.clip(ratio, 0.0, 1.0)
        spent = allotment.amount * ratio[self.replication_of[allotment.who]]
        self.room[allotment.who] = np.maximum(self.room[allotment.who] - spent, 0.0)
