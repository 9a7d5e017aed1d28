"""Observed outcomes from a CSV file, as the OutcomeLedger the contract prices (`sib-sim price`).

The contract reads observed outcomes exactly as it reads simulated ones: the rows are put into the
ledger series each rule already reads, and `sib_sim.contract.apply_contract` prices a ledger with one
replication. Finance teams use this to check invoices and to re-price history under other terms.

The file is CSV with a header row (column order is free; an empty cell is a value not given):

| column       | what it holds |
|--------------|---------------|
| `outcome`    | the id of an outcome line of the terms' contract |
| `period`     | the contract month the outcomes fall in: an integer >= 0 (0 is the month of `run.start_date`) |
| `date`       | or a date in that month, YYYY-MM-DD, on or after `run.start_date` |
| `count`      | a number >= 0: what the line counts (below) |
| `value`      | a number, for the lines that need one (below) |
| `cohort`     | cohort_threshold lines: the cohort id |
| `comparison` | cohort_threshold lines: the comparison cohort's total, scaled to one comparison per participant; lines `net_of_comparison`: comparison group members reaching the outcome in the month |
| `participant` | lines under the contract's `participant_cap`: who reached the outcome (any text naming one participant; `count` is then how many times, a whole number) |
| `area`       | contracts with `contract.areas`: the area whose participant(s) the row counts; required on rows of `by_area` lines, which are priced per area |

Each row gives exactly one of `period` and `date`, before the end of the run (`run.horizon_months`);
cohort_threshold rows need neither (the terms say when a cohort is claimed). How each rule kind
reads a row:

| kind               | count                                          | value |
|--------------------|------------------------------------------------|-------|
| `sliding_scale`    | follow-up Stars completed in the month (engaged participants for `count: engaged` lines) | their mean Star change since the first Star |
| `savings_share`    | patient-months of follow-up in the month       | measured saving: comparison minus participants' cost (may be negative) |
| `fixed_fee`        | participants engaged (first appointment) in the month | none |
| `per_participant`  | participants achieving the outcome in the month (occurrences the contract pays) | none |
| `cohort_threshold` | participants in the cohort (one row per cohort) | the participants' total cost (or events) over follow-up; with `comparison` |

Several rows for the same line and month add up (a sliding scale's mean changes are weighted by
their counts). Lines that read the same measured series share it (a `fixed_fee` and a
`count: engaged` sliding scale both read engaged participants; two rate-card lines with the same
outcome definition read the same counts), so such outcomes are given once, under either line.

Example:

    outcome,period,date,count,value,cohort,comparison
    wellbeing,0,,40,0.95,,
    wellbeing,,2015-09-14,25,1.6,,
    secondary_care,12,,350,4200,,
    reoffending,,,100,88000,c1,100000

Every mistake ends as one UserError naming the file, its line (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..calendar import add_months
from ..contract import Payments, apply_contract
from ..errors import UserError
from ..fields import LARGEST
from ..kinds import KINDS
from ..measure.definitions import definitions_for
from ..measure.ledger import AREA_SERIES, SERIES, STAR_CHANGE_BINS, OutcomeLedger
from ..scenario.contract import Contract, OutcomeLine
from ..scenario.terms import Terms
from .observed_participants import by_area, check_area, check_named, check_participant, participant_events

COLUMNS = ("outcome", "period", "date", "count", "value", "cohort", "comparison", "participant", "area")
REQUIRED = ("outcome", "count")


@dataclass(frozen=True)
class ObservedRow:
    """One checked row of the file."""

    line_number: int
    line: OutcomeLine
    month: int | None  # None for cohort_threshold rows without a period or date
    count: float
    value: float | None
    cohort: str | None
    comparison: float | None
    participant: str | None = None
    area: str | None = None


def pricing_contract(terms: Terms) -> Contract:
    """The terms' contract with every line's outcome periods ending at the end of the run.

    The ledger of observed outcomes runs on past `run.horizon_months` so that late claims are paid
    inside it; without this, the extra months would add claim periods the run does not have (a block
    fee would be paid for them). Claims, prices and caps are otherwise exactly the terms'.
    """
    end = float(terms.run.horizon_months)
    lines = []
    for line in terms.contract.outcomes:
        last = line.claim.last_outcome_month
        last = end if last is None else min(last, end)
        lines.append(line.model_copy(update={"claim": line.claim.model_copy(update={"last_outcome_month": last})}))
    return terms.contract.model_copy(update={"outcomes": lines})


def read_observed(path: str | os.PathLike[str], terms: Terms) -> OutcomeLedger:
    """Read and check an observed-outcomes CSV file; returns a ledger with one replication.

    Price it with `apply_contract(pricing_contract(terms), ledger)`.
    """
    filename = os.fspath(path)
    rows = _read_rows(filename, terms)
    contract = pricing_contract(terms)
    horizon = ledger_horizon(contract, terms.run.horizon_months)
    ledger = _empty_ledger(contract, horizon)
    _check_shared(rows, filename)
    for line in contract.outcomes:
        own = [row for row in rows if row.line.id == line.id]
        KINDS[line.kind].add_observed(ledger, line, own, lambda row: f"{filename}:{row.line_number}")
    if contract.areas:
        ledger = replace(ledger, **by_area(rows, contract, lambda: _empty_ledger(contract, horizon), filename))
    if contract.participant_cap is not None:
        check_named(rows, contract, filename)
        ledger = replace(ledger, participant_events=participant_events(rows, contract, filename))
    return ledger


def price_outcomes(terms: Terms, observed: str | os.PathLike[str]) -> Payments:
    """Price observed outcomes (a CSV as above) under contract terms, with no simulation: the same
    apply_contract as the simulation. `terms` from read_terms_file (a scenario file works too)."""
    return apply_contract(pricing_contract(terms), read_observed(observed, terms))


def ledger_horizon(contract: Contract, run_months: int) -> int:
    """The run's months, or more so that every claim of the contract is paid inside the ledger."""
    payments = apply_contract(contract, _empty_ledger(contract, run_months))
    last_paid = max((int(np.floor(c.paid_month)) for c in payments.claims), default=0)
    return max(run_months, last_paid + 1)


