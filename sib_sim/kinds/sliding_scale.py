"""sliding_scale: price x count, scaled by a fraction read off a piecewise-linear scale of a cohort
average (Ways to Wellness outcome A: 0% below +0.5 Star points, 100% at +1.4 or more)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from ..lazy_numpy import np
from pydantic import Field, model_validator

from ..fields import FieldError, Probability
from .claims import (Earned, Kind, Ledger, Observed, PendingClaim, Row, add_to_series, no_needs, periodic_claims,
                     require_section)
from .lines import LineBase, Price, scale_dated
from .thresholds import reaches, snap

AVERAGE_SUMS = {"star_change": ("star_change_sum", "star_followups")}


class SlidingScale(LineBase):
    """price x count, scaled by a fraction read off a piecewise-linear scale of a cohort average.

    Ways to Wellness outcome A: 0% below +0.5 Star points, 100% at +1.4 or more.
    """

    kind: Literal["sliding_scale"]
    price: Price
    count: Literal["star_followups", "engaged"] = "star_followups"
    average: Literal["star_change"] = "star_change"
    points: list[tuple[float, Probability]] = Field(min_length=2)

    @model_validator(mode="after")
    def _increasing(self) -> "SlidingScale":
        xs = [x for x, _ in self.points]
        if any(b <= a for a, b in zip(xs, xs[1:])):
            raise FieldError(("points",), "sliding scale points must have increasing averages")
        for i, ((_, low), (x, high)) in enumerate(zip(self.points, self.points[1:])):
            if high < low:  # a better average must never be paid less
                raise FieldError(("points", i + 1), f"a sliding scale must not pay less as the average rises: "
                                 f"{high:g} at {x:g} is below {low:g} before it")
        return self


def _earn(line: SlidingScale, ledger: Ledger, months: slice, price: np.ndarray,
          active: np.ndarray) -> Earned:
    """price x count x fraction, the fraction read off the scale at the period's cohort average."""
    series = ledger.series
    total_name, count_name = AVERAGE_SUMS[line.average]
    with np.errstate(invalid="ignore", divide="ignore"):
        average = series[total_name][:, months].sum(axis=1) / series[count_name][:, months].sum(axis=1)
    xs = np.array([x for x, _ in line.points])
    fs = np.array([f for _, f in line.points])
    # Nothing below the first point (DESIGN.md: "0 below lo"), even when the scale starts above 0; an
    # average equal to a point as written gets that point's fraction (kinds.thresholds).
    below = ~reaches(average, xs[0])
    fraction = np.where(below, 0.0, np.interp(snap(np.nan_to_num(average), xs), xs, fs))
    counts = series[line.count][:, months]
    return counts.sum(axis=1), average, (counts * price[months]).sum(axis=1) * fraction


def claims(line: SlidingScale, ledger: Ledger) -> list[PendingClaim]:
    return periodic_claims(line, ledger, line.price, _earn)


def series(line: SlidingScale) -> tuple[str, ...]:
    return AVERAGE_SUMS[line.average][::-1] + ((line.count,) if line.count != "star_followups" else ())


def add_observed(ledger: Ledger, line: SlidingScale, rows: Sequence[Row], where: Callable[[Row], str]) -> None:
    """count = follow-up Stars in the month (engaged participants for `count: engaged`), value = their
    mean Star change: the sums the average is read from."""
    names = ("star_followups", "star_change_sum") + (("engaged",) if line.count == "engaged" else ())
    add_to_series(ledger, names, rows, lambda row: (row.count, row.count * row.value, row.count))


def check(line: SlidingScale, scenario) -> None:
    require_section(scenario, "wellbeing", "Well-being Stars")


def scaled(line: SlidingScale, k: float) -> SlidingScale:
    return line.model_copy(update={"price": scale_dated(line.price, k, "amount")})


KIND = Kind("sliding_scale", SlidingScale, claims, series, no_needs, series, add_observed, scaled,
            Observed(value="the mean Star change of the row's count"), measurement_views=True, check=check)
