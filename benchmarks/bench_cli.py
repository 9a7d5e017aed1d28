"""The command line end to end: `--help`, `validate`, and `run` with every output written.

Run (from the checkout to time):  .venv/bin/python benchmarks/bench_cli.py [--replications 1000] [--workers 2] [--repeats 3]
Prints wall-clock figures (best of the repeats for the short commands); asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ways_to_wellness.yaml"
SIB_SIM = [sys.executable, "-m", "sib_sim.cli"]


def wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(SIB_SIM + args, check=True, stdout=subprocess.DEVNULL)  # the caller's tree and venv
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    helps = [wall(["--help"]) for _ in range(args.repeats)]
    print(f"sib-sim --help: best {min(helps):.2f} s of {args.repeats}")
    validates = [wall(["validate", str(SCENARIO)]) for _ in range(args.repeats)]
    print(f"sib-sim validate (shipped scenario): best {min(validates):.2f} s of {args.repeats}")
    with tempfile.TemporaryDirectory() as out:
        seconds = wall(["run", str(SCENARIO), "--replications", str(args.replications), "--workers",
                        str(args.workers), "--quiet", "--out", str(Path(out) / "results")])
    print(f"sib-sim run --replications {args.replications} --workers {args.workers} (every output written): "
          f"{seconds:.1f} s")


if __name__ == "__main__":
    main()
