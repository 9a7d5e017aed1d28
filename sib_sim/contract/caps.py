"""Caps and payer splits, applied claim by claim in the order claims are made.

How one claim is paid. The claim's earned amount E is split between its payers by their shares; a
payer pays its share up to the room left under its own cap, and a payer that hits its cap passes the
rest of its share to the line's `overflow_to` payer (a top-up fund running out, the commissioner
picking up the rest). What the payers can pay for a claim of size t is therefore

    pay(t) = sum_i min(s_i t, R_i)                               (no overflow payer)
    pay(t) = min(t, sum_i min(s_i t, R_i) + R_o)                 (overflow to payer o)

which rises with t. The line cap and the contract cap bound what is paid: the claim is cut to the
largest level t <= E whose payer split fits under the room K left by both (pay(t) <= K), and that
level is then split between the payers. Caps count only what is paid: a capped payer's unpaid share
uses no room under the line and contract caps (tests/golden/17 and 18).

Cutting the claim *before* splitting it, by a common level, keeps every payer's part of a claim
rising with E; so the total paid over the contract never falls when a price, share, count or cap
rises (tests/property/test_payments_monotone.py), with one exception no claim-by-claim rule with
fixed payer shares can avoid: a line cap, and a capped payer that also pays another line. A higher
price then brings the capped line's claims forward, to months when that payer still has room; the
line's total is the same (its cap), but more of it comes from that payer, whose room another line
then lacks (tests/golden/19 works a case by hand). One payer's part can also fall when another's
claim takes a shared cap: that is expected.

Cuts are recorded at the level that made them: E - t goes to the line or the contract cap (the
tighter of the two), and a payer's share that neither it nor the overflow payer could pay goes to
that payer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.contract import AreaPayers, Contract, LineBase, PayerShare
from .records import CapCut

# Float dust below this (in money) is not reported as a cut.
CUT_DUST = 1e-9


@dataclass
class CapState:
    """Amounts still available under each cap, per replication (mutable while one contract runs)."""

    contract: np.ndarray
    lines: dict[str, np.ndarray]
    payers: dict[str, np.ndarray]
    cuts: list[CapCut] = field(default_factory=list)

    @classmethod
    def start(cls, contract: Contract, n: int) -> "CapState":
        def room(cap: float | None) -> np.ndarray:
            return np.full(n, np.inf if cap is None else float(cap))

        return cls(room(contract.cap), {o.id: room(o.cap) for o in contract.outcomes},
                   {p.id: room(p.cap) for p in contract.payers})

    def cut(self, line: LineBase, period: tuple[float, float], level: str, payer: str | None,
             amount: np.ndarray) -> None:
        if np.any(amount > CUT_DUST):
            self.cuts.append(CapCut(line.id, period[0], period[1], level, payer, np.maximum(amount, 0.0)))

    def apply(self, line: LineBase, period: tuple[float, float], earned: np.ndarray,
              payer_order: list[str], split: AreaPayers | None = None) -> np.ndarray:
        """Pay one claim; returns (n, n_payers) amounts by payer in `payer_order`. `split`: the area
        payers of a by-area line's claim, instead of the line's own."""
        who = line if split is None else split
        shares = _shares(who.payers, who.overflow_to)
        rooms = {payer: self.payers[payer] for payer in shares}
        line_room, contract_room = self.lines[line.id], self.contract
        room = np.maximum(np.minimum(line_room, contract_room), 0.0)
        level = np.clip(claim_level(earned, room, shares, rooms, who.overflow_to), 0.0, earned)
        line_bound = line_room <= contract_room
        self.cut(line, period, "line", None, np.where(line_bound, earned - level, 0.0))
        self.cut(line, period, "contract", None, np.where(line_bound, 0.0, earned - level))

        by_payer, unpaid = split_claim(level, shares, rooms, who.overflow_to)
        paid = np.zeros((earned.size, len(payer_order)))
        for payer, amount in by_payer.items():
            paid[:, payer_order.index(payer)] += amount
            self.payers[payer] = np.maximum(self.payers[payer] - amount, 0.0)
        for payer, amount in unpaid.items():
            self.cut(line, period, "payer", payer, amount)
        # Caps count what is paid; rounding must never leave a room below zero (a negative room would
        # pay a negative claim).
        total = paid.sum(axis=1)
        self.lines[line.id] = np.maximum(self.lines[line.id] - total, 0.0)
        self.contract = np.maximum(self.contract - total, 0.0)
        return paid


def _shares(payers: list[PayerShare], overflow_to: str | None) -> dict[str, float]:
    """Each payer's share (a payer named twice has the sum; the overflow payer is listed)."""
    shares: dict[str, float] = {}
    for share in payers:
        shares[share.payer] = shares.get(share.payer, 0.0) + share.share
    if overflow_to is not None:
        shares.setdefault(overflow_to, 0.0)
    return shares


