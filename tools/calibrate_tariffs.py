"""Choose the unpublished Ways to Wellness tariffs from the published design targets.

Tariffs are not public. Hulse et al. (BMJ Global Health 2021) give the design: outcomes on target
(+1.4 Star points, 22% lower secondary-care cost than the comparison cohort) return about 1.38x the
investor's capital. This script builds that "design world" from the shipped scenario (Star gains
and hospital effects scaled until the measured outcomes hit the targets), keeps the 30/70 split of
payments between outcome A and B (INDIGO), and searches for the payment level that gives a median
multiple of 1.38. It prints the outcome A price and outcome B share to put in the scenario.

Each level is priced as `run` prices it: a replication whose cash and commitment run out is
re-simulated with its delivery cut (experiment.delivery_cut), so the tariffs pay for the delivery
they buy. Higher payments cut less, so the median multiple still rises with the level.

With `--price A`, outcome A keeps that price (a round figure for the scenario) and only outcome B's
share is searched; the script then prints the split of payments that results.

Run:  .venv/bin/python tools/calibrate_tariffs.py [--replications 60] [--price 270]
"""

from __future__ import annotations

import argparse

import numpy as np

from sib_sim import evaluate, load_scenario, simulate, with_overrides
from sib_sim.experiment import evaluate_with_cuts

TARGET_STAR, TARGET_REDUCTION, TARGET_MULTIPLE = 1.4, 0.22, 1.38


def design_world(base, reps: int):
    """Scale the Star gain and the hospital effects until measured outcomes hit the targets."""
    lines = base.hospital.lines

    def world(gain_scale: float, effect_scale: float):
        changes = {"wellbeing.gain_first_period_mean": base.wellbeing.gain_first_period_mean * gain_scale}
        changes |= {f"hospital.lines.{x.id}.effect_during_support": x.effect_during_support * effect_scale
                    for x in lines}
        return with_overrides(base, changes)

    def measured(scenario) -> tuple[float, float]:
        t = evaluate(scenario, simulate(scenario, range(reps), workers=2)).replications
        return float(t["star_change_mean"].median()), float(t["hospital_cost_reduction"].median())

    gain, effect = 1.0, 1.0
    for _ in range(4):  # fixed-point: both responses are close to linear in their scale
        star, reduction = measured(world(gain, effect))
        gain *= TARGET_STAR / star
        effect *= TARGET_REDUCTION / reduction
    scenario = world(gain, effect)
    star, reduction = measured(scenario)
    print(f"design world: Star gain x{gain:.3f}, hospital effects x{effect:.3f} -> "
          f"median Star change {star:+.2f}, measured reduction {reduction:.1%}")
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=60)
    parser.add_argument("--scenario", default="scenarios/ways_to_wellness.yaml")
    parser.add_argument("--price", type=float, default=None,
                        help="keep outcome A at this price and search only outcome B's share")
    args = parser.parse_args()
    # The design targets are about point values: parameter uncertainty off.
    base = with_overrides(load_scenario(args.scenario), {"run.uncertainty": False})
    scenario = design_world(base, args.replications)
    ledger = simulate(scenario, range(args.replications), workers=2)
    unit = evaluate(with_overrides(scenario, {"contract.outcomes.wellbeing.price": 1.0,
                                              "contract.outcomes.secondary_care.share": 1.0,
                                              "contract.cap": None, "contract.payers.ccg.cap": None,
                                              "contract.payers.cbo.cap": None, "contract.payers.sof.cap": None}),
                    ledger).replications
    per_star = float(unit["payments_by_outcome.wellbeing"].median())
    per_saving = float(unit["payments_by_outcome.secondary_care"].median())

    def multiple(total: float) -> tuple[float, float, float]:
        """The median multiple when outcome payments at the targets total `total` (30/70, or outcome A
        at `--price` and the rest from outcome B)."""
        price = 0.3 * total / per_star if args.price is None else args.price
        share = (0.7 * total if args.price is None else max(total - price * per_star, 0.0)) / per_saving
        priced = with_overrides(scenario, {"contract.outcomes.wellbeing.price": price,
                                           "contract.outcomes.secondary_care.share": share})
        table = evaluate_with_cuts(priced, ledger, replications=range(args.replications)).replications
        return float(np.nanmedian(table["investor_multiple"])), price, share

    lo, hi = 1e6, 12e6
    while hi - lo > 100.0:  # to GBP 100 of payments at the targets: well below the tariffs' rounding
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if multiple(mid)[0] < TARGET_MULTIPLE else (lo, mid)
    m, price, share = multiple(hi)
    print(f"outcome payments at the design targets: {hi:,.0f}; median multiple {m:.3f}")
    print(f"outcome A price per follow-up Star: {price:.2f} ({price * per_star / hi:.1%} of payments at the targets)")
    print(f"outcome B share of measured savings: {share:.4f}")

if __name__ == "__main__":
    main()
