"""The sib-sim command line: parse, call the Python API, print, write. Nothing else lives here.

Exit status: 0 ok, 1 internal error (traceback saved to a log file), 2 user error (bad input).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
import tempfile
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from .errors import UserError
from .scenario.masking import masked_overrides
from .scenario.run import MAX_REPLICATIONS
from .experiment.compare import check_currencies, simulation_key
from .experiment import compare as compare_variants
from .experiment import run as run_scenario
from .experiment.sensitivity import DEFAULT_SAMPLES, design_points, sensitivity as analyse
from .experiment.sensitivity import DEFAULT_REPLICATIONS, check_settings
from .experiment.points import DEFAULT_METRIC, uncertain_paths
from .experiment.sweep import DEFAULT_HURDLE, DEFAULT_PROBABILITY, count_simulations, parse_axis
from .experiment.sweep import sweep as sweep_terms
from .io.sensitivity_folder import write_sensitivity_folder, write_sweep_folder
from .reports.sensitivity_figures import deal_zone, sensitivity_figure
from .io.compare_folder import write_compare_folder
from .io.observed import price_outcomes
from .io.pricing_folder import write_pricing_folder
from .io.results_folder import write_results_folder
from .io.scenario_file import read_scenario_file, read_terms_file, scenario_json_schema, starter_scenario
from .reports import make_figures
from .reports.console import print_comparison, print_pricing, print_sensitivity, print_summary, print_sweep
from .reports.html import render_report_from_folder

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Simulate outcomes contracts (social impact bonds): payments, costs and returns.")
# emoji=False: user text such as a file named x:b:3.yaml must print as written, not as an emoji code.
out = Console(emoji=False)
if not out.is_terminal:  # piped or captured: no terminal to fit, so do not cut the tables at 80 columns
    out = Console(width=120, emoji=False)
err = Console(stderr=True, emoji=False)


def _fail_user(error: UserError) -> None:
    # escape: the message is plain text; brackets in it (sib_sim[distributed], items[0]) are not markup.
    err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _fail_internal(exc: BaseException) -> None:
    log = Path(tempfile.mkstemp(prefix="sib-sim-error-", suffix=".log")[1])
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    what = escape(f"{type(exc).__name__}: {exc}")
    err.print(f"[bold red]internal error:[/] {what}\nTraceback saved to {escape(str(log))}",
              highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def _handled(interrupted: str = "interrupted: nothing written") -> Iterator[None]:
    """The command line's promise: a user error is one message and exit 2, Ctrl-C exits 130 having
    written nothing, anything else is our bug: exit 1 with the traceback saved to a log."""
    try:
        yield
    except UserError as e:
        _fail_user(e)
    except KeyboardInterrupt:
        err.print(interrupted)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a value: a.b.c=value (repeatable).")]
SchedulerOpt = Annotated[Optional[str], typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; "
                                                        "default: local processes.")]


@app.command()
def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario file and report the first problem with its file, line and field.

    Example: sib-sim validate scenarios/ways_to_wellness.yaml
    """
    with _handled():
        loaded = read_scenario_file(scenario, tuple(set_ or ()))
    s = loaded.scenario
    out.print(f"{scenario}: ok ({s.name}: {len(s.contract.outcomes)} outcome lines, "
              f"{len(s.contract.payers)} payers, {s.run.horizon_months} months)", highlight=False, markup=False)


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: run.replications).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: run.seed).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder (default: results/<name>).")] = None,
    set_: SetOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json (manifest and metrics) to "
                                          "standard output instead of the table, for scripts.")] = False,
) -> None:
    """Run a scenario's replications, print the summary and write the results folder.

    Example: sib-sim run scenarios/ways_to_wellness.yaml --replications 200 --out results/wtw
    """
    overrides = tuple(set_ or ())
    with _handled():
        loaded = read_scenario_file(scenario, overrides)
    s = loaded.scenario
    n = replications or s.run.replications
    if not (quiet or as_json):  # before simulating, so a masked override can be corrected at once
        for warning in masked_overrides(s.contract, s.currency, overrides):
            err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    with _handled("interrupted: no results folder written"):
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err, disable=quiet or as_json, transient=True) as bar:
            task = bar.add_task(f"Simulating {s.name}", total=n)
            results = run_scenario(s, replications=n, seed=seed, workers=workers, scheduler=scheduler,
                                   progress=lambda k: bar.advance(task, k))
        target = write_results_folder(results, out_dir or Path("results") / s.name, str(scenario),
                                      loaded.sha256, overrides, figures=make_figures, sources=loaded.sources)
    if as_json:
        typer.echo((target / "summary.json").read_text(encoding="utf-8"), nl=False)
    elif not quiet:
        print_summary(out, results.summary(), s, n, results.seed)
        out.print(f"Results written to {target}/", highlight=False, markup=False)


