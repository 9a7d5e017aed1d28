"""The headline table printed after a run: what a commissioner and an investor read first."""

from __future__ import annotations

import math

from ..scenario import Scenario

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}


def money(value: float, currency: str) -> str:
    """Compact money for a terminal table (full values are in summary.json): £7.93m, £375k, £68.4k, £512."""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        return f"{sign}{symbol}{size / 1e6:,.2f}m"
    if size >= 1e5:
        return f"{sign}{symbol}{size / 1e3:,.0f}k"
    if size >= 1e3:
        return f"{sign}{symbol}{size / 1e3:,.1f}k"
    return f"{sign}{symbol}{size:,.0f}"


def _format(kind: str, currency: str) -> "callable":
    return {
        "money": lambda v: money(v, currency),
        "count": lambda v: f"{v:,.0f}",
        "share": lambda v: f"{100 * v:.1f}%",
        "points": lambda v: f"{v:+.2f}",
        "multiple": lambda v: f"{v:.2f}x",
    }[kind]


def summary_rows(metrics: dict[str, dict[str, float]], scenario: Scenario) -> list[tuple[str, str, list[str]]]:
    """(section, label, [mean, p5, p50, p95] formatted) for each headline metric present."""
    wanted = [("Cohort", "Referrals", "referrals", "count"),
              ("Cohort", "Engaged", "engaged", "count"),
              ("Cohort", "Completed programme", "completed", "count"),
              ("Cohort", "Star change, mean (points)", "star_change_mean", "points"),
              ("Cohort", "Hospital cost below comparison", "hospital_cost_reduction", "share"),
              ("Payments", "Outcome payments", "payments_total", "money")]
    wanted += [("Payments", f"  outcome {o.id}", f"payments_by_outcome.{o.id}", "money")
               for o in scenario.contract.outcomes]
    wanted += [("Payments", f"  paid by {p.id}", f"payments_by_payer.{p.id}", "money")
               for p in scenario.contract.payers]
    wanted += [("Payments", "Cut by caps", "payments_cut_by_caps", "money"),
               ("Investor", "Capital drawn", "investor_drawn", "money"),
               ("Investor", "Money multiple", "investor_multiple", "multiple"),
               ("Investor", "IRR (where defined)", "investor_irr", "share"),
               ("Provider", "Provider net (income - costs)", "provider_net", "money"),
               ("Commissioner", "Outcome payments", "commissioner_payments", "money"),
               ("Commissioner", "Cashable hospital savings", "hospital_costs_avoided_cashable", "money"),
               ("Commissioner", "Net cost", "commissioner_net_cost", "money"),
               ("Commissioner", "Net cost, NPV", "commissioner_net_cost_npv", "money")]
    rows = []
    for section, label, name, kind in wanted:
        stats = metrics.get(name)
        if not stats or "mean" not in stats:
            continue
        fmt = _format(kind, scenario.currency)
        rows.append((section, label, [fmt(stats[k]) if math.isfinite(stats[k]) else "-"
                                      for k in ("mean", "p5", "p50", "p95")]))
    return rows


def probability_lines(metrics: dict[str, dict[str, float]], currency: str = "GBP") -> list[str]:
    lines = []
    no_investor = metrics.get("investor_irr_status.no_outlay", {"value": 0.0})["value"]
    if "investor_p_loss" in metrics and no_investor < 1.0:
        lines.append(f"Probability the investor loses money: {100 * metrics['investor_p_loss']['value']:.1f}%")
    # Only no_root is undefined: a total loss has an IRR (-100%), and no outlay means no investor.
    undefined = metrics.get("investor_irr_status.no_root", {"value": 0.0})["value"]
    if undefined > 0:
        lines.append(f"IRR undefined in {100 * undefined:.1f}% of replications (see investor_irr_status)")
    cut = metrics.get("p_delivery_cut", {"value": 0.0})["value"]
    if cut > 0:
        when_cut = metrics.get("delivery_cut", {}).get("mean", 0.0) / cut  # the mean over runs with a cut
        lines.append(f"Warning: cash and investor commitment ran out in {100 * cut:.1f}% of replications; in "
                     f"those, delivery costs of {money(when_cut, currency)} on average could not be paid "
                     "(delivery_cut). The simulated outcomes do not reflect that cut.")
    if "p_payment_without_effect" in metrics and "payments_no_effect" in metrics:
        lines.append(f"Measurement risk: with no true effect the contract would still pay "
                     f"{money(metrics['payments_no_effect'].get('mean', 0.0), currency)} on average (something in "
                     f"{100 * metrics['p_payment_without_effect']['value']:.0f}% of runs); measurement explains "
                     f"about {100 * metrics.get('measurement_variance_share', {'value': 0.0})['value']:.0f}% "
                     "of the variation in payments")
    provider_loss = metrics.get("provider_p_loss", {"value": 0.0})["value"]
    if provider_loss > 0:
        lines.append(f"Probability the provider loses money: {100 * provider_loss:.1f}%")
    return lines
