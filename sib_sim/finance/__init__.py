"""Payments -> CashFlows: delivery costs, the SPV waterfall, investor and commissioner metrics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calendar import month_dates
from ..contract import Payments
from ..measure import OutcomeLedger
from ..scenario import Scenario
from .costs import COST_ITEMS, delivery_costs
from .investor import IRR_STATUSES, discount_factors, irr_with_status, payback_month
from .waterfall import Waterfall, run_waterfall


@dataclass(frozen=True)
class CashFlows:
    """Monthly flows (n_replications, horizon) and per-replication finance metrics."""

    income: np.ndarray
    costs: dict[str, np.ndarray]
    waterfall: Waterfall
    metrics: dict[str, np.ndarray]
    irr_status: np.ndarray  # (n_replications,) one of IRR_STATUSES

    @property
    def investor_net(self) -> np.ndarray:
        w = self.waterfall
        return w.repayments + w.returns - w.draws


def cash_flows(scenario: Scenario, payments: Payments, ledger: OutcomeLedger) -> CashFlows:
    income = payments.paid.sum(axis=(1, 2))
    costs = delivery_costs(scenario, ledger)
    total_cost = sum(costs.values())
    waterfall = run_waterfall(income, total_cost, scenario.finance.investor)
    flows = CashFlows(income, costs, waterfall, {}, np.array([]))
    metrics, status = _investor_metrics(scenario, flows)
    metrics |= _commissioner_metrics(scenario, payments, ledger)
    metrics["delivery_cost"] = total_cost.sum(axis=1)
    metrics["unfunded_cost"] = waterfall.unfunded.sum(axis=1)
    metrics["spv_retained"] = waterfall.spv_retained.sum(axis=1)
    return CashFlows(income, costs, waterfall, metrics, status)


def _investor_metrics(scenario: Scenario, flows: CashFlows) -> tuple[dict[str, np.ndarray], np.ndarray]:
    w, net = flows.waterfall, flows.investor_net
    dates = month_dates(scenario.run.start_date, scenario.run.horizon_months)
    irr_status = [irr_with_status(dates, row) for row in net]
    drawn = w.draws.sum(axis=1)
    distributed = (w.repayments + w.returns).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        multiple = np.where(drawn > 0, distributed / drawn, np.nan)
    outstanding = np.cumsum(w.draws - w.repayments, axis=1)
    metrics = {
        "investor_drawn": drawn,
        "investor_peak_capital": outstanding.max(axis=1),
        "investor_distributions": distributed,
        "investor_multiple": multiple,
        "investor_irr": np.array([irr for irr, _ in irr_status]),
        "investor_payback_month": np.array([payback_month(row) for row in net]),
        "investor_loss": (distributed < drawn - 1e-6).astype(float),
    }
    return metrics, np.array([status for _, status in irr_status])


def _commissioner_metrics(scenario: Scenario, payments: Payments, ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    horizon = scenario.run.horizon_months
    c = scenario.finance.commissioner
    factors = discount_factors(horizon, c.discount_rate)
    commissioner = payments.payer_ids.index(c.payer)
    paid = payments.paid[:, :, commissioner, :].sum(axis=1)
    avoided = (ledger.series["hospital_counterfactual_cost"] - ledger.series["hospital_expected_cost"])
    cashable = avoided * c.cashable_share
    return {
        "commissioner_payments": paid.sum(axis=1) + _after_horizon_share(payments, commissioner),
        "commissioner_payments_npv": (paid * factors).sum(axis=1),
        "hospital_costs_avoided": avoided.sum(axis=1),
        "hospital_costs_avoided_cashable": cashable.sum(axis=1),
        "commissioner_net_cost": paid.sum(axis=1) - cashable.sum(axis=1),
        "commissioner_net_cost_npv": ((paid - cashable) * factors).sum(axis=1),
    }


def _after_horizon_share(payments: Payments, payer_index: int) -> np.ndarray:
    owed = payments.by_payer()[payments.payer_ids[payer_index]]
    return owed - payments.paid[:, :, payer_index, :].sum(axis=(1, 2))


__all__ = ["COST_ITEMS", "IRR_STATUSES", "CashFlows", "cash_flows"]
