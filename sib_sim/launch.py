"""The sib-sim console entry point: signals first, then the command line.

The SIGTERM handler (sib_sim.signals) is installed before the slow imports start, so a Ctrl-C or
SIGTERM while the command line is still being imported exits 130 (143) with one line, not a
traceback. This module imports nothing heavy before that.
"""

from __future__ import annotations

import sys

from .signals import exit_status, install_handlers


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
