"""Figures for sensitivity analyses and sweeps: tornado, Morris, Sobol, and the deal zone.

Matplotlib's object API only (`Figure(...)`, never pyplot), as in reports/figures.py: nothing global
is touched and nothing is written here; the caller saves the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .figure_parts import BLUE, GREEN, GREY, ORANGE, RED, MoneyFormatter
from .labels import format_value, metric_kind, metric_label, parameter_label, path_kind, unit_text

if TYPE_CHECKING:  # annotations only: reports never run anything
    from ..experiment.sensitivity import SensitivityResult
    from ..experiment.sweep import SweepResult


def _metric_axis(ax: Axes, axis: str = "x", kind: str = "count", currency: str = "GBP") -> None:
    # Money as £k/£m; other metrics with thousands separators (bare exponents read badly).
    target = ax.xaxis if axis == "x" else ax.yaxis
    if kind == "money":
        target.set_major_formatter(MoneyFormatter(currency))
    else:
        target.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"))


def _term_axis(axis, path: str, currency: str) -> None:
    """An axis over a swept term, labelled in words with its unit; money ticks as £k."""
    kind = path_kind(path)
    axis.set_label_text(f"{parameter_label(path)}{unit_text(kind, currency)}\n{path}")
    if kind == "money":
        axis.set_major_formatter(MoneyFormatter(currency))
    elif kind == "share":  # shares are written 0.3 in a scenario, read as 30%
        axis.set_major_formatter(ticker.PercentFormatter(1.0, decimals=0))


def _figure(rows: int) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(8.0, max(3.0, 1.2 + 0.45 * rows)), layout="constrained")
    return fig, fig.add_subplot()


def tornado(result: SensitivityResult, currency: str = "GBP") -> Figure:
    """Horizontal bars from the base to the metric at each parameter's P10 and P90, largest swing on top."""
    table = result.table.iloc[::-1]  # barh draws bottom-up: put the largest swing at the top
    fig, ax = _figure(len(table))
    base = result.base if result.base is not None else float("nan")
    kind = metric_kind(result.metric)
    y = np.arange(len(table))
    ax.barh(y, table["metric_low"] - base, left=base, color=BLUE, label="At P10")
    ax.barh(y, table["metric_high"] - base, left=base, color=ORANGE, alpha=0.85, label="At P90")
    ax.axvline(base, color=GREY, linewidth=1)
    ax.set_yticks(y, [parameter_label(p) for p in table["parameter"]])
    ax.set_xlabel(f"{metric_label(result.metric)}{unit_text(kind, currency)}; base "
                  f"{format_value(kind, base, currency)} ({result.metric})")
    _metric_axis(ax, "x", kind, currency)
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    n = result.replications_per_point
    # A figure title, centred on the figure: long parameter labels push the axes right, and an axes
    # title would run off the edge.
    fig.suptitle(f"One-way sensitivity of {metric_label(result.metric).lower()} "
                 f"({n} replication{'' if n == 1 else 's'} per point)")
    return fig


