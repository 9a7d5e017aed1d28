"""Time of a Sobol analysis of the default scenario: 8 uncertain parameters, N = 256, 2 workers.

By default the design is N x (2D + 2) = 4,608 points (with second-order indices, SALib's default
design); --first-order-only runs the N x (D + 2) = 2,560 points that first- and total-order indices
need (what `sib-sim sensitivity --method sobol` runs unless --second-order is given). One replication
per point. Prints figures; asserts nothing (speed is measured here, never in tests).

Run:  .venv/bin/python benchmarks/bench_sobol.py [--samples 256] [--workers 2] [--first-order-only]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sib_sim import load_scenario
from sib_sim.experiment import sensitivity

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "ways_to_wellness.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metric", default="payments_total")
    parser.add_argument("--first-order-only", action="store_true")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    done = [0]
    t0 = time.perf_counter()
    result = sensitivity(scenario, "sobol", metric=args.metric, samples=args.samples, workers=args.workers,
                         second_order=not args.first_order_only, progress=lambda k: done.__setitem__(0, done[0] + k))
    elapsed = time.perf_counter() - t0
    print(f"Sobol, {len(scenario.uncertainty)} parameters, N = {args.samples}, {result.n_points} points "
          f"({done[0]} replications), {args.workers} workers: {elapsed:.1f} s "
          f"({1000 * elapsed / result.n_points:.1f} ms per point)")
    print(result.table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
