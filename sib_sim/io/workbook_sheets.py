"""The workbook's cash-flow sheets: mean monthly flows with live formulas, and their P50.

Every formula is written with its result computed here in Python (the same arithmetic on the same
numbers), so a viewer that does not recalculate still shows numbers, and a test can check the two
agree. Inputs the formulas read (the discount rate, caps) are named cells on the Assumptions sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..experiment import Results

SHEET = "Cash flows"
SHEET_P50 = "Cash flows P50"
FIRST_ROW = 2  # row 0 a note, row 1 the header, months from row 2 (Excel row 3)
CAP_TOLERANCE = 1.0  # money: a cap "binds" within this of it (monthly flows are float32 means)
STREAM_GROUPS = ("outcome.", "payer.", "cost.")
STREAM_FIXED = ("investor.drawdown", "investor.repayment", "investor.return", "investor.net", "spv.cash",
                "spv.top_up")
NOT_SUMMED = ("spv.cash",)  # a balance, not a flow: its total would mean nothing


@dataclass
class Column:
    """One column: its per-month values (data, or what its formula gives) and how to write it."""

    header: str
    values: np.ndarray | list
    formula: Callable[[int], str] | None = None  # Excel row number -> formula text
    fmt: str = "money"
    total: bool = True  # a =SUM total row entry
    name: str | None = None  # a defined name for the month range
    letter: str = ""


@dataclass
class Grid:
    """The Cash flows sheet being laid out; `ranges` holds the Python values behind each defined name."""

    n: int
    columns: list[Column] = field(default_factory=list)

    def add(self, column: Column) -> str:
        column.letter = xl_col_to_name(len(self.columns))
        self.columns.append(column)
        return column.letter

    @property
    def last_row(self) -> int:  # Excel row number of the last month
        return FIRST_ROW + self.n

    def span(self, letter: str, absolute: bool = True) -> str:
        d = "$" if absolute else ""
        return f"{d}{letter}{d}{FIRST_ROW + 1}:{d}{letter}{d}{self.last_row}"

    def values(self, letter: str) -> np.ndarray:
        return next(np.asarray(c.values) for c in self.columns if c.letter == letter)

    @property
    def ranges(self) -> dict[str, np.ndarray | list]:
        return {c.name: c.values for c in self.columns if c.name}


def excel_name(stream: str) -> str:
    """A defined name for a stream ("payer.ccg" -> "payer_ccg"): periods confuse some spreadsheets."""
    return stream.replace(".", "_")


def finite(values: np.ndarray) -> np.ndarray:
    # A non-finite monthly mean would be a bug upstream; a zero keeps the workbook valid and the
    # formulas and their cached results consistent (both see the same zero).
    return np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)


def stream_order(results: Results) -> list[str]:
    names = list(results.monthly)
    grouped = [s for prefix in STREAM_GROUPS for s in names if s.startswith(prefix)]
    return grouped + [s for s in STREAM_FIXED if s in results.monthly]


def build_grid(results: Results, statistic: Callable[[np.ndarray], np.ndarray]) -> tuple[Grid, dict[str, str]]:
    """Month, date and one column per stream (`statistic` over replications); stream -> letter."""
    grid = Grid(results.scenario.run.horizon_months)
    grid.add(Column("month", np.arange(grid.n), fmt="int", total=False, name="months"))
    grid.add(Column("date", list(results.month_dates), fmt="date", total=False, name="dates"))
    letters = {}
    for stream in stream_order(results):
        values = finite(statistic(results.monthly[stream].astype(float)))
        letters[stream] = grid.add(Column(stream, values, total=stream not in NOT_SUMMED, name=excel_name(stream)))
    return grid, letters


def add_payment_formulas(grid: Grid, letters: dict[str, str], commissioner: str) -> dict[str, str]:
    """Per-month totals of outcome and payer columns, the check that they agree, and the commissioner's
    payments (its payer column plus any shortfall top-up, as finance.metrics counts them)."""
    col = {c.header: c for c in grid.columns}
    outcomes = [s for s in letters if s.startswith("outcome.")]
    payers = [s for s in letters if s.startswith("payer.")]
    out_sum = sum(col[s].values for s in outcomes)
    pay_sum = sum(col[s].values for s in payers)
    o1, o2 = letters[outcomes[0]], letters[outcomes[-1]]
    p1, p2 = letters[payers[0]], letters[payers[-1]]
    f = {"outcomes": grid.add(Column("outcome payments", out_sum, lambda r: f"=SUM({o1}{r}:{o2}{r})",
                                     name="total_outcome_payments"))}
    f["payers"] = grid.add(Column("payer payments", pay_sum, lambda r: f"=SUM({p1}{r}:{p2}{r})"))
    grid.add(Column("check: payers - outcomes", pay_sum - out_sum,
                    lambda r: f"={f['payers']}{r}-{f['outcomes']}{r}"))
    c, top_up = letters[f"payer.{commissioner}"], letters.get("spv.top_up")
    paid = col[f"payer.{commissioner}"].values + (col["spv.top_up"].values if top_up else 0.0)
    formula = (lambda r: f"={c}{r}+{top_up}{r}") if top_up else (lambda r: f"={c}{r}")
    f["commissioner"] = grid.add(Column(f"commissioner ({commissioner}) payments incl. top-up", paid, formula,
                                        name="commissioner_payments"))
    return f


def add_discounting(grid: Grid, commissioner_letter: str, rate: float) -> None:
    """Factor (1 + rate)^(-month/12) per month, as finance.investor.discount_factors computes it."""
    months = grid.columns[0].values
    factors = (1.0 + rate) ** (-months / 12.0)
    df = grid.add(Column("discount factor", factors, lambda r: f"=(1+discount_rate)^(-A{r}/12)", fmt="factor",
                         total=False, name="discount_factor"))
    grid.add(Column("commissioner payments discounted", grid.values(commissioner_letter) * factors,
                    lambda r: f"={commissioner_letter}{r}*{df}{r}"))


def add_cap_logic(grid: Grid, label: str, source: str, cap_name: str | None, cap: float | None) -> None:
    """Cumulative payments and, under a cap, MIN(cap, cumulative) and whether the cap binds."""
    cumulative = np.cumsum(grid.values(source))
    first = FIRST_ROW + 1
    cum = grid.add(Column(f"{label} cumulative", cumulative, lambda r: f"=SUM({source}${first}:{source}{r})",
                          total=False))
    if cap_name is None or cap is None:
        return
    grid.add(Column(f"{label} within cap", np.minimum(cap, cumulative), lambda r: f"=MIN({cap_name},{cum}{r})",
                    total=False))
    binds = ["yes" if x >= cap - CAP_TOLERANCE else "no" for x in cumulative]
    grid.add(Column(f"{label} cap binds", binds,
                    lambda r: f'=IF({cum}{r}>={cap_name}-cap_tolerance,"yes","no")', fmt="text", total=False))


def write_grid(ws: Worksheet, grid: Grid, formats: dict, note: str) -> int:
    """Write note, header, months and the total row; returns the total row's index (0-based)."""
    ws.write_string(0, 0, note, formats["note"])
    total_row = FIRST_ROW + grid.n
    ws.write_string(total_row, 0, "Total", formats["header"])
    for j, column in enumerate(grid.columns):
        ws.write_string(1, j, column.header, formats["header"])
        fmt = formats[column.fmt]
        for i, value in enumerate(column.values):
            _write_cell(ws, FIRST_ROW + i, j, column, value, fmt)
        if column.total:
            total = float(np.sum(column.values))
            ws.write_formula(total_row, j, f"=SUM({grid.span(column.letter, absolute=False)})",
                             formats["money_total"], total)
    ws.freeze_panes(FIRST_ROW, 2)
    ws.set_row(1, 45)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 11)
    ws.set_column(2, len(grid.columns) - 1, 14)
    return total_row


