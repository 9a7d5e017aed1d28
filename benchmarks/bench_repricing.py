"""Re-pricing simulated cohorts under new terms: the finance team's loop.

Simulates 1,000 cohorts once (the slow part, timed separately), then prices them under the shipped
contract variants that share those cohorts. Run:  .venv/bin/python benchmarks/bench_repricing.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sib_sim import evaluate, load_scenario, simulate
from sib_sim.measure import definitions_for

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
VARIANTS = ["ways_to_wellness", "ways_to_wellness_direct", "ways_to_wellness_provider_risk", "rate_card",
            "cohort_threshold"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    variants = [load_scenario(SCENARIOS / f"{name}.yaml") for name in VARIANTS]
    definitions = definitions_for([v.contract for v in variants])
    t0 = time.perf_counter()
    ledger = simulate(variants[0], range(args.replications), workers=args.workers, definitions=definitions)
    print(f"simulate and measure {args.replications} cohorts once: {time.perf_counter() - t0:.1f} s")
    for scenario in variants:
        t1 = time.perf_counter()
        results = evaluate(scenario, ledger)
        elapsed = time.perf_counter() - t1
        print(f"re-price {args.replications} cohorts under {scenario.name}: {1000 * elapsed:.0f} ms "
              f"(median payments {results.replications['payments_total'].median():,.0f})")


if __name__ == "__main__":
    main()
