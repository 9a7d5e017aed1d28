"""What every figure shares: size, colours, tick formats (money, whole numbers, dates), the fan of
percentile bands and the note on an empty panel. Object API only, as in figures.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure

from .summary_table import SYMBOLS

FIGSIZE = (8.0, 4.5)
BLUE, ORANGE, GREEN, RED, GREY = "#1f5a96", "#d9822b", "#3a8a4f", "#b03a2e", "#555555"


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs: object) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, list(axes.ravel())


def whole_ticks(axis: Axis) -> None:
    """Whole-number tick labels with thousands separators, for money and for people.

    Money axes carry the currency in their label rather than on every tick (shorter ticks read better).
    Fractional ticks stay unlabelled: an all-zero panel gets ticks at +-0.02 that would print "0", "-0".
    """
    axis.set_major_formatter(ticker.FuncFormatter(
        lambda x, _pos: f"{int(round(x)):,}" if abs(x - round(x)) < 1e-6 else ""))


class MoneyFormatter(ticker.Formatter):
    """Money ticks as £k or £m, one unit for the whole axis (chosen from its largest tick): "£0", "£2m",
    "£1.5m", "-£500k". Reads at a glance where 8,200,000 needs counting."""

    def __init__(self, currency: str) -> None:
        self.symbol = SYMBOLS.get(currency, f"{currency} ")
        self.ticks: list[float] = []

    def set_locs(self, locs: Sequence[float]) -> None:
        self.ticks = [float(v) for v in locs]

    def __call__(self, x: float, pos: int | None = None) -> str:
        scale = max((abs(v) for v in self.ticks), default=abs(x))
        unit, suffix = (1e6, "m") if scale >= 1e6 else (1e3, "k") if scale >= 1e3 else (1.0, "")
        text = f"{abs(x) / unit:,.2f}".rstrip("0").rstrip(".")
        if text == "0":
            return f"{self.symbol}0"
        return f"{'-' if x < 0 else ''}{self.symbol}{text}{suffix}"


def money_ticks(axis: Axis, currency: str) -> None:
    axis.set_major_formatter(MoneyFormatter(currency))


def date_ticks(ax: Axes) -> None:
    # Concise labels ("2016", "Apr") avoid overlapping full dates over an 8-year horizon.
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def empty_note(ax: Axes, text: str) -> None:
    """Say why a panel is empty rather than show a blank or misleading axis."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY)


def fan(ax: Axes, dates: Sequence[dt.date], paths: np.ndarray, colour: str) -> None:
    """Median line with 25-75 and 5-95 percentile bands over replications (rows of `paths`)."""
    p5, p25, p50, p75, p95 = np.percentile(paths, [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(dates, p5, p95, color=colour, alpha=0.15, linewidth=0, label="5-95% of runs")
    ax.fill_between(dates, p25, p75, color=colour, alpha=0.35, linewidth=0, label="25-75% of runs")
    ax.plot(dates, p50, color=colour, linewidth=2, label="Median", gid="median")