def _write_cell(ws: Worksheet, row: int, col: int, column: Column, value: object, fmt: Format) -> None:
    if column.formula is not None:
        cached = value if isinstance(value, str) else float(value)
        ws.write_formula(row, col, column.formula(row + 1), fmt, cached)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def define_ranges(workbook: Workbook, grid: Grid, sheet: str) -> None:
    for column in grid.columns:
        if column.name:
            workbook.define_name(column.name, f"='{sheet}'!{grid.span(column.letter)}")


# --- named inputs and the results the formulas give ---------------------------------------------

def input_names(results: Results) -> dict[str, str]:
    """Defined name -> dotted scenario path of each input cell the formulas read (on Assumptions)."""
    contract = results.scenario.contract
    names = {"discount_rate": "finance.commissioner.discount_rate"}
    if contract.cap is not None:
        names["contract_cap"] = "contract.cap"
    names |= {f"cap_{p.id}": f"contract.payers.{i}.cap" for i, p in enumerate(contract.payers) if p.cap is not None}
    names |= {f"line_cap_{o.id}": f"contract.outcomes.{i}.cap" for i, o in enumerate(contract.outcomes)
              if o.cap is not None}
    return names


@dataclass(frozen=True)
class Live:
    """A formula over the named month ranges and its result; `metric` is the per-replication metric it
    corresponds to (whose mean may differ: see the Summary note)."""

    label: str
    formula: str | None  # None: not defined for these flows, `value` says why
    value: float | str
    fmt: str = "money"
    metric: str | None = None


