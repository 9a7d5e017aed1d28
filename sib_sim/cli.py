"""The sib-sim command line: parse, call the Python API, print, write. Nothing else lives here.

Exit status: 0 ok, 1 internal error (traceback saved to a log file), 2 user error (bad input).
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from .contract import Payments, apply_contract
from .errors import UserError
from .experiment import Comparison, term_differences
from .experiment.compare import simulation_key
from .experiment import compare as compare_variants
from .experiment import run as run_scenario
from .experiment.sensitivity import DEFAULT_SAMPLES, SensitivityResult, design_points, sensitivity as analyse
from .experiment.sensitivity import DEFAULT_REPLICATIONS, check_settings
from .experiment.points import DEFAULT_METRIC, uncertain_paths
from .experiment.sweep import DEFAULT_HURDLE, DEFAULT_PROBABILITY, SweepResult, count_simulations, parse_axis
from .experiment.sweep import sweep as sweep_terms
from .io.sensitivity_folder import write_sensitivity_folder, write_sweep_folder
from .reports.sensitivity_figures import deal_zone, sensitivity_figure, short_label
from .io.compare_folder import write_compare_folder
from .reports.compare_table import comparison_rows
from .io.observed import pricing_contract, read_observed
from .io.pricing_folder import write_pricing_folder
from .io.results_folder import write_results_folder
from .io.scenario_file import read_scenario_file, read_terms_file
from .reports import make_figures
from .reports.html import render_report_from_folder
from .reports.pricing import claims_table, cuts_table, pricing_summary
from .reports.summary_table import SYMBOLS, probability_lines, summary_rows
from .scenario.terms import Terms

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Simulate outcomes contracts (social impact bonds): payments, costs and returns.")
out = Console()
if not out.is_terminal:  # piped or captured: no terminal to fit, so do not cut the tables at 80 columns
    out = Console(width=120)
err = Console(stderr=True)


def _fail_user(error: UserError) -> None:
    # escape: the message is plain text; brackets in it (sib_sim[distributed], items[0]) are not markup.
    err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _fail_internal(exc: BaseException) -> None:
    log = Path(tempfile.mkstemp(prefix="sib-sim-error-", suffix=".log")[1])
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\nTraceback saved to {log}",
              highlight=False, soft_wrap=True)
    raise typer.Exit(1)


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a value: a.b.c=value (repeatable).")]
SchedulerOpt = Annotated[Optional[str], typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; "
                                                        "default: local processes.")]


@app.command()
def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario file and report the first problem with its file, line and field.

    Example: sib-sim validate scenarios/ways_to_wellness.yaml
    """
    try:
        loaded = read_scenario_file(scenario, tuple(set_ or ()))
    except UserError as e:
        _fail_user(e)
    s = loaded.scenario
    out.print(f"{scenario}: ok ({s.name}: {len(s.contract.outcomes)} outcome lines, "
              f"{len(s.contract.payers)} payers, {s.run.horizon_months} months)", highlight=False)


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Annotated[Optional[int], typer.Option(min=1, help="Replications (default: run.replications).")] = None,
    seed: Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: run.seed).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Results folder (default: results/<name>).")] = None,
    set_: SetOpt = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Run a scenario's replications, print the summary and write the results folder.

    Example: sib-sim run scenarios/ways_to_wellness.yaml --replications 200 --out results/wtw
    """
    overrides = tuple(set_ or ())
    try:
        loaded = read_scenario_file(scenario, overrides)
    except UserError as e:
        _fail_user(e)
    s = loaded.scenario
    n = replications or s.run.replications
    try:
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err, disable=quiet, transient=True) as bar:
            task = bar.add_task(f"Simulating {s.name}", total=n)
            results = run_scenario(s, replications=n, seed=seed, workers=workers, scheduler=scheduler,
                                   progress=lambda k: bar.advance(task, k))
        target = write_results_folder(results, out_dir or Path("results") / s.name, str(scenario),
                                      loaded.sha256, overrides, figures=make_figures, sources=loaded.sources)
    except UserError as e:
        _fail_user(e)
    except KeyboardInterrupt:
        err.print("interrupted: no results folder written")
        raise typer.Exit(130)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    if not quiet:
        _print_summary(results.summary(), s, n, results.seed)
        out.print(f"Results written to {target}/", highlight=False)


def _print_summary(metrics: dict, scenario, n: int, seed: int) -> None:
    table = Table(title=f"{scenario.name}: {n} replications, seed {seed}", title_justify="left")
    table.add_column("", no_wrap=True)
    for column in ("mean", "p5", "median", "p95"):
        table.add_column(column, justify="right", no_wrap=True)
    section = None
    for sec, label, values in summary_rows(metrics, scenario):
        if sec != section:
            table.add_row(f"[bold]{sec}[/]")
            section = sec
        table.add_row(label, *values)
    out.print(table)
    for line in probability_lines(metrics):
        out.print(line, highlight=False)


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
    try:
        contract_terms = read_terms_file(terms, overrides)
        ledger = read_observed(outcomes, contract_terms)
        payments = apply_contract(pricing_contract(contract_terms), ledger)
        target = None if out_dir is None else write_pricing_folder(payments, out_dir, contract_terms, terms,
                                                                    outcomes, overrides)
    except UserError as e:
        _fail_user(e)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    if not quiet:
        _print_pricing(payments, contract_terms)
        if target is not None:
            out.print(f"Payments written to {target}/", highlight=False)


def _cash(value: float, currency: str) -> str:
    """Money to the penny, for checking invoices: £1,234.50."""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{'-' if value < -0.005 else ''}{symbol}{abs(value):,.2f}"


def _number(value: float) -> str:
    if value != value:  # NaN: the rule reads no value
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _table(title: str, columns: tuple[str, ...]) -> Table:
    """Text columns left, numbers right; a narrow terminal folds cells rather than hiding digits."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, justify="left" if column in ("line", "payer", "level") else "right",
                         overflow="fold", min_width=len(column), no_wrap=column != "line")
    return table


