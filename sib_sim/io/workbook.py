"""workbook.xlsx: Summary, Assumptions, Cash flows (mean, with live formulas), Cash flows P50, Replications.

Written with xlsxwriter, which cannot recalculate: every formula carries its result computed in
Python, so any spreadsheet (or viewer that does not recalculate) shows numbers on open, and Excel or
LibreOffice recalculating gives the same numbers. Nothing non-finite is ever written to a cell.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyxirr
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..experiment import Results
from ..reports.stack_table import stack_rows
from .workbook_sheets import (SHEET, SHEET_P50, Grid, Live, first_flow, input_names, mean_grid, write_cash_flows,
                              write_live, write_p50)
from ..experiment.vfm_budget import run_budget_exposure
from .workbook_budget import SHEET_BUDGET, write_budget_sheet
from ..scenario.paths import FieldPath, Source, source_within

FORMATS = {
    "header": {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"},
    "money": {"num_format": "#,##0;[Red]-#,##0"},
    "money_total": {"num_format": "#,##0;[Red]-#,##0", "bold": True, "top": 1},
    "int": {"num_format": "0"},
    "date": {"num_format": "yyyy-mm-dd"},
    "factor": {"num_format": "0.000000"},
    "percent": {"num_format": "0.00%"},
    "number": {"num_format": "#,##0.00##"},
    "text": {},
    "label": {"bold": True},
    "title": {"bold": True, "font_size": 14},
    "note": {"italic": True, "font_color": "#555555"},
    "wrap": {"text_wrap": True, "valign": "top"},
}
FIXED_CREATED = dt.datetime(2000, 1, 1)
STAT_COLUMNS = ("mean", "sd", "p5", "p50", "p95")
# Metrics that are shares or rates, shown as percentages; everything else is money or a count.
PERCENT_METRICS = ("engagement_rate", "link_worker_utilisation", "share_with_followup_star", "investor_irr",
                   "hospital_cost_reduction", "hospital_cost_reduction_true")
# Units of fields a scenario file need not annotate (a Source's own unit comes first).
UNITS = {"cap": "{c}", "commitment": "{c}", "cash_buffer": "{c}", "price": "{c}", "unit_cost": "{c}",
         "amount": "{c}", "management_per_month": "{c}/month", "link_worker_per_fte_per_year": "{c}/FTE/year",
         "evaluation_per_year": "{c}/year", "per_engaged_patient": "{c}/patient", "discount_rate": "per year",
         "rate_per_month": "referrals/month", "rate_per_year": "per patient-year"}


def write_workbook(results: Results, path: Path, sources: dict[str, Source] | None = None) -> None:
    """Write the workbook to `path` (the caller makes the write atomic)."""
    # xlsxwriter refuses NaN and inf (nan_inf_to_errors is off): write_value leaves such cells empty.
    workbook = xlsxwriter.Workbook(str(path))
    # xlsxwriter stamps the document's creation time with the clock unless told otherwise; a fixed
    # date keeps equal runs' workbooks byte-for-byte equal (the zip entries carry a fixed date already).
    workbook.set_properties({"created": FIXED_CREATED, "title": results.scenario.name})
    formats = {k: workbook.add_format(v) for k, v in FORMATS.items()}
    sheets = {n: workbook.add_worksheet(n) for n in ("Summary", "Assumptions", SHEET, SHEET_P50, SHEET_BUDGET,
                                                     "Replications")}
    grid = mean_grid(results)
    live = live_results(grid, results)
    rows = write_assumptions(sheets["Assumptions"], results, sources or {}, formats)
    for name, dotted_path in input_names(results).items():
        workbook.define_name(name, f"=Assumptions!$B${rows[dotted_path] + 1}")
    write_cash_flows(workbook, sheets[SHEET], grid, live, formats, results.n_replications)
    write_p50(sheets[SHEET_P50], results, formats)
    write_budget_sheet(sheets[SHEET_BUDGET], run_budget_exposure(results), formats)
    write_summary(sheets["Summary"], results, live, formats)
    write_replications(sheets["Replications"], results.replications, formats)
    if results.scenario.finance.stacked:
        write_tranches(workbook.add_worksheet("Tranches"), results.summary(), formats)
    workbook.close()


# --- live formulas on the mean flows ----------------------------------------------------------

def investor_xirr(dates: list[dt.date], net: np.ndarray) -> float | None:
    """pyxirr's XIRR of the mean net flow, or None where no rate is defined."""
    if not (np.any(net < 0) and np.any(net > 0)):
        return None
    try:
        rate = pyxirr.xirr(dates, net)
    except (ValueError, pyxirr.InvalidPaymentsError):
        return None
    return float(rate) if rate is not None and math.isfinite(rate) else None