@app.command()
def price(
    terms: Annotated[Path, typer.Argument(help="Contract terms: a scenario file, or one with only name, "
                                               "currency, run and contract.", show_default=False)],
    outcomes: Annotated[Path, typer.Option("--outcomes", help="Observed outcomes CSV (columns outcome, period "
                                           "or date, count, value, cohort, comparison).", show_default=False)],
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Write payments.csv, cuts.csv and "
                                                    "summary.json to this folder.")] = None,
    set_: SetOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Price observed outcomes under a contract, with no simulation: check invoices, re-price history.

    The same contract code as the simulation pays the observed counts: claim periods, prices, caps,
    payers and timing. Prints every claim, the totals by payer and line, and every cap cut.

    Example: sib-sim price scenarios/ways_to_wellness.yaml --outcomes observed.csv --out priced/2017q1
    """
    overrides = tuple(set_ or ())
    with _handled():
        contract_terms = read_terms_file(terms, overrides)
        payments = price_outcomes(contract_terms, outcomes)
        target = None if out_dir is None else write_pricing_folder(payments, out_dir, contract_terms, terms,
                                                                    outcomes, overrides)
    if not quiet:
        print_pricing(out, payments, contract_terms)
        if target is not None:
            out.print(f"Payments written to {target}/", highlight=False, markup=False)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the base.",
                                                    show_default=False)],
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: the base's).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: the base's).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Write compare.json and each variant's "
                                                    "replications to this folder.")] = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Compare contract terms on the same simulated cohorts: paired differences with 90% intervals.

    Variants that differ only in contract or finance re-price one simulation; others run on the same
    seeds. Each line shows base and variant medians, the mean paired difference (variant - base), its
    5-95% range over replications, and how often the variant is higher.

    Example: sib-sim compare scenarios/ways_to_wellness.yaml scenarios/ways_to_wellness_direct.yaml
    """
    if len(scenarios) < 2:
        _fail_user(UserError("compare needs at least two scenario files (the first is the base)"))
    with _handled():
        loaded = [read_scenario_file(path) for path in scenarios]
        variants = [f.scenario for f in loaded]
        check_currencies(variants, [str(p) for p in scenarios])
        n = replications or variants[0].run.replications
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err, disable=quiet, transient=True) as bar:
            simulations = len({simulation_key(v) for v in variants})  # variants sharing cohorts simulate once
            task = bar.add_task(f"Simulating {simulations} cohort set(s)", total=n * simulations)
            comparison = compare_variants(variants, replications=n, seed=seed, workers=workers,
                                          scheduler=scheduler, progress=lambda k: bar.advance(task, k))
        target = None if out_dir is None else write_compare_folder(comparison, out_dir, [str(p) for p in scenarios])
    if not quiet:
        print_comparison(out, comparison, n)
        if target is not None:
            out.print(f"Comparison written to {target}/", highlight=False, markup=False)


@app.command()
def report(folder: Annotated[Path, typer.Argument(help="A results folder written by `sib-sim run`.",
                                                  show_default=False)]) -> None:
    """Re-render report.html from a results folder (after adding sensitivity results, say).

    Example: sib-sim report results/ways_to_wellness
    """
    with _handled():
        html = render_report_from_folder(folder)
        target = folder / "report.html"
        staging = target.with_name(".report.html.incomplete")
        staging.write_text(html, encoding="utf-8")
        staging.replace(target)  # atomic: a reader never sees half a page
    out.print(f"Report written to {target}", highlight=False, markup=False)


# --- sensitivity and sweep -----------------------------------------------------------------------

def _bar(quiet: bool) -> Progress:
    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, disable=quiet, transient=True)