def _print_pricing(payments: Payments, terms: Terms) -> None:
    c = terms.currency
    out.print(_claims_table(payments, f"{terms.name}: claims on observed outcomes ({c})", c))
    summary = pricing_summary(payments)
    payers = _table("By payer", ("payer", "paid"))
    for payer, paid in summary["by_payer"].items():
        payers.add_row(payer, _cash(paid, c))
    out.print(payers)
    lines = _table("By outcome line", ("line", "earned", "paid", "cut"))
    for line, amounts in summary["by_line"].items():
        lines.add_row(line, *(_cash(amounts[k], c) for k in ("earned", "paid", "cut")))
    out.print(lines)
    cuts = cuts_table(payments)
    if cuts.empty:
        out.print("No cap cut any claim.")
    else:
        table = _table("Cut by caps", ("line", "months", "level", "payer", "amount"))
        for cut in cuts.itertuples():
            table.add_row(cut.line, f"{cut.period_start:g}-{cut.period_end:g}", cut.level, cut.payer or "-",
                          _cash(cut.amount, c))
        out.print(table)
    out.print(f"Total paid: {_cash(summary['total'], c)} (earned {_cash(summary['earned'], c)}, "
              f"cut by caps {_cash(summary['cut_total'], c)})", highlight=False)


def _claims_table(payments: Payments, title: str, currency: str) -> Table:
    """One row per claim (payers summed); claims with nothing counted, earned or paid are left out."""
    claims = claims_table(payments)
    per_claim = claims.groupby(claims.index // len(payments.payer_ids)).agg(
        {"line": "first", "period_start": "first", "period_end": "first", "claim_month": "first",
         "paid_month": "first", "count": "first", "value": "first", "earned": "first", "paid": "sum"})
    shown = per_claim[(per_claim["count"].abs() + per_claim["earned"].abs() + per_claim["paid"].abs()) > 1e-9]
    table = _table(title, ("line", "months", "claim", "paid in", "count", "value", "earned", "paid"))
    for row in shown.itertuples():
        table.add_row(row.line, f"{row.period_start:g}-{row.period_end:g}", f"{row.claim_month:g}",
                      f"{row.paid_month:g}", f"{row.count:,.4g}", _number(row.value), _cash(row.earned, currency),
                      _cash(row.paid, currency))
    hidden = len(per_claim) - len(shown)
    if hidden:
        table.caption = f"{hidden} claims with nothing counted or earned not shown (all are in payments.csv)"
    return table


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the base.",
                                                    show_default=False)],
    replications: Annotated[Optional[int], typer.Option(min=1, help="Replications (default: the base's).")] = None,
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
    try:
        loaded = [read_scenario_file(path) for path in scenarios]
        variants = [f.scenario for f in loaded]
        n = replications or variants[0].run.replications
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err, disable=quiet, transient=True) as bar:
            simulations = len({simulation_key(v) for v in variants})  # variants sharing cohorts simulate once
            task = bar.add_task(f"Simulating {simulations} cohort set(s)", total=n * simulations)
            comparison = compare_variants(variants, replications=n, seed=seed, workers=workers,
                                          scheduler=scheduler, progress=lambda k: bar.advance(task, k))
        target = None if out_dir is None else write_compare_folder(comparison, out_dir, [str(p) for p in scenarios])
    except UserError as e:
        _fail_user(e)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    if not quiet:
        _print_comparison(comparison, n)
        if target is not None:
            out.print(f"Comparison written to {target}/", highlight=False)


