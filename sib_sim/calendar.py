"""Contract months as calendar dates (month m starts on the first day of start month + m)."""

from __future__ import annotations

import datetime as dt


def add_months(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1)


def month_dates(start: dt.date, horizon_months: int) -> list[dt.date]:
    return [add_months(start, m) for m in range(horizon_months)]
