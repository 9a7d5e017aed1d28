"""Backtest of `sib-sim project`: coverage of the projected 90% interval of the true remaining
outcome payments, and its width, by as-of month (m = 12, 24, 36, 48).

    .venv/bin/python benchmarks/backtest.py [--replications 200] [--particles 100] [--rate 10]

Each true history is replication r of Ways to Wellness (the referral rate set to --rate a month, to
keep the grid affordable; --rate 118 is the full cohort) on the scenario's seed; every projection
runs on seeds of its own, with --prior-paths prior paths shared by the whole grid. Prints a table
and the figures for the note; not a test (tests/regression/test_backtest.py runs a small grid).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sib_sim import load_scenario, with_overrides
from sib_sim.live.backtest import backtest

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--months", type=int, nargs="+", default=[12, 24, 36, 48])
    parser.add_argument("--particles", type=int, default=100)
    parser.add_argument("--prior-paths", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "ways_to_wellness.yaml")
    if args.rate != 118:
        scenario = with_overrides(scenario, {"cohort.referrals.rate_per_month": args.rate})
    pairs = [(r, m) for r in range(args.replications) for m in args.months]
    start = time.perf_counter()
    result = backtest(scenario, pairs, particles=args.particles, prior_paths=args.prior_paths,
                      workers=args.workers)
    seconds = time.perf_counter() - start
    table = result.coverage()
    table["resimulated"] = result.rows.groupby("months")["resimulated"].mean().to_numpy()
    print(f"Backtest: Ways to Wellness at {args.rate:g} referrals a month, {args.replications} replications x "
          f"{len(args.months)} as-of months, {args.particles} paths per projection, {args.prior_paths} prior paths")
    print(table.to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    print(f"all pairs: coverage {result.rows['covered'].mean():.3f} of {len(result.rows)}; {seconds:,.0f} s")


if __name__ == "__main__":
    main()