def first_flow(net: np.ndarray) -> int:
    """Index of the first month with a non-zero flow (0 if there is none)."""
    return int(np.flatnonzero(net)[0]) if np.any(net) else 0


def xirr_ranges(workbook: Workbook, grid: Grid) -> None:
    """XIRR's ranges start at the first month with an investor flow: Excel's XIRR can return 0 or
    #NUM! when the first flow is zero (its rate does not depend on where the series starts)."""
    net = next(c for c in grid.columns if c.name == "investor_net")
    first = FIRST_ROW + 1 + first_flow(np.asarray(net.values))
    date = grid.columns[1].letter
    workbook.define_name("investor_flows", f"='{SHEET}'!${net.letter}${first}:${net.letter}${grid.last_row}")
    workbook.define_name("investor_dates", f"='{SHEET}'!${date}${first}:${date}${grid.last_row}")


# --- the sheets ---------------------------------------------------------------------------------

def mean_grid(results: Results) -> Grid:
    """The Cash flows grid: mean streams, then the formula columns."""
    grid, letters = build_grid(results, lambda v: v.mean(axis=0))
    commissioner = results.scenario.finance.commissioner
    f = add_payment_formulas(grid, letters, commissioner.payer)
    add_discounting(grid, f["commissioner"], commissioner.discount_rate)
    contract = results.scenario.contract
    for p in contract.payers:
        add_cap_logic(grid, p.id, letters[f"payer.{p.id}"], f"cap_{p.id}" if p.cap is not None else None, p.cap)
    for o in contract.outcomes:
        if o.cap is not None:
            add_cap_logic(grid, o.id, letters[f"outcome.{o.id}"], f"line_cap_{o.id}", o.cap)
    if contract.cap is not None:
        add_cap_logic(grid, "all payments", f["outcomes"], "contract_cap", contract.cap)
    return grid


def write_cash_flows(workbook: Workbook, ws: Worksheet, grid: Grid, live: list[Live], formats: dict,
                     n_replications: int) -> None:
    note = (f"Mean over {n_replications} replications of each monthly stream; columns after spv.top_up are live "
            "formulas. Rates and caps are named cells on Assumptions (discount_rate, cap_<payer>, contract_cap).")
    total_row = write_grid(ws, grid, formats, note)
    define_ranges(workbook, grid, SHEET)
    xirr_ranges(workbook, grid)
    workbook.define_name("cap_tolerance", f"={CAP_TOLERANCE}")
    ws.write_string(total_row + 2, 0, "Results of the mean flows (the same formulas as on Summary)", formats["header"])
    for row, item in enumerate(live, start=total_row + 3):
        ws.write_string(row, 0, item.label, formats["label"])
        write_live(ws, row, 5, item, formats)


def write_live(ws: Worksheet, row: int, col: int, item: Live, formats: dict) -> None:
    if item.formula is None:
        ws.write_string(row, col, str(item.value), formats["text"])
    else:
        ws.write_formula(row, col, item.formula, formats[item.fmt], item.value)


def write_p50(ws: Worksheet, results: Results, formats: dict) -> None:
    grid, _ = build_grid(results, lambda v: np.percentile(v, 50, axis=0))
    write_grid(ws, grid, formats, f"P50 (median) over {results.n_replications} replications of each stream, "
               "month by month. Medians do not add up: a column's total is not the median total.")
