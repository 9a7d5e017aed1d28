"""The sib-sim command line: parse, call the Python API, print, write. Nothing else lives here.

Exit status: 0 ok, 1 internal error (traceback saved to a log file), 2 user error (bad input).
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import cli_analysis, cli_indigo, cli_live, cli_vfm
from .cli_common import (EngineOpt, ForceOpt, QuietOpt, ScenarioArg, SchedulerOpt, SeedOpt, SetOpt, WorkersOpt,
                         advance, err, fail_user, handled, out, progress_bar, with_engine)
from .cli_vfm import GroupOpt, ProgrammesOpt, WtpOpt
from .defaults import MAX_REPLICATIONS
from .errors import UserError

# Only light imports up here, so `sib-sim --help` starts quickly: each command imports what it uses
# (pandas, matplotlib, scipy, xlsxwriter and jinja2 come with the modules below it).

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Simulate outcomes contracts (social impact bonds): payments, costs and returns.")

@app.command()
def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario file and report the first problem with its file, line and field.

    Example: sib-sim validate scenarios/ways_to_wellness.yaml
    """
    from .io.scenario_file import read_scenario_file
    from .scenario.masking import shared_payer_caps

    with handled():
        loaded = read_scenario_file(scenario, tuple(set_ or ()))
    s = loaded.scenario
    out.print(f"{scenario}: ok ({s.name}: {len(s.contract.outcomes)} outcome lines, "
              f"{len(s.contract.payers)} payers, {s.run.horizon_months} months)", highlight=False, markup=False)
    for note in shared_payer_caps(s.contract):
        err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: run.replications).")] = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder (default: results/<name>).")] = None,
    set_: SetOpt = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: QuietOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print summary.json (manifest and metrics) to "
                                          "standard output instead of the table, for scripts.")] = False,
    force: ForceOpt = False,
) -> None:
    """Run a scenario's replications, print the summary and write the results folder.

    Example: sib-sim run scenarios/ways_to_wellness.yaml --replications 200 --out results/wtw
    """
    from .scenario.masking import masked_overrides
    from .experiment import run as run_scenario
    from .io.output_folder import check_folder
    from .io.results_folder import write_results_folder
    from .io.scenario_file import read_scenario_file
    from .reports import figure_builders
    from .reports.console import print_summary

    overrides = with_engine(tuple(set_ or ()), engine)
    with handled():
        loaded = read_scenario_file(scenario, overrides)
        target = out_dir or Path("results") / loaded.scenario.name
        check_folder(target, "results", force)  # before the simulation, not after it
    s = loaded.scenario
    n = replications or s.run.replications
    if not (quiet or as_json):  # before simulating, so a masked override can be corrected at once
        for warning in masked_overrides(s.contract, s.currency, overrides):
            err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    with handled("interrupted: no results folder written"):
        with progress_bar(quiet or as_json) as bar:
            task = bar.add_task(f"Simulating {s.name}", total=n)
            results = run_scenario(s, replications=n, seed=seed, workers=workers, scheduler=scheduler,
                                   progress=lambda k: advance(bar, task, k))
        write_results_folder(results, target, str(scenario), loaded.sha256, overrides,
                             figures=partial(figure_builders, overrides=overrides), sources=loaded.sources, force=force)
    if as_json:
        typer.echo((target / "summary.json").read_text(encoding="utf-8"), nl=False)
    elif not quiet:
        print_summary(out, results.summary(), s, n, results.seed, overrides)
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
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Price observed outcomes under a contract, with no simulation: check invoices, re-price history.

    The same contract code as the simulation pays the observed counts: claim periods, prices, caps,
    payers and timing. Prints every claim, the totals by payer and line, and every cap cut.

    Example: sib-sim price scenarios/ways_to_wellness.yaml --outcomes observed.csv --out priced/2017q1
    """
    from .io.observed import price_outcomes
    from .io.output_folder import check_folder
    from .io.pricing_folder import write_pricing_folder
    from .io.scenario_file import read_terms_file
    from .reports.console import print_pricing

    overrides = tuple(set_ or ())
    with handled():
        if out_dir is not None:
            check_folder(out_dir, "pricing", force)
        contract_terms = read_terms_file(terms, overrides)
        payments = price_outcomes(contract_terms, outcomes)
        target = None if out_dir is None else write_pricing_folder(payments, out_dir, contract_terms, terms,
                                                                    outcomes, overrides, force=force)
    if not quiet:
        print_pricing(out, payments, contract_terms, written=target is not None)
        if target is not None:
            out.print(f"Payments written to {target}/", highlight=False, markup=False)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the base.",
                                                    show_default=False)],
    replications: Annotated[Optional[int], typer.Option(
        min=1, max=MAX_REPLICATIONS, help="Replications (default: the base's).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: the base's).")] = None,
    workers: WorkersOpt = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Write compare.json and each variant's "
                                                    "replications to this folder.")] = None,
    engine: EngineOpt = None,
    scheduler: SchedulerOpt = None,
    wtp: WtpOpt = None,
    group: GroupOpt = None,
    programmes: ProgrammesOpt = 1.0,
    no_voi: Annotated[bool, typer.Option("--no-voi", help="Leave out the value of information.")] = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Compare contract terms on the same simulated cohorts: paired differences with 90% intervals,
    and the value of information (EVPI, EVPPI) for the choice between the variants.

    Variants that differ only in contract or finance re-price one simulation; others run on the same
    seeds. Each line shows base and variant medians, the mean paired difference (variant - base), its
    5-95% range over replications, and how often the variant is higher.

    Example: sib-sim compare scenarios/ways_to_wellness.yaml scenarios/ways_to_wellness_direct.yaml
    """
    from .cli_vfm import parse_groups, parse_wtp
    from .experiment import compare as compare_variants
    from .experiment.compare import DEFAULT_WILLINGNESS, check_currencies, simulation_key
    from .io.compare_folder import write_compare_folder
    from .io.output_folder import check_folder
    from .io.scenario_file import read_scenario_file
    from .reports.console import print_comparison

    if len(scenarios) < 2:
        fail_user(UserError("compare needs at least two scenario files (the first is the base)"))
    with handled():
        if out_dir is not None:
            check_folder(out_dir, "compare", force)
        loaded = [read_scenario_file(path, with_engine((), engine)) for path in scenarios]
        variants = [f.scenario for f in loaded]
        check_currencies(variants, [str(p) for p in scenarios])
        n = replications or variants[0].run.replications
        with progress_bar(quiet) as bar:
            simulations = len({simulation_key(v) for v in variants})  # variants sharing cohorts simulate once
            task = bar.add_task(f"Simulating {simulations} cohort set(s)", total=n * simulations)
            comparison = compare_variants(variants, replications=n, seed=seed, workers=workers,
                                          scheduler=scheduler, progress=lambda k: advance(bar, task, k),
                                          value_of_information=not no_voi, groups=parse_groups(group or []),
                                          willingness=parse_wtp(wtp) if wtp else DEFAULT_WILLINGNESS,
                                          programmes=programmes)
        target = None if out_dir is None else write_compare_folder(comparison, out_dir, [str(p) for p in scenarios],
                                                                    force=force)
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
    from .io.results_folder import write_report

    with handled():
        target = write_report(folder)
    out.print(f"Report written to {target}", highlight=False, markup=False)


