"""Delivery cuts: what simulating them costs, from a run that rarely cuts to one that always does.

Under `shortfall: scale_back` every replication whose money runs out is re-simulated with fewer new
starts until money and delivery agree (experiment/delivery_cut.py). Each re-simulation is a whole
cohort, so the cost grows with how deep the cut is. This prints, for the shipped Ways to Wellness
scenario priced at lower and lower outcome prices (the same cohorts), how many replications cut,
their mean re-simulations, the share of capacity cut and the time to price them with their cuts.

Run:  .venv/bin/python benchmarks/bench_delivery_cut.py [--replications 20]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sib_sim import load_scenario, simulate, with_overrides
from sib_sim.experiment import evaluate_with_cuts

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "ways_to_wellness.yaml"
PRICES = [(270, 0.54), (200, 0.5), (200, 0.4), (100, 0.3)]  # outcome A price, outcome B share


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base = load_scenario(SCENARIO)
    t0 = time.perf_counter()
    ledger = simulate(base, range(args.replications), workers=args.workers)
    print(f"simulate {args.replications} cohorts once: {time.perf_counter() - t0:.1f} s")
    for price, share in PRICES:
        scenario = with_overrides(base, {"contract.outcomes.wellbeing.price": price,
                                         "contract.outcomes.secondary_care.share": share})
        t1 = time.perf_counter()
        table = evaluate_with_cuts(scenario, ledger, replications=range(args.replications)).replications
        elapsed = time.perf_counter() - t1
        cut = table["capacity_cut"] > 0
        iterations = table.loc[cut, "capacity_cut_iterations"].mean() if cut.any() else 0.0
        print(f"price {price}, share {share}: {int(cut.sum())} of {args.replications} runs cut, "
              f"{iterations:.1f} re-simulations each, {table['capacity_cut_share'].mean():.1%} of capacity cut; "
              f"priced with cuts in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