def morris_scatter(result: SensitivityResult) -> Figure:
    """mu* (influence) against sigma (interactions or curvature), each point labelled."""
    table = result.table
    fig = Figure(figsize=(8.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color=BLUE,
                ecolor=GREY, capsize=3)
    for row in table.itertuples():
        ax.annotate(parameter_label(row.parameter), (row.mu_star, row.sigma), xytext=(4, 4),
                    textcoords="offset points", fontsize="small")
    top = float(np.nanmax(np.r_[table["mu_star"], table["sigma"], 0.0]))
    ax.plot([0, top], [0, top], color=GREY, linestyle=":", linewidth=1, label="sigma = mu*")
    ax.set_xlabel(f"mu* (mean |elementary effect| on {result.metric} per unit quantile)")
    ax.set_ylabel("sigma (spread of the effects)")
    _metric_axis(ax, "x")
    _metric_axis(ax, "y")
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    ax.set_title(f"Morris screening of {result.metric} ({result.samples} trajectories)")
    return fig


def sobol_bars(result: SensitivityResult) -> Figure:
    """First-order and total-order indices side by side, with 95% confidence intervals."""
    table = result.table
    fig, ax = _figure(len(table))
    y = np.arange(len(table))[::-1]  # the largest total effect on top
    h = 0.38
    ax.barh(y + h / 2, table["S1"], height=h, xerr=table["S1_conf"], color=BLUE, ecolor=GREY, capsize=2,
            label="First order (S1)")
    ax.barh(y - h / 2, table["ST"], height=h, xerr=table["ST_conf"], color=GREEN, ecolor=GREY, capsize=2,
            label="Total order (ST)")
    ax.axvline(0.0, color=GREY, linewidth=0.8)
    ax.set_yticks(y, [parameter_label(p) for p in table["parameter"]])
    ax.set_xlabel(f"Share of the variance of {metric_label(result.metric).lower()} ({result.metric})")
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    ax.set_title(f"Sobol indices of {result.metric} (N = {result.samples}, {result.n_points} points)")
    return fig


def sensitivity_figure(result: SensitivityResult, currency: str = "GBP") -> Figure:
    if result.method == "oneway":
        return tornado(result, currency)
    return {"morris": morris_scatter, "sobol": sobol_bars}[result.method](result)


# --- the deal zone ----------------------------------------------------------------------------------

PANELS = (("p_investor_hurdle", "P(investor multiple >= {hurdle:g}x)"),
          ("p_commissioner_covered", "P(commissioner net cost <= 0)"))


def deal_zone(result: SweepResult, currency: str = "GBP") -> Figure:
    """Lines for a 1-D sweep; for a 2-D sweep, one heatmap per probability with the deal zone outlined."""
    return _deal_zone_1d(result, currency) if len(result.axes) == 1 else _deal_zone_2d(result, currency)


def _deal_zone_1d(result: SweepResult, currency: str) -> Figure:
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.add_subplot()
    grid, axis = result.grid, result.axes[0]
    x = grid[axis.path].to_numpy(dtype=float)
    for (column, label), colour in zip(PANELS, (BLUE, ORANGE)):
        ax.plot(x, grid[column], marker="o", color=colour, label=label.format(hurdle=result.hurdle_multiple))
    ax.axhline(result.probability, color=RED, linestyle="--", linewidth=1,
               label=f"Chosen probability {result.probability:.0%}")
    step = (x[1] - x[0]) / 2 if len(x) > 1 else 0.0
    for value in x[grid["deal"].to_numpy(dtype=bool)]:
        ax.axvspan(value - step, value + step, color=GREEN, alpha=0.15, linewidth=0)
    ax.set_ylim(-0.03, 1.03)
    _term_axis(ax.xaxis, axis.path, currency)
    ax.set_ylabel("Probability over replications")
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.set_title(f"Deal zone (shaded): {int(grid['deal'].sum())} of {len(grid)} points "
                 f"({result.replications} replications each)")
    return fig


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges halfway between grid values, so each cell is centred on its point."""
    mid = (values[1:] + values[:-1]) / 2
    return np.r_[values[0] - (mid[0] - values[0]), mid, values[-1] + (values[-1] - mid[-1])]


def _deal_zone_2d(result: SweepResult, currency: str) -> Figure:
    grid, (a, b) = result.grid, result.axes
    xs, ys = np.asarray(a.values), np.asarray(b.values)
    shape = (len(xs), len(ys))  # the first axis is outermost in the grid's rows
    deal = grid["deal"].to_numpy(dtype=bool).reshape(shape).T
    fig = Figure(figsize=(10.0, 4.5), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    x_edges, y_edges = _edges(xs), _edges(ys)
    for ax, (column, label) in zip(axes, PANELS):
        z = grid[column].to_numpy(dtype=float).reshape(shape).T
        mesh = ax.pcolormesh(x_edges, y_edges, z, vmin=0.0, vmax=1.0, cmap="RdYlGn", shading="flat")
        # Outline and hatch each cell where both probabilities hold: readable in print, unlike colour
        # alone, and no contour interpolated between coarse grid points.
        for j, i in zip(*np.nonzero(deal)):
            ax.add_patch(Rectangle((x_edges[i], y_edges[j]), x_edges[i + 1] - x_edges[i],
                                   y_edges[j + 1] - y_edges[j], fill=False, hatch="//", edgecolor="black",
                                   linewidth=1.5))
        if z.size <= 64:  # the numbers themselves, while they fit
            for j, i in np.ndindex(z.shape):
                ax.text(xs[i], ys[j], f"{z[j, i]:.2f}", ha="center", va="center", fontsize="x-small",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0})
        ax.set_title(label.format(hurdle=result.hurdle_multiple), fontsize="medium")
        _term_axis(ax.xaxis, a.path, currency)
    _term_axis(axes[0].yaxis, b.path, currency)
    fig.colorbar(mesh, ax=list(axes), label="Probability over replications")
    fig.suptitle(f"Deal zone (outlined, hatched): both >= {result.probability:.0%} at {int(deal.sum())} of "
                 f"{deal.size} points ({result.replications} replications each)")
    return fig
