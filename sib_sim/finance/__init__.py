"""Payments -> CashFlows: delivery costs, the SPV waterfall, investor, provider and commissioner metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..calendar import month_dates
from ..contract import Payments
from ..measure import OutcomeLedger
from ..scenario import Scenario
from .caps import year_fractions
from .costs import COST_ITEMS, delivery_costs
from .investor import IRR_STATUSES
from .stack_metrics import tranche_metrics
from .metrics import commissioner_metrics, investor_metrics, provider_metrics, spv_metrics
from .waterfall import Waterfall, run_waterfall


@dataclass(frozen=True)
class CashFlows:
    """Monthly flows (n_replications, horizon) and per-replication finance metrics."""

    income: np.ndarray
    costs: dict[str, np.ndarray]
    waterfall: Waterfall
    metrics: dict[str, np.ndarray]
    irr_status: np.ndarray  # (n_replications,) one of IRR_STATUSES
    statuses: dict[str, np.ndarray] = field(default_factory=dict)  # per tranche: `investor.<id>.irr_status`

    @property
    def investor_net(self) -> np.ndarray:
        w = self.waterfall
        return w.repayments + w.returns - w.draws + w.guaranteed


def spv_waterfall(scenario: Scenario, income: np.ndarray, total_cost: np.ndarray) -> Waterfall:
    """The scenario's waterfall on these monthly income and costs (no metrics: cheap to repeat)."""
    f = scenario.finance
    dates = month_dates(scenario.run.start_date, scenario.run.horizon_months)
    years = year_fractions(np.array([(d - dates[0]).days for d in dates]))
    return run_waterfall(income, total_cost, f.tranches, shortfall=f.shortfall, provider=f.provider,
                         split=f.surplus_split, years=years, cash_buffer=f.spv_cash_buffer,
                         reserve_months=f.spv_reserve_months)


def cash_flows(scenario: Scenario, payments: Payments, ledger: OutcomeLedger) -> CashFlows:
    f = scenario.finance
    income = payments.paid.sum(axis=(1, 2))
    costs = delivery_costs(scenario, ledger)
    total_cost = sum(costs.values())
    dates = month_dates(scenario.run.start_date, scenario.run.horizon_months)
    waterfall = spv_waterfall(scenario, income, total_cost)
    metrics, status = investor_metrics(waterfall, dates)
    metrics |= commissioner_metrics(scenario, payments, ledger, waterfall)
    metrics |= provider_metrics(waterfall, total_cost) | spv_metrics(waterfall, total_cost)
    statuses: dict[str, np.ndarray] = {}
    if f.stacked and waterfall.stack is not None:  # one investor: the totals are the tranche
        by_tranche, statuses = tranche_metrics(waterfall.stack, dates)
        metrics |= by_tranche
    return CashFlows(income, costs, waterfall, metrics, status, statuses)


__all__ = ["COST_ITEMS", "IRR_STATUSES", "CashFlows", "cash_flows", "delivery_costs", "spv_waterfall"]
