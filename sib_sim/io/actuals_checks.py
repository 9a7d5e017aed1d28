"""Checks across the rows of an actuals folder: counts that contradict each other, caps exceeded.

Each failure names the row (file:line) and column where the history first stops making sense.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..errors import UserError
from ..scenario.contract import Contract
from .actuals_csv import Row, month_index

# Money is compared with a tolerance: CSV values are written to 10 significant figures.
TOLERANCE = 1e-6


def _slack(amount: float) -> float:
    return TOLERANCE * max(1.0, abs(amount)) + 0.01


def check_flows(flows: dict[str, np.ndarray], rows: list[Row], start: dt.date) -> None:
    """Stocks and flows that cannot both be true: nobody starts support without a referral, ends it
    without starting, or is in support (or waiting) without having started (been referred) and not
    yet left. `in_service` and `waiting` are counted at mid-month, so the month's own arrivals may
    be in them and its own leavers may not."""
    by_month = {month_index(row.cells["month"], start): row for row in rows}
    cum = {k: np.cumsum(v) for k, v in flows.items()}
    before = {k: np.concatenate([[0.0], v[:-1]]) for k, v in cum.items()}
    ended = cum["completed"] + cum["disengaged"]
    rules = (
        ("engaged", cum["engaged"] + cum["gave_up"] > cum["referrals"],
         "more have started support or given up waiting, in total, than were referred"),
        ("completed", ended > cum["engaged"], "more have ended support, in total, than started it"),
        ("in_service", flows["in_service"] > cum["engaged"] - before["completed"] - before["disengaged"],
         "more are in support than have started and not yet ended it"),
        ("waiting", flows["waiting"] > cum["referrals"] - before["engaged"] - before["gave_up"],
         "more are waiting than have been referred and neither started nor given up"),
    )
    for column, broken, message in rules:
        if np.any(broken):
            row = by_month[int(np.argmax(broken))]
            raise UserError(f"counts contradict each other: {message} by this month", where=row.where(column))


def _line_payers(contract: Contract, line_id: str) -> set[str]:
    return contract.payers_of(next(o for o in contract.outcomes if o.id == line_id))


def check_payments(contract: Contract, rows: list[Row], claimed: np.ndarray, start: dt.date) -> None:
    """In month order: each payer pays only lines it pays for, and no payment takes a payer, a line or
    the contract above its cap, or a line's payments above what it has claimed so far."""
    lines = [o.id for o in contract.outcomes]
    caps = {("payer", p.id): p.cap for p in contract.payers} | {("line", o.id): o.cap for o in contract.outcomes}
    caps[("contract", "")] = contract.cap
    totals = {key: 0.0 for key in caps}
    cum_claimed = np.cumsum(claimed, axis=1)
    paid_line = {line: 0.0 for line in lines}
    for row in sorted(rows, key=lambda r: (month_index(r.cells["month"], start), r.line)):
        line, payer, amount = row.cells["line"], row.cells["payer"], float(row.cells["paid"])
        if payer not in _line_payers(contract, line):
            raise UserError(f"payer {payer!r} does not pay outcome line {line!r} under the scenario's contract",
                            where=row.where("payer"))
        for key in (("payer", payer), ("line", line), ("contract", "")):
            totals[key] += amount
            cap = caps[key]
            if cap is not None and totals[key] > cap + _slack(cap):
                what = {"payer": f"payer {payer!r}", "line": f"line {line!r}", "contract": "the contract"}[key[0]]
                raise UserError(f"payments to here total {totals[key]:,.2f}, above the cap of {cap:,.2f} on {what}",
                                where=row.where("paid"))
        paid_line[line] += amount
        month = month_index(row.cells["month"], start)
        made = float(cum_claimed[lines.index(line), month])
        if paid_line[line] > made + _slack(made):
            raise UserError(f"line {line!r} has been paid {paid_line[line]:,.2f} to this month but claimed only "
                            f"{made:,.2f} (claims.csv)", where=row.where("paid"))


def check_investors(rows: list[Row], start: dt.date, commitments: dict[str, float]) -> None:
    """No investor (tranche) draws, in total, more than its commitment."""
    drawn: dict[str, float] = {}
    for row in sorted(rows, key=lambda r: (month_index(r.cells["month"], start), r.line)):
        name = row.cells["investor"]
        commitment = commitments[name]
        drawn[name] = drawn.get(name, 0.0) + float(row.cells["drawn"])
        if drawn[name] > commitment + _slack(commitment):
            raise UserError(f"investor {name!r} has drawn {drawn[name]:,.2f} to this month, above its "
                            f"commitment of {commitment:,.2f}", where=row.where("drawn"))
