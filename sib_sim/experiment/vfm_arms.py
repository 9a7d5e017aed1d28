"""The three ways to buy (or not buy) the same delivery, on the same cohorts: SIB, direct, nothing.

Each arm is a table with one row per replication and columns per payer (`<payer>.payments`,
`.payments_npv`, `.savings`, `.net_cost`, `.net_cost_npv`, `.cost_per_participant`) and for the
commissioner as a whole (`commissioner.*`, plus `star_points`, `non_cashable_npv`, `participants`).

- sib: the scenario's own contract and finance.
- direct: the same delivery paid at cost by the commissioner, month by month, no investor and no
  outcome payments (what scenarios/ways_to_wellness_direct.yaml writes out by hand), or a comparator
  scenario the user names, evaluated on the same cohorts (or the same seeds when its model differs).
- nothing: no service: no payments and, since savings are measured against no service, no savings.

Savings belong to the commissioner (the payer holding the hospital budget); other payers (top-up
funds) have none. Money is discounted at the commissioner's rate (Green Book 3.5% by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..finance.costs import delivery_costs
from ..finance.investor import discount_factors
from ..measure import OutcomeLedger
from ..scenario import Scenario
from .results import Results


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def outcome_values(scenario: Scenario, ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    """What the delivery bought, whoever paid: the commissioner's savings (cashable and not, nominal
    and discounted) and Star points gained (true change of the participants with a follow-up Star)."""
    c = scenario.finance.commissioner
    factors = discount_factors(ledger.horizon_months, c.discount_rate)
    avoided = ledger.series["hospital_counterfactual_cost"] - ledger.series["hospital_expected_cost"]
    if "hospital" not in ledger.modelled:
        avoided = np.zeros_like(avoided)
    cashable = avoided * c.cashable_share
    engaged = ledger.series["engaged"].sum(axis=1)
    stars = np.zeros(ledger.n_replications)
    if "wellbeing" in ledger.modelled:
        followed = ledger.scalars["share_with_followup"] * engaged
        stars = np.nan_to_num(ledger.scalars["star_change_true_mean"]) * followed
    return {"cashable": cashable.sum(axis=1), "cashable_npv": (cashable * factors).sum(axis=1),
            "non_cashable": (avoided - cashable).sum(axis=1),
            "non_cashable_npv": ((avoided - cashable) * factors).sum(axis=1),
            "star_points": stars, "participants": engaged}


def _payer_columns(payer: str, monthly: np.ndarray, owed: np.ndarray, savings: np.ndarray,
                   savings_npv: np.ndarray, factors: np.ndarray, participants: np.ndarray) -> dict[str, np.ndarray]:
    npv = (monthly * factors).sum(axis=1)
    return {f"{payer}.payments": owed, f"{payer}.payments_npv": npv, f"{payer}.savings": savings,
            f"{payer}.net_cost": owed - savings, f"{payer}.net_cost_npv": npv - savings_npv,
            f"{payer}.cost_per_participant": _ratio(owed, participants)}


def sib_arm(results: Results, ledger: OutcomeLedger) -> pd.DataFrame:
    """The scenario's SIB: each payer's payments, the commissioner's net cost as finance reports it."""
    s = results.scenario
    values = outcome_values(s, ledger)
    factors = discount_factors(ledger.horizon_months, s.finance.commissioner.discount_rate)
    table = results.replications
    commissioner = s.finance.commissioner.payer
    zero = np.zeros(len(table))
    columns: dict[str, np.ndarray] = {}
    for payer in [p.id for p in s.contract.payers]:
        monthly = np.asarray(results.monthly[f"payer.{payer}"], dtype=float)
        owed = table[f"payments_by_payer.{payer}"].to_numpy(dtype=float)
        mine = payer == commissioner
        columns |= _payer_columns(payer, monthly, owed, values["cashable"] if mine else zero,
                                  values["cashable_npv"] if mine else zero, factors, values["participants"])
    columns |= {"commissioner.payments": table["commissioner_payments"].to_numpy(dtype=float),
                "commissioner.net_cost": table["commissioner_net_cost"].to_numpy(dtype=float),
                "commissioner.net_cost_npv": table["commissioner_net_cost_npv"].to_numpy(dtype=float)}
    return _with_values(columns, values)


def direct_arm(scenario: Scenario, ledger: OutcomeLedger) -> pd.DataFrame:
    """The same delivery paid at cost by the commissioner as it is incurred (no investor, no outcome
    payments, nothing for the other payers)."""
    values = outcome_values(scenario, ledger)
    c = scenario.finance.commissioner
    factors = discount_factors(ledger.horizon_months, c.discount_rate)
    costs = sum(delivery_costs(scenario, ledger).values())
    paid = costs.sum(axis=1)
    columns = _payer_columns(c.payer, costs, paid, values["cashable"], values["cashable_npv"], factors,
                             values["participants"])
    columns |= {"commissioner.payments": paid, "commissioner.net_cost": paid - values["cashable"],
                "commissioner.net_cost_npv": (costs * factors).sum(axis=1) - values["cashable_npv"]}
    return _with_values(columns, values)


def nothing_arm(scenario: Scenario, n: int) -> pd.DataFrame:
    zero = np.zeros(n)
    payer = scenario.finance.commissioner.payer
    columns = {f"{payer}.{k}": zero for k in ("payments", "payments_npv", "savings", "net_cost", "net_cost_npv")}
    columns |= {f"commissioner.{k}": zero for k in ("payments", "net_cost", "net_cost_npv")}
    return _with_values(columns, {k: zero for k in ("cashable", "cashable_npv", "non_cashable", "non_cashable_npv",
                                                    "star_points", "participants")})


def _with_values(columns: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> pd.DataFrame:
    columns = dict(columns) | {f"commissioner.{k}": v for k, v in values.items()}
    columns["commissioner.cost_per_star_point"] = _ratio(columns["commissioner.payments"], values["star_points"])
    return pd.DataFrame(columns)


def net_benefit(arm: pd.DataFrame, per_non_cashable: float, per_star_point: float) -> np.ndarray:
    """The commissioner's net benefit in money, discounted: cashable savings less what it pays (its
    net cost), plus a value per pound of non-cashable savings and per Star point gained."""
    return (-arm["commissioner.net_cost_npv"].to_numpy(dtype=float)
            + per_non_cashable * arm["commissioner.non_cashable_npv"].to_numpy(dtype=float)
            + per_star_point * arm["commissioner.star_points"].to_numpy(dtype=float))


def arm_summary(arm: pd.DataFrame) -> dict[str, dict[str, float]]:
    """column -> {mean, p5, p50, p95, n} over replications (finite values)."""
    out = {}
    for column in arm.columns:
        values = arm[column].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            out[column] = {"n": 0}
            continue
        p5, p50, p95 = np.percentile(finite, [5, 50, 95])
        out[column] = {"mean": float(finite.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95),
                       "n": int(finite.size)}
    return out
