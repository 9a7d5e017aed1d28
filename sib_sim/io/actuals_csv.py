"""Reading the CSV files of an actuals folder: rows with their line numbers, checked cells.

Every mistake is one UserError naming the file, its line (the header is line 1), the column and, for a
cell, the value; the folder-level checks (caps, contradictions) live in io/actuals_folder.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from ..calendar import month_index, month_text
from ..errors import UserError

@dataclass(frozen=True)
class Row:
    file: str
    line: int
    cells: dict[str, str]

    def where(self, column: str | None = None) -> str:
        if column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{column}"


def read_rows(folder: Path, name: str, required: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> list[Row]:
    """The rows of folder/name (a missing optional file has none); unknown or missing columns fail."""
    path = folder / name
    shown = str(path)
    if not path.is_file():
        raise UserError(f"the actuals folder has no {name} (columns: {', '.join(required + optional)})",
                        where=str(folder))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"cannot read this CSV file ({type(error).__name__})", where=shown) from None
    if not table:
        raise UserError("empty file: it needs a header row", where=f"{shown}:1")
    header = [h.strip() for h in table[0]]
    for column in header:
        if column not in required + optional:
            raise UserError(f"unknown column {column!r} (columns: {', '.join(required + optional)})",
                            where=f"{shown}:1:{column}")
    for column in required:
        if column not in header:
            raise UserError(f"missing column {column!r}", where=f"{shown}:1")
    if len(set(header)) != len(header):
        raise UserError("a column is named twice", where=f"{shown}:1")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise UserError(f"{len(cells)} cells for {len(header)} columns", where=f"{shown}:{number}")
        rows.append(Row(shown, number, {h: c.strip() for h, c in zip(header, cells)}))
    return rows


def number(row: Row, column: str, minimum: float | None = 0.0, integer: bool = False) -> float:
    text = row.cells.get(column, "")
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{text!r} is not a number", where=row.where(column)) from None
    if not math.isfinite(value):
        raise UserError(f"{text!r} is not a finite number", where=row.where(column))
    if minimum is not None and value < minimum:
        raise UserError(f"{value:g} is below {minimum:g}", where=row.where(column))
    if integer and value != round(value):
        raise UserError(f"{value:g} is a count: it must be a whole number", where=row.where(column))
    return value


def month_of(row: Row, column: str, start: dt.date, months: int) -> int:
    """The row's month as a contract month in 0 .. months-1 (after the start, not after as-of)."""
    text = row.cells.get(column, "")
    try:
        index = month_index(text, start)
    except ValueError as error:
        raise UserError(f"{text!r}: {error}", where=row.where(column)) from None
    if index < 0:
        raise UserError(f"{text} is before the contract starts ({month_text(start, 0)})", where=row.where(column))
    if index >= months:
        raise UserError(f"{text} is in the future of the as-of month {month_text(start, months - 1)}",
                        where=row.where(column))
    return index


def known(row: Row, column: str, allowed: tuple[str, ...], what: str) -> str:
    value = row.cells.get(column, "")
    if value not in allowed:
        raise UserError(f"unknown {what} {value!r} (the scenario's: {', '.join(allowed) or 'none'})",
                        where=row.where(column))
    return value