# --- the file ----------------------------------------------------------------------------------

def _read_rows(filename: str, terms: Terms) -> list[ObservedRow]:
    file = Path(filename)
    if file.is_dir():
        raise UserError("this is a directory, not an observed-outcomes CSV file", where=filename)
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = _header(next(reader, None), filename)
            lines = {line.id: line for line in terms.contract.outcomes}
            rows = []
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines are allowed
                where = f"{filename}:{reader.line_num}"
                if len(cells) > len(header):
                    raise UserError(f"{len(cells)} cells but the header names {len(header)} columns", where=where)
                record = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}
                rows.append(_row(record, reader.line_num, where, lines, terms))
            return rows
    except FileNotFoundError:
        raise UserError("observed outcomes file not found", where=filename) from None
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 text ({error.reason} at byte {error.start})", where=filename) from None
    except csv.Error as error:
        raise UserError(f"not a readable CSV file: {error}", where=filename) from None
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", where=filename) from None


def _header(cells: list[str] | None, filename: str) -> list[str]:
    where = f"{filename}:1"
    if cells is None:
        raise UserError("the file is empty: it needs a header row", where=where,
                        hint=f"columns: {', '.join(COLUMNS)}")
    header = [cell.strip() for cell in cells]
    for name in header:
        if name not in COLUMNS:
            raise UserError(f"unknown column {name!r}; known: {', '.join(COLUMNS)}", where=where, field=name,
                            hint=_did_you_mean(name, COLUMNS))
        if header.count(name) > 1:
            raise UserError(f"column {name!r} appears twice", where=where, field=name)
    for name in REQUIRED:
        if name not in header:
            raise UserError(f"missing column {name!r} (the header has {', '.join(header)})", where=where,
                            field=name, hint=f"columns: {', '.join(COLUMNS)}")
    return header


