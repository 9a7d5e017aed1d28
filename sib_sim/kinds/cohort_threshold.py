"""cohort_threshold: Peterborough-style payment on a cohort's effect, only when the cohort's relative
reduction against the comparison reaches a tier (10% for one cohort, 7.5% pooled; NYC ABLE tiers).
A tier pays a price per unit of effect, a lump sum, a percentage of a target payment, or a mix.

Each cohort is claimed once its last participant's follow-up is over (plus the evidence delay). The
pooled test, if any, is claimed with (just after) the last cohort: if all cohorts together reach its
threshold it pays for the whole pooled effect, net of what the cohorts earned (before caps: the rule
cannot see caps, which apply later; so a capped cohort payment is not topped up by the pooled one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..lazy_numpy import np
from pydantic import Field, model_validator

from ..errors import UserError
from ..fields import FieldError, Identifier, Months, Positive, Probability, Section
from .claims import Kind, Ledger, Observed, PendingClaim, Row, in_force, require_section
from .lines import LineBase, Price, scale_dated
from .thresholds import reduction_reaches


class CohortWindow(Section):
    """Participants whose first appointment falls in [start_from, start_to)."""

    id: Identifier
    start_from: Months
    start_to: Months

    @model_validator(mode="after")
    def _ordered(self) -> "CohortWindow":
        if self.start_to <= self.start_from:
            raise FieldError(("start_to",), "start_to must be after start_from")
        return self


class Tier(Section):
    """What a cohort earns when its reduction reaches `at_least`: `price` per unit of effect (cost or
    events avoided), plus a `lump_sum`, plus `percent_of_target` of the line's `target` payment.
    The price and lump sum may be dated; the one in force in the cohort's claim month applies."""

    at_least: Probability
    price: Price = 0.0
    lump_sum: Price = 0.0
    percent_of_target: Probability = 0.0


class Pooled(Section):
    """Peterborough's second test: all cohorts together, paid net of what cohorts already earned."""

    at_least: Probability


class CohortThreshold(LineBase):
    """Pays price x (comparison - participants) on `measure` over each participant's follow-up, only
    when a cohort's relative reduction reaches a tier. Peterborough: 10% for one cohort, 7.5% pooled.
    `measure` is `cost` or a hospital line id (counts of that line, e.g. non_elective admissions).
    """

    kind: Literal["cohort_threshold"]
    measure: Identifier = "cost"
    follow_up_months: Positive
    cohorts: list[CohortWindow] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)
    pooled: Pooled | None = None
    target: Price | None = None  # the payment a tier's percent_of_target is a share of (may be dated)

    @model_validator(mode="after")
    def _tiers_increase(self) -> "CohortThreshold":
        levels = [t.at_least for t in self.tiers]
        if any(b <= a for a, b in zip(levels, levels[1:])):
            raise FieldError(("tiers",), "tiers must have increasing at_least")
        _tier_payments_rise(self.tiers)
        for i, tier in enumerate(self.tiers):
            if tier.percent_of_target > 0 and self.target is None:
                raise FieldError(("tiers", i, "percent_of_target"), "percent_of_target needs the line's target")
        if self.target is not None and not any(t.percent_of_target > 0 for t in self.tiers):
            raise FieldError(("target",), "target is read only by a tier's percent_of_target, and no tier has one")
        if self.pooled is not None and any(_ever_pays(t.lump_sum) or t.percent_of_target for t in self.tiers):
            # Peterborough's pooled test pays the first tier's price per event avoided; what a pooled
            # test owes on lump sums or a target is written in no contract this follows.
            raise FieldError(("pooled",), "a pooled test pays the first tier's price per unit avoided, net of "
                             "what the cohorts earned; it cannot be combined with lump_sum or percent_of_target")
        ids = [c.id for c in self.cohorts]
        if len(set(ids)) != len(ids):
            raise FieldError(("cohorts",), "cohort ids must be unique")
        if self.suspended:
            raise FieldError(("suspended",), "a cohort_threshold line cannot be suspended: its cohorts are "
                             "measured over whole follow-ups (suspend the months by ending a cohort's window)")
        # Cohorts are claimed once each, when their follow-up is over: claim periods do not apply. (By
        # value, not by whether the key was written: a re-validated scenario carries every default.)
        defaults = type(self.claim)()
        for name in ("frequency", "last_outcome_month"):
            if getattr(self.claim, name) != getattr(defaults, name):
                raise FieldError(("claim", name), f"claim.{name} does not apply to a cohort_threshold line: each "
                                 "cohort is claimed once, when its follow-up and evidence delay are over")
        return self


