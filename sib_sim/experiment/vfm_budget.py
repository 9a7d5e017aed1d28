"""Budget exposure: what each payer may pay in each UK financial year (April to March).

Payments by payer and month (cash when paid, results.monthly `payer.<id>`) are summed into
financial years by sib_sim.calendar.by_financial_year, the one function every table by financial
year uses. For each payer and year: the mean, p90 and p99 over replications; the p99 of the payer's
cumulative payments to the end of that year against its cap over the contract (its headroom); and,
where an annual budget is given, how often the year's payments exceed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from typing import TYPE_CHECKING

from ..calendar import by_financial_year

if TYPE_CHECKING:
    from .results import Results

COLUMNS = ["payer", "year", "mean", "p90", "p99", "cumulative_p99", "cap", "budget", "p_over_budget"]


def budget_exposure(monthly: Mapping[str, np.ndarray], start: dt.date, caps: Mapping[str, float | None],
                    budgets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per (payer, financial year). monthly: payer -> (n_replications, horizon) payments."""
    budgets = dict(budgets or {})
    rows = []
    for payer, values in monthly.items():
        labels, yearly = by_financial_year(start, np.asarray(values, dtype=float))
        cumulative = np.cumsum(yearly, axis=1)
        budget = budgets.get(payer)
        for j, label in enumerate(labels):
            year = yearly[:, j]
            rows.append({"payer": payer, "year": label, "mean": float(year.mean()),
                         "p90": float(np.percentile(year, 90)), "p99": float(np.percentile(year, 99)),
                         "cumulative_p99": float(np.percentile(cumulative[:, j], 99)),
                         "cap": caps.get(payer), "budget": budget,
                         "p_over_budget": None if budget is None else float(np.mean(year > budget + 1e-6))})
    return pd.DataFrame(rows, columns=COLUMNS)


def payer_monthly(monthly: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The `payer.<id>` streams of a Results' monthly flows, keyed by payer id."""
    return {k.split(".", 1)[1]: v for k, v in monthly.items() if k.startswith("payer.")}


def check_budgets(budgets: Mapping[str, float], payers: list[str]) -> None:
    from ..errors import UserError

    for payer, amount in budgets.items():
        if payer not in payers:
            raise UserError(f"unknown payer {payer!r} for an annual budget", where="--budget",
                            hint=f"the scenario's payers: {', '.join(payers)}")
        if not np.isfinite(amount) or amount < 0:
            raise UserError(f"the annual budget of {payer} must be a sum of money of 0 or more (got {amount:g})",
                            where="--budget")


def run_budget_exposure(results: "Results", budgets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The budget exposure of a run's payers, against their caps (the run report's table)."""
    s = results.scenario
    return budget_exposure(payer_monthly(results.monthly), s.run.start_date, {p.id: p.cap for p in s.contract.payers},
                           budgets)
