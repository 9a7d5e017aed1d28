"""figures/*.png of a results folder, drawn in forked processes while the folder's other files are written.

Drawing and saving the figures (text layout, rendering, PNG encoding) is most of the cost of writing a
results folder, and once the replications are done the worker cores sit idle. So on Linux the figures
are cut into shares, each drawn and saved by a forked child (which inherits the results, so nothing
is pickled), while the parent writes the tables and the workbook. A PNG does not depend on the
process that drew it, so the files are the same as drawn in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..experiment.executor import exit_with_parent

# A figure, or a function drawing one (so a child draws only its own share).
FigureOrBuilder = Any
_JOBS = 2  # children: a share each while the parent writes the rest; more only add start-up cost


def save_figure(figure: FigureOrBuilder, path: Path) -> None:
    figure = figure() if callable(figure) else figure
    # Fixed metadata: PNGs carry no software version or date, so equal runs give equal files.
    figure.savefig(path, dpi=110, metadata={"Software": None})


class FigureWriter:
    """Started with the figures to write; `finish()` waits for them and raises if one failed; `stop()`
    ends the children at once (an interrupted or failed write)."""

    def __init__(self, figures: Mapping[str, FigureOrBuilder], folder: Path, jobs: int | None = None) -> None:
        folder.mkdir()
        self._figures, self._folder = dict(figures), folder
        jobs = min(_JOBS if jobs is None else jobs, len(self._figures), os.cpu_count() or 1)
        self._children: list[tuple[multiprocessing.Process, Connection]] = []
        if jobs > 1 and sys.platform == "linux":
            names = list(self._figures)
            context = multiprocessing.get_context("fork")
            for share in range(jobs):
                receive, send = context.Pipe(duplex=False)
                child = context.Process(target=_draw_share, daemon=True,
                                        args=(self._figures, names[share::jobs], folder, send, os.getpid()))
                child.start()
                send.close()
                self._children.append((child, receive))

    def finish(self) -> None:
        if not self._children:
            for name, figure in self._figures.items():
                save_figure(figure, self._folder / f"{name}.png")
            return
        failures = []
        for child, receive in self._children:
            try:
                failures.append(receive.recv())
            except EOFError:  # the child died without a word (killed, or out of memory)
                failures.append(f"the process drawing figures ended abruptly (exit status {child.exitcode})")
            child.join()
        self._children = []
        failures = [f for f in failures if f]
        if failures:
            raise RuntimeError("drawing the figures failed:\n" + failures[0])

    def stop(self) -> None:
        for child, _ in self._children:
            if child.is_alive():
                child.terminate()
        for child, receive in self._children:
            child.join(timeout=30)
            receive.close()
        self._children = []


def _draw_share(figures: Mapping[str, FigureOrBuilder], names: list[str], folder: Path, send: Connection,
                parent: int) -> None:
    """In a child: draw and save `names`; send None, or the error's traceback."""
    # Ctrl-C goes to the whole process group: the parent decides, and stops the children itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)  # the parent killed outright: no orphan keeps drawing
    try:
        for name in names:
            save_figure(figures[name], folder / f"{name}.png")
        send.send(None)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        send.send(traceback.format_exc())
    finally:
        send.close()