def _ever_pays(value: Price) -> bool:
    return any(p.amount > 0 for p in value) if isinstance(value, list) else value > 0


def _change_months(values: list[Price]) -> list[int]:
    """Month 0 and each month in which one of the (possibly dated) `values` changes."""
    months = {0}
    for value in values:
        if isinstance(value, list):
            months.update(max(int(np.ceil(p.from_month - 0.5)), 0) for p in value)
    return sorted(months)


def _tier_payments_rise(tiers: list[Tier]) -> None:
    """A higher tier must not pay less than a lower one, in any month (dated prices compared in every
    month one of them changes): otherwise reaching a higher tier could lower what a cohort earns."""
    for i, (lower, upper) in enumerate(zip(tiers, tiers[1:])):
        for name in ("price", "lump_sum", "percent_of_target"):
            low, high = getattr(lower, name), getattr(upper, name)
            for month in _change_months([low, high]):
                if in_force(high, month) < in_force(low, month):
                    when = f" in month {month}" if isinstance(low, list) or isinstance(high, list) else ""
                    raise FieldError(("tiers", i + 1, name), f"a higher tier must not pay less: {name} "
                                     f"{in_force(high, month):g} at {upper.at_least:g} is below "
                                     f"{in_force(low, month):g} at {lower.at_least:g}{when}")


@dataclass(frozen=True)
class CohortMeasure:
    """Participants starting in [start_from, start_to), followed for `follow_up_months` each: what the
    evaluator totals for a cohort (`measure` is "cost" or a hospital line id, counting its events)."""

    start_from: float
    start_to: float
    follow_up_months: float
    measure: str

    @property
    def key(self) -> str:
        return f"{self.measure}:{self.start_from:g}-{self.start_to:g}+{self.follow_up_months:g}"


def cohort_measures(line: CohortThreshold) -> list[CohortMeasure]:
    """The cohorts a threshold line tests, plus the pooled cohort (all of them) if it has one."""
    measures = [CohortMeasure(c.start_from, c.start_to, line.follow_up_months, line.measure) for c in line.cohorts]
    if line.pooled is not None:
        measures.append(CohortMeasure(min(c.start_from for c in line.cohorts), max(c.start_to for c in line.cohorts),
                                      line.follow_up_months, line.measure))
    return measures


