"""Milliseconds per replication by stage, after the flow: the draws of issue 10, part 1.

Run:  .venv/bin/python benchmarks/bench_stages.py [--replications 30]
Prints CPU time per stage (time.process_time, so other jobs on a shared machine count less than
with wall time; both are printed for the whole). Asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from sib_sim import load_scenario, with_overrides
from sib_sim.experiment.parameters import draw_parameters, with_parameters
from sib_sim.measure import measure_outcomes
from sib_sim.measure.comparison import comparison_cost
from sib_sim.measure.stars import record_stars
from sib_sim.model.flow import simulate_flow
from sib_sim.model.hospital import simulate_hospital_use
from sib_sim.model.stars import assessment_times, draw_star_paths
from sib_sim.model import simulate_cohort
from sib_sim.rng import streams

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "ways_to_wellness.yaml"


def stages(scenario, seed: int, r: int, clock: dict[str, float]) -> None:
    def timed(name, f, *args):
        t0 = time.process_time()
        out = f(*args)
        clock[name] += time.process_time() - t0
        return out

    named = streams(seed, r)
    values = timed("parameters: draw", draw_parameters, scenario, named.parameters)
    timed("parameters: substitute drawn values", with_parameters, scenario, values)
    flow = timed("flow (wt-engine's)", simulate_flow, scenario, named)
    p = np.flatnonzero(~np.isnan(flow.start_month))
    start, end = flow.start_month[p], flow.end_month[p]
    times = assessment_times(start, end, scenario.service.assessment_interval_months, scenario.run.horizon_months)
    n = flow.referral_month.size
    timed("model: Star paths", draw_star_paths, scenario, flow.group[p], times.shape[1], named.stars, start, p, n)
    timed("model: hospital use", simulate_hospital_use, scenario, start, end, flow.group[p], named.hospital, p, n)
    named = streams(seed, r)
    log = simulate_cohort(scenario, named)
    timed("measure: record Stars", record_stars, log, scenario, streams(seed, r).measurement)
    timed("measure: comparison cohort", comparison_cost, log, scenario, streams(seed, r).comparison, False)
    timed("measure: whole", measure_outcomes, log, scenario, named)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=30)
    args = parser.parse_args()
    scenario = with_overrides(load_scenario(SCENARIO), {"run.uncertainty": False})
    clock: dict[str, float] = defaultdict(float)
    stages(scenario, 1, 999, defaultdict(float))  # warm-up
    for r in range(args.replications):
        stages(scenario, 1, r, clock)
    for name, total in clock.items():
        print(f"{name:36s} {1000 * total / args.replications:7.2f} ms")
    named_cpu, named_wall = time.process_time(), time.perf_counter()
    for r in range(args.replications):
        named = streams(1, r)
        measure_outcomes(simulate_cohort(scenario, named), scenario, named)
    n = args.replications
    print(f"model + measurement, per replication: {1000 * (time.process_time() - named_cpu) / n:.1f} ms CPU, "
          f"{1000 * (time.perf_counter() - named_wall) / n:.1f} ms wall")


if __name__ == "__main__":
    main()
