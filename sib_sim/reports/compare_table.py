"""What `sib-sim compare` prints: each variant against the base, on the metrics a finance director
reads first, as paired differences with 90% intervals."""

from __future__ import annotations

import math

from ..experiment.compare import Comparison
from .summary_table import money

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


def _fmt(kind: str, value: float, currency: str, signed: bool = False) -> str:
    if not math.isfinite(value):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if kind == "money":
        return sign + money(value, currency)
    if kind == "multiple":
        return f"{sign}{value:.2f}x"
    return f"{sign}{100 * value:.1f}%"


def comparison_rows(comparison: Comparison) -> list[tuple[str, str, list[str]]]:
    """(variant, label, [base median, variant median, mean difference, 90% interval, P(higher)])."""
    currency = comparison.variants[0].scenario.currency
    base = comparison.variants[0].replications
    rows = []
    for name, variant in zip(comparison.names[1:], comparison.variants[1:]):
        differences = comparison.differences()[name]
        for label, metric, kind in HEADLINE:
            d = differences.get(metric)
            if not d or "mean" not in d or metric not in variant.replications:
                continue
            # A 0/1 flag's median says nothing: show its mean, the probability.
            centre = (lambda x: float(x.mean())) if kind == "probability" else (lambda x: float(x.median()))
            rows.append((name, label, [
                _fmt(kind, centre(base[metric]), currency),
                _fmt(kind, centre(variant.replications[metric]), currency),
                _fmt(kind, d["mean"], currency, signed=True),
                "" if kind == "probability" else
                f"{_fmt(kind, d['p5'], currency, signed=True)} / {_fmt(kind, d['p95'], currency, signed=True)}",
                f"{100 * d['p_positive']:.0f}%",
            ]))
    return rows
