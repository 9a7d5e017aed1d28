"""Per-replication finance metrics: investor, provider, commissioner and the SPV itself.

Every metric is (n_replications,). Flags used for probabilities (`investor_loss`, `provider_loss`,
`delivery_cut_any`) are 0/1 floats; experiment.summary turns them into {value, n}.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..contract import Payments
from ..measure import OutcomeLedger
from ..scenario import Scenario
from .investor import discount_factors, irr_with_status, payback_month
from .waterfall import Waterfall

LOSS_TOLERANCE = 1e-6  # money; below this a shortfall is rounding, not a loss


def investor_metrics(w: Waterfall, dates: list[dt.date]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Investor metrics and the IRR status per replication. With no capital drawn (no investor, or
    never needed) the multiple is NaN with status no_outlay, and drawn, peak and loss are 0."""
    # Totals over tranches; guarantor calls and capital protection are what investors receive too.
    net = w.repayments + w.returns - w.draws + w.guaranteed
    irr_status = [irr_with_status(dates, row) for row in net]
    drawn = w.draws.sum(axis=1)
    distributed = (w.repayments + w.returns + w.guaranteed).sum(axis=1)
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
        "investor_loss": (distributed < drawn - LOSS_TOLERANCE).astype(float),
    }
    return metrics, np.array([status for _, status in irr_status])


def provider_metrics(w: Waterfall, costs: np.ndarray) -> dict[str, np.ndarray]:
    """The provider's income (fees as incurred, deferred fees paid later, its surplus share) against
    the cost of the delivery it actually did (planned costs less any cut)."""
    income = (w.costs_paid + w.deferred_paid + w.surplus_provider).sum(axis=1)
    cost = (costs - w.delivery_cut).sum(axis=1)
    # income - cost, written as the identity it reduces to (every cost is paid as incurred, deferred or
    # cut), so a fee-for-service provider's net is exactly its surplus share, free of rounding.
    net = w.surplus_provider.sum(axis=1) - w.deferred[:, -1]
    return {
        "provider_income": income,
        "provider_cost": cost,
        "provider_net": net,
        "provider_fees_unpaid": w.deferred[:, -1],
        "provider_surplus_share": w.surplus_provider.sum(axis=1),
        "provider_loss": (net < -LOSS_TOLERANCE).astype(float),
    }


def spv_metrics(w: Waterfall, costs: np.ndarray) -> dict[str, np.ndarray]:
    cut = w.delivery_cut
    return {
        "delivery_cost": costs.sum(axis=1),  # as planned, before any cut
        "unfunded_cost": w.unfunded.sum(axis=1),
        "delivery_cut": cut.sum(axis=1),
        "delivery_cut_months": (cut > LOSS_TOLERANCE).sum(axis=1).astype(float),
        "delivery_cut_any": (cut.sum(axis=1) > LOSS_TOLERANCE).astype(float),
        "spv_retained": w.spv_retained.sum(axis=1),
    }


def commissioner_metrics(scenario: Scenario, payments: Payments, ledger: OutcomeLedger,
                         w: Waterfall) -> dict[str, np.ndarray]:
    """The commissioner's payments (outcome payments plus any shortfall top-up and capital protection) less cashable savings
    and its share of the surplus; nominal and discounted (Green Book 3.5% unless the scenario says)."""
    c = scenario.finance.commissioner
    factors = discount_factors(scenario.run.horizon_months, c.discount_rate)
    commissioner = payments.payer_ids.index(c.payer)
    paid = payments.paid[:, :, commissioner, :].sum(axis=1) + w.top_up + w.protection
    avoided = ledger.series["hospital_counterfactual_cost"] - ledger.series["hospital_expected_cost"]
    cashable = avoided * c.cashable_share
    share = w.surplus_commissioner
    out = {
        "commissioner_payments": paid.sum(axis=1) + _after_horizon_share(payments, commissioner),
        "commissioner_payments_npv": (paid * factors).sum(axis=1),
        "commissioner_top_up": w.top_up.sum(axis=1),
        "commissioner_surplus_share": share.sum(axis=1),
        "hospital_costs_avoided": avoided.sum(axis=1),
        "hospital_costs_avoided_cashable": cashable.sum(axis=1),
        "hospital_costs_avoided_non_cashable": avoided.sum(axis=1) - cashable.sum(axis=1),
        "commissioner_net_cost": paid.sum(axis=1) - cashable.sum(axis=1) - share.sum(axis=1),
        "commissioner_net_cost_npv": ((paid - cashable - share) * factors).sum(axis=1),
    }
    if "hospital" not in ledger.modelled:  # no hospital use modelled: no savings metrics, not zeros
        out = {k: v for k, v in out.items() if not k.startswith("hospital_")}
    return out


def _after_horizon_share(payments: Payments, payer_index: int) -> np.ndarray:
    owed = payments.by_payer()[payments.payer_ids[payer_index]]
    return owed - payments.paid[:, :, payer_index, :].sum(axis=(1, 2))
