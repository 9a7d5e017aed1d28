"""Design points: run a scenario at given values of its uncertain parameters and read one metric.

The bridge between sensitivity methods, which think in points of parameter space, and the simulator,
which thinks in replications. A design point is {uncertain path: value}; each point is simulated on
one or more replications, whose random streams come from (seed, replication) as in any run, and the
chosen metric is read from the replications table. No analysis library is imported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.overrides import did_you_mean
from ..defaults import DEFAULT_METRIC  # shown in the CLI help
from .executor import Progress
from .parameters import parameter_paths, quantile
from .replicate import simulate_replication

Point = Mapping[str, float]


def uncertain_paths(scenario: Scenario) -> list[str]:
    """The uncertain parameters in their fixed order; a sensitivity analysis needs at least one."""
    paths = parameter_paths(scenario)
    if not paths:
        raise UserError(f"scenario {scenario.name!r} has no uncertain parameters to analyse",
                        field="uncertainty",
                        hint="add an uncertainty: section, e.g. cohort.p_engage: {dist: beta, mean: 0.78, sd: 0.02}")
    return paths


def point_values(scenario: Scenario) -> dict[str, float]:
    """Every uncertain parameter at its point value (median of a lognormal, else the mean)."""
    return {path: scenario.uncertainty[path].point for path in uncertain_paths(scenario)}


def values_at_quantiles(scenario: Scenario, quantiles: np.ndarray) -> list[dict[str, float]]:
    """Rows of quantiles (one column per uncertain path, in path order) as design points.

    Each quantile goes through its distribution's inverse CDF, which keeps it within the 0.1% and
    99.9% quantiles, so a design point can never break a field that the distribution's bulk respects.
    """
    paths = uncertain_paths(scenario)
    q = np.atleast_2d(np.asarray(quantiles, dtype=float))
    if q.shape[1] != len(paths):
        raise ValueError(f"{q.shape[1]} quantile columns for {len(paths)} uncertain parameters")
    dists = [scenario.uncertainty[path] for path in paths]
    return [{path: quantile(dist, float(x)) for path, dist, x in zip(paths, dists, row)} for row in q]


def metric_names(scenario: Scenario, seed: int | None = None) -> list[str]:
    """The numeric columns of the replications table: one quick replication, in this process."""
    from . import evaluate_with_cuts  # contract, finance and metrics, and the capacity-cut metrics

    seed = scenario.run.seed if seed is None else seed
    ledger = simulate_replication(scenario, seed, 0, parameters=point_values(scenario) if scenario.uncertainty else {})
    table = evaluate_with_cuts(scenario, ledger, seed, [0]).replications
    return [c for c in table.columns if c != "replication" and pd.api.types.is_numeric_dtype(table[c])]


def check_metric(metric: str, known: Sequence[str]) -> None:
    """Fail before the long part if the metric is not a numeric column of the replications table."""
    if metric not in known:
        raise UserError(f"unknown metric {metric!r}: it must be a numeric column of replications.csv",
                        field="--metric", hint=did_you_mean(metric, list(known)))


def replications_for(n_points: int, per_point: int, shared: bool = True,
                     block: int = 1) -> list[list[int]]:
    """Which replications (random streams) each design point runs on.

    shared: every point runs on replications 0..per_point-1 (common random numbers: differences
    between points are due to the parameters, not to luck). Otherwise points are grouped in blocks of
    `block` consecutive points (a Sobol base row and its cross-samples): block b runs on replications
    b*per_point .. (b+1)*per_point-1, so different blocks see different luck.
    """
    if shared:
        return [list(range(per_point))] * n_points
    return [list(range((i // block) * per_point, (i // block + 1) * per_point)) for i in range(n_points)]


def simulate_points(scenario: Scenario, points: Sequence[Point],
                    replications: Sequence[Sequence[int]] | None = None, seed: int | None = None,
                    workers: int | None = None, scheduler: str | None = None,
                    progress: Progress | None = None) -> pd.DataFrame:
    """The replications table of every point's replications, with a `point` column (0, 1, ...).

    `replications[i]`: the replications point i runs on (default: replication 0 for every point);
    every point must have the same number. Runs through the usual executors (local or Dask), so the
    numbers never depend on the workers or the backend.
    """
    from . import evaluate_with_cuts, simulate  # the package's API: the same path as any run

    reps = [list(r) for r in (replications or [[0]] * len(points))]
    if len(reps) != len(points) or len({len(r) for r in reps}) > 1 or not reps[0]:
        raise ValueError("give each design point the same, non-zero number of replications")
    flat_reps = [r for point_reps in reps for r in point_reps]
    sets = [dict(point) for point, point_reps in zip(points, reps) for _ in point_reps]
    seed = scenario.run.seed if seed is None else seed
    ledger = simulate(scenario, flat_reps, seed, workers, progress, scheduler=scheduler, parameter_sets=sets)
    # A point whose money runs out (shortfall: scale_back) is re-simulated with the cut capacity, on
    # the same draws and at the point's own parameter values (experiment.delivery_cut).
    table = evaluate_with_cuts(scenario, ledger, seed, flat_reps).replications
    table.insert(0, "point", np.repeat(np.arange(len(points)), len(reps[0])))
    return table


def metric_matrix(table: pd.DataFrame, metric: str) -> np.ndarray:
    """One metric from `simulate_points` as an array (points, replications per point)."""
    if metric not in table.columns or not pd.api.types.is_numeric_dtype(table[metric]):
        check_metric(metric, [c for c in table.columns if c not in ("point", "replication")
                              and pd.api.types.is_numeric_dtype(table[c])])
    n_points = int(table["point"].max()) + 1
    return table[metric].to_numpy(dtype=float).reshape(n_points, -1)


def evaluate_points(scenario: Scenario, points: Sequence[Point], metric: str = DEFAULT_METRIC,
                    replications_per_point: int = 1, seed: int | None = None, workers: int | None = None,
                    scheduler: str | None = None, progress: Progress | None = None,
                    shared: bool = True, block: int = 1) -> np.ndarray:
    """The metric's mean over each point's replications (NaN where it is undefined in all of them).

    By default every point runs on the same replications (common random numbers); see
    `replications_for` for `shared` and `block`.
    """
    reps = replications_for(len(points), replications_per_point, shared, block)
    values = metric_matrix(simulate_points(scenario, points, reps, seed, workers, scheduler, progress), metric)
    with warnings.catch_warnings():  # a point where the metric is never defined (an IRR) stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=1)