def _did_you_mean(name: str, known: list[str] | tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _row(record: dict[str, str], line_number: int, where: str, lines: dict[str, OutcomeLine],
         terms: Terms) -> ObservedRow:
    def fail(field: str, message: str, hint: str | None = None) -> UserError:
        return UserError(message, where=where, field=field, hint=hint)

    name = record.get("outcome", "")
    if not name:
        raise fail("outcome", "missing outcome line id")
    if name not in lines:
        raise fail("outcome", f"unknown outcome line {name!r}; the terms have {', '.join(lines)}",
                   _did_you_mean(name, list(lines)))
    line = lines[name]
    form = KINDS[line.kind].observed
    month = _month(record, line, terms, fail)
    count = _number(record, "count", fail, required=True, negative=False)
    if record.get("value", "") and form.value is None:
        raise fail("value", f"{line.kind} lines take no value (line {name!r} reads only the count)")
    value = _number(record, "value", fail, required=form.value is not None, negative=form.value_may_be_negative,
                    why=form.value or "")
    cohort, comparison = _cohort(record, line, fail)
    participant = check_participant(record, line, count, terms.contract, fail)
    area = check_area(record, line, terms.contract, fail)
    return ObservedRow(line_number, line, month, count, value, cohort, comparison, participant, area)


def _number(record: dict[str, str], column: str, fail, required: bool, negative: bool,
            why: str = "") -> float | None:
    text = record.get(column, "")
    if not text:
        if required:
            raise fail(column, f"missing {column}" + (f": {why}" if why else ""))
        return None
    try:
        number = float(text)
    except ValueError:
        raise fail(column, f"{column} {text!r} is not a number") from None
    if not math.isfinite(number):
        raise fail(column, f"{column} {text!r} is not a finite number")
    if abs(number) > LARGEST:  # price x count would overflow to infinity, and totals to NaN
        raise fail(column, f"{column} {text!r} is above {LARGEST:g}, the largest value sib_sim handles (README, Limits)")
    if number < 0 and not negative:
        raise fail(column, f"{column} {text!r} is negative")
    return number


def _month(record: dict[str, str], line: OutcomeLine, terms: Terms, fail) -> int | None:
    period, date = record.get("period", ""), record.get("date", "")
    cohort_line = KINDS[line.kind].observed.cohort_rows
    if period and date:
        raise fail("period", f"give a period or a date, not both (period {period!r}, date {date!r})")
    if not period and not date:
        if cohort_line:
            return None
        raise fail("period", "missing period: give a period (contract month) or a date (YYYY-MM-DD)")
    start, months = terms.run.start_date, terms.run.horizon_months
    if period:
        try:
            number = float(period)
        except ValueError:
            raise fail("period", f"period {period!r} is not a whole number of months") from None
        if not number.is_integer():
            raise fail("period", f"period {period!r} is not a whole number of months")
        if number < 0:
            raise fail("period", f"period {period!r} is negative (0 is the month of run.start_date)")
        month, column = int(number), "period"
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise fail("date", f"date {date!r} is not a date written YYYY-MM-DD") from None
        if day < start:
            raise fail("date", f"date {date} is before the contract start date {start.isoformat()} (run.start_date)")
        month, column = (day.year - start.year) * 12 + day.month - start.month, "date"
    if month >= months:
        raise fail(column, f"month {month} is after the end of the run (run.horizon_months = {months}: months "
                           f"0-{months - 1}, up to {add_months(start, months - 1):%Y-%m})")
    return month


def _cohort(record: dict[str, str], line: OutcomeLine, fail) -> tuple[str | None, float | None]:
    cohort = record.get("cohort", "")
    form = KINDS[line.kind].observed
    if not form.cohort_rows:
        if record.get("cohort", ""):
            raise fail("cohort", f"cohort applies only to cohort_threshold lines ({line.id!r} is {line.kind})")
        if form.comparison(line):
            return None, _number(record, "comparison", fail, required=True, negative=False,
                                 why="comparison group members reaching the outcome in the month")
        if record.get("comparison", ""):
            raise fail("comparison", f"comparison applies only to cohort_threshold lines and lines net of "
                                     f"comparison ({line.id!r} is {line.kind})")
        return None, None
    ids = [c.id for c in line.cohorts]
    if not cohort:
        raise fail("cohort", f"missing cohort: line {line.id!r} is a cohort_threshold line (cohorts: "
                             f"{', '.join(ids)})")
    if cohort not in ids:
        raise fail("cohort", f"unknown cohort {cohort!r} of line {line.id!r}; its cohorts: {', '.join(ids)}",
                   _did_you_mean(cohort, ids))
    comparison = _number(record, "comparison", fail, required=True, negative=False,
                         why="the comparison cohort's total")
    return cohort, comparison


# --- the ledger --------------------------------------------------------------------------------

def _empty_ledger(contract: Contract, horizon: int) -> OutcomeLedger:
    """All zero, with the participant outcomes and cohorts every line of the contract reads.

    Observed counts are the occurrences the contract pays, so one row per participant outcome holds
    them (the simulation counts the j-th occurrences apart; here they are given already counted)."""
    needs = definitions_for([contract])
    return OutcomeLedger(series={name: np.zeros((1, horizon)) for name in SERIES}, scalars={},
                         star_change_histogram=np.zeros((1, len(STAR_CHANGE_BINS))),
                         milestones={m.key: np.zeros((1, 1, horizon)) for m in needs.milestones},
                         comparison_milestones={m.key: np.zeros((1, horizon)) for m in needs.milestones
                                                if m.measure == "milestone"},
                         cohorts={c.key: np.zeros((1, 3)) for c in needs.cohorts},
                         participant_events={key: np.zeros((0, 5), dtype=np.int32) for key in needs.events},
                         **_empty_areas(contract, horizon))


def _empty_areas(contract: Contract, horizon: int) -> dict[str, object]:
    """Each area's part of the ledger, all zero (none without contract.areas)."""
    if not contract.areas:
        return {}
    needs = definitions_for([contract])
    ids = tuple(a.area for a in contract.areas)
    return {"areas": ids,
            "by_area": {a: {k: np.zeros((1, horizon)) for k in AREA_SERIES} for a in ids},
            "area_milestones": {a: {m.key: np.zeros((1, 1, horizon)) for m in needs.milestones} for a in ids},
            "area_comparison_milestones": {a: {m.key: np.zeros((1, horizon)) for m in needs.milestones
                                               if m.measure == "milestone"} for a in ids}}


def _check_shared(rows: list[ObservedRow], filename: str) -> None:
    """Refuse rows of two lines for the same measured outcomes: each line would be paid on both."""
    first: dict[str, ObservedRow] = {}
    for row in rows:
        for entry in KINDS[row.line.kind].entries(row.line):
            other = first.setdefault(entry, row)
            if other.line.id != row.line.id:
                raise UserError(f"lines {other.line.id!r} (line {other.line_number}) and {row.line.id!r} read the "
                                f"same measured outcomes ({entry}), so each would be paid on the rows of both",
                                where=f"{filename}:{row.line_number}", field="outcome",
                                hint=f"give these outcomes once, under {other.line.id!r}")


__all__ = ["COLUMNS", "ObservedRow", "ledger_horizon", "pricing_contract", "read_observed"]