def _print_comparison(comparison: Comparison, n: int) -> None:
    names = comparison.names
    for name, variant in zip(names[1:], comparison.variants[1:]):
        table = Table(title=f"{name} (variant) against {names[0]} (base): medians, and the paired difference "
                            f"variant - base over {n} replications", title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False)
        table.add_column("", no_wrap=True)
        for column in ("base", "variant", "difference", "5% / 95%", "P(>0)"):
            table.add_column(column, justify="right", no_wrap=True)
        for row_name, label, values in comparison_rows(comparison):
            if row_name == name:
                table.add_row(label, *values)
        out.print(table)
        terms = term_differences(comparison.variants[0].scenario, variant.scenario)
        out.print(f"Terms that differ ({len(terms)}):", highlight=False)
        for path, base, other in terms[:40]:
            out.print(f"  {path}: {base!r} -> {other!r}", highlight=False, soft_wrap=True)
        if len(terms) > 40:
            out.print(f"  ... and {len(terms) - 40} more (see compare.json)", highlight=False)


@app.command()
def report(folder: Annotated[Path, typer.Argument(help="A results folder written by `sib-sim run`.",
                                                  show_default=False)]) -> None:
    """Re-render report.html from a results folder (after adding sensitivity results, say).

    Example: sib-sim report results/ways_to_wellness
    """
    try:
        html = render_report_from_folder(folder)
        target = folder / "report.html"
        staging = target.with_name(".report.html.incomplete")
        staging.write_text(html, encoding="utf-8")
        staging.replace(target)  # atomic: a reader never sees half a page
    except UserError as e:
        _fail_user(e)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    out.print(f"Report written to {target}", highlight=False)


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
        min=1, help="Replications per design point (default: oneway {oneway}, morris {morris}, sobol {sobol}).".format(
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
    try:
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
    except UserError as e:
        _fail_user(e)
    except KeyboardInterrupt:
        err.print("interrupted: nothing written")
        raise typer.Exit(130)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    if not quiet:
        _print_sensitivity(result)
        out.print(f"Sensitivity written to {target}/", highlight=False)


def _left_table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(first, justify="left", no_wrap=True)
    return table


def _num(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


SENSITIVITY_COLUMNS = {
    "oneway": (("P10", "low"), ("P90", "high"), ("at P10", "metric_low"), ("at P90", "metric_high"),
               ("swing", "swing"), ("± se", "swing_se")),
    "morris": (("mu*", "mu_star"), ("± 95%", "mu_star_conf"), ("sigma", "sigma"), ("mu", "mu")),
    "sobol": (("S1", "S1"), ("± 95%", "S1_conf"), ("ST", "ST"), ("± 95% ", "ST_conf")),
}


def _print_sensitivity(result: SensitivityResult) -> None:
    title = {"oneway": "One-way sensitivity (tornado)", "morris": "Morris screening", "sobol": "Sobol indices"}
    table = _left_table(f"{title[result.method]} of {result.metric}: {result.scenario}, {result.n_points} design "
                        f"points x {result.replications_per_point} replications", "parameter")
    columns = SENSITIVITY_COLUMNS[result.method]
    for label, _ in columns:
        table.add_column(label, justify="right", no_wrap=True)
    for row in result.table.itertuples(index=False):
        values = row._asdict()
        table.add_row(short_label(values["parameter"]), *(_num(float(values[key])) for _, key in columns))
    out.print(table)
    for note in result.notes:
        out.print(f"  {note}", highlight=False, soft_wrap=True)


@app.command()
def sweep(
    scenario: ScenarioArg,
    param: Annotated[list[str], typer.Option("--param", help="A term to sweep: PATH=LO:HI:N (once or twice), e.g. "
                                             "contract.outcomes.wellbeing.price=200:400:5.", show_default=False)],
    hurdle: Annotated[float, typer.Option(help="The investor's hurdle money multiple.")] = DEFAULT_HURDLE,
    probability: Annotated[float, typer.Option(help="How likely both conditions must be for the deal zone.")]
    = DEFAULT_PROBABILITY,
    replications: Annotated[Optional[int], typer.Option(min=1, help="Replications (default: run.replications).")] = None,
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
    try:
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
    except UserError as e:
        _fail_user(e)
    except KeyboardInterrupt:
        err.print("interrupted: nothing written")
        raise typer.Exit(130)
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        _fail_internal(e)
    if not quiet:
        _print_sweep(result)
        out.print(f"Sweep written to {target}/", highlight=False)


def _cell(row) -> str:
    mark = " [bold green]✓[/]" if row["deal"] else "  "
    return f"{row['p_investor_hurdle']:.2f}/{row['p_commissioner_covered']:.2f}{mark}"


def _print_sweep(result: SweepResult) -> None:
    grid, axes = result.grid, result.axes
    title = (f"{result.scenario}: P(investor multiple >= {result.hurdle_multiple:g}) / P(commissioner net cost "
             f"<= 0) over {result.replications} replications; deal zone: both >= {result.probability:g}")
    if len(axes) == 1:
        table = _left_table(title, axes[0].path)
        for column in ("P(investor)", "P(commissioner)", "deal", "payments p50", "multiple p50"):
            table.add_column(column, justify="right", no_wrap=True)
        for _, row in grid.iterrows():
            table.add_row(f"{row[axes[0].path]:g}", f"{row['p_investor_hurdle']:.2f}",
                          f"{row['p_commissioner_covered']:.2f}", "yes" if row["deal"] else "",
                          _num(row["payments_total_p50"]), _num(row["investor_multiple_p50"]))
    else:  # a matrix: rows the first term, columns the second
        table = _left_table(title, f"{axes[0].path.split('.')[-1]} \\ {axes[1].path.split('.')[-1]}")
        table.caption = f"rows {axes[0].path}, columns {axes[1].path}; cells P(investor)/P(commissioner), ✓ deal zone"
        for value in axes[1].values:
            table.add_column(f"{value:g}", justify="right", no_wrap=True)
        for i, value in enumerate(axes[0].values):
            rows = grid.iloc[i * axes[1].n:(i + 1) * axes[1].n]
            table.add_row(f"{value:g}", *(_cell(row) for _, row in rows.iterrows()))
    out.print(table)
    for note in result.notes:
        out.print(f"  {note}", highlight=False, soft_wrap=True)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
