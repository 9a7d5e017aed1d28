"""The result of running a scenario: per-replication metrics and monthly flows, nothing per patient."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import month_dates
from ..scenario import Scenario
from .summary import summarise


@dataclass(frozen=True)
class Results:
    """Everything the outputs need, and nothing per patient (memory stays flat in replications).

    - `replications`: one row per replication; column `replication` then flat metric names
      (`payments_total`, `payments_by_payer.ccg`, `investor_irr`, `investor_irr_status`, ...).
    - `monthly`: stream name -> array (n_replications, horizon_months). Names are `group.name`:
      `outcome.<line>`, `payer.<payer>`, `cost.<item>`, `investor.drawdown|repayment|return|net`,
      `spv.cash|retained|unfunded`, `cohort.referrals|engaged|in_service|waiting|capacity|...`,
      `hospital.patient_months|treated_cost|comparison_cost`.
    - `star_change_histogram`: participants by recorded Star change (-72..72), over all replications.
    """

    scenario: Scenario
    seed: int
    replications: pd.DataFrame
    monthly: dict[str, np.ndarray]
    star_change_histogram: np.ndarray

    @property
    def n_replications(self) -> int:
        return len(self.replications)

    @property
    def month_dates(self) -> list[dt.date]:
        return month_dates(self.scenario.run.start_date, self.scenario.run.horizon_months)

    def summary(self) -> dict[str, dict[str, float]]:
        """metric -> {mean, sd, p5, p50, p95, n}; probabilities -> {value, n}."""
        return summarise(self.replications)