def split_claim(level: np.ndarray, shares: dict[str, float], rooms: dict[str, np.ndarray],
                overflow_to: str | None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Split a claim already cut to `level` between payers: (paid by payer, unpaid by payer)."""
    paid, unpaid = {}, {}
    overflow = np.zeros(level.shape)
    for payer, share in shares.items():
        if payer == overflow_to:
            continue
        want = level * share
        paid[payer] = np.minimum(want, rooms[payer])
        if overflow_to is None:
            unpaid[payer] = want - paid[payer]
        else:
            overflow += want - paid[payer]
    if overflow_to is not None:
        want = level * shares[overflow_to] + overflow
        paid[overflow_to] = np.minimum(want, rooms[overflow_to])
        unpaid[overflow_to] = want - paid[overflow_to]
    return paid, unpaid


def claim_level(earned: np.ndarray, room: np.ndarray, shares: dict[str, float],
                rooms: dict[str, np.ndarray], overflow_to: str | None) -> np.ndarray:
    """The largest t <= earned with pay(t) <= room (the line's and contract's), per replication."""
    own = {p: s for p, s in shares.items() if p != overflow_to}
    if not np.isfinite(room).any():
        return earned  # no line or contract room binds: the claim is paid at its earned level
    if overflow_to is None:
        return np.minimum(earned, _solve_split(room, own, rooms))
    # With an overflow payer, pay(t) = min(t, g(t) + R_o): the payers can pay a claim of t = room in
    # full unless g(room) + R_o < room; then the level is where g(t) + R_o reaches the room.
    spare = rooms[overflow_to]
    finite = np.isfinite(room)
    bound = np.where(finite, room, 0.0)
    fits = ~finite | (_split_pay(bound, own, rooms) + spare >= bound)
    beyond = _solve_split(np.where(fits, 0.0, bound - np.where(fits, 0.0, spare)), own, rooms)
    return np.where(finite, np.minimum(earned, np.where(fits, bound, np.maximum(beyond, bound))), earned)


def _split_pay(t: np.ndarray, shares: dict[str, float], rooms: dict[str, np.ndarray]) -> np.ndarray:
    """g(t) = sum_i min(s_i t, R_i)."""
    total = np.zeros(np.shape(t))
    for payer, share in shares.items():
        total = total + np.minimum(share * t, rooms[payer])
    return total


def _solve_split(target: np.ndarray, shares: dict[str, float], rooms: dict[str, np.ndarray]) -> np.ndarray:
    """The smallest t with g(t) >= target (inf where g never reaches it), per replication.

    g is piecewise linear and rises with t; its kinks are at t = R_i / s_i, where payer i reaches its
    cap. Find the first kink at which g has reached the target, then solve on the segment before it,
    where g has a known slope (the shares of the payers not yet capped).
    """
    target = np.asarray(target, dtype=float)
    payers = [p for p, s in shares.items() if s > 0]
    if not payers:
        return np.where(target <= 0, 0.0, np.inf)
    s = np.array([shares[p] for p in payers])
    if not any(np.isfinite(rooms[p]).any() for p in payers):
        # No payer capped: g(t) = t * (sum of shares), so the level is the target over that sum.
        return np.where(target <= 0, 0.0, target / s.sum())
    r = np.stack([np.broadcast_to(rooms[p], target.shape) for p in payers], axis=-1)
    order = np.argsort(r / s, axis=-1, kind="stable")
    r, s = np.take_along_axis(r, order, axis=-1), s[order]
    kinks = r / s
    # paid by the payers capped before kink k (an exclusive running sum: no inf - inf)
    capped = np.concatenate([np.zeros(target.shape + (1,)), np.cumsum(r, axis=-1)[..., :-1]], axis=-1)
    slope = np.cumsum(s[..., ::-1], axis=-1)[..., ::-1]  # shares still paying before kink k
    with np.errstate(invalid="ignore"):
        at_kink = capped + kinks * slope  # g at kink k
    reached = at_kink >= target[..., None]
    k = np.argmax(reached, axis=-1)[..., None]
    lower = np.take_along_axis(np.concatenate([np.zeros(target.shape + (1,)), kinks[..., :-1]], axis=-1), k, -1)
    t = (target[..., None] - np.take_along_axis(capped, k, -1)) / np.take_along_axis(slope, k, -1)
    t = np.clip(t, lower, np.take_along_axis(kinks, k, -1))[..., 0]
    return np.where(target <= 0, 0.0, np.where(reached.any(axis=-1), t, np.inf))
