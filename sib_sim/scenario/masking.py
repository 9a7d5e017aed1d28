"""Caps that cannot bind because other caps are tighter: an override of one changes nothing.

Every payment has a payer, so when every payer has a cap the contract can never pay more than their
sum; a line can never pay more than the caps of the payers who can pay it (its shares and its
overflow payer) or the contract's cap; a payer can never pay more than the contract's cap. A cap set
above such a bound never cuts a claim, whatever the simulation does. Pure: scenario data only.
"""

from __future__ import annotations

from collections.abc import Sequence

from .contract import Contract


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.0f} {currency}"


def masked_caps(contract: Contract, currency: str) -> dict[str, str]:
    """Dotted path of each cap that cannot bind (list items by id) -> why."""
    found: dict[str, str] = {}
    payer_caps = {p.id: p.cap for p in contract.payers}
    if contract.cap is not None and all(cap is not None for cap in payer_caps.values()):
        total = sum(cap for cap in payer_caps.values() if cap is not None)
        if total < contract.cap:
            found["contract.cap"] = (f"contract.cap ({_money(contract.cap, currency)}) cannot bind: the payers' own "
                                     f"caps total {_money(total, currency)}, so payments stop there")
    for payer in contract.payers:
        if payer.cap is not None and contract.cap is not None and payer.cap > contract.cap:
            found[f"contract.payers.{payer.id}.cap"] = (
                f"contract.payers.{payer.id}.cap ({_money(payer.cap, currency)}) cannot bind: the contract cap "
                f"({_money(contract.cap, currency)}) stops payments first")
    for line in contract.outcomes:
        if line.cap is None:
            continue
        payers = contract.payers_of(line)
        caps = [payer_caps.get(p) for p in payers]
        bounds = [contract.cap] if contract.cap is not None else []
        if all(cap is not None for cap in caps):
            bounds.append(sum(cap for cap in caps if cap is not None))
        if bounds and min(bounds) < line.cap:
            found[f"contract.outcomes.{line.id}.cap"] = (
                f"contract.outcomes.{line.id}.cap ({_money(line.cap, currency)}) cannot bind: the caps of the "
                f"contract or of the payers who pay it stop payments at {_money(min(bounds), currency)}")
    return found


def masked_overrides(contract: Contract, currency: str, overrides: Sequence[str]) -> list[str]:
    """A warning for each `--set` of a cap that another cap masks (it changes no payment)."""
    masked = masked_caps(contract, currency)
    by_index = {f"contract.payers.{i}.cap": f"contract.payers.{p.id}.cap" for i, p in enumerate(contract.payers)}
    by_index |= {f"contract.outcomes.{i}.cap": f"contract.outcomes.{o.id}.cap" for i, o in enumerate(contract.outcomes)}
    warnings = []
    for text in overrides:
        path = text.partition("=")[0].strip()
        path = by_index.get(path, path)
        if path in masked:
            warnings.append(f"--set {text} changes no payment: {masked[path]}")
    return warnings


def shared_payer_caps(contract: Contract) -> list[str]:
    """A note for each capped line that a capped payer pays alongside another line: the one shape in
    which a higher price (or share) can lower the total paid (contract.caps, tests/golden/19). The
    higher price brings the line's claims forward, to months when that payer still has room, and the
    other line then finds the payer's cap used up."""
    capped = {p.id for p in contract.payers if p.cap is not None}
    lines_of = {payer: [o.id for o in contract.outcomes if payer in contract.payers_of(o)] for payer in capped}
    notes = []
    for line in contract.outcomes:
        if line.cap is None:
            continue
        for payer in sorted(capped & contract.payers_of(line)):
            others = [o for o in lines_of[payer] if o != line.id]
            if others:
                notes.append(f"contract.outcomes.{line.id}.cap with payer {payer} (capped), which also pays "
                             f"{', '.join(others)}: a higher price on {line.id} can lower the total paid, as it "
                             f"uses {payer}'s cap earlier (README, Caps)")
    return notes + _participant_cap_notes(contract)


def _participant_cap_notes(contract: Contract) -> list[str]:
    """A note when a per-participant cap spans several lines and another cap can cut their claims:
    a cut claim charges each of its participants for part of what is paid, so one of them can have
    less room for a later line, and one more outcome can lower the total
    (tests/property/test_participant_cap.py works a case by hand)."""
    if contract.participant_cap is None or len(contract.participant_capped) < 2:
        return []
    lines = [o for o in contract.outcomes if o.id in set(contract.participant_capped)]
    capped_payers = {p.id for p in contract.payers if p.cap is not None}
    cutting = ["contract.cap"] if contract.cap is not None else []
    cutting += [f"contract.outcomes.{o.id}.cap" for o in lines if o.cap is not None]
    cutting += [f"contract.payers.{p}.cap" for p in sorted(capped_payers & set().union(*map(contract.payers_of, lines)))]
    if not cutting:
        return []
    return [f"contract.participant_cap spans {', '.join(o.id for o in lines)} and {', '.join(cutting)} can cut "
            "their claims: one more outcome can then lower the total paid, as a cut claim uses part of each of "
            "its participants' room (README, Per-participant cap)"]


__all__ = ["masked_caps", "masked_overrides", "shared_payer_caps"]
