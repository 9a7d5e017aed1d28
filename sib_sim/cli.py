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
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from .errors import UserError
from .experiment import run as run_scenario
from .io.results_folder import write_results_folder
from .io.scenario_file import read_scenario_file
from .reports import make_figures
from .reports.summary_table import probability_lines, summary_rows

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Simulate outcomes contracts (social impact bonds): payments, costs and returns.")
out = Console()
err = Console(stderr=True)


def _fail_user(error: UserError) -> None:
    err.print(f"[bold red]error:[/] {error}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _fail_internal(exc: BaseException) -> None:
    log = Path(tempfile.mkstemp(prefix="sib-sim-error-", suffix=".log")[1])
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\nTraceback saved to {log}",
              highlight=False, soft_wrap=True)
    raise typer.Exit(1)


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a value: a.b.c=value (repeatable).")]


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
            results = run_scenario(s, replications=n, seed=seed, workers=workers,
                                   progress=lambda k: bar.advance(task, k))
        target = write_results_folder(results, out_dir or Path("results") / s.name, str(scenario),
                                      loaded.sha256, overrides, figures=make_figures)
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


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
