"""Summary statistics over replications: what summary.json and the printed table show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..finance import IRR_STATUSES
from .measurement_risk import measurement_variance_share

# Probability metric -> the 0/1 flag column it is the mean of (flags are not summarised themselves).
PROBABILITIES = {"investor_p_loss": "investor_loss", "provider_p_loss": "provider_loss",
                 "p_delivery_cut": "delivery_cut_any", "p_capacity_cut": "capacity_cut",
                 "p_capacity_cut_not_converged": "capacity_cut_not_converged"}
# Families of probabilities, one per outcome line: flag column `<flag>` or `<flag>.<line>` ->
# `<probability>` or `<probability>.<line>` (measurement risk: the columns exist only when the table
# was built with the contract, see experiment.measurement_risk).
PROBABILITY_FAMILIES = {"p_payment_without_effect": "payment_without_effect",
                        "p_no_payment_despite_effect": "no_payment_despite_effect"}


def probability_name(column: str) -> str | None:
    """The probability a flag column of a family is reported as, else None."""
    for probability, flag in PROBABILITY_FAMILIES.items():
        if column == flag or column.startswith(flag + "."):
            return probability + column[len(flag):]
    return None


def describe(values: np.ndarray) -> dict[str, float]:
    """mean, sd, p5, p50, p95 over the finite values (n says how many); never NaN in the output."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"n": 0}
    p5, p50, p95 = np.percentile(finite, [5, 50, 95])
    sd = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    return {"mean": float(finite.mean()), "sd": sd, "p5": float(p5), "p50": float(p50), "p95": float(p95),
            "n": int(finite.size)}


def summarise(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    metrics: dict[str, dict[str, float]] = {}
    for name in table.columns:
        if name in ("replication", "investor_irr_status") or name in PROBABILITIES.values():
            continue
        if name.endswith(".irr_status"):  # a tranche's IRR status: shares of runs, as investor_irr_status
            status = table[name].to_numpy()
            for s in IRR_STATUSES:
                metrics[f"{name}.{s}"] = {"value": float(np.mean(status == s)), "n": len(table)}
            continue
        probability = probability_name(name)
        if probability is not None:
            metrics[probability] = {"value": float(table[name].mean()), "n": len(table)}
        elif _is_stack_metric(name) and name.endswith(".loss"):  # a tranche's loss flag
            metrics[name[:-len("loss")] + "p_loss"] = proportion(table[name].to_numpy(dtype=float))
        elif _is_stack_metric(name):
            metrics[name] = with_intervals(table[name].to_numpy(dtype=float))
        else:
            metrics[name] = describe(table[name].to_numpy(dtype=float))
    n = len(table)
    for name, column in PROBABILITIES.items():
        if column in table.columns:  # the capacity-cut flags exist only under shortfall: scale_back
            metrics[name] = {"value": float(table[column].mean()), "n": n}
    if "payments_true_measurement" in table.columns:
        share = measurement_variance_share(table["payments_total"].to_numpy(dtype=float),
                                           table["payments_true_measurement"].to_numpy(dtype=float))
        metrics["measurement_variance_share"] = {"value": share, "n": n}
    status = table["investor_irr_status"].to_numpy()
    for s in IRR_STATUSES:
        metrics[f"investor_irr_status.{s}"] = {"value": float(np.mean(status == s)), "n": n}
    return _round(metrics)


def _is_stack_metric(name: str) -> bool:
    return name.startswith(("investor.", "guarantor."))


def with_intervals(values: np.ndarray) -> dict[str, float]:
    """describe() plus 95% intervals: for the mean (normal approximation, mean_lo/mean_hi) and for the
    95th percentile (distribution-free, from the order statistics whose ranks bracket it with 95%
    binomial probability, p95_lo/p95_hi). Intervals of Monte Carlo error, not of spread."""
    out = describe(values)
    finite = np.sort(values[np.isfinite(values)])
    n = finite.size
    if n == 0:
        return out
    half = 1.96 * out["sd"] / math.sqrt(n)
    # Clipped to the values' range: a mean of non-negative amounts has no negative bound.
    out |= {"mean_lo": max(out["mean"] - half, float(finite[0])), "mean_hi": min(out["mean"] + half, float(finite[-1]))}
    spread = 1.96 * math.sqrt(n * 0.95 * 0.05)
    lo, hi = int(math.floor(n * 0.95 - spread)), int(math.ceil(n * 0.95 + spread))
    out |= {"p95_lo": float(finite[max(lo, 1) - 1]), "p95_hi": float(finite[min(hi, n) - 1])}
    return out


def proportion(flags: np.ndarray) -> dict[str, float]:
    """A probability from 0/1 flags with its 95% Wilson interval (lo, hi)."""
    n = flags.size
    if n == 0:
        return {"n": 0}
    p, z = float(flags.mean()), 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"value": p, "lo": max(centre - half, 0.0), "hi": min(centre + half, 1.0), "n": n}


def _round(metrics: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    # 12 significant digits: stable text across platforms' last-bit differences in printing.
    def r(x: float) -> float:
        return x if isinstance(x, int) or x == 0 or not math.isfinite(x) else float(f"{x:.12g}")

    return {k: {s: r(v) for s, v in stats.items()} for k, stats in metrics.items()}
