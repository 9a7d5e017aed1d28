"""`sib-sim sensitivity` and `sib-sim sweep`: which uncertain parameters move a metric, and the deal
zone over contract terms. cli.py registers them (`register(app)`) where they are listed; the options
and helpers are the shared ones of cli_common.py."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_common import (EngineOpt, ForceOpt, QuietOpt, ScenarioArg, SchedulerOpt, SeedOpt, SetOpt, WorkersOpt, advance,
                         check_container, handled, out, progress_bar, with_engine)
from .defaults import DEFAULT_HURDLE, DEFAULT_METRIC, DEFAULT_PROBABILITY, DEFAULT_REPLICATIONS
from .defaults import DEFAULT_SAMPLES, MAX_REPLICATIONS


def sensitivity(
    scenario: ScenarioArg,
    method: Annotated[str, typer.Option(help="oneway (tornado from each parameter's P10 and P90), morris "
                                             "(screening) or sobol (first- and total-order indices).")] = "oneway",
    metric: Annotated[str, typer.Option(help="A numeric column of replications.csv.")] = DEFAULT_METRIC,
    samples: Annotated[Optional[int], typer.Option(help=f"Morris trajectories (default {DEFAULT_SAMPLES['morris']}) "
                                                        f"or the Sobol base sample N, a power of two (default "
                                                        f"{DEFAULT_SAMPLES['sobol']}).")] = None,
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS,
        help="Replications per design point (default: oneway {oneway}, morris {morris}, sobol {sobol}).".format(
            **DEFAULT_REPLICATIONS))] = None,
    second_order: Annotated[bool, typer.Option("--second-order", help="Sobol: also second-order indices "
                                                                      "(N x (2D + 2) points).")] = False,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder to add sensitivity/ to "
                                                    "(default: results/<name>).")] = None,
    set_: SetOpt = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Which uncertain parameters move a metric: tornado, Morris screening or Sobol indices (SALib).

    Writes <out>/sensitivity/<tornado|morris|sobol>.csv, .png and .json; other files in <out> are kept.

    Example: sib-sim sensitivity scenarios/ways_to_wellness.yaml --method sobol --samples 128
    --metric investor_multiple
    """
    from .experiment.points import uncertain_paths
    from .experiment.sensitivity import check_settings, design_points, sensitivity as analyse
    from .io.scenario_file import read_scenario_file
    from .io.sensitivity_folder import write_sensitivity_folder
    from .reports.console import print_sensitivity
    from .reports.sensitivity_figures import sensitivity_figure

    overrides = with_engine(tuple(set_ or ()), engine)
    with handled("interrupted: nothing written"):
        loaded = read_scenario_file(scenario, overrides)
        s = loaded.scenario
        check_settings(method, samples, replications, second_order)  # before sizing the progress bar
        target_dir = out_dir or Path("results") / s.name
        check_container(target_dir, "sensitivity", force)
        total = design_points(method, len(uncertain_paths(s)), samples, second_order) * (
            replications or DEFAULT_REPLICATIONS.get(method, 1))
        with progress_bar(quiet) as bar:
            task = bar.add_task(f"{method}: {s.name}", total=total)
            result = analyse(s, method, metric, samples, replications, seed, workers, scheduler,
                             progress=lambda k: advance(bar, task, k), second_order=second_order)
        target = write_sensitivity_folder(result, target_dir, partial(sensitivity_figure, currency=s.currency),
                                          str(scenario), loaded.sha256, overrides, force=force)
    if not quiet:
        print_sensitivity(out, result, s.currency)
        out.print(f"Sensitivity written to {target}/", highlight=False, markup=False)


def sweep(
    scenario: ScenarioArg,
    param: Annotated[list[str], typer.Option("--param", help="A term to sweep: PATH=LO:HI:N (once or twice), e.g. "
                                             "contract.outcomes.wellbeing.price=200:400:5.", show_default=False)],
    hurdle: Annotated[float, typer.Option(help="The investor's hurdle money multiple.")] = DEFAULT_HURDLE,
    probability: Annotated[float, typer.Option(help="How likely both conditions must be for the deal zone.")]
    = DEFAULT_PROBABILITY,
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: run.replications).")] = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder to add sweep/ to "
                                                    "(default: results/<name>).")] = None,
    set_: SetOpt = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """The deal zone: a grid over one or two terms, with P(investor multiple >= hurdle) and
    P(commissioner's payments covered by its cashable savings) at each point.

    Terms (contract, finance) re-price one simulation of the cohorts (a point that cuts delivery
    re-simulates the replications it cuts). Writes <out>/sweep/grid.csv,
    deal_zone.png and sweep.json; other files in <out> are kept.

    Example: sib-sim sweep scenarios/ways_to_wellness.yaml --param contract.outcomes.wellbeing.price=100:500:5
    --param contract.outcomes.secondary_care.share=0.3:0.7:5 --hurdle 1.5
    """
    from .experiment.sweep import count_simulations, parse_axis, sweep as sweep_terms
    from .io.scenario_file import read_scenario_file
    from .io.sensitivity_folder import write_sweep_folder
    from .reports.console import print_sweep
    from .reports.sensitivity_figures import deal_zone

    overrides = with_engine(tuple(set_ or ()), engine)
    with handled("interrupted: nothing written"):
        loaded = read_scenario_file(scenario, overrides)
        s = loaded.scenario
        axes = [parse_axis(text) for text in param]
        target_dir = out_dir or Path("results") / s.name
        check_container(target_dir, "sweep", force)
        n = replications or s.run.replications
        with progress_bar(quiet) as bar:
            task = bar.add_task(f"Sweeping {s.name}", total=n * count_simulations(s, axes))
            result = sweep_terms(s, axes, hurdle, probability, n, seed, workers, scheduler,
                                 progress=lambda k: advance(bar, task, k))
        target = write_sweep_folder(result, target_dir, partial(deal_zone, currency=s.currency), str(scenario),
                                    loaded.sha256, overrides, force=force)
    if not quiet:
        print_sweep(out, result, s.currency)
        out.print(f"Sweep written to {target}/", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add `sensitivity`, `sweep` to the command line (cli.py calls this where they are listed)."""
    app.command()(sensitivity)
    app.command()(sweep)
