"""The sib-sim console entry point: signals first, then the command line.

SIGTERM (what `timeout`, `kill` and batch schedulers send) is handled like Ctrl-C: it interrupts the
command, which cleans up as it does for Ctrl-C and exits 143 (130 for Ctrl-C). A Ctrl-C while the
command line is still being imported exits 130 with one line, not a traceback. This module imports
nothing heavy, so the handlers are in place before the slow imports start.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

_MAIN_PID = os.getpid()
_terminated = False


def terminated() -> bool:
    """True once this process has received SIGTERM (the exit status is then 143, not 130)."""
    return _terminated


def exit_status() -> int:
    return 143 if _terminated else 130


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global _terminated
    if os.getpid() != _MAIN_PID:  # a forked worker: die as SIGTERM's default would, quietly
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    _terminated = True
    raise KeyboardInterrupt


def install_handlers() -> None:
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    signal.signal(signal.SIGTERM, _on_sigterm)


def main() -> None:
    install_handlers()
    try:
        from .io.output_folder import pause

        pause("startup")
        from .cli import app
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: nothing written\n")
        sys.exit(exit_status())
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
