"""Commands for a running contract: `sib-sim actuals` and `sib-sim project` (registered by cli.py).

Thin like cli.py: parse, call sib_sim.live, print, write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli import ForceOpt, ScenarioArg, SetOpt, _handled, app, err, out


@app.command()
def actuals(
    results: Annotated[Path, typer.Argument(help="A results folder written by `sib-sim run`.", show_default=False)],
    replication: Annotated[int, typer.Option(min=0, help="The replication whose history to write.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The last month observed, YYYY-MM.")],
    out_dir: Annotated[Path, typer.Option("--out", help="The actuals folder to write.", show_default=False)],
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    force: ForceOpt = False,
) -> None:
    """Write one simulated replication's history to an as-of month as an actuals folder (test actuals).

    Example: sib-sim actuals results/wtw --replication 3 --as-of 2018-03 --out actuals/wtw-2018-03
    """
    from .io.actuals_folder import write_actuals_folder
    from .io.output_folder import check_folder
    from .live import actuals_from_results

    with _handled():
        check_folder(out_dir, "actuals", force)
        history = actuals_from_results(results, replication, as_of)
        write_actuals_folder(history, out_dir, force=force)
    if not quiet:
        out.print(f"Actuals of replication {replication} to {as_of} ({history.months} months; outcome payments "
                  f"{history.paid_total:,.0f} {history.currency}) written to {out_dir}/", highlight=False,
                  markup=False)
