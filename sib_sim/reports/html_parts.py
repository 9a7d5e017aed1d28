"""The building blocks of report.html: page records, number formats, summary lookups, and reading
values from the scenario. Kept apart from html.py, which assembles the sections and renders."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..scenario.paths import FieldPath
from .summary_table import SYMBOLS, money

DASH = "–"  # shown for anything missing, NaN or infinite: a report never prints "nan"
MAX_SENSITIVITY_ROWS = 60  # a printable page; the full table stays in the CSV


# --- what the template lays out -------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[str, ...]
    detail: str = ""  # a smaller second line under the label (payer id and cap, line description)
    total: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    wide: bool = False  # many columns: smaller type so it fits an A4 page


@dataclass(frozen=True)
class Figure:
    title: str
    caption: str
    src: str | None  # data URI; None when the PNG is not in the folder


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    range: str = ""
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


# --- figure captions ------------------------------------------------------------------------------

# stem -> (title, caption): the six figures make_figures draws, in the words a commissioner needs.
FIGURE_TEXT = {
    "payments": ("Outcome payments by payer and outcome line",
                 "Bars: mean over runs; whiskers: 5th to 95th percentile. Red ticks mark each payer's cap."),
    "cashflow_fan": ("Cumulative cash flows over the programme",
                     "Top: the investor's net position (below zero while its capital is at work); the dotted red "
                     "line is its commitment, the most it can put in. Bottom: outcome payments received, with "
                     "the contract cap. Median line, with bands for the middle 50% and 90% of runs."),
    "investor_multiple": ("Investor money multiple across runs",
                          "Distributions to the investor divided by the capital drawn; below 1.0x is a loss. The "
                          "orange line is the return cap: runs that reach it are held there, and the shaded "
                          "region beyond it is never paid to the investor."),
    "cohort_flow": ("Referrals, waiting list and link-worker caseload",
                    "Mean over runs, month by month."),
    "star_change": ("Change in Well-being Star totals",
                    "Bars: participants by their own recorded change from first to latest Star (mean per run). "
                    "A sliding scale pays on the cohort average, not on individuals: the dashed red line is the "
                    "cohort average (median over runs, shaded 5th to 95th percentile), and the green line, on "
                    "the right-hand axis, is the share of the price paid at each cohort average, with the "
                    "scale's points marked."),
    "hospital_cost": ("Hospital cost per patient-month: participants against the comparison cohort",
                      "Mean over runs, with the 5th to 95th percentile shaded. In the first months (greyed) only "
                      "a few participants are under follow-up, so the cost per patient-month swings widely "
                      "between runs: the wide band there is small numbers, not an effect."),
}


# --- number formatting ----------------------------------------------------------------------------

def finite(value: object) -> float | None:
    """The value as a float, or None when it is missing, not a number, NaN or infinite."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Formats:
    """Formats for a commissioner: £8.09m, 27.6%, +3.41 points, 2.00x, 6,714; "–" when undefined."""

    currency: str = "GBP"
    dates: Mapping[int, dt.date] = field(default_factory=dict)  # month index -> calendar month

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.currency, f"{self.currency} ")

    def __call__(self, kind: str, value: object) -> str:
        v = finite(value)
        if v is None:
            return DASH
        return getattr(self, f"_{kind}")(v)

    def _money(self, v: float) -> str:
        # The console's rounding (£7.93m, £68.4k), so the page and the terminal show the same numbers.
        return money(v, self.currency)

    def _share(self, v: float) -> str:
        return f"{100 * v:.1f}%"

    def _points(self, v: float) -> str:
        return f"{0.0 if abs(v) < 0.005 else v:+.2f} points"

    def _multiple(self, v: float) -> str:
        return f"{v:.2f}x"

    def _count(self, v: float) -> str:
        return f"{v:,.0f}"

    def _month(self, v: float) -> str:
        when = self.dates.get(int(round(v)))
        return f"month {v:.0f}" + (f" ({when:%b %Y})" if when else "")


