"""The workbook's "Budget by year" sheet: payments by payer and UK financial year (mean, p90, p99)
against each payer's cap, as experiment.vfm_budget computes them (values, not formulas: the
percentiles are over replications, which the workbook does not hold month by month)."""

from __future__ import annotations

import math

import pandas as pd
from xlsxwriter.worksheet import Worksheet

SHEET_BUDGET = "Budget by year"
HEADERS = {"payer": "Payer", "year": "Financial year", "mean": "Mean", "p90": "p90", "p99": "p99",
           "cumulative_p99": "Cumulative p99", "cap": "Cap", "budget": "Annual budget",
           "p_over_budget": "P(over budget)"}


def write_budget_sheet(ws: Worksheet, table: pd.DataFrame, formats: dict) -> None:
    ws.write(0, 0, "Budget exposure: payments in cash by payer and UK financial year (April to March)",
             formats["title"])
    ws.write(1, 0, "Over replications. Cumulative p99: the 99th percentile of the payer's payments to the end of the "
                   "year, against its cap over the contract.", formats["note"])
    columns = [c for c in HEADERS if c in table and (c not in ("budget", "p_over_budget") or table[c].notna().any())]
    for j, column in enumerate(columns):
        ws.write(3, j, HEADERS[column], formats["header"])
    for i, record in enumerate(table.to_dict(orient="records"), start=4):
        for j, column in enumerate(columns):
            value = record[column]
            if isinstance(value, str):
                ws.write_string(i, j, value)
            elif value is not None and isinstance(value, (int, float)) and math.isfinite(value):
                ws.write_number(i, j, float(value), formats["percent" if column == "p_over_budget" else "money"])
    ws.set_column(0, 1, 14)
    ws.set_column(2, len(columns), 14)
    ws.freeze_panes(4, 2)