@app.command()
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
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: run.seed).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder to add sensitivity/ to "
                                                    "(default: results/<name>).")] = None,
    set_: SetOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Which uncertain parameters move a metric: tornado, Morris screening or Sobol indices (SALib).

    Writes <out>/sensitivity/<tornado|morris|sobol>.csv, .png and .json; other files in <out> are kept.

    Example: sib-sim sensitivity scenarios/ways_to_wellness.yaml --method sobol --samples 128
    --metric investor_multiple
    """
    overrides = tuple(set_ or ())
    with _handled("interrupted: nothing written"):
        loaded = read_scenario_file(scenario, overrides)
        s = loaded.scenario
        check_settings(method, samples, replications, second_order)  # before sizing the progress bar
        total = design_points(method, len(uncertain_paths(s)), samples, second_order) * (
            replications or DEFAULT_REPLICATIONS.get(method, 1))
        with _bar(quiet) as bar:
            task = bar.add_task(f"{method}: {s.name}", total=total)
            result = analyse(s, method, metric, samples, replications, seed, workers, scheduler,
                             progress=lambda k: bar.advance(task, k), second_order=second_order)
        target = write_sensitivity_folder(result, out_dir or Path("results") / s.name, sensitivity_figure,
                                          str(scenario), loaded.sha256, overrides)
    if not quiet:
        print_sensitivity(out, result)
        out.print(f"Sensitivity written to {target}/", highlight=False, markup=False)


@app.command()
def sweep(
    scenario: ScenarioArg,
    param: Annotated[list[str], typer.Option("--param", help="A term to sweep: PATH=LO:HI:N (once or twice), e.g. "
                                             "contract.outcomes.wellbeing.price=200:400:5.", show_default=False)],
    hurdle: Annotated[float, typer.Option(help="The investor's hurdle money multiple.")] = DEFAULT_HURDLE,
    probability: Annotated[float, typer.Option(help="How likely both conditions must be for the deal zone.")]
    = DEFAULT_PROBABILITY,
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: run.replications).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: run.seed).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder to add sweep/ to "
                                                    "(default: results/<name>).")] = None,
    set_: SetOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """The deal zone: a grid over one or two terms, with P(investor multiple >= hurdle) and
    P(commissioner's payments covered by its cashable savings) at each point.

    Terms (contract, finance) re-price one simulation of the cohorts. Writes <out>/sweep/grid.csv,
    deal_zone.png and sweep.json; other files in <out> are kept.

    Example: sib-sim sweep scenarios/ways_to_wellness.yaml --param contract.outcomes.wellbeing.price=100:500:5
    --param contract.outcomes.secondary_care.share=0.3:0.7:5 --hurdle 1.5
    """
    overrides = tuple(set_ or ())
    with _handled("interrupted: nothing written"):
        loaded = read_scenario_file(scenario, overrides)
        s = loaded.scenario
        axes = [parse_axis(text) for text in param]
        n = replications or s.run.replications
        with _bar(quiet) as bar:
            task = bar.add_task(f"Sweeping {s.name}", total=n * count_simulations(s, axes))
            result = sweep_terms(s, axes, hurdle, probability, n, seed, workers, scheduler,
                                 progress=lambda k: bar.advance(task, k))
        target = write_sweep_folder(result, out_dir or Path("results") / s.name, deal_zone, str(scenario),
                                    loaded.sha256, overrides)
    if not quiet:
        print_sweep(out, result)
        out.print(f"Sweep written to {target}/", highlight=False, markup=False)


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Where to write the starter scenario.")] = Path("scenario.yaml"),
         force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write a commented starter scenario to edit: every field with its unit and meaning.

    Example: sib-sim init my_programme.yaml && sib-sim validate my_programme.yaml
    """
    if path.exists() and not force:
        _fail_user(UserError("file exists; use --force to overwrite it", where=str(path)))
    _write_text(path, starter_scenario())
    out.print(f"Starter scenario written to {path}; check it with: sib-sim validate {path}", highlight=False,
              markup=False)


@app.command()
def schema(path: Annotated[Optional[Path], typer.Argument(help="Where to write the JSON Schema "
                                                          "(default: standard output).")] = None) -> None:
    """Write the JSON Schema of the scenario language, for completion and checks in editors.

    Example: sib-sim schema sib-sim.schema.json   (then point your editor's YAML plug-in at it)
    """
    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if path is None:
        typer.echo(text, nl=False)
        return
    _write_text(path, text)
    out.print(f"JSON Schema written to {path}", highlight=False, markup=False)


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail_user(UserError(f"cannot write the file: {e.strerror}", where=str(path)))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
