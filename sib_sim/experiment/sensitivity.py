"""Which uncertain parameters move a metric: one-way (tornado), Morris screening, Sobol indices.

SALib samples and analyses; the model stays outside it (sample -> evaluate -> analyse, DESIGN.md
section 9): SALib only ever sees a function from a matrix of inputs to a vector of outputs, so the
same adapters run the Ishigami test function or the simulator. For the simulator the inputs are
quantiles in [0, 1] of each parameter's distribution (SALib's `problem` bounds) and the values come
from the inverse CDF, so Sobol's variance shares are under the parameters' own distributions.
This is the only module that imports SALib, and only inside the functions that use it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.overrides import did_you_mean
from ..defaults import DEFAULT_REPLICATIONS, DEFAULT_SAMPLES  # shown in the CLI help
from .executor import Progress
from .parameters import check_parameters
from .points import (DEFAULT_METRIC, check_metric, metric_matrix, metric_names, point_values,
                     replications_for, simulate_points, uncertain_paths, values_at_quantiles)

METHODS = ("oneway", "morris", "sobol")
MORRIS_LEVELS = 4
P_LOW, P_HIGH = 0.1, 0.9  # the tornado's low and high values
RESAMPLES = 1000  # bootstrap resamples for the confidence intervals
Evaluate = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SensitivityResult:
    """One analysis: `table` has one row per parameter, most influential first."""

    method: str  # oneway | morris | sobol
    metric: str
    table: pd.DataFrame
    notes: tuple[str, ...]
    scenario: str
    seed: int
    samples: int | None  # Morris trajectories or Sobol base sample; None for one-way
    replications_per_point: int
    n_points: int
    base: float | None = None  # one-way: the metric with every parameter at its point value
    points: pd.DataFrame | None = None  # Morris and Sobol: each design point's values and metric
    second_order: pd.DataFrame | None = None  # Sobol with second_order=True: S2 for each pair


# --- SALib adapters: any evaluate(X) -> y ----------------------------------------------------------

def _problem(names: Sequence[str], bounds: Sequence[Sequence[float]]) -> dict[str, object]:
    return {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}


def _outputs(evaluate: Evaluate, x: np.ndarray) -> np.ndarray:
    y = np.asarray(evaluate(x), dtype=float).reshape(-1)
    if y.shape != (len(x),):
        raise ValueError(f"evaluate returned {y.size} outputs for {len(x)} inputs")
    return y


def sobol_indices(names: Sequence[str], bounds: Sequence[Sequence[float]], evaluate: Evaluate, n: int,
                  seed: int, second_order: bool = False,
                  conf_level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame | None, np.ndarray, np.ndarray]:
    """First- and total-order Sobol indices with bootstrap confidence half-widths (Saltelli design).

    Returns (parameter, S1, S1_conf, ST, ST_conf) in input order, the pairs' S2 (or None), and the
    design X and outputs y. `n` should be a power of two (balance of the Sobol' sequence).
    """
    from SALib.analyze import sobol as analyse
    from SALib.sample import sobol as sample

    problem = _problem(names, bounds)
    x = sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    y = _outputs(evaluate, x)
    si = analyse.analyze(problem, y, calc_second_order=second_order, num_resamples=RESAMPLES,
                         conf_level=conf_level, seed=seed)
    table = pd.DataFrame({"parameter": list(names), "S1": si["S1"], "S1_conf": si["S1_conf"],
                          "ST": si["ST"], "ST_conf": si["ST_conf"]})
    pairs = None
    if second_order:
        pairs = pd.DataFrame([{"parameter_1": a, "parameter_2": names[j], "S2": si["S2"][i, j],
                               "S2_conf": si["S2_conf"][i, j]}
                              for i, a in enumerate(names) for j in range(i + 1, len(names))])
    return table, pairs, x, y


def morris_effects(names: Sequence[str], bounds: Sequence[Sequence[float]], evaluate: Evaluate,
                   trajectories: int, seed: int, levels: int = MORRIS_LEVELS,
                   conf_level: float = 0.95) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Morris elementary effects: (parameter, mu, mu_star, sigma, mu_star_conf) in input order."""
    from SALib.analyze import morris as analyse
    from SALib.sample import morris as sample

    problem = _problem(names, bounds)
    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    y = _outputs(evaluate, x)
    si = analyse.analyze(problem, x, y, num_resamples=RESAMPLES, conf_level=conf_level, num_levels=levels,
                         seed=seed)
    table = pd.DataFrame({"parameter": list(names), "mu": si["mu"], "mu_star": si["mu_star"],
                          "sigma": si["sigma"], "mu_star_conf": si["mu_star_conf"]})
    return table, x, y


# --- the simulator as evaluate(X) -> y ---------------------------------------------------------------

@dataclass(frozen=True)
class Runner:
    """How design points are simulated: the metric, the seed, the replications and where they run."""

    scenario: Scenario
    metric: str
    replications: int
    seed: int
    workers: int | None = None
    scheduler: str | None = None
    progress: Progress | None = None
    cuts: list[tuple[int, int]] = field(default_factory=list)  # (runs that cut delivery, runs) per batch

    def table(self, points: Sequence[dict[str, float]], shared: bool = True, block: int = 1) -> pd.DataFrame:
        reps = replications_for(len(points), self.replications, shared, block)
        table = simulate_points(self.scenario, points, reps, self.seed, self.workers, self.scheduler, self.progress)
        cut = int(table["capacity_cut"].sum()) if "capacity_cut" in table else 0
        self.cuts.append((cut, len(table)))
        return table

    def cut_notes(self) -> list[str]:
        """Say when design points cut delivery (re-simulated with the cut: experiment.delivery_cut)."""
        cut, runs = sum(c for c, _ in self.cuts), sum(n for _, n in self.cuts)
        if not cut:
            return []
        return [f"delivery was cut (money ran out under scale_back) in {cut} of {runs} runs of the design: those "
                "runs were re-simulated with the cut capacity on the same draws and at their point's values"]

    def quantile_function(self, shared: bool = True, block: int = 1) -> Evaluate:
        """evaluate(Q) -> y for SALib: rows of quantiles -> the metric's mean over each point's replications."""
        def evaluate(quantiles: np.ndarray) -> np.ndarray:
            values = metric_matrix(self.table(values_at_quantiles(self.scenario, quantiles), shared, block),
                                   self.metric)
            undefined = int(np.isnan(values).any(axis=1).sum())
            if undefined:
                raise UserError(f"{self.metric} is undefined (NaN) at {undefined} of {len(values)} design points; "
                                "Morris and Sobol need a value at every point", field="--metric",
                                hint="choose a metric defined in every replication, e.g. investor_multiple "
                                     "rather than investor_irr")
            return values.mean(axis=1)
        return evaluate


def _design_table(scenario: Scenario, x: np.ndarray, y: np.ndarray, metric: str) -> pd.DataFrame:
    values = pd.DataFrame(values_at_quantiles(scenario, x))
    values[metric] = y
    return values


def one_way(runner: Runner) -> SensitivityResult:
    """Each parameter at its P10 and at its P90, the others at their point values: the tornado."""
    scenario, paths = runner.scenario, uncertain_paths(runner.scenario)
    base = point_values(scenario)
    lows = [scenario.uncertainty[p].ppf(P_LOW) for p in paths]
    highs = [scenario.uncertainty[p].ppf(P_HIGH) for p in paths]
    points = [base] + [{**base, p: v} for p, lo, hi in zip(paths, lows, highs) for v in (lo, hi)]
    table = runner.table(points)
    values = metric_matrix(table, runner.metric)
    with warnings.catch_warnings():  # a metric undefined in every replication of a point stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(values, axis=1)
        diffs = values[2::2] - values[1::2]  # high - low, paired replication by replication
        se = np.nanstd(diffs, axis=1, ddof=1) / np.sqrt(np.sum(np.isfinite(diffs), axis=1))
    out = pd.DataFrame({"parameter": paths, "low": lows, "high": highs, "metric_low": means[1::2],
                        "metric_high": means[2::2]})
    out["swing"] = (out["metric_high"] - out["metric_low"]).abs()
    out["swing_se"] = se if runner.replications > 1 else np.nan
    out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    notes = [f"each parameter at its P10 and P90 with the others at their point values; {len(points)} points "
             f"x {runner.replications} replications on the same random streams (common random numbers)",
             f"{runner.metric} with every parameter at its point value (the base): {_number(means[0])}",
             "swing = |metric at P90 - metric at P10|; swing_se: its standard error over the paired replications"]
    notes += _cap_notes(table) + runner.cut_notes()
    return SensitivityResult("oneway", runner.metric, out, tuple(notes), scenario.name, runner.seed, None,
                             runner.replications, len(points), base=float(means[0]))


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _cap_notes(table: pd.DataFrame) -> list[str]:
    """Say when caps bind: a capped metric cannot rise, which mutes every parameter that would raise it."""
    if "payments_cut_by_caps" not in table.columns:
        return []
    cut = table.groupby("point")["payments_cut_by_caps"].apply(lambda s: float(np.mean(s > 0)))
    if cut.max() <= 0:
        return []
    return [f"caps cut payments in {cut.iloc[0]:.0%} of the base point's replications and in up to "
            f"{cut.max():.0%} at other points: a binding cap flattens the effect of anything that raises payments"]


def morris(runner: Runner, trajectories: int) -> SensitivityResult:
    """Morris screening on the quantile scale: mu_star ranks influence, sigma flags interactions or curvature."""
    paths = uncertain_paths(runner.scenario)
    table, x, y = morris_effects(paths, [[0.0, 1.0]] * len(paths), runner.quantile_function(), trajectories,
                                 runner.seed)
    table = table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    notes = (f"{trajectories} trajectories x {len(paths) + 1} points, {MORRIS_LEVELS} levels of each parameter's "
             f"quantile (0.1%, 33%, 67%, 99.9%); {runner.replications} replications per point on the same "
             "random streams (common random numbers)",
             f"mu, mu_star and sigma are in {runner.metric} per unit of quantile (the whole range 0 to 1); "
             "mu_star_conf is a 95% bootstrap half-width", *runner.cut_notes())
    return SensitivityResult("morris", runner.metric, table, notes, runner.scenario.name, runner.seed,
                             trajectories, runner.replications, len(x),
                             points=_design_table(runner.scenario, x, y, runner.metric))


def sobol(runner: Runner, n: int, second_order: bool = False) -> SensitivityResult:
    """Sobol first- and total-order indices (Saltelli design, Jansen estimators) with 95% intervals.

    The model is noisy: each base row of the Saltelli design (its A and B points and their cross
    samples) runs on its own replications, shared within the row. Differences within a row are then
    due to the parameters, and the model's own randomness shows up as variance that no parameter
    explains (1 - sum of S1, beyond interactions), not as inflated indices.
    """
    paths = uncertain_paths(runner.scenario)
    block = (2 if second_order else 1) * len(paths) + 2
    evaluate = runner.quantile_function(shared=False, block=block)
    table, pairs, x, y = sobol_indices(paths, [[0.0, 1.0]] * len(paths), evaluate, n, runner.seed, second_order)
    table = table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    notes = (f"Saltelli design: N = {n} base rows x {block} points = {len(x)} points, {runner.replications} "
             "replication(s) per point",
             "each base row runs on its own random streams, shared by its cross-samples: the model's own "
             f"randomness is variance no parameter explains; here sum of S1 = {table['S1'].sum():.2f}",
             "S1: share of the variance due to the parameter alone; ST: including its interactions; "
             "*_conf: 95% bootstrap half-widths (small N gives wide intervals and can give indices below 0)",
             *runner.cut_notes())
    return SensitivityResult("sobol", runner.metric, table, notes, runner.scenario.name, runner.seed, n,
                             runner.replications, len(x), points=_design_table(runner.scenario, x, y, runner.metric),
                             second_order=pairs)


def design_points(method: str, n_parameters: int, samples: int | None = None, second_order: bool = False) -> int:
    """How many design points a method runs (for progress bars)."""
    samples = DEFAULT_SAMPLES.get(method) if samples is None else samples
    if method == "oneway":
        return 2 * n_parameters + 1
    if method == "morris":
        return samples * (n_parameters + 1)
    return samples * ((2 if second_order else 1) * n_parameters + 2)


# Documented limits (README "Limits"): beyond these the design alone would not fit in memory, and the
# indices stop changing long before.
MAX_SAMPLES = {"oneway": 0, "morris": 10_000, "sobol": 2 ** 16}


def check_settings(method: str, samples: int | None, replications: int | None, second_order: bool = False) -> None:
    if method not in METHODS:
        raise UserError(f"unknown method {method!r}", field="--method", hint=did_you_mean(method, list(METHODS)))
    if second_order and method != "sobol":
        raise UserError("second-order indices are a Sobol option", field="--second-order")
    if method == "oneway" and samples is not None:
        raise UserError("--samples sets Morris trajectories or the Sobol base sample; one-way has none",
                        field="--samples")
    if method == "morris" and samples is not None and samples < 2:
        raise UserError(f"Morris needs at least 2 trajectories (got {samples})", field="--samples")
    if method == "sobol" and samples is not None and (samples < 2 or samples & (samples - 1)):
        raise UserError(f"the Sobol base sample must be a power of two, at least 2 (got {samples})",
                        field="--samples", hint="e.g. 64, 128 or 256: the Sobol' sequence is balanced only then")
    if replications is not None and replications < 1:
        raise UserError(f"replications per point must be at least 1 (got {replications})", field="--replications")
    if samples is not None and samples > MAX_SAMPLES[method]:
        raise UserError(f"at most {MAX_SAMPLES[method]:,} {'trajectories' if method == 'morris' else 'base samples'} "
                        f"(got {samples:,}); a documented limit: each design point is a simulation", field="--samples")


def sensitivity(scenario: Scenario, method: str = "oneway", metric: str = DEFAULT_METRIC, samples: int | None = None,
                replications: int | None = None, seed: int | None = None, workers: int | None = None,
                scheduler: str | None = None, progress: Progress | None = None,
                second_order: bool = False) -> SensitivityResult:
    """Run one sensitivity analysis of `metric` (a numeric column of the replications table).

    method: "oneway" (tornado from P10/P90), "morris" (`samples` trajectories, default 10) or "sobol"
    (base sample `samples`, a power of two, default 64). `replications`: per design point (default
    20, 4 and 1). Same numbers whatever `workers` or `scheduler`.
    """
    check_settings(method, samples, replications, second_order)
    uncertain_paths(scenario)
    check_parameters(scenario)  # every design point stays inside its field's rules
    seed = scenario.run.seed if seed is None else seed
    check_metric(metric, metric_names(scenario, seed))
    runner = Runner(scenario, metric, DEFAULT_REPLICATIONS[method] if replications is None else replications, seed,
                    workers, scheduler, progress)
    if method == "oneway":
        return one_way(runner)
    if method == "morris":
        return morris(runner, DEFAULT_SAMPLES["morris"] if samples is None else samples)
    return sobol(runner, DEFAULT_SAMPLES["sobol"] if samples is None else samples, second_order)
