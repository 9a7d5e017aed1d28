"""Time per replication, 1,000 replications on 2 workers, and peak memory.

Run:  .venv/bin/python benchmarks/bench_replications.py [--replications 1000] [--workers 2]
Prints figures; asserts nothing (speed is measured here, never in tests).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from sib_sim import load_scenario
from sib_sim.contract import apply_contract
from sib_sim.experiment import evaluate, simulate
from sib_sim.finance import cash_flows
from sib_sim.measure import measure_outcomes
from sib_sim.model import simulate_cohort
from sib_sim.model.flow import simulate_flow
from sib_sim.rng import streams

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "ways_to_wellness.yaml"


def per_replication(scenario, n: int = 30) -> None:
    simulate_cohort(scenario, streams(1, 999))  # warm-up: imports and caches
    flow = cohort = measure = 0.0
    for r in range(n):
        named = streams(scenario.run.seed, r)
        t0 = time.perf_counter()
        simulate_flow(scenario, streams(scenario.run.seed, r))
        t1 = time.perf_counter()
        log = simulate_cohort(scenario, named)
        t2 = time.perf_counter()
        measure_outcomes(log, scenario, named)
        t3 = time.perf_counter()
        flow, cohort, measure = flow + t1 - t0, cohort + t2 - t1, measure + t3 - t2
    print(f"per replication (1 process, mean of {n}): {1000 * (cohort + measure) / n:.1f} ms "
          f"= model {1000 * cohort / n:.1f} ms (of which simpy flow {1000 * flow / n:.1f} ms) "
          f"+ measurement {1000 * measure / n:.1f} ms")


def repricing(scenario, ledger) -> None:
    t0 = time.perf_counter()
    payments = apply_contract(scenario.contract, ledger)
    t1 = time.perf_counter()
    cash_flows(scenario, payments, ledger)
    t2 = time.perf_counter()
    print(f"re-pricing {ledger.n_replications} cohorts: contract {1000 * (t1 - t0):.0f} ms, "
          f"finance (incl. {ledger.n_replications} XIRRs) {1000 * (t2 - t1):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    per_replication(scenario)
    t0 = time.perf_counter()
    ledger = simulate(scenario, range(args.replications), workers=args.workers)
    t1 = time.perf_counter()
    results = evaluate(scenario, ledger)
    t2 = time.perf_counter()
    print(f"{args.replications} replications with {args.workers} workers: {t2 - t0:.1f} s "
          f"(simulate and measure {t1 - t0:.1f} s, contract, finance and metrics {t2 - t1:.2f} s); "
          f"{1000 * (t2 - t0) / args.replications:.1f} ms per replication")
    repricing(scenario, ledger)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: main process {own:.0f} MiB, largest worker {children:.0f} MiB")
    del results


if __name__ == "__main__":
    main()