# --- sensitivity and sweep -----------------------------------------------------------------------

cli_analysis.register(app)  # sensitivity and sweep (sib_sim/cli_analysis.py), listed here in --help


@app.command()
def init(path: Annotated[Path, typer.Argument(help="Where to write the starter scenario.")] = Path("scenario.yaml"),
         force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write a commented starter scenario to edit: every field with its unit and meaning.

    Example: sib-sim init my_programme.yaml && sib-sim validate my_programme.yaml
    """
    from .io.output_folder import write_new_file
    from .io.scenario_file import starter_scenario

    with handled():
        write_new_file(path, starter_scenario(), force)
    out.print(f"Starter scenario written to {path}; check it with: sib-sim validate {path}", highlight=False,
              markup=False)


@app.command()
def schema(path: Annotated[Optional[Path], typer.Argument(help="Where to write the JSON Schema "
                                                          "(default: standard output).")] = None,
           force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write the JSON Schema of the scenario language, for completion and checks in editors.

    Example: sib-sim schema sib-sim.schema.json   (then point your editor's YAML plug-in at it)
    """
    from .io.output_folder import write_new_file
    from .io.scenario_file import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if path is None:
        typer.echo(text, nl=False)
        return
    with handled():
        write_new_file(path, text, force)
    out.print(f"JSON Schema written to {path}", highlight=False, markup=False)


cli_vfm.register(app)  # sib-sim vfm (sib_sim/cli_vfm.py)
cli_live.register(app)  # sib-sim actuals and project (sib_sim/cli_live.py)
app.add_typer(cli_indigo.app, name="indigo")  # a command group in its own module


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