def general(value: object) -> str:
    """A scenario or sensitivity value without a known unit: 8,200,000; 0.78; [(0.5, 0), (1.4, 1)]."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        v = finite(value)
        if v is None:
            return DASH
        return f"{v:,.0f}" if v == round(v) or abs(v) >= 1e5 else f"{v:,.4g}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(general(v) for v in value)
        return f"({inner})" if value and all(not isinstance(v, (list, dict)) for v in value) else inner or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {general(v)}" for k, v in value.items())
    return str(value)


# --- reading the summary --------------------------------------------------------------------------

class Metrics:
    """summary.json's metrics with lookups that never fail: a missing metric reads as undefined."""

    def __init__(self, metrics: Mapping[str, Mapping[str, float]]) -> None:
        self.metrics = metrics

    def get(self, name: str, stat: str) -> float | None:
        return finite((self.metrics.get(name) or {}).get(stat))

    def has(self, name: str) -> bool:
        return "p50" in (self.metrics.get(name) or {})

    def value(self, name: str, default: float = 0.0) -> float:
        v = self.get(name, "value")
        return default if v is None else v

    def names(self, prefix: str) -> list[str]:
        return [n for n in self.metrics if n.startswith(prefix)]


def stat_row(label: str, m: Metrics, name: str, kind: str, f: Formats, detail: str = "") -> Row:
    return Row(label, tuple(f(kind, m.get(name, s)) for s in ("mean", "p5", "p50", "p95")), detail)


STAT_HEADERS = ("", "Mean", "5th percentile", "Median", "95th percentile")


def stat_table(caption: str, m: Metrics, f: Formats, wanted: Iterable[tuple[str, str, str]]) -> Table:
    """A mean / p5 / median / p95 table of the metrics in `wanted` (label, metric, kind) that exist."""
    rows = tuple(stat_row(label, m, name, kind, f) for label, name, kind in wanted if m.has(name))
    return Table(caption, STAT_HEADERS, rows)


def spread(m: Metrics, name: str, kind: str, f: Formats) -> tuple[str, str]:
    """(median, "p5 to p95"): the middle of the runs and the range that holds 90% of them."""
    low, high = f(kind, m.get(name, "p5")), f(kind, m.get(name, "p95"))
    return f(kind, m.get(name, "p50")), (DASH if low == DASH else f"{low} to {high}")


def runs_share(m: Metrics, name: str) -> str:
    n = int(m.get(name, "n") or 0)
    share = m.value(name)
    return f"{100 * share:.1f}% ({round(share * n)} of {n} runs)"


# --- the scenario (plain dict from scenario.json) -------------------------------------------------

def scenario_at(scenario: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path ("hospital.lines.0.unit_cost"), or None where there is none."""
    return FieldPath.parse(path).value_in(scenario)


def display_path(scenario: Mapping[str, Any], path: str) -> str:
    """List indices replaced by item ids where items have one, as `--set` accepts them
    ("hospital.lines.ae.unit_cost"): easier to read and to paste into an override."""
    return str(FieldPath.parse(path).named(scenario))


def payer_names(scenario: Mapping[str, Any]) -> dict[str, str]:
    payers = scenario_at(scenario, "contract.payers") or []
    return {p["id"]: p.get("name") or p["id"] for p in payers if isinstance(p, Mapping) and "id" in p}


def by_id(scenario: Mapping[str, Any], path: str) -> dict[str, Mapping[str, Any]]:
    items = scenario_at(scenario, path) or []
    return {i["id"]: i for i in items if isinstance(i, Mapping) and "id" in i}


def commissioner_name(scenario: Mapping[str, Any]) -> str:
    payer = scenario_at(scenario, "finance.commissioner.payer")
    return payer_names(scenario).get(payer, "The commissioner") if payer else "The commissioner"


def label(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


# --- cash flows by month (cashflows.csv, long format) ---------------------------------------------
