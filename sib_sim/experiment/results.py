"""The result of running a scenario: per-replication metrics and monthly flows, nothing per patient."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..calendar import month_dates
from ..scenario import Scenario


@dataclass(frozen=True)
class Results:
    """Everything the outputs need, and nothing per patient (memory stays flat in replications).

    - `replications`: one row per replication; column `replication` then flat metric names
      (`payments_total`, `payments_by_payer.ccg`, `investor_irr`, `investor_irr_status`, ...).
    - `monthly`: stream name -> array (n_replications, horizon_months) of monthly values. Stream names
      are `group.name`: `outcome.<line id>`, `payer.<payer id>`, `cost.<item>`, `investor.drawdown`,
      `investor.distribution`, `spv.cash`, `cohort.referrals`, `cohort.engaged`, `cohort.in_service`,
      `cohort.waiting`, `hospital.treated_cost`, `hospital.comparison_cost`, `hospital.patient_months`.
    """

    scenario: Scenario
    replications: pd.DataFrame
    monthly: dict[str, np.ndarray] = field(default_factory=dict)
    scenario_path: str | None = None
    scenario_sha256: str | None = None

    @property
    def n_replications(self) -> int:
        return len(self.replications)

    @property
    def month_dates(self) -> list[dt.date]:
        return month_dates(self.scenario.run.start_date, self.scenario.run.horizon_months)
