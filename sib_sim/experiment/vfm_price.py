"""Indifference prices: the scale on outcome prices at which two paired quantities cross.

A scale k multiplies every outcome line's price, savings share and tier payments (or those of one
named line); fixed fees are not outcome prices and keep their value. For each replication the paired
difference d_r(k) (SIB minus direct commissioner cost, or the investor's profit) is evaluated on a
coarse grid of scales over all replications at once (one vectorised pass per scale), which brackets
each replication's first sign change; scipy's brentq then finds the root inside that bracket on the
replication alone. The interval is the quantiles of the per-replication roots; the point estimate is
the root of the mean difference (brentq on the mean over replications).

Caps make payments flat in k once they bind, so a difference can stay on one side of zero at every
scale searched: such replications are counted ("never crosses") rather than given a made-up root.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..contract import apply_contract
from ..finance import cash_flows
from ..kinds import KINDS
from ..measure import OutcomeLedger
from ..scenario import Scenario

DEFAULT_MAX_SCALE = 4.0
GRID_POINTS = 9  # coarse grid: brackets only; brentq does the rest
XTOL = 1e-3  # on the scale: a tenth of a per cent of today's prices


def scale_line(line: object, k: float) -> object:
    """One outcome line with its prices times k, as its kind declares them (kinds.Kind.scaled);
    unvalidated on purpose (a scaled share may pass 1, which pays more than the measured saving: a
    number the search needs, not a contract to sign)."""
    return KINDS[line.kind].scaled(line, k)  # type: ignore[attr-defined]


def scale_prices(scenario: Scenario, k: float, line: str | None = None) -> Scenario:
    """The scenario with outcome prices times k (every line's, or only `line`'s)."""
    outcomes = [scale_line(rule, k) if line is None or rule.id == line else rule for rule in scenario.contract.outcomes]
    contract = scenario.contract.model_copy(update={"outcomes": outcomes})
    return scenario.model_copy(update={"contract": contract})


def priced_metrics(scenario: Scenario, ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    """Contract and finance on measured cohorts: the per-replication finance metrics."""
    payments = apply_contract(scenario.contract, ledger)
    flows = cash_flows(scenario, payments, ledger)
    return flows.metrics | {"payments_total": payments.total}


def take_replications(ledger: OutcomeLedger, index: np.ndarray | list[int]) -> OutcomeLedger:
    """The ledger of some replications only (every array sliced on its first axis)."""
    def cut(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: v[index] for k, v in d.items()}

    return OutcomeLedger(
        series=cut(ledger.series), scalars=cut(ledger.scalars),
        star_change_histogram=ledger.star_change_histogram[index], milestones=cut(ledger.milestones),
        cohorts=cut(ledger.cohorts), parameters=cut(ledger.parameters),
        comparison_milestones=cut(ledger.comparison_milestones), areas=ledger.areas, modelled=ledger.modelled,
        by_area={a: cut(v) for a, v in ledger.by_area.items()},
        area_milestones={a: cut(v) for a, v in ledger.area_milestones.items()},
        area_comparison_milestones={a: cut(v) for a, v in ledger.area_comparison_milestones.items()})


# A paired difference at scale k: (scenario priced at k, its metrics, replication index) -> values.
Difference = Callable[[dict[str, np.ndarray], np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Indifference:
    """Where a paired difference crosses zero, as a scale on prices."""

    what: str
    line: str | None
    point: float  # root of the mean difference; NaN when the mean never crosses in [0, max_scale]
    roots: np.ndarray  # per replication; NaN where it never crosses
    never_below: int  # replications whose difference is above zero at every scale searched
    never_above: int  # ... below zero at every scale searched
    max_scale: float
    grid: np.ndarray  # the coarse scales
    mean_difference: np.ndarray  # mean difference at each grid scale

    def summary(self) -> dict[str, object]:
        found = self.roots[np.isfinite(self.roots)]
        out: dict[str, object] = {"what": self.what, "line": self.line, "point": _num(self.point),
                                  "n": int(self.roots.size), "n_crossing": int(found.size),
                                  "never_below": self.never_below, "never_above": self.never_above,
                                  "max_scale": self.max_scale}
        if found.size:
            p5, p50, p95 = np.percentile(found, [5, 50, 95])
            out |= {"p5": float(p5), "p50": float(p50), "p95": float(p95), "mean": float(found.mean())}
        return out


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def indifference(scenario: Scenario, ledger: OutcomeLedger, difference: Difference, what: str,
                 line: str | None = None, max_scale: float = DEFAULT_MAX_SCALE,
                 per_replication: bool = True) -> Indifference:
    """The scale on prices where `difference` (per replication) crosses zero, per replication and on
    the mean. `difference(metrics, replications)` is evaluated on the scenario priced at each scale.
    With per_replication False only the mean's root is searched (roots are left NaN)."""
    n = ledger.n_replications
    everyone = np.arange(n)
    grid = np.linspace(0.0, max_scale, GRID_POINTS)
    values = np.array([difference(priced_metrics(scale_prices(scenario, k, line), ledger), everyone) for k in grid])
    roots = np.full(n, np.nan)
    for r in range(n if per_replication else 0):
        bracket = _first_crossing(values[:, r])
        if bracket is None:
            continue
        one = take_replications(ledger, [r])
        f = partial_difference(scenario, one, difference, line, r)
        roots[r] = _root(f, grid, values[:, r], bracket)
    mean = values.mean(axis=1)
    point = math.nan
    bracket = _first_crossing(mean)
    if bracket is not None:
        def f_mean(k: float) -> float:
            return float(np.mean(difference(priced_metrics(scale_prices(scenario, k, line), ledger), everyone)))
        point = _root(f_mean, grid, mean, bracket)
    never_below = int(np.sum(np.all(values > 0, axis=0)))
    never_above = int(np.sum(np.all(values < 0, axis=0)))
    return Indifference(what, line, point, roots, never_below, never_above, max_scale, grid, mean)


def partial_difference(scenario: Scenario, one: OutcomeLedger, difference: Difference, line: str | None,
                       r: int) -> Callable[[float], float]:
    index = np.array([r])

    def f(k: float) -> float:
        return float(difference(priced_metrics(scale_prices(scenario, k, line), one), index)[0])
    return f


def _first_crossing(values: np.ndarray) -> int | None:
    """Index i of the first grid interval [i, i+1] where the values reach or cross zero."""
    if values[0] == 0.0:
        return 0
    for i in range(len(values) - 1):
        if np.sign(values[i]) != np.sign(values[i + 1]) or values[i + 1] == 0.0:
            return i
    return None


def _root(f: Callable[[float], float], grid: np.ndarray, values: np.ndarray, i: int) -> float:
    from scipy.optimize import brentq  # here: importing experiment/ should not load scipy.optimize

    if values[i] == 0.0:
        return float(grid[i])
    if values[i + 1] == 0.0:
        return float(grid[i + 1])
    return float(brentq(f, float(grid[i]), float(grid[i + 1]), xtol=XTOL))
