"""Commands for a running contract: `sib-sim actuals` and `sib-sim project` (cli.py calls `register(app)`).

Thin like cli.py: parse, call sib_sim.live, print, write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_common import ForceOpt, QuietOpt, ScenarioArg, SetOpt, WorkersOpt, err, handled, out


def actuals(
    results: Annotated[Path, typer.Argument(help="A results folder written by `sib-sim run`.", show_default=False)],
    replication: Annotated[int, typer.Option(min=0, help="The replication whose history to write.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The last month observed, YYYY-MM.")],
    out_dir: Annotated[Path, typer.Option("--out", help="The actuals folder to write.", show_default=False)],
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Write one simulated replication's history to an as-of month as an actuals folder (test actuals).

    Example: sib-sim actuals results/wtw --replication 3 --as-of 2018-03 --out actuals/wtw-2018-03
    """
    from .io.actuals_folder import write_actuals_folder
    from .io.output_folder import check_folder
    from .io.run_history import actuals_from_results

    with handled():
        check_folder(out_dir, "actuals", force)
        history = actuals_from_results(results, replication, as_of)
        write_actuals_folder(history, out_dir, force=force)
    if not quiet:
        out.print(f"Actuals of replication {replication} to {as_of} ({history.months} months; outcome payments "
                  f"{history.paid_total:,.0f} {history.currency}) written to {out_dir}/", highlight=False,
                  markup=False)


def project(
    scenario: ScenarioArg,
    actuals_dir: Annotated[Path, typer.Option("--actuals", help="The actuals folder (see the README).",
                                              show_default=False)],
    particles: Annotated[int, typer.Option(min=10, max=5000, help="Paths simulated per round (the prior, "
                                           "then at the posterior).")] = 200,
    seed: Annotated[Optional[int], typer.Option(min=0, help="The projection's own seed (default: derived; "
                                                "never the history's).")] = None,
    workers: WorkersOpt = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Output folder (default: "
                                                    "results/<name>-from-<as-of>).")] = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Re-project a running contract from its actuals: what is still to be paid, by whom and when, when
    each cap binds, and the investor's multiple now.

    Example: sib-sim project scenarios/ways_to_wellness.yaml --actuals actuals/wtw-2018-03 --out results/wtw-2018-03
    """
    from .io.actuals_folder import read_actuals_folder
    from .io.output_folder import check_folder
    from .io.projection_folder import write_projection_folder
    from .io.scenario_file import read_scenario_file
    from .io.yaml_locations import key_location
    from .live.projection import project as project_contract
    from .live.projection import refuse_participant_cap
    from .reports.projection_console import print_projection

    overrides = tuple(set_ or ())
    with handled():
        loaded = read_scenario_file(scenario, overrides)
        refuse_participant_cap(loaded.scenario, key_location(str(scenario), ("contract", "participant_cap")))
        history = read_actuals_folder(actuals_dir, loaded.scenario)
        target = out_dir or Path("results") / f"{loaded.scenario.name}-from-{history.as_of:%Y-%m}"
        check_folder(target, "results", force)
    with handled("interrupted: no results folder written"):
        if not quiet:
            err.print(f"Re-projecting {loaded.scenario.name} from {history.as_of:%Y-%m} ...", highlight=False,
                      markup=False)
        projection = project_contract(loaded.scenario, history, particles, seed, workers)
        write_projection_folder(projection, target, str(scenario), loaded.sha256, overrides, loaded.sources,
                                force=force)
    if not quiet:
        print_projection(out, projection)
        out.print(f"Projection written to {target}/", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add `actuals`, `project` to the command line (cli.py calls this where they are listed)."""
    app.command()(actuals)
    app.command()(project)
