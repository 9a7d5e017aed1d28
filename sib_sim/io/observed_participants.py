"""Whose outcomes the rows of an observed-outcomes CSV count: the `participant` and `area` columns.

`participant`, for a contract with a per-participant cap across lines (contract.participant_cap):
each row of a capped line names one participant and how many times they reached the outcome in the
month; the rows become the ledger's participant-event table (OutcomeLedger.participant_events), the
same table the evaluator makes in a simulation, so the cap is applied by the same code.

`area`, for a contract whose participants are attributed to areas (contract.areas): each row says
which area's participants it counts, and the rows of each area also fill that area's part of the
ledger (OutcomeLedger.by_area and area_milestones), so `by_area` lines are priced per area, each
area's claims paid by its own payers, as in a simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import UserError
from ..kinds import KINDS
from ..measure.ledger import AREA_SERIES
from ..scenario.contract import Contract, OutcomeLine


def check_participant(record: dict[str, str], line: OutcomeLine, count: float, contract: Contract,
                      fail: Callable[[str, str], UserError]) -> str | None:
    """The row's participant: required on rows of lines under the cap (when the file has the
    column), refused on other lines' rows, with a whole-number count."""
    name = record.get("participant", "")
    capped = line.id in contract.participant_capped
    if not name:
        if capped and "participant" in record:
            raise fail("participant", f"missing participant: line {line.id!r} is under the per-participant cap "
                                      "(contract.participant_cap), so each row names whose outcome it is")
        return None
    if not capped:
        raise fail("participant", f"participant applies only to lines under the per-participant cap "
                                  f"(contract.participant_cap); line {line.id!r} is not")
    if not float(count).is_integer():
        raise fail("count", f"count {count:g} is not a whole number: with a participant, the count is how many "
                            "times they reached the outcome in the month")
    return name


def check_named(rows: Sequence[Any], contract: Contract, filename: str) -> None:
    """A contract with a per-participant cap is priced only on rows that say whose outcome they are."""
    unnamed = [r for r in rows if r.line.id in contract.participant_capped and r.participant is None]
    if unnamed:
        raise UserError(f"the contract has a per-participant cap (contract.participant_cap) on line "
                        f"{unnamed[0].line.id!r}, so each of its rows must name the participant: add a "
                        "`participant` column", where=f"{filename}:1", field="participant")


def participant_events(rows: Sequence[Any], contract: Contract, filename: str) -> dict[str, np.ndarray]:
    """The event table of each capped line's outcome (measure.milestones.EVENT_COLUMNS), one row per
    occurrence, in month order; a participant reaching an outcome more often than the line pays
    (`max_per_participant`) is refused at the row that goes over."""
    capped = [line for line in contract.outcomes if line.id in contract.participant_capped]
    number: dict[str, int] = {}
    tables: dict[str, np.ndarray] = {}
    for line in capped:
        seen: dict[str, int] = {}
        events = []
        for row in sorted((r for r in rows if r.line.id == line.id), key=lambda r: r.month):
            person = number.setdefault(row.participant, len(number))
            for _ in range(int(row.count)):
                occurrence = seen.get(row.participant, 0)
                if occurrence >= line.max_per_participant:
                    raise UserError(f"participant {row.participant!r} reaches the outcome of line {line.id!r} "
                                    f"more than {line.max_per_participant} time(s) (its max_per_participant)",
                                    where=f"{filename}:{row.line_number}", field="count")
                seen[row.participant] = occurrence + 1
                events.append((0, person, occurrence, row.month, area_index(contract, row.area)))
        tables[line.outcome.key] = np.array(events, dtype=np.int32).reshape(-1, 5)
    return tables


def area_index(contract: Contract, area: str | None) -> int:
    """The area's position in contract.areas (0 for a row without one)."""
    return 0 if area is None else [a.area for a in contract.areas].index(area)


def check_area(record: dict[str, str], line: OutcomeLine, contract: Contract,
               fail: Callable[..., UserError]) -> str | None:
    """The row's area: one of contract.areas, required on rows of `by_area` lines."""
    name = record.get("area", "")
    known = [a.area for a in contract.areas]
    if not name:
        if line.by_area:
            raise fail("area", f"missing area: line {line.id!r} is paid by area (by_area), so each row names the "
                               f"area whose participants it counts ({', '.join(known)})")
        return None
    if not known:
        raise fail("area", "area applies only to contracts with contract.areas (participants attributed to areas)")
    if name not in known:
        close = [k for k in known if k.startswith(name[:3])]
        raise fail("area", f"unknown area {name!r}; contract.areas: {', '.join(known)}",
                   f"did you mean {close[0]!r}?" if close else None)
    return name


def by_area(rows: Sequence[Any], contract: Contract, empty: Callable[[], Any], filename: str) -> dict[str, Any]:
    """Ledger fields by area (areas, by_area, area_milestones, area_comparison_milestones): each area's
    rows added, by each line's own rule, to a ledger of their own."""
    ids = tuple(a.area for a in contract.areas)
    parts: dict[str, Any] = {}
    for area in ids:
        part = empty()
        for line in contract.outcomes:
            own = [row for row in rows if row.line.id == line.id and row.area == area]
            KINDS[line.kind].add_observed(part, line, own, lambda row: f"{filename}:{row.line_number}")
        parts[area] = part
    return {"areas": ids,
            "by_area": {a: {k: parts[a].series[k] for k in AREA_SERIES} for a in ids},
            "area_milestones": {a: parts[a].milestones for a in ids},
            "area_comparison_milestones": {a: parts[a].comparison_milestones for a in ids}}
