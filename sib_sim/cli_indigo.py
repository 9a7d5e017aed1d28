"""`sib-sim indigo export|import`: a scenario's deal as an INDIGO project record, and back.

Registered in cli.py as a sub-command group; the work is in sib_sim.indigo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_common import QuietOpt, SetOpt, advance, handled, out, progress_bar
from .defaults import MAX_REPLICATIONS

app = typer.Typer(no_args_is_help=True, help="INDIGO (GO Lab's impact bond data standard): export a scenario's "
                  "deal as a project record, or import a record as a skeleton scenario.")

ForceFileOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing file that sib-sim did not write.")]


@app.command("export")
def export_(scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)],
            out_file: Annotated[Path, typer.Option("--out", help="The INDIGO project record to write (JSON).",
                                                   show_default=False)],
            replications: Annotated[Optional[int], typer.Option(
                min=0, max=MAX_REPLICATIONS, help="Replications simulated for the planned outcome payments "
                "(default: run.replications; 0: none)")] = None,
            set_: SetOpt = None, force: ForceFileOpt = False, quiet: QuietOpt = False) -> None:
    """Write the scenario's deal as an INDIGO project record: outcome metrics and prices, payers' commitments
    and caps, the investment, planned payments (the simulated mean by quarter), and sib_sim's own terms.

    Example: sib-sim indigo export scenarios/ways_to_wellness.yaml --out wtw.indigo.json
    """
    from .indigo import export_project, planned_for, record_text
    from .io.indigo_files import check_target, write_target
    from .io.scenario_file import read_scenario_file

    with handled():
        source = read_scenario_file(scenario, tuple(set_ or ()))
        check_target(out_file, force)  # before the simulation, not after it
    n = source.scenario.run.replications if replications is None else replications
    with handled("interrupted: nothing written"):
        with progress_bar(quiet) as bar:
            task = bar.add_task(f"Simulating {source.scenario.name} for planned payments", total=n)
            planned = planned_for(source.scenario, n, progress=lambda k: advance(bar, task, k))
        record = export_project(source, planned)
        write_target(out_file, record_text(record), force)
    if not quiet:
        counts = [_count(len(record["outcome_pricings"]), "outcome line"),
                  _count(len(record["outcome_payment_commitments"]), "payer"),
                  _count(len(record["outcome_payments"]), "planned quarterly payment")]
        out.print(f"INDIGO project record written to {out_file} ({', '.join(counts)})", highlight=False, markup=False)


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


@app.command("import")
def import_(record: Annotated[Path, typer.Argument(help="INDIGO project record (JSON).", show_default=False)],
            out_file: Annotated[Path, typer.Option("--out", help="The skeleton scenario to write (YAML).",
                                                   show_default=False)],
            force: ForceFileOpt = False) -> None:
    """Write a skeleton scenario from an INDIGO project record, and list what is still to fill.

    Example: sib-sim indigo import wtw.indigo.json --out wtw_from_indigo.yaml
    """
    from .indigo import import_record
    from .io.indigo_files import write_target

    with handled():
        skeleton, text = import_record(record)
        write_target(out_file, text, force)
    out.print(f"Skeleton scenario written to {out_file}", highlight=False, markup=False)
    for remark in skeleton.remarks:
        out.print(remark, highlight=False, markup=False)
    fill = skeleton.fill_list()
    if fill:
        out.print(f"Still to fill ({len(fill)}):", highlight=False, markup=False)
        for line in fill:
            out.print(f"  - {line}", highlight=False, markup=False)
