"""The report's payment-timing part, from cashflows.csv: mean outcome payments by contract year (by
payer and by line, with the cumulative share) and one sentence on when the cash arrives."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .html_parts import Formats, Row, Table


def month_dates(cashflows: pd.DataFrame) -> dict[int, dt.date]:
    """Month index -> calendar month, from cashflows.csv (empty when it is missing or odd)."""
    if not {"month", "date"} <= set(cashflows.columns):
        return {}
    pairs = cashflows.drop_duplicates("month")[["month", "date"]]
    dates = {}
    for month, text in zip(pairs["month"], pairs["date"]):
        try:
            dates[int(month)] = dt.date.fromisoformat(str(text))
        except ValueError:
            continue
    return dates


def monthly_means(cashflows: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """month x stream table of mean flows for streams named `prefix*` (empty when there are none).

    Means add up: the mean of a year's total is the sum of that year's monthly means."""
    if not {"month", "stream", "mean"} <= set(cashflows.columns):
        return pd.DataFrame()
    flows = cashflows[cashflows["stream"].astype(str).str.startswith(prefix)]
    if flows.empty:
        return pd.DataFrame()
    wide = flows.pivot_table(index="month", columns="stream", values="mean", aggfunc="sum").fillna(0.0)
    return wide[list(flows["stream"].unique())]  # the folder's order (the contract's), not alphabetical


def year_label(months: pd.Index, f: Formats) -> str:
    first, last = f.dates.get(int(months.min())), f.dates.get(int(months.max()))
    return f"{first:%b %Y} to {last:%b %Y}" if first and last else f"months {months.min()} to {months.max()}"


def payments_by_year(cashflows: pd.DataFrame, f: Formats) -> Table | None:
    """Mean outcome payments per contract year: by payer, by outcome line, total and cumulative share."""
    payers, lines = monthly_means(cashflows, "payer."), monthly_means(cashflows, "outcome.")
    if lines.empty:
        return None
    wide = pd.concat([payers, lines], axis=1).fillna(0.0)
    year = pd.Index(wide.index // 12 + 1, name="year")
    yearly = wide.groupby(year).sum()
    total = yearly[lines.columns].sum(axis=1)
    overall = float(total.sum())
    cumulative = total.cumsum() / overall if overall > 0 else total * math.nan
    rows = []
    for y in yearly.index:
        cells = tuple(f("money", yearly.at[y, c]) for c in wide.columns)
        period = year_label(wide.index[year == y], f)
        rows.append(Row(f"Year {y}", cells + (f("money", total[y]), f("share", cumulative[y])), period))
    sums = tuple(f("money", yearly[c].sum()) for c in wide.columns)
    rows.append(Row("All years", sums + (f("money", overall), f("share", 1.0 if overall > 0 else None)),
                    total=True))
    headers = ("Contract year", *(f"Paid by {c.removeprefix('payer.')}" for c in payers.columns),
               *(f"For {c.removeprefix('outcome.').replace('_', ' ')}" for c in lines.columns), "Total",
               "Cumulative")
    return Table("Mean outcome payments by contract year (when the cash arrives)", headers, tuple(rows),
                 wide=True)


def payment_timing(cashflows: pd.DataFrame, f: Formats) -> str | None:
    """One sentence: when payments start, when half has been paid, when the last arrives (means)."""
    lines = monthly_means(cashflows, "outcome.")
    if lines.empty:
        return None
    total = lines.sum(axis=1)
    paid = total[total > 0.5]  # half a penny / cent: ignore float dust
    if paid.empty:
        return "No outcome payments are made in the simulated runs."
    half = total.index[total.cumsum() >= total.sum() / 2][0]
    return (f"On average, outcome payments start in {f('month', paid.index[0])}, half of the total has been "
            f"paid by {f('month', half)}, and the last payment arrives in {f('month', paid.index[-1])}.")
