"""`sib-sim vfm`: value for money, indifference prices, budget exposure and value of information.

Registered on the main app by one line in cli.py (`register(app)`); it uses the shared error
handling and progress bar, so it behaves like the other commands (exit 2 on bad input, 130 on Ctrl-C).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_common import ForceOpt, QuietOpt, SeedOpt, SetOpt, WorkersOpt, advance, handled, out, progress_bar
from .defaults import MAX_REPLICATIONS
from .errors import UserError

# Options `vfm` and `compare` share (compare's lives in cli.py and imports these).
WtpOpt = Annotated[Optional[list[str]], typer.Option(
    "--wtp", help="Willingness to pay, NON_CASHABLE:STAR: value per pound of non-cashable savings and per Star "
                  "point (repeatable; default 0:0, 0.5:100, 1:500).")]
GroupOpt = Annotated[Optional[list[str]], typer.Option(
    "--group", help="A named group of uncertain parameters for EVPPI, NAME=PATH,PATH (repeatable; adds to the "
                    "scenario's uncertainty.groups, and replaces a group of the same name).")]
ProgrammesOpt = Annotated[float, typer.Option(help="Programmes the decision applies to (scales the value of "
                                                   "information).")]

WTP_HINT = "expected NON_CASHABLE:STAR, e.g. --wtp 0.5:100 (0.5 per pound of non-cashable savings, 100 per Star point)"


def parse_pairs(texts: list[str], option: str, hint: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"bad {option} {text!r}", where=option, hint=hint)
        if key.strip() in out:
            raise UserError(f"{option} {key.strip()} is given twice", where=option)
        out[key.strip()] = value.strip()
    return out


def parse_budgets(texts: list[str]) -> dict[str, float]:
    hint = "expected PAYER=AMOUNT, e.g. --budget ccg=1200000 (an annual budget)"
    out = {}
    for payer, value in parse_pairs(texts, "--budget", hint).items():
        try:
            out[payer] = float(value)
        except ValueError:
            raise UserError(f"bad --budget {payer}={value}: the amount must be a number", where="--budget",
                            hint=hint) from None
    return out


def parse_groups(texts: list[str]) -> dict[str, list[str]]:
    hint = ("expected NAME=PATH,PATH, e.g. "
            "--group hospital=hospital.lines.ae.effect_during_support,hospital.effect_half_life_months")
    return {name: [p.strip() for p in value.split(",") if p.strip()]
            for name, value in parse_pairs(texts, "--group", hint).items()}


def parse_wtp(texts: list[str]) -> list[tuple[float, float]]:
    out = []
    for text in texts:
        parts = text.split(":")
        try:
            pair = (float(parts[0]), float(parts[1])) if len(parts) == 2 else None
        except ValueError:
            pair = None
        if pair is None or not all(math.isfinite(v) and v >= 0 for v in pair):
            raise UserError(f"bad --wtp {text!r}", where="--wtp", hint=WTP_HINT)
        out.append(pair)
    return out


def register(app: typer.Typer) -> None:
    app.command("vfm")(vfm)


def vfm(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (the SIB).", show_default=False)],
    comparator: Annotated[Optional[Path], typer.Option(
        help="A scenario to compare with instead of direct commissioning at cost, e.g. a fee-for-service "
             "contract.")] = None,
    replications: Annotated[Optional[int], typer.Option(
        min=2, max=MAX_REPLICATIONS, help="Replications (default: run.replications).")] = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    line: Annotated[Optional[str], typer.Option(help="Scale only this outcome line's price or share (default: "
                                                     "every outcome line's).")] = None,
    max_scale: Annotated[float, typer.Option(help="Largest price scale searched for indifference prices.")] = 4.0,
    budget: Annotated[Optional[list[str]], typer.Option("--budget", help="A payer's annual budget, PAYER=AMOUNT "
                                                        "(repeatable).")] = None,
    group: GroupOpt = None,
    wtp: WtpOpt = None,
    programmes: ProgrammesOpt = 1.0,
    with_nothing: Annotated[bool, typer.Option("--with-nothing", help="Value of information: the decision also "
                                               "includes doing nothing.")] = False,
    no_prices: Annotated[bool, typer.Option("--no-prices", help="Skip the indifference prices and the corridor "
                                            "(the slow part with many replications).")] = False,
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="vfm folder (default: results/<name>-vfm).")] = None,
    set_: SetOpt = None,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
) -> None:
    """Value for money: the SIB against direct commissioning and doing nothing on the same cohorts.

    Net cost, NPV, cost per participant and per Star point for the commissioner and each payer; the
    indifference price (commissioner) and break-even price (investor) as scales on outcome prices, with
    intervals; the pricing corridor; budget exposure by financial year; EVPI and EVPPI.

    Example: sib-sim vfm scenarios/ways_to_wellness.yaml --replications 100 --budget ccg=1200000
    """
    from .experiment.vfm import DEFAULT_WILLINGNESS, value_for_money
    from .io.output_folder import check_folder
    from .io.scenario_file import read_scenario_file
    from .io.vfm_folder import vfm_document, write_vfm_folder
    from .reports.vfm import print_vfm

    overrides = tuple(set_ or ())
    with handled("interrupted: nothing written"):
        loaded = read_scenario_file(scenario, overrides)
        other = read_scenario_file(comparator, ()) if comparator is not None else None
        s = loaded.scenario
        budgets, groups = parse_budgets(budget or []), parse_groups(group or [])
        willingness = parse_wtp(wtp) if wtp else list(DEFAULT_WILLINGNESS)
        target = out_dir or Path("results") / f"{s.name}-vfm"
        check_folder(target, "vfm", force)
        n = replications or s.run.replications
        with progress_bar(quiet) as bar:
            task = bar.add_task(f"Value for money: {s.name}", total=n * (1 if other is None else 2))
            result = value_for_money(s, other.scenario if other else None, n, seed, workers,
                                     lambda k: advance(bar, task, k), line=line, max_scale=max_scale,
                                     budgets=budgets, willingness=willingness, groups=groups,
                                     programmes=programmes, include_nothing=with_nothing,
                                     prices=not no_prices)
        write_vfm_folder(result, target, str(scenario), str(comparator) if comparator else None, overrides,
                         force=force)
    if not quiet:
        print_vfm(out, vfm_document(result))
        out.print(f"Value for money written to {target}/", highlight=False, markup=False)
