"""What every sib-sim command shares: the consoles, the error promise, the common options and the
progress bar. The command modules (cli.py, cli_analysis.py, cli_live.py, cli_vfm.py, cli_indigo.py)
import these; this module imports none of them, so the command line reads from the ground up.

Exit status: 0 ok, 1 internal error (traceback saved to a log file), 2 user error (bad input),
130 on Ctrl-C, 143 on SIGTERM.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from .errors import UserError
from .signals import exit_status

if TYPE_CHECKING:  # a progress bar is imported when one is shown: `--help` needs none
    from rich.progress import Progress

# emoji=False: user text such as a file named x:b:3.yaml must print as written, not as an emoji code.
out = Console(emoji=False)
if not out.is_terminal:  # piped or captured: no terminal to fit, so do not cut the tables at 80 columns
    out = Console(width=120, emoji=False)
err = Console(stderr=True, emoji=False)


def fail_user(error: UserError) -> None:
    # escape: the message is plain text; brackets in it (sib_sim[distributed], items[0]) are not markup.
    err.print(f"[bold red]error:[/] {escape(str(error))}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def fail_internal(exc: BaseException) -> None:
    import tempfile

    log = Path(tempfile.mkstemp(prefix="sib-sim-error-", suffix=".log")[1])
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    what = escape(f"{type(exc).__name__}: {exc}")
    err.print(f"[bold red]internal error:[/] {what}\nTraceback saved to {escape(str(log))}",
              highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def handled(interrupted: str = "interrupted: nothing written") -> Iterator[None]:
    """The command line's promise: a user error is one message and exit 2, Ctrl-C (or SIGTERM) exits
    130 (143) having written nothing, anything else is our bug: exit 1 with the traceback saved to a log."""
    try:
        yield
    except UserError as e:
        fail_user(e)
    except KeyboardInterrupt:
        err.print(interrupted)
        raise typer.Exit(exit_status()) from None
    except typer.Exit:
        raise
    except Exception as e:  # noqa: BLE001 - anything else is our bug: say so, keep the traceback
        fail_internal(e)


class Engine(str, Enum):
    fast = "fast"
    simpy = "simpy"


def with_engine(overrides: tuple[str, ...], engine: Optional[Engine]) -> tuple[str, ...]:
    """--engine is run.engine set for this command (and recorded with the other overrides)."""
    return overrides if engine is None else overrides + (f"run.engine={engine.value}",)


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Override a value: a.b.c=value (repeatable).")]
SeedOpt = Annotated[Optional[int], typer.Option(min=0, help="Root seed (default: run.seed).")]
WorkersOpt = Annotated[Optional[int], typer.Option(min=1, help="Worker processes (default: all cores).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Write into an existing folder that sib-sim did not "
                                         "write: files with sib-sim's names are replaced, the rest kept.")]
EngineOpt = Annotated[Optional[Engine], typer.Option(help="Waiting-list engine: fast (computed directly) or "
                                                     "simpy (the reference); default: run.engine, fast.")]
SchedulerOpt = Annotated[Optional[str], typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; "
                                                        "default: local processes.")]


def advance(bar: Progress, task: object, k: int) -> None:
    from .io.output_folder import pause

    bar.advance(task, k)
    pause("simulating")  # a test hook: a no-op unless SIB_SIM_TEST_PAUSE names this step


def check_container(out_dir: Path, sub: str, force: bool) -> None:
    """sensitivity/ and sweep/ go in a results folder: check both before anything is computed."""
    from .io.output_folder import check_folder

    check_folder(out_dir, "results", force)
    if out_dir.is_dir():
        check_folder(out_dir / sub, sub, force)


def progress_bar(quiet: bool) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, disable=quiet, transient=True)
