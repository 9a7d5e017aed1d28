"""The headline table printed after a run: what a commissioner and an investor read first."""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..scenario import Scenario

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}


def money(value: float, currency: str) -> str:
    """Compact money, the one rounding of the console, report.html and figures (full values are in
    summary.json and workbook.xlsx): £7.93m, £375k, £68.4k, £512; about three significant figures.

    The unit is chosen on the rounded value, so 999,999 reads £1.00m rather than £1,000k, and the sign
    on it too, so -0.4 reads £0 rather than -£0."""
    if not math.isfinite(value):
        return "-"
    symbol = SYMBOLS.get(currency, f"{currency} ")
    size = abs(value)
    if round(size / 1e3) >= 1000:
        text = f"{size / 1e6:,.2f}m"
    elif round(size / 1e3, 1) >= 100:
        text = f"{size / 1e3:,.0f}k"
    elif round(size) >= 1000:
        text = f"{size / 1e3:,.1f}k"
    else:
        text = f"{size:,.0f}"
    sign = "-" if value < 0 and any(c in "123456789" for c in text) else ""
    return f"{sign}{symbol}{text}"


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
    cut = delivery_cut_warning(metrics, currency)
    if cut:
        lines.append(f"Warning: {cut}")
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


def share_of_runs(share: float, n: float | None) -> str:
    """"1.0% of runs (2 of 200)": the share, and the count it comes from when the count is known."""
    if not n:
        return f"{100 * share:.1f}% of runs"
    return f"{100 * share:.1f}% of runs ({round(share * n)} of {int(n)})"


def delivery_cut_warning(metrics: Mapping[str, Mapping[str, float]], currency: str = "GBP") -> str | None:
    """The one wording of a delivery cut, for the console, report.html and the README: the simulated
    capacity cut (experiment.delivery_cut) when there is one, then any cut left unfunded.

    `delivery_cut` is zero in runs without a cut, so its mean over all runs divided by the share of runs
    with a cut is the mean over the runs that had one. Both are given: the first is what went unpaid
    where it happened, the second is what it costs the programme on average."""
    simulated = capacity_cut_sentence(metrics)
    share = (metrics.get("p_delivery_cut") or {}).get("value", 0.0)
    if not share or not math.isfinite(share) or share <= 0:
        return simulated
    over_all = (metrics.get("delivery_cut") or {}).get("mean", 0.0)
    over_all = over_all if math.isfinite(over_all) else 0.0
    runs = share_of_runs(share, (metrics.get("p_delivery_cut") or {}).get("n"))
    return (f"delivery was cut in {runs}: cash and the investor's commitment ran out. In those runs, "
            f"{money(over_all / share, currency)} of delivery costs on average could not be paid "
            f"({money(over_all, currency)} averaged over all runs; metric delivery_cut). The simulated outcomes "
            "assume full delivery, so in those runs they overstate what the programme would achieve."
            if simulated is None else
            f"{simulated} Even so, in {runs} some costs could still not be paid (the cut did not converge: "
            f"costs that do not scale with capacity exceed the money left): "
            f"{money(over_all / share, currency)} on average in those runs (metric delivery_cut).")


def capacity_cut_sentence(metrics: Mapping[str, Mapping[str, float]]) -> str | None:
    """How often and how much link-worker capacity was cut when the money ran out, if ever."""
    share = (metrics.get("p_capacity_cut") or {}).get("value", 0.0)
    if not share or not math.isfinite(share) or share <= 0:
        return None
    runs = share_of_runs(share, (metrics.get("p_capacity_cut") or {}).get("n"))
    cut = (metrics.get("capacity_cut_share") or {}).get("mean", 0.0) / share
    month = (metrics.get("capacity_cut_month") or {}).get("p50", math.nan)
    when = f", from month {month:.0f} in the median run" if math.isfinite(month) else ""
    return (f"delivery was cut in {runs}: cash and the investor's commitment ran out, so link-worker capacity for "
            f"new starts was cut{when}, by {100 * cut:.1f}% of the planned capacity on average in those runs "
            "(metrics capacity_cut_share, capacity_cut_month). The simulated outcomes and payments reflect the cut.")
