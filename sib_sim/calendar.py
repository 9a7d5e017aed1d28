"""Contract months as calendar dates (month m starts on the first day of start month + m)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def add_months(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1)


def month_dates(start: dt.date, horizon_months: int) -> list[dt.date]:
    return [add_months(start, m) for m in range(horizon_months)]


def financial_year(day: dt.date) -> str:
    """The UK financial year (1 April to 31 March) that contains day, written as the Treasury
    writes it: '2024-25' runs from 1 April 2024 to 31 March 2025."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def by_financial_year(start: dt.date, monthly: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Sum values by contract month (the last axis; month 0 starts on `start`) into UK financial
    years. Returns the year labels in order and an array whose last axis is the year: the one
    function behind every table by financial year (budget exposure, a live contract's remaining
    payments), so that they always agree on which month falls in which year."""
    values = np.asarray(monthly, dtype=float)
    labels: list[str] = []
    index = np.empty(values.shape[-1], dtype=np.intp)
    for month, day in enumerate(month_dates(start, values.shape[-1])):
        label = financial_year(day)
        if not labels or labels[-1] != label:
            labels.append(label)
        index[month] = len(labels) - 1
    in_year = np.zeros((values.shape[-1], len(labels)))
    in_year[np.arange(values.shape[-1]), index] = 1.0
    return labels, values @ in_year


def month_index(text: str, start: dt.date) -> int:
    """Contract month of 'YYYY-MM' (0 is the start month); a ValueError if malformed."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("a month is written YYYY-MM, for example 2017-03")
    return (int(match.group(1)) - start.year) * 12 + int(match.group(2)) - start.month


def month_text(start: dt.date, index: int) -> str:
    year, month = divmod(start.month - 1 + index, 12)
    return f"{start.year + year:04d}-{month + 1:02d}"
