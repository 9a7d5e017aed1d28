"""What every rule kind declares and makes: the Kind record, pending claims and claim periods.

A rule kind is one module of this package. It declares its schema (a pydantic class on `kind`), the
measured series and participant-level outcomes it reads, how it earns claims from a ledger, and how a
row of an observed-outcomes CSV becomes its input (`Kind` below). The registry in kinds/__init__.py
lists them; every stage asks the registry, never `isinstance`. This package sits below scenario/,
measure/ and contract/ and imports none of them: the ledger reaches it as an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from ..lazy_numpy import np

from ..fields import FieldError
from .lines import Claim, DatedPrice, DatedShare, LineBase

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


class Ledger(Protocol):
    """What a kind reads of measure.OutcomeLedger (kept as a protocol so kinds import no stage)."""

    series: dict[str, np.ndarray]
    milestones: dict[str, np.ndarray]
    comparison_milestones: dict[str, np.ndarray]
    cohorts: dict[str, np.ndarray]

    @property
    def horizon_months(self) -> int: ...


class Row(Protocol):
    """What a kind reads of one checked row of an observed CSV (io.observed.ObservedRow)."""

    line_number: int
    month: int | None
    count: float
    value: float | None
    cohort: str | None
    comparison: float | None


@dataclass(frozen=True)
class PendingClaim:
    """A claim as a rule makes it, before caps and payers."""

    period_start: float
    period_end: float
    claim_month: float
    count: np.ndarray  # what the rule counted (Stars, participants, patient-months)
    value: np.ndarray  # the average, saving or reduction the rule read (NaN where it has none)
    earned: np.ndarray


def _never(line: Any) -> bool:
    return False


@dataclass(frozen=True)
class Observed:
    """How rows of an observed CSV feed a kind: what `value` means (None: the kind takes none), whether
    it may be negative, whether rows name a cohort (with its comparison total), and whether a line's
    rows give a `comparison` count without a cohort (lines paying net of a comparison group)."""

    value: str | None = None
    value_may_be_negative: bool = True
    cohort_rows: bool = False
    comparison: Callable[[Any], bool] = _never


@dataclass(frozen=True)
class Kind:
    """One rule kind, self-described (see the module doc)."""

    name: str
    schema: type[LineBase]
    claims: Callable[[Any, Ledger], list[PendingClaim]]  # (line, ledger) -> claims in the order made
    series: Callable[[Any], tuple[str, ...]]  # ledger series the line reads
    needs: Callable[[Any], tuple[Any, ...]]  # participant outcomes / cohort measures to count for it
    entries: Callable[[Any], tuple[str, ...]]  # what its observed rows fill (lines sharing one clash)
    add_observed: Callable[[Ledger, Any, Sequence[Row], Callable[[Row], str]], None]
    # (line, k) -> the line with every outcome price it pays times k, unvalidated (a scaled share may
    # pass 1): what value for money's indifference price scales. Required, so that a new kind says
    # what its prices are rather than being left out of the search.
    scaled: Callable[[Any, float], Any]
    observed: Observed = Observed()
    # Whether measurement-risk views (measure.views: true and null measurement) reach what it pays on.
    measurement_views: bool = False
    # (line, scenario) -> None, raising fields.FieldError (path relative to the line) when the scenario
    # does not model what the line pays on (Stars, hospital use, a named milestone).
    check: Callable[[Any, Any], None] = lambda line, scenario: None


def no_needs(line: Any) -> tuple[Any, ...]:
    return ()


def require_section(scenario: Any, section: str, what: str, path: tuple[str | int, ...] = ("kind",)) -> None:
    """Refuse a line that pays on `what` in a scenario without the section that models it."""
    if getattr(scenario, section) is None:
        raise FieldError(path, f"this line pays on {what}, but the scenario has no `{section}:` section")


# --- claim periods and prices ----------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimPeriod:
    start: int
    end: int  # exclusive
    claim_month: float


def claim_periods(claim: Claim, horizon_months: int) -> list[ClaimPeriod]:
    """Periods [start, end) over which outcomes are counted, up to the last outcome month.

    A claim is made when the evidence is in (period end + evidence delay), but never before the
    first claim month (e.g. Ways to Wellness outcome B: evidenced only after 24 months).
    """
    length = PERIOD_MONTHS[claim.frequency]
    last = horizon_months if claim.last_outcome_month is None else min(claim.last_outcome_month, horizon_months)
    last = int(np.ceil(last))
    periods = []
    for start in range(0, last, length):
        end = min(start + length, last)
        claim_month = max(end + claim.evidence_delay_months, claim.first_claim_month)
        periods.append(ClaimPeriod(start, end, claim_month))
    return periods


def price_by_month(price: float | list[DatedPrice] | list[DatedShare], horizon_months: int) -> np.ndarray:
    """The price (or share) in force in each month: a dated value applies from its month on (at the
    month's mid-point), and nothing is in force before the first date."""
    if not isinstance(price, list):
        return np.full(horizon_months, float(price))
    months = np.arange(horizon_months)
    out = np.zeros(horizon_months)
    for step in sorted(price, key=lambda p: p.from_month):
        out[months + 0.5 >= step.from_month] = step.amount if isinstance(step, DatedPrice) else step.share
    return out


def in_force(price: float | list[DatedPrice], month: float) -> float:
    """The price in force in the month holding `month` (a claim month, say), by price_by_month's
    rule: a dated price applies from its month on, at the month's mid-point; none before the first."""
    if not isinstance(price, list):
        return float(price)
    mid = float(np.floor(month)) + 0.5
    steps = [p for p in sorted(price, key=lambda p: p.from_month) if mid >= p.from_month]
    return float(steps[-1].amount) if steps else 0.0


def active_months(line: LineBase, horizon_months: int) -> np.ndarray:
    """1.0 in the months the line pays on, 0.0 inside its suspension windows."""
    months = np.arange(horizon_months) + 0.5
    active = np.ones(horizon_months)
    for window in line.suspended:
        active[(months >= window.from_month) & (months < window.to_month)] = 0.0
    return active


def suspension_fees(line: LineBase, horizon_months: int, n: int) -> list[PendingClaim]:
    """The fee that replaces a suspended line's outcomes: one claim a month in each window, made at the
    month's end (no evidence to wait for) and paid after the line's payment lag."""
    claims = []
    for window in line.suspended:
        if window.fee_per_month <= 0:
            continue
        for month in range(int(np.floor(window.from_month)), min(int(np.ceil(window.to_month)), horizon_months)):
            fee = np.full(n, window.fee_per_month)
            claims.append(PendingClaim(month, month + 1, month + 1.0, np.zeros(n), np.full(n, np.nan), fee))
    return claims


# (count, value, earned) over replications; a string, so defining it does not import numpy
Earned: TypeAlias = "tuple[np.ndarray, np.ndarray, np.ndarray]"


def periodic_claims(line: LineBase, ledger: Ledger, price: float | list[DatedPrice] | list[DatedShare],
                    earn: Callable[[Any, Ledger, slice, np.ndarray, np.ndarray], Earned]) -> list[PendingClaim]:
    """One claim per claim period, each earning `earn(line, ledger, months, price, active)`: `price`
    is the price (or share) in force in each month, zero inside suspension windows, and `active` is
    1 outside them and 0 inside (for what a kind pays on other than its price)."""
    horizon = ledger.horizon_months
    active = active_months(line, horizon)
    prices = price_by_month(price, horizon) * active
    claims = []
    for period in claim_periods(line.claim, horizon):
        count, value, earned = earn(line, ledger, slice(period.start, period.end), prices, active)
        claims.append(PendingClaim(period.start, period.end, period.claim_month, count, value, earned))
    return claims


def add_to_series(ledger: Ledger, names: Sequence[str], rows: Sequence[Row],
                  value: Callable[[Row], Sequence[float]]) -> None:
    """Observed rows added to monthly series: series names[i] += value(row)[i] in the row's month."""
    for row in rows:
        for name, amount in zip(names, value(row)):
            ledger.series[name][0, row.month] += amount
