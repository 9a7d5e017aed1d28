"""Words and units for metric names and scenario paths, for tables and figures a new user reads.

Metric names and dotted paths stay the keys (scripts rely on them); these only say them in English
and tell a formatter whether a number is money, a share, a multiple or a count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..scenario.paths import FieldPath
from .summary_table import SYMBOLS, money

# Metric name -> kind; names not listed are counts. Money is in the scenario's currency.
_MONEY_EXACT = {"delivery_cost", "unfunded_cost", "delivery_cut", "spv_retained", "investor_drawn",
                "investor_peak_capital", "investor_distributions", "comparison_cost_per_patient_year"}
_MONEY_PREFIXES = ("payments", "commissioner_", "provider_income", "provider_cost", "provider_net",
                   "provider_fees_unpaid", "provider_surplus_share", "hospital_costs_avoided")
_SHARES = {"investor_irr", "engagement_rate", "hospital_cost_reduction", "hospital_cost_reduction_true",
           "share_with_followup_star", "link_worker_utilisation", "measurement_variance_share"}

# The last segment of a scenario path -> what it is, "{item}" being the id of the list item it sits in.
_FIELDS = {
    "effect_during_support": "{item} reduction during support",
    "effect_half_life_months": "hospital effect half-life (months)",
    "gain_first_period_mean": "Star gain in the first period (mean)",
    "gain_decay": "Star gain kept each later period",
    "p_engage": "share of referrals who engage",
    "rate_per_month": "referrals per month",
    "rate_per_year": "{item} events per patient-year",
    "unit_cost": "{item} cost per event",
    "price": "{item} price",
    "share": "{item} share of savings paid",
    "cap": "{item} cap",
    "commitment": "investor commitment",
    "caseload_per_worker": "caseload per link worker",
}
_MONEY_FIELDS = {"price", "cap", "commitment", "unit_cost", "amount", "per_engaged", "cash_buffer"}
_SHARE_FIELDS = {"share", "p_engage", "effect_during_support", "gain_decay", "discount_rate"}


def metric_kind(metric: str) -> str:
    """money, share, multiple, points, month or count: how to print a metric's values."""
    if metric in _MONEY_EXACT or metric.startswith(_MONEY_PREFIXES):
        return "money"
    if metric in _SHARES:
        return "share"
    if metric == "investor_multiple":
        return "multiple"
    if metric.startswith("star_change"):
        return "points"
    if metric.endswith("_month"):
        return "month"
    return "count"


_METRIC_WORDS = {"payments_total": "Outcome payments", "investor_multiple": "Investor money multiple",
                 "investor_irr": "Investor IRR", "provider_net": "Provider net (income - costs)"}
_ID_WORDS = {"ae": "A&E", "cbo": "CBO", "sof": "SOF", "ccg": "CCG"}  # ids that read badly spelt out


def metric_label(metric: str) -> str:
    """"commissioner_net_cost" -> "Commissioner net cost"; a "group.item" name keeps its item."""
    if metric in _METRIC_WORDS:
        return _METRIC_WORDS[metric]
    head, _, item = metric.partition(".")
    text = head.replace("_", " ").capitalize()
    return f"{text}: {item.replace('_', ' ')}" if item else text


def path_kind(path: str) -> str:
    """money, share or number, from the field a dotted scenario path ends in."""
    field = FieldPath.parse(path).field
    if field in _MONEY_FIELDS:
        return "money"
    if field in _SHARE_FIELDS:
        return "share"
    return "number"


def parameter_label(path: str) -> str:
    """A scenario path in words: "hospital.lines.ae.effect_during_support" -> "Ae reduction during support".

    Known fields read as a phrase with their item's id; others fall back to their last two segments."""
    parts = [str(segment) for segment in FieldPath.parse(path)]
    field = parts[-1]
    if field in _FIELDS:
        item = parts[-2].replace("_", " ") if len(parts) >= 3 else parts[0]
        if field == "cap" and len(parts) == 2:
            item = "contract"
        text = _FIELDS[field].format(item=_ID_WORDS.get(item, item.replace("_", " ")))
    else:
        text = " ".join(parts[-2:]).replace("_", " ")
    return text[0].upper() + text[1:]


def format_value(kind: str, value: float, currency: str, signed: bool = False) -> str:
    """One number in one format: money compact (£77.9k), shares as %, multiples as 2.00x."""
    if not math.isfinite(value):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if kind == "money":
        return sign + money(value, currency)
    if kind == "share":
        return f"{sign}{100 * value:.1f}%"
    if kind == "multiple":
        return f"{sign}{value:.2f}x"
    if kind == "points":
        return f"{value:+.2f}"
    if kind in ("count", "month"):
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:,.0f}" if abs(value) >= 1000 else f"{sign}{value:.4g}"


def unit_text(kind: str, currency: str) -> str:
    """What goes in brackets after an axis or column label: "(£)", "(%)", "(x)" or nothing."""
    return {"money": f" ({SYMBOLS.get(currency, currency)})", "share": " (%)", "multiple": " (x)",
            "points": " (points)"}.get(kind, "")


def variant_line(overrides: Sequence[str]) -> str:
    """"Variant: --set a=1, --set b=2", or "" for the scenario as written."""
    return ("Variant: " + ", ".join(f"--set {o}" for o in overrides)) if overrides else ""


def general_term(path: str, value: object, currency: str) -> str:
    """A scenario value in words for a list of differing terms: £8.20m, 52.0%, yes, none, (fixed_fee line)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        kind = path_kind(path)
        return money(float(value), currency) if kind == "money" else (
            f"{100 * value:.1f}%" if kind == "share" else f"{value:,g}" if abs(value) < 1e15 else f"{value:g}")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(general_term(path, v, currency) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {general_term(f'{path}.{k}', v, currency)}" for k, v in value.items()) + "}"
    return str(value)

