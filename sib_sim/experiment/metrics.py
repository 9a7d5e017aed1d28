"""Per-replication metrics and monthly streams from the ledger, payments and cash flows.

Metric names are part of the public interface (users script against summary.json): keep them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import Payments
from ..finance import CashFlows
from ..measure import OutcomeLedger
from ..scenario.contract import Contract
from .measurement_risk import measurement_risk_metrics


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def delivery_metrics(ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    s = ledger.series
    capacity = s["capacity"]
    staffed = capacity > 0
    return {
        "referrals": s["referrals"].sum(axis=1),
        "engaged": s["engaged"].sum(axis=1),
        "engagement_rate": _ratio(s["engaged"].sum(axis=1), s["referrals"].sum(axis=1)),
        "completed": s["completed"].sum(axis=1),
        "disengaged": s["disengaged"].sum(axis=1),
        "gave_up_waiting": s["gave_up"].sum(axis=1),
        "waiting_peak": s["waiting"].max(axis=1),
        "caseload_peak": s["in_service"].max(axis=1),
        "link_worker_utilisation": _ratio((s["in_service"] * staffed).sum(axis=1), (capacity * staffed).sum(axis=1)),
    }


def outcome_metrics(ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    """Star and hospital metrics, each only where the scenario models it (absent, not NaN, otherwise)."""
    s = ledger.series
    out: dict[str, np.ndarray] = {}
    if "wellbeing" in ledger.modelled:
        out |= {
            "star_followups": s["star_followups"].sum(axis=1),
            "star_change_mean": ledger.scalars["star_change_mean"],
            "star_change_true_mean": ledger.scalars["star_change_true_mean"],
            "share_with_followup_star": ledger.scalars["share_with_followup"],
        }
    if "hospital" in ledger.modelled:
        out |= {
            "hospital_cost_reduction": 1.0 - _ratio(s["hospital_treated_cost"].sum(axis=1),
                                                    s["hospital_comparison_cost"].sum(axis=1)),
            "hospital_cost_reduction_true": 1.0 - _ratio(s["hospital_expected_cost"].sum(axis=1),
                                                         s["hospital_counterfactual_cost"].sum(axis=1)),
            "comparison_cost_per_patient_year": 12 * _ratio(s["hospital_comparison_cost"].sum(axis=1),
                                                            s["hospital_patient_months"].sum(axis=1)),
        }
    return out


def payment_metrics(payments: Payments) -> dict[str, np.ndarray]:
    out = {"payments_total": payments.total, "payments_cut_by_caps": payments.cut_total(),
           "payments_after_horizon": payments.after_horizon}
    out |= {f"payments_by_payer.{k}": v for k, v in payments.by_payer().items()}
    out |= {f"payments_by_outcome.{k}": v for k, v in payments.by_line().items()}
    return out


def replications_table(replications: np.ndarray, ledger: OutcomeLedger, payments: Payments,
                       flows: CashFlows, contract: Contract | None = None) -> pd.DataFrame:
    """One row per replication. With the `contract` that priced `payments`, the measurement-risk
    metrics too (experiment.measurement_risk: it re-prices the contract on the true and null views)."""
    columns = {"replication": replications}
    columns |= {f"param.{path}": ledger.parameters[path] for path in sorted(ledger.parameters)}
    columns |= delivery_metrics(ledger) | outcome_metrics(ledger) | payment_metrics(payments)
    if contract is not None:
        columns |= measurement_risk_metrics(contract, ledger, payments)
    columns |= flows.metrics
    columns["investor_irr_status"] = flows.irr_status
    columns |= flows.statuses
    return pd.DataFrame(columns)


def monthly_streams(ledger: OutcomeLedger, payments: Payments, flows: CashFlows) -> dict[str, np.ndarray]:
    s, w = ledger.series, flows.waterfall
    out = {f"outcome.{line}": payments.paid[:, i].sum(axis=1) for i, line in enumerate(payments.line_ids)}
    out |= {f"payer.{payer}": payments.paid[:, :, i].sum(axis=1) for i, payer in enumerate(payments.payer_ids)}
    out |= {f"cost.{item}": v for item, v in flows.costs.items()}
    out |= {
        "investor.drawdown": w.draws, "investor.repayment": w.repayments, "investor.return": w.returns,
        "investor.net": flows.investor_net, "spv.retained": w.spv_retained, "spv.unfunded": w.unfunded,
        "spv.cash": w.cash, "spv.delivery_cut": w.delivery_cut, "spv.top_up": w.top_up,
        "provider.fees_paid": w.costs_paid + w.deferred_paid, "provider.fees_owed": w.deferred,
        "surplus.investor": w.surplus_investor, "surplus.provider": w.surplus_provider,
        "surplus.commissioner": w.surplus_commissioner,
    }
    if flows.statuses and w.stack is not None:  # a capital stack: each tranche's draws and receipts
        for j, tranche in enumerate(w.stack.ids):
            out[f"investor.{tranche}.drawdown"] = w.stack.draws[:, j]
            out[f"investor.{tranche}.received"] = w.stack.received[:, j]
    out |= {f"cohort.{k}": s[k] for k in ("referrals", "engaged", "completed", "disengaged", "in_service",
                                           "waiting", "capacity", "star_followups")}
    out |= {"hospital.patient_months": s["hospital_patient_months"],
            "hospital.treated_cost": s["hospital_treated_cost"],
            "hospital.comparison_cost": s["hospital_comparison_cost"]}
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}
