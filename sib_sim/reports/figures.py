"""Figures for a commissioner: cash flows, investor return, cohort flow, payments, Star change, hospital cost.

Built with matplotlib's object API (`Figure(...)`, never pyplot): nothing global is touched, no display
or backend choice is needed, and figures can be made in worker processes. Nothing is written here; the
caller saves the figures (atomically, see DESIGN.md section 7).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure

from ..measure.ledger import STAR_CHANGE_BINS

if TYPE_CHECKING:  # only for annotations: keeps reports importable from experiment without a cycle
    from ..experiment.results import Results

FIGSIZE = (8.0, 4.5)
BLUE, ORANGE, GREEN, RED, GREY = "#1f5a96", "#d9822b", "#3a8a4f", "#b03a2e", "#555555"


# --- shared helpers -------------------------------------------------------------------------------

def _new_figure(nrows: int = 1, ncols: int = 1, **kwargs: object) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, list(axes.ravel())


def _whole_ticks(axis: Axis) -> None:
    """Whole-number tick labels with thousands separators, for money and for people.

    Money axes carry the currency in their label rather than on every tick (shorter ticks read better).
    Fractional ticks stay unlabelled: an all-zero panel gets ticks at +-0.02 that would print "0", "-0".
    """
    axis.set_major_formatter(ticker.FuncFormatter(
        lambda x, _pos: f"{int(round(x)):,}" if abs(x - round(x)) < 1e-6 else ""))


def _dates(ax: Axes) -> None:
    # Concise labels ("2016", "Apr") avoid overlapping full dates over an 8-year horizon.
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _note(ax: Axes, text: str) -> None:
    """Say why a panel is empty rather than show a blank or misleading axis."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY)


def _stream(results: Results, name: str) -> np.ndarray:
    # float64: sums of float32 monthly flows over 100+ months lose pennies otherwise.
    return np.asarray(results.monthly[name], dtype=np.float64)


def _stream_sum(results: Results, prefix: str) -> np.ndarray:
    """Sum of every monthly stream named `prefix*`, zeros if there is none (e.g. no outcome lines)."""
    shape = _stream(results, "investor.net").shape
    return sum((_stream(results, k) for k in results.monthly if k.startswith(prefix)), np.zeros(shape))


