"""What `sib-sim compare` prints: each variant against the base, on the metrics a finance director
reads first.

Two kinds of number sit side by side and are labelled apart: the medians of each side (the middle
run of the base, the middle run of the variant) and the paired difference (variant minus base in
each replication, on the same cohorts). The mean paired difference equals the difference of the
means, and can have the other sign from the difference of medians when the runs are skewed (a cap
that binds in some runs, say), so both are shown. Rates (the IRR) differ in percentage points;
probabilities are shown as probabilities, with no "how often higher" (a 0/1 flag per run says little).
"""

from __future__ import annotations

import math

from ..experiment.compare import Comparison
from .labels import format_value, general_term

HEADLINE = [
    ("Commissioner payments", "commissioner_payments", "money"),
    ("Commissioner net cost", "commissioner_net_cost", "money"),
    ("  net cost, NPV", "commissioner_net_cost_npv", "money"),
    ("All outcome payments", "payments_total", "money"),
    ("Delivery cost", "delivery_cost", "money"),
    ("Capital drawn", "investor_drawn", "money"),
    ("Investor multiple", "investor_multiple", "multiple"),
    ("Investor IRR", "investor_irr", "share"),
    ("P(investor loss)", "investor_loss", "probability"),
    ("Provider net", "provider_net", "money"),
]

COLUMNS = ("base median", "variant median", "median gap", "paired mean", "paired 5%/95%", "% higher")
CAPTION = ("Medians: the middle run of each side; median gap: variant median - base median. Paired: variant "
           "- base in each replication (same cohorts), its mean (which equals the gap between the means and "
           "can have the other sign from the median gap), 5th and 95th percentiles, and how often (% of runs) "
           "the variant is higher. Rates and probabilities differ in percentage points (pp).")


def _fmt(kind: str, value: float, currency: str, signed: bool = False) -> str:
    if kind == "probability":
        return format_value("share", value, currency, signed)
    return format_value(kind, value, currency, signed)


def _difference(kind: str, value: float, currency: str) -> str:
    """A difference: money and multiples signed in their unit, shares and probabilities in points."""
    if not math.isfinite(value):
        return "-"
    if kind in ("share", "probability"):
        points = 100 * value
        return f"{'+' if points > 0.05 else ''}{points:.1f} pp" if abs(points) >= 0.05 else "0.0 pp"
    return _fmt(kind, value, currency, signed=True)


def _centre(kind: str, values) -> float:
    # A 0/1 flag's median says nothing: its mean is the probability.
    values = values.astype(float)
    return float(values.mean()) if kind == "probability" else float(values.median())


def comparison_rows(comparison: Comparison) -> list[tuple[str, str, list[str]]]:
    """(variant, label, cells under COLUMNS) for each headline metric both sides have."""
    currency = comparison.variants[0].scenario.currency
    base = comparison.variants[0].replications
    rows = []
    for name, variant in zip(comparison.names[1:], comparison.variants[1:]):
        differences = comparison.differences()[name]
        for label, metric, kind in HEADLINE:
            d = differences.get(metric)
            if not d or "mean" not in d or metric not in variant.replications:
                continue
            b, v = _centre(kind, base[metric]), _centre(kind, variant.replications[metric])
            probability = kind == "probability"
            rows.append((name, label, [
                _fmt(kind, b, currency),
                _fmt(kind, v, currency),
                "" if probability else _difference(kind, v - b, currency),
                _difference(kind, d["mean"], currency),
                "" if probability else f"{_difference(kind, d['p5'], currency)}/{_difference(kind, d['p95'], currency)}",
                "" if probability else f"{100 * d['p_positive']:.0f}%",
            ]))
    return rows


def term_lines(terms: list[tuple[str, object, object]], currency: str) -> list[str]:
    """"contract.cap: £8.20m -> none" for each term that differs, values in words, not JSON."""
    return [f"{path}: {general_term(path, base, currency)} -> {general_term(path, other, currency)}"
            for path, base, other in terms]
