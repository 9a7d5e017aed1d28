"""SIGTERM handled like Ctrl-C, and the exit status either gives (130 for Ctrl-C, 143 for SIGTERM).

SIGTERM (what `timeout`, `kill` and batch schedulers send) interrupts the command, which cleans up as
it does for Ctrl-C. The state lives here, below the command line, so that sib_sim.launch (which
installs the handler, then imports the command line) and the commands (which read the exit status)
both import it and neither imports the other.
"""

from __future__ import annotations

import os
import signal
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
