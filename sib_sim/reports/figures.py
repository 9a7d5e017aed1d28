"""Figures for a commissioner: cash flows, investor return, cohort flow, payments, Star change, hospital cost.

Built with matplotlib's object API (`Figure(...)`, never pyplot): nothing global is touched, no display
or backend choice is needed, and figures can be made in worker processes. Nothing is written here; the
caller saves the figures (atomically, see DESIGN.md section 7).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..measure.ledger import STAR_CHANGE_BINS
from .figure_parts import (BLUE, GREEN, GREY, ORANGE, RED, date_ticks, empty_note, fan, money_ticks, new_figure,
                           whole_ticks)
from .labels import variant_line
from .summary_table import money

if TYPE_CHECKING:  # only for annotations: keeps reports importable from experiment without a cycle
    from ..experiment.results import Results


# --- reading the results ------------------------------------------------------------------------

def _stream(results: Results, name: str) -> np.ndarray:
    # float64: sums of float32 monthly flows over 100+ months lose pennies otherwise.
    return np.asarray(results.monthly[name], dtype=np.float64)


def _stream_sum(results: Results, prefix: str) -> np.ndarray:
    """Sum of every monthly stream named `prefix*`, zeros if there is none (e.g. no outcome lines)."""
    shape = _stream(results, "investor.net").shape
    return sum((_stream(results, k) for k in results.monthly if k.startswith(prefix)), np.zeros(shape))


def _runs(results: Results) -> str:
    n = results.n_replications
    return f"{n} run" if n == 1 else f"{n} runs"


def _label(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


# --- the six figures ------------------------------------------------------------------------------

def cashflow_fan(results: Results) -> Figure:
    fig, (top, bottom) = new_figure(2, 1, sharex=True)
    dates, currency = results.month_dates, results.scenario.currency
    # Cumulative per replication first, then percentiles: a band of cumulative paths, not of months.
    fan(top, dates, np.cumsum(_stream(results, "investor.net"), axis=1), BLUE)
    top.axhline(0.0, color=GREY, linewidth=0.8)
    commitment = results.scenario.finance.commitment
    if commitment > 0:  # the floor of the investor's position: it never puts in more than it committed
        top.axhline(-commitment, color=RED, linestyle=":", linewidth=1.2, gid="commitment",
                    label=f"Commitment {money(commitment, currency)}")
    top.set_ylabel("Investor net\nposition")
    top.legend(loc="upper left", fontsize="small", ncols=4, frameon=False)
    fan(bottom, dates, np.cumsum(_stream_sum(results, "outcome."), axis=1), GREEN)
    bottom.axhline(0.0, color=GREY, linewidth=0.8)
    cap = results.scenario.contract.cap
    if cap is not None:  # shows how close the programme runs to the most the commissioners can pay
        bottom.axhline(cap, color=RED, linestyle=":", linewidth=1.2, gid="contract_cap")
        bottom.annotate(f"Contract cap {money(cap, currency)}", (0.01, cap), xycoords=("axes fraction", "data"),
                        xytext=(0, -3), textcoords="offset points", va="top", fontsize="small", color=RED)
    bottom.set_ylabel("Outcome payments\nreceived")
    for ax in (top, bottom):
        money_ticks(ax.yaxis, currency)
        ax.grid(axis="y", alpha=0.3)
    date_ticks(bottom)
    fig.suptitle(f"Cumulative cash flows over the programme ({_runs(results)})")
    return fig


def investor_multiple(results: Results) -> Figure:
    fig, (ax,) = new_figure()
    table = results.replications
    multiple = table["investor_multiple"].to_numpy(dtype=float)
    finite = multiple[np.isfinite(multiple)]  # NaN when no capital was drawn: nothing to divide by
    cap = results.scenario.finance.return_cap_multiple  # NaN when the cap is an IRR
    if finite.size:
        # Fixed edges spanning 1.0x and the cap: runs bunched at the cap (all equal) still plot.
        top = max(finite.max(), cap) if np.isfinite(cap) else finite.max()
        edges = np.linspace(min(finite.min(), 1.0) - 0.05, top + 0.05, 41)
        ax.hist(finite, bins=edges, color=BLUE, edgecolor="white", label="Runs")
    else:
        empty_note(ax, "No finite multiples: no investor capital was drawn")
    ax.axvline(1.0, color=RED, linestyle="--", label="Capital back (1.0x)")
    if np.isfinite(cap):
        # Drawn over the bars (runs bunch at the cap and would hide a line behind them), with the
        # region the cap forbids shaded and the number of runs held at it in the label.
        at_cap = int(np.sum(np.abs(finite - cap) < 1e-6))
        right = max(ax.get_xlim()[1], cap + 0.1)
        ax.axvspan(cap, right, color=GREY, alpha=0.15, linewidth=0, zorder=0, label="Above the cap: not paid")
        ax.axvline(cap, color=ORANGE, linewidth=2.5, zorder=3, gid="return_cap",
                   label=f"Return cap {cap:.2f}x ({at_cap} of {_runs(results)} held at it)")
        ax.set_xlim(right=right)
    loss = table["investor_loss"].to_numpy(dtype=float)
    loss = loss[np.isfinite(loss)]
    p_loss = f"{100 * loss.mean():.1f}%" if loss.size else "n/a"
    median = f"{np.median(finite):.2f}x" if finite.size else "n/a"
    ax.set_title(f"Investor money multiple: P(loss) = {p_loss}, median {median} ({_runs(results)})")
    ax.set_xlabel("Distributions to investors ÷ capital drawn")
    ax.set_ylabel("Runs")
    whole_ticks(ax.yaxis)
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return fig


def cohort_flow(results: Results) -> Figure:
    # Referrals and the waiting list are tens a month, the caseload is ~1,000s: separate panels keep
    # both readable.
    fig, (top, bottom) = new_figure(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 2]})
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
        whole_ticks(ax.yaxis)
        ax.grid(axis="y", alpha=0.3)
    date_ticks(bottom)
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
        empty_note(ax, "No payments")


def _payer_labels(results: Results, payer_ids: list[str]) -> list[str]:
    # Payer names can be long ("National Lottery Community Fund, ..."): wrap rather than squash bars.
    names = {p.id: p.name or p.id for p in results.scenario.contract.payers}
    return [textwrap.fill(names.get(i, i), 32) for i in payer_ids]


def payments(results: Results) -> Figure:
    table, contract, currency = results.replications, results.scenario.contract, results.scenario.currency
    payer_cols = [c for c in table.columns if c.startswith("payments_by_payer.")]
    line_cols = [c for c in table.columns if c.startswith("payments_by_outcome.")]
    # Stacked on one money axis so payers and outcome lines compare directly; panel heights follow bars.
    fig, (top, bottom) = new_figure(2, 1, sharex=True, gridspec_kw={
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
    money_ticks(bottom.xaxis, currency)
    bottom.set_xlabel("Total outcome payments over the programme")
    cap = f"contract cap {money(contract.cap, currency)}" if contract.cap is not None else "no contract cap"
    fig.suptitle(f"Outcome payments: mean and 5-95% range over {_runs(results)} ({cap})")
    return fig


def star_change(results: Results) -> Figure:
    fig, (ax,) = new_figure()
    # Averaged per run so the counts read as participants in one programme, not summed over runs.
    per_run = np.asarray(results.star_change_histogram, dtype=float) / max(results.n_replications, 1)
    held = np.flatnonzero(per_run)
    lo, hi = (held[0], held[-1]) if held.size else (72 - 5, 72 + 5)  # indices; bin 72 is change 0
    ax.bar(STAR_CHANGE_BINS[lo:hi + 1], per_run[lo:hi + 1], width=0.85, color=BLUE, alpha=0.8,
           label="Participants by their own change")
    ax.axvline(0.0, color=GREY, linewidth=0.8)
    if held.size:
        _cohort_average(ax, results)
    else:
        empty_note(ax, "No follow-up Stars recorded")
    scales = _sliding_scales(results)
    if scales:
        _scale_axis(ax, scales)
    handles = [h for a in fig.axes for h in a.get_legend_handles_labels()[0]]
    if handles:
        # Framed: the legend sits over the tall middle bars and must stay readable there.
        legend = ax.legend(handles, [h.get_label() for h in handles], loc="upper right", fontsize="small",
                           framealpha=0.9)
        legend.set_zorder(5)
    ax.set_xlabel("Recorded change in Well-being Star total (latest minus first, points)")
    ax.set_ylabel("Participants per run")
    whole_ticks(ax.yaxis)
    ax.set_title(f"Change in Well-being Star totals (mean of {_runs(results)})")
    return fig


def _cohort_average(ax: Axes, results: Results) -> None:
    """The cohort mean change, which is what a sliding scale pays on: median over runs and 5-95% band."""
    means = results.replications.get("star_change_mean")
    values = np.asarray(means, dtype=float) if means is not None else np.array([])
    values = values[np.isfinite(values)]
    if not values.size:
        return
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    ax.axvspan(p5, p95, color=RED, alpha=0.12, linewidth=0, gid="cohort_average_band")
    ax.axvline(p50, color=RED, linestyle="--", gid="cohort_average",
               label=f"Cohort average {p50:+.2f} (90% of runs {p5:+.2f} to {p95:+.2f})")


def _sliding_scales(results: Results) -> list[tuple[str, list[tuple[float, float]]]]:
    return [(line.id, [(float(x), float(y)) for x, y in line.points])
            for line in results.scenario.contract.outcomes
            if getattr(line, "kind", "") == "sliding_scale" and getattr(line, "average", "") == "star_change"]


def _scale_axis(ax: Axes, scales: list[tuple[str, list[tuple[float, float]]]]) -> None:
    """Each sliding scale on a right-hand axis: the share of the price paid at each cohort average."""
    right = ax.twinx()
    left, end = ax.get_xlim()
    for n, (line_id, points) in enumerate(scales):
        xs = [min(left, points[0][0])] + [x for x, _ in points] + [max(end, points[-1][0])]
        ys = [0.0] + [y for _, y in points] + [points[-1][1]]  # nothing below the first point
        right.plot(xs, ys, color=(GREEN, ORANGE, GREY)[n % 3], linewidth=1.8, gid=f"scale_{line_id}",
                   label=f"{_label(line_id)}: share of price paid at the cohort average")
        right.plot([x for x, _ in points], [y for _, y in points], "o", color=(GREEN, ORANGE, GREY)[n % 3],
                   gid=f"scale_points_{line_id}")
        for x, y in points:
            right.annotate(f"{x:+g}: {100 * y:.0f}%", (x, y), xytext=(-6, 6), ha="right",
                           textcoords="offset points", fontsize="x-small",
                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "linewidth": 0})
    right.set_ylim(-0.02, 1.6)  # the scale in the lower part, clear of the legend
    right.set_yticks([0.0, 0.5, 1.0], ["0%", "50%", "100%"])
    right.set_ylabel("Share of the price paid")
    ax.set_xlim(left, end)


def _per_patient_month(results: Results, stream: str, shown: np.ndarray) -> np.ndarray:
    """Cost per patient-month in the `shown` months; NaN where a run had no patient-months then."""
    months = _stream(results, "hospital.patient_months")[:, shown]
    cost = _stream(results, stream)[:, shown]
    return np.where(months > 0, cost / np.where(months > 0, months, 1.0), np.nan)


EARLY_SHARE = 0.1  # months with under a tenth of the peak patient-months are "early": few patients


def _early_months(ax: Axes, results: Results, shown: np.ndarray, dates: list[dt.date]) -> None:
    """Grey out the first months, where a handful of patients makes the cost per patient-month swing
    widely, and say so: the wide band there is small numbers, not an effect."""
    months = _stream(results, "hospital.patient_months")[:, shown].mean(axis=0)
    few = months < EARLY_SHARE * months.max()
    if not few[0]:
        return
    end = int(np.argmin(few)) if not few.all() else len(few) - 1
    ax.axvspan(dates[0], dates[end], color=GREY, alpha=0.12, linewidth=0, gid="early_months",
               label=f"First {end} months: few patients, wide range")


def hospital_cost(results: Results) -> Figure:
    fig, (ax,) = new_figure()
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
        _early_months(ax, results, shown, dates)
        ax.legend(loc="upper right", fontsize="small", frameon=False, title="Shaded: 5-95% of runs",
                  title_fontsize="small")
    else:  # still a date axis over the horizon, so the empty panel looks like its siblings
        empty_note(ax, "No participants under hospital follow-up")
        ax.set_xlim(results.month_dates[0], results.month_dates[-1])
    date_ticks(ax)
    money_ticks(ax.yaxis, currency)
    ax.set_ylabel("Cost per patient-month")
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


def make_figures(results: Results, overrides: Sequence[str] = ()) -> dict[str, Figure]:
    """The report figures keyed by file stem (the caller saves them, e.g. `figures/<stem>.png`); the
    Star and hospital figures only where the scenario models Stars and hospital use.

    `overrides` (the run's `--set` values) put a second title line on each figure saying it is a
    variant and which values were changed, so a figure copied into a paper keeps that."""
    return {stem: build() for stem, build in figure_builders(results, overrides).items()}


def figure_builders(results: Results, overrides: Sequence[str] = ()) -> dict[str, Callable[[], Figure]]:
    """make_figures' figures, each as a function that draws it: a results folder draws them in
    several processes at once (io.figure_files), each process only its own."""
    absent = {"star_change"} if results.scenario.wellbeing is None else set()
    absent |= {"hospital_cost"} if results.scenario.hospital is None else set()
    note = variant_line(overrides)
    return {stem: partial(_drawn, build, results, note) for stem, build in FIGURES.items() if stem not in absent}


def _drawn(build: Callable[[Results], Figure], results: Results, note: str) -> Figure:
    figure = build(results)
    if note:
        mark_variant(figure, note)
    return figure


def mark_variant(figure: Figure, note: str) -> None:
    text = textwrap.fill(note, 110)
    title = figure.get_suptitle()
    if title:
        figure.suptitle(f"{title}\n{text}")
    else:
        ax = figure.axes[0]
        ax.set_title(f"{ax.get_title()}\n{text}")
