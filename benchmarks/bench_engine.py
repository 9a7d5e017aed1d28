"""The flow engine: per-replication cost by stage, fast against simpy, an idiomatic simpy model of the
same cohort, a ten-times cohort, and a profile of the whole replication.

Run:  .venv/bin/python benchmarks/bench_engine.py [--replications 20] [--simpy-model-runs 2] [--profile]
Prints figures; asserts nothing (speed is measured here, never in tests). Every figure in one run,
so a loaded machine slows them alike.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import numpy as np

from sib_sim import load_scenario, with_overrides
from sib_sim.measure import measure_outcomes
from sib_sim.model import simulate_cohort
from sib_sim.model.flow import draw_flow, queue_order, run_queue
from sib_sim.rng import streams

import simpy_cohort

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "ways_to_wellness.yaml"


def _mean_ms(fn, n: int) -> float:
    t0 = time.perf_counter()
    for r in range(n):
        fn(r)
    return 1000 * (time.perf_counter() - t0) / n


def stages(scenario, n: int) -> float:
    queues = []
    for r in range(n):
        d = draw_flow(scenario, streams(1, r))
        order = queue_order(scenario, d.ready)
        queues.append((d.ready[order], np.minimum(d.planned, d.leave)[order]))
    draws = _mean_ms(lambda r: draw_flow(scenario, streams(1, r)), n)
    fast = _mean_ms(lambda r: run_queue(scenario, *queues[r], "fast"), n)
    ref = _mean_ms(lambda r: run_queue(scenario, *queues[r], "simpy"), n)
    model = _mean_ms(lambda r: simulate_cohort(scenario, streams(1, r)), n)
    logs = [simulate_cohort(scenario, streams(1, r)) for r in range(n)]
    measure = _mean_ms(lambda r: measure_outcomes(logs[r], scenario, streams(1, r)), n)
    print(f"per replication (1 process, mean of {n}): model {model:.1f} ms (flow draws {draws:.1f} ms, "
          f"waiting list: fast {fast:.2f} ms, simpy {ref:.1f} ms, {ref / fast:.0f}x) + measurement "
          f"{measure:.1f} ms = {model + measure:.1f} ms")
    return model + measure


def simpy_model(scenario, engine_ms: float, runs: int) -> None:
    t0 = time.perf_counter()
    for r in range(runs):
        totals = simpy_cohort.simulate(scenario, r)
    ms = 1000 * (time.perf_counter() - t0) / runs
    print(f"idiomatic simpy model (process per patient, hospital episodes as timeouts, mean of {runs}): "
          f"{ms:.0f} ms per replication ({totals['episodes']:.0f} episodes) = {ms / engine_ms:.0f}x "
          f"the engine's model and measurement")


def ten_times(scenario, base_ms: float, n: int) -> None:
    big = with_overrides(scenario, {"cohort.referrals.rate_per_month": 10 * scenario.cohort.referrals.rate_per_month,
                                    "service.caseload_per_worker": 10 * scenario.service.caseload_per_worker})
    logs = []
    model = _mean_ms(lambda r: logs.append(simulate_cohort(big, streams(1, r))), n)
    measure = _mean_ms(lambda r: measure_outcomes(logs[r], big, streams(1, r)), n)
    print(f"ten-times cohort ({logs[0].flow.referral_month.size} referrals): {model + measure:.1f} ms per "
          f"replication = {(model + measure) / base_ms:.1f}x the shipped cohort")


def profile(scenario, n: int) -> None:
    from sib_sim.experiment.replicate import simulate_replication

    profiler = cProfile.Profile()
    profiler.enable()
    for r in range(n):
        simulate_replication(scenario, 1, r)
    profiler.disable()
    print(f"profile of {n} whole replications (parameters, model, measurement), by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--simpy-model-runs", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    simulate_cohort(scenario, streams(1, 999))  # warm-up: imports and caches
    base = stages(scenario, args.replications)
    simpy_model(scenario, base, args.simpy_model_runs)
    ten_times(scenario, base, max(args.replications // 4, 2))
    if args.profile:
        profile(scenario, args.replications)


if __name__ == "__main__":
    main()
