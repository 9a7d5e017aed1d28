"""Budget exposure in the reports: a table and a figure of payments by payer and UK financial year.

The table comes from experiment.vfm_budget.budget_exposure (saved as budget_exposure.csv beside
the run's other files, so `sib-sim report DIR` re-renders it without the replications' flows).
"""

from __future__ import annotations

import base64
import io

import pandas as pd

from .html_parts import Figure, Row, Section, Table, finite
from .summary_table import money

TITLE = "Budget exposure by financial year"
CAPTION = ("Payments by payer in each UK financial year (April to March), when the cash is paid: mean, and the "
           "90th and 99th percentiles over runs (a year that high or higher in 1 run in 10, or 1 in 100). "
           "Lines: the 99th percentile of each payer's cumulative payments; dashes: its cap over the contract.")


def _money(value: object, currency: str) -> str:
    v = finite(value)
    return "–" if v is None else money(v, currency)


def budget_table(table: pd.DataFrame, currency: str) -> Table:
    with_budget = "budget" in table and table["budget"].notna().any()
    headers = ("Payer and year", "Mean", "p90", "p99", "Cumulative p99", "Cap")
    headers += ("Annual budget", "P(over budget)") if with_budget else ()
    rows = []
    for record in table.to_dict(orient="records"):
        cells = tuple(_money(record[k], currency) for k in ("mean", "p90", "p99", "cumulative_p99", "cap"))
        if with_budget:
            share = finite(record.get("p_over_budget"))
            cells += (_money(record.get("budget"), currency), "–" if share is None else f"{100 * share:.0f}%")
        rows.append(Row(f"{record['payer']} {record['year']}", cells))
    return Table(TITLE + " (payments in cash)", headers, tuple(rows), wide=True)


def budget_figure(table: pd.DataFrame, currency: str):
    """Bars of the mean and whiskers to p99 per payer and year; the cumulative p99 against the cap."""
    from matplotlib.figure import Figure as MplFigure

    payers = list(dict.fromkeys(table["payer"]))
    figure = MplFigure(figsize=(9, 3.2 * len(payers)), layout="constrained")
    axes = figure.subplots(len(payers), 1, squeeze=False)[:, 0]
    for ax, payer in zip(axes, payers):
        rows = table[table["payer"] == payer]
        x = range(len(rows))
        ax.bar(x, rows["mean"], color="#1f5a96", label="mean")
        ax.errorbar(x, rows["mean"], yerr=[[0] * len(rows), (rows["p99"] - rows["mean"]).clip(lower=0)], fmt="none",
                    ecolor="#555", capsize=3, label="to p99")
        ax.scatter(x, rows["p90"], marker="_", s=200, color="#d08a1e", zorder=3, label="p90")
        ax.plot(x, rows["cumulative_p99"], color="#b03a2e", marker=".", label="cumulative p99")
        cap = finite(rows["cap"].iloc[0])
        if cap is not None:
            ax.axhline(cap, color="#b03a2e", linestyle="--", linewidth=1, label="cap")
        budget = finite(rows["budget"].iloc[0]) if "budget" in rows else None
        if budget is not None:
            ax.axhline(budget, color="#2e7d32", linestyle=":", linewidth=1.5, label="annual budget")
        ax.set_xticks(list(x), list(rows["year"]), rotation=45, ha="right")
        ax.set_title(payer, loc="left")
        ax.yaxis.set_major_formatter(lambda v, _: money(v, currency))
        ax.legend(fontsize=7, ncols=3, loc="upper left")
    figure.suptitle(TITLE)
    return figure


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def budget_section(table: pd.DataFrame | None, currency: str, png: bytes | None) -> Section:
    section = Section("budget", TITLE)
    if table is None or table.empty:
        section.paragraphs.append("Budget exposure not available: this folder has no budget_exposure.csv.")
        return section
    section.paragraphs.append("What each payer may have to find in each financial year. Outcome payments arrive "
                              "late and in lumps, so a year's p99 can be far above its mean.")
    section.tables.append(budget_table(table, currency))
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None
    section.figures.append(Figure(TITLE, CAPTION, src))
    return section
