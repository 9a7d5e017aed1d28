"""Delivery costs by month: link workers, management, per engaged patient, evaluation."""

from __future__ import annotations

import numpy as np

from ..measure import OutcomeLedger
from ..scenario import Scenario

COST_ITEMS = ("link_workers", "management", "per_patient", "evaluation")


def delivery_costs(scenario: Scenario, ledger: OutcomeLedger) -> dict[str, np.ndarray]:
    """(n_replications, horizon) cost by item; overheads run until `costs_end_month`."""
    costs = scenario.finance.costs
    horizon = scenario.run.horizon_months
    months = np.arange(horizon) + 0.5
    end = horizon if costs.costs_end_month is None else costs.costs_end_month
    running = (months < end).astype(float)
    ones = np.ones((ledger.n_replications, 1))
    return {
        # Posts as staffed in each replication (the staffing can be an uncertain parameter).
        "link_workers": ledger.series["link_worker_fte"] * costs.link_worker_per_fte_per_year / 12.0,
        "management": ones * running * costs.management_per_month,
        "per_patient": ledger.series["engaged"] * costs.per_engaged_patient,
        "evaluation": ones * running * costs.evaluation_per_year / 12.0,
    }