def live_results(grid: Grid, results: Results) -> list[Live]:
    """The key totals as formulas over the named month ranges, with their results computed here."""
    r = {k: np.asarray(v) if k != "dates" else v for k, v in grid.ranges.items()}

    def total(*names: str) -> float:
        return float(sum(np.sum(r[n]) for n in names))

    paid, dates = r["commissioner_payments"], r["dates"]
    rate = results.scenario.finance.commissioner.discount_rate
    items = [Live("Outcome payments", "=SUM(total_outcome_payments)", total("total_outcome_payments"),
                  metric="payments_total")]
    items += [Live(f"Payments by {p.id}", f"=SUM(payer_{p.id})", total(f"payer_{p.id}"),
                   metric=f"payments_by_payer.{p.id}") for p in results.scenario.contract.payers]
    items += [
        Live("Commissioner payments (incl. top-up)", "=SUM(commissioner_payments)", total("commissioner_payments"),
             metric="commissioner_payments"),
        Live("Commissioner payments NPV, factor (1+r)^(-month/12)",
             "=SUMPRODUCT(commissioner_payments,discount_factor)", float(np.dot(paid, r["discount_factor"])),
             metric="commissioner_payments_npv"),
        Live("Commissioner payments XNPV (actual/365 days from the start)",
             "=XNPV(discount_rate,commissioner_payments,dates)", float(pyxirr.xnpv(rate, dates, paid))),
        Live("Capital drawn", "=SUM(investor_drawdown)", total("investor_drawdown"), metric="investor_drawn"),
        Live("Investor distributions", "=SUM(investor_repayment)+SUM(investor_return)",
             total("investor_repayment", "investor_return"), metric="investor_distributions"),
        Live("Investor net (distributions - drawn)", "=SUM(investor_net)", total("investor_net")),
    ]
    return items + [_xirr_item(grid, r)]


def _xirr_item(grid: Grid, r: dict) -> Live:
    net = np.asarray(r["investor_net"])
    start = first_flow(net)  # the same start as the XIRR ranges
    rate = investor_xirr(r["dates"][start:], net[start:])
    label = "Investor XIRR of the mean net flow"
    if rate is None:
        return Live(label, None, "not defined: the mean net flow has no outlay, or no return", "text", "investor_irr")
    return Live(label, "=XIRR(investor_flows,investor_dates)", rate, "percent", "investor_irr")


# --- Assumptions --------------------------------------------------------------------------------