def _measured(ledger: Ledger, measure: CohortMeasure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participants, treated total, comparison total) of one cohort."""
    data = ledger.cohorts[measure.key]
    return data[:, 0], data[:, 1], data[:, 2]


def _reduction(treated: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(comparison > 0, 1.0 - treated / np.where(comparison > 0, comparison, 1.0), 0.0)


def _tier_earned(line: CohortThreshold, treated: np.ndarray, comparison: np.ndarray, month: float) -> np.ndarray:
    """What the highest tier the cohort reaches pays (0 below the first), thresholds met exactly:
    price x effect + lump sum + percent of target, each as in force in the claim `month`."""
    avoided = np.maximum(comparison - treated, 0.0)
    earned = np.zeros(treated.shape)
    target = 0.0 if line.target is None else in_force(line.target, month)
    for tier in line.tiers:  # increasing thresholds and payments: the highest tier reached wins
        pays = (in_force(tier.price, month) * avoided + in_force(tier.lump_sum, month)
                + tier.percent_of_target * target)
        earned = np.where(reduction_reaches(treated, comparison, tier.at_least), pays, earned)
    return earned


def claims(line: CohortThreshold, ledger: Ledger) -> list[PendingClaim]:
    measures = cohort_measures(line)
    out = []
    for window, measure in zip(line.cohorts, measures):
        participants, treated, comparison = _measured(ledger, measure)
        ready = max(window.start_to + line.follow_up_months + line.claim.evidence_delay_months,
                    line.claim.first_claim_month)
        out.append(PendingClaim(window.start_from, window.start_to, ready, participants,
                                _reduction(treated, comparison), _tier_earned(line, treated, comparison, ready)))
    if line.pooled is not None:
        participants, treated, comparison = _measured(ledger, measures[-1])
        reduction, avoided = _reduction(treated, comparison), np.maximum(comparison - treated, 0.0)
        reached = reduction_reaches(treated, comparison, line.pooled.at_least)
        month = max(c.claim_month for c in out)
        whole = np.where(reached, in_force(line.tiers[0].price, month) * avoided, 0.0)
        already = sum(c.earned for c in out)
        out.append(PendingClaim(measures[-1].start_from, measures[-1].start_to, month,
                                participants, reduction, np.maximum(whole - already, 0.0)))
    return out


def series(line: CohortThreshold) -> tuple[str, ...]:
    return ()


def needs(line: CohortThreshold) -> tuple[CohortMeasure, ...]:
    return tuple(cohort_measures(line))


def entries(line: CohortThreshold) -> tuple[str, ...]:
    return tuple(f"cohort {m.key}" for m in cohort_measures(line))


def add_observed(ledger: Ledger, line: CohortThreshold, rows: Sequence[Row], where: Callable[[Row], str]) -> None:
    """One row per cohort: count = participants, value = their total, comparison = the comparison's
    total (scaled to one per participant); a pooled test reads the sums over the line's cohorts."""
    measures = cohort_measures(line)
    ids = [c.id for c in line.cohorts]
    seen: dict[str, int] = {}
    pooled = np.zeros(3)
    for row in rows:
        if row.cohort in seen:
            raise UserError(f"cohort {row.cohort!r} of line {line.id!r} is already given on line {seen[row.cohort]}: "
                            "one row per cohort", where=where(row), field="cohort")
        seen[row.cohort] = row.line_number
        totals = np.array([row.count, row.value, row.comparison])
        ledger.cohorts[measures[ids.index(row.cohort)].key][0] = totals
        pooled += totals
    if line.pooled is not None and rows:
        ledger.cohorts[measures[-1].key][0] = pooled


def check(line: CohortThreshold, scenario) -> None:
    require_section(scenario, "hospital", "hospital use")
    if line.by_area:
        raise FieldError(("by_area",), "hospital use is modelled for the cohort as a whole, so a line paying on "
                         "it cannot be paid by area")
    measures = ["cost"] + [x.id for x in scenario.hospital.lines]
    if line.measure not in measures:
        raise FieldError(("measure",), f"unknown measure {line.measure!r}; known: {measures}")


def scaled(line: CohortThreshold, k: float) -> CohortThreshold:
    """Every tier's price and lump sum, and the target its percentages are of, times k."""
    tiers = [t.model_copy(update={"price": scale_dated(t.price, k, "amount"),
                                  "lump_sum": scale_dated(t.lump_sum, k, "amount")}) for t in line.tiers]
    target = None if line.target is None else scale_dated(line.target, k, "amount")
    return line.model_copy(update={"tiers": tiers, "target": target})


KIND = Kind("cohort_threshold", CohortThreshold, claims, series, needs, entries, add_observed, scaled,
            Observed(value="the participants' total over their follow-up", value_may_be_negative=False,
                     cohort_rows=True), check=check)
