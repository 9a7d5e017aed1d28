"""Threshold sweeps and the deal zone: where both the investor and the commissioner would sign.

A grid over one or two terms (say the outcome A price x the outcome B savings share). At each point,
over replications: the probability that the investor's multiple reaches a hurdle, and the
probability that the commissioner's payments are covered by its cashable savings (net cost <= 0).
The deal zone is where both probabilities reach a chosen level.

Terms (contract, finance) do not change the simulated cohorts, so the cohorts are simulated once
and re-priced at every grid point: exact paired comparisons, and a 2-D grid costs one simulation.
A swept value that changes the world (a hospital rate) is simulated per point, on the same seeds.
Under `shortfall: scale_back`, a point whose money runs out in a replication cuts delivery there:
that replication is re-simulated with the cut capacity on the same draws (experiment.delivery_cut,
as `compare` does), so its outcomes and payments reflect the cut; `p_capacity_cut` in the grid and
the notes say where.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UserError
from ..measure import definitions_for
from ..scenario import Scenario
from ..scenario.overrides import canonical_path, value_at, with_overrides
from .compare import simulation_key
from ..defaults import DEFAULT_HURDLE, DEFAULT_PROBABILITY  # shown in the CLI help
from .executor import Progress, simulate_replications

FORMAT_HINT = "expected PATH=LO:HI:N, e.g. --param contract.outcomes.wellbeing.price=200:400:5"


@dataclass(frozen=True)
class Axis:
    """One swept value: `n` evenly spaced values from `lo` to `hi`."""

    path: str
    lo: float
    hi: float
    n: int

    @property
    def values(self) -> list[float]:
        return [float(v) for v in np.linspace(self.lo, self.hi, self.n)]


@dataclass(frozen=True)
class SweepResult:
    """`grid`: one row per point (axis values first), with both probabilities and `deal`."""

    scenario: str
    axes: tuple[Axis, ...]
    grid: pd.DataFrame
    hurdle_multiple: float
    probability: float
    replications: int
    seed: int
    simulations: int  # cohort simulations run: 1 when only terms are swept
    notes: tuple[str, ...]


MAX_POINTS_PER_AXIS = 1_000  # a documented limit (README "Limits"): each point re-prices every replication


def parse_axis(text: str) -> Axis:
    """`a.b=lo:hi:n` -> Axis; a bad string is a UserError that shows the expected form."""
    path, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not path.strip() or len(parts) != 3:
        raise UserError(f"bad --param {text!r}", where="--param", hint=FORMAT_HINT)
    try:
        lo, hi = float(parts[0]), float(parts[1])
        n = int(parts[2])
    except ValueError:
        raise UserError(f"bad --param {text!r}: LO and HI must be numbers and N a whole number",
                        where="--param", hint=FORMAT_HINT) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise UserError(f"bad --param {text!r}: LO and HI must be finite", where="--param", hint=FORMAT_HINT)
    if n < 2:
        raise UserError(f"bad --param {text!r}: N must be at least 2 (got {n})", where="--param", hint=FORMAT_HINT)
    if n > MAX_POINTS_PER_AXIS:
        raise UserError(f"bad --param {text!r}: at most {MAX_POINTS_PER_AXIS} points on an axis (got {n:,})",
                        where="--param", hint=FORMAT_HINT)
    if lo >= hi:
        raise UserError(f"bad --param {text!r}: LO must be below HI (got {lo:g} and {hi:g})", where="--param",
                        hint=FORMAT_HINT)
    return Axis(path.strip(), lo, hi, n)


def check_axes(scenario: Scenario, axes: list[Axis]) -> None:
    """One or two distinct paths, each naming a number the scenario has, valid at both ends."""
    if not 1 <= len(axes) <= 2:
        raise UserError(f"a sweep takes one or two --param (got {len(axes)})", where="--param", hint=FORMAT_HINT)
    if len({a.path for a in axes}) < len(axes):
        raise UserError(f"--param {axes[0].path} is given twice", where="--param")
    data = scenario.model_dump(mode="json")
    for axis in axes:
        found = canonical_path(data, axis.path)
        current = value_at(data, found) if found is not None else None
        if isinstance(current, (dict, str, bool)):
            raise UserError("not a number; sweep a numeric term", where="--param",
                            field=axis.path)
        for end in (axis.lo, axis.hi):  # an unknown path or a value the field refuses fails here
            try:
                with_overrides(scenario, {axis.path: end})
            except UserError as error:
                raise UserError(error.message, where="--param", field=error.field or axis.path,
                                hint=error.hint) from None


def grid_points(axes: list[Axis]) -> list[dict[str, float]]:
    """Every combination, the first axis outermost."""
    if len(axes) == 1:
        return [{axes[0].path: v} for v in axes[0].values]
    return [{axes[0].path: a, axes[1].path: b} for a in axes[0].values for b in axes[1].values]


def simulation_groups(scenarios: list[Scenario]) -> list[list[int]]:
    """Grid points that share cohorts: only their terms differ (see compare)."""
    groups: dict[str, list[int]] = {}
    for i, scenario in enumerate(scenarios):
        groups.setdefault(simulation_key(scenario), []).append(i)
    return list(groups.values())


def count_simulations(scenario: Scenario, axes: list[Axis]) -> int:
    """How many cohort simulations a sweep runs (for progress bars)."""
    check_axes(scenario, axes)
    return len(simulation_groups([with_overrides(scenario, p) for p in grid_points(axes)]))


def point_statistics(replications: pd.DataFrame, hurdle: float) -> dict[str, float]:
    """Both probabilities over replications; a NaN multiple (no investor, nothing drawn) misses the hurdle."""
    multiple = replications["investor_multiple"].to_numpy(dtype=float)
    net_cost = replications["commissioner_net_cost"].to_numpy(dtype=float)
    finite = multiple[np.isfinite(multiple)]
    return {"p_investor_hurdle": float(np.mean(np.nan_to_num(multiple, nan=-np.inf) >= hurdle)),
            "p_commissioner_covered": float(np.mean(net_cost <= 0.0)),
            "payments_total_p50": float(np.median(replications["payments_total"])),
            "investor_multiple_p50": float(np.median(finite)) if finite.size else math.nan,
            "commissioner_net_cost_p50": float(np.median(net_cost)),
            "p_capacity_cut": float(np.mean(replications["capacity_cut"])) if "capacity_cut" in replications
            else 0.0,
            "n": len(replications)}


def sweep(scenario: Scenario, params: list[Axis] | list[str], hurdle_multiple: float = DEFAULT_HURDLE,
          probability: float = DEFAULT_PROBABILITY, replications: int | None = None, seed: int | None = None,
          workers: int | None = None, scheduler: str | None = None, progress: Progress | None = None) -> SweepResult:
    """The grid over one or two terms, each point's probabilities, and the deal zone.

    params: Axis records or strings "a.b=lo:hi:n". Terms-only grids simulate the cohorts once and
    re-price them at every point; other grids simulate each point on the same seeds.
    """
    from . import evaluate_with_cuts  # the package's evaluate, with delivery cuts re-simulated

    axes = [parse_axis(p) if isinstance(p, str) else p for p in params]
    check_axes(scenario, axes)
    if not 0.0 < probability <= 1.0:
        raise UserError(f"probability must be in (0, 1] (got {probability:g})", where="--probability")
    if not math.isfinite(hurdle_multiple) or hurdle_multiple < 0:
        raise UserError(f"the hurdle multiple must be 0 or more (got {hurdle_multiple:g})", where="--hurdle")
    points = grid_points(axes)
    scenarios = [with_overrides(scenario, p) for p in points]
    n = scenario.run.replications if replications is None else replications
    seed = scenario.run.seed if seed is None else seed
    groups = simulation_groups(scenarios)
    rows: dict[int, dict[str, float]] = {}
    for members in groups:  # every group on the same seeds: common random numbers across the grid
        definitions = definitions_for([scenarios[i].contract for i in members])
        ledger = simulate_replications(scenarios[members[0]], seed, list(range(n)), workers, scheduler, progress,
                                       definitions)
        for i in members:
            priced = evaluate_with_cuts(scenarios[i], ledger, seed, list(range(n)), definitions)
            rows[i] = point_statistics(priced.replications, hurdle_multiple)
    grid = pd.concat([pd.DataFrame(points), pd.DataFrame([rows[i] for i in range(len(points))])], axis=1)
    grid.insert(len(axes) + 2, "deal", (grid["p_investor_hurdle"] >= probability)
                & (grid["p_commissioner_covered"] >= probability))
    return SweepResult(scenario.name, tuple(axes), grid, hurdle_multiple, probability, n, seed, len(groups),
                       tuple(_notes(scenario, grid, hurdle_multiple, probability, n, len(groups))))


def _notes(scenario: Scenario, grid: pd.DataFrame, hurdle: float, probability: float, n: int,
           simulations: int) -> list[str]:
    deal = int(grid["deal"].sum())
    notes = [f"P(investor multiple >= {hurdle:g}) and P(commissioner net cost <= 0) over {n} replications per "
             f"point; deal zone: both >= {probability:g} at {deal} of {len(grid)} points",
             "terms only: one simulation re-priced at every point (common random numbers)" if simulations == 1
             else f"{simulations} simulations on the same seeds (a swept value changes the simulated cohorts)"]
    cut = grid["p_capacity_cut"] > 0
    if cut.any():
        notes.append(f"delivery was cut (money ran out under scale_back) at {int(cut.sum())} of {len(grid)} points, "
                     f"in up to {grid['p_capacity_cut'].max():.0%} of replications: those replications were "
                     "re-simulated with the cut capacity on the same draws, not re-priced on the shared simulation")
    if scenario.finance.commitment <= 0:
        notes.append("the scenario has no investor: its hurdle is never met, so there is no deal zone")
    return notes