def _fan(ax: Axes, dates: Sequence[dt.date], paths: np.ndarray, colour: str) -> None:
    """Median line with 25-75 and 5-95 percentile bands over replications (rows of `paths`)."""
    p5, p25, p50, p75, p95 = np.percentile(paths, [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(dates, p5, p95, color=colour, alpha=0.15, linewidth=0, label="5-95% of runs")
    ax.fill_between(dates, p25, p75, color=colour, alpha=0.35, linewidth=0, label="25-75% of runs")
    ax.plot(dates, p50, color=colour, linewidth=2, label="Median", gid="median")


def _runs(results: Results) -> str:
    n = results.n_replications
    return f"{n} run" if n == 1 else f"{n} runs"


def _label(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


# --- the six figures ------------------------------------------------------------------------------

def cashflow_fan(results: Results) -> Figure:
    fig, (top, bottom) = _new_figure(2, 1, sharex=True)
    dates, currency = results.month_dates, results.scenario.currency
    # Cumulative per replication first, then percentiles: a band of cumulative paths, not of months.
    _fan(top, dates, np.cumsum(_stream(results, "investor.net"), axis=1), BLUE)
    top.axhline(0.0, color=GREY, linewidth=0.8)
    top.set_ylabel(f"Investor net\nposition ({currency})")
    top.legend(loc="upper left", fontsize="small", ncols=3, frameon=False)
    _fan(bottom, dates, np.cumsum(_stream_sum(results, "outcome."), axis=1), GREEN)
    bottom.axhline(0.0, color=GREY, linewidth=0.8)
    cap = results.scenario.contract.cap
    if cap is not None:  # shows how close the programme runs to the most the commissioners can pay
        bottom.axhline(cap, color=RED, linestyle=":", linewidth=1.2)
        bottom.annotate(f"Contract cap {cap:,.0f}", (0.01, cap), xycoords=("axes fraction", "data"),
                        xytext=(0, -3), textcoords="offset points", va="top", fontsize="small", color=RED)
    bottom.set_ylabel(f"Outcome payments\nreceived ({currency})")
    for ax in (top, bottom):
        _whole_ticks(ax.yaxis)
        ax.grid(axis="y", alpha=0.3)
    _dates(bottom)
    fig.suptitle(f"Cumulative cash flows over the programme ({_runs(results)})")
    return fig


def investor_multiple(results: Results) -> Figure:
    fig, (ax,) = _new_figure()
    table = results.replications
    multiple = table["investor_multiple"].to_numpy(dtype=float)
    finite = multiple[np.isfinite(multiple)]  # NaN when no capital was drawn: nothing to divide by
    cap = results.scenario.finance.investor.return_cap_multiple  # NaN when the cap is an IRR
    if finite.size:
        # Fixed edges spanning 1.0x and the cap: runs bunched at the cap (all equal) still plot.
        top = max(finite.max(), cap) if np.isfinite(cap) else finite.max()
        edges = np.linspace(min(finite.min(), 1.0) - 0.05, top + 0.05, 41)
        ax.hist(finite, bins=edges, color=BLUE, edgecolor="white", label="Runs")
    else:
        _note(ax, "No finite multiples: no investor capital was drawn")
    ax.axvline(1.0, color=RED, linestyle="--", label="Capital back (1.0x)")
    if np.isfinite(cap):
        ax.axvline(cap, color=GREY, linestyle=":", label=f"Return cap ({cap:.1f}x)")
    loss = table["investor_loss"].to_numpy(dtype=float)
    loss = loss[np.isfinite(loss)]
    p_loss = f"{100 * loss.mean():.1f}%" if loss.size else "n/a"
    median = f"{np.median(finite):.2f}x" if finite.size else "n/a"
    ax.set_title(f"Investor money multiple: P(loss) = {p_loss}, median {median} ({_runs(results)})")
    ax.set_xlabel("Distributions to investors ÷ capital drawn")
    ax.set_ylabel("Runs")
    _whole_ticks(ax.yaxis)
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return fig


def cohort_flow(results: Results) -> Figure:
    # Referrals and the waiting list are tens a month, the caseload is ~1,000s: separate panels keep
    # both readable.
    fig, (top, bottom) = _new_figure(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 2]})
    dates = results.month_dates

    def mean(name: str) -> np.ndarray:
        return _stream(results, name).mean(axis=0)

    top.bar(dates, mean("cohort.referrals"), width=25, color=ORANGE, label="New referrals per month")
    top.plot(dates, mean("cohort.waiting"), color=RED, label="Waiting for a first appointment")
    top.set_ylabel("People")
    top.legend(loc="upper right", fontsize="small", frameon=False)
    bottom.plot(dates, mean("cohort.in_service"), color=BLUE, linewidth=2, label="Link-worker caseload")
    bottom.plot(dates, mean("cohort.capacity"), color=GREY, linestyle="--", label="Caseload slots")
    bottom.set_ylabel("Participants in support")
    bottom.legend(loc="upper right", fontsize="small", frameon=False)
    for ax in (top, bottom):
        _whole_ticks(ax.yaxis)
        ax.grid(axis="y", alpha=0.3)
    _dates(bottom)
    fig.suptitle(f"Referrals, waiting list and link-worker caseload (mean of {_runs(results)})")
    return fig


def _payment_bars(ax: Axes, table: pd.DataFrame, columns: list[str], labels: list[str],
                  colour: str) -> None:
    """Horizontal bars of the mean with the 5-95 percentile range as error bars."""
    values = table[columns].to_numpy(dtype=float).reshape(len(table), len(columns))
    mean = values.mean(axis=0)
    p5, p95 = np.percentile(values, [5, 95], axis=0)
    # The mean can sit outside p5-p95 for skewed draws; matplotlib rejects negative error lengths.
    err = np.clip(np.vstack([mean - p5, p95 - mean]), 0.0, None)
    ax.barh(np.arange(len(columns)), mean, xerr=err, color=colour, ecolor=GREY, capsize=3, height=0.6)
    ax.set_yticks(np.arange(len(columns)), labels, fontsize="small")
    ax.set_ylim(len(columns) - 0.5, -0.5)  # first payer / line at the top, as in the contract
    if not columns or not np.any(mean):
        _note(ax, "No payments")


def _payer_labels(results: Results, payer_ids: list[str]) -> list[str]:
    # Payer names can be long ("National Lottery Community Fund, ..."): wrap rather than squash bars.
    names = {p.id: p.name or p.id for p in results.scenario.contract.payers}
    return [textwrap.fill(names.get(i, i), 32) for i in payer_ids]


def payments(results: Results) -> Figure:
    table, contract, currency = results.replications, results.scenario.contract, results.scenario.currency
    payer_cols = [c for c in table.columns if c.startswith("payments_by_payer.")]
    line_cols = [c for c in table.columns if c.startswith("payments_by_outcome.")]
    # Stacked on one money axis so payers and outcome lines compare directly; panel heights follow bars.
    fig, (top, bottom) = _new_figure(2, 1, sharex=True, gridspec_kw={
        "height_ratios": [max(len(payer_cols), 1), max(len(line_cols), 1)]})
    payer_ids = [c.removeprefix("payments_by_payer.") for c in payer_cols]
    _payment_bars(top, table, payer_cols, _payer_labels(results, payer_ids), BLUE)
    caps = {p.id: p.cap for p in contract.payers if p.cap is not None}
    capped = [(row, caps[payer]) for row, payer in enumerate(payer_ids) if payer in caps]
    for n, (row, cap) in enumerate(capped):  # a tick across the bar at each payer's cap
        top.plot([cap, cap], [row - 0.4, row + 0.4], color=RED, linewidth=1.5, zorder=1.5,
                 label="Payer cap" if n == 0 else None, gid="payer_cap")
    if capped:
        top.legend(loc="lower right", fontsize="small")
    _payment_bars(bottom, table, line_cols, [_label(c.removeprefix("payments_by_outcome.")) for c in line_cols],
                  GREEN)
    top.set_ylabel("By payer")
    bottom.set_ylabel("By outcome line")
    for ax in (top, bottom):
        ax.grid(axis="x", alpha=0.3)
    _whole_ticks(bottom.xaxis)
    bottom.set_xlabel(f"Total outcome payments over the programme ({currency})")
    cap = f"contract cap {contract.cap:,.0f} {currency}" if contract.cap is not None else "no contract cap"
    fig.suptitle(f"Outcome payments: mean and 5-95% range over {_runs(results)} ({cap})")
    return fig


def star_change(results: Results) -> Figure:
    fig, (ax,) = _new_figure()
    # Averaged per run so the counts read as participants in one programme, not summed over runs.
    per_run = np.asarray(results.star_change_histogram, dtype=float) / max(results.n_replications, 1)
    held = np.flatnonzero(per_run)
    lo, hi = (held[0], held[-1]) if held.size else (72 - 5, 72 + 5)  # indices; bin 72 is change 0
    ax.bar(STAR_CHANGE_BINS[lo:hi + 1], per_run[lo:hi + 1], width=0.85, color=BLUE)
    ax.axvline(0.0, color=GREY, linewidth=0.8)
    if held.size:
        mean = float(np.dot(STAR_CHANGE_BINS, per_run) / per_run.sum())
        ax.axvline(mean, color=RED, linestyle="--", label=f"Mean change {mean:+.2f} points")
        ax.legend(loc="upper right", fontsize="small", frameon=False)
    else:
        _note(ax, "No follow-up Stars recorded")
    ax.set_xlabel("Recorded change in Well-being Star total (latest minus first, points)")
    ax.set_ylabel("Participants per run")
    _whole_ticks(ax.yaxis)
    ax.set_title(f"Change in Well-being Star totals (mean of {_runs(results)})")
    return fig


def _per_patient_month(results: Results, stream: str, shown: np.ndarray) -> np.ndarray:
    """Cost per patient-month in the `shown` months; NaN where a run had no patient-months then."""
    months = _stream(results, "hospital.patient_months")[:, shown]
    cost = _stream(results, stream)[:, shown]
    return np.where(months > 0, cost / np.where(months > 0, months, 1.0), np.nan)


def hospital_cost(results: Results) -> Figure:
    fig, (ax,) = _new_figure()
    currency = results.scenario.currency
    # A cost per patient-month needs patient-months: keep months where any run has some, so every
    # column below has at least one finite value (nanmean/nanpercentile then never warn).
    shown = np.flatnonzero((_stream(results, "hospital.patient_months") > 0).any(axis=0))
    dates = [results.month_dates[i] for i in shown]
    series = (("hospital.treated_cost", BLUE, "Participants"),
              ("hospital.comparison_cost", ORANGE, "Comparison group")) if shown.size else ()
    for stream, colour, label in series:
        per_month = _per_patient_month(results, stream, shown)
        p5, p95 = np.nanpercentile(per_month, [5, 95], axis=0)
        ax.fill_between(dates, p5, p95, color=colour, alpha=0.2, linewidth=0)
        ax.plot(dates, np.nanmean(per_month, axis=0), color=colour, linewidth=2, label=f"{label} (mean)")
    if shown.size:
        ax.legend(loc="upper right", fontsize="small", frameon=False, title="Shaded: 5-95% of runs",
                  title_fontsize="small")
    else:  # still a date axis over the horizon, so the empty panel looks like its siblings
        _note(ax, "No participants under hospital follow-up")
        ax.set_xlim(results.month_dates[0], results.month_dates[-1])
    _dates(ax)
    _whole_ticks(ax.yaxis)
    ax.set_ylabel(f"{currency} per patient-month")
    ax.set_ylim(bottom=0.0)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(f"Hospital cost per patient-month: participants vs comparison ({_runs(results)})")
    return fig


FIGURES: dict[str, Callable[[Results], Figure]] = {
    "cashflow_fan": cashflow_fan,
    "investor_multiple": investor_multiple,
    "cohort_flow": cohort_flow,
    "payments": payments,
    "star_change": star_change,
    "hospital_cost": hospital_cost,
}


def make_figures(results: Results) -> dict[str, Figure]:
    """The report figures keyed by file stem (the caller saves them, e.g. `figures/<stem>.png`); the
    Star and hospital figures only where the scenario models Stars and hospital use."""
    absent = {"star_change"} if results.scenario.wellbeing is None else set()
    absent |= {"hospital_cost"} if results.scenario.hospital is None else set()
    return {stem: build(results) for stem, build in FIGURES.items() if stem not in absent}
