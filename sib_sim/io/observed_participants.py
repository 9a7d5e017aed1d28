"""The `participant` column of an observed-outcomes CSV: whose outcome each row is, for a contract
with a per-participant cap across lines (contract.participant_cap), priced by `sib-sim price`.

Each row of a capped line names one participant and how many times they reached the outcome in the
month; the rows become the ledger's participant-event table (OutcomeLedger.participant_events), the
same table the evaluator makes in a simulation, so the cap is applied by the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import UserError
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
                events.append((0, person, occurrence, row.month, 0))
        tables[line.outcome.key] = np.array(events, dtype=np.int32).reshape(-1, 5)
    return tables
