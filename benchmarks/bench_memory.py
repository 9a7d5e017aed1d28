"""Memory over many replications: nothing per patient is kept across replications.

Runs the shipped scenario for increasing replication counts, each in a fresh process, and prints
the parent's peak memory, the largest worker's, and the bytes kept per replication (ledger and
results). Flat memory means the per-replication figure stays small (kilobytes: monthly series and
metrics) and the workers' peak does not grow with the count.

Run:  .venv/bin/python benchmarks/bench_memory.py [--counts 1000 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
from pathlib import Path
from sib_sim import evaluate, load_scenario, simulate
n, workers = int(sys.argv[1]), int(sys.argv[2])
scenario = load_scenario(Path(sys.argv[3]))
t0 = time.perf_counter()
ledger = simulate(scenario, range(n), workers=workers)
results = evaluate(scenario, ledger)
seconds = time.perf_counter() - t0
kept = sum(a.nbytes for a in ledger.series.values()) + sum(a.nbytes for a in results.monthly.values())
kept += int(results.replications.memory_usage(deep=True).sum())
print(json.dumps({"n": n, "seconds": seconds, "kept_bytes": kept,
                  "parent_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", default="scenarios/ways_to_wellness.yaml")
    args = parser.parse_args()
    for n in args.counts:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(args.workers), args.scenario],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n']:>6} replications: {r['seconds']:.0f} s; kept {r['kept_bytes'] / r['n'] / 1024:.1f} KiB "
              f"per replication ({r['kept_bytes'] / 2**20:.0f} MiB in all); peak memory: parent "
              f"{r['parent_peak_mib']:.0f} MiB, largest worker {r['worker_peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