def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) leaves; lists of plain values (such as sliding-scale points) stay whole,
    written as JSON, and list items of records are numbered as `--set` and the sources name them."""
    if isinstance(data, dict) and data:
        return [row for k, v in data.items() for row in flatten(v, f"{prefix}{k}.")]
    if isinstance(data, list) and data and any(isinstance(v, dict) for v in data):
        return [row for i, v in enumerate(data) for row in flatten(v, f"{prefix}{i}.")]
    return [(prefix[:-1], data)]


def write_assumptions(ws: Worksheet, results: Results, sources: dict[str, Source],
                      formats: dict) -> dict[str, int]:
    """The scenario as run, one row per field; returns dotted path -> row (for the defined names)."""
    ws.write_string(0, 0, "The scenario as run. Named cells (discount_rate, cap_<payer>, contract_cap) feed the "
                    "formulas on Cash flows: editing them recalculates the workbook, not the simulation.",
                    formats["note"])
    headers = ("path", "value", "unit", "reference", "assumption", "note")
    for j, header in enumerate(headers):
        ws.write_string(1, j, header, formats["header"])
    currency = results.scenario.currency
    rows: dict[str, int] = {}
    for i, (path, value) in enumerate(flatten(results.scenario.model_dump(mode="json")), start=2):
        rows[path] = i
        source = source_within(sources, path)
        ws.write_string(i, 0, path)
        write_value(ws, i, 1, value, formats)
        unit = source.unit if source and source.unit else UNITS.get(FieldPath.parse(path).field, "")
        if not unit and path.endswith(("_month", "_months")):
            unit = "months"
        if unit:
            ws.write_string(i, 2, unit.format(c=currency))
        if source is not None:
            ws.write_string(i, 4, "yes" if source.assumption else "no")
            for col, text in ((3, source.reference), (5, source.note)):
                if text:
                    ws.write_string(i, col, text, formats["wrap"])
    ws.freeze_panes(2, 1)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 60)
    ws.set_column(4, 4, 11)
    ws.set_column(5, 5, 60)
    return rows


def write_value(ws: Worksheet, row: int, col: int, value: Any, formats: dict, fmt: str = "number") -> None:
    """A plain value in a cell: a finite number, a boolean, text; None and NaN become an empty cell."""
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value):
            ws.write_number(row, col, float(value), formats[fmt])
    elif isinstance(value, str):
        ws.write_string(row, col, value[:32767])
    elif value is None:
        ws.write_string(row, col, "none")
    else:
        ws.write_string(row, col, json.dumps(value)[:32767])


# --- Summary and Replications -------------------------------------------------------------------

def write_summary(ws: Worksheet, results: Results, live: list[Live], formats: dict) -> None:
    ws.write_string(0, 0, f"sib_sim results: {results.scenario.name}", formats["title"])
    row = _write_key_inputs(ws, results, formats, start=2)
    row = _write_live_block(ws, results, live, formats, start=row + 1)
    _write_metrics(ws, results.summary(), formats, start=row + 1)
    ws.set_column(0, 0, 58)
    ws.set_column(1, 7, 16)
    ws.freeze_panes(1, 1)


def _write_key_inputs(ws: Worksheet, results: Results, formats: dict, start: int) -> int:
    s = results.scenario
    cap = s.finance.investor.return_cap if s.finance.investor is not None else None
    inputs: list[tuple[str, Any, str]] = [
        ("Scenario", s.name, "text"), ("Description", s.description, "text"), ("Currency", s.currency, "text"),
        ("Seed", results.seed, "int"), ("Replications", results.n_replications, "int"),
        ("Horizon (months)", s.run.horizon_months, "int"), ("Start date", s.run.start_date.isoformat(), "text"),
        ("Contract cap", s.contract.cap, "money"),
    ]
    inputs += [(f"Cap: {p.id} ({p.name or p.id})", p.cap, "money") for p in s.contract.payers]
    return_cap = "by tranche (Tranches sheet)" if cap is None else \
        f"{cap.multiple}x" if cap.multiple is not None else f"IRR {cap.irr:.2%}"
    inputs += [("Investor commitment", s.finance.commitment, "money"),
               ("Investor return cap", return_cap, "text"),
               (f"Commissioner ({s.finance.commissioner.payer}) discount rate", s.finance.commissioner.discount_rate,
                "percent")]
    ws.write_string(start, 0, "Key inputs (all inputs: Assumptions)", formats["header"])
    for i, (label, value, fmt) in enumerate(inputs, start=start + 1):
        ws.write_string(i, 0, label)
        write_value(ws, i, 1, value, formats, fmt)
    return start + len(inputs) + 1


def _write_live_block(ws: Worksheet, results: Results, live: list[Live], formats: dict, start: int) -> int:
    headers = ("Live formulas on the MEAN monthly flows (Cash flows)", "from mean flows",
               "mean of replications", "metric")
    for j, header in enumerate(headers):
        ws.write_string(start, j, header, formats["header"])
    metrics = results.summary()
    for i, item in enumerate(live, start=start + 1):
        ws.write_string(i, 0, item.label)
        write_live(ws, i, 1, item, formats)
        stats = metrics.get(item.metric or "", {})
        if "mean" in stats:
            write_value(ws, i, 2, stats["mean"], formats, "percent" if item.fmt == "percent" else "money")
            ws.write_string(i, 3, item.metric)
    row = start + len(live) + 1
    ws.merge_range(row, 0, row, 3, NOTE, formats["wrap"])
    ws.set_row(row, 75)
    return row + 1


NOTE = ("The formulas above work on the mean monthly flows, while the table below gives statistics of each "
        "replication's own metric. Sums and NPVs agree with the mean of replications (they are linear), except "
        "that payments falling after the horizon are in the metrics but not in the monthly flows; the XIRR of "
        "the mean flow is not the mean of the replications' IRRs, and caps that bind in some runs only do not "
        "bind the mean.")


def _write_metrics(ws: Worksheet, summary: dict[str, dict[str, float]], formats: dict, start: int) -> None:
    headers = ("metric (statistics over replications)",) + STAT_COLUMNS + ("probability", "n")
    for j, header in enumerate(headers):
        ws.write_string(start, j, header, formats["header"])
    for i, (name, stats) in enumerate(summary.items(), start=start + 1):
        ws.write_string(i, 0, name)
        fmt = "percent" if name in PERCENT_METRICS else "number"
        for j, stat in enumerate(STAT_COLUMNS, start=1):
            if stat in stats:  # a metric never defined (n = 0) has no statistics: empty cells
                write_value(ws, i, j, stats[stat], formats, fmt)
        if "value" in stats:
            write_value(ws, i, 6, stats["value"], formats, "percent")
        write_value(ws, i, 7, stats.get("n"), formats, "int")


def write_tranches(ws: Worksheet, summary: dict[str, dict[str, float]], formats: dict) -> None:
    """The capital stack: each tranche's and guarantor's metrics with their 95% intervals."""
    for j, header in enumerate(("tranche or guarantor", "metric", "value", "95% interval from", "to")):
        ws.write_string(0, j, header, formats["header"])
    for i, (who, metric, *values) in enumerate(stack_rows(summary), start=1):
        ws.write_string(i, 0, who)
        ws.write_string(i, 1, metric)
        fmt = "percent" if metric in ("irr", "p_loss") else "number"
        for j, value in enumerate(values, start=2):
            write_value(ws, i, j, value, formats, fmt)
    ws.set_column(0, 1, 22)
    ws.set_column(2, 4, 16)


def write_replications(ws: Worksheet, table: pd.DataFrame, formats: dict) -> None:
    """One row per replication as an Excel table; NaN (an undefined metric) is an empty cell."""
    columns = list(table.columns)
    ws.add_table(0, 0, max(len(table), 1), len(columns) - 1,
                 {"columns": [{"header": c} for c in columns], "style": "Table Style Light 9", "name": "replications"})
    for j, column in enumerate(columns):
        for i, value in enumerate(table[column].tolist(), start=1):
            write_value(ws, i, j, value, formats)  # tolist() gives plain Python values
    ws.freeze_panes(1, 1)
    ws.set_column(0, len(columns) - 1, 14)
